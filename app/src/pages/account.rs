//! Sign in, register, sign out. Each is a server-function form, so it works without the WASM.
//! The sign-in and register forms are islands: hydrated, a refusal appears in place and the
//! inputs keep what was typed. Success redirects, so the next page renders signed in.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use crate::components::{FormError, encode_query_value, redirected_error};
use crate::session::{Register, SignIn, SignOut, use_auth};

/// The `next` query parameter: where to go once signed in.
fn next_from_query() -> String {
    use_query_map().with_untracked(|q| q.get("next").unwrap_or_default())
}

fn with_next(path: &str, next: &str) -> String {
    if next.is_empty() { path.to_owned() } else { format!("{path}?next={}", encode_query_value(next)) }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let next = next_from_query();
    let error = redirected_error::<SignIn>();
    view! {
        <Title text="Sign in"/>
        <Meta name="description" content="Sign in to keep favorites and get recommendations made for you."/>
        <section class="auth">
            <h1>"Sign in"</h1>
            <SignInForm next=next.clone() error/>
            <p>"New here? "<a href=with_next("/register", &next)>"Create an account"</a></p>
        </section>
    }
}

/// `error` is the refusal a form posted without JavaScript came back with.
#[island]
fn SignInForm(next: String, error: Option<String>) -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    view! {
        <ActionForm action=sign_in attr:class="auth-form" attr:aria-label="Sign in">
            <input type="hidden" name="next" value=next/>
            <label for="signin-email">"Email"</label>
            <input id="signin-email" type="email" name="email" autocomplete="email" required/>
            <label for="signin-password">"Password"</label>
            <input id="signin-password" type="password" name="password" autocomplete="current-password" required/>
            <FormError action=sign_in redirected=error/>
            <button type="submit" disabled=move || sign_in.pending().get()>"Sign in"</button>
        </ActionForm>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let next = next_from_query();
    let error = redirected_error::<Register>();
    view! {
        <Title text="Create an account"/>
        <Meta name="description" content="Create a free account: keep favorite movies and get recommendations from what you love."/>
        <section class="auth">
            <h1>"Create an account"</h1>
            <p class="muted">"Keep favorites and get recommendations made for you."</p>
            <RegisterForm next=next.clone() error/>
            <p>"Already have an account? "<a href=with_next("/signin", &next)>"Sign in"</a></p>
        </section>
    }
}

/// `error` is the refusal a form posted without JavaScript came back with.
#[island]
fn RegisterForm(next: String, error: Option<String>) -> impl IntoView {
    let register = ServerAction::<Register>::new();
    view! {
        <ActionForm action=register attr:class="auth-form" attr:aria-label="Create an account">
            <input type="hidden" name="next" value=next/>
            <label for="register-email">"Email"</label>
            <input id="register-email" type="email" name="email" autocomplete="email" required/>
            <label for="register-password">"Password"</label>
            <input
                id="register-password"
                type="password"
                name="password"
                autocomplete="new-password"
                minlength="8"
                maxlength="128"
                aria-describedby="register-password-hint"
                required
            />
            <p id="register-password-hint" class="hint">"8 to 128 characters; common passwords are refused."</p>
            <FormError action=register redirected=error/>
            <button type="submit" disabled=move || register.pending().get()>"Create account"</button>
        </ActionForm>
    }
}

#[component]
pub fn SignOutPage() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Title text="Sign out"/>
        <Meta name="description" content="Sign out of Nexus on this browser."/>
        <section class="auth">
            <h1>"Sign out"</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match auth.user.await {
                        Ok(Some(user)) => view! {
                            <p>"You are signed in as "<strong>{user.email}</strong>"."</p>
                            <SignOutButton/>
                        }.into_any(),
                        _ => view! {
                            <p role="status">"You are signed out."</p>
                            <p><a href="/signin">"Sign in again"</a></p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// A one-button form: signs out everywhere this browser's session reached. A plain form, with
/// or without JavaScript: the server answers with a redirect to the home page, signed out.
#[component]
pub fn SignOutButton() -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <ActionForm action=sign_out attr:class="sign-out-form">
            <button type="submit" class="link-button">"Sign out"</button>
        </ActionForm>
    }
}

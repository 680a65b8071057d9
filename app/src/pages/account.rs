//! Sign in, register, sign out. Each is a server-function form, so it works before and
//! without the WASM; hydrated, errors appear in place and the inputs keep what was typed.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use crate::components::FormError;
use crate::session::{Register, SignIn, SignOut, use_auth};

/// The `next` query parameter: where to go once signed in.
fn use_next() -> Memo<String> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get("next").unwrap_or_default()))
}

fn with_next(path: &str, next: &str) -> String {
    if next.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?next={}", crate::components::encode_query_value(next))
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    use_auth().watch(sign_in);
    let next = use_next();
    view! {
        <Title text="Sign in"/>
        <Meta name="description" content="Sign in to keep favorites and get recommendations made for you."/>
        <section class="auth">
            <h1>"Sign in"</h1>
            <ActionForm action=sign_in attr:class="auth-form" attr:aria-label="Sign in">
                <input type="hidden" name="next" value=move || next.get()/>
                <label for="signin-email">"Email"</label>
                <input id="signin-email" type="email" name="email" autocomplete="email" required/>
                <label for="signin-password">"Password"</label>
                <input id="signin-password" type="password" name="password" autocomplete="current-password" required/>
                <FormError result=sign_in.value().into()/>
                <button type="submit" disabled=move || sign_in.pending().get()>"Sign in"</button>
            </ActionForm>
            <p>"New here? "<a href=move || with_next("/register", &next.get())>"Create an account"</a></p>
        </section>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let register = ServerAction::<Register>::new();
    use_auth().watch(register);
    let next = use_next();
    view! {
        <Title text="Create an account"/>
        <Meta name="description" content="Create a free account: keep favorite movies and get recommendations from what you love."/>
        <section class="auth">
            <h1>"Create an account"</h1>
            <p class="muted">"Keep favorites and get recommendations made for you."</p>
            <ActionForm action=register attr:class="auth-form" attr:aria-label="Create an account">
                <input type="hidden" name="next" value=move || next.get()/>
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
                <FormError result=register.value().into()/>
                <button type="submit" disabled=move || register.pending().get()>"Create account"</button>
            </ActionForm>
            <p>"Already have an account? "<a href=move || with_next("/signin", &next.get())>"Sign in"</a></p>
        </section>
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
            <Transition fallback=|| ()>
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
            </Transition>
        </section>
    }
}

/// A one-button form: signs out everywhere this browser's session reached.
#[component]
pub fn SignOutButton() -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    use_auth().watch(sign_out);
    view! {
        <ActionForm action=sign_out attr:class="sign-out-form">
            <button type="submit" class="link-button">"Sign out"</button>
        </ActionForm>
    }
}

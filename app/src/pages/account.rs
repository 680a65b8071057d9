//! Sign in, register, sign out. Each is a server-function form, so it works without the WASM.
//! The sign-in and register forms are islands: hydrated, a refusal appears in place and the
//! inputs keep what was typed. Success redirects, so the next page renders signed in.

use leptos::ev::SubmitEvent;
use leptos::form::ActionForm;
use leptos::html::Input;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use crate::components::{FormError, encode_query_value, redirected_error};
use crate::session::{Register, SignIn, SignOut, register, sign_in, use_auth};

/// The `next` query parameter: where to go once signed in.
fn next_from_query() -> String {
    use_query_map().with_untracked(|q| q.get("next").unwrap_or_default())
}

/// The email to fill in again after a refusal that came back without JavaScript (a hydrated
/// form keeps its inputs itself). Passwords never come back.
#[cfg(feature = "ssr")]
fn refused_email(refused: bool) -> String {
    refused.then(crate::server::refused_email).flatten().unwrap_or_default()
}

#[cfg(not(feature = "ssr"))]
fn refused_email(_refused: bool) -> String {
    String::new()
}

fn with_next(path: &str, next: &str) -> String {
    if next.is_empty() { path.to_owned() } else { format!("{path}?next={}", encode_query_value(next)) }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let next = next_from_query();
    let error = redirected_error::<SignIn>();
    let email = refused_email(error.is_some());
    view! {
        <Title text="Sign in"/>
        <Meta name="description" content="Sign in to keep favorites and get recommendations made for you."/>
        <section class="auth">
            <h1>"Sign in"</h1>
            <CredentialsForm purpose=Purpose::SignIn next=next.clone() email error/>
            <p>"New here? "<a href=with_next("/register", &next)>"Create an account"</a></p>
        </section>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let next = next_from_query();
    let error = redirected_error::<Register>();
    let email = refused_email(error.is_some());
    view! {
        <Title text="Create an account"/>
        <Meta name="description" content="Create a free account: keep favorite movies and get recommendations from what you love."/>
        <section class="auth">
            <h1>"Create an account"</h1>
            <p class="muted">"Keep favorites and get recommendations made for you."</p>
            <CredentialsForm purpose=Purpose::Register next=next.clone() email error/>
            <p>"Already have an account? "<a href=with_next("/signin", &next)>"Sign in"</a></p>
        </section>
    }
}

/// What a credentials form is for; it decides the server function, the labels and the
/// password rules the browser checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
enum Purpose {
    SignIn,
    Register,
}

/// The email and password form of the sign-in and register pages, an island: hydrated, a
/// refusal appears in place and the inputs keep what was typed; success follows the server's
/// redirect (see `frontend`). `error` is the refusal a form posted without JavaScript came
/// back with, and `email` what was typed then.
#[island]
fn CredentialsForm(purpose: Purpose, next: String, email: String, error: Option<String>) -> impl IntoView {
    let (email_input, password_input) = (NodeRef::<Input>::new(), NodeRef::<Input>::new());
    let (pending, refusal) = (RwSignal::new(false), RwSignal::new(error));
    let going_to = next.clone();
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let typed = |input: NodeRef<Input>| input.get_untracked().map(|input| input.value()).unwrap_or_default();
        let (email, password, next) = (typed(email_input), typed(password_input), Some(going_to.clone()));
        pending.set(true);
        refusal.set(None);
        leptos::task::spawn_local(async move {
            let answer = match purpose {
                Purpose::SignIn => sign_in(email, password, next).await,
                Purpose::Register => register(email, password, next).await,
            };
            if let Err(error) = answer {
                refusal.set(Some(error.to_string()));
            }
            pending.set(false);
        });
    };
    let registering = purpose == Purpose::Register;
    let (id, action, label, button) = match purpose {
        Purpose::SignIn => ("signin", SignIn::url(), "Sign in", "Sign in"),
        Purpose::Register => ("register", Register::url(), "Create an account", "Create account"),
    };
    let hint_id = format!("{id}-password-hint");
    view! {
        <form method="post" action=action class="auth-form" aria-label=label on:submit=submit>
            <input type="hidden" name="next" value=next/>
            <label for=format!("{id}-email")>"Email"</label>
            <input id=format!("{id}-email") type="email" name="email" autocomplete="email" value=email required node_ref=email_input/>
            <label for=format!("{id}-password")>"Password"</label>
            <input
                id=format!("{id}-password")
                type="password"
                name="password"
                autocomplete=if registering { "new-password" } else { "current-password" }
                minlength=registering.then_some("8")
                maxlength=registering.then_some("128")
                aria-describedby=registering.then(|| hint_id.clone())
                required
                node_ref=password_input
            />
            {registering.then(|| view! {
                <p id=hint_id class="hint">"8 to 128 characters; common passwords are refused."</p>
            })}
            <FormError message=refusal/>
            <button type="submit" disabled=move || pending.get()>{button}</button>
        </form>
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

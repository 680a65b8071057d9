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

use crate::AppError;
use crate::components::{FormError, encode_query_value, redirected_error};
use crate::session::{Register, SignIn, SignOut, register, sign_in, use_auth};

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
    let (email, password) = (NodeRef::<Input>::new(), NodeRef::<Input>::new());
    let sending = Sending::new(error);
    let submit = sending.credentials_handler(email, password, next.clone(), sign_in);
    view! {
        <form method="post" action=SignIn::url() class="auth-form" aria-label="Sign in" on:submit=submit>
            <input type="hidden" name="next" value=next/>
            <label for="signin-email">"Email"</label>
            <input id="signin-email" type="email" name="email" autocomplete="email" required node_ref=email/>
            <label for="signin-password">"Password"</label>
            <input id="signin-password" type="password" name="password" autocomplete="current-password" required node_ref=password/>
            <FormError message=sending.refusal/>
            <button type="submit" disabled=move || sending.is_pending()>"Sign in"</button>
        </form>
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
    let (email, password) = (NodeRef::<Input>::new(), NodeRef::<Input>::new());
    let sending = Sending::new(error);
    let submit = sending.credentials_handler(email, password, next.clone(), register);
    view! {
        <form method="post" action=Register::url() class="auth-form" aria-label="Create an account" on:submit=submit>
            <input type="hidden" name="next" value=next/>
            <label for="register-email">"Email"</label>
            <input id="register-email" type="email" name="email" autocomplete="email" required node_ref=email/>
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
                node_ref=password
            />
            <p id="register-password-hint" class="hint">"8 to 128 characters; common passwords are refused."</p>
            <FormError message=sending.refusal/>
            <button type="submit" disabled=move || sending.is_pending()>"Create account"</button>
        </form>
    }
}

/// A form an island sends to its server function: whether it is on its way, and the refusal.
/// Success needs nothing here: these server functions answer with a redirect, which the
/// browser follows (see `frontend`).
#[derive(Clone, Copy)]
struct Sending {
    pending: RwSignal<bool>,
    refusal: RwSignal<Option<String>>,
}

impl Sending {
    fn new(refusal: Option<String>) -> Self {
        Self { pending: RwSignal::new(false), refusal: RwSignal::new(refusal) }
    }

    fn send(self, call: impl Future<Output = Result<(), AppError>> + 'static) {
        self.pending.set(true);
        self.refusal.set(None);
        leptos::task::spawn_local(async move {
            if let Err(error) = call.await {
                self.refusal.set(Some(error.to_string()));
            }
            self.pending.set(false);
        });
    }

    fn is_pending(self) -> bool {
        self.pending.get()
    }

    /// The submit handler of a form that sends the typed email and password, and `next`, to
    /// `call` (signing in or registering).
    fn credentials_handler<Call, Answer>(
        self,
        email: NodeRef<Input>,
        password: NodeRef<Input>,
        next: String,
        call: Call,
    ) -> impl Fn(SubmitEvent) + 'static
    where
        Call: Fn(String, String, Option<String>) -> Answer + 'static,
        Answer: Future<Output = Result<(), AppError>> + 'static,
    {
        move |event| {
            event.prevent_default();
            self.send(call(value_of(email), value_of(password), Some(next.clone())));
        }
    }
}

/// What the user typed into `input`.
fn value_of(input: NodeRef<Input>) -> String {
    input.get_untracked().map(|input| input.value()).unwrap_or_default()
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

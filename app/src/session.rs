//! Signing in, registering and signing out, and who is signed in, for every page.
//!
//! The actions live at the top of the app so the header's "who is signed in" refetches after
//! any of them, wherever the form that ran it was.

use api_types::User;
use leptos::prelude::*;

use crate::AppError;

/// The signed-in user, or `None`.
#[server]
pub async fn get_current_user() -> Result<Option<User>, AppError> {
    let Some(account) = crate::server::visitor()?.account else { return Ok(None) };
    let services = crate::server::services()?;
    match services.accounts.account(account).await {
        Ok(account) => Ok(Some(account.to_user())),
        // A valid token for an account that is gone: treat the browser as signed out.
        Err(services::accounts::AuthError::InvalidAccessToken(_)) => Ok(None),
        Err(other) => Err(other.into()),
    }
}

/// Signs in and keeps the session in cookies, then goes to `next` (a path on this site).
#[server]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let services = crate::server::services()?;
    let client = crate::server::visitor()?.client.to_string();
    let (_, session) = services.accounts.sign_in(&email, &password, &client).await?;
    crate::server::start_browser_session(&services, &session, next.as_deref());
    Ok(())
}

/// Creates an account, signs it in, and goes to `next`.
#[server]
pub async fn register(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let services = crate::server::services()?;
    let (_, session) = services.accounts.register(&email, &password).await?;
    crate::server::start_browser_session(&services, &session, next.as_deref());
    Ok(())
}

/// Revokes the browser's refresh token (and its family) and deletes the cookies.
#[server]
pub async fn sign_out() -> Result<(), AppError> {
    let services = crate::server::services()?;
    let tokens = services.cookies.read(&crate::server::request_parts()?.headers);
    if let Some(refresh) = tokens.refresh {
        services.accounts.sign_out(&refresh).await?;
    }
    crate::server::set_cookies(services.cookies.clear());
    leptos_axum::redirect("/");
    Ok(())
}

/// Whether the catalog comes from the built-in emulator (whose dataset the footer credits).
#[server(input = leptos::server_fn::codec::GetUrl)]
pub async fn get_catalog_is_emulated() -> Result<bool, AppError> {
    Ok(crate::server::services()?.catalog_is_emulated)
}

/// The signed-in user, shared by every page, and a way to say it may have changed.
///
/// The sign-in, register and sign-out actions belong to the forms that use them (inside the
/// routes, where a form posted without JavaScript finds its error in the URL); each is
/// [`watch`](Auth::watch)ed, so the header refetches the user after any of them.
#[derive(Clone, Copy)]
pub struct Auth {
    pub user: Resource<Result<Option<User>, AppError>>,
    changes: RwSignal<u32>,
}

impl Auth {
    /// Creates the user resource and provides it to the app.
    pub fn provide() -> Self {
        let changes = RwSignal::new(0);
        let user = Resource::new(move || changes.get(), |_| get_current_user());
        let auth = Self { user, changes };
        provide_context(auth);
        auth
    }

    /// Refetches the user whenever `action` completes.
    pub fn watch<S>(&self, action: ServerAction<S>)
    where
        S: leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
        S::Output: Send + Sync + 'static,
        S::Error: Send + Sync + 'static,
    {
        let changes = self.changes;
        // Effects run in the browser only, which is the only place a refetch is needed.
        Effect::new(move |seen: Option<usize>| {
            let version = action.version().get();
            if seen.is_some_and(|seen| seen != version) {
                changes.update(|count| *count += 1);
            }
            version
        });
    }
}

/// The app's [`Auth`]; `App` provides it above every page.
pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

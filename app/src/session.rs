//! Signing in, registering and signing out, and who is signed in, for every page.

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
    let client = services::limits::client_key(crate::server::visitor()?.client);
    let (_, session) = services.accounts.sign_in(&email, &password, &client).await.inspect_err(|_| {
        crate::server::keep_email_of_refused_form(&services, &email);
    })?;
    crate::server::start_browser_session(&services, &session, next.as_deref());
    Ok(())
}

/// Creates an account, signs it in, and goes to `next`.
#[server]
pub async fn register(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let services = crate::server::services()?;
    let client = services::limits::client_key(crate::server::visitor()?.client);
    let (_, session) = services.accounts.register(&email, &password, &client).await.inspect_err(|_| {
        crate::server::keep_email_of_refused_form(&services, &email);
    })?;
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

/// The signed-in user, read once per page render and shared by the header and the page.
///
/// Signing in, registering and signing out end with a redirect, so the next page the browser
/// loads renders the new state everywhere.
#[derive(Clone, Copy)]
pub struct Auth {
    pub user: Resource<Result<Option<User>, AppError>>,
}

impl Auth {
    /// Creates the user resource and provides it to the app.
    pub fn provide() -> Self {
        let auth = Self { user: Resource::new(|| (), |_| get_current_user()) };
        provide_context(auth);
        auth
    }
}

/// The app's [`Auth`]; `App` provides it above every page.
pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

//! What server functions need from the server: its services, provided as context by the
//! axum binary (see `server::app`) and read here through one helper.

use std::sync::Arc;

use leptos::prelude::*;
use services::catalog::CatalogService;

use crate::AppError;

/// The services a server function may call.
#[derive(Clone)]
pub struct ServerContext {
    pub catalog: Arc<CatalogService>,
}

/// The server's services, or an internal error when the server did not provide them.
pub fn services() -> Result<ServerContext, AppError> {
    use_context::<ServerContext>().ok_or_else(|| {
        tracing::error!("ServerContext missing: the server must provide it to every Leptos route");
        AppError::Internal
    })
}

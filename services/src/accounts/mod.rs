//! Accounts: the store of accounts, refresh tokens and favorites; password rules and hashing;
//! access and refresh tokens.

pub mod password;
mod postgres;
mod service;
mod sqlite;
pub mod store;
pub mod tokens;

use std::sync::Arc;

pub use postgres::PgAccountStore;
pub use service::{
    AccountService, AuthError, AuthLimits, DEFAULT_REFRESH_REUSE_GRACE, DEFAULT_REGISTRATIONS_PER_HOUR,
    DEFAULT_SESSION_MAX_AGE, Session, normalise_email,
};
pub use sqlite::SqliteAccountStore;
pub use store::{AccountStore, StoreError};

use crate::db::Database;

/// The store for the configured database.
pub fn store_for(db: &Database) -> Arc<dyn AccountStore> {
    match db {
        Database::Postgres(pool) => Arc::new(PgAccountStore::new(pool.clone())),
        Database::Sqlite(pool) => Arc::new(SqliteAccountStore::new(pool.clone())),
    }
}

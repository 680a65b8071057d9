//! Accounts: the store of accounts, sessions, movies and users' lists; password rules and
//! hashing; access and refresh tokens.

pub mod password;
mod service;
mod sql_store;
pub mod store;
pub mod tokens;

use std::sync::Arc;

pub use service::{
    AccountService, AuthError, AuthLimits, DEFAULT_REFRESH_REUSE_GRACE, DEFAULT_REGISTRATIONS_PER_HOUR,
    DEFAULT_SESSION_MAX_AGE, Session, normalise_email,
};
pub use sql_store::{PgAccountStore, SqliteAccountStore};
pub use store::{AccountStore, LibraryStore, StoreError};

use crate::db::Database;

/// The account store for the configured database.
pub fn store_for(db: &Database) -> Arc<dyn AccountStore> {
    match db {
        Database::Postgres(pool) => Arc::new(PgAccountStore::new(pool.clone())),
        Database::Sqlite(pool) => Arc::new(SqliteAccountStore::new(pool.clone())),
    }
}

/// The store of movies and users' lists for the configured database (the same tables'
/// neighbours, through the same pool).
pub fn library_store_for(db: &Database) -> Arc<dyn LibraryStore> {
    match db {
        Database::Postgres(pool) => Arc::new(PgAccountStore::new(pool.clone())),
        Database::Sqlite(pool) => Arc::new(SqliteAccountStore::new(pool.clone())),
    }
}

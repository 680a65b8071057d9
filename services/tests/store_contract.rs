//! One contract, two stores: every test runs against SQLite (a fresh file) and PostgreSQL
//! (`TEST_DATABASE_URL`, a fresh schema per test), through the same `AccountStore` trait.

use std::str::FromStr;
use std::sync::Arc;

use chrono::{Duration, Utc};
use services::accounts::store::{NewFavorite, NewRefreshToken, RefreshUse};
use services::accounts::{AccountStore, StoreError, store_for};
use services::db::Database;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use uuid::Uuid;

/// A store on a database of its own, removed afterwards.
struct Fixture {
    store: Arc<dyn AccountStore>,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Schema { url: String, schema: String },
}

impl Drop for Fixture {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Schema { url, schema } => {
                // Best effort, on a runtime of its own: Drop cannot await.
                let (url, schema) = (url.clone(), schema.clone());
                let _ = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
                    if let Ok(runtime) = runtime {
                        runtime.block_on(async {
                            if let Ok(pool) = PgPoolOptions::new().max_connections(1).connect(&url).await {
                                let _ = sqlx::query(&format!("drop schema if exists {schema} cascade"))
                                    .execute(&pool)
                                    .await;
                            }
                        });
                    }
                })
                .join();
            }
        }
    }
}

async fn sqlite() -> Fixture {
    let dir = std::env::temp_dir().join(format!("nexus-store-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let db = Database::connect_lazy(&format!("sqlite://{}?mode=rwc", dir.join("test.db").display())).expect("sqlite");
    db.migrate().await.expect("migrations");
    Fixture { store: store_for(&db), cleanup: Cleanup::File(dir) }
}

async fn postgres() -> Fixture {
    let url = std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let schema = format!("contract_{}", Uuid::new_v4().simple());
    let admin = PgPoolOptions::new().max_connections(1).connect(&url).await.expect("postgres is running");
    sqlx::query(&format!("create schema {schema}")).execute(&admin).await.expect("schema");
    admin.close().await;
    let options = PgConnectOptions::from_str(&url).expect("url").options([("search_path", schema.as_str())]);
    let pool = PgPoolOptions::new().max_connections(8).connect_with(options).await.expect("connect");
    let db = Database::Postgres(pool);
    db.migrate().await.expect("migrations");
    Fixture { store: store_for(&db), cleanup: Cleanup::Schema { url, schema } }
}

async fn accounts_are_unique_by_email_in_any_case(fixture: Fixture) {
    let store = &fixture.store;
    let now = Utc::now();
    let created = store.create_account("Ada@Example.com", "hash", now).await.expect("created");
    assert_eq!(created.email, "Ada@Example.com");
    let again = store.create_account("ada@example.COM", "other", now).await;
    assert!(matches!(again, Err(StoreError::EmailTaken)), "{again:?}");

    let found = store.credentials_by_email("ADA@example.com").await.expect("query").expect("found");
    assert_eq!(found.account, created);
    assert_eq!(found.password_hash, "hash");
    assert_eq!(store.account(created.id).await.expect("query"), Some(created));
    assert!(store.credentials_by_email("nobody@example.com").await.expect("query").is_none());
    assert!(store.account(Uuid::new_v4()).await.expect("query").is_none());
}

fn refresh_token(account: Uuid, family: Uuid, expires_in: Duration) -> NewRefreshToken {
    let now = Utc::now();
    NewRefreshToken {
        id: Uuid::new_v4(),
        hash: Uuid::new_v4().as_bytes().to_vec(),
        family,
        account,
        issued_at: now,
        expires_at: now + expires_in,
    }
}

async fn refresh_tokens_are_spent_once_and_families_revoke(fixture: Fixture) {
    let store = &fixture.store;
    let account = store.create_account("r@example.com", "hash", Utc::now()).await.expect("account").id;
    let family = Uuid::new_v4();
    let first = refresh_token(account, family, Duration::days(14));
    store.save_refresh_token(&first).await.expect("saved");

    let now = Utc::now();
    assert_eq!(store.use_refresh_token(&first.hash, now).await.expect("use"), RefreshUse::Spent { account, family });
    // Presented again: reused, with when it was spent (the service's reuse grace counts from it).
    match store.use_refresh_token(&first.hash, now + Duration::seconds(5)).await.expect("use") {
        RefreshUse::Reused { account: a, family: f, used_at } => {
            assert_eq!((a, f), (account, family));
            assert!((used_at - now).abs() < Duration::milliseconds(1), "spent at {now}, reported {used_at}");
        }
        other => panic!("expected Reused, got {other:?}"),
    }

    let second = refresh_token(account, family, Duration::days(14));
    store.save_refresh_token(&second).await.expect("saved");
    store.revoke_refresh_family(family, now).await.expect("revoked");
    assert_eq!(store.use_refresh_token(&second.hash, now).await.expect("use"), RefreshUse::Revoked);
    // A spent token of a revoked family is revoked too: no grace brings the family back.
    assert_eq!(store.use_refresh_token(&first.hash, now).await.expect("use"), RefreshUse::Revoked);

    let expired = refresh_token(account, Uuid::new_v4(), Duration::seconds(-1));
    store.save_refresh_token(&expired).await.expect("saved");
    assert_eq!(store.use_refresh_token(&expired.hash, Utc::now()).await.expect("use"), RefreshUse::Expired);
    assert_eq!(store.use_refresh_token(b"unknown", Utc::now()).await.expect("use"), RefreshUse::Unknown);
}

async fn concurrent_uses_of_one_refresh_token_spend_it_once(fixture: Fixture) {
    let store = fixture.store.clone();
    let account = store.create_account("c@example.com", "hash", Utc::now()).await.expect("account").id;
    let token = refresh_token(account, Uuid::new_v4(), Duration::days(1));
    store.save_refresh_token(&token).await.expect("saved");
    let uses: Vec<_> = (0..10)
        .map(|_| {
            let (store, hash) = (store.clone(), token.hash.clone());
            tokio::spawn(async move { store.use_refresh_token(&hash, Utc::now()).await })
        })
        .collect();
    let mut spent = 0;
    for task in uses {
        if let RefreshUse::Spent { .. } = task.await.expect("joined").expect("use") {
            spent += 1;
        }
    }
    assert_eq!(spent, 1);
}

fn movie(id: u64) -> NewFavorite {
    NewFavorite {
        tmdb_id: id,
        title: format!("Movie {id}"),
        poster_path: Some(format!("/p{id}.svg")),
        release_year: Some(2000),
    }
}

async fn favorites_are_per_account_newest_first_and_paginated(fixture: Fixture) {
    let store = &fixture.store;
    let ada = store.create_account("ada@example.com", "h", Utc::now()).await.expect("account").id;
    let bob = store.create_account("bob@example.com", "h", Utc::now()).await.expect("account").id;
    let start = Utc::now();
    for (offset, id) in [10u64, 20, 30].into_iter().enumerate() {
        let (favorite, created) =
            store.add_favorite(ada, &movie(id), start + Duration::seconds(offset as i64)).await.expect("added");
        assert!(created);
        assert_eq!(favorite.tmdb_id, id);
    }
    let (again, created) = store.add_favorite(ada, &movie(20), Utc::now()).await.expect("idempotent");
    assert!(!created);
    assert_eq!(again.title, "Movie 20");

    let (page, total) = store.favorites(ada, 0, 2).await.expect("list");
    assert_eq!(total, 3);
    assert_eq!(page.iter().map(|f| f.tmdb_id).collect::<Vec<_>>(), vec![30, 20]);
    let (rest, _) = store.favorites(ada, 2, 2).await.expect("list");
    assert_eq!(rest.iter().map(|f| f.tmdb_id).collect::<Vec<_>>(), vec![10]);

    // Bob sees and changes nothing of Ada's.
    assert_eq!(store.favorites(bob, 0, 10).await.expect("list").1, 0);
    assert!(store.favorite(bob, 10).await.expect("get").is_none());
    assert!(!store.remove_favorite(bob, 10).await.expect("remove"));

    assert!(store.favorite(ada, 10).await.expect("get").is_some());
    assert!(store.remove_favorite(ada, 10).await.expect("remove"));
    assert!(!store.remove_favorite(ada, 10).await.expect("remove again"));
    assert_eq!(store.favorites(ada, 0, 10).await.expect("list").1, 2);
}

async fn twenty_parallel_adds_make_one_row(fixture: Fixture) {
    let store = fixture.store.clone();
    let account = store.create_account("p@example.com", "h", Utc::now()).await.expect("account").id;
    let adds: Vec<_> = (0..20)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.add_favorite(account, &movie(603), Utc::now()).await })
        })
        .collect();
    let mut created = 0;
    for add in adds {
        if add.await.expect("joined").expect("added").1 {
            created += 1;
        }
    }
    assert_eq!(created, 1);
    assert_eq!(store.favorites(account, 0, 100).await.expect("list").1, 1);
}

macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread")] async fn $name() { super::$name(super::sqlite().await).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread")] async fn $name() { super::$name(super::postgres().await).await })*
        }
    };
}

contract!(
    accounts_are_unique_by_email_in_any_case,
    refresh_tokens_are_spent_once_and_families_revoke,
    concurrent_uses_of_one_refresh_token_spend_it_once,
    favorites_are_per_account_newest_first_and_paginated,
    twenty_parallel_adds_make_one_row,
);

//! One contract, two stores: every test runs against SQLite (a fresh file) and PostgreSQL
//! (`TEST_DATABASE_URL`, a fresh schema per test), through the same `AccountStore` trait.

use std::str::FromStr;
use std::sync::Arc;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use services::accounts::store::{
    LibraryIds, MovieRecord, NewRefreshFamily, NewRefreshToken, Purged, RefreshUse, SeenOrder, Shelf,
};
use services::accounts::{AccountStore, LibraryStore, StoreError, library_store_for, store_for};
use services::db::Database;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use uuid::Uuid;

/// A store on a database of its own, removed afterwards.
struct Fixture {
    store: Arc<dyn AccountStore>,
    library: Arc<dyn LibraryStore>,
    _cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Schema { url: String, schema: String },
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        match self {
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

/// An empty database of its own, and how to remove it.
struct EmptyDatabase {
    db: Database,
    cleanup: Cleanup,
}

impl EmptyDatabase {
    async fn sqlite() -> Self {
        let dir = std::env::temp_dir().join(format!("nexus-store-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.join("test.db").display());
        Self { db: Database::connect_lazy(&url).expect("sqlite"), cleanup: Cleanup::File(dir) }
    }

    async fn postgres() -> Self {
        let url =
            std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let schema = format!("contract_{}", Uuid::new_v4().simple());
        let admin = PgPoolOptions::new().max_connections(1).connect(&url).await.expect("postgres is running");
        sqlx::query(&format!("create schema {schema}")).execute(&admin).await.expect("schema");
        admin.close().await;
        let options = PgConnectOptions::from_str(&url).expect("url").options([("search_path", schema.as_str())]);
        let pool = PgPoolOptions::new().max_connections(8).connect_with(options).await.expect("connect");
        Self { db: Database::Postgres(pool), cleanup: Cleanup::Schema { url, schema } }
    }

    async fn migrated(self) -> Fixture {
        self.db.migrate().await.expect("migrations");
        Fixture { store: store_for(&self.db), library: library_store_for(&self.db), _cleanup: self.cleanup }
    }
}

async fn sqlite() -> Fixture {
    EmptyDatabase::sqlite().await.migrated().await
}

async fn postgres() -> Fixture {
    EmptyDatabase::postgres().await.migrated().await
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

/// Starts a session of `account` that ends in `ends_in`.
async fn start_family(store: &Arc<dyn AccountStore>, account: Uuid, ends_in: Duration) -> (Uuid, DateTime<Utc>) {
    let now = micros(Utc::now());
    let family = NewRefreshFamily { id: Uuid::new_v4(), account, created_at: now, expires_at: now + ends_in };
    store.start_refresh_family(&family).await.expect("family started");
    (family.id, family.expires_at)
}

/// What both databases keep of a time.
fn micros(time: DateTime<Utc>) -> DateTime<Utc> {
    time.trunc_subsecs(6)
}

fn refresh_token(account: Uuid, family: Uuid, expires_in: Duration) -> NewRefreshToken {
    let now = micros(Utc::now());
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
    let (family, family_expires_at) = start_family(store, account, Duration::days(30)).await;
    let first = refresh_token(account, family, Duration::days(14));
    store.save_refresh_token(&first).await.expect("saved");
    // Saving the same token again (a retried rotation) changes nothing.
    store.save_refresh_token(&first).await.expect("saved again");

    let now = micros(Utc::now());
    assert_eq!(
        store.use_refresh_token(&first.hash, now).await.expect("use"),
        RefreshUse::Spent { account, family, family_expires_at }
    );
    // Presented again: reused, with when it was spent (the service's reuse grace counts from it).
    assert_eq!(
        store.use_refresh_token(&first.hash, now + Duration::seconds(5)).await.expect("use"),
        RefreshUse::Reused { account, family, used_at: now, family_expires_at }
    );

    let second = refresh_token(account, family, Duration::days(14));
    store.save_refresh_token(&second).await.expect("saved");
    store.revoke_refresh_family(family, now).await.expect("revoked");
    assert_eq!(store.use_refresh_token(&second.hash, now).await.expect("use"), RefreshUse::Revoked);
    // A spent token of a revoked family is revoked too: no grace brings the family back.
    assert_eq!(store.use_refresh_token(&first.hash, now).await.expect("use"), RefreshUse::Revoked);
    // Nor does a token saved after the revocation, by a rotation that was in flight.
    let late = refresh_token(account, family, Duration::days(14));
    store.save_refresh_token(&late).await.expect("saved");
    assert_eq!(store.use_refresh_token(&late.hash, Utc::now()).await.expect("use"), RefreshUse::Revoked);

    let (live_family, _) = start_family(store, account, Duration::days(30)).await;
    let expired = refresh_token(account, live_family, Duration::seconds(-1));
    store.save_refresh_token(&expired).await.expect("saved");
    assert_eq!(store.use_refresh_token(&expired.hash, Utc::now()).await.expect("use"), RefreshUse::Expired);
    assert_eq!(store.use_refresh_token(b"unknown", Utc::now()).await.expect("use"), RefreshUse::Unknown);
}

async fn a_session_ends_at_its_familys_end_whatever_its_tokens_say(fixture: Fixture) {
    let store = &fixture.store;
    let account = store.create_account("end@example.com", "hash", Utc::now()).await.expect("account").id;
    let (family, ends_at) = start_family(store, account, Duration::hours(1)).await;
    let unspent = refresh_token(account, family, Duration::days(14));
    let spent = refresh_token(account, family, Duration::days(14));
    store.save_refresh_token(&unspent).await.expect("saved");
    store.save_refresh_token(&spent).await.expect("saved");
    assert!(matches!(store.use_refresh_token(&spent.hash, Utc::now()).await.expect("use"), RefreshUse::Spent { .. }));

    let after_the_end = ends_at + Duration::seconds(1);
    assert_eq!(store.use_refresh_token(&unspent.hash, after_the_end).await.expect("use"), RefreshUse::Expired);
    // Not `Reused`: a retry after the session's end gets nothing either.
    assert_eq!(store.use_refresh_token(&spent.hash, after_the_end).await.expect("use"), RefreshUse::Expired);
    // Before the end it was alive all along.
    assert!(matches!(
        store.use_refresh_token(&unspent.hash, ends_at - Duration::seconds(1)).await.expect("use"),
        RefreshUse::Spent { .. }
    ));
}

async fn the_purge_removes_expired_tokens_and_ended_or_revoked_sessions(fixture: Fixture) {
    let store = &fixture.store;
    let account = store.create_account("purge@example.com", "hash", Utc::now()).await.expect("account").id;
    let now = Utc::now();
    let (live, _) = start_family(store, account, Duration::days(30)).await;
    let live_token = refresh_token(account, live, Duration::days(14));
    let expired_token = refresh_token(account, live, Duration::minutes(-1));
    let spent_token = refresh_token(account, live, Duration::days(14));
    let (ended, _) = start_family(store, account, Duration::minutes(-1)).await;
    let ended_token = refresh_token(account, ended, Duration::days(14));
    let (revoked_long_ago, _) = start_family(store, account, Duration::days(30)).await;
    let revoked_long_ago_token = refresh_token(account, revoked_long_ago, Duration::days(14));
    let (revoked_just_now, _) = start_family(store, account, Duration::days(30)).await;
    let revoked_just_now_token = refresh_token(account, revoked_just_now, Duration::days(14));
    for token in
        [&live_token, &expired_token, &spent_token, &ended_token, &revoked_long_ago_token, &revoked_just_now_token]
    {
        store.save_refresh_token(token).await.expect("saved");
    }
    store.use_refresh_token(&spent_token.hash, now).await.expect("spent");
    store.revoke_refresh_family(revoked_long_ago, now - Duration::hours(2)).await.expect("revoked");
    store.revoke_refresh_family(revoked_just_now, now).await.expect("revoked");

    let purged = store.purge_refresh_tokens(now, now - Duration::hours(1)).await.expect("purged");
    assert_eq!(purged.families, 2, "the ended family and the one revoked long ago");
    assert_eq!(purged.tokens, 1, "the expired token of the live family");
    // Gone: an unknown token, not an expired or revoked one.
    for gone in [&expired_token, &ended_token, &revoked_long_ago_token] {
        assert_eq!(store.use_refresh_token(&gone.hash, now).await.expect("use"), RefreshUse::Unknown);
    }
    // Kept: the live token, the spent one (a stolen copy must still be caught as reuse) and
    // the just-revoked family (a rotation in flight may still save into it).
    assert!(matches!(store.use_refresh_token(&spent_token.hash, now).await.expect("use"), RefreshUse::Reused { .. }));
    assert_eq!(store.use_refresh_token(&revoked_just_now_token.hash, now).await.expect("use"), RefreshUse::Revoked);
    assert!(matches!(store.use_refresh_token(&live_token.hash, now).await.expect("use"), RefreshUse::Spent { .. }));
    assert_eq!(store.purge_refresh_tokens(now, now - Duration::hours(1)).await.expect("purged"), Purged::default());
}

async fn concurrent_uses_of_one_refresh_token_spend_it_once(fixture: Fixture) {
    let store = fixture.store.clone();
    let account = store.create_account("c@example.com", "hash", Utc::now()).await.expect("account").id;
    let (family, _) = start_family(&store, account, Duration::days(30)).await;
    let token = refresh_token(account, family, Duration::days(1));
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

fn movie(id: u64) -> MovieRecord {
    MovieRecord {
        tmdb_id: id,
        title: format!("Movie {id}"),
        original_title: Some(format!("Film {id}")),
        release_year: Some(2000),
        genre_ids: vec![28, 878],
        poster_path: Some(format!("/p{id}.svg")),
        popularity: Some(12.5),
        vote_average: Some(7.25),
        vote_count: Some(1234),
        original_language: Some("fr".into()),
    }
}

/// Stores movies `ids`, as a user's first save of each would.
async fn stored(store: &Arc<dyn LibraryStore>, ids: &[u64]) {
    for &id in ids {
        store.save_movie(&movie(id), Utc::now()).await.expect("movie saved");
    }
}

async fn movies_are_stored_once_refreshed_and_marked_missing(fixture: Fixture) {
    let store = &fixture.library;
    assert!(store.movie(42).await.expect("read").is_none());
    let first_fetch = micros(Utc::now() - Duration::days(2));
    store.save_movie(&movie(42), first_fetch).await.expect("saved");
    let read = store.movie(42).await.expect("read").expect("stored");
    assert_eq!(read.movie, movie(42), "every field comes back as it went in");
    assert_eq!((read.fetched_at, read.missing_since), (first_fetch, None));

    let gone_at = micros(Utc::now());
    store.mark_movie_missing(42, gone_at).await.expect("marked");
    store.mark_movie_missing(42, gone_at + Duration::hours(1)).await.expect("marked again");
    assert_eq!(store.movie(42).await.expect("read").expect("kept").missing_since, Some(gone_at), "the first time");

    let mut renamed = movie(42);
    renamed.title = "Movie 42: Director's Cut".into();
    renamed.genre_ids = vec![];
    renamed.vote_count = None;
    store.save_movie(&renamed, gone_at).await.expect("refreshed");
    let read = store.movie(42).await.expect("read").expect("stored");
    assert_eq!(read.movie, renamed);
    assert_eq!(read.missing_since, None, "TMDb answering again clears the mark");
}

async fn shelves_are_per_account_newest_first_and_paginated(fixture: Fixture) {
    let store = &fixture.library;
    let ada = fixture.store.create_account("ada@example.com", "h", Utc::now()).await.expect("account").id;
    let bob = fixture.store.create_account("bob@example.com", "h", Utc::now()).await.expect("account").id;
    stored(store, &[10, 20, 30]).await;
    for shelf in [Shelf::Favorites, Shelf::Watchlist, Shelf::NotInterested] {
        let start = Utc::now();
        for (offset, id) in [10u64, 20, 30].into_iter().enumerate() {
            let (entry, created) =
                store.shelve(shelf, ada, id, start + Duration::seconds(offset as i64)).await.expect("added");
            assert!(created, "{shelf:?}");
            assert_eq!(entry.movie, movie(id));
        }
        let (again, created) = store.shelve(shelf, ada, 20, Utc::now()).await.expect("idempotent");
        assert!(!created);
        assert_eq!(again.movie.title, "Movie 20");

        let (page, total) = store.shelf(shelf, ada, 0, 2).await.expect("list");
        assert_eq!(total, 3);
        assert_eq!(page.iter().map(|e| e.movie.tmdb_id).collect::<Vec<_>>(), vec![30, 20], "{shelf:?}");
        let (rest, _) = store.shelf(shelf, ada, 2, 2).await.expect("list");
        assert_eq!(rest.iter().map(|e| e.movie.tmdb_id).collect::<Vec<_>>(), vec![10]);

        // Bob sees and changes nothing of Ada's.
        assert_eq!(store.shelf(shelf, bob, 0, 10).await.expect("list").1, 0);
        assert!(store.shelf_entry(shelf, bob, 10).await.expect("get").is_none());
        assert!(!store.unshelve(shelf, bob, 10).await.expect("remove"));

        assert!(store.shelf_entry(shelf, ada, 10).await.expect("get").is_some());
        assert!(store.unshelve(shelf, ada, 10).await.expect("remove"));
        assert!(!store.unshelve(shelf, ada, 10).await.expect("remove again"));
        assert_eq!(store.shelf(shelf, ada, 0, 10).await.expect("list").1, 2);
    }
    // Each shelf is its own list.
    let ids = store.library_ids(ada).await.expect("ids");
    let both = std::collections::HashSet::from([20, 30]);
    assert_eq!(
        (ids.favorites.clone(), ids.watchlist.clone(), ids.not_interested.clone()),
        (both.clone(), both.clone(), both)
    );
    assert!(ids.seen.is_empty());
    assert_eq!(store.library_ids(bob).await.expect("ids"), LibraryIds::default());
}

async fn a_movie_must_be_stored_before_a_user_saves_it(fixture: Fixture) {
    let store = &fixture.library;
    let ada = fixture.store.create_account("fk@example.com", "h", Utc::now()).await.expect("account").id;
    assert!(store.shelve(Shelf::Watchlist, ada, 77, Utc::now()).await.is_err(), "no movie row, no entry");
    assert!(store.see(ada, 77, Some(8), Utc::now()).await.is_err());
}

async fn seeing_a_movie_rates_it_and_takes_it_off_the_watchlist(fixture: Fixture) {
    let store = &fixture.library;
    let ada = fixture.store.create_account("seen@example.com", "h", Utc::now()).await.expect("account").id;
    stored(store, &[1, 2, 3]).await;
    store.shelve(Shelf::Watchlist, ada, 1, Utc::now()).await.expect("watchlisted");
    store.shelve(Shelf::Watchlist, ada, 2, Utc::now()).await.expect("watchlisted");

    let t0 = micros(Utc::now());
    let (entry, created) = store.see(ada, 1, Some(9), t0).await.expect("rated");
    assert!(created);
    assert_eq!((entry.movie.tmdb_id, entry.rating, entry.seen_at), (1, Some(9), t0));
    assert!(store.shelf_entry(Shelf::Watchlist, ada, 1).await.expect("get").is_none(), "off the watchlist");
    assert!(store.shelf_entry(Shelf::Watchlist, ada, 2).await.expect("get").is_some(), "the other stays");

    // Rated again: the new rating replaces the old, and it is not new.
    let (entry, created) = store.see(ada, 1, Some(4), t0 + Duration::seconds(3)).await.expect("re-rated");
    assert!(!created);
    assert_eq!(entry.rating, Some(4));
    // Seen without a rating, and one rated higher, earlier.
    store.see(ada, 2, None, t0 + Duration::seconds(1)).await.expect("seen");
    store.see(ada, 3, Some(10), t0 - Duration::seconds(10)).await.expect("rated");

    let (newest, total) = store.seen(ada, SeenOrder::Newest, 0, 10).await.expect("list");
    assert_eq!(total, 3);
    assert_eq!(newest.iter().map(|e| e.movie.tmdb_id).collect::<Vec<_>>(), vec![1, 2, 3]);
    let (by_rating, _) = store.seen(ada, SeenOrder::Rating, 0, 10).await.expect("list");
    assert_eq!(
        by_rating.iter().map(|e| (e.movie.tmdb_id, e.rating)).collect::<Vec<_>>(),
        vec![(3, Some(10)), (1, Some(4)), (2, None)],
        "highest first, unrated last"
    );
    let ids = store.library_ids(ada).await.expect("ids");
    assert_eq!(ids.seen, std::collections::HashMap::from([(1, Some(4)), (2, None), (3, Some(10))]));

    assert!(store.unsee(ada, 2).await.expect("unseen"));
    assert!(!store.unsee(ada, 2).await.expect("already"));
    assert!(store.seen_entry(ada, 2).await.expect("get").is_none());
    assert_eq!(store.seen_entry(ada, 3).await.expect("get").map(|e| e.rating), Some(Some(10)));
}

async fn people_who_saved_x_also_saved_y_counts_only_pairs_three_others_share(fixture: Fixture) {
    let store = &fixture.library;
    stored(store, &[1, 2, 3, 4]).await;
    let mut users = Vec::new();
    for name in ["a", "b", "c", "d", "me"] {
        users.push(
            fixture.store.create_account(&format!("{name}@example.com"), "h", Utc::now()).await.expect("account").id,
        );
    }
    // 1 and 2 together: three other users. 1 and 3: two. 1 and 4: only me.
    let saves: [&[u64]; 5] = [&[1, 2, 3], &[1, 2, 3], &[1, 2], &[2], &[1, 4]];
    for (account, ids) in users.iter().zip(saves) {
        for &id in ids {
            store.shelve(Shelf::Favorites, *account, id, Utc::now()).await.expect("saved");
        }
    }

    let me = users[4];
    let pairs = store.co_saved(me, &[1], 3, 100).await.expect("pairs");
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    let pair = &pairs[0];
    assert_eq!((pair.seed, pair.movie.tmdb_id, pair.together), (1, 2, 3));
    // Savers count everyone, me included: 1 is saved by four, 2 by four.
    assert_eq!((pair.seed_savers, pair.movie_savers), (4, 4));
    assert_eq!(pair.movie.title, "Movie 2");
    // With a threshold of two, 3 appears; my own 1–4 pair never does.
    let pairs = store.co_saved(me, &[1], 2, 100).await.expect("pairs");
    let found: Vec<u64> = pairs.iter().map(|p| p.movie.tmdb_id).collect();
    assert_eq!(found, vec![2, 3]);
    assert!(store.co_saved(me, &[], 1, 100).await.expect("none").is_empty());
}

async fn twenty_people_rating_at_once_all_land(fixture: Fixture) {
    let ids: Vec<u64> = (1..=20).collect();
    stored(&fixture.library, &ids).await;
    let mut accounts = Vec::new();
    for id in &ids {
        accounts.push(
            fixture.store.create_account(&format!("rater{id}@example.com"), "h", Utc::now()).await.expect("account").id,
        );
    }
    for (account, id) in accounts.iter().zip(&ids) {
        fixture.library.shelve(Shelf::Watchlist, *account, *id, Utc::now()).await.expect("watchlisted");
    }
    // Each rates a movie on their watchlist, all at once: every rating is a transaction that
    // writes twice; none may fail because another was writing.
    let ratings: Vec<_> = accounts
        .iter()
        .zip(&ids)
        .map(|(account, id)| {
            let (library, account, id) = (fixture.library.clone(), *account, *id);
            tokio::spawn(async move { library.see(account, id, Some(8), Utc::now()).await })
        })
        .collect();
    for rating in ratings {
        let (entry, created) = rating.await.expect("joined").expect("every rating lands");
        assert!(created && entry.rating == Some(8));
    }
    for account in &accounts {
        assert_eq!(fixture.library.shelf(Shelf::Watchlist, *account, 0, 10).await.expect("list").1, 0);
    }
}

async fn twenty_parallel_adds_make_one_row(fixture: Fixture) {
    let store = fixture.library.clone();
    let account = fixture.store.create_account("p@example.com", "h", Utc::now()).await.expect("account").id;
    stored(&store, &[603]).await;
    let adds: Vec<_> = (0..20)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.shelve(Shelf::Favorites, account, 603, Utc::now()).await })
        })
        .collect();
    let mut created = 0;
    for add in adds {
        if add.await.expect("joined").expect("added").1 {
            created += 1;
        }
    }
    assert_eq!(created, 1);
    assert_eq!(store.shelf(Shelf::Favorites, account, 0, 100).await.expect("list").1, 1);
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
    a_session_ends_at_its_familys_end_whatever_its_tokens_say,
    the_purge_removes_expired_tokens_and_ended_or_revoked_sessions,
    concurrent_uses_of_one_refresh_token_spend_it_once,
    movies_are_stored_once_refreshed_and_marked_missing,
    shelves_are_per_account_newest_first_and_paginated,
    a_movie_must_be_stored_before_a_user_saves_it,
    seeing_a_movie_rates_it_and_takes_it_off_the_watchlist,
    people_who_saved_x_also_saved_y_counts_only_pairs_three_others_share,
    twenty_people_rating_at_once_all_land,
    twenty_parallel_adds_make_one_row,
);

/// The migrations of `db`'s backend older than `version`: the schema a deployment had before.
async fn migrations_before(db: &Database, version: i64) -> sqlx::migrate::Migrator {
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations").join(db.backend());
    let older = std::env::temp_dir().join(format!("nexus-migrations-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&older).expect("temp dir");
    for entry in std::fs::read_dir(&source).expect("migrations") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).expect("name").to_owned();
        let file_version: i64 = name.split('_').next().and_then(|v| v.parse().ok()).expect("versioned name");
        if file_version < version {
            std::fs::copy(&path, older.join(&name)).expect("copied");
        }
    }
    let migrator = sqlx::migrate::Migrator::new(older.as_path()).await.expect("migrations read");
    let _ = std::fs::remove_dir_all(&older);
    migrator
}

/// Runs `statement` on either backend, binding `hash` when given.
async fn execute(db: &Database, statement: &str, hash: Option<&[u8]>) {
    match db {
        Database::Postgres(pool) => {
            let query = sqlx::query(statement);
            let query = if let Some(hash) = hash { query.bind(hash) } else { query };
            query.execute(pool).await.map(drop)
        }
        Database::Sqlite(pool) => {
            let query = sqlx::query(statement);
            let query = if let Some(hash) = hash { query.bind(hash) } else { query };
            query.execute(pool).await.map(drop)
        }
    }
    .unwrap_or_else(|error| panic!("{statement}: {error}"));
}

/// Sessions started before sessions had a row of their own (20261203000001) keep working
/// through the migration, revoked ones stay revoked, and they end 30 days after sign-in.
async fn sessions_from_before_refresh_families_survive_the_migration(empty: EmptyDatabase) {
    const FAMILIES: i64 = 20261203000001;
    let db = &empty.db;
    let previous = migrations_before(db, FAMILIES).await;
    match db {
        Database::Postgres(pool) => previous.run(pool).await,
        Database::Sqlite(pool) => previous.run(pool).await,
    }
    .expect("the previous schema");

    let time = |t: DateTime<Utc>| t.trunc_subsecs(0).to_rfc3339_opts(chrono::SecondsFormat::Micros, false);
    let now = Utc::now().trunc_subsecs(0);
    let account = Uuid::new_v4();
    execute(
        db,
        &format!(
            "insert into account (id, email, password_hash, created_at) values ('{account}', 'old@example.com', 'h', '{}')",
            time(now)
        ),
        None,
    )
    .await;
    let (signed_in, rotated) = (now - Duration::days(2), now - Duration::days(1));
    let token = |family: Uuid, issued: DateTime<Utc>, used: Option<DateTime<Utc>>, revoked: Option<DateTime<Utc>>| {
        let optional = |t: Option<DateTime<Utc>>| t.map_or("null".to_owned(), |t| format!("'{}'", time(t)));
        let hash = Uuid::new_v4().as_bytes().to_vec();
        let statement = format!(
            "insert into refresh_token (id, token_hash, family_id, account_id, issued_at, expires_at, used_at, revoked_at)
             values ('{}', $1, '{family}', '{account}', '{}', '{}', {}, {})",
            Uuid::new_v4(),
            time(issued),
            time(issued + Duration::days(14)),
            optional(used),
            optional(revoked),
        );
        (statement, hash)
    };
    let (live, revoked, half_revoked) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let rows = [
        token(live, signed_in, Some(rotated), None),
        token(live, rotated, None, None),
        token(revoked, signed_in, Some(rotated), Some(rotated)),
        token(revoked, rotated, None, Some(rotated)),
        // The old race: a token saved by a rotation that finished after its family was revoked.
        token(half_revoked, signed_in, Some(rotated), Some(rotated)),
        token(half_revoked, rotated, None, None),
    ];
    for (statement, hash) in &rows {
        execute(db, statement, Some(hash)).await;
    }

    db.migrate().await.expect("migrated to the current schema");
    let store = store_for(db);
    let family_expires_at = signed_in + Duration::days(30);
    assert_eq!(
        store.use_refresh_token(&rows[1].1, now).await.expect("use"),
        RefreshUse::Spent { account, family: live, family_expires_at }
    );
    assert_eq!(
        store.use_refresh_token(&rows[0].1, now).await.expect("use"),
        RefreshUse::Reused { account, family: live, used_at: rotated, family_expires_at }
    );
    for revoked in [&rows[2], &rows[3], &rows[4], &rows[5]] {
        assert_eq!(store.use_refresh_token(&revoked.1, now).await.expect("use"), RefreshUse::Revoked);
    }
}

/// Favorites made before movies had a table of their own (20261203000002) survive the
/// migration: each movie becomes one row with its newest snapshot, stale so that the next fetch
/// refreshes it, and every favorite keeps its account and time.
async fn favorites_from_before_the_movie_table_survive_the_migration(empty: EmptyDatabase) {
    const MOVIES: i64 = 20261203000002;
    let db = &empty.db;
    let previous = migrations_before(db, MOVIES).await;
    match db {
        Database::Postgres(pool) => previous.run(pool).await,
        Database::Sqlite(pool) => previous.run(pool).await,
    }
    .expect("the previous schema");

    let time = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, false);
    let now = micros(Utc::now());
    let (ada, bob) = (Uuid::new_v4(), Uuid::new_v4());
    for (account, email) in [(ada, "ada@example.com"), (bob, "bob@example.com")] {
        execute(
            db,
            &format!(
                "insert into account (id, email, password_hash, created_at) values ('{account}', '{email}', 'h', '{}')",
                time(now)
            ),
            None,
        )
        .await;
    }
    let favorite = |account: Uuid, id: u64, title: &str, poster: &str, year: i32, at: DateTime<Utc>| {
        format!(
            "insert into favorite (account_id, tmdb_id, title, poster_path, release_year, created_at)
             values ('{account}', {id}, '{title}', '{poster}', {year}, '{}')",
            time(at)
        )
    };
    // Both saved 1267; Bob later, when TMDb had a new poster and a corrected title.
    for statement in [
        favorite(ada, 1267, "The Dark Knigt", "/old.svg", 2008, now - Duration::days(3)),
        favorite(ada, 2026, "Inception", "/inception.svg", 2010, now - Duration::days(2)),
        favorite(bob, 1267, "The Dark Knight", "/new.svg", 2008, now - Duration::days(1)),
    ] {
        execute(db, &statement, None).await;
    }

    db.migrate().await.expect("migrated to the current schema");
    let store = library_store_for(db);
    let dark_knight = store.movie(1267).await.expect("read").expect("one row per movie");
    assert_eq!(dark_knight.movie.title, "The Dark Knight", "the newest snapshot");
    assert_eq!(dark_knight.movie.poster_path.as_deref(), Some("/new.svg"));
    assert_eq!(dark_knight.movie.release_year, Some(2008));
    assert!(dark_knight.fetched_at < now - Duration::days(365), "stale, so the next fetch refreshes it");
    let list = |account| {
        let store = store.clone();
        async move {
            let (entries, _) = store.shelf(Shelf::Favorites, account, 0, 10).await.expect("list");
            entries.into_iter().map(|e| (e.movie.tmdb_id, e.added_at)).collect::<Vec<_>>()
        }
    };
    assert_eq!(list(ada).await, vec![(2026, now - Duration::days(2)), (1267, now - Duration::days(3))]);
    assert_eq!(list(bob).await, vec![(1267, now - Duration::days(1))]);
}

mod migrations {
    #[tokio::test(flavor = "multi_thread")]
    async fn sqlite_favorites_from_before_the_movie_table_survive_the_migration() {
        super::favorites_from_before_the_movie_table_survive_the_migration(super::EmptyDatabase::sqlite().await).await
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn postgres_favorites_from_before_the_movie_table_survive_the_migration() {
        super::favorites_from_before_the_movie_table_survive_the_migration(super::EmptyDatabase::postgres().await).await
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn sqlite_sessions_from_before_refresh_families_survive_the_migration() {
        super::sessions_from_before_refresh_families_survive_the_migration(super::EmptyDatabase::sqlite().await).await
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn postgres_sessions_from_before_refresh_families_survive_the_migration() {
        super::sessions_from_before_refresh_families_survive_the_migration(super::EmptyDatabase::postgres().await).await
    }
}

//! Sessions through `AccountService`, on a real SQLite database: revocation racing a rotation,
//! the absolute end of a session, and the purge.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use services::accounts::store::{Account, Credentials, NewRefreshFamily, NewRefreshToken, Purged, RefreshUse};
use services::accounts::{AccountService, AccountStore, AuthError, AuthLimits, StoreError, store_for};
use services::db::Database;
use tokio::sync::oneshot;
use uuid::Uuid;

const SECRET: &[u8] = b"a test secret of at least thirty-two bytes";
const PASSWORD: &str = "correct horse battery staple";

/// A real store that can hold one `save_refresh_token` call until the test lets it go: the
/// moment between spending a token and saving its successor, made wide enough to act in.
struct HeldStore {
    inner: Arc<dyn AccountStore>,
    hold: Mutex<Option<Hold>>,
}

struct Hold {
    reached: oneshot::Sender<()>,
    release: oneshot::Receiver<()>,
}

impl HeldStore {
    /// Holds the next save; returns a receiver told when a save is held, and a sender that
    /// lets it go.
    fn hold_next_save(&self) -> (oneshot::Receiver<()>, oneshot::Sender<()>) {
        let (reached, reached_rx) = oneshot::channel();
        let (release_tx, release) = oneshot::channel();
        *self.hold.lock().expect("lock") = Some(Hold { reached, release });
        (reached_rx, release_tx)
    }
}

#[async_trait]
impl AccountStore for HeldStore {
    async fn create_account(&self, email: &str, hash: &str, now: DateTime<Utc>) -> Result<Account, StoreError> {
        self.inner.create_account(email, hash, now).await
    }
    async fn credentials_by_email(&self, email: &str) -> Result<Option<Credentials>, StoreError> {
        self.inner.credentials_by_email(email).await
    }
    async fn account(&self, id: Uuid) -> Result<Option<Account>, StoreError> {
        self.inner.account(id).await
    }
    async fn start_refresh_family(&self, family: &NewRefreshFamily) -> Result<(), StoreError> {
        self.inner.start_refresh_family(family).await
    }
    async fn save_refresh_token(&self, token: &NewRefreshToken) -> Result<(), StoreError> {
        let hold = self.hold.lock().expect("lock").take();
        if let Some(Hold { reached, release }) = hold {
            let _ = reached.send(());
            let _ = release.await;
        }
        self.inner.save_refresh_token(token).await
    }
    async fn use_refresh_token(&self, hash: &[u8], now: DateTime<Utc>) -> Result<RefreshUse, StoreError> {
        self.inner.use_refresh_token(hash, now).await
    }
    async fn revoke_refresh_family(&self, family: Uuid, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.inner.revoke_refresh_family(family, now).await
    }
    async fn purge_refresh_tokens(&self, now: DateTime<Utc>, before: DateTime<Utc>) -> Result<Purged, StoreError> {
        self.inner.purge_refresh_tokens(now, before).await
    }
}

/// A migrated SQLite database in a directory of its own, removed on drop.
struct TempDatabase {
    db: Database,
    dir: std::path::PathBuf,
}

impl Drop for TempDatabase {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn database() -> TempDatabase {
    let dir = std::env::temp_dir().join(format!("nexus-sessions-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let db = Database::connect_lazy(&format!("sqlite://{}?mode=rwc", dir.join("test.db").display())).expect("sqlite");
    db.migrate().await.expect("migrations");
    TempDatabase { db, dir }
}

fn service(store: Arc<dyn AccountStore>) -> AccountService {
    AccountService::new(store, SECRET, AuthLimits::default())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_signed_out_while_a_refresh_is_in_flight_stays_signed_out() {
    let database = database().await;
    let store = Arc::new(HeldStore { inner: store_for(&database.db), hold: Mutex::new(None) });
    let accounts = Arc::new(service(store.clone()));
    let (_, signed_in) = accounts.register("race@example.com", PASSWORD, "client").await.expect("registered");

    // A refresh spends the token and is held just before it saves the successor...
    let (held, release) = store.hold_next_save();
    let rotation = tokio::spawn({
        let (accounts, refresh) = (accounts.clone(), signed_in.refresh.clone());
        async move { accounts.refresh(&refresh).await }
    });
    held.await.expect("the rotation reached the save");
    // ...while the user signs out with the same token (another tab, or the owner of a stolen
    // copy noticing).
    accounts.sign_out(&signed_in.refresh).await.expect("signed out");
    release.send(()).expect("released");

    // The rotation in flight finishes and hands out a pair, but its refresh token belongs to
    // a revoked session: it cannot keep the session alive, and neither can the first token.
    let successor = rotation.await.expect("joined").expect("the rotation in flight completes");
    assert!(matches!(accounts.refresh(&successor.refresh).await, Err(AuthError::InvalidRefreshToken)));
    assert!(matches!(accounts.refresh(&signed_in.refresh).await, Err(AuthError::InvalidRefreshToken)));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_ends_at_its_maximum_age_however_often_it_rotates() {
    let database = database().await;
    let max_age = Duration::from_secs(2);
    let accounts = service(store_for(&database.db)).with_session_max_age(max_age);
    let (_, signed_in) = accounts.register("old@example.com", PASSWORD, "client").await.expect("registered");
    let session_end = signed_in.refresh_expires_at;
    assert!(session_end <= Utc::now() + max_age, "the first token ends with the session: {session_end}");

    // Rotating keeps the session alive, but never past its end.
    let rotated = accounts.refresh(&signed_in.refresh).await.expect("rotated");
    assert_eq!(rotated.refresh_expires_at, session_end);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let rotated = accounts.refresh(&rotated.refresh).await.expect("rotated again, still within the session");
    assert_eq!(rotated.refresh_expires_at, session_end);

    tokio::time::sleep((session_end - Utc::now()).to_std().unwrap_or_default() + Duration::from_millis(50)).await;
    assert!(matches!(accounts.refresh(&rotated.refresh).await, Err(AuthError::InvalidRefreshToken)));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_purge_removes_ended_sessions_and_keeps_live_ones() {
    let database = database().await;
    let short = service(store_for(&database.db)).with_session_max_age(Duration::from_secs(1));
    let long = service(store_for(&database.db));
    let (_, ending) = short.register("short@example.com", PASSWORD, "client").await.expect("registered");
    let (_, live) = long.register("long@example.com", PASSWORD, "client").await.expect("registered");
    let (_, signed_out) = long.sign_in("long@example.com", PASSWORD, "client").await.expect("signed in");
    long.sign_out(&signed_out.refresh).await.expect("signed out");
    tokio::time::sleep(Duration::from_millis(1100)).await;

    // The ended session goes now; the one signed out just now is kept for an hour (a rotation
    // may be in flight), and the live one stays.
    let purged = long.purge_expired_sessions().await.expect("purged");
    assert_eq!(purged, Purged { families: 1, tokens: 0 });
    assert!(matches!(short.refresh(&ending.refresh).await, Err(AuthError::InvalidRefreshToken)));
    assert!(long.refresh(&live.refresh).await.is_ok(), "a live session survives the purge");
}

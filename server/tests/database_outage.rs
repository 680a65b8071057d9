//! PostgreSQL going away and coming back, without a restart. The server reaches the real
//! PostgreSQL through a TCP relay this test controls, so "down" is a real refused and reset
//! connection, while the machine's database (which other tests use) stays up.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{StatusCode, header};
use common::{app_with, get, get_with_token, post_json};
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;
use tokio::task::JoinSet;

/// Forwards a local port to PostgreSQL until told to go down (and back up).
struct Relay {
    port: u16,
    upstream: String,
    running: Mutex<Option<JoinSet<()>>>,
}

impl Relay {
    async fn start(upstream: String) -> Arc<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let relay = Arc::new(Self { port, upstream, running: Mutex::new(None) });
        relay.serve(listener).await;
        relay
    }

    async fn serve(&self, listener: TcpListener) {
        let mut tasks = JoinSet::new();
        let upstream = self.upstream.clone();
        tasks.spawn(async move {
            let mut connections = JoinSet::new();
            while let Ok((mut client, _)) = listener.accept().await {
                let upstream = upstream.clone();
                connections.spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
        });
        *self.running.lock().await = Some(tasks);
    }

    /// Closes the port and cuts every open connection.
    async fn down(&self) {
        if let Some(mut tasks) = self.running.lock().await.take() {
            tasks.abort_all();
            while tasks.join_next().await.is_some() {}
        }
    }

    async fn up(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.expect("rebind the same port");
        self.serve(listener).await;
    }
}

#[tokio::test]
async fn while_postgres_is_down_accounts_answer_503_the_catalog_serves_and_all_recovers() {
    let relay = Relay::start("127.0.0.1:5432".to_owned()).await;
    let database = format!("postgres://postgres@127.0.0.1:{}/test", relay.port);
    let app = app_with(&["--database-url", &database]).await;

    let email = format!("outage-{}@example.com", rand::random::<u64>());
    let credentials = json!({ "email": email, "password": "a long outage passphrase" });
    let (status, _, user) = post_json(&app, "/api/auth/register/", credentials.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    let token = user["access"].as_str().expect("access").to_owned();
    let add = || {
        axum::http::Request::post("/api/favorites/")
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::from(json!({ "tmdb_id": 1267 }).to_string()))
            .expect("request")
    };
    let (status, _, _) = common::send(&app, add()).await;
    assert_eq!(status, StatusCode::CREATED);

    relay.down().await;

    for (label, (status, headers, body)) in [
        ("favorites", get_with_token(&app, "/api/favorites/", &token).await),
        ("me", get_with_token(&app, "/api/auth/me/", &token).await),
        ("sign-in", post_json(&app, "/api/auth/token/", credentials.clone()).await),
    ] {
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{label}: {body}");
        assert_eq!(body["error"]["code"], "database_unavailable", "{label}");
        assert!(headers.get(header::RETRY_AFTER).is_some(), "{label} says when to retry");
    }
    let started = Instant::now();
    let (status, _) = get(&app, "/api/movies/trending/").await;
    assert_eq!(status, StatusCode::OK, "the catalog does not need the database");
    assert!(started.elapsed() < Duration::from_secs(1), "and does not wait for it");
    let (status, ready) = get(&app, "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(ready["failing"], json!(["database"]), "{ready}");

    relay.up().await;

    // Back without a restart: the pool opens new connections on demand.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (status, _, list) = get_with_token(&app, "/api/favorites/", &token).await;
        if status == StatusCode::OK {
            assert_eq!(list["count"], 1, "nothing was lost");
            break;
        }
        assert!(Instant::now() < deadline, "favorites did not recover: {status} {list}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let (status, _, _) = post_json(&app, "/api/auth/token/", credentials).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = get(&app, "/readyz").await;
    assert_eq!(status, StatusCode::OK);
}

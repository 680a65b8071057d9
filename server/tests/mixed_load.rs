//! Mixed traffic against a real server on a real socket, PostgreSQL and Redis: catalog reads,
//! sign-ins, favorite adds and removes, lists and "For you" from several users at once, for
//! `LOAD_SECONDS` (default 60). Every answer must be the expected one, and afterwards the
//! database must hold exactly the favorites each user was told it holds: none lost, none
//! duplicated.

mod common;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use server::config::Config;
use tokio::sync::Mutex;

/// Movies of the built-in catalog (the favorites' pool, so users collide on the same ids).
const MOVIES: [u64; 16] =
    [1267, 21, 1265, 2026, 1235, 2048, 1392, 1592, 2775, 3096, 1947, 2988, 2738, 2404, 2203, 2488];
const USERS: usize = 8;
/// Under the sign-in limit of 10 a minute per account.
const SIGN_IN_EVERY: Duration = Duration::from_secs(8);

#[derive(Default)]
struct Tally {
    requests: AtomicU64,
    errors: Mutex<Vec<String>>,
}

impl Tally {
    async fn check(&self, what: &str, status: StatusCode, expected: &[StatusCode]) -> bool {
        self.requests.fetch_add(1, Ordering::Relaxed);
        if expected.contains(&status) {
            return true;
        }
        self.errors.lock().await.push(format!("{what}: {status}"));
        false
    }
}

async fn start_server(database: &str, redis: &str) -> (String, tempdir::Dir) {
    let data = tempdir::Dir::new();
    let config = <Config as clap::Parser>::try_parse_from([
        "server",
        "--data-dir",
        data.0.to_str().expect("utf-8"),
        "--database-url",
        database,
        "--redis-url",
        redis,
        // Each user is a different client behind the loopback "proxy", as in production.
        "--trusted-proxies",
        "127.0.0.1",
        "--api-rate-limit-per-second",
        "0",
    ])
    .expect("config");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let started = server::state::build(&config, server::leptos_options(&config)).await.expect("state");
    let router = server::http::router(started.state.clone());
    tokio::spawn(async move {
        let _keep = started;
        let _ = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await;
    });
    (format!("http://{addr}"), data)
}

mod tempdir {
    pub struct Dir(pub std::path::PathBuf);
    impl Dir {
        pub fn new() -> Self {
            let path = std::env::temp_dir().join(format!("nexus-load-{}", rand::random::<u64>()));
            std::fs::create_dir_all(&path).expect("temp dir");
            Self(path)
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

struct User {
    client: reqwest::Client,
    base: String,
    email: String,
    access: String,
    id: uuid::Uuid,
    /// What the server has told this user their favorites are.
    favorites: BTreeSet<u64>,
}

impl User {
    async fn register(base: &str, index: usize) -> User {
        let mut headers = reqwest::header::HeaderMap::new();
        // A network of its own for every run: the limits are kept in the shared Redis.
        let network = rand::random::<u16>();
        let forwarded = format!("10.{}.{}.{}", network >> 8, network & 0xff, index + 1);
        headers.insert("x-forwarded-for", forwarded.parse().expect("header"));
        let client = reqwest::Client::builder().default_headers(headers).build().expect("client");
        let email = format!("load-{index}-{}@example.com", rand::random::<u64>());
        let body: Value = client
            .post(format!("{base}/api/auth/register/"))
            .json(&json!({ "email": email, "password": "a long load-test passphrase" }))
            .send()
            .await
            .expect("register")
            .json()
            .await
            .expect("json");
        User {
            client,
            base: base.to_owned(),
            email,
            access: body["access"].as_str().expect("access").to_owned(),
            id: body["user"]["id"].as_str().expect("id").parse().expect("uuid"),
            favorites: BTreeSet::new(),
        }
    }

    async fn run(mut self, until: Instant, tally: Arc<Tally>) -> User {
        let mut next_sign_in = Instant::now() + SIGN_IN_EVERY;
        let mut step: u64 = rand::random::<u64>() % 100;
        while Instant::now() < until {
            step += 1;
            if Instant::now() >= next_sign_in {
                next_sign_in += SIGN_IN_EVERY;
                let response = self
                    .client
                    .post(format!("{}/api/auth/token/", self.base))
                    .json(&json!({ "email": self.email, "password": "a long load-test passphrase" }))
                    .send()
                    .await;
                let Ok(response) = response else {
                    tally.check("sign-in", StatusCode::BAD_GATEWAY, &[]).await;
                    continue;
                };
                if tally.check("sign-in", response.status(), &[StatusCode::OK]).await {
                    let body: Value = response.json().await.unwrap_or_default();
                    self.access = body["access"].as_str().unwrap_or_default().to_owned();
                }
                continue;
            }
            let movie = MOVIES[(rand::random::<u64>() % MOVIES.len() as u64) as usize];
            match step % 10 {
                0..=4 => {
                    let path = match step % 3 {
                        0 => format!("/api/movies/trending/?page={}", 1 + step % 5),
                        1 => format!("/api/movies/{movie}/"),
                        _ => "/api/movies/search/?q=star".to_owned(),
                    };
                    let status = self.get(&path).await;
                    tally.check(&path, status, &[StatusCode::OK]).await;
                }
                5..=7 => {
                    if self.favorites.contains(&movie) {
                        let status =
                            self.send(self.client.delete(format!("{}/api/favorites/{movie}/", self.base))).await;
                        if tally.check("remove", status, &[StatusCode::NO_CONTENT]).await {
                            self.favorites.remove(&movie);
                        }
                    } else {
                        let request = self
                            .client
                            .post(format!("{}/api/favorites/", self.base))
                            .json(&json!({ "tmdb_id": movie }));
                        if tally.check("add", self.send(request).await, &[StatusCode::CREATED]).await {
                            self.favorites.insert(movie);
                        }
                    }
                }
                8 => {
                    let response = self
                        .client
                        .get(format!("{}/api/favorites/?page_size=100", self.base))
                        .bearer_auth(&self.access)
                        .send()
                        .await;
                    let Ok(response) = response else {
                        tally.check("list", StatusCode::BAD_GATEWAY, &[]).await;
                        continue;
                    };
                    if tally.check("list", response.status(), &[StatusCode::OK]).await {
                        let list: Value = response.json().await.unwrap_or_default();
                        let listed: BTreeSet<u64> =
                            list["results"].as_array().into_iter().flatten().filter_map(|m| m["id"].as_u64()).collect();
                        if listed != self.favorites {
                            tally.errors.lock().await.push(format!("list {listed:?} != {:?}", self.favorites));
                        }
                    }
                }
                _ => {
                    let status = self.send(self.client.get(format!("{}/api/recommendations/", self.base))).await;
                    tally.check("for you", status, &[StatusCode::OK]).await;
                }
            }
        }
        self
    }

    async fn get(&self, path: &str) -> StatusCode {
        self.send(self.client.get(format!("{}{path}", self.base))).await
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> StatusCode {
        match request.bearer_auth(&self.access).send().await {
            Ok(response) => {
                let status = response.status();
                let _ = response.bytes().await;
                status
            }
            Err(_) => StatusCode::BAD_GATEWAY,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mixed_traffic_has_no_errors_and_loses_or_duplicates_no_favorite() {
    let database =
        std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let redis = std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let seconds: u64 = std::env::var("LOAD_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let (base, _data) = start_server(&database, &redis).await;

    let mut users = Vec::new();
    for index in 0..USERS {
        users.push(User::register(&base, index).await);
    }
    let tally = Arc::new(Tally::default());
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let runs: Vec<_> = users.into_iter().map(|user| tokio::spawn(user.run(until, tally.clone()))).collect();
    let mut users = Vec::new();
    for run in runs {
        users.push(run.await.expect("user task"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    let requests = tally.requests.load(Ordering::Relaxed);
    let errors = tally.errors.lock().await.clone();
    println!(
        "mixed load: {USERS} users, {elapsed:.0} s, {requests} requests ({:.0}/s), {} errors",
        requests as f64 / elapsed,
        errors.len()
    );
    assert!(errors.is_empty(), "{} unexpected answers, first: {:?}", errors.len(), &errors[..errors.len().min(10)]);
    assert!(requests > 100 * seconds, "the load was real: {requests} requests");

    // Counted in the database itself, not through the API.
    let pool = sqlx::PgPool::connect(&database).await.expect("database");
    for user in &users {
        let rows: Vec<(i64, i64)> =
            sqlx::query_as("select tmdb_id, count(*) from favorite where account_id = $1 group by tmdb_id")
                .bind(user.id)
                .fetch_all(&pool)
                .await
                .expect("query");
        assert!(rows.iter().all(|(_, count)| *count == 1), "duplicated favorites: {rows:?}");
        let stored: BTreeSet<u64> = rows.iter().map(|(id, _)| *id as u64).collect();
        assert_eq!(stored, user.favorites, "{}: the database holds what the user was told", user.email);
    }
}

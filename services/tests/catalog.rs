//! The catalog service end to end: real TMDb client, real cache, the emulator over HTTP.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use api_types::{DiscoverFilter, TrendingWindow};
use emulator::{EmulatorConfig, FaultSettings, RunningEmulator};
use services::cache::MemoryStore;
use services::catalog::{CacheTtls, CatalogError, CatalogService, Locale, MovieList};
use services::tmdb::{Credential, TmdbClient, TmdbConfig};

async fn emulator() -> RunningEmulator {
    let config = EmulatorConfig { credential: Some("secret".into()), ..EmulatorConfig::default() };
    RunningEmulator::start(config, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await.expect("emulator starts")
}

fn catalog(emulator: &RunningEmulator, key: &str, ttls: CacheTtls) -> CatalogService {
    let mut config = TmdbConfig::new(emulator.base_url(), Credential::ApiKey(key.into()));
    config.call_budget = Duration::from_secs(2);
    config.min_backoff = Duration::from_millis(10);
    let tmdb = Arc::new(TmdbClient::new(config).expect("client"));
    CatalogService::new(tmdb, Arc::new(MemoryStore::new(1 << 24)), ttls)
}

#[tokio::test]
async fn trending_is_mapped_to_the_hubs_shape() {
    let emulator = emulator().await;
    let catalog = catalog(&emulator, "secret", CacheTtls::default());
    let page = catalog.trending(TrendingWindow::Day, 1, &Locale::default()).await.expect("trending");
    assert_eq!(page.page, 1);
    assert_eq!(page.results.len(), 20);
    assert!(page.total_pages > 1 && page.total_pages <= 500);
    let first = &page.results[0];
    assert!(!first.title.is_empty());
    assert_eq!(first.year, first.release_date.as_deref().and_then(|d| d[..4].parse().ok()));
    let poster = first.poster_url.as_deref().expect("poster");
    assert!(poster.starts_with(&format!("http://{}/t/p/w342/poster-", emulator.addr)), "{poster}");
    assert!(page.results.iter().any(|m| !m.genres.is_empty()), "genre ids become names");
}

#[tokio::test]
async fn cached_pages_need_no_upstream_call() {
    let emulator = emulator().await;
    let catalog = catalog(&emulator, "secret", CacheTtls::default());
    catalog.trending(TrendingWindow::Week, 2, &Locale::default()).await.expect("first");
    let after_first = emulator.emulator.requests_received();
    // The list, the image configuration and the genre names.
    assert_eq!(after_first, 3);
    catalog.trending(TrendingWindow::Week, 2, &Locale::default()).await.expect("second");
    assert_eq!(emulator.emulator.requests_received(), after_first);
}

#[tokio::test]
async fn bad_input_is_refused_before_any_upstream_call() {
    let emulator = emulator().await;
    let catalog = catalog(&emulator, "secret", CacheTtls::default());
    let error = catalog.trending(TrendingWindow::Day, 0, &Locale::default()).await.expect_err("page 0");
    assert!(matches!(error, CatalogError::InvalidInput { parameter: "page", .. }));
    let error = catalog
        .trending(TrendingWindow::Day, 1, &Locale { language: "english".into(), region: None })
        .await
        .expect_err("bad language");
    assert!(matches!(error, CatalogError::InvalidInput { parameter: "language", .. }));
    assert_eq!(emulator.emulator.requests_received(), 0);
}

#[tokio::test]
async fn a_rejected_credential_is_our_misconfiguration() {
    let emulator = emulator().await;
    let catalog = catalog(&emulator, "wrong", CacheTtls::default());
    let error = catalog.trending(TrendingWindow::Day, 1, &Locale::default()).await.expect_err("rejected");
    assert!(matches!(error, CatalogError::Misconfigured(_)), "{error:?}");
}

#[tokio::test]
async fn an_outage_serves_stale_copies_and_fails_fast_without_one() {
    let emulator = emulator().await;
    let ttls = CacheTtls { trending: Duration::from_millis(50), ..CacheTtls::default() };
    let catalog = catalog(&emulator, "secret", ttls);
    let before = catalog.trending(TrendingWindow::Day, 1, &Locale::default()).await.expect("cached");
    tokio::time::sleep(Duration::from_millis(120)).await;

    emulator.emulator.faults.set(FaultSettings { refuse_connections: true, ..FaultSettings::default() });
    let stale = catalog.trending(TrendingWindow::Day, 1, &Locale::default()).await.expect("stale copy");
    assert_eq!(stale, before);

    let started = std::time::Instant::now();
    let error = catalog.trending(TrendingWindow::Day, 2, &Locale::default()).await.expect_err("nothing cached");
    assert!(matches!(error, CatalogError::Unavailable(_)), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_hundred_concurrent_cold_requests_make_one_upstream_call() {
    let emulator = emulator().await;
    let catalog = Arc::new(catalog(&emulator, "secret", CacheTtls::default()));
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let catalog = catalog.clone();
            tokio::spawn(async move { catalog.list(MovieList::Popular, 1, &Locale::default()).await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.expect("joined").expect("list").results.len(), 20);
    }
    // One list call, plus one each for the image configuration and the genre names.
    assert_eq!(emulator.emulator.requests_received(), 3);
}

#[tokio::test]
async fn a_failing_upstream_gets_at_most_three_attempts_per_call() {
    let emulator = emulator().await;
    emulator.emulator.faults.set(FaultSettings { failure_rate: 1.0, ..FaultSettings::default() });
    let catalog = catalog(&emulator, "secret", CacheTtls::default());
    let error = catalog.list(MovieList::TopRated, 1, &Locale::default()).await.expect_err("fails");
    assert!(matches!(error, CatalogError::Unavailable(_)), "{error:?}");
    assert_eq!(emulator.emulator.requests_received(), 3);
}

#[tokio::test]
async fn a_rate_limit_storm_is_waited_out_as_told_then_reported() {
    let emulator = emulator().await;
    emulator.emulator.faults.set(FaultSettings {
        rate_limit_rate: 1.0,
        retry_after_secs: 1,
        ..FaultSettings::default()
    });
    let mut config = TmdbConfig::new(emulator.base_url(), Credential::ApiKey("secret".into()));
    config.call_budget = Duration::from_secs(5);
    let catalog = CatalogService::new(
        Arc::new(TmdbClient::new(config).expect("client")),
        Arc::new(MemoryStore::new(1 << 20)),
        CacheTtls::default(),
    );
    let started = std::time::Instant::now();
    let error = catalog.list(MovieList::Upcoming, 1, &Locale::default()).await.expect_err("rate limited");
    assert!(matches!(error, CatalogError::Unavailable(_)), "{error:?}");
    assert!(started.elapsed() >= Duration::from_secs(2), "waited Retry-After twice: {:?}", started.elapsed());
    assert_eq!(emulator.emulator.requests_received(), 3);
}

#[tokio::test]
async fn details_are_mapped_from_one_upstream_call() {
    let emulator = emulator().await;
    let catalog = catalog(&emulator, "secret", CacheTtls::default());
    let hits = catalog.search("the dark knight", Some(2008), 1, &Locale::default()).await.expect("search");
    let id = hits.results[0].id;
    let before = emulator.emulator.requests_received();
    let details = catalog.details(id, &Locale::default()).await.expect("details");
    assert_eq!(emulator.emulator.requests_received(), before + 1);
    assert_eq!(details.movie.title, "The Dark Knight");
    assert_eq!(details.directors, vec!["Christopher Nolan".to_owned()]);
    assert_eq!(details.certification.as_deref(), Some("PG-13"));
    assert_eq!(details.runtime, Some(152));
    assert!(!details.recommendations.is_empty() && !details.similar.is_empty());
    assert!(details.recommendations.iter().all(|m| m.id != id));
}

#[tokio::test]
async fn a_director_is_a_person_with_exactly_their_catalog_films() {
    let emulator = emulator().await;
    let catalog = catalog(&emulator, "secret", CacheTtls::default());
    let found = catalog.search_people("  christopher   NOLAN ", 1, &Locale::default()).await.expect("people");
    let nolan = &found.results[0];
    assert_eq!((nolan.name.as_str(), nolan.known_for_department.as_deref()), ("Christopher Nolan", Some("Directing")));
    assert!(nolan.known_for.contains(&"The Dark Knight".to_owned()), "{:?}", nolan.known_for);
    assert!(nolan.profile_url.as_deref().is_some_and(|url| url.contains("/t/p/w185/profile-")));

    let person = catalog.person(nolan.id, "en-US").await.expect("person");
    let in_catalog = emulator.emulator.catalog();
    let mut expected: Vec<u64> = in_catalog
        .directed_by(in_catalog.person(nolan.id).expect("the emulator's person"))
        .iter()
        .map(|movie| movie.id)
        .collect();
    expected.reverse();
    let listed: Vec<u64> = person.crew.iter().map(|credit| credit.movie.id).collect();
    assert_eq!(listed, expected, "every film he directed in the catalog, newest first, and nothing else");
    assert!(person.crew.iter().all(|credit| credit.roles == ["Director"]));
    assert!(person.cast.is_empty());
    assert!(person.biography.contains("Christopher Nolan"));
    assert_eq!(person.known_for.len(), 7);
    assert!(person.known_for.windows(2).all(|pair| pair[0].vote_count >= pair[1].vote_count));

    // The movie page's crew links to the same person.
    let inception = catalog.details(person.crew[0].movie.id, &Locale::default()).await.expect("details");
    assert_eq!(inception.crew[0].id, nolan.id);
    assert_eq!(inception.crew[0].jobs, ["Director"]);
    assert_eq!(inception.crew[0].profile_url, nolan.profile_url);

    let before = emulator.emulator.requests_received();
    catalog.person(nolan.id, "en-US").await.expect("cached");
    assert_eq!(emulator.emulator.requests_received(), before);

    // An unknown person is remembered as missing: asked again, TMDb is not called.
    assert!(matches!(catalog.person(1, "en-US").await, Err(CatalogError::PersonNotFound)));
    let after_miss = emulator.emulator.requests_received();
    assert!(matches!(catalog.person(1, "en-US").await, Err(CatalogError::PersonNotFound)));
    assert_eq!(emulator.emulator.requests_received(), after_miss);
    // ...without making a movie of the same id missing.
    catalog.details(1, &Locale::default()).await.expect("movie 1 exists");

    let filter = api_types::DiscoverFilter { people: vec![nolan.id], ..Default::default() };
    let films = catalog.discover(&filter, 1, &Locale::default()).await.expect("discover");
    assert_eq!(films.count, 7);
    let too_many = api_types::DiscoverFilter { people: (1..=11).collect(), ..Default::default() };
    assert!(matches!(
        catalog.discover(&too_many, 1, &Locale::default()).await,
        Err(CatalogError::InvalidInput { parameter: "with_people", .. })
    ));
}

/// A Redis of the test's own, so stopping it disturbs no other test.
struct OwnRedis {
    process: tokio::process::Child,
}

impl OwnRedis {
    async fn start(port: u16) -> Self {
        let process = tokio::process::Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("redis-server is installed (Debian package redis-server)");
        for _ in 0..50 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return Self { process };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("redis-server did not start on port {port}");
    }

    async fn stop(mut self) {
        self.process.kill().await.expect("redis stops");
    }
}

#[tokio::test]
async fn redis_stopping_mid_run_fails_no_request_and_caching_resumes_when_it_returns() {
    use services::cache::RedisStore;
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let redis = OwnRedis::start(port).await;
    let emulator = emulator().await;
    // Two instances sharing one Redis: what one caches, the other reads without going upstream
    // (each also keeps local copies, so only the other instance proves the entry is in Redis).
    let instance = || {
        let mut config = TmdbConfig::new(emulator.base_url(), Credential::ApiKey("secret".into()));
        config.min_backoff = Duration::from_millis(10);
        let store = Arc::new(RedisStore::new(&format!("redis://127.0.0.1:{port}"), "t:").expect("url"));
        CatalogService::new(Arc::new(TmdbClient::new(config).expect("client")), store, CacheTtls::default())
    };
    let (a, b) = (instance(), instance());
    let locale = Locale::default();

    a.list(MovieList::Popular, 1, &locale).await.expect("cached in redis");
    let warm = emulator.emulator.requests_received();
    b.list(MovieList::Popular, 1, &locale).await.expect("read from redis");
    assert_eq!(emulator.emulator.requests_received(), warm, "the other instance found it in redis");

    redis.stop().await;
    for page in 2..=4 {
        a.list(MovieList::Popular, page, &locale).await.expect("served without redis");
    }
    assert!(emulator.emulator.requests_received() > warm, "went upstream while redis was down");

    let redis = OwnRedis::start(port).await;
    // An instance finds out its connection died on its next command (a cache miss, served
    // upstream), skips Redis for a moment, then connects afresh by itself.
    for instance in [&a, &b] {
        instance.list(MovieList::TopRated, 1, &locale).await.expect("served");
    }
    tokio::time::sleep(Duration::from_millis(2100)).await;
    a.list(MovieList::Popular, 5, &locale).await.expect("cached again");
    let after = emulator.emulator.requests_received();
    b.list(MovieList::Popular, 5, &locale).await.expect("read from redis");
    assert_eq!(emulator.emulator.requests_received(), after, "caching resumed without a restart");
    redis.stop().await;
}

#[tokio::test]
async fn an_id_tmdb_does_not_know_costs_one_upstream_call_per_few_minutes() {
    let emulator = emulator().await;
    let catalog = catalog(&emulator, "secret", CacheTtls::default());
    let error = catalog.movie_record(987_654_321).await.expect_err("no such movie");
    assert!(matches!(error, CatalogError::NotFound), "{error:?}");
    let after_first = emulator.emulator.requests_received();
    for _ in 0..5 {
        assert!(matches!(catalog.movie_record(987_654_321).await, Err(CatalogError::NotFound)));
    }
    assert_eq!(emulator.emulator.requests_received(), after_first, "remembered as missing");
    // A known movie is not affected.
    catalog.movie_record(21).await.expect("Twelve Monkeys");
}

/// A migrated SQLite database in a directory of its own, removed on drop.
struct TempDatabase(services::db::Database, std::path::PathBuf);

impl Drop for TempDatabase {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.1);
    }
}

async fn database() -> TempDatabase {
    let dir = std::env::temp_dir().join(format!("nexus-catalog-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite://{}?mode=rwc", dir.join("test.db").display());
    let db = services::db::Database::connect_lazy(&url).expect("sqlite");
    db.migrate().await.expect("migrations");
    TempDatabase(db, dir)
}

#[tokio::test]
async fn fetching_details_refreshes_a_stored_movie_older_than_a_day_and_marks_one_tmdb_lost() {
    use chrono::{Duration as Days, Utc};
    use services::library::MovieSnapshots;
    let emulator = emulator().await;
    let database = database().await;
    let store = services::accounts::library_store_for(&database.0);
    let plain = catalog(&emulator, "secret", CacheTtls::default());

    // Stored two days ago, with a title TMDb has since corrected; and one stored an hour ago.
    let mut old = plain.movie_record(1267).await.expect("The Dark Knight");
    let current_title = old.title.clone();
    old.title = "The Dark Knigt".into();
    let two_days_ago = Utc::now() - Days::days(2);
    store.save_movie(&old, two_days_ago).await.expect("saved");
    let mut recent = plain.movie_record(2026).await.expect("Inception");
    recent.title = "Inception (stored an hour ago)".into();
    store.save_movie(&recent, Utc::now() - Days::hours(1)).await.expect("saved");
    // Gone from TMDb since it was saved.
    let mut lost = old.clone();
    lost.tmdb_id = 987_654_321;
    store.save_movie(&lost, two_days_ago).await.expect("saved");

    // A catalog with a cold cache of its own, whose details fetches the store follows.
    let catalog = catalog(&emulator, "secret", CacheTtls::default())
        .with_movie_observer(Arc::new(MovieSnapshots::new(store.clone())));
    for id in [1267, 2026, 21] {
        catalog.details(id, &Locale::default()).await.expect("details");
    }
    assert!(catalog.details(987_654_321, &Locale::default()).await.is_err());

    let refreshed = store.movie(1267).await.expect("read").expect("kept");
    assert_eq!(refreshed.movie.title, current_title, "older than a day: refreshed");
    assert!(refreshed.fetched_at > Utc::now() - Days::minutes(1));
    let untouched = store.movie(2026).await.expect("read").expect("kept");
    assert_eq!(untouched.movie.title, "Inception (stored an hour ago)", "fresh enough: no write");
    let marked = store.movie(987_654_321).await.expect("read").expect("kept, not deleted");
    assert!(marked.missing_since.is_some(), "TMDb no longer knows it");
    assert!(store.movie(21).await.expect("read").is_none(), "movies nobody saved are not stored");
}

fn french() -> Locale {
    Locale { language: "fr-FR".into(), region: None }
}

#[tokio::test]
async fn french_where_tmdb_translated_english_where_it_did_not() {
    let emulator = emulator().await;
    let catalog = catalog(&emulator, "secret", CacheTtls::default());

    // The emulator leaves one film in seven untranslated, with an empty overview, as TMDb does.
    let page = catalog.list(MovieList::Popular, 1, &french()).await.expect("popular in French");
    let untranslated: Vec<_> = page.results.iter().filter(|m| m.id % 7 == 0).collect();
    let translated: Vec<_> = page.results.iter().filter(|m| m.id % 7 != 0).collect();
    assert!(!untranslated.is_empty() && !translated.is_empty(), "the first page has both kinds");
    for movie in &translated {
        assert!(movie.overview.starts_with("Film"), "French: {}", movie.overview);
    }
    for movie in &untranslated {
        assert!(movie.overview.starts_with("A "), "English stands in: {:?}", movie.overview);
    }

    // A translated film comes in French; an untranslated one keeps its title and gets the
    // English overview, while its genres stay French.
    let godfather = catalog.details(370, &french()).await.expect("Le Parrain");
    assert_eq!(godfather.movie.title, "Le Parrain");
    assert_eq!(godfather.movie.genres, ["Histoire"]);
    assert!(godfather.movie.overview.starts_with("Film (histoire) sorti en 1972"));
    let dark_knight = catalog.details(1267, &french()).await.expect("The Dark Knight");
    let english = catalog.details(1267, &Locale::default()).await.expect("in English");
    assert_eq!(dark_knight.movie.title, "The Dark Knight");
    assert_eq!(dark_knight.movie.overview, english.movie.overview);
    assert!(!dark_knight.movie.overview.is_empty());
    assert!(dark_knight.recommendations.iter().all(|m| !m.overview.is_empty()), "related rows are filled too");

    // Biographies exist in English only here: the person page falls back to it.
    let nolan = catalog.search_people("christopher nolan", 1, &french()).await.expect("people").results[0].id;
    let person = catalog.person(nolan, "fr-FR").await.expect("person in French");
    assert!(person.biography.starts_with("Christopher Nolan is a film director"), "{}", person.biography);

    // English itself needs no second call.
    let before = emulator.emulator.requests_received();
    catalog.list(MovieList::TopRated, 1, &Locale::default()).await.expect("top rated");
    assert_eq!(emulator.emulator.requests_received(), before + 1);
}

#[tokio::test]
async fn a_movie_is_rated_as_in_the_region_asked_for() {
    let emulator = emulator().await;
    let catalog = catalog(&emulator, "secret", CacheTtls::default());
    let in_region =
        |language: &str, region: Option<&str>| Locale { language: language.into(), region: region.map(str::to_owned) };
    // The Dark Knight is PG-13 in the United States.
    let rated = |locale: Locale| {
        let catalog = &catalog;
        async move { catalog.details(1267, &locale).await.expect("details").certification }
    };
    assert_eq!(rated(in_region("en-US", None)).await.as_deref(), Some("PG-13"));
    assert_eq!(rated(in_region("en-US", Some("GB"))).await.as_deref(), Some("12A"));
    assert_eq!(rated(in_region("de-DE", Some("DE"))).await.as_deref(), Some("12"));
    // Without a region, the language's country.
    assert_eq!(rated(in_region("en-GB", None)).await.as_deref(), Some("12A"));
    // A region with no rating has none, rather than another country's.
    assert_eq!(rated(in_region("en-US", Some("JP"))).await, None);
}

#[tokio::test]
async fn discover_names_genres_in_english_whatever_the_language() {
    let emulator = emulator().await;
    let catalog = catalog(&emulator, "secret", CacheTtls::default());
    let comedy = DiscoverFilter { genres: vec!["Comedy".into()], ..DiscoverFilter::default() };
    let in_french = catalog.discover(&comedy, 1, &french()).await.expect("Comedy is a genre in any language");
    assert!(in_french.results.iter().all(|m| m.genres.iter().any(|g| g == "Comédie")));
    let by_id = DiscoverFilter { genres: vec!["35".into()], ..DiscoverFilter::default() };
    let ids: Vec<u64> =
        catalog.discover(&by_id, 1, &french()).await.expect("by id").results.iter().map(|m| m.id).collect();
    assert_eq!(ids, in_french.results.iter().map(|m| m.id).collect::<Vec<_>>());
    let french_name = DiscoverFilter { genres: vec!["Comédie".into()], ..DiscoverFilter::default() };
    assert!(matches!(
        catalog.discover(&french_name, 1, &french()).await,
        Err(CatalogError::InvalidInput { parameter: "genre", .. })
    ));
    let named = catalog.genres_with_english_names("fr-FR").await.expect("genres");
    assert!(named.iter().any(|(genre, english)| genre.name == "Science-Fiction" && english == "Science Fiction"));
}

#[tokio::test]
async fn a_translated_copy_is_stored_complete_so_no_request_looks_up_english_again() {
    use services::cache::CacheStore;
    let emulator = emulator().await;
    let store = Arc::new(MemoryStore::new(1 << 24));
    let instance = |store: Arc<MemoryStore>| {
        let mut config = TmdbConfig::new(emulator.base_url(), Credential::ApiKey("secret".into()));
        config.call_budget = Duration::from_secs(2);
        let tmdb = Arc::new(TmdbClient::new(config).expect("client"));
        CatalogService::new(tmdb, store, CacheTtls::default())
    };
    // One instance reads The Dark Knight (untranslated) in French, filling it from English.
    let first = instance(store.clone());
    let filled = first.details(1267, &french()).await.expect("details").movie.overview;
    assert!(filled.starts_with("A 2008"), "{filled}");
    first.list(MovieList::Popular, 1, &french()).await.expect("popular");

    // The English copies go (evicted, expired); another instance sharing the store still
    // answers in full from the French copies alone, without asking TMDb for English.
    for key in ["tmdb:movie:1267:en-US", "tmdb:list:popular:en-US:-:1"] {
        store.delete(key).await.expect("delete");
    }
    let second = instance(store);
    let before = emulator.emulator.requests_received();
    let again = second.details(1267, &french()).await.expect("details").movie.overview;
    assert_eq!(again, filled);
    let popular = second.list(MovieList::Popular, 1, &french()).await.expect("popular");
    assert!(popular.results.iter().all(|m| !m.overview.is_empty()));
    assert_eq!(emulator.emulator.requests_received(), before, "no upstream call, English or other");
}

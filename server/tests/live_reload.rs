//! `cargo leptos watch`: with LEPTOS_WATCH set, pages carry Leptos' reload script (with the
//! page's CSP nonce), the CSP lets it dial the reload socket, and the bundle is revalidated on
//! every use instead of cached for good. Leptos reads LEPTOS_WATCH from the process
//! environment, so the checks run in a child process of this test binary started with it set.

mod common;

use axum::body::Body;
use axum::http::{Request, header};
use common::{app_with, raw};

#[test]
fn under_cargo_leptos_watch_pages_reload_themselves() {
    let output = std::process::Command::new(std::env::current_exe().expect("this test binary"))
        .args(["--exact", "pages_and_bundle_while_watching", "--ignored", "--nocapture", "--test-threads", "1"])
        .env("LEPTOS_WATCH", "ON")
        .output()
        .expect("run the watching half");
    let report = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{report}");
    assert!(report.contains("1 passed"), "the watching half ran: {report}");
}

#[tokio::test]
#[ignore = "run by under_cargo_leptos_watch_pages_reload_themselves, with LEPTOS_WATCH set"]
async fn pages_and_bundle_while_watching() {
    assert!(std::env::var_os("LEPTOS_WATCH").is_some(), "run through under_cargo_leptos_watch_pages_reload_themselves");
    let site = std::env::temp_dir().join(format!("nexus-watch-{}", rand::random::<u64>()));
    std::fs::create_dir_all(site.join("pkg")).expect("site");
    for file in ["nexus.js", "nexus.wasm", "nexus.css"] {
        std::fs::write(site.join("pkg").join(file), "built").expect("write");
    }
    let app = app_with(&["--site-root", site.to_str().expect("utf-8")]).await;

    let (_, headers, html) = raw(&app, Request::get("/").body(Body::empty()).expect("request")).await;
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().expect("ascii").to_owned();
    assert!(csp.contains("connect-src 'self' ws://*:3001 wss://*:3001;"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce");
    let reload = html.split("<script").find(|script| script.contains("/live_reload")).expect("the reload script");
    assert!(reload.starts_with(&format!(r#" nonce="{nonce}""#)), "the reload script may run: {reload:.80}");

    let version = server::http::assets::version(&site, "pkg");
    let css = Request::get(format!("/static/{version}/pkg/nexus.css")).body(Body::empty()).expect("request");
    let (_, headers, body) = raw(&app, css).await;
    assert_eq!(body, "built");
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache", "rebuilt files are fetched again");
    let _ = std::fs::remove_dir_all(site);
}

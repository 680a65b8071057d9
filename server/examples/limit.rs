//! The machine's limit, for `bench/run.sh`: a bare axum server that answers every GET with the
//! bytes Nexus sends for cached trending, from memory. It has none of Nexus' middleware, no
//! cache lookup and no rendering, so on the same cores, in the same run, its requests/s are
//! what this machine and load generator allow an axum server at all; Nexus' figures are printed
//! as a ratio of it. Same allocator and TCP_NODELAY as Nexus, so the ratio is about the work
//! each request does, not about the setup.
//!
//!   cargo run --release -p server --example limit -- 127.0.0.1:3401 body.json body.json.br
//!
//! The body is served brotli-encoded, as Nexus serves it, to requests that accept `br`.

use std::process::ExitCode;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::IntoResponse;
use axum::serve::ListenerExt;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [addr, identity_path, brotli_path] = args.as_slice() else {
        eprintln!("usage: limit ADDR IDENTITY_BODY_FILE BROTLI_BODY_FILE");
        return ExitCode::from(2);
    };
    let (identity, brotli) = match (std::fs::read(identity_path), std::fs::read(brotli_path)) {
        (Ok(identity), Ok(brotli)) => (Bytes::from(identity), Bytes::from(brotli)),
        (Err(error), _) | (_, Err(error)) => {
            eprintln!("could not read a body file: {error}");
            return ExitCode::FAILURE;
        }
    };
    let respond = move |headers: HeaderMap| {
        let accepts_brotli = headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .any(|value| value.split(',').any(|coding| coding.trim().starts_with("br")));
        let content_type = (header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let response = if accepts_brotli {
            ([content_type, (header::CONTENT_ENCODING, HeaderValue::from_static("br"))], brotli.clone()).into_response()
        } else {
            ([content_type], identity.clone()).into_response()
        };
        std::future::ready(response)
    };
    let router = Router::new().fallback(respond);
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => listener.tap_io(|stream| {
            let _ = stream.set_nodelay(true);
        }),
        Err(error) => {
            eprintln!("could not listen on {addr}: {error}");
            return ExitCode::FAILURE;
        }
    };
    match axum::serve(listener, router).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("server stopped: {error}");
            ExitCode::FAILURE
        }
    }
}

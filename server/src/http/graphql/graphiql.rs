//! GraphiQL, vendored in `server/assets/graphiql/` and served from the binary: `GET
//! /api/graphql` in a browser is the place to try the schema.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::http::ApiError;

const INDEX: &[u8] = include_bytes!("../../../assets/graphiql/index.html");

/// Every file the page loads, with its type.
const ASSETS: [(&str, &[u8], &str); 6] = [
    ("graphiql.min.js", include_bytes!("../../../assets/graphiql/graphiql.min.js"), "text/javascript; charset=utf-8"),
    ("graphiql.min.css", include_bytes!("../../../assets/graphiql/graphiql.min.css"), "text/css; charset=utf-8"),
    (
        "react.production.min.js",
        include_bytes!("../../../assets/graphiql/react.production.min.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "react-dom.production.min.js",
        include_bytes!("../../../assets/graphiql/react-dom.production.min.js"),
        "text/javascript; charset=utf-8",
    ),
    ("graphiql-init.js", include_bytes!("../../../assets/graphiql/graphiql-init.js"), "text/javascript; charset=utf-8"),
    ("graphiql-page.css", include_bytes!("../../../assets/graphiql/graphiql-page.css"), "text/css; charset=utf-8"),
];

fn file(body: &'static [u8], content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
        ],
        body,
    )
        .into_response()
}

pub async fn page() -> Response {
    file(INDEX, "text/html; charset=utf-8")
}

pub async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(file_name, _, _)| *file_name == name) {
        Some((_, body, content_type)) => file(body, content_type),
        None => ApiError::NotFound.into_response(),
    }
}

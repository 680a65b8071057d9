# syntax=docker/dockerfile:1
# Multi-stage build: cargo-leptos release build, then a slim runtime with the binary and the
# site folder, running as a non-root user. Tool versions come from scripts/versions.env.

FROM rust:1.95-bookworm AS build
WORKDIR /src
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
COPY scripts/versions.env scripts/versions.env
# cargo-leptos' lockfile needs rustc >= 1.96; the project itself builds with 1.95.
RUN . scripts/versions.env \
 && rustup toolchain install "$TOOLS_RUST_TOOLCHAIN" --profile minimal \
 && cargo "+$TOOLS_RUST_TOOLCHAIN" install cargo-leptos --version "=$CARGO_LEPTOS_VERSION" --locked --features no_downloads \
 && cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" \
 && rustup target add wasm32-unknown-unknown \
 && npm install -g "binaryen@$BINARYEN_VERSION"
COPY . .
RUN cargo leptos build --release

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --create-home --home-dir /app nexus
WORKDIR /app
COPY --from=build /src/target/release/server /app/server
COPY --from=build /src/target/site /app/site
RUN mkdir -p /app/data && chown nexus:nexus /app/data
USER nexus
ENV APP_ENV=production \
    LEPTOS_SITE_ADDR=0.0.0.0:3000 \
    LEPTOS_SITE_ROOT=/app/site \
    DATA_DIR=/app/data \
    LOG_FORMAT=json
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s CMD curl -fsS http://127.0.0.1:3000/healthz || exit 1
CMD ["/app/server"]

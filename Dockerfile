# syntax=docker/dockerfile:1
# Multi-stage build: cargo-leptos release build, then a slim runtime with the binary and the
# site folder, running as a non-root user. Tool versions come from scripts/versions.env; the
# Rust image is pinned to the toolchain's patch release (rust-toolchain.toml).
#
# The tools are their own layer (rebuilt only when versions.env changes); the crates.io
# registry and target/ are BuildKit cache mounts, so a change to the code rebuilds the crates
# of this workspace and not its few hundred dependencies.

FROM rust:1.95.0-bookworm AS build
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
# target/ is a cache mount, so the outputs are copied out of it within the same step.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo leptos build --release --precompress \
 && mkdir -p /out \
 && cp target/release/server /out/server \
 && cp -r target/site /out/site

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --create-home --home-dir /app nexus
WORKDIR /app
COPY --from=build /out/server /app/server
COPY --from=build /out/site /app/site
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

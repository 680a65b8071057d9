#!/usr/bin/env bash
# Measures "For you" against the popularity baseline on MovieLens-100k users (a few minutes):
#
#   scripts/eval-recs.sh [--users N] [--seed S] [--check]
#
# Downloads the `recbole==1.2.1` wheel from PyPI at run time (it contains MovieLens-100k;
# GroupLens' terms forbid redistributing the data, so it is never committed), builds the release
# server as users run it, starts it on embedded defaults, loads the users' liked films as
# favorites through the REST API and prints Recall@20, nDCG@20, genre diversity and coverage for
# "For you" and for the most-popular baseline (see scripts/recs_eval/run.py for the protocol).
# SKIP_BUILD=1 reuses target/release/server. --check exits 1 when For you misses its targets.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/versions.env

cache=.tools/eval
wheel="$cache/recbole-$RECBOLE_VERSION-py3-none-any.whl"
if [[ ! -f "$wheel" ]]; then
  echo "==> recbole $RECBOLE_VERSION (PyPI; for its copy of MovieLens-100k)"
  mkdir -p "$cache"
  python3 -m pip download --quiet --disable-pip-version-check --no-deps "recbole==$RECBOLE_VERSION" -d "$cache"
fi

if [[ -z "${SKIP_BUILD:-}" ]]; then
  scripts/setup.sh
  source scripts/tools-path.sh
  echo "==> release build"
  cargo leptos build --release
fi

echo "==> evaluating"
cd scripts && exec python3 -m recs_eval.run --wheel "../$wheel" --server ../target/release/server "$@"

"""Measures "For you" against the popularity baseline on MovieLens-100k users, through the real
server's REST API (see scripts/eval-recs.sh, which downloads the data and builds the server).

Protocol: MovieLens films are mapped onto the bundled catalog by normalised title and year.
Every user with at least 10 liked films (rating >= 4) on mapped films is registered and saves
all but the last fifth of them as favorites, oldest first, so that other users' choices are on
the instance as they would be. For a fixed sample of users (seed 7), the first 20 recommended
mapped films are compared with the held-out fifth: Recall@20 and nDCG@20, genre diversity of
the 20, and catalog coverage over all lists. The baseline is TMDb's "popular" list (the
emulator's), minus what the user saved. Rankings are restricted to mapped films, since ground
truth exists only there.
"""

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from recs_eval.metrics import coverage, genre_diversity, mean, ndcg_at, recall_at, split_history
from recs_eval.movielens import map_to_catalog, positives_by_user, read_wheel

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
K = 20
MIN_POSITIVES = 10
PASSWORD = "correct horse battery staple"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    def __init__(self, base):
        self.base = base

    def call(self, method, path, body=None, token=None):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"content-type": "application/json"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        for attempt in range(5):
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    return response.status, json.loads(response.read() or b"null")
            except urllib.error.HTTPError as error:
                if error.code in (429, 503) and attempt < 4:
                    time.sleep(float(error.headers.get("retry-after", "1")))
                    continue
                return error.code, json.loads(error.read() or b"null")
        raise RuntimeError(f"{method} {path}: no answer")


class User:
    """A MovieLens user on the instance: signs up, saves favorites, reads recommendations."""

    def __init__(self, api, name):
        self.api = api
        self.email = f"ml-{name}@eval.test"
        self.access = None
        self.refresh = None

    def sign_up(self):
        status, body = self.api.call("POST", "/api/auth/register/", {"email": self.email, "password": PASSWORD})
        if status != 201:
            raise RuntimeError(f"register {self.email}: {status} {body}")
        self.access, self.refresh = body["access"], body["refresh"]

    def call(self, method, path, body=None):
        status, answer = self.api.call(method, path, body, self.access)
        if status == 401:  # the access token expired during a long run
            _, tokens = self.api.call("POST", "/api/auth/token/refresh/", {"refresh": self.refresh})
            self.access, self.refresh = tokens["access"], tokens["refresh"]
            status, answer = self.api.call(method, path, body, self.access)
        return status, answer

    def save(self, movies):
        for movie in movies:
            status, body = self.call("POST", "/api/favorites/", {"tmdb_id": movie})
            if status not in (200, 201):
                raise RuntimeError(f"favorite {movie} for {self.email}: {status} {body}")

    def for_you(self, keep, k):
        """The first k recommended movies among `keep`, and what the list was based on."""
        ranked, based_on, page = [], None, 1
        while len(ranked) < k:
            status, body = self.call("GET", f"/api/recommendations/?page={page}")
            if status != 200:
                raise RuntimeError(f"recommendations for {self.email}: {status} {body}")
            based_on = body["based_on"]
            ranked += [movie["id"] for movie in body["results"] if movie["id"] in keep and movie["id"] not in ranked]
            if page >= body["total_pages"]:
                break
            page += 1
        return ranked[:k], based_on


def popular(api, keep):
    """The emulator's popular list, mapped films only, best first."""
    ranked, page = [], 1
    while True:
        status, body = api.call("GET", f"/api/movies/popular/?page={page}")
        if status != 200:
            raise RuntimeError(f"popular page {page}: {status} {body}")
        ranked += [movie["id"] for movie in body["results"] if movie["id"] in keep]
        if page >= min(body["total_pages"], 500):
            return ranked
        page += 1


def start_server(binary, data_dir):
    port = free_port()
    env = {
        **os.environ,
        "LEPTOS_SITE_ADDR": f"127.0.0.1:{port}",
        "DATA_DIR": data_dir,
        "API_RATE_LIMIT_PER_SECOND": "0",
        "REGISTRATIONS_PER_HOUR": "0",
        "LOG_FORMAT": "json",
        "RUST_LOG": "warn",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "TMDB_API_KEY", "TMDB_READ_TOKEN"):
        env.pop(name, None)
    log = open(os.path.join(data_dir, "server.log"), "w")
    server = subprocess.Popen([os.path.abspath(binary)], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2) as response:
                if response.status == 200:
                    return server, base
        except OSError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.5)
    server.kill()
    sys.exit(f"the server did not become ready; see {data_dir}/server.log")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", required=True, help="recbole-1.2.1-py3-none-any.whl")
    parser.add_argument("--server", default=os.path.join(ROOT, "target", "release", "server"))
    parser.add_argument("--users", type=int, default=200, help="users evaluated (a fixed sample)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--check", action="store_true", help="exit 1 when For you misses the targets")
    args = parser.parse_args()

    with open(os.path.join(ROOT, "emulator", "catalog", "movies.json"), encoding="utf-8") as source:
        catalog = json.load(source)
    genres = {movie["id"]: set(movie["genre_ids"]) for movie in catalog}
    ratings, items = read_wheel(args.wheel)
    mapping = map_to_catalog(items, catalog)
    mapped = set(mapping.values())
    positives = {user: movies for user, movies in positives_by_user(ratings, mapping).items() if len(movies) >= MIN_POSITIVES}
    histories = {user: split_history(movies) for user, movies in positives.items()}
    sample = random.Random(args.seed).sample(sorted(positives, key=int), min(args.users, len(positives)))
    print(f"MovieLens-100k: {len(items)} films, {len(mapping)} mapped onto {len(mapped)} catalog films; "
          f"{len(positives)} users with >= {MIN_POSITIVES} liked mapped films; evaluating {len(sample)} (seed {args.seed})")

    data_dir = tempfile.mkdtemp(prefix="nexus-eval-")
    server, base = start_server(args.server, data_dir)
    try:
        api = Api(base)
        users = {name: User(api, name) for name in positives}
        started = time.time()

        def load(name):
            users[name].sign_up()
            users[name].save(histories[name][0])

        with ThreadPoolExecutor(args.workers) as pool:
            list(pool.map(load, sorted(positives, key=int)))
        saved = sum(len(told) for told, _ in histories.values())
        print(f"loaded {len(users)} users and {saved} favorites through the API in {time.time() - started:.0f} s")

        popular_ranking = popular(api, mapped)

        def evaluate(name):
            told, held = histories[name]
            ranked, based_on = users[name].for_you(mapped, K)
            baseline = [movie for movie in popular_ranking if movie not in set(told)][:K]
            return name, ranked, based_on, baseline, set(held)

        with ThreadPoolExecutor(args.workers) as pool:
            results = list(pool.map(evaluate, sample))

        # Server time of a warm "For you" page (the pool cached), for the user with the most
        # favorites: one client, sequential requests, so the figure is latency, not throughput.
        busiest = max(positives, key=lambda name: (len(histories[name][0]), -int(name)))
        users[busiest].call("GET", "/api/recommendations/?page=1")
        timings = []
        for _ in range(200):
            started = time.perf_counter()
            users[busiest].call("GET", "/api/recommendations/?page=1")
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        warm = (len(histories[busiest][0]), timings[len(timings) // 2], timings[int(len(timings) * 0.95)])
    finally:
        server.terminate()
        server.wait(timeout=30)

    rows = []
    for label, index in (("For you", 1), ("Most popular", 3)):
        lists = [result[index] for result in results]
        rows.append((
            label,
            mean(recall_at(result[index], result[4], K) for result in results),
            mean(ndcg_at(result[index], result[4], K) for result in results),
            mean(genre_diversity(ranked, genres) for ranked in lists),
            coverage(lists, len(mapped)),
        ))
    based_on = {}
    for result in results:
        based_on[result[2]] = based_on.get(result[2], 0) + 1
    print(f"\n| ranking | Recall@{K} | nDCG@{K} | genre diversity | coverage |")
    print("|---|---|---|---|---|")
    for label, recall, ndcg, diversity, covered in rows:
        print(f"| {label} | {recall:.3f} | {ndcg:.3f} | {diversity:.3f} | {covered:.3f} |")
    for_you, baseline = rows[0], rows[1]
    ratio = for_you[1] / baseline[1] if baseline[1] else float("inf")
    print(f"\nFor you / popular Recall@{K}: {ratio:.2f}x; For you based on: {based_on}")
    print(f"warm For you page 1 for a user with {warm[0]} favorites: p50 {warm[1]:.1f} ms, p95 {warm[2]:.1f} ms")
    met = for_you[1] >= 0.25 and ratio >= 1.6 and for_you[3] >= 0.75
    print(f"targets (Recall@{K} >= 0.25, >= 1.6x popular, diversity >= 0.75): {'met' if met else 'NOT met'}")
    if args.check and not met:
        sys.exit(1)


if __name__ == "__main__":
    main()

"""How Nexus' costs grow with its data, against a running server (started by bench/scale.sh).

Prints one markdown table: the favorites list and "For you" for users with 10, 100 and 1,000
favorites (warm throughput with oha, and For you's cold rebuild after a change), a cold search
and a cold movie page through the emulator (each query or movie asked for the first time), and
sign-in at 1, 2 and 8 at once (argon2 bound). The last column divides each figure by the one of
the smallest case, so a row that grows faster than its data shows at once.

Needs the server started with API_RATE_LIMIT_PER_SECOND=0, UI_RATE_LIMIT_PER_SECOND=0,
REGISTRATIONS_PER_HOUR=0 and TRUSTED_PROXIES=127.0.0.1/32 (sign-ins are limited per client
address and per account, so each measured sign-in comes from its own forwarded address).
"""

import concurrent.futures
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

ADDR = os.environ.get("BENCH_ADDR", "127.0.0.1:3400")
DURATION = os.environ.get("DURATION", "5s")
SIZES = (10, 100, 1000)
PASSWORD = "bench passphrase for scale"


def request(method, path, body=None, token=None, headers=None):
    """One request on its own connection: (status, parsed JSON or raw text, seconds)."""
    host, port = ADDR.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    all_headers = {"accept-encoding": "identity", **(headers or {})}
    if body is not None:
        all_headers["content-type"] = "application/json"
    if token:
        all_headers["authorization"] = f"Bearer {token}"
    started = time.perf_counter()
    connection.request(method, path, body=None if body is None else json.dumps(body), headers=all_headers)
    response = connection.getresponse()
    raw = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    try:
        payload = json.loads(raw) if raw else None
    except ValueError:
        payload = raw.decode("utf-8", "replace")
    return response.status, payload, elapsed


def expect(status, payload, wanted, what):
    if status not in wanted:
        sys.exit(f"{what}: HTTP {status}: {str(payload)[:300]}")
    return payload


def register(label):
    email = f"scale-{label}-{random.getrandbits(48):x}@example.com"
    status, payload, _ = request("POST", "/api/auth/register/", {"email": email, "password": PASSWORD})
    return email, expect(status, payload, (200, 201), "register")["access"]


def catalog_ids(first_page, pages):
    """Distinct movie ids (and titles) from Discover, most popular first."""
    movies = []
    for page in range(first_page, first_page + pages):
        status, payload, _ = request("GET", f"/api/movies/discover/?page={page}")
        movies += expect(status, payload, (200,), "discover")["results"]
    return movies


def add_favorites(token, ids):
    def add(movie_id):
        status, payload, _ = request("POST", "/api/favorites/", {"tmdb_id": movie_id}, token)
        expect(status, payload, (200, 201), f"favorite {movie_id}")

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(add, ids))


def oha(path, token, connections=16):
    """Warm throughput: requests/s, p50 ms, p99 ms."""
    report = json.loads(
        subprocess.run(
            ["oha", "--no-tui", "--output-format", "json", "-z", DURATION, "-c", str(connections),
             "-H", "accept-encoding: identity", "-H", f"authorization: Bearer {token}", f"http://{ADDR}{path}"],
            check=True, capture_output=True, text=True,
        ).stdout
    )
    codes = report.get("statusCodeDistribution", {})
    if set(codes) - {"200"}:
        sys.exit(f"{path}: answers other than 200: {codes}")
    pct = report["latencyPercentiles"]
    return report["summary"]["requestsPerSec"], pct["p50"] * 1000, pct["p99"] * 1000


def median_ms(samples):
    return statistics.median(samples) * 1000


def p90_ms(samples):
    return statistics.quantiles(samples, n=10)[-1] * 1000


rows = []


def row(what, case, figure, unit, base=None):
    """One table row; its ratio to `base`, the smallest case's figure, when there is one."""
    ratio = f"{figure / base:.2f}×" if base else "–"
    rows.append(f"| {what} | {case} | {figure:,.1f} {unit} | {ratio} |")


def main():
    ids = [movie["id"] for movie in catalog_ids(1, 51)]
    if len(set(ids)) < max(SIZES) + 5:
        sys.exit(f"Discover gave only {len(set(ids))} distinct movies")
    ids = list(dict.fromkeys(ids))

    favorites, for_you_warm, for_you_cold = {}, {}, {}
    for size in SIZES:
        _, token = register(f"n{size}")
        add_favorites(token, ids[:size])
        # Cold: the pool is dropped by every change to the user's movies, so each sample adds
        # and removes one more favorite, then times the rebuild.
        cold = []
        for extra in ids[size:size + 5]:
            add_favorites(token, [extra])
            status, payload, seconds = request("GET", "/api/recommendations/", token=token)
            expect(status, payload, (200,), "for you (cold)")
            cold.append(seconds)
            status, payload, _ = request("DELETE", f"/api/favorites/{extra}/", token=token)
            expect(status, payload, (200, 204), "remove favorite")
        request("GET", "/api/recommendations/", token=token)
        for_you_cold[size] = median_ms(cold)
        favorites[size] = oha("/api/favorites/?page_size=50", token)
        for_you_warm[size] = oha("/api/recommendations/", token)

    base = SIZES[0]
    for size in SIZES:
        row("favorites list, first 50 (warm, 16 connections): p50", f"{size} favorites", favorites[size][1], "ms",
            favorites[base][1])
    for size in SIZES:
        row("favorites list: requests/s", f"{size} favorites", favorites[size][0], "/s", favorites[base][0])
    for size in SIZES:
        row("For you (warm pool, 16 connections): p50", f"{size} favorites", for_you_warm[size][1], "ms",
            for_you_warm[base][1])
    for size in SIZES:
        row("For you rebuilt after a change (cold pool), median of 5", f"{size} favorites",
            for_you_cold[size], "ms", for_you_cold[base])

    # Cold catalog reads: movies and words no earlier request touched, one at a time.
    fresh = catalog_ids(90, 3)
    searches = []
    for movie in fresh[:40]:
        words = [word for word in movie["title"].split() if len(word) > 3] or movie["title"].split()
        query = " ".join(words[:2])
        status, payload, seconds = request("GET", f"/api/movies/search/?q={urllib.parse.quote(query)}")
        expect(status, payload, (200,), f"search {query}")
        searches.append(seconds)
    movie_pages = []
    for movie in fresh[:40]:
        status, payload, seconds = request("GET", f"/movie/{movie['id']}", headers={"accept": "text/html"})
        expect(status, payload, (200,), f"movie page {movie['id']}")
        movie_pages.append(seconds)
    row("cold search through the emulator, median of 40", "distinct titles", median_ms(searches), "ms")
    row("cold search, p90", "distinct titles", p90_ms(searches), "ms")
    row("cold movie page (server-rendered) through the emulator, median of 40", "distinct movies",
        median_ms(movie_pages), "ms")
    row("cold movie page, p90", "distinct movies", p90_ms(movie_pages), "ms")

    # Sign-in: argon2 on the hashing pool; each attempt from its own address and account.
    accounts = [register(f"signin{n}")[0] for n in range(64)]
    addresses = iter(range(1, 1 << 20))
    address_lock = threading.Lock()

    def sign_in(email):
        with address_lock:
            n = next(addresses)
        forwarded = f"10.{n >> 16}.{(n >> 8) & 255}.{n & 255}"
        status, payload, seconds = request("POST", "/api/auth/token/", {"email": email, "password": PASSWORD},
                                           headers={"x-forwarded-for": forwarded})
        expect(status, payload, (200,), "sign in")
        return seconds

    latency_base = rate_base = None
    for concurrency in (1, 2, 8):
        batch = accounts[:8 * concurrency]
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
            samples = list(pool.map(sign_in, batch))
        per_second = len(batch) / (time.perf_counter() - started)
        latency_base = latency_base or median_ms(samples)
        rate_base = rate_base or per_second
        row("sign-in: median latency", f"{concurrency} at once", median_ms(samples), "ms", latency_base)
        row("sign-in: sign-ins/s", f"{concurrency} at once", per_second, "/s", rate_base)

    print("\n| what | case | figure | × smallest case |\n|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()

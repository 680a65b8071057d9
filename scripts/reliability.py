#!/usr/bin/env python3
"""Fault suite: the real server against the standalone TMDb emulator (`tmdb-emulator`) with its
fault injection, the machine's PostgreSQL, and a Redis this script owns (so it can stop it).

  scripts/reliability.py            # run by scripts/test.sh; the binaries must be built
                                    # (cargo build -p server -p emulator)

Checks, each printed as it passes (any failure exits 1):
  - TMDb 429 storm, 5xx storm, 2 s latency, down: a cached key keeps answering 200 (a stale
    copy once it has expired); an uncached key answers a JSON 502/503 within the configured
    budget; no call makes more than 3 attempts.
  - 100 concurrent cold requests for one key make one upstream call.
  - Redis stopped in the middle of a load run: zero failed requests; caching resumes when
    Redis returns, without restarting the server.
(PostgreSQL going down and back is server/tests/database_outage.rs, through a TCP relay.)
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUDGET_SECS = 3  # TMDB_TIMEOUT_SECS given to the server
FRESH_SECS = 2  # cache lifetimes given to the server, so copies expire during the suite
MICROCACHE_SECS = 5  # the server's whole-response cache for catalog routes
DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
processes = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args, env=None, log=None):
    process = subprocess.Popen(args, env={**os.environ, **(env or {})}, stdout=log or subprocess.DEVNULL,
                               stderr=subprocess.STDOUT)
    processes.append(process)
    return process


def wait_for(url, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def get(url, timeout=30):
    """(status, elapsed seconds, parsed JSON or None)."""
    started = time.time()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        body, status = error.read(), error.code
    elapsed = time.time() - started
    try:
        return status, elapsed, json.loads(body)
    except ValueError:
        return status, elapsed, None


def put_faults(emulator, **faults):
    request = urllib.request.Request(f"{emulator}/__emulator/faults", data=json.dumps(faults).encode(), method="PUT",
                                     headers={"content-type": "application/json"})
    urllib.request.urlopen(request, timeout=5).read()


def upstream_requests(emulator):
    return get(f"{emulator}/__emulator/stats")[2]["requests"]


def check(condition, message):
    if not condition:
        raise SystemExit(f"FAILED: {message}")
    print(f"  ok  {message}")


def main():
    for binary in ("target/debug/server", "target/debug/tmdb-emulator"):
        if not os.path.exists(os.path.join(ROOT, binary)):
            raise SystemExit(f"{binary} is missing: cargo build -p server -p emulator")
    workdir = tempfile.mkdtemp(prefix="nexus-reliability-")
    log = open(os.path.join(workdir, "server.log"), "w")

    redis_port, emulator_port, server_port = free_port(), free_port(), free_port()
    redis_args = ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    redis = start(redis_args)
    emulator = f"http://127.0.0.1:{emulator_port}"
    emulator_args = [os.path.join(ROOT, "target/debug/tmdb-emulator"), "--addr", f"127.0.0.1:{emulator_port}"]
    tmdb = start(emulator_args)
    wait_for(f"{emulator}/__emulator/stats")
    server = f"http://127.0.0.1:{server_port}"
    start([os.path.join(ROOT, "target/debug/server")], log=log, env={
        "LEPTOS_SITE_ADDR": f"127.0.0.1:{server_port}",
        "DATA_DIR": workdir,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}",
        "TMDB_API_KEY": "reliability-suite",
        "TMDB_BASE_URL": f"{emulator}/3",
        "TMDB_TIMEOUT_SECS": str(BUDGET_SECS),
        "CACHE_TTL_TRENDING": str(FRESH_SECS),
        "CACHE_TTL_LISTS": str(FRESH_SECS),
        "CACHE_TTL_DETAILS": str(FRESH_SECS),
        "API_RATE_LIMIT_PER_SECOND": "0",
        "LOG_FORMAT": "json",
    })
    wait_for(f"{server}/readyz")

    print("TMDb faults (cached key keeps answering, uncached key fails fast, at most 3 attempts):")
    cached = f"{server}/api/movies/1267/"
    for name, faults in [
        ("429 storm", {"rate_limit_rate": 1.0, "retry_after_secs": 1}),
        ("5xx storm", {"failure_rate": 1.0}),
        ("2 s latency", {"latency_ms": 2000}),
        ("TMDb down", None),
    ]:
        put_faults(emulator)
        check(get(cached)[0] == 200, f"{name}: the cached key is warm")
        if faults is None:
            # Down for real: the process is gone and its port refuses connections.
            tmdb.terminate()
            tmdb.wait()
        else:
            put_faults(emulator, **faults)
        # Past the fresh lifetime and the micro-cache: the next answer must come from a stale copy.
        time.sleep(max(FRESH_SECS * 1.1, MICROCACHE_SECS) + 0.5)
        status, elapsed, _ = get(cached)
        check(status == 200 and elapsed <= BUDGET_SECS + 1,
              f"{name}: the cached key answers 200 from its stale copy ({elapsed:.2f} s)")
        before = upstream_requests(emulator) if faults is not None else 0
        status, elapsed, body = get(f"{server}/api/movies/search/?q=never-asked-{name.replace(' ', '-')}-{time.time_ns()}")
        attempts = upstream_requests(emulator) - before if faults is not None else 0
        code = (body or {}).get("error", {}).get("code")
        check(status in (502, 503) and code, f"{name}: an uncached key answers JSON {status} `{code}`")
        check(elapsed <= BUDGET_SECS + 1, f"{name}: ... within the {BUDGET_SECS} s budget ({elapsed:.2f} s)")
        if faults is not None:  # a refused connection never reaches the emulator's counter
            check(1 <= attempts <= 3, f"{name}: ... after {attempts} upstream attempts (at most 3)")
    tmdb = start(emulator_args)
    wait_for(f"{emulator}/__emulator/stats")

    print("Cold stampede:")
    key = f"{server}/api/movies/search/?q=stampede-{time.time_ns()}"
    before = upstream_requests(emulator)
    with ThreadPoolExecutor(max_workers=100) as pool:
        statuses = list(pool.map(lambda _: get(key)[0], range(100)))
    check(statuses.count(200) == 100, "100 concurrent cold requests for one key all answer 200")
    calls = upstream_requests(emulator) - before
    check(calls == 1, f"... with {calls} upstream call")

    print("Redis stopped in the middle of a load run:")
    failures, answered = [], [0]
    stop = threading.Event()

    def load():
        n = 0
        while not stop.is_set():
            n += 1
            path = ["/api/movies/trending/", f"/api/movies/{[1267, 21, 2026, 1235][n % 4]}/",
                    f"/api/movies/popular/?page={1 + n % 3}"][n % 3]
            status = get(f"{server}{path}")[0]
            answered[0] += 1
            if status != 200:
                failures.append((path, status))

    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    redis.terminate()
    redis.wait()
    time.sleep(4)
    redis = start(redis_args)
    time.sleep(3)
    stop.set()
    for thread in threads:
        thread.join()
    check(not failures, f"{answered[0]} requests across the outage, {len(failures)} failed {failures[:3]}")

    # Caching resumes on the restarted (empty) Redis, without restarting the server.
    deadline = time.time() + 10
    keys = 0
    while time.time() < deadline and keys == 0:
        get(f"{server}/api/movies/search/?q=after-redis-{time.time_ns()}")
        keys = int(subprocess.run(["redis-cli", "-p", str(redis_port), "dbsize"], capture_output=True,
                                  text=True).stdout.strip() or 0)
        time.sleep(0.5)
    check(keys > 0, f"caching resumed in the restarted Redis ({keys} keys)")
    status, _, ready = get(f"{server}/readyz")
    check(status == 200, "/readyz is ready again")

    log.close()
    shutil.rmtree(workdir, ignore_errors=True)
    print("reliability suite: all checks passed")


if __name__ == "__main__":
    try:
        main()
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()

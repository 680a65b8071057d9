#!/usr/bin/env python3
"""Registration flood: 300 concurrent registrations from 300 different clients against the
release server, which must stay up and small while the catalog keeps answering.

  scripts/auth-flood.py [target/release/server]     # run by scripts/test.sh after the release build

Each registration costs an argon2 hash (19 MiB, tens of milliseconds of a core). The server
runs a bounded number at once and refuses the excess as busy, so:
  - every answer is 201, 409, 429 or 503 (503 and 429 with Retry-After), and at least one is 201;
  - the server's peak resident memory stays under 300 MiB;
  - the catalog answers 200 throughout, each within 2 s;
  - the server is still up afterwards.
The clients are told apart by X-Forwarded-For behind a trusted loopback proxy, so the
per-client throttle does not hide the hashing bound.
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
CLIENTS = 300
RSS_LIMIT_MIB = 300
CATALOG_DEADLINE_SECS = 2.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url, body=None, headers=None, timeout=30):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"content-type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def check(condition, message):
    if not condition:
        raise SystemExit(f"FAILED: {message}")
    print(f"  ok  {message}")


def main():
    binary = os.path.join(ROOT, sys.argv[1] if len(sys.argv) > 1 else "target/release/server")
    if not os.path.exists(binary):
        raise SystemExit(f"{binary} is missing: cargo leptos build --release")
    workdir = tempfile.mkdtemp(prefix="nexus-auth-flood-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(os.path.join(workdir, "server.log"), "w")
    server = subprocess.Popen([binary], stdout=log, stderr=subprocess.STDOUT, env={
        **os.environ,
        "LEPTOS_SITE_ADDR": f"127.0.0.1:{port}",
        "DATA_DIR": workdir,
        "TRUSTED_PROXIES": "127.0.0.1",
        "LOG_FORMAT": "json",
        "RUST_LOG": "warn",
    })
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if request(f"{base}/readyz", timeout=1)[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("the server did not become ready")
        request(f"{base}/api/movies/trending/")  # warm the catalog cache
        print(f"  before the flood: peak RSS {peak_rss_mib(server.pid):.0f} MiB, "
              f"{len(os.listdir(f'/proc/{server.pid}/task'))} threads")

        catalog = []
        flooding = threading.Event()
        flooding.set()

        def read_catalog():
            while flooding.is_set():
                started = time.time()
                try:
                    status = request(f"{base}/api/movies/trending/", timeout=10)[0]
                except OSError as error:
                    status = str(error)
                catalog.append((status, time.time() - started))
                time.sleep(0.1)

        reader = threading.Thread(target=read_catalog)
        reader.start()

        def register(index):
            # Every tenth client registers an address another one also registers: 409 for one.
            email = f"flood-{index if index % 10 else index - 1}-{port}@example.com"
            headers = {"x-forwarded-for": f"198.18.{index // 250}.{index % 250 + 1}"}
            body = {"email": email, "password": "a flood of long passphrases"}
            try:
                return request(f"{base}/api/auth/register/", body, headers, timeout=60)
            except OSError as error:
                return str(error), {}

        started = time.time()
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            answers = list(pool.map(register, range(1, CLIENTS + 1)))
        elapsed = time.time() - started
        flooding.clear()
        reader.join()

        counts = {}
        for status, _ in answers:
            counts[status] = counts.get(status, 0) + 1
        print(f"  {CLIENTS} registrations in {elapsed:.1f} s: {dict(sorted(counts.items(), key=str))}")
        check(set(counts) <= {201, 409, 429, 503}, f"every answer is 201, 409, 429 or 503: {counts}")
        check(counts.get(201, 0) >= 1, "some registrations went through")
        refused = [headers for status, headers in answers if status in (429, 503)]
        check(all(h.get("Retry-After") or h.get("retry-after") for h in refused),
              f"every 429/503 says when to come back ({len(refused)} of them)")
        rss = peak_rss_mib(server.pid)
        print(f"  peak RSS {rss:.0f} MiB, {len(os.listdir(f'/proc/{server.pid}/task'))} threads")
        check(rss < RSS_LIMIT_MIB, f"peak resident memory under {RSS_LIMIT_MIB} MiB")
        check(catalog and all(status == 200 for status, _ in catalog),
              f"the catalog answered all {len(catalog)} reads during the flood")
        slowest = max(seconds for _, seconds in catalog)
        check(slowest < CATALOG_DEADLINE_SECS, f"each within {CATALOG_DEADLINE_SECS} s (slowest {slowest:.2f} s)")
        check(server.poll() is None and request(f"{base}/healthz")[0] == 200, "the server is still up")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Lookup service over loopback: a 5-identifier check end to end, and bucket serving by nginx vs the Python server.

Everything runs on 127.0.0.1 with a site built from synthetic data in a temporary folder. Baselines measured in the
same run: a bare HTTP GET of the manifest (for the check), and the Python reference server (for nginx). Targets
(DESIGN.md): check of 5 identifiers <= 300 ms; nginx >= 20k bucket requests/s on this kind of machine. The machine
is shared and noisy: the ratios are the figures to compare.

    .venv/bin/python bench/bench_service.py [--checks 20] [--requests 20000] [--prefix-bits 16]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from exposurecheck.core.catalog import catalog_to_json, load_bundled_catalog
from exposurecheck.core.identifiers import IdentifierType, normalize
from exposurecheck.core.sources.base import CancelToken
from exposurecheck.core.sources.lookup_service import ServiceSource
from exposurecheck.core.sources.lookup_service_state import PinStore
from exposurecheck_server.keys import load_signing_key, write_bucketing_key, write_oprf_key, write_signing_key
from exposurecheck_server.service.build import BuildSettings, build_site
from exposurecheck_server.service.keyfiles import load_bucketing_keypair, load_oprf_keypair

REPO = Path(__file__).resolve().parents[1]
IDENTIFIERS = [
    (IdentifierType.PHONE, "+86 138 0013 8000"),
    (IdentifierType.PHONE, "+86 139 1234 5678"),
    (IdentifierType.EMAIL, "someone@example.org"),
    (IdentifierType.CN_ID, "11010519491231002X"),
    (IdentifierType.USERNAME, "someone"),
]


def build(folder: Path, prefix_bits: int, records: int) -> tuple[Path, Path, bytes]:
    import json

    raw = write_signing_key(folder / "keys")
    write_oprf_key(folder / "keys")
    write_bucketing_key(folder / "keys")
    catalog = json.loads(catalog_to_json(load_bundled_catalog()))
    breach = next(b["id"] for b in catalog["breaches"] if not b.get("demo"))
    rng = random.Random(3)
    data = [(normalize(IdentifierType.PHONE, f"13{rng.randrange(10**9):09d}"), breach) for _ in range(records)]
    data += [(normalize(kind, value), breach) for kind, value in IDENTIFIERS[:3]]
    settings = BuildSettings(
        oprf_key=load_oprf_keypair(folder / "keys" / "oprf.key"),
        bucketing_key=load_bucketing_keypair(folder / "keys" / "bucketing.key"),
        signing_keys=[load_signing_key(folder / "keys" / "publisher.key")],
        catalog=catalog,
        prefix_bits=prefix_bits,
        sequence=1,
    )
    site = folder / "site"
    build_site(data, site, settings)
    return site, folder / "keys" / "oprf.key", raw


def start_python_server(site: Path, oprf_key: Path) -> tuple[subprocess.Popen[str], str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "desktop"), str(REPO / "server")]))
    command = [sys.executable, "-m", "exposurecheck_server", "service", "serve", "--site", str(site)]
    command += ["--oprf-key", str(oprf_key), "--bucketing-key", str(oprf_key.parent / "bucketing.key")]
    command += ["--port", "0", "--rate", "1000000", "--burst", "1000000"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    line = process.stdout.readline()
    port = line.split("http://127.0.0.1:", 1)[1].split("/", 1)[0]
    return process, f"http://127.0.0.1:{port}/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_nginx(site: Path, work: Path) -> tuple[subprocess.Popen[bytes], int] | None:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        return None
    port = free_port()
    # nginx workers drop to an unprivileged user: let it read the synthetic site in the private temp folder.
    for folder in (work, site.parent, site):
        folder.chmod(0o755)
    (work / "nginx").mkdir()
    config = work / "nginx" / "nginx.conf"
    config.write_text(
        f"""
worker_processes 2;
daemon off;
pid {work}/nginx/nginx.pid;
error_log {work}/nginx/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    keepalive_requests 100000;
    open_file_cache max=1000 inactive=60s;
    client_body_temp_path {work}/nginx/body;
    proxy_temp_path {work}/nginx/proxy;
    fastcgi_temp_path {work}/nginx/fastcgi;
    uwsgi_temp_path {work}/nginx/uwsgi;
    scgi_temp_path {work}/nginx/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {site};
        location ^~ /v2/epochs/ {{ add_header Cache-Control "public, max-age=31536000, immutable"; }}
    }}
}}
"""
    )
    process = subprocess.Popen([nginx, "-c", str(config), "-p", str(work / "nginx")], stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, port
        except OSError:
            time.sleep(0.05)
    process.kill()
    return None


def _load_worker(args: tuple[int, list[str], int]) -> int:
    """`count` keep-alive GETs of the given paths, pipelined 16 at a time; returns how many answered 200.

    A raw-socket client: http.client's per-request overhead capped the measurement at the client's speed, not the
    server's. Pipelining keeps the (Python) client's share of the 2 cores small for both servers alike.
    """
    port, paths, count = args
    depth = 16
    ok = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        reader = connection.makefile("rb")
        for start in range(0, count, depth):
            batch = [paths[(start + i) % len(paths)] for i in range(min(depth, count - start))]
            connection.sendall(b"".join(f"GET {p} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode() for p in batch))
            for _ in batch:
                status = int(reader.readline().split()[1])
                length = 0
                while (line := reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                reader.read(length)
                if status == 200:
                    ok += 1
                elif start == 0:
                    print(f"bucket request answered {status}", file=sys.stderr)
    return ok


def requests_per_second(port: int, paths: list[str], total: int, clients: int) -> float:
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        start = time.perf_counter()
        answered = sum(pool.map(_load_worker, [(port, paths, total // clients)] * clients))
        elapsed = time.perf_counter() - start
    if answered != (total // clients) * clients:
        raise SystemExit(f"only {answered} of {(total // clients) * clients} bucket requests answered 200")
    return answered / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checks", type=int, default=20)
    parser.add_argument("--requests", type=int, default=20000, help="bucket requests per server (bounded)")
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--prefix-bits", type=int, default=16)
    parser.add_argument("--records", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ec-bench-service-") as folder:
        work = Path(folder)
        os.environ["EXPOSURECHECK_STATE_DIR"] = str(work / "state")  # never touch the real profile
        start = time.perf_counter()
        site, oprf_key, publisher = build(work, args.prefix_bits, args.records)
        print(f"built {args.records} records, {1 << args.prefix_bits} buckets in {time.perf_counter() - start:.1f} s")
        server, url = start_python_server(site, oprf_key)
        try:
            identifiers = [normalize(kind, value) for kind, value in IDENTIFIERS]
            session = requests.Session()
            bare, checks = [], []
            for _ in range(args.checks):
                start = time.perf_counter()
                session.get(url + "v2/manifest.json", timeout=10).raise_for_status()
                bare.append(time.perf_counter() - start)
                source = ServiceSource(url, [publisher], state=PinStore(work / "state"))
                start = time.perf_counter()
                result = source.lookup(identifiers, lambda _n, _f: None, CancelToken())
                checks.append(time.perf_counter() - start)
            assert len(result.exposures) == 3, "the three planted identifiers must be found"
            check_ms, bare_ms = statistics.median(checks) * 1000, statistics.median(bare) * 1000
            verdict = "meets" if check_ms <= 300 else "MISSES"
            p90 = sorted(checks)[int(len(checks) * 0.9)] * 1000
            print(
                f"check of 5 identifiers: median {check_ms:.0f} ms (p90 {p90:.0f} ms) vs bare manifest GET "
                f"{bare_ms:.1f} ms = {check_ms / bare_ms:.0f}x -> {verdict} the 300 ms target"
            )

            rng = random.Random(5)
            paths = [
                f"/v2/epochs/1/buckets/{rng.randrange(1 << args.prefix_bits):0{(args.prefix_bits + 3) // 4}x}.bin"
                for _ in range(500)
            ]
            python_port = int(url.rsplit(":", 1)[1].strip("/"))
            python_rps = requests_per_second(python_port, paths, args.requests, args.clients)
        finally:
            server.terminate()
            server.wait()
        started = start_nginx(site, work)
        if started is None:
            print(f"bucket serving: Python server {python_rps:,.0f} req/s; nginx not available, no comparison")
            return
        nginx, port = started
        try:
            nginx_rps = requests_per_second(port, paths, args.requests, args.clients)
        finally:
            nginx.terminate()
            nginx.wait()
        print(
            f"bucket serving ({args.clients} pipelining keep-alive clients, {args.requests} requests per server): "
            f"nginx {nginx_rps:,.0f} req/s, Python server {python_rps:,.0f} req/s, ratio {nginx_rps / python_rps:.1f}x"
        )


if __name__ == "__main__":
    main()

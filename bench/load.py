"""The load driver: a separate process that sends requests over HTTP and measures them.

    python bench/load.py SPECS.json RESULTS.json --base-url http://127.0.0.1:8799 \
        --concurrency 8 --seconds 10

SPECS.json holds a list of pages (see prepare.py): name, method, path, cookies, headers, body,
expect (a text the answer must contain) and status (the status it must answer). For each page,
`concurrency` threads each keep one HTTP/1.1 connection open and send the page's request again
and again for `seconds` seconds after a short warm-up. Every answer is checked: a page that
answers anything but its expected status with its expected content is reported as failed, with
the first wrong answer, and gets no figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit


def _connection(base_url: str) -> http.client.HTTPConnection:
    parts = urlsplit(base_url)
    return http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)


def _request(conn: http.client.HTTPConnection, spec: dict) -> tuple[int, bytes]:
    headers = {"Host": "127.0.0.1", "Connection": "keep-alive", **spec.get("headers", {})}
    if spec.get("cookies"):
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in spec["cookies"].items())
    body = spec.get("body")
    if body is not None:
        body = body.encode()
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    conn.request(spec.get("method", "GET"), spec["path"], body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def _check(spec: dict, status: int, content: bytes) -> str | None:
    if status != spec.get("status", 200):
        return f"answered {status}, expected {spec.get('status', 200)}"
    expect = spec.get("expect")
    if expect and expect.encode() not in content:
        return f"answered {status} without the expected content {expect!r}"
    return None


def measure(base_url: str, spec: dict, *, concurrency: int, seconds: float, warmup: float) -> dict:
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    failures: list[str] = []
    start_gate = threading.Barrier(concurrency + 1)
    timing = {"start": 0.0, "stop": 0.0}

    def worker(slot: int) -> None:
        conn = _connection(base_url)
        start_gate.wait()
        warm_until = time.perf_counter() + warmup
        try:
            while True:
                began = time.perf_counter()
                if began >= timing["stop"]:
                    break
                try:
                    status, content = _request(conn, spec)
                except (OSError, http.client.HTTPException) as error:
                    failures.append(f"connection error: {error!r}")
                    conn.close()
                    conn = _connection(base_url)
                    continue
                problem = _check(spec, status, content)
                if problem:
                    failures.append(problem)
                    if len(failures) > 20:
                        break
                if began >= warm_until:
                    latencies[slot].append(time.perf_counter() - began)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    now = time.perf_counter()
    timing["start"] = now + warmup
    timing["stop"] = now + warmup + seconds
    start_gate.wait()
    for thread in threads:
        thread.join()
    all_latencies = sorted(x for slot in latencies for x in slot)
    if failures or not all_latencies:
        return {"name": spec["name"], "error": failures[0] if failures else "no answers"}
    window = seconds
    quantiles = statistics.quantiles(all_latencies, n=100, method="inclusive")
    return {
        "name": spec["name"],
        "requests": len(all_latencies),
        "rps": round(len(all_latencies) / window, 1),
        "p50_ms": round(statistics.median(all_latencies) * 1000, 1),
        "p95_ms": round(quantiles[94] * 1000, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("specs", type=Path)
    parser.add_argument("results", type=Path)
    parser.add_argument("--base-url", default="http://127.0.0.1:8799")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    args = parser.parse_args()
    specs = json.loads(args.specs.read_text())
    # The floor once more at the end: on a shared machine one 10 s sample of it can be far off,
    # and every ratio is divided by it (run.py takes the mean of the two).
    floor = next((spec for spec in specs if spec["name"] == "floor"), None)
    if floor is not None and len(specs) > 1:
        specs = [*specs, {**floor, "name": "floor, again"}]
    results = []
    for spec in specs:
        result = measure(
            args.base_url,
            spec,
            concurrency=args.concurrency,
            seconds=args.seconds,
            warmup=args.warmup,
        )
        status = result.get("error") or f"{result['rps']} req/s, p95 {result['p95_ms']} ms"
        print(f"  {spec['name']:<45} {status}", flush=True)
        results.append(result)
    args.results.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

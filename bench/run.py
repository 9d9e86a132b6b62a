"""The national-scale benchmark of QME Programme Office. Run it with

    python3 dev.py bench                 (or: uv run python bench/run.py)

It
1. creates the PostgreSQL database `qme_bench` on 127.0.0.1 (once; --fresh starts over),
   migrates it and seeds the national data set (`qme seed --scale national`), timing the seeding;
2. times the batch work (bench/batch.py) and an upgrade: the migrations forward from the last
   release on a copy of the data set (bench/upgrade.py);
3. starts the application as docs/deployment.md runs it in production: `qme serve` (gunicorn with
   several worker processes), DEBUG off, Redis as the shared cache, PostgreSQL on 127.0.0.1;
4. picks the pages, signs in a person of each role and counts each page's queries
   (bench/prepare.py);
5. drives every page over HTTP from a separate process at concurrency 8 (bench/load.py), the
   floor first and again last: a minimal signed-in page of the app that does one database
   query; the ratios are to the mean of its two measurements;
6. writes bench/results/latest.json and bench/results/latest.md.

Options: --fresh, --seed-only, --seconds N (per page, default 10), --concurrency N (default 8),
--web-workers N (default: what `qme serve` starts, 2 x CPUs + 1), --skip-batch, --database-url URL,
--pages TEXT ... (measure only the floor and the pages whose name holds one of the texts, print
their figures and leave bench/results/ as it is: for trying a change to one page).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
WORK = HERE / "var"
PORT = 8799


def _env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="qme.settings",
        QME_DATA_DIR=str(WORK),
        QME_DEBUG="0",
        QME_SECRET_KEY=env.get(
            "QME_SECRET_KEY", "benchmark-only-secret-key-not-for-production-use"
        ),
        QME_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        QME_REDIS_URL=env.get("QME_REDIS_URL", "redis://127.0.0.1:6379/7"),
        QME_DB_CONN_MAX_AGE="60",
        QME_MANIFEST_STATIC="1",
        QME_SITE_URL=f"http://127.0.0.1:{PORT}",
        # The load driver is one address sending thousands of requests: exempt it from the rate
        # limits that protect the public pages (docs/deployment.md, QME_RATELIMIT_TRUSTED).
        QME_RATELIMIT_TRUSTED="127.0.0.1",
        QME_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PYTHONPATH=str(HERE),
    )
    return env


def _qme(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "qme.cli", *args], env=env, check=True, cwd=ROOT)


def _ensure_database(database_url: str, fresh: bool) -> bool:
    """Create the database if it is missing (or dropped with --fresh); True when it is new."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return not exists


def _seed(env: dict[str, str], fresh: bool, database_url: str) -> float | None:
    new = _ensure_database(database_url, fresh)
    _qme(env, "migrate", "--no-input", "-v", "0")
    _qme(env, "collectstatic", "--no-input", "-v", "0")
    timing = WORK / "seed-seconds.json"
    if not new and timing.exists():
        print("Using the national data set seeded before (--fresh seeds it again)", flush=True)
        return json.loads(timing.read_text())["seconds"]
    print("Seeding the national data set …", flush=True)
    began = time.perf_counter()
    _qme(env, "seed", "--scale", "national")
    seconds = round(time.perf_counter() - began, 1)
    timing.write_text(json.dumps({"seconds": seconds}))
    return seconds


def _start_server(env: dict[str, str], workers: int | None) -> subprocess.Popen:
    server_env = dict(env, QME_BIND=f"127.0.0.1:{PORT}")
    if workers:
        server_env["QME_WEB_WORKERS"] = str(workers)
    log = open(WORK / "server.log", "w")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(
        [sys.executable, "-m", "qme.cli", "serve", "--access-logfile", "/dev/null"],
        env=server_env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/health", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
        if server.poll() is not None:
            break
    server.terminate()
    raise SystemExit(f"bench: the server did not start; see {WORK / 'server.log'}")


def _machine() -> dict[str, object]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        total = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        memory = f"{int(total) / 1024 / 1024:.0f} GiB"
    except (OSError, IndexError, ValueError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def _markdown(pages: list[dict], batch: list[dict], machine: dict, args) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Run on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC — {machine['cpu']}, "
        f"{machine['cores']} cores, {machine['memory']}, Python {machine['python']}; "
        f"concurrency {args.concurrency}, {args.seconds:g} s per page.",
        "",
        "| Page | req/s | p50 ms | p95 ms | queries | queries, first view | ratio to floor |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in pages:
        lines.append(
            f"| {row['name']} | {row['rps']} | {row['p50_ms']} | {row['p95_ms']} | "
            f"{row['queries']} | {row['queries_first']} | {row['ratio_to_floor']:.2f} |"
        )
    floor = next((row for row in pages if row["name"] == "floor" and "rps_first" in row), None)
    if floor is not None:
        lines += [
            "",
            f"The floor was measured first ({floor['rps_first']} req/s) and last "
            f"({floor['rps_last']} req/s); its row and the ratios use the mean of the two.",
        ]
    lines += ["", "| Batch job | seconds |", "|---|---:|"]
    lines += [f"| {row['name']} | {row['seconds']} |" for row in batch]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/qme_bench")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--web-workers", type=int, default=None)
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--seed-only", action="store_true", help="seed (if needed) and stop")
    parser.add_argument(
        "--pages", nargs="+", metavar="TEXT", help="only these pages (and the floor); print only"
    )
    args = parser.parse_args()

    WORK.mkdir(exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    env = _env(args.database_url)
    seed_seconds = _seed(env, args.fresh, args.database_url)
    if args.seed_only:
        return 0
    batch: list[dict] = []
    if seed_seconds is not None:
        batch.append({"name": "seed the national data set", "seconds": seed_seconds})
    if args.pages:
        args.skip_batch = True
    if not args.skip_batch:
        print("Timing the batch work …", flush=True)
        out = WORK / "batch.json"
        subprocess.run([sys.executable, str(HERE / "batch.py"), str(out)], env=env, check=True)
        batch += json.loads(out.read_text())

    if not args.skip_batch:
        print("Rehearsing an upgrade on a copy of the data set …", flush=True)
        out = WORK / "upgrade.json"
        subprocess.run([sys.executable, str(HERE / "upgrade.py"), str(out)], env=env, check=True)
        batch += json.loads(out.read_text())

    print("Choosing pages, signing in, counting queries …", flush=True)
    specs_file = WORK / "specs.json"
    subprocess.run([sys.executable, str(HERE / "prepare.py"), str(specs_file)], env=env, check=True)
    specs = json.loads(specs_file.read_text())
    if args.pages:
        specs = [
            spec
            for spec in specs
            if spec["name"] == "floor" or any(t.lower() in spec["name"].lower() for t in args.pages)
        ]
        specs_file.write_text(json.dumps(specs))

    server = _start_server(env, args.web_workers)
    try:
        print(f"Measuring at concurrency {args.concurrency} …", flush=True)
        load_file = WORK / "load.json"
        subprocess.run(
            [
                sys.executable,
                str(HERE / "load.py"),
                str(specs_file),
                str(load_file),
                "--base-url",
                f"http://127.0.0.1:{PORT}",
                "--concurrency",
                str(args.concurrency),
                "--seconds",
                str(args.seconds),
            ],
            check=True,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        subprocess.run([sys.executable, str(HERE / "prepare.py"), "--cleanup"], env=env, check=True)

    measured = {row["name"]: row for row in json.loads(load_file.read_text())}
    failed = {name: row["error"] for name, row in measured.items() if "error" in row}
    if failed:
        for name, error in failed.items():
            print(f"bench: not reported, {name}: {error}", file=sys.stderr)
    floor = measured.get("floor")
    if floor is None or "error" in floor:
        raise SystemExit("bench: the floor page failed; no figures can be given")
    again = measured.get("floor, again")
    floor_rps = floor["rps"]
    if again is not None and "error" not in again:
        # Measured first and last; the ratios are to the mean of the two.
        floor_rps = round((floor["rps"] + again["rps"]) / 2, 1)
    pages = []
    for spec in specs:
        row = measured.get(spec["name"])
        if row is None or "error" in row:
            continue
        page = {
            "name": spec["name"],
            "rps": row["rps"],
            "p50_ms": row["p50_ms"],
            "p95_ms": row["p95_ms"],
            "queries": spec["queries"],
            "queries_first": spec["queries_first"],
            "ratio_to_floor": round(row["rps"] / floor_rps, 3),
        }
        if spec["name"] == "floor" and again is not None and "error" not in again:
            page.update(
                rps=floor_rps, rps_first=floor["rps"], rps_last=again["rps"], ratio_to_floor=1.0
            )
        pages.append(page)
    machine = _machine()
    if args.pages:
        print(_markdown(pages, batch, machine, args))
        return 1 if failed else 0
    (RESULTS / "latest.json").write_text(json.dumps(pages + batch, indent=2) + "\n")
    (RESULTS / "machine.json").write_text(json.dumps(machine, indent=2) + "\n")
    (RESULTS / "latest.md").write_text(_markdown(pages, batch, machine, args))
    print(f"Wrote {RESULTS / 'latest.json'} and {RESULTS / 'latest.md'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

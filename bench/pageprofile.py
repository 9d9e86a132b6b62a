"""Profile the benchmark's pages one request at a time: for each page, the total time, the time
spent in the database and the slowest queries, against the seeded national data set.

    uv run python bench/pageprofile.py                    every page of bench/prepare.py
    uv run python bench/pageprofile.py "home: trainee"    the pages whose name contains the text
    uv run python bench/pageprofile.py --sql 3 ...        print the three slowest queries' SQL
    uv run python bench/pageprofile.py --python 25 ...    also profile the request (cProfile) and
                                                      print the 25 functions with most own time

It runs in-process (Django's test client) with the benchmark's settings (bench/run.py), so it
needs the database `qme_bench` seeded first (`python3 dev.py bench --seed-only`). Each page is
requested twice and the second request is reported, so that caches and connections are warm.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/qme_bench"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="only pages whose name contains one of these")
    parser.add_argument("--sql", type=int, default=0, help="print the SQL of the N slowest")
    parser.add_argument(
        "--python", type=int, default=0, help="cProfile the request; print the N costliest"
    )
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    args = parser.parse_args()

    sys.path.insert(0, str(HERE))
    from run import _env

    os.environ.update(_env(args.database_url))
    import prepare

    prepare._setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    sessions: dict = {}
    for page in prepare.pages():
        if args.names and not any(n.lower() in page.name.lower() for n in args.names):
            continue
        client = Client(HTTP_HOST="127.0.0.1")
        for key, value in prepare._session(page.user, sessions).items():
            client.cookies[key] = value

        def send(client=client, page=page):
            if page.method == "POST":  # a form as a browser sends it (submitting feedback)
                return client.post(page.path, page.data)
            return client.get(page.path)

        send()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = send()
            total = time.perf_counter() - started
        problem = prepare._check(page, response)
        in_db = sum(float(q["time"]) for q in queries.captured_queries)
        print(
            f"{page.name:<45} {total * 1000:8.1f} ms  db {in_db * 1000:8.1f} ms  "
            f"{len(queries):>3} queries{'  ' + problem if problem else ''}"
        )
        slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))
        for query in slowest[: max(args.sql, 3)]:
            sql = query["sql"] if args.sql else query["sql"][:150]
            print(f"    {float(query['time']) * 1000:8.1f} ms  {sql}")
        if args.python:
            _python_profile(send, args.python)
    return 0


def _python_profile(send, limit: int) -> None:
    """Where a request's Python time goes: the functions with the most time of their own, and
    the most time including what they call, over five requests."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        send()
    profiler.disable()
    callees = os.environ.get("QME_PROFILE_CALLEES")
    if callees:  # what these functions (a name each, comma-separated) spend their time on
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_callees(
            "|".join(callees.split(","))
        )
        print(out.getvalue())
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(limit)
        lines = out.getvalue().splitlines()
        start = next(i for i, line in enumerate(lines) if "ncalls" in line)
        print(f"    -- by {order} (5 requests)")
        for line in lines[start : start + limit + 1]:
            print("    " + line)


if __name__ == "__main__":
    raise SystemExit(main())

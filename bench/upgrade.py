"""Rehearse an upgrade on a copy of the national data set, and time the migrations.

    python bench/upgrade.py RESULTS.json [--from REF]   (DATABASE_URL of the seeded database)

1. copies the seeded database (CREATE DATABASE … TEMPLATE …; nothing may be connected to it);
2. takes the copy back to the schema of the release REF (default: the commit named in
   bench/upgrade-from.txt, the last release): for every app, to its last migration at REF, or to
   `zero` for an app that REF did not have;
3. migrates it forward to the current code, timed, and fails when that takes longer than the
   bound (--max-seconds, default 600: an upgrade must fit in a maintenance window);
4. drops the copy.

The going back is only the set-up of the rehearsal; what is measured and bounded is the way
forward, on national-sized tables.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _migrations_at(ref: str) -> dict[str, str]:
    """The last migration of each app in the release `ref`."""
    names = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", ref, "src/qme"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    last: dict[str, str] = {}
    for name in names:
        parts = Path(name).parts
        if len(parts) == 5 and parts[3] == "migrations" and parts[4][:4].isdigit():
            app, migration = parts[2], parts[4].removesuffix(".py")
            last[app] = max(last.get(app, ""), migration)
    return last


def _current_migrations() -> dict[str, str]:
    last: dict[str, str] = {}
    for path in (ROOT / "src" / "qme").glob("*/migrations/[0-9]*.py"):
        app = path.parent.parent.name
        last[app] = max(last.get(app, ""), path.stem)
    return last


def _qme(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "qme.cli", *args], env=env, check=True, cwd=ROOT)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("results", type=Path)
    parser.add_argument("--from", dest="ref", default=None)
    parser.add_argument("--max-seconds", type=float, default=600.0)
    args = parser.parse_args()
    ref = args.ref or (HERE / "upgrade-from.txt").read_text().split()[0]

    import psycopg

    source_url = os.environ["DATABASE_URL"]
    base, source = source_url.rsplit("/", 1)
    copy = f"{source}_upgrade"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        began = time.perf_counter()
        conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{source}"')
        copied = time.perf_counter() - began
    env = dict(os.environ, DATABASE_URL=f"{base}/{copy}")
    try:
        old, new = _migrations_at(ref), _current_migrations()
        changed = {app: old.get(app, "zero") for app in new if old.get(app) != new[app]}
        print(f"  copied the data set in {copied:.1f} s; back to {ref}: {changed or 'no change'}")
        # Apps that the release did not have go first (others may not depend on them yet).
        for app, target in sorted(changed.items(), key=lambda item: item[1] != "zero"):
            _qme(env, "migrate", app, target, "--no-input", "-v", "0")
        began = time.perf_counter()
        _qme(env, "migrate", "--no-input", "-v", "0")
        seconds = round(time.perf_counter() - began, 2)
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
    print(f"  migrated forward from {ref} in {seconds} s (bound {args.max_seconds:g} s)")
    args.results.write_text(
        json.dumps([{"name": f"upgrade: migrate forward from {ref}", "seconds": seconds}])
    )
    return 0 if seconds <= args.max_seconds else 1


if __name__ == "__main__":
    raise SystemExit(main())

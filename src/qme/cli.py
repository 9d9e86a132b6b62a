"""The `qme` command: run the demo, serve, run the worker, seed; anything else goes to Django.

qme demo                      set up SQLite with demo data; serve on 127.0.0.1:8000 with a worker
qme serve [--bind ADDR]       the production web server (gunicorn)
qme worker                    the background worker (e-mail, reminders)
qme seed [--scale national]   demo data, or the large synthetic national data set
qme demo-code [EMAIL]         current two-factor code of a demo account
qme <django command> …        e.g. qme migrate, qme createsuperuser, qme check --deploy
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys


def _django(argv: list[str]) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["qme", *argv])


def _demo(argv: list[str]) -> int:
    from django.conf import settings

    addr = argv[0] if argv else "127.0.0.1:8000"
    _django(["migrate", "--no-input", "-v", "0"])
    _django(["seed", "--scale", "demo"])
    print(
        f"\nQME Programme Office runs at http://{addr}/ — demo sign-ins are listed in README.md "
        f"(password: qme-demo-2026). E-mails are written to {settings.EMAIL_FILE_PATH}/.\n"
        "Press Ctrl+C to stop.\n",
        flush=True,
    )
    worker = subprocess.Popen([sys.executable, "-m", "qme.cli", "worker"])
    scheduler = subprocess.Popen([sys.executable, "-m", "qme.cli", "scheduler"])
    try:
        web = subprocess.Popen(
            [sys.executable, "-m", "qme.cli", "runserver", addr, "--noreload", "--skip-checks"]
        )
        return web.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for process in (worker, scheduler, locals().get("web")):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=10)


def _serve(argv: list[str]) -> int:
    bind = os.environ.get("QME_BIND", "127.0.0.1:8000")
    workers = os.environ.get("QME_WEB_WORKERS", str((os.cpu_count() or 1) * 2 + 1))
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "qme.wsgi:application",
        "--bind",
        bind,
        "--workers",
        workers,
        "--access-logfile",
        "-",
        *argv,
    ]
    os.execv(sys.executable, args)  # the gunicorn of this environment, whatever the PATH
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qme.settings")
    import django
    from django.conf import settings

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    django.setup()
    command, rest = (argv[0], argv[1:]) if argv else ("help", [])
    if command in ("help", "-h", "--help"):
        print(__doc__)
        return 0
    if command == "demo":
        return _demo(rest)
    if command == "serve":
        return _serve(rest)
    if command == "worker":
        _django(["db_worker", *rest])
        return 0
    if command == "scheduler":
        _django(["scheduler", *rest])
        return 0
    if command == "demo-code":
        _django(["demo_code", *rest])
        return 0
    _django([command, *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())

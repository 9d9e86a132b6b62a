"""`qme check --deploy` passes with the production settings of docs/deployment.md, and fails with
the laptop demo's defaults. Settings read the environment once, at import, so each check runs in
its own process."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

#: Like a production process, the processes started here keep the modules they compile (Python's
#: default, which PYTHONDONTWRITEBYTECODE turns off): otherwise each of them compiles the whole
#: application again, seconds each.
COMPILING = ("PYTHONDONTWRITEBYTECODE",)


def run_check(tmp_path, **env: str) -> subprocess.CompletedProcess:
    # A production process has none of the test run's settings, nor the browser tests' switch
    # that allows Playwright's event loop beside the ORM (DJANGO_ALLOW_ASYNC_UNSAFE).
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("QME_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", *COMPILING))
    }
    return subprocess.run(
        [sys.executable, "-m", "qme.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean, "QME_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_with_production_settings(tmp_path):
    result = run_check(
        tmp_path,
        QME_SECRET_KEY=secrets.token_urlsafe(64),
        QME_HTTPS="1",
        QME_ALLOWED_HOSTS="qme.example.org",
        DATABASE_URL="postgres://qme:secret@db.example.org:5432/qme",
        QME_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        QME_EMAIL_HOST="smtp.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_fails_with_the_demo_defaults(tmp_path):
    result = run_check(tmp_path)
    assert result.returncode != 0
    assert "security.W" in result.stderr + result.stdout


def test_it_keeps_debug_off_unless_asked_for(tmp_path):
    script = "from django.conf import settings; print(settings.DEBUG)"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("QME_", *COMPILING))}
    output = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "qme.settings", "QME_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert output.stdout.strip() == "False", output.stderr

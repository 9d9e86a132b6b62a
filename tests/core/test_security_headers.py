"""Every page carries a Content-Security-Policy that allows no inline script, no other site and
no framing; the templates hold no inline script or event-handler attribute that it would block."""

from __future__ import annotations

import re
from pathlib import Path

import pytest


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/positions/", "/accounts/login/", "/verify/"])
def test_every_page_has_a_strict_policy(client, path):
    response = client.get(path)
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_a_signed_in_page_has_the_policy_too(client, world):
    client.force_login(world.trainee_a)
    assert "script-src 'self'" in client.get("/")["Content-Security-Policy"]


def _template_files() -> list[Path]:
    root = Path(__file__).resolve().parents[2] / "src" / "qme"
    return sorted(root.rglob("templates/**/*.html"))


def test_no_template_has_an_inline_script_or_event_handler():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    offenders = []
    files = _template_files()
    assert files, "the templates are found"
    for path in files:
        text = path.read_text()
        if inline_script.search(text) or handler.search(text):
            offenders.append(str(path))
    assert offenders == []


def test_production_sends_hsts_and_secure_cookies(monkeypatch):
    """With QME_HTTPS=1 the settings turn on HSTS, secure cookies and the HTTPS redirect."""
    import importlib

    import qme.settings as module

    monkeypatch.setenv("QME_HTTPS", "1")
    monkeypatch.setenv("QME_SECRET_KEY", "a-production-secret-key-for-this-test-only-0123456789")
    monkeypatch.setenv("QME_DEBUG", "0")
    production = importlib.reload(module)
    try:
        assert production.SESSION_COOKIE_SECURE is True
        assert production.CSRF_COOKIE_SECURE is True
        assert production.SECURE_HSTS_SECONDS >= 31536000
        assert production.SECURE_SSL_REDIRECT is True
    finally:
        monkeypatch.delenv("QME_HTTPS")
        importlib.reload(module)


def test_security_txt_says_where_to_report(client, settings):
    settings.SECURITY_CONTACT = "mailto:security@hospital.example"
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Contact: mailto:security@hospital.example" in lines
    assert any(line.startswith("Expires: 20") and line.endswith("Z") for line in lines)

"""Trusted addresses (a monitoring probe, the benchmark's load driver) are never rate-limited;
everyone else is."""

from django.test import RequestFactory

from qme.core.ratelimit import allow


def test_it_limits_an_ordinary_address(settings):
    settings.RATELIMIT_TRUSTED = frozenset()
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7")
    answers = [allow(request, "t-ordinary", limit=3, per_seconds=60) for _ in range(5)]
    assert answers == [True, True, True, False, False]


def test_it_never_limits_a_trusted_address(settings):
    settings.RATELIMIT_TRUSTED = frozenset({"127.0.0.1"})
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")
    assert all(allow(request, "t-trusted", limit=3, per_seconds=60) for _ in range(10))

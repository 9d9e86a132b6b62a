"""A small fixed-window rate limit on the shared cache, for public pages without an account."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def allow(request: HttpRequest, scope: str, *, limit: int, per_seconds: int) -> bool:
    """True while this address made at most `limit` requests in the current window."""
    if client_address(request) in settings.RATELIMIT_TRUSTED:
        return True
    window = int(time.time() // per_seconds)
    key = f"ratelimit:{scope}:{client_address(request)}:{window}"
    if cache.add(key, 1, timeout=per_seconds + 5):
        return True
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=per_seconds + 5)
        return True
    return count <= limit

"""The deployment's Redis cache answers like Django's, makes one client per connection pool,
not one per operation, and moves the versioned cache's counters on in one round trip."""

from __future__ import annotations

import socket
import uuid

import pytest

from qme.core.cache import RedisCache

URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    cache = RedisCache(URL, {"KEY_PREFIX": f"qme-test-{uuid.uuid4().hex}"})
    yield cache
    cache.delete_many(
        ["a", "b", "n", "v1", "v2"]
    )  # only this test's keys: other processes share the server


def test_it_stores_reads_counts_and_forgets(redis_cache):
    redis_cache.set("a", {"figures": [1, 2]}, timeout=60)
    assert redis_cache.get("a") == {"figures": [1, 2]}
    assert redis_cache.get_many(["a", "missing"]) == {"a": {"figures": [1, 2]}}
    redis_cache.set("n", 1)
    assert redis_cache.incr("n") == 2
    redis_cache.delete("a")
    assert redis_cache.get("a") is None


def test_it_uses_one_client_for_every_operation(redis_cache):
    redis_cache.set("a", 1)
    client = redis_cache._cache.get_client(write=True)
    redis_cache.get("a")
    redis_cache.set("b", 2)
    assert redis_cache._cache.get_client() is client
    assert redis_cache._cache.get_client(write=True) is client


def test_it_moves_many_counters_on_in_one_round_trip(redis_cache):
    redis_cache.set("v1", 41, timeout=None)
    redis_cache.bump_many(["v2"], lambda: 0)  # the script reaches Redis once (SCRIPT LOAD)
    redis_cache.delete("v2")
    client = redis_cache._cache.get_client(write=True)
    sent: list[int] = []
    original = client.connection_pool.get_connection

    def counted(*args, **kwargs):
        sent.append(1)
        return original(*args, **kwargs)

    client.connection_pool.get_connection = counted
    try:
        redis_cache.bump_many(["v1", "v2"], lambda: 1_000)
    finally:
        client.connection_pool.get_connection = original
    assert len(sent) == 1
    # A counter held moves on by one; one the cache did not hold starts from a new number.
    assert redis_cache.get("v1") == 42
    assert redis_cache.get("v2") == 1_001
    redis_cache.bump_many([], lambda: 0)

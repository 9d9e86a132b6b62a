"""The Redis cache of a deployment, with one client per connection pool.

Django's Redis backend makes a new `redis.Redis` client for every cache operation; making one
sets up some two hundred response handlers, which costs about as much as the operation itself,
and a signed-in page does several (the session, the versions and the kept navigation and home
sections). A client only holds the pool's reference and those handlers, and is safe to share
between threads, so each pool's client is made once and used again.

`bump_many` moves the versioned cache's counters on (`qme.reports.cache`) in one round trip (a
script run by Redis), where Django's `incr` takes two per counter.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[Any, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def bump_many(self, keys: Iterable[str], first: Callable[[], int]) -> None:
        """Add one to each of these counters in one round trip (one script); a counter the
        cache does not hold (yet, or any more) starts from `first()`, a number never used
        before."""
        keys = [self.make_and_validate_key(key) for key in keys]
        if not keys:
            return
        client = self._cache.get_client(keys[0], write=True)
        script = self._bump_scripts.get(client)
        if script is None:
            script = self._bump_scripts[client] = client.register_script(BUMP)
        script(keys=keys, args=[first()])

    @functools.cached_property
    def _bump_scripts(self) -> dict[Any, Any]:
        return {}


#: Moves each counter of KEYS on by one, starting from ARGV[1] where there is none.
BUMP = """
for _, key in ipairs(KEYS) do
    redis.call('SET', key, ARGV[1], 'NX')
    redis.call('INCR', key)
end
"""

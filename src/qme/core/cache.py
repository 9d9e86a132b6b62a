"""The Redis cache of a deployment, with one client per connection pool.

Django's Redis backend makes a new `redis.Redis` client for every cache operation; making one
sets up some two hundred response handlers, which costs about as much as the operation itself,
and a signed-in page does several (the session, the versions and the kept navigation and home
sections). A client only holds the pool's reference and those handlers, and is safe to share
between threads, so each pool's client is made once and used again.
"""

from __future__ import annotations

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

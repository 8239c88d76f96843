"""The cache on Redis, kept out of the request's way while Redis is out of reach
(restarting, failing over, its host unreachable: decision 0149).

Django's ``RedisCache`` raises redis-py's ``ConnectionError`` into every request that
reads the cache, so a Redis restart turned every page (the policy tree, the API keys, the
rate limits are all read through it) into a 500. Here each operation that cannot reach
Redis answers as a cache without that key would — a miss, a write not kept — and the next
second's operations do not try again (no connect attempt, no timeout per request); the
callers already recompute what they miss from the database. With
``OPTIONS["outage_fallback"] = "local"`` the operations go instead to a cache in this
process's memory while Redis is away: the rate limits keep counting (per process, so a
client may pass a limit once per server process until Redis is back).

An outage is logged once when it begins and once when Redis answers again."""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlsplit

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("yankao.cache")

# What redis-py raises when the server cannot be reached or does not answer in time.
REDIS_OUT_OF_REACH = (RedisConnectionError, RedisTimeoutError)

# After a failed operation, Redis is not tried again for this long (seconds).
OUTAGE_PAUSE = 1.0


def redis_address(url: str) -> str:
    """``host:port/db`` of a Redis URL, for the log: never its password."""
    parts = urlsplit(url)
    if parts.hostname is None:  # a Unix socket
        return parts.path
    return f"{parts.hostname}:{parts.port or 6379}{parts.path}"


class Outage:
    """Whether a Redis server is out of reach, shared by the threads of a process."""

    def __init__(self, url: str, pause: float = OUTAGE_PAUSE) -> None:
        self.name, self.pause = redis_address(url), pause
        self.until = 0.0  # monotonic time before which Redis is not tried
        self.down = False
        self._lock = threading.Lock()

    def skipping(self) -> bool:
        return self.down and time.monotonic() < self.until

    def began(self, error: Exception) -> None:
        with self._lock:
            if not self.down:
                logger.warning("%s: Redis is out of reach (%s); going on without it",
                               self.name, error)
            self.down, self.until = True, time.monotonic() + self.pause

    def ended(self) -> None:
        if self.down:
            with self._lock:
                if self.down:
                    self.down = False
                    logger.warning("%s: Redis answers again", self.name)


_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


def outage_for(url: str) -> Outage:
    """The one :class:`Outage` of this process for the Redis server at ``url``."""
    with _outages_lock:
        if url not in _outages:
            _outages[url] = Outage(url)
        return _outages[url]


class _Miss:
    """What each operation answers without Redis and without a local fallback: what
    Django's Redis client answers for a key that is not there."""

    @staticmethod
    def add(key, value, timeout):
        return False

    @staticmethod
    def get(key, default):
        return default

    @staticmethod
    def set(key, value, timeout):
        return None

    @staticmethod
    def touch(key, timeout):
        return False

    @staticmethod
    def delete(key):
        return False

    @staticmethod
    def get_many(keys):
        return {}

    @staticmethod
    def has_key(key):
        return False

    @staticmethod
    def incr(key, delta):
        raise ValueError(f"Key '{key}' not found.")

    @staticmethod
    def set_many(data, timeout):
        return None

    @staticmethod
    def delete_many(keys):
        return None

    @staticmethod
    def clear():
        return False


def _through(operation: str):
    """Django's Redis client's ``operation``, or its answer without Redis (``_call``)."""

    def method(self, *args):
        return self._call(operation, *args)

    method.__name__ = method.__qualname__ = operation
    method.__doc__ = getattr(RedisCacheClient, operation).__doc__
    return method


class ResilientRedisCacheClient(RedisCacheClient):
    """Django's Redis client, each operation answered without Redis while it is out of
    reach (see the module)."""

    def __init__(self, servers, *, outage_fallback: str = "miss", **options) -> None:
        if outage_fallback not in ("miss", "local"):
            raise ValueError("outage_fallback: 'miss' or 'local'")
        super().__init__(servers, **options)
        name = ",".join(servers)
        self._outage = outage_for(name)
        # LocMemCache instances of one name share their entries: every thread of the
        # process sees the same fallback.
        self._fallback = (LocMemCache(f"yankao-redis-outage:{name}", {})
                          if outage_fallback == "local" else _Miss)

    def _call(self, operation: str, *args):
        if not self._outage.skipping():
            try:
                result = getattr(RedisCacheClient, operation)(self, *args)
            except REDIS_OUT_OF_REACH as error:
                self._outage.began(error)
            else:
                self._outage.ended()
                return result
        return getattr(self._fallback, operation)(*args)

    add = _through("add")
    get = _through("get")
    set = _through("set")
    touch = _through("touch")
    delete = _through("delete")
    get_many = _through("get_many")
    has_key = _through("has_key")
    incr = _through("incr")
    set_many = _through("set_many")
    delete_many = _through("delete_many")
    clear = _through("clear")


class ResilientRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` that goes on while Redis is out of
    reach; ``OPTIONS`` may name ``outage_fallback`` ("miss", the default, or "local")."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient

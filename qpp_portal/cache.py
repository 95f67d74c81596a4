"""Django's Redis cache with one Redis client per connection pool, reused.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache call,
and each one fills a table of about 170 response callbacks: two or three such calls per
page (session, rate limits) cost more than the Redis round trips. A ``redis.Redis`` is
safe to share between threads (it takes a connection from its pool for each command), so
one per pool does the same work.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class PortalRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

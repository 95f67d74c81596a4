"""The portal's Redis cache backend (qpp_portal.cache) against the local Redis server."""

import pytest
import redis

from qpp_portal.cache import PortalRedisCache

LOCATION = "redis://127.0.0.1:6379/14"


@pytest.fixture
def redis_cache():
    try:
        redis.Redis.from_url(LOCATION).ping()
    except redis.ConnectionError:
        pytest.skip("needs the Redis server on 127.0.0.1:6379")
    cache = PortalRedisCache(LOCATION, {})
    cache.clear()
    yield cache
    cache.clear()


def test_cache_calls_share_one_redis_client(redis_cache):
    client = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client(write=True) is client
    assert redis_cache._cache.get_client(write=False) is client


def test_values_round_trip_through_the_shared_client(redis_cache):
    redis_cache.set("greeting", {"text": "héllo <b>"}, 30)
    assert redis_cache.get("greeting") == {"text": "héllo <b>"}
    assert redis_cache.get_or_set("flag", False, 30) is False
    assert redis_cache.get("flag") is False
    redis_cache.delete("greeting")
    assert redis_cache.get("greeting") is None

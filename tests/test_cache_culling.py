"""The database cache, full, drops the entries set longest ago
(tracker.caching.DatabaseCache): a response's key begins with a random data
version, so Django's own order (by key) would drop current entries as readily as
dead ones."""

import pytest
from django.conf import settings
from django.core.cache import caches

from tracker.caching import DatabaseCache

pytestmark = pytest.mark.django_db


def test_a_full_cache_drops_the_entries_set_first_whatever_their_keys():
    cache = DatabaseCache(
        "tracker_cache",
        {"KEY_PREFIX": "cull", "OPTIONS": {"MAX_ENTRIES": 4, "CULL_FREQUENCY": 2}},
    )
    # Each key sorts before the one set before it; each expires after it.
    keys = [f"k{9 - number}" for number in range(1, 7)]
    for number, key in enumerate(keys):
        cache.set(key, number, timeout=100 + number)

    kept = cache.get_many(keys)

    assert sorted(kept) == sorted(keys[2:])


def test_entries_that_expire_in_the_same_second_are_culled_too():
    cache = DatabaseCache(
        "tracker_cache",
        {"KEY_PREFIX": "tie", "OPTIONS": {"MAX_ENTRIES": 4, "CULL_FREQUENCY": 2}},
    )
    keys = [f"k{number}" for number in range(8)]
    # One expiry for all, stored to the second: none expires before another.
    for key in keys:
        cache.set(key, key, timeout=None)

    assert len(cache.get_many(keys)) <= 5


@pytest.mark.parametrize("alias", ["default", "responses"])
def test_both_caches_are_culled_oldest_first_and_neither_at_300(alias):
    if settings.CACHES[alias]["LOCATION"] != "tracker_cache":
        pytest.skip("another cache backend (CACHE_URL, RESPONSE_CACHE_URL)")
    cache = caches[alias]
    assert isinstance(cache, DatabaseCache)
    assert cache._max_entries == 20000

"""Parallel guesses against a live server: the sign-in limit is checked and
recorded atomically, so no more passwords are checked than the limit allows."""

import threading
import time

import pytest
import requests
from django.contrib.auth.hashers import MD5PasswordHasher

from tests.factories import UserFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

GUESSES = 20


class CountingHasher(MD5PasswordHasher):
    """Counts the password checks, each as slow as a real hash would make it, so
    that parallel requests overlap."""

    algorithm = "counted_md5"
    checks = 0
    lock = threading.Lock()

    def verify(self, password, encoded):
        with self.lock:
            CountingHasher.checks += 1
        time.sleep(0.05)
        return super().verify(password, encoded)


def test_parallel_guesses_check_no_more_passwords_than_the_limit(live_server, settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    UserFactory(username="ann")
    CountingHasher.checks = 0
    url = f"{live_server.url}/api/v1/auth/token/"
    barrier = threading.Barrier(GUESSES)
    statuses = []

    def guess(n):
        barrier.wait()
        response = requests.post(
            url, json={"username": "ann", "password": f"guess {n}"}, timeout=60
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(GUESSES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert CountingHasher.checks == 6
    assert sorted(statuses) == [400] * 5 + [429] * 15

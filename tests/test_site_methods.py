"""Pages, feeds, calendars and the CSV only answer GET and HEAD: every other
method gets 405 with `Allow: GET, HEAD`, a CSRF token or not."""

import pytest
from django.test import Client

from tests.site_data import build_announcement

pytestmark = pytest.mark.django_db

ANNOUNCEMENT = "/a/doj-school-safety-2018-03-12/"
PATHS = [
    "/",
    "/method/",
    "/commitments/",
    "/commitments.csv",
    "/agencies/",
    "/agencies/fbi/",
    ANNOUNCEMENT,
    f"{ANNOUNCEMENT}nics-certification/",
    "/feeds/updates.atom",
    "/feeds/commitments/doj-school-safety-2018-03-12/nics-certification.atom",
    "/feeds/agencies/fbi.atom",
    "/calendar/deadlines.ics",
    "/calendar/agencies/fbi.ics",
]
CSRF_TOKEN = "k" * 32
METHODS = ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]


@pytest.fixture
def csrf_client():
    """A browser-like client holding a CSRF cookie and sending it back."""
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = CSRF_TOKEN
    return client


@pytest.mark.parametrize("path", PATHS)
def test_only_get_and_head_are_allowed(csrf_client, path):
    build_announcement()

    answers = {
        method: csrf_client.generic(method, path, "q=x", HTTP_X_CSRFTOKEN=CSRF_TOKEN)
        for method in METHODS
    }

    assert {m: r.status_code for m, r in answers.items()} == dict.fromkeys(METHODS, 405)
    assert {r["Allow"] for r in answers.values()} == {"GET, HEAD"}
    assert csrf_client.get(path).status_code == 200
    assert csrf_client.head(path).status_code == 200


def test_a_post_without_a_csrf_token_is_405_too():
    response = Client(enforce_csrf_checks=True).post("/commitments/")

    assert response.status_code == 405

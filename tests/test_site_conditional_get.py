import pytest

from tests.factories import ProgressUpdateFactory
from tests.site_data import build_announcement

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/a/doj-school-safety-2018-03-12/",
    "/a/doj-school-safety-2018-03-12/nics-certification/",
    "/agencies/",
    "/agencies/doj/",
    "/commitments/?status=fulfilled",
    "/commitments.csv?status=fulfilled",
    "/method/",
    "/feeds/updates.atom",
    "/feeds/agencies/doj.atom",
    "/feeds/commitments/doj-school-safety-2018-03-12/nics-certification.atom",
    "/calendar/deadlines.ics",
    "/calendar/agencies/fbi.ics",
]


@pytest.mark.parametrize("url", PAGES)
def test_a_page_answers_a_matching_if_none_match_with_304(client, url):
    build_announcement()
    first = client.get(url)
    assert first.status_code == 200
    assert first.has_header("ETag")

    again = client.get(url, headers={"if-none-match": first["ETag"]})

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]


def test_new_progress_changes_the_etag(client):
    announcement = build_announcement()
    url = "/a/doj-school-safety-2018-03-12/tips-review/"
    etag = client.get(url)["ETag"]
    ProgressUpdateFactory(
        commitment=announcement.commitments.get(slug="tips-review"),
        summary="The review found twelve tips that were not followed up.",
        author=None,
    )

    response = client.get(url, headers={"if-none-match": etag})

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "twelve tips" in response.content.decode()

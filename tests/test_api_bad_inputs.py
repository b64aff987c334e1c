"""A table of bad requests across the API and the 4xx each gets: always JSON,
naming the field or parameter for a 400, and never a 500."""

import pytest

from tests.conftest import authorize
from tests.factories import AgencyFactory, CommitmentFactory

pytestmark = pytest.mark.django_db

C = "/api/v1/commitments/{id}/"
U = "/api/v1/commitments/{id}/updates/"
GOOD_UPDATE = {"reported_on": "2018-05-01", "status": "stalled", "summary": "None."}

# (who, method, path, body, extra headers, status, what the body names)
CASES = [
    ("anon", "get", "/api/v1/commitments/?status=done", None, {}, 400, "status"),
    ("anon", "get", "/api/v1/commitments/?overdue=2", None, {}, 400, "overdue"),
    (
        "anon",
        "get",
        "/api/v1/commitments/?due_after=2018-13-01",
        None,
        {},
        400,
        "due_after",
    ),
    ("anon", "get", "/api/v1/commitments/?agency=nobody", None, {}, 400, "agency"),
    ("anon", "get", "/api/v1/commitments/?page=99", None, {}, 404, "detail"),
    ("anon", "get", "/api/v1/commitments/?page=abc", None, {}, 400, "page"),
    ("anon", "get", "/api/v1/commitments/?page=", None, {}, 400, "page"),
    ("anon", "get", "/api/v1/commitments/?page=0", None, {}, 400, "page"),
    ("anon", "get", "/api/v1/commitments/?page=-1", None, {}, 400, "page"),
    ("anon", "get", "/api/v1/commitments/?page_size=-1", None, {}, 400, "page_size"),
    ("anon", "get", "/api/v1/updates/?status=bogus", None, {}, 400, "status"),
    ("anon", "get", "/api/v1/commitments/0/", None, {}, 404, "detail"),
    ("anon", "get", "/api/v1/commitments/abc/", None, {}, 404, "detail"),
    ("anon", "get", "/api/v1/agencies/no-such-agency/", None, {}, 404, "detail"),
    ("anon", "get", "/api/v1/no-such-thing/", None, {}, 404, "detail"),
    ("anon", "post", U, GOOD_UPDATE, {}, 401, "detail"),
    ("anon", "patch", C, {"title": "X"}, {}, 401, "detail"),
    ("anon", "delete", C, None, {}, 405, "detail"),
    ("bad-token", "get", "/api/v1/commitments/", None, {}, 401, "detail"),
    ("editor", "post", U, {**GOOD_UPDATE, "status": "finished"}, {}, 400, "status"),
    ("editor", "post", U, {**GOOD_UPDATE, "reported_on": None}, {}, 400, "reported_on"),
    ("editor", "post", U, {**GOOD_UPDATE, "summary": ["a"]}, {}, 400, "summary"),
    (
        "editor",
        "post",
        U,
        {**GOOD_UPDATE, "status": "fulfilled"},
        {},
        400,
        "source_url",
    ),
    ("editor", "post", U, {**GOOD_UPDATE, "id": 5}, {}, 400, "id"),
    ("editor", "post", U, "[1, 2]", {}, 400, "non_field_errors"),
    ("editor", "post", U, "{", {}, 400, "non_field_errors"),
    (
        "editor",
        "post",
        U,
        GOOD_UPDATE,
        {"HTTP_IDEMPOTENCY_KEY": ""},
        400,
        "Idempotency-Key",
    ),
    ("editor", "patch", C, {"title": "X"}, {}, 403, "detail"),
    ("editor", "delete", C, None, {}, 405, "detail"),
    (
        "editor",
        "post",
        "/api/v1/agencies/",
        {"slug": "x", "name": "X"},
        {},
        403,
        "detail",
    ),
    ("editor", "delete", U, None, {}, 405, "detail"),
    ("maintainer", "patch", C, {"title": "X"}, {}, 428, "detail"),
    (
        "maintainer",
        "patch",
        C,
        {"title": "X"},
        {"HTTP_IF_MATCH": '"0.0"'},
        412,
        "detail",
    ),
    ("maintainer", "delete", C, None, {}, 405, "detail"),
    ("maintainer", "put", "/api/v1/statuses/", {}, {}, 405, "detail"),
    ("maintainer", "post", "/api/v1/commitments/", {"slug": "x"}, {}, 400, "title"),
    (
        "maintainer",
        "post",
        "/api/v1/topics/",
        {"slug": "not a slug", "name": "T"},
        {},
        400,
        "slug",
    ),
    (
        "maintainer",
        "post",
        "/api/v1/agencies/",
        {"slug": "a", "name": "A", "level": "galactic"},
        {},
        400,
        "level",
    ),
    (
        "maintainer",
        "post",
        "/api/v1/agencies/",
        {"slug": "a", "name": "A", "parent": {"slug": "doj"}},
        {},
        400,
        "parent",
    ),
    (
        "maintainer",
        "post",
        "/api/v1/announcements/",
        {
            "slug": "a",
            "title": "A",
            "issuer": "doj",
            "announced_on": "2018-02-30",
            "body": "B",
        },
        {},
        400,
        "announced_on",
    ),
]


@pytest.mark.parametrize("who, method, path, body, headers, status, names", CASES)
def test_bad_request_gets_its_4xx(
    api_client, maintainer, who, method, path, body, headers, status, names
):
    doj = AgencyFactory(slug="doj")
    commitment = CommitmentFactory(lead_agency=doj)
    if who == "editor":
        editor = AgencyFactory(slug="fbi", parent=doj).editors.create(username="ed")
        authorize(api_client, editor)
        # The editor covers the FBI, not the DOJ's own commitment; use one of the
        # FBI's for progress so that only the body is at fault.
        commitment = CommitmentFactory(lead_agency=AgencyFactory(slug="fbi"))
    elif who == "maintainer":
        authorize(api_client, maintainer)
    elif who == "bad-token":
        api_client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    url = path.format(id=commitment.pk)
    send = getattr(api_client, method)
    if isinstance(body, str):
        response = send(url, data=body, content_type="application/json", **headers)
    else:
        response = send(url, body, format="json", **headers)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert names in response.json()

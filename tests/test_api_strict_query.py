"""Query parameters are strict (docs/design.md): an API request with a parameter its
endpoint does not know, or a format it does not serve, gets 400 naming it."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIRequestFactory

from commitments.api.negotiation import known_query_parameters
from tests.conftest import authorize
from tests.factories import CommitmentFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(db):
    commitment = CommitmentFactory()
    update = ProgressUpdateFactory(commitment=commitment)
    return commitment, update


@pytest.mark.parametrize("name", ["as_off", "statu"])
def test_a_misspelt_parameter_is_refused_naming_it(api_client, records, name):
    response = api_client.get(f"/api/v1/commitments/?{name}=2018-06-01")

    assert response.status_code == 400
    assert response.json() == {name: ["Unknown query parameter."]}


def every_get_path(commitment, update):
    announcement = commitment.announcement.slug
    agency = commitment.lead_agency.slug
    return [
        "/api/v1/",
        "/api/v1/agencies/",
        f"/api/v1/agencies/{agency}/",
        "/api/v1/topics/",
        f"/api/v1/topics/{commitment.topic.slug}/",
        "/api/v1/announcements/",
        f"/api/v1/announcements/{announcement}/",
        f"/api/v1/announcements/{announcement}/drafts/",
        "/api/v1/commitments/",
        "/api/v1/commitments/summary/",
        f"/api/v1/commitments/{commitment.pk}/",
        f"/api/v1/commitments/{commitment.pk}/updates/",
        f"/api/v1/commitments/{commitment.pk}/history/",
        "/api/v1/updates/",
        f"/api/v1/updates/{update.pk}/",
        "/api/v1/changes/",
        "/api/v1/statuses/",
    ]


def test_every_endpoint_refuses_an_unknown_parameter(api_client, records, maintainer):
    authorize(api_client, maintainer)
    for path in every_get_path(*records):
        assert api_client.get(path).status_code == 200, path

        response = api_client.get(f"{path}?utm_source=x")

        assert response.status_code == 400, path
        assert response.json() == {"utm_source": ["Unknown query parameter."]}, path


def test_writes_refuse_unknown_parameters_too(api_client, records, maintainer):
    commitment, _ = records
    authorize(api_client, maintainer)

    response = api_client.post(
        f"/api/v1/commitments/{commitment.pk}/check/?as_of=2018-06-01", {}
    )

    assert response.status_code == 400
    assert "as_of" in response.json()


@pytest.mark.parametrize(
    "path, value",
    [
        ("/api/v1/commitments/", "xml"),
        ("/api/v1/commitments/1/", "csv"),
        ("/api/v1/commitments/summary/", "csv"),
        ("/api/v1/changes/", "yaml"),
        # Empty: the schema does not allow `format` empty (schemathesis found it).
        ("/api/v1/statuses/", ""),
        ("/api/v1/agencies/", ""),
    ],
)
def test_a_format_not_served_is_refused_naming_format(api_client, path, value):
    CommitmentFactory(id=1)

    response = api_client.get(f"{path}?format={value}")

    assert response.status_code == 400
    assert list(response.json()) == ["format"]
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("value", ["json", "api", "csv"])
def test_the_list_serves_its_formats(api_client, records, value):
    response = api_client.get(f"/api/v1/commitments/?format={value}")

    assert response.status_code == 200


def test_a_detail_does_not_know_the_lists_filters(api_client, records):
    commitment, _ = records

    response = api_client.get(f"/api/v1/commitments/{commitment.pk}/?status=broken")

    assert response.status_code == 400
    assert "status" in response.json()


def test_the_change_feed_pages_by_cursor_only(api_client, records):
    response = api_client.get("/api/v1/changes/?page=2")

    assert response.status_code == 400
    assert "page" in response.json()
    assert api_client.get("/api/v1/changes/?cursor=&page_size=5").status_code == 200


def test_a_cursor_with_a_page_number_is_refused(api_client, records):
    response = api_client.get("/api/v1/commitments/?cursor=&page=1")

    assert response.status_code == 400
    assert "cursor" in response.json()


def test_an_empty_filter_means_no_filter(api_client, records):
    response = api_client.get("/api/v1/commitments/?as_of=&overdue=&topic=")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert response.json()["as_of"] is None


def test_the_schema_declares_exactly_the_parameters_each_endpoint_knows(db):
    generator = SchemaGenerator()
    schema = generator.get_schema(request=None, public=True)
    factory = APIRequestFactory()
    compared = 0
    for path, _, method, callback in generator.endpoints:
        if not path.startswith("/api/v1/"):
            continue
        view = generator.create_view(callback, method)
        view.request = factory.generic(method, path)
        # The schema names a primary key "id".
        operation = schema["paths"][path.replace("{pk}", "{id}")][method.lower()]
        declared = {
            parameter["name"]
            for parameter in operation.get("parameters", [])
            if parameter["in"] == "query"
        }

        assert declared == known_query_parameters(view, view.request), (method, path)
        compared += 1
    assert compared > 30


@pytest.mark.parametrize("method", ["TRACE", "DELETE"])
def test_a_method_not_allowed_is_405_whatever_the_query(api_client, records, method):
    response = api_client.generic(method, "/api/v1/agencies/?page=1&utm_source=x")

    assert response.status_code == 405

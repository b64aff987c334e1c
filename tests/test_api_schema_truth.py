"""The OpenAPI document says what the server does, so that generated clients work.

Real responses of every GET operation in the schema (over the demo fixtures and
generated rows with nulls in every nullable place) are validated against the
schema's own response definitions with jsonschema, independently of
drf-spectacular. The schema is also linted with Redocly in CI (.ci/clients), where
clients are generated from it and type-checked."""

import re

import pytest
from django.core.management import call_command
from jsonschema import Draft202012Validator

from commitments.models import Agency
from tests.conftest import authorize
from tests.factories import (
    AgencyFactory,
    CommitmentFactory,
    ProgressUpdateFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(api_client):
    return api_client.get("/api/schema/?format=json").json()


@pytest.fixture
def data():
    """The 2018 fixtures (their progress updates have no author), and generated
    rows with nulls: a time-bound sub-commitment, an open-ended commitment with
    no update, an update without an author."""
    call_command("loaddata", "doj-2018-03-12", verbosity=0)
    parent = CommitmentFactory(time_bound=True)
    CommitmentFactory(parent=parent, announcement=parent.announcement)
    ProgressUpdateFactory(commitment=parent, author=None)
    ProgressUpdateFactory(commitment=parent)
    AgencyFactory(slug="fbi-sub", parent=AgencyFactory(slug="top"))
    TopicFactory(slug="spare")
    return parent


def check(schema, operation, response):
    """The response's body matches what the operation declares for its status."""
    declared = operation["responses"].get(str(response.status_code))
    assert declared is not None, f"{response.status_code} is not declared"
    content = declared.get("content")
    if content is None:
        assert response.content == b""
        return
    body_schema = content["application/json"]["schema"]
    root = {**body_schema, "components": schema["components"]}
    validator = Draft202012Validator(
        root, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    errors = [
        f"{list(error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(response.json())
    ]
    assert errors == []


def concrete(path, commitment):
    """A URL of the path template naming something that exists."""
    if "{" not in path:
        return path
    kinds = {
        "agencies": commitment.lead_agency.slug,
        "topics": commitment.topic.slug,
        "announcements": commitment.announcement.slug,
        "commitments": commitment.pk,
        "updates": commitment.updates.first().pk,
        # Maintainers' only: anonymously, any id is refused before it is looked up.
        "drafts": 1,
    }
    resource = path.split("/")[3]
    return re.sub(r"\{\w+\}", str(kinds[resource]), path)


QUERIES = ["", "?page_size=2", "?page_size=2&page=2", "?ordering=-due_date"]


def test_every_get_answers_as_its_schema_says(api_client, schema, data):
    checked = 0
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        for query in QUERIES:
            response = api_client.get(concrete(path, data) + query)
            if query and response.status_code == 400:
                continue  # a parameter this operation does not take
            check(schema, operations["get"], response)
            checked += 1
    assert checked > 20


def test_cursor_pages_and_errors_answer_as_the_schema_says(api_client, schema, data):
    commitments = schema["paths"]["/api/v1/commitments/"]["get"]
    detail = schema["paths"]["/api/v1/commitments/{id}/"]["get"]

    first = api_client.get("/api/v1/commitments/?cursor=&page_size=3")
    second = api_client.get(first.json()["next"])
    bad = api_client.get("/api/v1/commitments/?status=nope&due_before=soon")
    missing = api_client.get("/api/v1/commitments/999999/")

    assert first.json()["count"] is None
    for response in (first, second, bad):
        check(schema, commitments, response)
    check(schema, detail, missing)


def test_as_a_maintainer_too(api_client, maintainer, schema, data):
    client = authorize(api_client, maintainer)
    operations = schema["paths"]["/api/v1/commitments/{id}/"]
    url = f"/api/v1/commitments/{data.pk}/"

    read = client.get(url)
    changed = client.patch(url, {"title": "Retitled"}, HTTP_IF_MATCH=read["ETag"])
    stale = client.patch(url, {"title": "Again"}, HTTP_IF_MATCH=read["ETag"])
    missing = client.patch(url, {"title": "Again"})
    unknown = client.patch(url, {"titel": "Again"}, HTTP_IF_MATCH="*")
    not_json = client.generic(
        "PATCH", url, "{", content_type="application/json", HTTP_IF_MATCH="*"
    )

    assert [r.status_code for r in (changed, stale, missing, unknown, not_json)] == [
        200,
        412,
        428,
        400,
        400,
    ]
    for response in (changed, stale, missing, unknown, not_json):
        check(schema, operations["patch"], response)


def component(schema, name):
    return schema["components"]["schemas"][name]


def resolve(schema, node):
    while "$ref" in node:
        node = component(schema, node["$ref"].rsplit("/", 1)[1])
    return node


def test_author_may_be_null_wherever_it_appears(schema):
    authors = [
        properties["author"]
        for name, body in schema["components"]["schemas"].items()
        if "author" in (properties := body.get("properties", {}))
    ]

    assert authors
    assert all("null" in author["type"] for author in authors)


def test_nullability_is_written_the_openapi_3_1_way(schema):
    text = str(schema)

    assert schema["openapi"].startswith("3.1")
    assert "'nullable'" not in text
    latest = component(schema, "Commitment")["properties"]["latest_update"]
    assert {"type": "null"} in latest["oneOf"]


def test_response_fields_are_required_and_requests_refuse_unknown_fields(schema):
    commitment = component(schema, "Commitment")
    patched = component(schema, "PatchedCommitmentRequest")

    assert set(commitment["required"]) == set(commitment["properties"])
    assert "parent" in commitment["required"]
    assert patched["additionalProperties"] is False
    assert component(schema, "AgencyRequest")["additionalProperties"] is False


def test_summary_declares_the_list_filters(schema):
    def names(path):
        return {
            parameter["name"]
            for parameter in schema["paths"][path]["get"]["parameters"]
            if parameter["in"] == "query"
        }

    filters = names("/api/v1/commitments/") - {"page", "page_size", "cursor", "format"}

    assert filters <= names("/api/v1/commitments/summary/")
    assert {"status", "lead_agency", "overdue"} <= filters


def test_csv_is_declared_as_text(schema):
    ok = schema["paths"]["/api/v1/commitments/"]["get"]["responses"]["200"]

    assert ok["content"]["text/csv"]["schema"]["type"] == "string"
    assert "$ref" in ok["content"]["application/json"]["schema"]


def test_path_ids_are_integers(schema):
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] == "id":
                    assert parameter["schema"]["type"] == "integer", path


def test_errors_and_agencies_share_one_component_each(schema):
    responses = schema["paths"]["/api/v1/agencies/"]["post"]["responses"]
    commitment = component(schema, "Commitment")["properties"]
    by_agency = component(schema, "AgencySummary")["properties"]

    assert responses["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ValidationError"
    }
    assert responses["403"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Detail"
    }
    ref = {"$ref": "#/components/schemas/AgencyRef"}
    assert commitment["lead_agency"] == ref
    assert commitment["supporting_agencies"]["items"] == ref
    assert by_agency["agency"] == ref


def test_idempotent_replayed_and_etag_headers_are_declared(schema):
    post = schema["paths"]["/api/v1/commitments/{id}/updates/"]["post"]
    topic = schema["paths"]["/api/v1/topics/{slug}/"]

    assert "Idempotent-Replayed" in post["responses"]["201"]["headers"]
    assert "ETag" in topic["get"]["responses"]["200"]["headers"]
    assert "304" in topic["get"]["responses"]
    assert "412" in topic["patch"]["responses"]
    if_match = [p for p in topic["patch"]["parameters"] if p["name"] == "If-Match"]
    assert if_match and not if_match[0].get("required", False)


def test_ordering_values_have_names(schema):
    (ordering,) = [
        p
        for p in schema["paths"]["/api/v1/commitments/"]["get"]["parameters"]
        if p["name"] == "ordering"
    ]
    items = ordering["schema"]["items"]

    names = dict(zip(items["enum"], items["x-enum-varnames"], strict=True))
    assert names["-due_date"] == "DUE_DATE_DESC"
    assert names["title"] == "TITLE"


def test_an_empty_status_means_no_filter(api_client, schema):
    CommitmentFactory.create_batch(2)

    response = api_client.get("/api/v1/commitments/?status=&topic=")

    assert response.status_code == 200
    assert response.json()["count"] == 2
    (status,) = [
        p
        for p in schema["paths"]["/api/v1/commitments/"]["get"]["parameters"]
        if p["name"] == "status"
    ]
    assert status["allowEmptyValue"] is True


def test_repeated_ordering_is_refused_naming_it(api_client):
    CommitmentFactory()

    response = api_client.get("/api/v1/commitments/?ordering=title&ordering=-title")
    several = api_client.get("/api/v1/commitments/?status=fulfilled&status=broken")

    assert response.status_code == 400
    assert list(response.json()) == ["ordering"]
    assert several.status_code == 200


def test_a_duplicate_slug_is_a_400_as_the_schema_says(api_client, maintainer, schema):
    AgencyFactory(slug="doj")

    response = authorize(api_client, maintainer).post(
        "/api/v1/agencies/", {"slug": "doj", "name": "Again", "level": "federal"}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["slug"]
    check(schema, schema["paths"]["/api/v1/agencies/"]["post"], response)
    conflict = schema["paths"]["/api/v1/agencies/"]["post"]["responses"]["409"]
    assert "duplicate" not in conflict["description"]
    assert Agency.objects.filter(slug="doj").count() == 1

"""The schema's OpenAPI links (commitments/api/openapi_links.py) name operations
and parameters that exist, and following them works: a read's ETag is what a
write's If-Match needs, a 412's ETag is what the retry needs."""

import json
import re

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from tests.conftest import authorize
from tests.factories import AgencyFactory, AnnouncementFactory, CommitmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    generator = SchemaGenerator()
    return json.loads(OpenApiJsonRenderer().render(generator.get_schema(public=True)))


def operations(schema):
    return {
        operation["operationId"]: operation
        for methods in schema["paths"].values()
        for operation in methods.values()
        if isinstance(operation, dict) and "operationId" in operation
    }


def links(schema):
    for source, operation in operations(schema).items():
        for status, response in operation["responses"].items():
            for name, link in response.get("links", {}).items():
                yield source, status, name, link, response


def test_every_link_names_an_operation_and_its_parameters(schema):
    by_id = operations(schema)
    found = list(links(schema))

    assert len(found) > 50
    for source, status, name, link, response in found:
        target = by_id[link["operationId"]]
        declared = {(p["in"], p["name"]) for p in target.get("parameters", [])}
        for qualified, expression in link["parameters"].items():
            where, _, parameter = qualified.rpartition(".")
            assert (where or "path", parameter) in declared, (source, name)
            assert re.fullmatch(r"\$(response|request)\.\S+", expression)
            if expression == "$response.header.ETag":
                assert "ETag" in response.get("headers", {}), (source, status)


def test_a_read_leads_to_its_writes_with_its_etag(schema):
    change = operations(schema)["commitments_retrieve"]["responses"]["200"]["links"][
        "Change"
    ]

    assert change == {
        "operationId": "commitments_partial_update",
        "description": "The next write, with If-Match set to this response's ETag.",
        "parameters": {
            "path.id": "$response.body#/id",
            "header.If-Match": "$response.header.ETag",
        },
    }


def test_following_the_links_of_a_commitment(api_client, maintainer):
    doj = AgencyFactory(slug="doj")
    commitment = CommitmentFactory(
        lead_agency=doj, announcement=AnnouncementFactory(issuer=doj)
    )
    client = authorize(api_client, maintainer)
    url = f"/api/v1/commitments/{commitment.id}/"

    read = client.get(url)
    # Change: If-Match from the read's ETag.
    changed = client.patch(
        f"/api/v1/commitments/{read.json()['id']}/",
        {"title": "Certify every record"},
        format="json",
        HTTP_IF_MATCH=read["ETag"],
    )
    # The read's ETag is stale now: 412, whose ETag the retry sends.
    stale = client.patch(
        url, {"title": "Certify"}, format="json", HTTP_IF_MATCH=read["ETag"]
    )
    retried = client.patch(
        url, {"title": "Certify"}, format="json", HTTP_IF_MATCH=stale["ETag"]
    )

    assert changed.status_code == 200
    assert stale.status_code == 412
    assert retried.status_code == 200
    assert retried["ETag"] == client.get(url)["ETag"]

"""Schemathesis over the whole published schema (/api/schema/), in-process against
the WSGI application, anonymously and as an editor, with all of its checks: no
server errors, and every response as the schema says.

Schema-valid input can still be refused with 400 by the contract: a slug that
names no agency, a quote that is not in the announcement's text. So the
positive-data check also accepts 400, and the If-Match/Idempotency-Key answers
(412, 422, 428)."""

import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from tests.conftest import authorize
from tests.factories import (
    AgencyFactory,
    AnnouncementFactory,
    CommitmentFactory,
    ProgressUpdateFactory,
    UserFactory,
)
from tracker.wsgi import application

CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"max-examples": 8, "deterministic": True},
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": [
                    "2xx",
                    "3xx",
                    "400",
                    "401",
                    "403",
                    "404",
                    "409",
                    "412",
                    "422",
                    "428",
                    "429",
                ]
            },
            # A write to a commitment without If-Match is answered 428.
            "missing_required_header": {
                "expected-statuses": ["400", "401", "403", "406", "415", "422", "428"]
            },
        },
    }
)


@pytest.fixture
def _keep_the_test_connection():
    """Requests reach Django's WSGI handler directly, which closes the database
    connection after each one; as Django's test client does, keep it, so the
    test's transaction (and its data) survives between requests."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(db, _keep_the_test_connection):
    """A little of everything, so some generated ids and slugs find something:
    the first agency, announcement, topic and commitment have small ids."""
    doj = AgencyFactory(slug="doj", name="Department of Justice")
    AgencyFactory(slug="fbi", parent=doj)
    commitment = CommitmentFactory(
        time_bound=True, lead_agency=doj, announcement=AnnouncementFactory(issuer=doj)
    )
    ProgressUpdateFactory(commitment=commitment)
    editor = UserFactory(username="editor")
    doj.editors.add(editor)
    return editor


def published_schema():
    """What /api/schema/?format=json serves, built as that view builds it. Built
    when the tests are collected, where no database is open to a request (and
    schemathesis's lazy fixture loader relies on a pytest internal gone in
    pytest 9); test_published_schema_is_what_was_tested checks it is the same."""
    generator = SchemaGenerator()
    return json.loads(OpenApiJsonRenderer().render(generator.get_schema(public=True)))


schema = schemathesis.openapi.from_dict(published_schema(), config=CONFIG)
schema.app = application


@pytest.mark.django_db
def test_published_schema_is_what_was_tested(api_client):
    served = api_client.get("/api/schema/?format=json")

    assert served.status_code == 200
    assert served.json() == published_schema()


# Fuzzing every operation takes minutes: with the slow tests, which CI runs.
@pytest.mark.slow
@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_anonymous(case, seeded):
    case.call_and_validate()


@pytest.mark.slow
@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_as_editor(case, seeded):
    from rest_framework.test import APIClient

    client = authorize(APIClient(), seeded)
    authorization = client._credentials["HTTP_AUTHORIZATION"]
    case.call_and_validate(headers={"Authorization": authorization})

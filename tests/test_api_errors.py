"""Every error under /api/ is JSON: 400 `{"field": [...]}`, others `{"detail"}`;
the database's refusals become 4xx, and the 404 and 500 handlers answer JSON."""

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, OperationalError
from rest_framework import exceptions
from rest_framework.test import APIClient

from commitments.api.exceptions import exception_handler
from commitments.api.views import StatusViewSet

pytestmark = pytest.mark.django_db


def test_unknown_api_path_is_404_json(api_client):
    response = api_client.get("/api/v1/nothing-here/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_slug_with_forbidden_characters_is_404_json(api_client):
    response = api_client.get("/api/v1/agencies/a%00b/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_unknown_page_outside_the_api_is_not_json(api_client):
    response = api_client.get("/nothing-here/")

    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_method_not_allowed_is_405_json(api_client):
    response = api_client.put("/api/v1/statuses/", {})

    assert response.status_code == 405
    assert "detail" in response.json()


def test_not_acceptable_is_406_json(api_client):
    response = api_client.get("/api/v1/statuses/", HTTP_ACCEPT="application/xml")

    assert response.status_code == 406


def test_server_error_is_500_json(monkeypatch):
    def explode(self, request):
        raise RuntimeError("boom")

    monkeypatch.setattr(StatusViewSet, "list", explode)
    client = APIClient(raise_request_exception=False)

    response = client.get("/api/v1/statuses/")

    assert response.status_code == 500
    assert response.json() == {"detail": "Server error."}


def test_model_validation_error_becomes_400_by_field():
    response = exception_handler(
        DjangoValidationError({"source_quote": "Not in the text."}), {}
    )

    assert response.status_code == 400
    assert response.data == {"source_quote": ["Not in the text."]}


def test_model_error_without_a_field_becomes_non_field_errors():
    response = exception_handler(DjangoValidationError("Inconsistent."), {})

    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Inconsistent."]}


def test_integrity_error_becomes_409():
    response = exception_handler(IntegrityError("duplicate key"), {})

    assert response.status_code == 409
    assert "nothing was written" in response.data["detail"]


def test_locked_database_becomes_409():
    response = exception_handler(OperationalError("database is locked"), {})

    assert response.status_code == 409


def test_other_database_errors_are_not_disguised():
    assert exception_handler(OperationalError("disk I/O error"), {}) is None


def test_a_bad_item_of_a_list_field_is_a_message_of_that_field(maintainer):
    """DRF answers `{"aliases": {"0": [...]}}`; the contract (and the schema's
    ValidationError component) is a list of messages per field."""
    from tests.conftest import authorize

    client = authorize(APIClient(), maintainer)

    response = client.post(
        "/api/v1/agencies/",
        {"slug": "nsa", "name": "NSA", "aliases": ["ok", "x" * 201]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "aliases": ["Item 1: Ensure this field has no more than 200 characters."]
    }


def test_nested_errors_name_where_they_are():
    response = exception_handler(
        exceptions.ValidationError(
            {"corrections": [{}, {"note": ["Required."]}], "title": ["Too long."]}
        ),
        {},
    )

    assert response.data == {
        "corrections": ["Item 1, note: Required."],
        "title": ["Too long."],
    }


def test_an_error_without_a_field_is_the_requests_as_a_whole():
    response = exception_handler(exceptions.ValidationError("Inconsistent."), {})

    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Inconsistent."]}

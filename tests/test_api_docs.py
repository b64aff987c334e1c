"""/api/schema/ and /api/docs/: the OpenAPI schema documents every endpoint and
its error responses; the interactive docs load from our own static files."""

import pytest

pytestmark = pytest.mark.django_db


def test_schema_lists_every_endpoint(api_client):
    schema = api_client.get("/api/schema/?format=json").json()

    assert set(schema["paths"]) == {
        "/api/v1/",
        "/api/v1/agencies/",
        "/api/v1/agencies/{slug}/",
        "/api/v1/changes/",
        "/api/v1/announcements/",
        "/api/v1/announcements/{slug}/",
        "/api/v1/announcements/{slug}/drafts/",
        "/api/v1/auth/logout/",
        "/api/v1/auth/token/",
        "/api/v1/commitments/",
        "/api/v1/commitments/summary/",
        "/api/v1/commitments/{id}/",
        "/api/v1/commitments/{id}/check/",
        "/api/v1/commitments/{id}/history/",
        "/api/v1/commitments/{id}/updates/",
        "/api/v1/drafts/{id}/",
        "/api/v1/drafts/{id}/accept/",
        "/api/v1/drafts/{id}/reject/",
        "/api/v1/statuses/",
        "/api/v1/topics/",
        "/api/v1/topics/{slug}/",
        "/api/v1/updates/",
        "/api/v1/updates/{id}/",
        "/api/v1/updates/{id}/retract/",
    }
    for operations in schema["paths"].values():
        assert "delete" not in operations


def test_schema_documents_errors_and_preconditions(api_client):
    paths = api_client.get("/api/schema/?format=json").json()["paths"]

    patch = paths["/api/v1/commitments/{id}/"]["patch"]
    assert {"400", "401", "403", "404", "412", "428"} <= set(patch["responses"])
    assert "ETag" in patch["responses"]["200"]["headers"]
    assert any(p["name"] == "If-Match" and p["required"] for p in patch["parameters"])
    post = paths["/api/v1/commitments/{id}/updates/"]["post"]
    assert {"400", "401", "403", "422"} <= set(post["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in post["parameters"])
    assert "429" in paths["/api/v1/auth/token/"]["post"]["responses"]
    filters = {p["name"] for p in paths["/api/v1/commitments/"]["get"]["parameters"]}
    assert filters >= {
        "status",
        "lead_agency",
        "agency",
        "announcement",
        "topic",
        "kind",
        "overdue",
        "due_before",
        "due_after",
        "search",
        "ordering",
        "page",
        "page_size",
    }


def test_docs_page_uses_local_assets(api_client):
    response = api_client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "cdn.jsdelivr.net" not in html


def test_schema_generates_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yaml"),
    )

    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")


def test_public_reads_need_no_authentication_and_writes_keep_theirs(api_client):
    """Swagger UI draws a padlock on an operation unless its security is empty:
    public reads say `[]` (not `[{}]`, which generated clients read as "a token
    is needed"), writes and the maintainers' reads name the token."""
    paths = api_client.get("/api/schema/?format=json").json()["paths"]

    for path, method in [
        ("/api/v1/", "get"),
        ("/api/v1/commitments/", "get"),
        ("/api/v1/commitments/{id}/", "get"),
        ("/api/v1/commitments/{id}/updates/", "get"),
        ("/api/v1/commitments/summary/", "get"),
        ("/api/v1/updates/", "get"),
        ("/api/v1/statuses/", "get"),
        ("/api/v1/agencies/", "get"),
    ]:
        assert paths[path][method]["security"] == [], (path, method)
    for path, method in [
        ("/api/v1/commitments/", "post"),
        ("/api/v1/commitments/{id}/", "patch"),
        ("/api/v1/commitments/{id}/updates/", "post"),
        # Drafts are for maintainers, reads included.
        ("/api/v1/announcements/{slug}/drafts/", "get"),
        ("/api/v1/drafts/{id}/", "get"),
    ]:
        security = paths[path][method]["security"]
        assert {"tokenAuth": []} in security, (path, method)
        assert {} not in security, (path, method)

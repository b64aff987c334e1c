"""Every response carries a Content-Security-Policy that starts from
`default-src 'none'` and adds only what its page needs (the public site no script
at all; the admin, the browsable API and the API docs their own scripts), a
Permissions-Policy, and Django's other security headers."""

import re

import pytest

from tests.site_data import build_announcement

pytestmark = pytest.mark.django_db


def policy(response):
    """The Content-Security-Policy as {directive: [sources]}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/commitments/",
        "/a/doj-school-safety-2018-03-12/",
        "/a/doj-school-safety-2018-03-12/nics-certification/",
        "/agencies/fbi/",
        "/method/",
        "/feeds/updates.atom",
        "/calendar/deadlines.ics",
        "/commitments.csv",
        "/nothing-here/",
    ],
)
def test_the_public_site_may_run_no_script(client, path):
    build_announcement()

    response = client.get(path)

    assert policy(response) == {
        "default-src": ["'none'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }


@pytest.mark.parametrize("path", ["/admin/login/", "/api/v1/"])
def test_the_admin_and_browsable_api_run_their_own_scripts_only(client, path):
    response = client.get(path, HTTP_ACCEPT="text/html")

    directives = policy(response)
    assert directives["default-src"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["connect-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_the_api_docs_run_their_own_scripts_and_no_inline_one(client):
    page = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")

    directives = policy(page)
    assert directives["default-src"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["connect-src"] == ["'self'"]
    assert "'unsafe-eval'" not in directives["script-src"]
    html = page.content.decode()
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html) == []
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/healthz"),
        ("get", "/api/v1/commitments/"),
        ("post", "/api/v1/auth/token/"),
        ("get", "/static/commitments/site.css"),
    ],
)
def test_every_response_carries_both_policies(client, method, path):
    response = getattr(client, method)(path)

    assert policy(response)["default-src"] == ["'none'"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_djangos_security_headers_are_kept(client):
    response = client.get("/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"

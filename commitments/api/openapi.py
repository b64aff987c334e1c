"""The OpenAPI schema at /api/schema/ (drf-spectacular), made to say what the API
really does: anonymous reads, slugs in requests and expanded agencies in
responses, and the error responses as well as the successes."""

from drf_spectacular import openapi
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import permissions


class AutoSchema(openapi.AutoSchema):
    def get_auth(self):
        auths = super().get_auth()
        # Anyone reads: DjangoModelPermissionsOrAnonReadOnly and the progress
        # permission let anonymous GETs through, which drf-spectacular cannot see.
        if self.method in permissions.SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "commitments.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        scheme = build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Token"
        )
        scheme["description"] = (
            'A token from POST /api/v1/auth/token/, sent as "Authorization: Token '
            '<token>".'
        )
        return scheme


class AgencyRefFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "commitments.api.serializers.AgencyRefField"

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return {"type": "string", "description": "The agency's slug."}
        return {
            "type": "object",
            "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
            "required": ["slug", "name"],
        }


ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "Each offending field (or parameter) with its messages; "
    '"non_field_errors" for the request as a whole.',
    "additionalProperties": {},
}

ERRORS = {
    "304": ("Not modified: If-None-Match holds the current ETag.", None),
    "400": ("The request (a field or a query parameter) is invalid.", True),
    "401": ("Missing, invalid or expired token.", False),
    "403": ("Not allowed for this user.", False),
    "404": ("Not found (an unknown id or slug, or a page past the end).", False),
    "405": ("Method not allowed: nothing is deleted through the API.", False),
    "406": ("The Accept header asks for a format the API does not serve.", False),
    "409": ("Conflicts with the current data (a duplicate, or a lost race).", False),
    "412": ("If-Match names an old version; the ETag header has the current.", False),
    "415": ("The body is not JSON.", False),
    "422": ("Idempotency-Key reused with a different body.", False),
    "428": ("If-Match is required; read the resource for its ETag.", False),
    "429": ("Too many failed logins; wait for Retry-After seconds.", False),
}


def error_codes(path, method):
    """The error statuses an operation can answer with."""
    codes = {"401", "406"}
    if "{" in path:
        codes.add("404")
    if method == "get":
        codes |= {"400", "404"}
    if method == "get" and path in ETAGGED:
        codes.add("304")
    if method in ("post", "put", "patch"):
        codes |= {"400", "403", "409", "415"}
    if method in ("put", "patch") and path in ETAGGED:
        codes |= {"412", "428"}
    if method == "post" and path.endswith(("/check/", "/retract/")):
        codes.add("412")
    if path.endswith("/updates/") and method == "post":
        codes.add("422")
    if "/drafts/" in path:
        # Drafts are for maintainers, reads included.
        codes.add("403")
    if path.endswith("/auth/token/"):
        codes = {"400", "406", "415", "429"}
    if path.endswith("/auth/logout/"):
        codes = {"401", "406"}
    return codes


# An empty filter (`?status=&topic=`, as a form sends) means "no filter".
NOT_EMPTY = {"page", "page_size", "format"}


def document_error_responses(result, generator, request, public):
    """Postprocessing hook: add the error responses to every operation, and say
    which query parameters may be sent empty."""
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["name"] not in NOT_EMPTY:
                    parameter["allowEmptyValue"] = True
            responses = operation.setdefault("responses", {})
            for code in sorted(error_codes(path, method)):
                description, is_validation = ERRORS[code]
                schema = VALIDATION_ERROR_SCHEMA if is_validation else ERROR_SCHEMA
                response = {"description": description}
                if is_validation is not None:
                    response["content"] = {"application/json": {"schema": schema}}
                responses.setdefault(code, response)
            if path in ETAGGED or path.endswith(("/check/", "/retract/")):
                for code in ("200", "304", "412"):
                    if code in responses:
                        responses[code]["headers"] = {"ETag": ETAG_HEADER}
    return result


ETAG_HEADER = {
    "schema": {"type": "string"},
    "description": "The resource's current ETag, for If-Match and If-None-Match.",
}

# The resources whose writes are conditional (If-Match required).
ETAGGED = {"/api/v1/commitments/{id}/", "/api/v1/updates/{id}/"}

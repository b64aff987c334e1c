"""The OpenAPI schema at /api/schema/ (drf-spectacular), made to say what the API
really does, so that clients generated from it work: anonymous reads, slugs in
requests and expanded agencies in responses, preconditions and validators, and the
error responses as well as the successes. tests/test_api_schema_truth.py checks
real responses against it."""

import json

from drf_spectacular import openapi
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.plumbing import (
    build_basic_type,
    build_bearer_security_scheme_object,
    build_parameter_type,
)
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import permissions
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.settings import api_settings

from commitments.api.conditional import ConditionalMixin
from commitments.api.permissions import (
    CanAddProgressOrReadOnly,
    CanCorrectProgressOrReadOnly,
    ModelPermissionsOrAnonReadOnly,
)

# The permissions that let anyone read (docs/design.md, "Who may do what"). A read
# behind any other (drafts: maintainers only) keeps its padlock.
ANONYMOUS_READS = (
    permissions.AllowAny,
    ModelPermissionsOrAnonReadOnly,
    CanAddProgressOrReadOnly,
    CanCorrectProgressOrReadOnly,
)

ETAG_HEADER = {
    "schema": {"type": "string"},
    "description": "A strong validator of this representation, for If-None-Match "
    "(304 while it is current) and If-Match (the write is refused with 412 if the "
    "resource changed since).",
}


class AutoSchema(openapi.AutoSchema):
    def get_auth(self):
        # Anyone reads: the permissions in ANONYMOUS_READS let anonymous GETs
        # through, which drf-spectacular cannot see.
        # An operation that needs no authentication says so with an empty list
        # (set in get_operation): generators such as openapi-python-client read
        # any list of alternatives, even one holding {}, as "a token is needed".
        # A token sent anyway is accepted (and makes the response private).
        if self.method in permissions.SAFE_METHODS and all(
            isinstance(permission, ANONYMOUS_READS)
            for permission in self.view.get_permissions()
        ):
            return []
        return super().get_auth()

    def get_summary(self):
        """A one-line summary of every operation, for docs and generated code:
        "List commitments", "Change an agency", "Updates of a commitment"."""
        view = self.view
        queryset = getattr(view, "queryset", None)
        action = getattr(view, "action", None)
        if queryset is None or action is None:
            return None  # extend_schema(summary=...) on the view says it
        meta = queryset.model._meta
        one, many = meta.verbose_name, meta.verbose_name_plural
        article = "an" if one[0] in "aeiou" else "a"
        summaries = {
            "list": f"List {many}",
            "retrieve": f"Read {article} {one}",
            "create": f"Create {article} {one}",
            "update": f"Replace {article} {one}",
            "partial_update": f"Change {article} {one}",
        }
        if action in summaries:
            return summaries[action]
        name = action.replace("_", " ").capitalize()
        return f"{name} of {article} {one}" if view.detail else f"{name} of {many}"

    def conditional_write(self):
        """A write that evaluates preconditions (commitments.api.conditional)."""
        return (
            isinstance(self.view, ConditionalMixin)
            and getattr(self.view, "detail", False)
            and self.method not in permissions.SAFE_METHODS
        )

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "GET":
            parameters.append(
                OpenApiParameter(
                    "If-None-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description="ETags you hold: 304 with no body while one of "
                    "them is current.",
                )
            )
        elif self.conditional_write():
            required = self.method in self.view.if_match_required_for
            parameters += [
                OpenApiParameter(
                    "If-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    required=required,
                    description="The ETag of your last read (or *): the write is "
                    "refused with 412 if the resource changed since."
                    + (" Required: 428 without it." if required else ""),
                ),
                OpenApiParameter(
                    "If-None-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description="The write is refused with 412 if one of these "
                    "ETags (or *) is current.",
                ),
            ]
        return parameters

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return operation
        if {} in operation.setdefault("security", []):
            operation["security"] = []
        responses = operation.setdefault("responses", {})
        if self.method == "GET":
            responses["304"] = {
                "description": "Not modified: If-None-Match holds the current ETag.",
                "headers": {"ETag": ETAG_HEADER},
            }
            for code in ("200", "304"):
                responses[code].setdefault("headers", {})["ETag"] = ETAG_HEADER
        elif self.conditional_write():
            codes = {
                "412": "The preconditions failed: If-Match names an old "
                "version, or If-None-Match the current one. Nothing was "
                "written; the ETag header has the current version."
            }
            if self.method in self.view.if_match_required_for:
                codes["428"] = "If-Match is required: read the resource for its ETag."
            for code, description in codes.items():
                responses[code] = error_response(description)
            responses["412"]["headers"] = {"ETag": ETAG_HEADER}
            if self.method in ("PUT", "PATCH"):
                responses["200"].setdefault("headers", {})["ETag"] = ETAG_HEADER
        return operation

    def _get_format_parameters(self):
        # Every API request knows `format` (commitments.api.negotiation), not only
        # those with several formats. The enum lists the formats the schema
        # describes; `api`, the browsable HTML pages, is for people, not clients.
        served = [
            renderer.format
            for renderer in self.view.get_renderers()
            if not isinstance(renderer, BrowsableAPIRenderer)
        ]
        return [
            build_parameter_type(
                name=api_settings.URL_FORMAT_OVERRIDE,
                schema=build_basic_type(OpenApiTypes.STR),
                location=OpenApiParameter.QUERY,
                enum=served,
                description="The response's format (`api`, not listed: the "
                "browsable HTML pages); another value gets 400.",
            )
        ]


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
        # One component for every agency a response names (the summary's too).
        from commitments.api.serializers import AgencyBriefSerializer

        return auto_schema.resolve_serializer(AgencyBriefSerializer, direction).ref


# Every error but 400 reads `{"detail": "..."}`; a 400 names each offending field
# or query parameter (docs/design.md, "Errors are JSON").
COMPONENTS = {
    "Detail": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "ValidationError": {
        "type": "object",
        "description": "Each offending field (or query parameter) with its "
        'messages; "non_field_errors" for the request as a whole.',
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
}


def error_response(description, component="Detail"):
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {"$ref": f"#/components/schemas/{component}"}
            }
        },
    }


ERRORS = {
    "400": "The request (a field or a query parameter) is invalid.",
    "401": "Missing, invalid or expired token.",
    "403": "Not allowed for this user.",
    "404": "Not found (an unknown id or slug, or a page past the end).",
    "406": "The Accept header asks for a format the API does not serve.",
    "409": "Another request wrote the same data at the same moment; retry.",
    "415": "The body is not JSON.",
    "422": "Idempotency-Key reused with a different body.",
    "429": "Too many failed logins; wait for Retry-After seconds.",
}


def error_codes(path, method):
    """The error statuses an operation can answer with."""
    codes = {"401", "406"}
    if "{" in path:
        codes.add("404")
    if method == "get":
        codes |= {"400", "404"}
    if method in ("post", "put", "patch"):
        codes |= {"400", "403", "409", "415"}
    if path.endswith("/updates/") and method == "post":
        codes.add("422")
    if "/drafts/" in path:
        # Drafts are for maintainers, reads included.
        codes.add("403")
    if path.endswith("/auth/token/"):
        codes = {"400", "406", "415", "429"}
    if path.endswith("/auth/logout/"):
        codes = {"401", "406"}
    # Query parameters are strict (commitments.api.negotiation): any operation
    # answers an unknown parameter, or a format it does not serve, with 400.
    return codes | {"400"}


# An empty filter (`?status=&topic=`, as a form sends) means "no filter".
NOT_EMPTY = {"page", "page_size", "format"}


def document_error_responses(result, generator, request, public):
    """Postprocessing hook: add the error responses to every operation, and say
    which query parameters may be sent empty."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(COMPONENTS)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["name"] not in NOT_EMPTY:
                    parameter["allowEmptyValue"] = True
                if parameter["in"] == "path" and is_digits(parameter["schema"]):
                    parameter["schema"] = {"type": "integer", "minimum": 1}
            responses = operation.setdefault("responses", {})
            for code in sorted(error_codes(path, method)):
                component = "ValidationError" if code == "400" else "Detail"
                responses.setdefault(code, error_response(ERRORS[code], component))
            for response in responses.values():
                csv = response.get("content", {}).get("text/csv")
                if csv is not None:
                    csv["schema"] = {
                        "type": "string",
                        "description": "Every commitment the filters select, as "
                        "CSV (not one page).",
                    }
    return result


def is_digits(schema):
    return schema.get("type") == "string" and schema.get("pattern") == "^[0-9]+$"


def components_as_served(result, generator, request, public):
    """Postprocessing hook: the components say what is always there and what may
    be null, and request bodies refuse what the server refuses.

    - Every property of a response component is required: the serializers write
      every field of every object (DRF leaves none out).
    - Request bodies (the *Request components) allow no other property: the
      server answers 400 naming an unknown field.
    - `author` is null for rows loaded without one (fixtures), wherever it is.
    - OpenAPI 3.1 nullability: a type array, not 3.0's `nullable`, which DRF's
      pagination schemas still write.
    - Enum values that are not identifiers (`-due_date`) get names for
      generated code (`x-enum-varnames`)."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        if name.endswith("Request"):
            schema["additionalProperties"] = False
        elif "properties" in schema:
            schema["required"] = sorted(schema["properties"])
    for name, schema in schemas.items():
        if not name.endswith("Request") and "author" in schema.get("properties", {}):
            make_nullable(schema["properties"]["author"])
    walk(result, tidy)
    drop_unused_request_components(result)
    return result


def drop_unused_request_components(result):
    """drf-spectacular writes a request component for a nested serializer that
    only responses carry (a progress update's corrections): no operation sends
    it, and a linter rightly calls it unused."""
    schemas = result.get("components", {}).get("schemas", {})
    while True:
        text = json.dumps(result)
        unused = [
            name
            for name in schemas
            if name.endswith("Request") and f'"#/components/schemas/{name}"' not in text
        ]
        if not unused:
            return
        for name in unused:
            del schemas[name]


def walk(node, visit):
    if isinstance(node, dict):
        visit(node)
        for value in node.values():
            walk(value, visit)
    elif isinstance(node, list):
        for value in node:
            walk(value, visit)


def tidy(schema):
    if schema.pop("nullable", False):
        make_nullable(schema)
    # oneOf [{}, {"type": "null"}] (a nullable JSONField) matches null twice, so
    # a validator refuses null; {} alone already allows anything.
    if schema.get("oneOf") and {} in schema["oneOf"]:
        del schema["oneOf"]
    # A URL field that may be blank: "" matches both a string of format uri (for
    # a validator that does not assert formats) and the empty string, so oneOf
    # would refuse it.
    if any(branch.get("maxLength") == 0 for branch in schema.get("oneOf", [])):
        schema["anyOf"] = schema.pop("oneOf")
    values = schema.get("enum")
    if values and all(isinstance(value, str) for value in values):
        schema["x-enum-varnames"] = [enum_name(value) for value in values]


def make_nullable(schema):
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        kind.append("null")
    elif kind is None and "$ref" in schema:
        schema["oneOf"] = [{"$ref": schema.pop("$ref")}, {"type": "null"}]


def enum_name(value):
    """`due_date` → DUE_DATE, `-due_date` → DUE_DATE_DESC."""
    name = value.lstrip("-").upper().replace("-", "_") or "EMPTY"
    return f"{name}_DESC" if value.startswith("-") else name

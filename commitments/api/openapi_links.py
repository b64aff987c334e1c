"""OpenAPI links (drf-spectacular postprocessing hook): how the answer of one
operation feeds the next, for generated clients and for schemathesis's stateful
tests (tests/test_schemathesis.py).

- A create (201) leads to the new resource: its `slug` (agencies, topics,
  announcements) or `id` (commitments, progress updates, drafts).
- A read (200) leads to the writes of the same resource, with `If-Match` set to
  the read's `ETag` (commitments.api.conditional: required on PATCH/PUT of a
  commitment and on the correction of a progress update, evaluated when sent
  elsewhere).
- A write that answers with the resource (200) carries its new `ETag` too, so it
  leads to the next write; a 412 carries the current `ETag`, so it leads to the
  same write retried knowingly.
- A list leads to the first resource it lists.

Each link is added only when both operations are in the schema, so the hook
follows the URLs as they are."""

from commitments.api.openapi import ETAG_HEADER

# Resources with an ETag: (operationId prefix, the key in the path and the body).
RESOURCES = [
    ("agencies", "slug"),
    ("topics", "slug"),
    ("announcements", "slug"),
    ("commitments", "id"),
    ("updates", "id"),
]

# What a resource's writes are called in link names, by operationId suffix.
WRITES = {
    "partial_update": "Change",
    "update": "Replace",
    "check_create": "Check",
    "updates_create": "AddProgress",
    "retract_create": "Retract",
}

# Writes of a read resource beyond PATCH and PUT (operationId suffixes).
ACTIONS = {
    "commitments": ["check_create", "updates_create"],
    "updates": ["retract_create"],
}

# Reads of a resource's own collections (operationId suffixes).
SUBRESOURCES = {"commitments": ["updates_list", "history_list"]}


def link(operation_id, description, **parameters):
    return {
        "operationId": operation_id,
        "description": description,
        "parameters": parameters,
    }


def links_by_operation():
    """{(source operationId, status): {link name: link}}."""
    links = {}

    def add(source, status, name, target, description, **parameters):
        links.setdefault((source, status), {})[name] = (target, description, parameters)

    for prefix, key in RESOURCES:
        by_key = f"$response.body#/{key}"
        read = f"{prefix}_retrieve"
        writes = ["partial_update", "update", *ACTIONS.get(prefix, [])]
        add(
            f"{prefix}_create",
            "201",
            "Read",
            read,
            "Read what was created.",
            **{key: by_key},
        )
        add(
            f"{prefix}_list",
            "200",
            "ReadFirst",
            read,
            "Read the first one listed.",
            **{key: f"$response.body#/results/0/{key}"},
        )
        # The writes after a read, after a write that answered with the
        # resource, and after a 412 (the current ETag, to retry with).
        for source, status, key_from in [
            (read, "200", by_key),
            *[(f"{prefix}_{write}", "200", by_key) for write in writes],
        ]:
            for write in writes:
                add(
                    source,
                    status,
                    WRITES[write],
                    f"{prefix}_{write}",
                    "The next write, with If-Match set to this response's ETag.",
                    **{
                        f"path.{key}": key_from,
                        "header.If-Match": "$response.header.ETag",
                    },
                )
            if source != read:
                add(source, status, "Read", read, "Read it again.", **{key: key_from})
            for subresource in SUBRESOURCES.get(prefix, []):
                add(
                    source,
                    status,
                    "".join(word.capitalize() for word in subresource.split("_")),
                    f"{prefix}_{subresource}",
                    "Read its timeline.",
                    **{key: key_from},
                )
        for write in writes:
            add(
                f"{prefix}_{write}",
                "412",
                "Retry",
                f"{prefix}_{write}",
                "Retry with If-Match set to the current ETag (this response's).",
                **{
                    f"path.{key}": f"$request.path.{key}",
                    "header.If-Match": "$response.header.ETag",
                },
            )
    # A progress update added to a commitment, and the drafts an announcement's
    # text proposes.
    add(
        "commitments_updates_create",
        "201",
        "ReadUpdate",
        "updates_retrieve",
        "Read the progress update added.",
        id="$response.body#/id",
    )
    first_draft = "$response.body#/results/0/id"
    for name, target in [
        ("ReadDraft", "drafts_retrieve"),
        ("Accept", "drafts_accept_create"),
        ("Reject", "drafts_reject_create"),
    ]:
        add(
            "announcements_drafts_create",
            "201",
            name,
            target,
            "The first draft proposed.",
            id=first_draft,
        )
    add(
        "drafts_accept_create",
        "201",
        "ReadCommitment",
        "commitments_retrieve",
        "Read the commitment the draft became.",
        id="$response.body#/id",
    )
    return links


def document_links(result, generator, request, public):
    """Postprocessing hook: the `links` of every response that leads somewhere."""
    operations = {}
    for path, methods in result.get("paths", {}).items():
        for operation in methods.values():
            if isinstance(operation, dict) and "operationId" in operation:
                operations[operation["operationId"]] = (path, operation)
    for (source, status), named in links_by_operation().items():
        if source not in operations:
            continue
        response = operations[source][1].get("responses", {}).get(status)
        if response is None:
            continue
        for name, (target, description, parameters) in sorted(named.items()):
            if target not in operations or not declares(
                operations[target][1], parameters
            ):
                continue
            response.setdefault("links", {})[name] = link(
                target, description, **parameters
            )
            if "$response.header.ETag" in parameters.values():
                # A write answering 200 with the resource carries its ETag
                # (commitments.api.conditional), a /check/ or /retract/ too.
                response.setdefault("headers", {}).setdefault("ETag", ETAG_HEADER)
    return result


def declares(operation, parameters):
    """Whether the target operation has every parameter the link sets."""
    declared = {
        (parameter["in"], parameter["name"])
        for parameter in operation.get("parameters", [])
    }
    names = {parameter["name"] for parameter in operation.get("parameters", [])}
    for qualified in parameters:
        where, _, name = qualified.rpartition(".")
        if where and (where, name) not in declared:
            return False
        if not where and name not in names:
            return False
    return True

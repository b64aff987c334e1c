"""The audit history of a commitment as the API shows it: each write with who,
when, why, and each field's old and new value (from django-simple-history)."""

from django.db.models import Q

from commitments.models import Agency, Announcement, Commitment, Topic

# The fields a reader follows (id, timestamps and version say nothing new), by
# name and by the attribute that holds their value (an id for a foreign key).
HISTORY_FIELDS = {
    field.name: field.attname
    for field in Commitment._meta.concrete_fields
    if field.name not in {"id", "created_at", "updated_at", "version"}
}

# Requests and responses name these by slug, so the history does too.
SLUGGED = {"announcement": Announcement, "lead_agency": Agency, "topic": Topic}

CHANGE_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


def field_changes(record, older):
    """Each field whose value differs from the record before (every field that
    has a value, for the first record)."""
    changes = []
    for name, attname in HISTORY_FIELDS.items():
        new = getattr(record, attname)
        old = getattr(older, attname) if older is not None else None
        if old != new and not (older is None and new == ""):
            changes.append({"field": name, "old": old, "new": new})
    if older is not None:
        # simple_history keeps the many-to-many rows with each record.
        delta = record.diff_against(older, included_fields=["supporting_agencies"])
        changes += [
            {"field": change.field, "old": change.old, "new": change.new}
            for change in delta.changes
        ]
    return changes


def history_entries(commitment, records):
    """The page of historical records as entries, newest first, each compared
    with the record before it (the one after the page included)."""
    records = list(records)
    if not records:
        # Rows written in bulk (the data generator) have no history yet.
        return []
    last = records[-1]
    older = (
        commitment.history.filter(
            Q(history_date__lt=last.history_date)
            | Q(history_date=last.history_date, history_id__lt=last.history_id)
        )
        .order_by("-history_date", "-history_id")
        .first()
    )
    previous = [*records[1:], older]
    entries = [
        {
            "id": record.history_id,
            "at": record.history_date,
            "author": (
                record.history_user.get_username() if record.history_user else None
            ),
            "type": CHANGE_TYPES[record.history_type],
            "change_reason": record.history_change_reason or "",
            "version": record.version,
            "changes": field_changes(record, before),
        }
        for record, before in zip(records, previous, strict=True)
    ]
    name_by_slug(entries)
    return entries


def name_by_slug(entries):
    """Replace agency, announcement and topic ids in the changes by slugs, one
    query per kind of object."""
    wanted = {model: set() for model in {*SLUGGED.values(), Agency}}
    for entry in entries:
        for change in entry["changes"]:
            model = SLUGGED.get(change["field"])
            for side in ("old", "new"):
                if model and change[side] is not None:
                    wanted[model].add(change[side])
                if change["field"] == "supporting_agencies" and change[side]:
                    wanted[Agency] |= {row["agency"] for row in change[side]}
    slugs = {
        model: dict(model.objects.filter(pk__in=ids).values_list("pk", "slug"))
        for model, ids in wanted.items()
        if ids
    }
    for entry in entries:
        for change in entry["changes"]:
            model = SLUGGED.get(change["field"])
            for side in ("old", "new"):
                if model and change[side] is not None:
                    change[side] = slugs[model].get(change[side], change[side])
                if change["field"] == "supporting_agencies":
                    change[side] = sorted(
                        slugs.get(Agency, {}).get(row["agency"], row["agency"])
                        for row in change[side] or []
                    )

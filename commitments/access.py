"""Who may do what (docs/design.md, "Who may do what"; docs/architecture.md). The admin
and the API both ask this module, so they cannot disagree.

- Anyone reads.
- Maintainers hold Django's model permissions to add and change agencies, topics,
  announcements, commitments, progress updates and drafts: the "Maintainers"
  group holds them (migrations 0005 and 0011). An agency's aliases are written
  with the agency, under its permission (`can_change_aliases`). Superusers hold
  every permission.
  Writes to one kind of record need that model's own permission, which Django's
  admin and the API's ModelPermissionsOrAnonReadOnly both check with
  `user.has_perm`.
- Editors are the users listed on an agency. They cover the commitments that one
  of their agencies, or an agency below one of them, leads or supports, and add
  progress to those. Their rights come from that assignment alone: `is_staff`
  only lets them sign in to the admin.
"""

from commitments.models import Agency, Commitment

MAINTAINERS_GROUP = "Maintainers"

# What makes a maintainer. Migrations 0005 and 0011 give the Maintainers group
# these; a migration that grants the group more must add the permission here too.
MAINTAINER_PERMISSIONS = frozenset(
    f"commitments.{action}_{model}"
    for action in ("add", "change")
    for model in (
        "agency",
        "topic",
        "announcement",
        "commitment",
        "progressupdate",
        "draft",
    )
)


def _active(user):
    return bool(user and user.is_authenticated and user.is_active)


def is_maintainer(user):
    """Whether the user holds every permission of a maintainer (as a member of the
    Maintainers group, or as a superuser)."""
    return _active(user) and user.has_perms(MAINTAINER_PERMISSIONS)


def covered_agency_ids(user):
    """The ids of the agencies the user edits and of every agency below those.
    Worked out once per user object, which lives as long as its request, in one
    query."""
    if not _active(user):
        return frozenset()
    if not hasattr(user, "_covered_agency_ids"):
        edited = Agency.objects.filter(editors=user).values_list("pk")
        user._covered_agency_ids = frozenset(Agency.ids_with_descendants(edited))
    return user._covered_agency_ids


def covered_commitments(user):
    """The commitments the user edits: those one of their covered agencies leads or
    supports (none for someone who edits no agency)."""
    return Commitment.objects.of_agencies(covered_agency_ids(user))


def is_editor(user):
    """Whether the user edits at least one agency."""
    return bool(covered_agency_ids(user))


def covers(user, commitment):
    """Whether the commitment is among those the user edits. The answer is kept
    on the user object, as the admin asks several times per page."""
    if not is_editor(user):
        return False
    if not hasattr(user, "_covers"):
        user._covers = {}
    if commitment.pk not in user._covers:
        # A commitment a covered agency leads is covered (of_agencies) without
        # asking the database; one it may only support is looked up.
        found = (
            commitment.lead_agency_id in covered_agency_ids(user)
            or covered_commitments(user).filter(pk=commitment.pk).exists()
        )
        user._covers[commitment.pk] = found
    return user._covers[commitment.pk]


def can_add_progress(user, commitment=None):
    """May this user add a progress update to this commitment (to some commitment,
    when none is given)? Maintainers on any; editors on the ones they cover. The
    add-progress permission alone does not reach further: editors may hold it for
    the admin's progress page, where they still choose only among their own."""
    if is_maintainer(user):
        return True
    if commitment is None:
        return is_editor(user)
    return covers(user, commitment)


def can_correct_progress(user, commitment):
    """May this user correct a progress update on this commitment? Those who may
    add progress to it may correct it (the model refuses a retracted update)."""
    return can_add_progress(user, commitment)


def can_check(user, commitment):
    """May this user confirm that the commitment's status still holds? Those who
    may add progress to it."""
    return can_add_progress(user, commitment)


def can_change_aliases(user):
    """May this user add, change and remove an agency's aliases? Those who may
    change agencies: the aliases are part of their agency, which the API writes
    with them under the agency's permission, and so does the admin."""
    return _active(user) and user.has_perm("commitments.change_agency")


def can_retract_progress(user):
    """May this user retract progress updates? Maintainers only (superusers
    included)."""
    return is_maintainer(user)

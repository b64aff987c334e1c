"""Who may write through the API (DESIGN.md, "Who may do what").

Anyone reads. Maintainers hold Django's model permissions, the ones the admin
checks; superusers hold them all. Editors add progress to the commitments their
agencies lead, including those of the agencies below theirs."""

from commitments.models import Agency


def can_add_progress(user, commitment):
    """May this user add a progress update to this commitment?

    Maintainers (who add and change commitments) may, on any commitment.
    Editors may hold the add-progress permission too, for the admin's inline, so
    that permission alone does not make a maintainer. Editors may on the
    commitments led by their agencies or by any agency below one of theirs."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.has_perms(["commitments.add_progressupdate", "commitments.add_commitment"]):
        return True
    covered = set()
    for agency in Agency.objects.filter(editors=user):
        covered |= agency.get_descendant_ids()
    return commitment.lead_agency_id in covered


def can_correct_progress(user, commitment):
    """May this user correct a progress update on this commitment? Those who may
    add progress to it may correct it (the model refuses a retracted update)."""
    return can_add_progress(user, commitment)


def can_check(user, commitment):
    """May this user confirm that the commitment's status still holds? Those who
    may add progress to it."""
    return can_add_progress(user, commitment)


def can_retract_progress(user):
    """May this user retract progress updates? Maintainers only (superusers
    included)."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.has_perms(
            ["commitments.add_progressupdate", "commitments.add_commitment"]
        )
    )

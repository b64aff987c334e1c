"""Who may write through the API (DESIGN.md, "Who may do what").

Anyone reads. Maintainers hold Django's model permissions, the ones the admin
checks; superusers hold them all. Editors add progress to the commitments their
agencies lead, including those of the agencies below theirs."""

from rest_framework import permissions

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


class ModelPermissionsOrAnonReadOnly(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Reads for anyone; writes need the model permission the admin checks (add
    for POST, change for PUT and PATCH). DELETE needs none here because no view
    deletes: anyone signed in gets 405, not a 403 that suggests a permission
    would help."""

    perms_map = {
        **permissions.DjangoModelPermissionsOrAnonReadOnly.perms_map,
        "DELETE": [],
    }


class CanAddProgressOrReadOnly(permissions.BasePermission):
    """Reads for anyone; a progress POST by a maintainer or an editor of the
    commitment's lead agency (or of an agency above it)."""

    message = (
        "Only maintainers and editors of this commitment's lead agency (or of an "
        "agency above it) may add progress to it."
    )

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, commitment):
        if request.method in permissions.SAFE_METHODS:
            return True
        return can_add_progress(request.user, commitment)

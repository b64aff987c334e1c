"""The API's permission classes: thin wrappers over commitments.access, which the
admin calls too."""

from rest_framework import permissions

from commitments.access import (
    can_add_progress,
    can_check,
    can_correct_progress,
    can_retract_progress,
)


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
    """Reads for anyone; a progress POST by a maintainer or an editor who covers
    the commitment (commitments.access.can_add_progress, as in the admin)."""

    message = (
        "Only maintainers and the editors of an agency that leads or supports this "
        "commitment (or of an agency above one of those) may add progress to it."
    )

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, commitment):
        if request.method in permissions.SAFE_METHODS:
            return True
        return can_add_progress(request.user, commitment)


class MaintainsDrafts(permissions.DjangoModelPermissions):
    """Drafts are for maintainers alone, reads included: reading needs the
    permission to change drafts; proposing, to add and change them."""

    perms_map = {
        "GET": ["%(app_label)s.change_%(model_name)s"],
        "HEAD": ["%(app_label)s.change_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.change_%(model_name)s"],
        "POST": [
            "%(app_label)s.add_%(model_name)s",
            "%(app_label)s.change_%(model_name)s",
        ],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": [],
    }


class DecidesDrafts(MaintainsDrafts):
    """Accepting or rejecting a draft: changing drafts, and adding the commitment
    an accepted draft becomes."""

    perms_map = {
        **MaintainsDrafts.perms_map,
        "POST": [
            "%(app_label)s.change_%(model_name)s",
            "%(app_label)s.add_commitment",
        ],
    }


class CanCorrectProgressOrReadOnly(permissions.BasePermission):
    """Reads for anyone; a correction (PATCH of a progress update) by those who
    may add progress to its commitment. Methods the view does not offer pass
    here, so they answer 405 rather than a 403 suggesting a permission would
    help."""

    message = (
        "Only maintainers and the editors of this commitment's agencies may "
        "correct its progress updates."
    )

    def has_object_permission(self, request, view, update):
        if request.method in permissions.SAFE_METHODS:
            return True
        return can_correct_progress(request.user, update.commitment)


class CanRetractProgress(permissions.BasePermission):
    message = "Only maintainers may retract progress updates."

    def has_permission(self, request, view):
        return can_retract_progress(request.user)


class CanCheckStatus(permissions.BasePermission):
    message = (
        "Only maintainers and the editors of this commitment's agencies may "
        "confirm that its status still holds."
    )

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, commitment):
        return can_check(request.user, commitment)

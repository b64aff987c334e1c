"""Django's ModelBackend, reading a user's permissions in one query rather than two.

ModelBackend asks for the user's own permissions and for their groups' permissions
separately, then keeps the union on the user object for the rest of the request.
Every write checks permissions once, so the second query costs every write a round
trip. The answer is the same: the permissions granted to the user directly or
through any of their groups (all of them for an active superuser, none for an
inactive user)."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class OneQueryModelBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                perms = Permission.objects.all()
            else:
                perms = Permission.objects.filter(
                    Q(user=user_obj) | Q(group__user=user_obj)
                )
            rows = perms.values_list("content_type__app_label", "codename")
            user_obj._perm_cache = {f"{app}.{name}" for app, name in rows.distinct()}
        return user_obj._perm_cache

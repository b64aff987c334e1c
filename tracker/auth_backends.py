"""Django's ModelBackend, reading a user's permissions in one query rather than two,
or in none of its own when the user was read with them (`with_permissions`).

ModelBackend asks for the user's own permissions and for their groups' permissions
separately, then keeps the union on the user object for the rest of the request.
Every write checks permissions once, so the second query costs every write a round
trip. The answer is the same: the permissions granted to the user directly or
through any of their groups (all of them for an active superuser, none for an
inactive user)."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import CharField, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat


def granted(user):
    """The permissions granted to `user` directly or through a group, each once.
    `user` is a user, or an OuterRef to one from the query these permissions
    are a subquery of.

    Written as two `IN` subqueries on the link tables rather than as joins:
    PostgreSQL plans the joins (five tables, outer joins and an OR) in about a
    millisecond, on every request that reads a token (with_permissions); this
    form in about a quarter of that."""
    direct = Permission.user_set.through.objects.filter(user=outer(user))
    groups = Group.user_set.through.objects.filter(user=outer(outer(user)))
    via_groups = Group.permissions.through.objects.filter(
        group__in=groups.values("group")
    )
    return Permission.objects.filter(
        Q(pk__in=direct.values("permission"))
        | Q(pk__in=via_groups.values("permission"))
    )


def outer(user):
    """`user` as seen from a subquery one level further in."""
    return OuterRef(user) if isinstance(user, OuterRef) else user


class JoinedNames(Func):
    """The permissions' names joined with commas, in a subquery of one row (NULL
    for none). An aggregate to the database; Django is not told, so it adds no
    GROUP BY."""

    template = "STRING_AGG(%(expressions)s, ',')"
    output_field = CharField()

    def __init__(self):
        super().__init__(Concat("content_type__app_label", Value("."), "codename"))

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="GROUP_CONCAT(%(expressions)s, ',')"
        )


def with_permissions(queryset, user_field):
    """`queryset`, whose rows lead to a user by `user_field`, with that user's
    permission names as `permission_names`: hand them to `remember_permissions`,
    and checking them costs no query."""
    names = granted(OuterRef(user_field)).order_by().annotate(names=JoinedNames())
    return queryset.annotate(permission_names=Subquery(names.values("names")[:1]))


def remember_permissions(user, names):
    """Keep the names read by `with_permissions` on the user, where the backend
    looks first. A superuser's are all permissions, which the backend reads
    itself (Django asks for them only in the admin)."""
    if not user.is_superuser:
        user._perm_cache = set((names or "").split(",")) - {""}


class OneQueryModelBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                perms = Permission.objects.all()
            else:
                perms = granted(user_obj)
            rows = perms.values_list("content_type__app_label", "codename")
            user_obj._perm_cache = {f"{app}.{name}" for app, name in rows.distinct()}
        return user_obj._perm_cache

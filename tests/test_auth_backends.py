"""tracker.auth_backends reads a user's permissions in one query and answers as
Django's ModelBackend does."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from knox.models import get_token_model

from tests.factories import UserFactory
from tracker.auth_backends import (
    OneQueryModelBackend,
    remember_permissions,
    with_permissions,
)

pytestmark = pytest.mark.django_db


def permission(codename):
    return Permission.objects.get(
        codename=codename, content_type__app_label="commitments"
    )


@pytest.fixture
def user():
    user = UserFactory()
    user.user_permissions.add(permission("add_topic"))
    group = Group.objects.create(name="Readers of drafts")
    group.permissions.add(permission("change_draft"), permission("add_topic"))
    user.groups.add(group)
    return user


def fresh(user):
    return type(user).objects.get(pk=user.pk)


def test_own_and_group_permissions_in_one_query(user, django_assert_num_queries):
    user = fresh(user)
    with django_assert_num_queries(1):
        perms = OneQueryModelBackend().get_all_permissions(user)

    assert perms == {"commitments.add_topic", "commitments.change_draft"}
    assert perms == ModelBackend().get_all_permissions(fresh(user))


def test_the_permissions_are_read_once_per_user_object(user, django_assert_num_queries):
    user = fresh(user)
    with django_assert_num_queries(1):
        assert user.has_perm("commitments.change_draft")
        assert user.has_perm("commitments.add_topic")
        assert not user.has_perm("commitments.add_commitment")


def test_an_inactive_user_has_none(user):
    user.is_active = False
    user.save()

    assert OneQueryModelBackend().get_all_permissions(fresh(user)) == set()
    assert not fresh(user).has_perm("commitments.add_topic")


def test_a_superuser_has_all_as_with_model_backend():
    superuser = UserFactory(is_superuser=True)

    assert OneQueryModelBackend().get_all_permissions(
        fresh(superuser)
    ) == ModelBackend().get_all_permissions(fresh(superuser))


def test_a_user_without_permissions_has_none():
    assert OneQueryModelBackend().get_all_permissions(fresh(UserFactory())) == set()


def test_a_token_read_with_permissions_carries_the_same_as_model_backend(user):
    # A group the user is not in, and another user's own permission, add nothing.
    other = UserFactory()
    other.user_permissions.add(permission("add_commitment"))
    group = Group.objects.create(name="Not theirs")
    group.permissions.add(permission("delete_topic"))
    other.groups.add(group)
    get_token_model().objects.create(user=user)
    get_token_model().objects.create(user=other)

    tokens = with_permissions(get_token_model().objects.select_related("user"), "user")
    for token in tokens:
        remember_permissions(token.user, token.permission_names)
        assert token.user._perm_cache == ModelBackend().get_all_permissions(
            fresh(token.user)
        )
    assert {token.user.pk for token in tokens} == {user.pk, other.pk}

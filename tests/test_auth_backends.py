"""tracker.auth_backends reads a user's permissions in one query and answers as
Django's ModelBackend does."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission

from tests.factories import UserFactory
from tracker.auth_backends import OneQueryModelBackend

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

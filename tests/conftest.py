import pytest


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Tests render pages without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture
def user(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def staff_user(db):
    from tests.factories import UserFactory

    return UserFactory(username="staff", is_staff=True, is_superuser=True)


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def authorize(client, user):
    """Give an API client a fresh token for this user."""
    from knox.models import AuthToken

    _, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def maintainer(db):
    """A member of a "Maintainers" group holding the model permissions the admin
    checks: add and change agencies, topics, announcements and commitments, and
    add progress updates."""
    from django.contrib.auth.models import Group, Permission

    from tests.factories import UserFactory

    group, _ = Group.objects.get_or_create(name="Maintainers")
    codenames = [
        f"{action}_{model}"
        for action in ("add", "change")
        for model in ("agency", "topic", "announcement", "commitment")
    ] + ["add_progressupdate"]
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="commitments", codename__in=codenames
        )
    )
    user = UserFactory(username="maintainer")
    user.groups.add(group)
    return user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing is slow on purpose; tests do not need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

"""Who may do what through the API: anonymous, an editor of the agency (or of an
agency above it), an editor of another agency, a maintainer, a superuser; against
read, post progress, change a commitment, create and delete."""

import pytest

from commitments.models import Agency, Commitment, ProgressUpdate
from tests.conftest import authorize
from tests.factories import (
    AgencyFactory,
    AnnouncementFactory,
    CommitmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PROGRESS = {
    "reported_on": "2018-05-01",
    "status": "in_progress",
    "summary": "Rule proposed.",
    "source_url": "https://www.justice.gov/rule",
}


@pytest.fixture
def fbi_commitment():
    doj = AgencyFactory(slug="doj")
    fbi = AgencyFactory(slug="fbi", parent=doj)
    return CommitmentFactory(
        lead_agency=fbi, announcement=AnnouncementFactory(issuer=doj)
    )


def client_as(api_client, who):
    """An API client for one role of the permission matrix."""
    if who == "anonymous":
        return api_client
    if who == "maintainer":
        from django.contrib.auth.models import Group

        user = UserFactory(username="maint")
        user.groups.add(Group.objects.get(name="Maintainers"))
    elif who == "superuser":
        user = UserFactory(username="root", is_staff=True, is_superuser=True)
    else:
        user = UserFactory(username=who)
        agency = {
            "editor_of_fbi": "fbi",
            "editor_of_doj": "doj",
            "editor_of_other": "other",
            "plain_user": None,
        }[who]
        if agency:
            AgencyFactory(slug=agency).editors.add(user)
    return authorize(api_client, user)


ROLES = [
    "anonymous",
    "plain_user",
    "editor_of_fbi",
    "editor_of_doj",
    "editor_of_other",
    "maintainer",
    "superuser",
]


@pytest.mark.parametrize("who", ROLES)
def test_everyone_reads(api_client, maintainer, fbi_commitment, who):
    client = client_as(api_client, who)

    for path in (
        "/api/v1/commitments/",
        f"/api/v1/commitments/{fbi_commitment.pk}/",
        f"/api/v1/commitments/{fbi_commitment.pk}/updates/",
        "/api/v1/agencies/fbi/",
    ):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize(
    "who, expected",
    [
        ("anonymous", 401),
        ("plain_user", 403),
        ("editor_of_fbi", 201),
        ("editor_of_doj", 201),  # the FBI is below the DOJ
        ("editor_of_other", 403),
        ("maintainer", 201),
        ("superuser", 201),
    ],
)
def test_post_progress(api_client, maintainer, fbi_commitment, who, expected):
    client = client_as(api_client, who)

    response = client.post(
        f"/api/v1/commitments/{fbi_commitment.pk}/updates/", PROGRESS
    )

    assert response.status_code == expected, response.json()
    assert ProgressUpdate.objects.count() == (1 if expected == 201 else 0)
    fbi_commitment.refresh_from_db()
    assert fbi_commitment.status == ("in_progress" if expected == 201 else "not_rated")


def test_editor_of_a_child_agency_cannot_post_on_the_parents_commitment(api_client):
    doj = AgencyFactory(slug="doj")
    AgencyFactory(slug="fbi", parent=doj)
    doj_commitment = CommitmentFactory(lead_agency=doj)
    client = client_as(api_client, "editor_of_fbi")

    response = client.post(
        f"/api/v1/commitments/{doj_commitment.pk}/updates/", PROGRESS
    )

    assert response.status_code == 403


@pytest.mark.parametrize(
    "who, expected",
    [
        ("anonymous", 401),
        ("plain_user", 403),
        ("editor_of_fbi", 403),
        ("editor_of_doj", 403),
        ("maintainer", 200),
        ("superuser", 200),
    ],
)
def test_change_a_commitment(api_client, maintainer, fbi_commitment, who, expected):
    client = client_as(api_client, who)
    etag = api_client.get(f"/api/v1/commitments/{fbi_commitment.pk}/")["ETag"]

    response = client.patch(
        f"/api/v1/commitments/{fbi_commitment.pk}/",
        {"title": "Renamed"},
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == expected
    fbi_commitment.refresh_from_db()
    assert (fbi_commitment.title == "Renamed") == (expected == 200)


@pytest.mark.parametrize(
    "who, expected",
    [
        ("anonymous", 401),
        ("editor_of_fbi", 403),
        ("maintainer", 201),
        ("superuser", 201),
    ],
)
def test_create_an_agency(api_client, maintainer, fbi_commitment, who, expected):
    client = client_as(api_client, who)

    response = client.post(
        "/api/v1/agencies/", {"slug": "atf", "name": "ATF", "parent": "doj"}
    )

    assert response.status_code == expected


@pytest.mark.parametrize(
    "who", ["anonymous", "editor_of_fbi", "maintainer", "superuser"]
)
def test_nobody_deletes(api_client, maintainer, fbi_commitment, who):
    client = client_as(api_client, who)

    for path in (
        f"/api/v1/commitments/{fbi_commitment.pk}/",
        "/api/v1/agencies/fbi/",
        f"/api/v1/announcements/{fbi_commitment.announcement.slug}/",
        f"/api/v1/topics/{fbi_commitment.topic.slug}/",
    ):
        assert client.delete(path).status_code == 405
    assert Commitment.objects.filter(pk=fbi_commitment.pk).exists()


def test_inactive_user_token_is_refused(api_client, fbi_commitment):
    user = UserFactory()
    AgencyFactory(slug="fbi").editors.add(user)
    authorize(api_client, user)
    user.is_active = False
    user.save()

    response = api_client.post(
        f"/api/v1/commitments/{fbi_commitment.pk}/updates/", PROGRESS
    )

    assert response.status_code == 401


def test_add_progress_permission_alone_does_not_reach_other_agencies(api_client):
    """Editors may hold the add-progress permission for the admin's inline; it
    does not let them post on commitments outside their agencies."""
    from django.contrib.auth.models import Permission

    editor = UserFactory(username="inline-editor", is_staff=True)
    editor.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="commitments", codename="add_progressupdate"
        )
    )
    AgencyFactory(slug="atf").editors.add(editor)
    theirs = CommitmentFactory(lead_agency=AgencyFactory(slug="atf"))
    other = CommitmentFactory()
    authorize(api_client, editor)

    assert (
        api_client.post(
            f"/api/v1/commitments/{other.pk}/updates/", PROGRESS
        ).status_code
        == 403
    )
    assert (
        api_client.post(
            f"/api/v1/commitments/{theirs.pk}/updates/", PROGRESS
        ).status_code
        == 201
    )


def test_editor_of_a_supporting_agency_posts_progress(api_client):
    doj = AgencyFactory(slug="doj")
    fbi = AgencyFactory(slug="fbi", parent=doj)
    nics = CommitmentFactory(lead_agency=doj)
    nics.supporting_agencies.add(fbi)
    client = client_as(api_client, "editor_of_fbi")

    response = client.post(f"/api/v1/commitments/{nics.pk}/updates/", PROGRESS)

    assert response.status_code == 201
    assert nics.updates.count() == 1


def test_part_of_the_maintainers_permissions_does_not_make_a_maintainer(api_client):
    """Adding commitments and progress is not all a maintainer holds: such a user
    posts progress only where they are an editor, as in the admin."""
    from django.contrib.auth.models import Permission

    user = UserFactory(username="half-maintainer")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="commitments",
            codename__in=["add_commitment", "add_progressupdate"],
        )
    )
    commitment = CommitmentFactory()
    authorize(api_client, user)

    response = api_client.post(
        f"/api/v1/commitments/{commitment.pk}/updates/", PROGRESS
    )

    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_a_cycle_of_parent_agencies_does_not_stop_an_editor(api_client):
    # clean() refuses a cycle; a raw write can still leave one behind.
    first = AgencyFactory(slug="first")
    second = AgencyFactory(slug="second", parent=first)
    Agency.objects.filter(pk=first.pk).update(parent=second)
    commitment = CommitmentFactory(lead_agency=second)
    editor = UserFactory(username="cycle-editor")
    first.editors.add(editor)
    authorize(api_client, editor)

    response = api_client.post(
        f"/api/v1/commitments/{commitment.pk}/updates/", PROGRESS
    )

    assert response.status_code == 201

"""The "Maintainers" group comes with the database (migrations 0005 and 0011),
holding what docs/design.md ("Who may do what") gives maintainers; its members
maintain in the admin and the API alike, an agency's aliases included."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from commitments.models import AgencyAlias
from tests.conftest import authorize
from tests.factories import AgencyFactory, CommitmentFactory

pytestmark = pytest.mark.django_db


def test_the_migrations_create_the_group_with_the_maintainers_permissions():
    group = Group.objects.get(name="Maintainers")

    assert sorted(group.permissions.values_list("codename", flat=True)) == [
        "add_agency",
        "add_announcement",
        "add_commitment",
        "add_draft",
        "add_progressupdate",
        "add_topic",
        "change_agency",
        "change_announcement",
        "change_commitment",
        "change_draft",
        "change_progressupdate",
        "change_topic",
    ]


def test_a_member_maintains_through_the_api(api_client, maintainer):
    commitment = CommitmentFactory()
    client = authorize(api_client, maintainer)

    agency = client.post("/api/v1/agencies/", {"slug": "atf", "name": "ATF"})
    progress = client.post(
        f"/api/v1/commitments/{commitment.pk}/updates/",
        {"reported_on": "2018-05-01", "status": "stalled", "summary": "Blocked."},
    )

    assert (agency.status_code, progress.status_code) == (201, 201)


def test_a_member_maintains_in_the_admin(client, maintainer):
    AgencyFactory(slug="doj")
    client.force_login(maintainer)

    response = client.post(
        reverse("admin:commitments_agency_add"),
        {
            "name": "Bureau of Alcohol",
            "slug": "atf",
            "level": "federal",
            # The aliases inline, which a maintainer writes with the agency.
            "aliases-TOTAL_FORMS": "1",
            "aliases-INITIAL_FORMS": "0",
            "aliases-0-name": "the ATF",
        },
    )

    assert response.status_code == 302
    assert list(
        AgencyAlias.objects.filter(agency__slug="atf").values_list("name", flat=True)
    ) == ["the ATF"]
    index = client.get(reverse("admin:index"))
    models = {
        m["object_name"] for app in index.context["app_list"] for m in app["models"]
    }
    assert {"Agency", "Announcement", "Commitment", "ProgressUpdate", "Topic"} <= models

"""`manage.py grant_agency USERNAME AGENCY_SLUG` makes a user an editor."""

import io

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import authorize
from tests.factories import AgencyFactory, CommitmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_grants_the_agency_and_those_below_it(api_client):
    doj = AgencyFactory(slug="doj")
    fbi = AgencyFactory(slug="fbi", parent=doj)
    user = UserFactory(username="ann")
    out = io.StringIO()

    call_command("grant_agency", "ann", "doj", stdout=out)

    assert list(user.edited_agencies.all()) == [doj]
    assert "doj, fbi" in out.getvalue()
    user.refresh_from_db()
    assert user.is_staff  # editors sign in to the admin
    commitment = CommitmentFactory(lead_agency=fbi)
    response = authorize(api_client, user).post(
        f"/api/v1/commitments/{commitment.pk}/updates/",
        {"reported_on": "2018-04-01", "status": "stalled", "summary": "Nothing yet."},
    )
    assert response.status_code == 201


def test_granting_twice_changes_nothing():
    doj = AgencyFactory(slug="doj")
    UserFactory(username="ann")

    call_command("grant_agency", "ann", "doj", stdout=io.StringIO())
    call_command("grant_agency", "ann", "doj", stdout=io.StringIO())

    assert doj.editors.count() == 1


def test_unknown_user_or_agency_is_an_error():
    AgencyFactory(slug="doj")
    UserFactory(username="ann")

    with pytest.raises(CommandError, match="No user named 'bob'"):
        call_command("grant_agency", "bob", "doj")
    with pytest.raises(CommandError, match="No agency with the slug 'cia'"):
        call_command("grant_agency", "ann", "cia")

"""Announcement intake in the admin and from the command line, and the demo's
aliases in the fixture."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from commitments.models import AgencyAlias, Commitment, Draft
from tests.factories import AgencyFactory, AnnouncementFactory, TopicFactory

BODY = (
    "Within 90 days of the date of this order, the Attorney General shall submit a "
    "report to the President. The Attorney General shall review tips annually."
)


@pytest.fixture
def announcement(db):
    TopicFactory(slug="prosecutions")
    doj = AgencyFactory(slug="doj", name="Department of Justice")
    AgencyAlias.objects.create(agency=doj, name="the Attorney General")
    return AnnouncementFactory(
        slug="order", issuer=doj, announced_on=datetime.date(2019, 2, 11), body=BODY
    )


def test_the_command_stores_and_prints_the_drafts(announcement):
    out = StringIO()
    call_command("propose_commitments", "order", stdout=out)
    printed = out.getvalue()
    assert "2 drafts proposed for order" in printed
    assert "due 2019-05-12" in printed
    assert "who must act: the Attorney General (doj)" in printed
    assert Draft.objects.filter(announcement=announcement).count() == 2


def test_the_command_names_an_unknown_announcement(db):
    with pytest.raises(CommandError, match="No announcement"):
        call_command("propose_commitments", "nothing")


def test_the_admin_proposes_then_accepts_and_rejects(client, announcement, maintainer):
    maintainer.is_staff = True
    maintainer.save()
    client.force_login(maintainer)
    response = client.post(
        reverse("admin:commitments_announcement_changelist"),
        {"action": "propose_commitments", "_selected_action": [announcement.pk]},
        follow=True,
    )
    assert "2 drafts proposed" in response.content.decode()
    first, second = Draft.objects.order_by("quote_start")
    changelist = reverse("admin:commitments_draft_changelist")
    client.post(changelist, {"action": "accept", "_selected_action": [first.pk]})
    client.post(changelist, {"action": "reject", "_selected_action": [second.pk]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == "accepted"
    assert first.decided_by == maintainer
    assert Commitment.objects.get().due_date == datetime.date(2019, 5, 12)
    assert second.state == "rejected"


def test_the_demo_fixture_loads_its_aliases_once(db):
    call_command("loaddata", "doj-2018-03-12", verbosity=0)
    first = sorted(AgencyAlias.objects.values_list("agency__slug", "name"))
    call_command("loaddata", "doj-2018-03-12", verbosity=0)
    assert sorted(AgencyAlias.objects.values_list("agency__slug", "name")) == first
    assert ("doj", "the Attorney General") in first
    assert ("fbi", "the Director of the FBI") in first

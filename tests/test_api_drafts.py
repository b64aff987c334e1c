"""Announcement intake through the API: propose drafts from an announcement's text,
list them, accept or reject them (docs/design.md, "Drafts (announcement intake)")."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from commitments.models import (
    AgencyAlias,
    Announcement,
    Commitment,
    Draft,
    normalise_whitespace,
)
from tests.conftest import authorize
from tests.factories import (
    AgencyFactory,
    AnnouncementFactory,
    CommitmentFactory,
    TopicFactory,
    UserFactory,
)

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "doj-2018-03-12.json"


def demo_body():
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return next(r for r in rows if r["model"] == "commitments.announcement")["fields"][
        "body"
    ]


@pytest.fixture
def demo(db):
    """The demo's agencies, aliases and topics, and a new announcement with the
    demo's text and no commitments yet."""
    call_command("loaddata", "doj-2018-03-12", verbosity=0)
    return AnnouncementFactory(
        slug="doj-text",
        issuer=AgencyFactory(slug="doj"),
        announced_on=datetime.date(2018, 3, 12),
        body=demo_body(),
    )


@pytest.fixture
def client(api_client, maintainer):
    return authorize(api_client, maintainer)


def propose(client, slug="doj-text"):
    return client.post(f"/api/v1/announcements/{slug}/drafts/", {}, format="json")


def test_the_demo_text_proposes_the_nics_certification_and_the_tip_review(client, demo):
    response = propose(client)
    assert response.status_code == 201
    body = response.json()
    assert body["count"] == len(body["results"]) > 5
    nics = [d for d in body["results"] if d["deadline_text"] == "over the next 45 days"]
    assert len(nics) == 1
    assert nics[0]["kind"] == "time_bound"
    assert nics[0]["due_in_days"] == 45
    assert nics[0]["due_date"] == "2018-04-26"
    assert nics[0]["lead_agency"] == "nics-federal-agencies"
    assert "federal agencies who submit records" in nics[0]["lead_agency_text"]
    review = [d for d in body["results"] if "immediate review" in d["source_quote"]]
    assert len(review) == 1
    assert review[0]["due_in_days"] == 0
    assert review[0]["due_date"] == "2018-03-12"
    assert review[0]["lead_agency"] == "doj"


def test_every_draft_quote_is_verbatim_at_its_offsets(client, demo):
    results = propose(client).json()["results"]
    for draft in results:
        assert (
            demo.body[draft["quote_start"] : draft["quote_end"]]
            == (draft["source_quote"])
        )
        assert normalise_whitespace(draft["source_quote"]) in normalise_whitespace(
            demo.body
        )
        assert 0 <= draft["confidence"] <= 1
        assert draft["state"] == "proposed"
        assert draft["commitment"] is None


def test_proposing_again_replaces_the_drafts_still_proposed(client, demo):
    first = propose(client).json()
    second = propose(client).json()
    assert Draft.objects.filter(announcement=demo).count() == second["count"]
    assert first["count"] == second["count"]
    assert not {d["id"] for d in first["results"]} & {
        d["id"] for d in second["results"]
    }


def test_obligations_already_tracked_are_skipped(client, demo):
    CommitmentFactory(
        announcement=demo,
        source_quote="He ordered an immediate review of the way the department "
        "handles violent crime tips",
    )
    body = propose(client).json()
    assert not [d for d in body["results"] if "immediate review" in d["source_quote"]]
    assert [s["deadline_text"] for s in body["skipped"]] == ["immediate"]


def test_the_demo_announcement_with_its_commitments_skips_what_they_track(client, db):
    call_command("loaddata", "doj-2018-03-12", verbosity=0)
    body = propose(client, "doj-school-safety-2018-03-12").json()
    skipped_deadlines = {s["deadline_text"] for s in body["skipped"]}
    assert {"over the next 45 days", "immediate"} <= skipped_deadlines


def test_accepting_creates_the_commitment_and_records_who(client, demo, maintainer):
    results = propose(client).json()["results"]
    nics = next(d for d in results if d["due_in_days"] == 45)
    response = client.post(
        f"/api/v1/drafts/{nics['id']}/accept/",
        {"slug": "nics-certification", "topic": "background-checks"},
        format="json",
    )
    assert response.status_code == 201
    commitment = response.json()
    assert response["Location"] == commitment["url"]
    assert commitment["slug"] == "nics-certification"
    assert commitment["topic"] == "background-checks"
    assert commitment["due_date"] == "2018-04-26"
    assert commitment["kind"] == "time_bound"
    assert commitment["lead_agency"]["slug"] == "nics-federal-agencies"
    assert commitment["source_quote"] == nics["source_quote"]
    draft = Draft.objects.get(pk=nics["id"])
    assert draft.state == "accepted"
    assert draft.commitment_id == commitment["id"]
    assert draft.decided_by == maintainer
    assert draft.decided_at is not None


def test_accepting_twice_is_a_conflict(client, demo):
    draft = propose(client).json()["results"][0]
    assert client.post(f"/api/v1/drafts/{draft['id']}/accept/").status_code == 201
    second = client.post(f"/api/v1/drafts/{draft['id']}/accept/")
    assert second.status_code == 409
    assert Commitment.objects.filter(announcement=demo).count() == 1


def test_an_event_relative_draft_needs_a_date_or_becomes_open_ended(client, db):
    TopicFactory()
    agency = AgencyFactory(slug="doc", name="Department of Commerce")
    AgencyAlias.objects.create(agency=agency, name="the Secretary of Commerce")
    AnnouncementFactory(
        slug="order",
        body="The Secretary of Commerce shall act within 60 days of receipt of "
        "the reports. The Secretary of Commerce shall publish within 30 days of "
        "receipt of the plans.",
    )
    first, second = propose(client, "order").json()["results"]
    assert first["deadline_event"] == "receipt of the reports"
    assert first["due_date"] is None
    open_ended = client.post(f"/api/v1/drafts/{first['id']}/accept/").json()
    assert open_ended["kind"] == "open_ended"
    assert open_ended["due_date"] is None
    dated = client.post(
        f"/api/v1/drafts/{second['id']}/accept/",
        {"due_date": "2019-06-30"},
        format="json",
    ).json()
    assert dated["kind"] == "time_bound"
    assert dated["due_date"] == "2019-06-30"


def test_accepting_an_unresolved_lead_without_one_is_refused_by_name(client, db):
    TopicFactory()
    AnnouncementFactory(slug="order", body="The Wizard of Oz shall report promptly.")
    [draft] = propose(client, "order").json()["results"]
    assert draft["lead_agency"] is None
    response = client.post(f"/api/v1/drafts/{draft['id']}/accept/")
    assert response.status_code == 400
    assert "lead_agency" in response.json()
    assert not Commitment.objects.exists()


def test_an_unknown_override_is_refused_by_name(client, demo):
    draft = propose(client).json()["results"][0]
    response = client.post(
        f"/api/v1/drafts/{draft['id']}/accept/", {"status": "fulfilled"}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()


@pytest.mark.parametrize(
    "override, field",
    [
        ({"title": 123}, "title"),
        ({"slug": True}, "slug"),
        ({"deadline_text": 45}, "deadline_text"),
        ({"due_date": "2018-4-26"}, "due_date"),
        ({"title": "Certify", "unknown": 1}, "unknown"),
        ({"parent": ""}, "parent"),
    ],
)
def test_an_override_is_as_strict_as_a_commitments_field(client, demo, override, field):
    # As a commitment's own fields: text is a string, a date exactly YYYY-MM-DD.
    draft = propose(client).json()["results"][0]
    response = client.post(
        f"/api/v1/drafts/{draft['id']}/accept/", override, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_rejecting_records_who_and_keeps_the_draft_out_of_later_proposals(
    client, demo, maintainer
):
    results = propose(client).json()["results"]
    nics = next(d for d in results if d["due_in_days"] == 45)
    response = client.post(f"/api/v1/drafts/{nics['id']}/reject/")
    assert response.status_code == 200
    assert response.json()["state"] == "rejected"
    assert response.json()["decided_by"] == "maintainer"
    again = propose(client).json()
    assert not [d for d in again["results"] if d["due_in_days"] == 45]
    assert [s["due_in_days"] for s in again["skipped"]] == [45]


def test_the_list_is_paginated_and_filtered_by_state(client, demo):
    results = propose(client).json()["results"]
    client.post(f"/api/v1/drafts/{results[0]['id']}/reject/")
    listed = client.get("/api/v1/announcements/doj-text/drafts/?state=rejected")
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    assert listed.json()["results"][0]["id"] == results[0]["id"]
    everything = client.get("/api/v1/announcements/doj-text/drafts/?page_size=2")
    assert everything.json()["count"] == len(results)
    assert len(everything.json()["results"]) == 2
    bad = client.get("/api/v1/announcements/doj-text/drafts/?state=maybe")
    assert bad.status_code == 400
    assert "state" in bad.json()


def test_an_unknown_announcement_is_404(client, db):
    assert propose(client, "nothing").status_code == 404
    assert client.get("/api/v1/announcements/nothing/drafts/").status_code == 404


@pytest.mark.parametrize(
    ("body", "status", "count"),
    [
        ("The weather was fine and everyone went home early.", 201, 0),
        ("Le ministre a annoncé que le gouvernement doit agir vite " * 20, 400, None),
        ("Министр заявил, что правительство будет действовать.", 400, None),
        (" ", 400, None),
    ],
)
def test_bad_texts_get_a_clear_answer(client, db, body, status, count):
    Announcement.objects.bulk_create(
        [
            Announcement(
                slug="odd",
                title="Odd",
                issuer=AgencyFactory(),
                announced_on=datetime.date(2019, 1, 1),
                body=body,
            )
        ]
    )
    response = propose(client, "odd")
    assert response.status_code == status
    if count is None:
        assert "body" in response.json()
    else:
        assert response.json()["count"] == count


def test_a_two_megabyte_text_gets_a_clear_answer(client, db):
    Announcement.objects.bulk_create(
        [
            Announcement(
                slug="huge",
                title="Huge",
                issuer=AgencyFactory(),
                announced_on=datetime.date(2019, 1, 1),
                body="The Secretary shall report within 30 days. " * 48000,
            )
        ]
    )
    response = propose(client, "huge")
    assert response.status_code == 400
    assert "characters" in response.json()["body"][0]
    assert not Draft.objects.exists()


def test_anonymous_clients_are_refused(api_client, demo):
    assert propose(api_client).status_code == 401
    assert api_client.get("/api/v1/announcements/doj-text/drafts/").status_code == 401


def test_editors_are_refused(api_client, demo, client):
    draft = propose(client).json()["results"][0]
    editor = UserFactory(username="editor", is_staff=True)
    demo.issuer.editors.add(editor)
    authorize(api_client, editor)
    assert propose(api_client).status_code == 403
    assert api_client.get("/api/v1/announcements/doj-text/drafts/").status_code == 403
    assert api_client.post(f"/api/v1/drafts/{draft['id']}/accept/").status_code == 403
    assert api_client.post(f"/api/v1/drafts/{draft['id']}/reject/").status_code == 403
    assert Draft.objects.get(pk=draft["id"]).state == "proposed"


def test_aliases_are_written_and_read_with_the_agency(client, db):
    AgencyFactory(slug="doj", name="Department of Justice")
    response = client.patch(
        "/api/v1/agencies/doj/",
        {"aliases": ["the Attorney General", "the AG"]},
        format="json",
    )
    assert response.status_code == 200
    assert sorted(response.json()["aliases"]) == ["the AG", "the Attorney General"]
    assert sorted(client.get("/api/v1/agencies/doj/").json()["aliases"]) == [
        "the AG",
        "the Attorney General",
    ]


def test_an_alias_is_unique_regardless_of_case(client, db):
    AgencyFactory(slug="doj")
    AgencyFactory(slug="fbi")
    client.patch("/api/v1/agencies/doj/", {"aliases": ["The Bureau"]}, format="json")
    response = client.patch(
        "/api/v1/agencies/fbi/", {"aliases": ["the bureau"]}, format="json"
    )
    assert response.status_code == 400
    assert "aliases" in response.json()
    assert AgencyAlias.objects.get().agency.slug == "doj"


@pytest.mark.parametrize("obligations", [1, 40])
def test_proposing_costs_the_same_queries_however_many_obligations(
    api_client, maintainer, django_assert_num_queries, obligations
):
    api_client.force_authenticate(maintainer)
    TopicFactory()
    AgencyFactory()
    sentence = "Within {n} days of the date of this order, the Secretary shall report. "
    AnnouncementFactory(
        slug="long",
        body="".join(sentence.format(n=n) for n in range(1, obligations + 1)),
    )
    with django_assert_num_queries(17):
        # 1. SAVEPOINT: the request's transaction
        # 2. the maintainer's permissions, own and through groups
        #    (tracker/auth_backends.py)
        # 3. the announcement, locked
        # 4-5. the agencies and their aliases
        # 6. the topics
        # 7-8. the quotes of its commitments and of its decided drafts
        # 9-10. the fallback topic: the announcement's most used, then any
        # 11. SAVEPOINT: replacing the drafts
        # 12. the drafts still proposed, to delete (none here)
        # 13. INSERT of every draft (SQLite inserts 49 at a time: its limit of
        #     999 parameters)
        # 14. RELEASE SAVEPOINT
        # 15-16. the new drafts with their agencies and topic, then their
        #     supporting agencies
        # 17. RELEASE SAVEPOINT
        response = propose(api_client, "long")
    assert response.json()["count"] == obligations


def test_a_long_order_is_read_whole():
    """How long it takes is measured by bench/intake/evaluate.py, not here."""
    from bench.intake.evaluate import long_order
    from commitments.intake import extract

    text = long_order()
    proposals = extract(text, datetime.date(2019, 2, 11))

    assert len(text) == 60_000
    assert len(proposals) > 200

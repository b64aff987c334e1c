"""Where a duty's words sit in its sentence (commitments/intake.py): a timing phrase
set off by commas between "shall" and the verb, and a section heading on the same
line as the sentence, still leave one obligation, read as the plain sentence is.
Then the same through `Draft.objects.propose`, as an audit of new announcements
ran it."""

import datetime

import pytest

from commitments.intake import KnownAgency, extract
from commitments.models import AgencyAlias, Draft
from tests.factories import AgencyFactory, AnnouncementFactory

ANNOUNCED = datetime.date(2025, 1, 31)
AGENCIES = [
    KnownAgency("doj", "Department of Justice", "DOJ", ("the Attorney General",)),
    KnownAgency("ed", "Department of Education", "ED", ("the Secretary of Education",)),
]


def only(text):
    proposals = extract(text, ANNOUNCED, AGENCIES)
    assert len(proposals) == 1, [p.source_quote for p in proposals]
    return proposals[0]


@pytest.mark.parametrize(
    ("sentence", "deadline_text", "days", "due"),
    [
        (
            "The Secretary of Education shall, within 30 days, publish guidance.",
            "within 30 days",
            30,
            "2025-03-02",
        ),
        (
            "The Secretary of Education shall, not later than 60 days after the date "
            "of this order, publish guidance.",
            "not later than 60 days after the date of this order",
            60,
            "2025-04-01",
        ),
        (
            "The Secretary of Education shall, by March 1, 2025, publish guidance.",
            "by March 1, 2025",
            None,
            "2025-03-01",
        ),
        (
            "The Secretary of Education shall, within 30 days, and annually "
            "thereafter, publish guidance.",
            "within 30 days",
            30,
            "2025-03-02",
        ),
    ],
)
def test_a_timing_phrase_between_shall_and_the_verb_is_the_deadline(
    sentence, deadline_text, days, due
):
    proposal = only(sentence)
    assert proposal.kind == "time_bound"
    assert proposal.deadline_text == deadline_text
    assert proposal.due_in_days == days
    assert proposal.due_date == datetime.date.fromisoformat(due)
    assert proposal.lead_agency_text == "The Secretary of Education"
    assert proposal.lead_agency == "ed"
    assert proposal.title == "Publish guidance"
    assert proposal.source_quote == sentence


@pytest.mark.parametrize(
    "heading",
    ["Sec. 2. Policy. ", "Sec. 2. Policy.\n", "Section 3. Reports. ", "Sec. 4.\n"],
)
def test_a_section_heading_before_a_dated_duty_leaves_the_duty(heading):
    sentence = "The Attorney General shall submit a report within 30 days."
    text = heading + sentence
    proposal = only(text)
    plain = only(sentence)
    assert proposal.source_quote == sentence
    assert text[proposal.quote_start : proposal.quote_end] == sentence
    for name in ("kind", "due_in_days", "due_date", "lead_agency_text", "lead_agency"):
        assert getattr(proposal, name) == getattr(plain, name)
    assert proposal.due_in_days == 30
    assert proposal.lead_agency == "doj"


def test_a_policy_section_still_states_no_duty_without_a_date():
    assert (
        extract(
            "Sec. 2. Policy. The United States must lead in AI. Agencies shall "
            "promote trustworthy AI.",
            ANNOUNCED,
            AGENCIES,
        )
        == []
    )


AUDIT = [
    (
        "The Attorney General shall submit a report within 90 days of the end of each "
        "fiscal year.",
        {
            "kind": "ongoing",
            "due_in_days": None,
            "due_date": None,
            "deadline_event": "",
        },
    ),
    (
        "The Attorney General shall submit a report within 90 days of the end of each "
        "year.",
        {
            "kind": "ongoing",
            "due_in_days": None,
            "due_date": None,
            "deadline_event": "",
        },
    ),
    (
        "The Secretary of Education shall publish guidance by October 1 of each year.",
        {"kind": "ongoing", "deadline_text": "by October 1 of each year"},
    ),
    (
        "The Secretary of Education shall, by October 1 of each year, publish a list "
        "of schools.",
        {
            "kind": "ongoing",
            "deadline_text": "by October 1 of each year",
            "lead_agency_text": "The Secretary of Education",
            "due_date": None,
        },
    ),
    (
        "The Secretary of Education shall, within 30 days, publish guidance.",
        {
            "kind": "time_bound",
            "due_in_days": 30,
            "due_date": datetime.date(2025, 3, 2),
        },
    ),
    (
        "Sec. 2. Policy. The Attorney General shall submit a report within 30 days.",
        {
            "kind": "time_bound",
            "due_in_days": 30,
            "due_date": datetime.date(2025, 3, 2),
            "lead_agency_text": "The Attorney General",
            "source_quote": (
                "The Attorney General shall submit a report within 30 days."
            ),
        },
    ),
]


@pytest.mark.parametrize(("body", "expected"), AUDIT)
def test_the_audited_announcements_propose_one_draft_each(db, body, expected):
    doj = AgencyFactory(slug="doj", name="Department of Justice")
    AgencyAlias.objects.create(agency=doj, name="the Attorney General")
    education = AgencyFactory(slug="ed", name="Department of Education")
    AgencyAlias.objects.create(agency=education, name="the Secretary of Education")
    announcement = AnnouncementFactory(
        slug="audit", issuer=doj, announced_on=ANNOUNCED, body=body
    )
    Draft.objects.propose(announcement)
    [draft] = Draft.objects.filter(announcement=announcement)
    for name, value in expected.items():
        assert getattr(draft, name) == value, name

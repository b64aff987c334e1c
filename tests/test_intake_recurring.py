"""A recurring duty is ongoing, and its deadline keeps the words that state it
(commitments/intake.py; docs/design.md, "Drafts (announcement intake)"): "within 90
days of the end of each fiscal year" recurs, so it names no event to wait for and
no due date; "by October 1 of each year" is a date that comes back every year.
Pure functions: no database."""

import datetime

import pytest

from commitments.intake import extract

ANNOUNCED = datetime.date(2025, 1, 31)


def only(text):
    proposals = extract(text, ANNOUNCED)
    assert len(proposals) == 1, [p.source_quote for p in proposals]
    return proposals[0]


@pytest.mark.parametrize(
    ("sentence", "deadline_text"),
    [
        (
            "The Attorney General shall submit a report within 90 days of the end "
            "of each fiscal year.",
            "within 90 days of the end of each fiscal year",
        ),
        (
            "The Attorney General shall submit a report within 90 days of the end "
            "of each year.",
            "within 90 days of the end of each year",
        ),
        (
            "The Attorney General shall submit a report within 30 days after the "
            "close of every calendar year.",
            "within 30 days after the close of every calendar year",
        ),
    ],
)
def test_a_count_from_an_event_that_comes_back_each_year_is_ongoing(
    sentence, deadline_text
):
    proposal = only(sentence)
    assert proposal.kind == "ongoing"
    assert proposal.deadline_text == deadline_text
    assert proposal.deadline_event == ""
    assert proposal.due_date is None
    assert proposal.due_in_days is None
    assert proposal.lead_agency_text == "The Attorney General"


def test_a_count_from_a_single_event_still_waits_for_it():
    proposal = only(
        "The Attorney General shall submit a report within 90 days of the end of "
        "the fiscal year in which the review is completed."
    )
    assert proposal.kind == "time_bound"
    assert proposal.deadline_event == (
        "the end of the fiscal year in which the review is completed"
    )
    assert proposal.due_date is None


@pytest.mark.parametrize(
    ("sentence", "deadline_text"),
    [
        (
            "The Secretary of Education shall publish guidance by October 1 of "
            "each year.",
            "by October 1 of each year",
        ),
        (
            "The Secretary of Education shall publish guidance not later than "
            "March 31 of every year.",
            "not later than March 31 of every year",
        ),
        (
            "The Secretary of Education shall publish guidance on or before the "
            "15th day of January of each year.",
            "on or before the 15th day of January of each year",
        ),
    ],
)
def test_a_date_of_each_year_is_ongoing_and_keeps_its_words(sentence, deadline_text):
    proposal = only(sentence)
    assert proposal.kind == "ongoing"
    assert proposal.deadline_text == deadline_text
    assert proposal.due_date is None
    assert proposal.due_in_days is None


def test_a_date_of_each_year_set_off_between_shall_and_the_verb():
    proposal = only(
        "The Secretary of Education shall, by October 1 of each year, publish a "
        "list of schools."
    )
    assert proposal.kind == "ongoing"
    assert proposal.deadline_text == "by October 1 of each year"
    assert proposal.lead_agency_text == "The Secretary of Education"
    assert proposal.due_date is None
    assert proposal.title == "Publish a list of schools"


def test_a_first_fixed_date_before_the_yearly_one_makes_it_time_bound():
    proposal = only(
        "The Secretary of Education shall publish guidance by January 1, 2026, and "
        "by October 1 of each year thereafter."
    )
    assert proposal.kind == "time_bound"
    assert proposal.due_date == datetime.date(2026, 1, 1)


def test_a_later_deadline_does_not_replace_a_recurring_duty_s_own():
    first, second = extract(
        "The Attorney General shall submit a report within 90 days of the end of "
        "each fiscal year. The report shall be published within 30 days of its "
        "submission.",
        ANNOUNCED,
    )
    assert first.kind == "ongoing"
    assert first.deadline_text == "within 90 days of the end of each fiscal year"
    assert second.kind == "time_bound"
    assert second.deadline_event == "its submission"

"""The extractor reads each way a text states a deadline (commitments/intake.py).
Pure functions: no database."""

import datetime

import pytest

from commitments.intake import extract

ANNOUNCED = datetime.date(2019, 2, 11)


def only(text, announced_on=ANNOUNCED):
    proposals = extract(text, announced_on)
    assert len(proposals) == 1, [p.source_quote for p in proposals]
    return proposals[0]


@pytest.mark.parametrize(
    ("sentence", "days", "due"),
    [
        ("The Secretary shall report within 45 days.", 45, "2019-03-28"),
        (
            "The Director shall certify over the next 45 days that records are sent.",
            45,
            "2019-03-28",
        ),
        (
            "Not later than 180 days after the date of this order, the Secretary "
            "shall submit a plan.",
            180,
            "2019-08-10",
        ),
        (
            "No later than 60 days from the date of this order, the Administrator "
            "shall publish guidance.",
            60,
            "2019-04-12",
        ),
        (
            "Within sixty (60) days of the date of this order, the Director shall "
            "issue a memorandum.",
            60,
            "2019-04-12",
        ),
    ],
)
def test_a_day_count_from_the_order_is_counted_from_the_announcement(
    sentence, days, due
):
    proposal = only(sentence)
    assert proposal.kind == "time_bound"
    assert proposal.due_in_days == days
    assert proposal.due_date == datetime.date.fromisoformat(due)
    assert proposal.deadline_event == ""


def test_months_and_years_count_calendar_months_and_days_are_the_difference():
    year = only("Within 1 year of the date of this order, the Secretary shall report.")
    assert year.due_date == datetime.date(2020, 2, 11)
    assert year.due_in_days == 365
    months = only(
        "Within 9 months of the date of this order, the Secretary shall report."
    )
    assert months.due_date == datetime.date(2019, 11, 11)
    assert months.due_in_days == 273


def test_a_calendar_date_is_the_due_date():
    proposal = only("The Secretary shall hold the first review by December 31, 2019.")
    assert proposal.kind == "time_bound"
    assert proposal.due_date == datetime.date(2019, 12, 31)
    assert proposal.deadline_text == "by December 31, 2019"


@pytest.mark.parametrize(
    "sentence",
    [
        "The Secretary shall immediately review all such regulations.",
        "He ordered an immediate review of the way the department handles tips.",
    ],
)
def test_immediately_is_zero_days(sentence):
    proposal = only(sentence)
    assert proposal.kind == "time_bound"
    assert proposal.due_in_days == 0
    assert proposal.due_date == ANNOUNCED


@pytest.mark.parametrize(
    "sentence",
    [
        "Agencies shall annually communicate their plans to the Committee.",
        "The Director shall review the list on an ongoing basis.",
        "Effective immediately, the Secretary shall publish each denial.",
        "Within 90 days of the enactment of appropriations, heads of agencies shall "
        "identify each year the programs concerned.",
    ],
)
def test_a_recurring_or_standing_duty_is_ongoing(sentence):
    proposal = only(sentence)
    assert proposal.kind == "ongoing"
    assert proposal.due_date is None
    assert proposal.due_in_days is None


def test_a_recurring_duty_with_a_fixed_first_date_is_time_bound():
    proposal = only(
        "The Director shall report by January 1, 2021, and every 180 days thereafter."
    )
    assert proposal.kind == "time_bound"
    assert proposal.due_date == datetime.date(2021, 1, 1)


def test_a_deadline_counted_from_another_event_names_the_event():
    proposal = only("The Secretary shall act within 60 days of receipt of the reports.")
    assert proposal.kind == "time_bound"
    assert proposal.deadline_text == "within 60 days of receipt of the reports"
    assert proposal.deadline_event == "receipt of the reports"
    assert proposal.due_date is None
    assert proposal.due_in_days is None


@pytest.mark.parametrize(
    "sentence",
    [
        "The Secretary shall file the forms on time.",
        "OMB shall issue a draft of the memorandum before it is finalized.",
        "The Secretary shall take appropriate steps to modify such regulations.",
    ],
)
def test_timing_without_a_date_is_no_deadline(sentence):
    proposal = only(sentence)
    assert proposal.kind == "open_ended"
    assert proposal.deadline_text == ""
    assert proposal.due_date is None


def test_a_deadline_in_a_later_sentence_completes_the_duty_it_belongs_to():
    text = (
        "The Secretary of Homeland Security shall develop a plan for an annual "
        "competition. The goal of the competition shall be to reward the best. The "
        "plan shall be submitted to the President within 90 days of the date of "
        "this order."
    )
    proposal = only(text)
    assert proposal.lead_agency_text == "The Secretary of Homeland Security"
    assert proposal.due_in_days == 90
    assert proposal.source_quote == text

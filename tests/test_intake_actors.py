"""The extractor names who must act as the text does, resolves anaphors, and keeps
one draft per obligation (commitments/intake.py). Pure functions: no database."""

import datetime

from commitments.intake import KnownAgency, extract

ANNOUNCED = datetime.date(2019, 2, 11)
AGENCIES = [
    KnownAgency("doc", "Department of Commerce", "DOC", ("the Secretary of Commerce",)),
    KnownAgency("nist", "National Institute of Standards and Technology", "NIST"),
    KnownAgency("omb", "Office of Management and Budget", "OMB"),
    KnownAgency("treasury", "Department of the Treasury", "", ("Treasury",)),
    KnownAgency("doj", "Department of Justice", "DOJ", ("the Attorney General",)),
    KnownAgency("states", "State governments", ""),
]


def proposals(text):
    return extract(text, ANNOUNCED, AGENCIES)


def test_the_subject_acting_through_another_is_the_lead():
    [proposal] = proposals(
        "Within 180 days of the date of this order, the Secretary of Commerce, "
        "acting through the Director of NIST, shall issue a plan for standards."
    )
    assert proposal.lead_agency_text == "the Secretary of Commerce"
    assert proposal.lead_agency == "doc"


def test_those_consulted_or_coordinated_with_support():
    [proposal] = proposals(
        "The Secretary of Commerce, in consultation with the Director of the Office "
        "of Management and Budget, shall publish guidance."
    )
    assert proposal.lead_agency == "doc"
    assert proposal.supporting_agencies_text == (
        "the Director of the Office of Management and Budget"
    )
    assert proposal.supporting_agencies == ["omb"]


def test_a_defined_title_is_read_as_what_it_stands_for():
    first, second = proposals(
        "The Secretary of the Treasury (Secretary) shall review the regulations. "
        "The Secretary shall publish the report."
    )
    assert second.lead_agency_text == "the Secretary of the Treasury"
    assert first.lead_agency_text == "The Secretary of the Treasury"


def test_such_agencies_are_the_agencies_named_before():
    first, second = proposals(
        "Heads of agencies that fund research shall consider AI a priority. "
        "Heads of such agencies shall budget an amount for it."
    )
    assert second.lead_agency_text == "Heads of agencies that fund research"


def test_called_on_makes_the_called_the_lead_and_the_caller_support():
    [proposal] = proposals(
        "The Attorney General called on state governments to improve reporting."
    )
    assert proposal.lead_agency_text == "state governments"
    assert proposal.lead_agency == "states"
    assert proposal.supporting_agencies == ["doj"]


def test_is_directed_to_obliges_its_subject():
    [proposal] = proposals("The Department of Justice is directed to review tips.")
    assert proposal.lead_agency == "doj"


def test_a_passive_names_its_agent():
    [proposal] = proposals(
        "The action plan shall be implemented by all agencies who receive it."
    )
    assert proposal.lead_agency_text == "all agencies who receive it"


def test_a_pronoun_is_read_as_the_person_named_before():
    first, second = proposals(
        "Attorney General Jeff Sessions said the department would help states. "
        "He ordered an immediate review of tips."
    )
    assert second.lead_agency_text == "Attorney General Jeff Sessions"
    assert second.lead_agency == "doj"


def test_the_paragraph_introducing_a_list_names_who_acts_on_each_item():
    text = (
        "The Administrator of General Services shall:\n"
        "    (i) incorporate the framework into contracts;\n"
        "    (ii) provide a report to the President, within 1 year of the date of "
        "this order, that describes the contracts.\n"
    )
    found = proposals(text)
    dated = [p for p in found if p.kind == "time_bound"]
    assert len(dated) == 1
    assert dated[0].lead_agency_text == "The Administrator of General Services"
    assert dated[0].due_date == datetime.date(2020, 2, 11)


def test_one_deadline_over_a_list_of_tasks_is_one_draft():
    text = (
        "Within 90 days of the date of this order, the Secretary of Commerce shall:\n"
        "    (i) review the standards;\n"
        "    (ii) consult industry; and\n"
        "    (iii) publish the results.\n"
    )
    [proposal] = proposals(text)
    assert proposal.due_in_days == 90
    assert proposal.source_quote.endswith("publish the results.")


def test_two_actors_with_separate_duties_are_two_drafts():
    first, second = proposals(
        "Similarly, he called on state governments to improve reporting of their "
        "records and said DOJ would provide them with reports on missing "
        "information."
    )
    assert first.lead_agency == "states"
    assert second.lead_agency == "doj"


def test_boilerplate_and_policy_oblige_nobody():
    text = (
        "Section 1. Policy. The United States must lead in AI.\n\n"
        "Sec. 2. General Provisions. (a) Nothing in this order shall be construed "
        "to impair the authority of an agency. (b) This order shall be implemented "
        "consistent with applicable law."
    )
    assert proposals(text) == []


def test_every_quote_is_the_verbatim_text_at_its_offsets():
    text = (
        "Within 90 days of the date of this order, the Secretary of Commerce\n"
        "shall publish   guidance. The Attorney General shall review tips."
    )
    for proposal in proposals(text):
        assert text[proposal.quote_start : proposal.quote_end] == (
            proposal.source_quote
        )

"""The admin's commitment list: columns, filters and search."""

import datetime

import pytest
from django.urls import reverse

from commitments.models import Commitment, Status
from tests.factories import (
    AgencyFactory,
    AnnouncementFactory,
    CommitmentFactory,
    ProgressUpdateFactory,
    TopicFactory,
)

URL = reverse("admin:commitments_commitment_changelist")


@pytest.fixture
def commitments(db):
    doj = AgencyFactory(slug="doj", abbreviation="DOJ")
    states = AgencyFactory(slug="states", abbreviation="States")
    announcement = AnnouncementFactory(issuer=doj)
    checks = TopicFactory(slug="background-checks", name="Background checks")
    certify = CommitmentFactory(
        announcement=announcement,
        title="Certify NICS reporting",
        topic=checks,
        time_bound=True,
    )
    review = CommitmentFactory(
        announcement=announcement,
        title="Review tips",
        description="How the department handles violent crime tips.",
        source_quote="It will review tips immediately.",
        kind=Commitment.Kind.TIME_BOUND,
        deadline_text="immediate",
        due_in_days=0,
    )
    ProgressUpdateFactory(
        commitment=review,
        status=Status.FULFILLED,
        reported_on=datetime.date(2018, 5, 1),
    )
    prosecute = CommitmentFactory(
        announcement=announcement,
        title="Keep prosecuting",
        lead_agency=states,
        source_quote="It will keep prosecuting cases.",
        kind=Commitment.Kind.ONGOING,
    )
    # A second announcement, so the announcement filter has a choice to offer.
    CommitmentFactory(title="Another announcement's promise")
    return {"certify": certify, "review": review, "prosecute": prosecute}


def titles(response):
    return sorted(c.title for c in response.context["cl"].result_list)


def test_list_shows_title_lead_due_date_status_and_overdue(
    client, staff_user, commitments
):
    client.force_login(staff_user)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Certify NICS reporting" in page
    assert "DOJ" in page
    assert "2018-04-26" in page
    assert "Not yet rated" in page
    assert "Fulfilled" in page
    # The 45-day deadline passed with no final assessment: the list marks it.
    assert '<strong class="overdue-flag">Overdue</strong>' in page
    filters = [spec.title for spec in response.context["cl"].filter_specs]
    assert filters == [
        "status",
        "lead agency",
        "announcement",
        "topic",
        "kind",
        "overdue",
    ]


def test_list_filters_narrow_the_list(client, staff_user, commitments):
    client.force_login(staff_user)
    certify = commitments["certify"]
    states = commitments["prosecute"].lead_agency
    cases = {
        "status=fulfilled": ["Review tips"],
        f"lead_agency__id__exact={states.pk}": ["Keep prosecuting"],
        f"topic__id__exact={certify.topic_id}": ["Certify NICS reporting"],
        "kind__exact=ongoing": ["Keep prosecuting"],
        "overdue=yes": ["Certify NICS reporting"],
        "overdue=no": [
            "Another announcement's promise",
            "Keep prosecuting",
            "Review tips",
        ],
        f"announcement__id__exact={certify.announcement_id}": [
            "Certify NICS reporting",
            "Keep prosecuting",
            "Review tips",
        ],
    }
    for query, expected in cases.items():
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, query
        assert titles(response) == expected, query


def test_search_covers_title_description_and_quote(client, staff_user, commitments):
    client.force_login(staff_user)
    assert titles(client.get(URL, {"q": "nics"})) == ["Certify NICS reporting"]
    assert titles(client.get(URL, {"q": "violent crime"})) == ["Review tips"]
    assert titles(client.get(URL, {"q": "keep prosecuting cases"})) == [
        "Keep prosecuting"
    ]


def test_list_costs_the_same_queries_for_more_rows(
    client, staff_user, commitments, django_assert_num_queries
):
    client.force_login(staff_user)
    client.get(URL)
    for _ in range(10):
        CommitmentFactory(announcement=commitments["certify"].announcement)
    # 1. the session, 2. the user, 3-5. the lead agency, announcement and topic
    # filters' choices, 6. the filtered count, 7. the total count, 8. the page of
    # rows with their agency and announcement joined, 9-10. the savepoint that
    # wraps the request (ATOMIC_REQUESTS) and its release: none per row.
    with django_assert_num_queries(10):
        response = client.get(URL)
    assert len(response.context["cl"].result_list) == 14

"""Filters, search, ordering and pagination of /api/v1/commitments/, and the 400
that a value naming nothing gets."""

import datetime

import pytest

from commitments.models import Status
from tests.factories import (
    AgencyFactory,
    AnnouncementFactory,
    CommitmentFactory,
    ProgressUpdateFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def test_filter_by_status_is_repeatable(api_client):
    rated = CommitmentFactory()
    ProgressUpdateFactory(commitment=rated, status=Status.STALLED)
    broken = CommitmentFactory()
    ProgressUpdateFactory(commitment=broken, status=Status.BROKEN)
    CommitmentFactory()

    assert ids(api_client.get("/api/v1/commitments/?status=stalled")) == [rated.pk]
    assert ids(api_client.get("/api/v1/commitments/?status=stalled&status=broken")) == [
        rated.pk,
        broken.pk,
    ]


def test_filter_by_lead_agency_and_by_agency(api_client):
    doj = AgencyFactory(slug="doj")
    fbi = AgencyFactory(slug="fbi")
    led = CommitmentFactory(lead_agency=doj)
    supported = CommitmentFactory(lead_agency=fbi)
    supported.supporting_agencies.add(doj)
    CommitmentFactory(lead_agency=fbi)

    assert ids(api_client.get("/api/v1/commitments/?lead_agency=doj")) == [led.pk]
    assert ids(api_client.get("/api/v1/commitments/?agency=doj")) == [
        led.pk,
        supported.pk,
    ]


def test_filter_by_announcement_topic_and_kind(api_client):
    announcement = AnnouncementFactory(slug="doj-2018")
    topic = TopicFactory(slug="background-checks")
    timed = CommitmentFactory(time_bound=True, announcement=announcement)
    other = CommitmentFactory(topic=topic)

    assert ids(api_client.get("/api/v1/commitments/?announcement=doj-2018")) == [
        timed.pk
    ]
    assert ids(api_client.get("/api/v1/commitments/?topic=background-checks")) == [
        other.pk
    ]
    assert ids(api_client.get("/api/v1/commitments/?kind=time_bound")) == [timed.pk]


def test_filter_overdue_and_late(api_client):
    overdue = CommitmentFactory(time_bound=True)
    late = CommitmentFactory(time_bound=True)
    ProgressUpdateFactory(
        commitment=late, status=Status.FULFILLED, reported_on=datetime.date(2018, 6, 1)
    )
    on_time = CommitmentFactory(time_bound=True)
    ProgressUpdateFactory(
        commitment=on_time,
        status=Status.FULFILLED,
        reported_on=datetime.date(2018, 4, 1),
    )
    open_ended = CommitmentFactory()

    assert ids(api_client.get("/api/v1/commitments/?overdue=true")) == [overdue.pk]
    assert ids(api_client.get("/api/v1/commitments/?overdue=false")) == [
        late.pk,
        on_time.pk,
        open_ended.pk,
    ]
    assert ids(api_client.get("/api/v1/commitments/?late=true")) == [late.pk]
    assert ids(api_client.get("/api/v1/commitments/?late=false")) == [
        overdue.pk,
        on_time.pk,
        open_ended.pk,
    ]


def test_due_before_and_after_are_inclusive(api_client):
    first = CommitmentFactory(time_bound=True, due_in_days=10)  # 2018-03-22
    second = CommitmentFactory(time_bound=True, due_in_days=45)  # 2018-04-26
    CommitmentFactory()

    assert ids(api_client.get("/api/v1/commitments/?due_before=2018-03-22")) == [
        first.pk
    ]
    assert ids(api_client.get("/api/v1/commitments/?due_after=2018-03-22")) == [
        first.pk,
        second.pk,
    ]
    assert ids(
        api_client.get(
            "/api/v1/commitments/?due_after=2018-03-23&due_before=2018-04-26"
        )
    ) == [second.pk]


def test_search_title_description_and_quote(api_client):
    by_title = CommitmentFactory(title="Certify NICS records")
    by_description = CommitmentFactory(description="Agencies must certify.")
    by_quote = CommitmentFactory(time_bound=True, title="Something", description="Else")
    CommitmentFactory(title="Unrelated", description="Nothing")

    assert ids(api_client.get("/api/v1/commitments/?search=CERTIFY")) == [
        by_title.pk,
        by_description.pk,
        by_quote.pk,
    ]
    # Every word must occur.
    assert ids(api_client.get("/api/v1/commitments/?search=certify+nics")) == [
        by_title.pk
    ]


def test_ordering_breaks_ties_by_id(api_client):
    late_deadline = CommitmentFactory(time_bound=True, due_in_days=90, title="B")
    early_a = CommitmentFactory(time_bound=True, due_in_days=10, title="C")
    early_b = CommitmentFactory(time_bound=True, due_in_days=10, title="A")
    no_deadline = CommitmentFactory(title="D")

    assert ids(api_client.get("/api/v1/commitments/?ordering=due_date")) == [
        early_a.pk,
        early_b.pk,
        late_deadline.pk,
        no_deadline.pk,
    ]
    assert ids(api_client.get("/api/v1/commitments/?ordering=-due_date")) == [
        late_deadline.pk,
        early_a.pk,
        early_b.pk,
        no_deadline.pk,
    ]
    assert ids(api_client.get("/api/v1/commitments/?ordering=title")) == [
        early_b.pk,
        late_deadline.pk,
        early_a.pk,
        no_deadline.pk,
    ]
    assert ids(api_client.get("/api/v1/commitments/?ordering=-status")) == [
        late_deadline.pk,
        early_a.pk,
        early_b.pk,
        no_deadline.pk,
    ]
    assert ids(api_client.get("/api/v1/commitments/")) == sorted(
        [late_deadline.pk, early_a.pk, early_b.pk, no_deadline.pk]
    )


def test_ordering_by_updated_at(api_client):
    first = CommitmentFactory()
    second = CommitmentFactory()
    first.title = "Touched last"
    first.save()

    assert ids(api_client.get("/api/v1/commitments/?ordering=-updated_at")) == [
        first.pk,
        second.pk,
    ]


def test_pagination_shape_and_page_size_cap(api_client):
    CommitmentFactory.create_batch(3)

    body = api_client.get("/api/v1/commitments/?page_size=2").json()
    assert set(body) == {"count", "next", "previous", "results", "as_of"}
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"].endswith("page=2&page_size=2")
    assert body["previous"] is None

    body = api_client.get("/api/v1/commitments/?page=2&page_size=2").json()
    assert len(body["results"]) == 1
    assert body["next"] is None


def test_page_size_is_capped_at_100(api_client):
    CommitmentFactory.create_batch(101, announcement=AnnouncementFactory())

    body = api_client.get("/api/v1/commitments/?page_size=1000").json()

    assert body["count"] == 101
    assert len(body["results"]) == 100


def test_default_page_size_is_50(api_client):
    CommitmentFactory.create_batch(51, announcement=AnnouncementFactory())

    assert len(api_client.get("/api/v1/commitments/").json()["results"]) == 50


def test_page_past_the_end_is_404_json(api_client):
    CommitmentFactory()

    response = api_client.get("/api/v1/commitments/?page=5")

    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("status=finished", "status"),
        ("status=stalled&status=nope", "status"),
        ("lead_agency=nobody", "lead_agency"),
        ("agency=nobody", "agency"),
        ("announcement=nothing", "announcement"),
        ("topic=nothing", "topic"),
        ("kind=someday", "kind"),
        ("overdue=maybe", "overdue"),
        ("late=yes", "late"),
        ("due_before=2018-02-30", "due_before"),
        ("due_after=yesterday", "due_after"),
        ("ordering=priority", "ordering"),
        ("ordering=due_date,-id", "ordering"),
        ("search=a%00b", "search"),
        ("lead_agency=a%00b", "lead_agency"),
        ("page_size=0", "page_size"),
        ("page_size=many", "page_size"),
    ],
)
def test_bad_filter_value_gets_400_naming_the_parameter(api_client, query, parameter):
    CommitmentFactory()

    response = api_client.get(f"/api/v1/commitments/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [parameter]
    assert response.json()[parameter][0]


def test_summary_rejects_bad_filters_too(api_client):
    response = api_client.get("/api/v1/commitments/summary/?status=finished")

    assert response.status_code == 400
    assert "status" in response.json()

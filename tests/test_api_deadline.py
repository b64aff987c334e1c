"""Deadline revisions through the API: changing due_date or due_in_days needs a
deadline_change_reason in the same request and writes one deadline change, shown in
the commitment's JSON; a due date that contradicts the day count is refused; the
original due date keeps showing."""

from datetime import date

import pytest

from commitments.models import Commitment, DeadlineChange
from tests.conftest import authorize
from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commitment():
    return CommitmentFactory(time_bound=True)  # 45 days: due 2018-04-26


def patch(client, commitment, body):
    url = f"/api/v1/commitments/{commitment.pk}/"
    return client.patch(url, body, HTTP_IF_MATCH=client.get(url)["ETag"])


@pytest.mark.parametrize(
    "change",
    [
        {"due_in_days": 60},
        {"due_in_days": None, "due_date": "2018-06-30"},
        {"due_in_days": None, "due_date": None, "kind": "open_ended"},
    ],
)
def test_deadline_change_without_a_reason_is_400(
    api_client, maintainer, commitment, change
):
    authorize(api_client, maintainer)

    response = patch(api_client, commitment, change)

    assert response.status_code == 400
    assert list(response.json()) == ["deadline_change_reason"]
    assert Commitment.objects.get(pk=commitment.pk).version == 1


def test_deadline_change_with_a_reason_is_kept_in_the_history(
    api_client, maintainer, commitment
):
    authorize(api_client, maintainer)

    response = patch(
        api_client,
        commitment,
        {
            "due_in_days": 60,
            "deadline_change_reason": "Extended by the Attorney General.",
        },
    )

    assert response.status_code == 200
    body = response.json()
    assert body["due_date"] == "2018-05-11"
    assert body["original_due_date"] == "2018-04-26"
    latest = commitment.history.order_by("-history_date").first()
    assert latest.history_change_reason == "Extended by the Attorney General."
    entry = api_client.get(f"/api/v1/commitments/{commitment.pk}/history/").json()[
        "results"
    ][0]
    assert entry["change_reason"] == "Extended by the Attorney General."
    assert {"field": "due_date", "old": "2018-04-26", "new": "2018-05-11"} in entry[
        "changes"
    ]


def test_other_changes_need_no_reason(api_client, maintainer, commitment):
    authorize(api_client, maintainer)

    response = patch(api_client, commitment, {"title": "Renamed", "due_in_days": 45})

    assert response.status_code == 200


def test_blank_reason_is_not_a_reason(api_client, maintainer, commitment):
    authorize(api_client, maintainer)

    response = patch(
        api_client, commitment, {"due_in_days": 50, "deadline_change_reason": "  "}
    )

    assert response.status_code == 400
    assert "deadline_change_reason" in response.json()


def test_a_due_date_contradicting_the_day_count_is_400_not_a_no_op(
    api_client, maintainer, commitment
):
    authorize(api_client, maintainer)

    response = patch(
        api_client,
        commitment,
        {"due_date": "2031-01-01", "deadline_change_reason": "Moved."},
    )

    assert response.status_code == 400
    assert list(response.json()) == ["due_date"]
    assert "45 days after the announcement" in response.json()["due_date"][0]
    commitment = Commitment.objects.get(pk=commitment.pk)
    assert (commitment.due_date, commitment.version) == (date(2018, 4, 26), 1)
    assert commitment.history.count() == 1
    assert not DeadlineChange.objects.exists()


def test_a_new_date_with_the_day_count_cleared_moves_the_deadline(
    api_client, maintainer, commitment
):
    authorize(api_client, maintainer)

    response = patch(
        api_client,
        commitment,
        {
            "due_in_days": None,
            "due_date": "2031-01-01",
            "deadline_change_reason": "Extended by statute.",
        },
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["due_in_days"], body["due_date"]) == (None, "2031-01-01")
    assert body["original_due_date"] == "2018-04-26"


def test_a_deadline_change_is_one_record_in_the_commitments_json(
    api_client, maintainer, commitment
):
    authorize(api_client, maintainer)

    response = patch(
        api_client,
        commitment,
        {
            "due_in_days": 60,
            "deadline_change_reason": "Extended by the Attorney General.",
            "deadline_changed_on": "2018-04-20",
        },
    )

    assert response.status_code == 200
    assert response.json()["deadline_changes"] == [
        {
            "changed_on": "2018-04-20",
            "old_due_date": "2018-04-26",
            "new_due_date": "2018-05-11",
            "reason": "Extended by the Attorney General.",
            "author": "maintainer",
        }
    ]
    assert "deadline_change_reason" not in response.json()
    assert DeadlineChange.objects.count() == 1


def test_deadline_changes_read_newest_first(api_client, maintainer, commitment):
    authorize(api_client, maintainer)
    patch(
        api_client,
        commitment,
        {"due_in_days": 60, "deadline_change_reason": "First extension."},
    )
    patch(
        api_client,
        commitment,
        {
            "due_in_days": None,
            "due_date": None,
            "kind": "open_ended",
            "deadline_change_reason": "The deadline was dropped.",
        },
    )

    body = api_client.get(f"/api/v1/commitments/{commitment.pk}/").json()

    assert [
        (c["old_due_date"], c["new_due_date"], c["reason"])
        for c in body["deadline_changes"]
    ] == [
        ("2018-05-11", None, "The deadline was dropped."),
        ("2018-04-26", "2018-05-11", "First extension."),
    ]
    assert body["original_due_date"] == "2018-04-26"


def test_a_first_deadline_is_a_deadline_change_too(api_client, maintainer):
    commitment = CommitmentFactory()
    authorize(api_client, maintainer)

    refused = patch(
        api_client, commitment, {"kind": "time_bound", "due_date": "2018-12-31"}
    )
    response = patch(
        api_client,
        commitment,
        {
            "kind": "time_bound",
            "due_date": "2018-12-31",
            "deadline_change_reason": "The agency set a date.",
        },
    )

    assert list(refused.json()) == ["deadline_change_reason"]
    assert response.status_code == 200
    assert [
        (c["old_due_date"], c["new_due_date"])
        for c in response.json()["deadline_changes"]
    ] == [(None, "2018-12-31")]


@pytest.mark.parametrize(
    "changed_on, message",
    [
        ("2018-03-11", "A deadline change cannot predate the announcement"),
        ("2999-01-01", "A deadline change cannot be dated in the future."),
        ("20180401", "Date has wrong format"),
    ],
)
def test_a_bad_deadline_changed_on_is_400_naming_it(
    api_client, maintainer, commitment, changed_on, message
):
    authorize(api_client, maintainer)

    response = patch(
        api_client,
        commitment,
        {
            "due_in_days": 60,
            "deadline_change_reason": "Extended.",
            "deadline_changed_on": changed_on,
        },
    )

    assert response.status_code == 400
    assert list(response.json()) == ["deadline_changed_on"]
    assert response.json()["deadline_changed_on"][0].startswith(message)
    assert not DeadlineChange.objects.exists()


def test_a_put_that_changes_the_day_count_moves_the_deadline(
    api_client, maintainer, commitment
):
    authorize(api_client, maintainer)
    url = f"/api/v1/commitments/{commitment.pk}/"
    body = api_client.get(url).json()
    writable = {
        name: body[name]
        for name in (
            "slug",
            "announcement",
            "parent",
            "title",
            "description",
            "source_quote",
            "topic",
            "kind",
            "deadline_text",
            "due_date",
        )
    }
    writable["lead_agency"] = body["lead_agency"]["slug"]

    response = api_client.put(
        url,
        {**writable, "due_in_days": 50, "deadline_change_reason": "Five more days."},
        HTTP_IF_MATCH=api_client.get(url)["ETag"],
    )

    assert response.status_code == 200
    # The unchanged due date sent back follows the new day count.
    assert response.json()["due_date"] == "2018-05-01"
    assert len(response.json()["deadline_changes"]) == 1


def test_creating_a_commitment_records_no_deadline_change(api_client, maintainer):
    existing = CommitmentFactory(time_bound=True)
    authorize(api_client, maintainer)

    response = api_client.post(
        "/api/v1/commitments/",
        {
            "slug": "new-one",
            "announcement": existing.announcement.slug,
            "title": "New",
            "source_quote": "certify over the next 45 days",
            "lead_agency": existing.lead_agency.slug,
            "topic": existing.topic.slug,
            "kind": "time_bound",
            "due_in_days": 10,
        },
    )

    assert response.status_code == 201
    assert response.json()["deadline_changes"] == []
    assert not DeadlineChange.objects.exists()


def test_a_day_count_past_the_year_9999_is_400_naming_it(
    api_client, maintainer, commitment
):
    authorize(api_client, maintainer)

    response = patch(
        api_client,
        commitment,
        {"due_in_days": 5_000_000, "deadline_change_reason": "Forever."},
    )

    assert response.status_code == 400
    assert list(response.json()) == ["due_in_days"]
    assert "would pass the year 9999" in response.json()["due_in_days"][0]


def test_an_announcement_date_its_deadlines_cannot_follow_is_400(
    api_client, maintainer, commitment
):
    # A day count that ends on the last day there is: the announcement cannot
    # move a day later.
    last = (date(9999, 12, 31) - commitment.announcement.announced_on).days
    Commitment.objects.filter(pk=commitment.pk).update(due_in_days=last)
    authorize(api_client, maintainer)

    response = api_client.patch(
        f"/api/v1/announcements/{commitment.announcement.slug}/",
        {"announced_on": "2018-03-13"},
    )

    assert response.status_code == 400
    assert response.json() == {
        "announced_on": [
            f"Too late: a deadline of {last} days after this date would pass the "
            "year 9999."
        ]
    }

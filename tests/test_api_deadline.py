"""Deadline revisions through the API: changing due_date or due_in_days needs a
deadline_change_reason in the same request, kept in the history; the original
due date keeps showing."""

import pytest

from commitments.models import Commitment
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

"""`as_of=YYYY-MM-DD` on the commitment list, detail, summary and CSV: every value as
it stood at the end of that day (docs/design.md, "Status as of")."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from commitments.models import Commitment, Status
from tests.admin_forms import form_data
from tests.conftest import authorize
from tests.factories import (
    AgencyFactory,
    AnnouncementFactory,
    CommitmentFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db

BUMP_STOCK = "/a/doj-2018-03-12-school-safety/bump-stock-regulation/"


@pytest.fixture
def demo(db):
    call_command("loaddata", "doj-2018-03-12", verbosity=0)


def bump_stock_url(api_client):
    commitment = Commitment.objects.get(slug="bump-stock-regulation")
    return f"/api/v1/commitments/{commitment.pk}/"


@pytest.mark.parametrize(
    "query, status",
    [
        ("?as_of=2018-06-01", "in_progress"),
        ("?as_of=2019-06-01", "fulfilled"),
        ("", "broken"),
    ],
)
def test_the_demo_bump_stock_rule_over_time(api_client, demo, query, status):
    response = api_client.get(bump_stock_url(api_client) + query)

    assert response.status_code == 200
    assert response.json()["status"] == status
    assert response.json()["as_of"] == (query.removeprefix("?as_of=") or None)


def test_the_demo_bump_stock_rule_latest_update_as_of_a_day(api_client, demo):
    body = api_client.get(bump_stock_url(api_client) + "?as_of=2019-06-01").json()

    assert body["latest_update"]["reported_on"] == "2019-04-01"
    assert body["status_as_of"] == "2019-04-01"


def expected_doj_overdue_on(day):
    """Worked out row by row in Python from the records, not by the query under
    test."""
    from commitments.models import Agency

    doj = Agency.objects.get(slug="doj")
    rows = []
    for commitment in Commitment.objects.all():
        agencies = {commitment.lead_agency_id} | {
            agency.pk for agency in commitment.supporting_agencies.all()
        }
        if doj.pk not in agencies or commitment.announcement.announced_on > day:
            continue
        updates = sorted(
            (
                update
                for update in commitment.updates.all()
                if update.retracted_at is None and update.reported_on <= day
            ),
            key=lambda update: (update.reported_on, update.created_at, update.pk),
        )
        status = updates[-1].status if updates else Status.NOT_RATED
        changes = sorted(
            commitment.deadline_changes.all(),
            key=lambda change: (change.changed_on, change.created_at, change.pk),
        )
        known = [change for change in changes if change.changed_on <= day]
        if known:
            due_date = known[-1].new_due_date
        elif changes:
            due_date = changes[0].old_due_date
        else:
            due_date = commitment.due_date
        if due_date is not None and due_date < day and status not in Status.final():
            rows.append(commitment.pk)
    return sorted(rows)


def test_doj_commitments_overdue_on_1_june_2018_is_one_request(api_client, demo):
    response = api_client.get(
        "/api/v1/commitments/?agency=doj&as_of=2018-06-01&overdue=true&page_size=100"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == "2018-06-01"
    ids = sorted(row["id"] for row in body["results"])
    assert ids == expected_doj_overdue_on(datetime.date(2018, 6, 1))
    assert ids, "the demo has DOJ commitments overdue on 1 June 2018"
    assert all(row["is_overdue"] and row["as_of"] for row in body["results"])


def test_a_future_day_is_refused_naming_as_of(api_client, demo):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for path in (
        "/api/v1/commitments/",
        "/api/v1/commitments/summary/",
        bump_stock_url(api_client),
        "/api/v1/commitments/?format=csv",
    ):
        separator = "&" if "?" in path else "?"
        response = api_client.get(f"{path}{separator}as_of={tomorrow.isoformat()}")

        assert response.status_code == 400, path
        assert "as_of" in response.json(), path


@pytest.mark.parametrize("value", ["2018-6-1", "20180601", "2018-02-30", "yesterday"])
def test_a_malformed_day_is_refused_naming_as_of(api_client, value):
    response = api_client.get(f"/api/v1/commitments/?as_of={value}")

    assert response.status_code == 400
    assert list(response.json()) == ["as_of"]


def test_today_is_accepted(api_client):
    CommitmentFactory()
    today = timezone.localdate().isoformat()

    response = api_client.get(f"/api/v1/commitments/?as_of={today}")

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_commitments_announced_later_are_left_out(api_client):
    early = CommitmentFactory(announcement__announced_on=datetime.date(2018, 3, 12))
    late = CommitmentFactory(announcement__announced_on=datetime.date(2019, 1, 1))

    listed = api_client.get("/api/v1/commitments/?as_of=2018-12-31").json()
    summary = api_client.get("/api/v1/commitments/summary/?as_of=2018-12-31").json()
    detail = api_client.get(f"/api/v1/commitments/{late.pk}/?as_of=2018-12-31")

    assert [row["id"] for row in listed["results"]] == [early.pk]
    assert summary["total"] == 1
    assert summary["as_of"] == "2018-12-31"
    assert detail.status_code == 404
    assert api_client.get(f"/api/v1/commitments/{late.pk}/").status_code == 200


def test_a_deadline_moved_today_shows_the_old_date_as_of_yesterday(api_client):
    commitment = CommitmentFactory(time_bound=True)
    old_due_date = commitment.due_date
    commitment.due_in_days = None
    commitment.due_date = timezone.localdate() + datetime.timedelta(days=30)
    commitment.deadline_change_reason = "The rule needs another round of comments."
    commitment.save()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    before = api_client.get(
        f"/api/v1/commitments/{commitment.pk}/?as_of={yesterday.isoformat()}"
    ).json()
    now = api_client.get(f"/api/v1/commitments/{commitment.pk}/").json()

    assert before["due_date"] == old_due_date.isoformat()
    assert before["deadline_changes"] == []
    assert before["is_overdue"] is True
    assert before["days_remaining"] == (old_due_date - yesterday).days
    assert now["due_date"] == commitment.due_date.isoformat()
    assert len(now["deadline_changes"]) == 1
    assert now["is_overdue"] is False


def test_before_the_first_change_the_due_date_is_the_one_it_moved_from(api_client):
    commitment = CommitmentFactory(time_bound=True)
    first_due = commitment.due_date
    for changed_on, days in (("2018-05-01", 60), ("2018-07-01", 90)):
        commitment.due_in_days = days
        commitment.deadline_change_reason = "Extended."
        commitment.deadline_changed_on = datetime.date.fromisoformat(changed_on)
        commitment.save()
    url = f"/api/v1/commitments/{commitment.pk}/"

    dates = [
        api_client.get(f"{url}?as_of={day}").json()["due_date"]
        for day in ("2018-04-01", "2018-05-01", "2018-06-30", "2018-07-01")
    ]

    announced = commitment.announcement.announced_on
    assert dates == [
        first_due.isoformat(),
        (announced + datetime.timedelta(days=60)).isoformat(),
        (announced + datetime.timedelta(days=60)).isoformat(),
        (announced + datetime.timedelta(days=90)).isoformat(),
    ]


def test_status_filters_and_order_read_the_day(api_client):
    announcement = AnnouncementFactory()
    rated_early = CommitmentFactory(announcement=announcement, title="B")
    rated_late = CommitmentFactory(announcement=announcement, title="A")
    ProgressUpdateFactory(commitment=rated_early, reported_on=datetime.date(2018, 4, 1))
    ProgressUpdateFactory(commitment=rated_late, reported_on=datetime.date(2018, 9, 1))

    in_progress = api_client.get(
        "/api/v1/commitments/?as_of=2018-06-01&status=in_progress"
    ).json()
    not_rated = api_client.get(
        "/api/v1/commitments/?as_of=2018-06-01&status=not_rated"
    ).json()
    by_status = api_client.get(
        "/api/v1/commitments/?as_of=2018-06-01&ordering=status"
    ).json()

    assert [row["id"] for row in in_progress["results"]] == [rated_early.pk]
    assert [row["id"] for row in not_rated["results"]] == [rated_late.pk]
    assert [row["status"] for row in by_status["results"]] == [
        "in_progress",
        "not_rated",
    ]
    assert not_rated["results"][0]["latest_update"] is None
    assert not_rated["results"][0]["status_as_of"] is None


def test_late_counts_final_assessments_dated_by_the_day(api_client):
    commitment = CommitmentFactory(time_bound=True)
    after_due = commitment.due_date + datetime.timedelta(days=10)
    ProgressUpdateFactory(
        commitment=commitment, reported_on=after_due, status=Status.FULFILLED
    )

    def summary(day):
        return api_client.get(f"/api/v1/commitments/summary/?as_of={day}").json()

    before = summary(after_due - datetime.timedelta(days=1))
    after = summary(after_due)

    assert (before["overdue"], before["late"]) == (1, 0)
    assert before["by_status"]["not_rated"] == 1
    assert (after["overdue"], after["late"]) == (0, 1)
    assert after["by_status"]["fulfilled"] == 1
    assert (
        api_client.get(f"/api/v1/commitments/?as_of={after_due}&late=true").json()[
            "count"
        ]
        == 1
    )


def test_checks_count_up_to_the_day(api_client):
    commitment = CommitmentFactory()
    ProgressUpdateFactory(commitment=commitment, reported_on=datetime.date(2018, 4, 1))
    commitment.confirm_status(datetime.date(2018, 8, 1))
    url = f"/api/v1/commitments/{commitment.pk}/"

    july = api_client.get(f"{url}?as_of=2018-07-01").json()
    september = api_client.get(f"{url}?as_of=2018-09-01").json()

    assert (july["last_checked_on"], july["status_as_of"]) == (None, "2018-04-01")
    assert september["last_checked_on"] == "2018-08-01"
    assert september["status_as_of"] == "2018-08-01"


def test_the_csv_reads_the_day(api_client):
    commitment = CommitmentFactory(title="Certify the records")
    ProgressUpdateFactory(
        commitment=commitment,
        reported_on=datetime.date(2018, 9, 1),
        summary="Certified.",
    )

    text = b"".join(
        api_client.get(
            "/api/v1/commitments/?format=csv&as_of=2018-06-01"
        ).streaming_content
    ).decode("utf-8")

    row = text.splitlines()[1]
    assert "Not yet rated" in row
    assert "Certified." not in row


def test_the_etag_covers_the_day(api_client):
    commitment = CommitmentFactory()
    url = f"/api/v1/commitments/{commitment.pk}/"

    now = api_client.get(url)
    earlier = api_client.get(f"{url}?as_of=2018-06-01")
    revalidated = api_client.get(
        f"{url}?as_of=2018-06-01", HTTP_IF_NONE_MATCH=earlier["ETag"]
    )
    other_day = api_client.get(
        f"{url}?as_of=2018-06-02", HTTP_IF_NONE_MATCH=earlier["ETag"]
    )

    assert now["ETag"] != earlier["ETag"]
    assert revalidated.status_code == 304
    assert other_day.status_code == 200


@pytest.mark.parametrize("count", [1, 30])
@pytest.mark.parametrize("as_of", ["", "as_of=2018-06-15&"])
def test_a_list_costs_the_same_with_or_without_as_of_whatever_its_size(
    api_client, django_assert_num_queries, count, as_of, no_response_cache
):
    supporting = AgencyFactory()
    announcement = AnnouncementFactory()
    for _ in range(count):
        commitment = CommitmentFactory(announcement=announcement, time_bound=True)
        commitment.supporting_agencies.add(supporting)
        ProgressUpdateFactory.create_batch(
            2, commitment=commitment, reported_on=datetime.date(2018, 5, 15)
        )
        commitment.due_in_days = 60
        commitment.deadline_change_reason = "Extended."
        commitment.deadline_changed_on = datetime.date(2018, 5, 1)
        commitment.save()
        commitment.confirm_status(datetime.date(2018, 6, 1))

    with django_assert_num_queries(7):
        # 1. SAVEPOINT: the request's transaction inside the test's
        # 2. COUNT for the page numbers
        # 3. the page of commitments (as of the day: with their status, due date,
        #    final assessment, last check, overdue and late as subqueries)
        # 4. the page's supporting agencies
        # 5. the page's latest updates (as of the day), one per commitment
        # 6. the page's deadline changes (as of the day), with their authors
        # (none of those updates was corrected: no query for corrections)
        # 7. RELEASE SAVEPOINT
        response = api_client.get(
            f"/api/v1/commitments/?{as_of}page_size=100&overdue=true&ordering=-due_date"
        )

    body = response.json()
    assert body["as_of"] == ("2018-06-15" if as_of else None)
    results = body["results"]
    assert len(results) == count
    assert all(row["latest_update"]["reported_on"] == "2018-05-15" for row in results)
    assert all(len(row["deadline_changes"]) == 1 for row in results)
    assert all(row["last_checked_on"] == "2018-06-01" for row in results)
    assert all(row["is_overdue"] for row in results)


def test_a_deadline_moved_through_the_api_reads_as_before_the_day_before(
    api_client, maintainer
):
    commitment = CommitmentFactory(time_bound=True)  # 45 days: due 2018-04-26
    url = f"/api/v1/commitments/{commitment.pk}/"
    authorize(api_client, maintainer)
    new_due = timezone.localdate() + datetime.timedelta(days=30)
    moved = api_client.patch(
        url,
        {
            "due_in_days": None,
            "due_date": new_due.isoformat(),
            "deadline_change_reason": "The agencies asked for more time.",
        },
        HTTP_IF_MATCH=api_client.get(url)["ETag"],
    )
    assert moved.status_code == 200
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    before = api_client.get(f"{url}?as_of={yesterday.isoformat()}").json()
    today = api_client.get(f"{url}?as_of={timezone.localdate().isoformat()}").json()

    assert before["due_date"] == "2018-04-26"
    assert before["deadline_changes"] == []
    assert before["is_overdue"] is True
    assert today["due_date"] == new_due.isoformat()
    assert [change["reason"] for change in today["deadline_changes"]] == [
        "The agencies asked for more time."
    ]


def test_a_deadline_moved_in_the_admin_reads_as_before_the_day_before(
    api_client, client, staff_user
):
    commitment = CommitmentFactory(time_bound=True)  # 45 days: due 2018-04-26
    change_url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    client.force_login(staff_user)
    data = form_data(client.get(change_url))
    data["due_in_days"] = "60"
    data["deadline_change_reason"] = "DOJ extended the deadline."
    assert client.post(change_url, data).status_code == 302
    url = f"/api/v1/commitments/{commitment.pk}/"
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    before = api_client.get(f"{url}?as_of={yesterday.isoformat()}").json()
    now = api_client.get(url).json()

    assert before["due_date"] == "2018-04-26"
    assert before["deadline_changes"] == []
    assert now["due_date"] == "2018-05-11"
    assert len(now["deadline_changes"]) == 1


def test_the_schema_declares_as_of_where_it_is_read(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    paths = schema["paths"]

    for path in (
        "/api/v1/commitments/",
        "/api/v1/commitments/summary/",
        "/api/v1/commitments/{id}/",
    ):
        (as_of,) = [
            parameter
            for parameter in paths[path]["get"]["parameters"]
            if parameter["name"] == "as_of"
        ]
        assert as_of["in"] == "query", path
        assert as_of["schema"] == {"type": "string", "format": "date"}, path
    for path in ("/api/v1/commitments/{id}/updates/", "/api/v1/changes/"):
        names = {parameter["name"] for parameter in paths[path]["get"]["parameters"]}
        assert "as_of" not in names, path
    components = schema["components"]["schemas"]
    for name in ("Commitment", "Summary", "PaginatedCommitmentList"):
        assert "as_of" in components[name]["required"], name
        assert components[name]["properties"]["as_of"]["type"] == ["string", "null"]

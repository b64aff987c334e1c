"""A related field that shows a few columns of a related row reads them from the
row itself where the queryset annotated them (ReadsRef, ModelSerializer.refs in
commitments/api/serializers.py): the JSON must be the same either way, null
authors included; the list and the detail then read no related row whole, and
the list's COUNT joins nothing (CountedApart)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from commitments.api import serializers as api
from commitments.api.views import CommitmentViewSet, progress_updates
from commitments.models import Commitment, Correction, DeadlineChange, ProgressUpdate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_response_cache")]


@pytest.fixture
def context(maintainer):
    call_command("loaddata", "doj-2018-03-12", verbosity=0)
    commitments = Commitment.objects.exclude(due_in_days=None).order_by("pk")
    # A deadline change with an author, and one without.
    for commitment, author in zip(commitments, [maintainer, None], strict=False):
        commitment.due_in_days += 10
        commitment.deadline_change_reason = "Extended by ten days."
        commitment.deadline_change_author = author
        commitment.save()
    # A correction with an author, and one without; an update without one.
    updates = ProgressUpdate.objects.order_by("pk")
    for update, author in zip(updates, [maintainer, None], strict=False):
        update.summary += " (corrected)"
        update.correction_note = "A fuller summary."
        update.corrected_by = author
        update.save()
    ProgressUpdate.objects.filter(pk=updates.last().pk).update(author=None)
    # A retraction by a user, and one by nobody named.
    for update, author in zip(updates.reverse()[:2], [maintainer, None], strict=True):
        update.retract("Withdrawn by its source.", author=author)
    request = Request(APIRequestFactory().get("/api/v1/", HTTP_HOST="testserver"))
    return {"request": request}


def test_refs_name_the_columns_the_fields_show():
    assert api.CommitmentSerializer.refs() == {
        "ref_announcement_slug": F("announcement__slug"),
        "ref_lead_agency_slug": F("lead_agency__slug"),
        "ref_lead_agency_name": F("lead_agency__name"),
        "ref_topic_slug": F("topic__slug"),
    }
    for serializer in (api.CorrectionSerializer, api.DeadlineChangeSerializer):
        assert serializer.refs() == {"ref_author_username": F("author__username")}
    # With those of the retraction, which it reads from the update itself.
    assert api.ProgressUpdateSerializer.refs() == {
        "ref_author_username": F("author__username"),
        "ref_retracted_by_username": F("retracted_by__username"),
    }
    # A serializer of no related rows has none.
    assert api.TopicSerializer.refs() == {}


@pytest.mark.parametrize(
    "serializer_class, with_refs, without",
    [
        (
            api.CommitmentSerializer,
            lambda: CommitmentViewSet.shown(Commitment.objects.all()),
            Commitment.objects.all,
        ),
        (api.ProgressUpdateSerializer, progress_updates, ProgressUpdate.objects.all),
        (
            api.CorrectionSerializer,
            lambda: Correction.objects.annotate(**api.CorrectionSerializer.refs()),
            Correction.objects.all,
        ),
        (
            api.DeadlineChangeSerializer,
            lambda: DeadlineChange.objects.annotate(
                **api.DeadlineChangeSerializer.refs()
            ),
            DeadlineChange.objects.all,
        ),
    ],
)
def test_the_same_json_with_refs_and_without(
    context, serializer_class, with_refs, without
):
    serializer = serializer_class(context=context)
    read = {row.pk: serializer.to_representation(row) for row in with_refs()}
    expected = {row.pk: serializer.to_representation(row) for row in without()}
    assert read == expected
    assert len(read) >= 2
    if serializer_class is api.ProgressUpdateSerializer:
        retracted_by = {
            update["retracted"]["author"]
            for update in read.values()
            if update["retracted"] is not None
        }
        assert retracted_by == {"maintainer", None}


@pytest.mark.parametrize(
    "serializer_class, rows",
    [
        (api.ProgressUpdateSerializer, progress_updates),
        (api.CorrectionSerializer, Correction.objects.all),
        (api.DeadlineChangeSerializer, DeadlineChange.objects.all),
    ],
)
def test_null_authors_shown_as_null(context, serializer_class, rows):
    serializer = serializer_class(context=context)
    authorless = rows().annotate(**serializer_class.refs()).filter(author=None)
    assert authorless
    for row in authorless:
        assert row.ref_author_username is None
        assert serializer.to_representation(row)["author"] is None


def queries_of(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/commitments/?status=in_progress&agency=doj",
        "/api/v1/commitments/?cursor=",
        "/api/v1/commitments/?as_of=2018-06-01",
        "detail",
        "timeline",
        "/api/v1/updates/",
    ],
)
def test_no_related_row_read_whole(context, api_client, path):
    if path == "detail":
        path = f"/api/v1/commitments/{Commitment.objects.first().pk}/"
    if path == "timeline":
        # Of a commitment with a retracted update: its retracting user too.
        retracted = ProgressUpdate.objects.exclude(retracted_at=None).first()
        path = f"/api/v1/commitments/{retracted.commitment_id}/updates/"
    queries = queries_of(api_client, path)
    # Neither an announcement's text nor a user's password hash is read: the
    # rows show their slugs and usernames.
    assert not any('"commitments_announcement"."body"' in sql for sql in queries)
    assert not any('"auth_user"."password"' in sql for sql in queries)
    ref = "ref_author_username" if "updates/" in path else "ref_announcement_slug"
    assert any(f'AS "{ref}"' in sql for sql in queries)


def test_the_list_counts_without_joins(context, api_client):
    queries = queries_of(api_client, "/api/v1/commitments/?status=in_progress")
    (count,) = [sql for sql in queries if "COUNT(*)" in sql]
    assert "JOIN" not in count
    page = api_client.get("/api/v1/commitments/?status=in_progress&page_size=1").json()
    assert page["count"] == Commitment.objects.filter(status="in_progress").count() > 1

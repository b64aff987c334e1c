"""CSV export: from the site (`/commitments.csv`, same filters as the list) and
through `CommitmentCSVRenderer` (`?format=csv` on an API commitment list), parsed
back with the csv module."""

import csv
import io

import pytest
from django.urls import include, path
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import pagination, routers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from commitments.api.renderers import CommitmentCSVRenderer
from commitments.exports import COLUMNS
from commitments.models import Commitment
from tests.factories import AnnouncementFactory, CommitmentFactory
from tests.site_data import build_announcement

pytestmark = pytest.mark.django_db


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="commitments.csv"'
    # A byte-order mark first, so spreadsheets read the file as UTF-8.
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == COLUMNS
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_csv_has_a_row_per_commitment_with_the_expected_columns(client):
    build_announcement()

    rows = read_csv(client.get("/commitments.csv"))

    assert COLUMNS == [
        "title",
        "announcement",
        "lead agency",
        "kind",
        "deadline as stated",
        "due date",
        "status",
        "overdue",
        "late",
        "latest update date",
        "latest update summary",
        "permalink",
    ]
    assert len(rows) == 5
    nics = rows[0]
    assert nics == {
        "title": "Certify NICS record reporting within 45 days",
        "announcement": "DOJ plan on school safety and gun crime",
        "lead agency": "Federal agencies that submit records to NICS",
        "kind": "Time-bound (has a deadline)",
        "deadline as stated": "over the next 45 days",
        "due date": "2018-04-26",
        "status": "Fulfilled",
        "overdue": "false",
        "late": "true",
        "latest update date": "2018-06-01",
        "latest update summary": "Every submitting agency has certified or filed a "
        "plan.",
        "permalink": "http://testserver/a/doj-school-safety-2018-03-12/"
        "nics-certification/",
    }
    fbi = rows[1]
    assert (fbi["overdue"], fbi["late"], fbi["latest update date"]) == (
        "true",
        "false",
        "",
    )
    commission = rows[4]
    assert (commission["due date"], commission["deadline as stated"]) == ("", "")


def test_csv_keeps_the_filters_of_the_list(client):
    build_announcement()

    rows = read_csv(client.get("/commitments.csv?agency=fbi&overdue=true"))

    assert [row["title"] for row in rows] == [
        "FBI certifies its NICS reporting",
        "Review how violent crime tips are handled",
    ]


def test_csv_quotes_commas_quotes_line_breaks_and_non_ascii_text(client):
    announcement = AnnouncementFactory(
        title="Plan, “phase two”",
        body='He said: "We will act, soon—and\nfor real."',
    )
    CommitmentFactory(
        announcement=announcement,
        title='Act "soon", and for real\nsecond line',
        source_quote="act, soon—and for real",
    )

    response = client.get("/commitments.csv")

    (row,) = read_csv(response)
    assert row["title"] == 'Act "soon", and for real\nsecond line'
    assert row["announcement"] == "Plan, “phase two”"
    assert b'"Act ""soon"", and for real\nsecond line"' in response.content


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised(client):
    announcement = AnnouncementFactory(body="=HYPERLINK(1) is a promise.")
    CommitmentFactory(
        announcement=announcement,
        title='=HYPERLINK("http://example.org")',
        deadline_text="+1 day",
        source_quote="is a promise",
    )

    (row,) = read_csv(client.get("/commitments.csv"))

    assert row["title"] == '\'=HYPERLINK("http://example.org")'
    assert row["deadline as stated"] == "'+1 day"


def test_csv_with_a_filter_naming_nothing_gets_400_json_naming_it(client):
    response = client.get("/commitments.csv?status=done&agency=nobody")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"status", "agency"}


@pytest.mark.parametrize("extra_commitments", [0, 30])
def test_csv_costs_the_same_queries_whatever_its_size(
    client, django_assert_num_queries, extra_commitments
):
    build_announcement(extra_commitments=extra_commitments)

    with django_assert_num_queries(5):
        # 1. SAVEPOINT (ATOMIC_REQUESTS, inside the test's transaction)
        # 2. the agencies the filter accepts
        # 3. the topics the filter accepts
        # 4. the commitments, overdue, late and latest update, with announcement
        #    and lead agency
        # 5. RELEASE SAVEPOINT
        response = client.get("/commitments.csv")

    assert len(read_csv(response)) == 5 + extra_commitments


# A commitment viewset wired the way the API's is: the CSV renderer beside JSON.
class CommitmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Commitment
        fields = ["id", "title"]


class TwoPerPage(pagination.PageNumberPagination):
    page_size = 2


class CommitmentViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Commitment.objects.all()
    serializer_class = CommitmentSerializer
    renderer_classes = [JSONRenderer, CommitmentCSVRenderer]
    pagination_class = TwoPerPage
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["status"]

    @action(detail=False)
    def summary(self, request):
        return Response({"total": self.filter_queryset(self.get_queryset()).count()})


router = routers.SimpleRouter()
router.register("commitments", CommitmentViewSet)
urlpatterns = [
    path("", include("commitments.site.urls")),
    path("api/", include(router.urls)),
]


@pytest.mark.urls("tests.test_csv")
def test_api_format_csv_exports_every_filtered_commitment_not_one_page(client):
    build_announcement()

    everything = read_csv(client.get("/api/commitments/?format=csv"))
    not_rated = read_csv(client.get("/api/commitments/?format=csv&status=not_rated"))

    assert len(everything) == 5
    assert [row["title"] for row in not_rated] == [
        "FBI certifies its NICS reporting",
        "States improve their reporting of disqualifying records",
        "Fully participate in the Federal Commission on School Safety",
    ]
    assert client.get("/api/commitments/").json()["count"] == 5


@pytest.mark.urls("tests.test_csv")
def test_api_format_csv_on_one_commitment_exports_its_row(client):
    announcement = build_announcement()
    tips = announcement.commitments.get(slug="tips-review")

    (row,) = read_csv(client.get(f"/api/commitments/{tips.pk}/?format=csv"))

    assert row["title"] == "Review how violent crime tips are handled"


@pytest.mark.urls("tests.test_csv")
def test_api_format_csv_errors_stay_json(client):
    bad_filter = client.get("/api/commitments/?format=csv&status=done")
    missing = client.get("/api/commitments/999999/?format=csv")

    assert bad_filter.status_code == 400
    assert bad_filter["Content-Type"] == "application/json"
    assert "status" in bad_filter.json()
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/json"
    assert "detail" in missing.json()


@pytest.mark.urls("tests.test_csv")
def test_api_format_csv_on_another_action_of_the_viewset_answers_json(client):
    build_announcement()

    response = client.get("/api/commitments/summary/?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"total": 5}

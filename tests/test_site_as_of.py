"""`?as_of=` on the public list, a commitment's page, an agency's page and
/commitments.csv: the values as they stood at the end of that day."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from commitments.models import Commitment
from tests.factories import CommitmentFactory, ProgressUpdateFactory
from tests.test_api_as_of import expected_doj_overdue_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("loaddata", "doj-2018-03-12", verbosity=0)


def bump_stock_path():
    return Commitment.objects.get(slug="bump-stock-regulation").get_absolute_url()


def test_the_bump_stock_page_as_of_2018(client, demo):
    response = client.get(bump_stock_path() + "?as_of=2018-06-01")

    text = response.content.decode()
    assert response.status_code == 200
    assert "As of 1 June 2018" in text
    assert 'class="status-line"' in text
    status_line = text.split('class="status-line"')[1].split("</p>")[0]
    assert "In progress" in status_line
    # The timeline stops at the day: the Supreme Court's decision is not on it.
    article = text.split("<h1>")[1].split("</article>")[0]
    assert "2018" in article
    assert "2024" not in article


def test_the_bump_stock_page_today_reads_broken(client, demo):
    text = client.get(bump_stock_path()).content.decode()

    status_line = text.split('class="status-line"')[1].split("</p>")[0]
    assert "Broken" in status_line
    assert "As of " not in text


def test_the_list_as_of_a_day_with_its_filters(client, demo):
    response = client.get("/commitments/?agency=doj&as_of=2018-06-01&overdue=true")

    text = response.content.decode()
    expected = Commitment.objects.filter(
        pk__in=expected_doj_overdue_on(datetime.date(2018, 6, 1))
    )
    assert response.status_code == 200
    assert "As of 1 June 2018" in text
    assert 'name="as_of"' in text
    assert f"{len(expected)} commitments match these filters" in text
    titles = [
        row.split("</a>")[0].split(">")[-1]
        for row in text.split("<tbody>")[1].split('<th scope="row">')[1:]
    ]
    assert sorted(titles) == sorted(commitment.title for commitment in expected)


def test_the_agency_page_counts_as_of_a_day(client):
    commitment = CommitmentFactory(
        announcement__issuer__slug="fbi", title="Review tips"
    )
    ProgressUpdateFactory(commitment=commitment, reported_on=datetime.date(2018, 9, 1))

    before = client.get("/agencies/fbi/?as_of=2018-06-01").content.decode()
    after = client.get("/agencies/fbi/?as_of=2018-10-01").content.decode()

    assert "Review tips" in before
    assert "As of 1 June 2018" in before
    assert "Not yet rated" in before.split("Review tips")[1][:600]
    assert "In progress" in after.split("Review tips")[1][:600]


def test_pages_refuse_a_future_day(client):
    commitment = CommitmentFactory(announcement__issuer__slug="fbi")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    for path in (
        "/commitments/",
        commitment.get_absolute_url(),
        "/agencies/fbi/",
        "/commitments.csv",
    ):
        response = client.get(f"{path}?as_of={tomorrow}")
        assert response.status_code == 400, path
        assert "as_of" in response.content.decode(), path


def test_a_commitment_announced_later_has_no_page_as_of_before(client):
    commitment = CommitmentFactory(announcement__announced_on=datetime.date(2019, 1, 1))

    response = client.get(commitment.get_absolute_url() + "?as_of=2018-12-31")

    assert response.status_code == 404


def test_the_site_csv_reads_the_day(client):
    commitment = CommitmentFactory(title="Certify the records")
    ProgressUpdateFactory(commitment=commitment, reported_on=datetime.date(2018, 9, 1))

    early = b"".join(
        client.get("/commitments.csv?as_of=2018-06-01").streaming_content
    ).decode("utf-8")
    late = b"".join(
        client.get("/commitments.csv?as_of=2018-10-01").streaming_content
    ).decode("utf-8")

    assert "Not yet rated" in early.splitlines()[1]
    assert "In progress" in late.splitlines()[1]


def test_pages_ignore_unknown_parameters(client):
    commitment = CommitmentFactory()

    for path in ("/commitments/", commitment.get_absolute_url()):
        assert client.get(f"{path}?utm_source=newsletter").status_code == 200


def test_an_agency_page_as_of_a_day_links_its_counts_to_lists_of_that_day(client):
    commitment = CommitmentFactory(announcement__issuer__slug="fbi")
    ProgressUpdateFactory(commitment=commitment, reported_on=datetime.date(2018, 9, 1))

    page = client.get("/agencies/fbi/?as_of=2018-10-01").content.decode()
    linked = client.get(
        "/commitments/?lead_agency=fbi&as_of=2018-10-01&status=in_progress"
    )

    assert (
        "/commitments/?lead_agency=fbi&amp;as_of=2018-10-01&amp;status=in_progress"
        in page
    )
    assert linked.status_code == 200
    assert commitment.title in linked.content.decode()

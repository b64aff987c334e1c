import re

import pytest

from tests.factories import CommitmentFactory
from tests.site_data import build_announcement

pytestmark = pytest.mark.django_db


def test_agency_page_lists_what_it_leads_and_supports_with_a_scorecard(client):
    build_announcement()

    response = client.get("/agencies/doj/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Department of Justice (DOJ)</h1>" in html
    led = html.index('id="led-heading"')
    supported = html.index('id="supported-heading"')
    assert led < html.index("Fully participate in the Federal Commission") < supported
    assert html.index("Certify NICS record reporting within 45 days") > supported
    # The scorecard counts the commitments it leads, each status written out.
    assert "The 1 commitment Department of Justice leads." in html
    assert "Not yet rated: <strong>1</strong>" in html
    assert "0 overdue" in html
    # The FBI sits below the DOJ.
    assert '<a href="/agencies/fbi/">Federal Bureau of Investigation</a>' in html
    assert 'href="/feeds/agencies/doj.atom"' in html
    assert 'href="/calendar/agencies/doj.ics"' in html
    assert 'href="/commitments/?agency=doj"' in html


def test_agency_scorecard_counts_overdue(client):
    build_announcement()

    html = client.get("/agencies/fbi/").content.decode()

    assert "The 2 commitments Federal Bureau of Investigation leads." in html
    assert "2 overdue" in html
    assert 'part of <a href="/agencies/doj/">Department of Justice</a>' in html


def test_agency_list_shows_every_agency_with_its_counts(client):
    build_announcement()

    html = client.get("/agencies/").content.decode()

    assert '<a href="/agencies/states/">State governments</a>' in html
    assert '<a href="/agencies/fbi/">Federal Bureau of Investigation</a> (FBI)' in html


def test_unknown_agency_is_404(client):
    assert client.get("/agencies/nope/").status_code == 404


@pytest.mark.parametrize("extra_commitments", [0, 30])
def test_agency_page_costs_the_same_queries_whatever_its_size(
    client, django_assert_num_queries, extra_commitments
):
    announcement = build_announcement(extra_commitments=extra_commitments)
    for number in range(extra_commitments):
        supported = CommitmentFactory(
            announcement=announcement,
            slug=f"supported-{number}",
            source_quote="better protect schools",
        )
        supported.supporting_agencies.add(announcement.issuer)

    with django_assert_num_queries(6):
        # 1. SAVEPOINT (ATOMIC_REQUESTS, inside the test's transaction)
        # 2. the agency with its parent
        # 3. the commitments it leads or supports, overdue and late, with
        #    announcement, lead agency and topic
        # 4. the agencies below it
        # 5. the status, overdue and late counts of those it leads
        # 6. RELEASE SAVEPOINT
        response = client.get("/agencies/doj/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f"The {1 + 2 * extra_commitments} commitment" in html
    assert html.count('class="commitment-item') == 2 + 2 * extra_commitments


@pytest.mark.parametrize("extra_commitments", [0, 30])
def test_agency_list_costs_the_same_queries_whatever_its_size(
    client, django_assert_num_queries, extra_commitments
):
    build_announcement(extra_commitments=extra_commitments)

    with django_assert_num_queries(4):
        # 1. SAVEPOINT (ATOMIC_REQUESTS, inside the test's transaction)
        # 2. the agencies
        # 3. the status, overdue and late counts per lead agency, grouped
        # 4. RELEASE SAVEPOINT
        response = client.get("/agencies/")

    assert response.status_code == 200
    # The DOJ's row: it leads the commission and the extra commitments.
    assert re.search(
        rf"Department of Justice</a> \(DOJ\)</th>\s*<td>Federal</td>\s*"
        rf'<td class="num">{1 + extra_commitments}</td>',
        response.content.decode(),
    )

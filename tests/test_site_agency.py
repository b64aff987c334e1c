import re

import pytest
from django.core.management import call_command

from commitments.models import Agency, Commitment
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
    # The scorecard counts what it leads and what it supports apart, each status
    # written out: it leads the commission and supports the NICS certification.
    leads = html.index('<h3 id="leads-heading">Leads 1</h3>')
    supports = html.index('<h3 id="supports-heading">Supports 1</h3>')
    assert html.index("Not yet rated: <strong>1</strong>", leads) < supports
    assert html.index("Fulfilled: <strong>1</strong>", supports) < led
    # The FBI sits below the DOJ.
    assert '<a href="/agencies/fbi/">Federal Bureau of Investigation</a>' in html
    assert 'href="/feeds/agencies/doj.atom"' in html
    assert 'href="/calendar/agencies/doj.ics"' in html
    assert 'href="/commitments/?agency=doj"' in html


def test_agency_scorecard_counts_overdue(client):
    build_announcement()

    html = client.get("/agencies/fbi/").content.decode()

    assert '<h3 id="leads-heading">Leads 2</h3>' in html
    assert "2 overdue" in html
    assert '<h3 id="supports-heading">Supports 0</h3>' in html
    assert 'part of <a href="/agencies/doj/">Department of Justice</a>' in html


def test_supported_commitments_count_apart_with_their_overdue(client):
    announcement = build_announcement()
    fbi = Agency.objects.get(slug="fbi")
    # Overdue: the state reporting has no deadline; give the FBI a late-running one
    # to support, and one the FBI both leads and (wrongly) lists as supporting.
    supported = CommitmentFactory(
        announcement=announcement,
        slug="supported-overdue",
        source_quote="better protect schools",
        kind=Commitment.Kind.TIME_BOUND,
        due_in_days=10,
    )
    supported.supporting_agencies.add(fbi)
    announcement.commitments.get(slug="tips-review").supporting_agencies.add(fbi)

    html = client.get("/agencies/fbi/").content.decode()

    supports = html.index('<h3 id="supports-heading">Supports 1</h3>')
    assert html.index("1 commitment</a> ·", supports)
    assert html.index("1 overdue", supports)
    assert '<h3 id="leads-heading">Leads 2</h3>' in html


def test_agency_list_shows_every_agency_with_its_counts(client):
    build_announcement()

    html = client.get("/agencies/").content.decode()

    assert '<a href="/agencies/states/">State governments</a>' in html
    assert '<a href="/agencies/fbi/">Federal Bureau of Investigation</a> (FBI)' in html


def test_agency_list_counts_what_each_leads_and_supports(client):
    build_announcement()

    html = client.get("/agencies/").content.decode()

    def row(name):
        start = html.index(f">{name}</a>")
        row = html[start : html.index("</tr>", start)]
        return [
            int(n) for n in re.findall(r'<td class="num"[^>]*><a [^>]*>(\d+)<', row)
        ]

    # Leads, overdue, late; supports, overdue, late.
    # It supports the NICS certification, which was met late.
    assert row("Department of Justice") == [1, 0, 0, 1, 0, 1]
    # The NICS certification: fulfilled after its deadline, so late.
    assert row("Federal agencies that submit records to NICS") == [1, 0, 1, 0, 0, 0]
    assert row("Federal Bureau of Investigation") == [2, 2, 0, 0, 0, 0]


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
        # 5. the status, overdue and late counts of those it leads and of those
        #    it supports, grouped in one query
        # 6. RELEASE SAVEPOINT
        response = client.get("/agencies/doj/")

    assert response.status_code == 200
    html = response.content.decode()
    # It leads every commitment but one (the loop's ones too, as their factory
    # makes the issuer lead); a commitment it leads and supports counts as led.
    assert f"Leads {1 + 2 * extra_commitments}</h3>" in html
    assert "Supports 1</h3>" in html
    assert html.count('class="commitment-item') == 2 + 2 * extra_commitments
    # Each announcement heads its commitments once in each section.
    assert html.count('id="led-doj-school-safety-2018-03-12"') == 1
    assert html.count('id="supported-doj-school-safety-2018-03-12"') == 1


@pytest.mark.parametrize("extra_commitments", [0, 30])
def test_agency_list_costs_the_same_queries_whatever_its_size(
    client, django_assert_num_queries, extra_commitments
):
    build_announcement(extra_commitments=extra_commitments)

    with django_assert_num_queries(5):
        # 1. SAVEPOINT (ATOMIC_REQUESTS, inside the test's transaction)
        # 2. the agencies
        # 3. the status, overdue and late counts per lead agency, grouped
        # 4. the same counts per supporting agency, grouped
        # 5. RELEASE SAVEPOINT
        response = client.get("/agencies/")

    assert response.status_code == 200
    # The DOJ's row: it leads the commission and the extra commitments.
    assert re.search(
        rf"Department of Justice</a> \(DOJ\)</th>\s*<td [^>]*>Federal</td>\s*"
        rf'<td class="num" data-label="Leads"><a href="/commitments/\?lead_agency=doj">'
        rf"{1 + extra_commitments}</a></td>",
        response.content.decode(),
    )


def test_the_demo_fbi_page_counts_the_nics_and_tip_work_it_supports(client):
    call_command("loaddata", "doj-2018-03-12", verbosity=0)

    html = client.get("/agencies/fbi/").content.decode()

    # It leads the reports to states on their missing records, and supports the
    # NICS certification and both pieces of work on tips.
    assert '<h3 id="leads-heading">Leads 1</h3>' in html
    supports = html.index('<h3 id="supports-heading">Supports 3</h3>')
    # The certification and the tip review were both assessed after their
    # deadlines.
    assert html.index("3 commitments</a> ·", supports)
    assert html.index("2 late", supports)


def test_agency_page_groups_by_announcement_once_and_reads_naturally(client):
    build_announcement()

    html = client.get("/agencies/fbi/").content.decode()

    led = html.index(
        '<h2 id="led-heading">Commitments led by the Federal Bureau of '
        "Investigation</h2>"
    )
    group = html.index('<h3 id="led-doj-school-safety-2018-03-12">', led)
    assert html.index(
        '<a href="/a/doj-school-safety-2018-03-12/">DOJ plan on school safety and '
        "gun crime</a>",
        group,
    )
    # The announcement heads the group once; its rows do not repeat it, nor the
    # lead agency the page is about.
    assert html.count(">DOJ plan on school safety and gun crime</a>") == 1
    assert "Led by" not in html
    assert html.count('class="commitment-item"') == 2


def test_supported_commitments_name_who_leads_them(client):
    build_announcement()

    html = client.get("/agencies/doj/").content.decode()

    supported = html.index(
        '<h2 id="supported-heading">Commitments led by others, supported by the '
        "Department of Justice</h2>"
    )
    row = html[html.index("Certify NICS record reporting", supported) :]
    assert "Led by Federal agencies that submit records to NICS" in row[:600]


def test_a_collective_party_takes_no_article(client):
    build_announcement()

    html = client.get("/agencies/states/").content.decode()

    assert '<h2 id="led-heading">Commitments led by State governments</h2>' in html

import re

import pytest
from django.core.management import call_command

from commitments.models import Announcement
from tests.factories import AnnouncementFactory, CommitmentFactory
from tests.site_data import build_announcement

pytestmark = pytest.mark.django_db

URL = "/a/doj-school-safety-2018-03-12/"


def test_announcement_page_marks_every_tracked_quote_and_links_it(client):
    build_announcement()

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<mark class="quote') == 5  # the FBI quote is inside another
    assert (
        '<a href="/a/doj-school-safety-2018-03-12/tips-review/">an immediate review '
        "of the way the department handles violent crime tips</a></mark>" in html
    )
    # The quote was stored with other line breaks than the text: still found.
    assert "mental health records required by law or have a plan to fix their " in html
    for slug in [
        "nics-certification",
        "fbi-nics-certification",
        "state-reporting",
        "tips-review",
        "commission-participation",
    ]:
        assert f'id="quote-{slug}"' in html
    assert "could not be found in the text" not in html
    # Each commitment listed below the text points back to its quote in it.
    assert '<a href="#quote-tips-review">quote [4] in the text</a>' in html


def test_announcement_page_groups_its_commitments_by_status_with_definitions(client):
    build_announcement()

    html = client.get(URL).content.decode()

    not_rated = html.index('id="group-not_rated"')
    in_progress = html.index('id="group-in_progress"')
    fulfilled = html.index('id="group-fulfilled"')
    assert not_rated < in_progress < fulfilled
    assert 'id="group-broken"' not in html
    assert "Mostly or completely done." in html
    assert html.index("Certify NICS record reporting within 45 days", fulfilled)


def test_a_commitment_whose_quote_is_missing_is_still_listed(client):
    announcement = AnnouncementFactory(slug="short", body="We will act.")
    commitment = CommitmentFactory(announcement=announcement, source_quote="act")
    # A fixture row can hold a quote the text lacks: loaddata skips the model rules.
    type(commitment).objects.filter(pk=commitment.pk).update(source_quote="vanished")

    html = client.get("/a/short/").content.decode()

    assert "could not be found in the text" in html
    assert f'href="/a/short/{commitment.slug}/"' in html


def test_announcement_page_names_the_official_release_and_where_the_text_came_from(
    client,
):
    AnnouncementFactory(
        slug="reported",
        source_url="https://www.justice.gov/opa/pr/release",
        text_source_url="https://news.example.com/2018/03/14/report",
        text_source_note="A news report of 14 March 2018 on the announcement.",
    )

    html = client.get("/a/reported/").content.decode()

    assert (
        "<dt>Official release</dt>\n  <dd>"
        '<a href="https://www.justice.gov/opa/pr/release">Read it on www.justice.gov'
        "</a></dd>"
    ) in html
    where = html.index("<dt>Where the text comes from</dt>")
    assert html.index("A news report of 14 March 2018 on the announcement.", where)
    assert html.index(
        '<a href="https://news.example.com/2018/03/14/report">'
        "Read it on news.example.com</a>",
        where,
    )


def test_announcement_page_says_when_the_text_is_the_official_release(client):
    AnnouncementFactory(slug="official", source_url="https://www.justice.gov/opa/pr/x")

    html = client.get("/a/official/").content.decode()

    assert (
        "<dt>Where the text comes from</dt>\n  <dd>The official release.</dd>" in html
    )


def test_announcement_page_without_a_known_release_invents_none(client):
    AnnouncementFactory(slug="unknown", source_url="")
    AnnouncementFactory(
        slug="noted", source_url="", text_source_note="A copy kept by a library."
    )
    # A fixture row skips URL validation: a script URL must not become a link.
    Announcement.objects.filter(slug="unknown").update(
        text_source_url="javascript:alert(1)", text_source_note=""
    )

    html = client.get("/a/unknown/").content.decode()

    assert "<dt>Official release</dt>\n  <dd>Not on record.</dd>" in html
    assert "Where the text comes from" not in html
    assert "javascript:" not in html
    noted = client.get("/a/noted/").content.decode()
    assert "Not on record." in noted
    assert "A copy kept by a library." in noted


def test_unknown_announcement_is_404(client):
    assert client.get("/a/no-such-announcement/").status_code == 404


@pytest.mark.parametrize("extra_commitments", [0, 30])
def test_announcement_page_costs_the_same_queries_whatever_its_size(
    client, django_assert_num_queries, extra_commitments
):
    build_announcement(extra_commitments=extra_commitments)

    with django_assert_num_queries(5):
        # 1. SAVEPOINT (ATOMIC_REQUESTS, inside the test's transaction)
        # 2. the announcement with its issuer
        # 3. its commitments, overdue and late, with lead agency, topic and parent
        # 4. their status, overdue and late counts
        # 5. RELEASE SAVEPOINT
        response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert f"{5 + extra_commitments} commitments</a> ·" in html


def test_the_demo_announcement_links_the_release_and_the_article(client):
    call_command("loaddata", "doj-2018-03-12", verbosity=0)

    html = client.get(URL).content.decode()

    assert (
        '<a href="https://www.justice.gov/opa/pr/attorney-general-sessions-announces-'
        'new-actions-improve-school-safety-and-better-enforce">Read it on '
        "www.justice.gov</a>"
    ) in html
    assert "news article of 14 March 2018" in html
    assert (
        '<a href="https://freebeacon.com/national-security/doj-announces-plan-'
        'prosecute-gun-crimes-assist-arming-school-officials/">Read it on '
        "freebeacon.com</a>"
    ) in html


def test_the_top_of_the_page_jumps_to_its_commitments(client):
    build_announcement()

    html = client.get(URL).content.decode()

    jump = html.index('<a href="#commitments-heading">Jump to its commitments</a>')
    assert jump < html.index('id="text-heading"')
    assert 'id="commitments-heading"' in html


def test_each_status_group_links_to_its_list(client):
    build_announcement()

    html = client.get(URL).content.decode()

    assert (
        '<a class="count" href="/commitments/?announcement='
        'doj-school-safety-2018-03-12&amp;status=not_rated">3 commitments</a>'
    ) in html


def test_the_demo_article_keeps_its_caption_and_date_line_apart(client):
    call_command("loaddata", "doj-2018-03-12", verbosity=0)

    html = client.get(URL).content.decode()

    assert (
        '<h3 class="article-headline">DOJ Announces Plan to Prosecute More Gun '
        "Crimes, Assist in Arming School Officials</h3>"
    ) in html
    assert (
        '<p class="article-standfirst">&#x27;No child should have to fear going to '
        "school or walking the streets of their neighborhood&#x27;</p>"
    ) in html
    assert (
        '<p class="article-caption">U.S. Attorney General Jeff Sessions / Getty '
        'Images</p>\n    <p class="article-dateline">March 14, 2018</p>'
    ) in html


def test_the_demo_footnotes_are_met_in_reading_order(client):
    call_command("loaddata", "doj-2018-03-12", verbosity=0)

    html = client.get(URL).content.decode()

    body = html[html.index('class="announcement-body"') : html.index("</section>")]
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]</sup>", body)]
    first_seen = list(dict.fromkeys(numbers))
    assert first_seen == sorted(first_seen)
    assert set(first_seen) == set(range(1, len(first_seen) + 1))

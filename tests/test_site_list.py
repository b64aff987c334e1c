import datetime
import re

import pytest

from commitments.models import Agency, Status
from tests.factories import ProgressUpdateFactory
from tests.site_data import build_announcement

pytestmark = pytest.mark.django_db


def listed_titles(response):
    return listed_titles_of(response.content.decode())


def listed_titles_of(html):
    return re.findall(r'<th scope="row"><a href="/a/[^"]+">([^<]+)</a>', html)


def test_list_shows_every_commitment_with_status_and_flags(client):
    build_announcement()

    response = client.get("/commitments/")

    assert response.status_code == 200
    assert len(listed_titles(response)) == 5
    html = response.content.decode()
    assert "5 commitments." in html
    assert '<strong class="flag flag-overdue">Overdue</strong>' in html
    assert '<span class="flag flag-late">Late</span>' in html
    assert 'href="/commitments.csv">Download all as CSV</a>' in html


def test_filters_by_status(client):
    build_announcement()

    response = client.get("/commitments/?status=fulfilled&status=in_progress")

    assert listed_titles(response) == [
        "Certify NICS record reporting within 45 days",
        "Review how violent crime tips are handled",
    ]
    # The form shows the filters in use.
    assert 'value="fulfilled" id="id_status_4" checked' in response.content.decode()


@pytest.mark.parametrize("path", ["/commitments/", "/commitments.csv"])
def test_an_empty_status_is_no_filter(client, path):
    # As on the API's list: what a GET form sends for an unused field.
    build_announcement()

    empty = client.get(f"{path}?status=&agency=&kind=")
    unfiltered = client.get(path)

    assert empty.status_code == 200
    body = b"".join(empty.streaming_content) if empty.streaming else empty.content
    whole = (
        b"".join(unfiltered.streaming_content)
        if unfiltered.streaming
        else unfiltered.content
    )
    if path.endswith(".csv"):
        assert body == whole
    else:
        assert listed_titles(empty) == listed_titles(unfiltered)
        assert len(listed_titles(empty)) == 5


def test_the_form_keeps_its_widgets_once_the_api_has_used_the_same_filters(client):
    build_announcement()
    assert client.get("/api/schema/").status_code == 200

    html = client.get("/commitments/?status=fulfilled").content.decode()

    assert 'type="checkbox" name="status" value="fulfilled"' in html
    assert '<option value="" selected>Any agency</option>' in html


def test_filters_by_agency_lead_or_supporting(client):
    build_announcement()

    response = client.get("/commitments/?agency=doj")

    assert listed_titles(response) == [
        "Certify NICS record reporting within 45 days",  # DOJ supports
        "Fully participate in the Federal Commission on School Safety",  # DOJ leads
    ]


def test_filters_by_topic_and_overdue(client):
    build_announcement()

    overdue = client.get("/commitments/?topic=background-checks&overdue=true")
    on_track = client.get("/commitments/?topic=background-checks&overdue=false")

    assert listed_titles(overdue) == ["FBI certifies its NICS reporting"]
    assert listed_titles(on_track) == [
        "Certify NICS record reporting within 45 days",
        "States improve their reporting of disqualifying records",
    ]


def test_search_finds_words_in_title_description_or_quote(client):
    build_announcement()

    by_quote = client.get("/commitments/?q=violent+crime")
    by_title = client.get("/commitments/?q=commission")
    nothing = client.get("/commitments/?q=unicorns")

    assert listed_titles(by_quote) == ["Review how violent crime tips are handled"]
    assert listed_titles(by_title) == [
        "Fully participate in the Federal Commission on School Safety"
    ]
    assert listed_titles(nothing) == []
    assert "0 commitments match these filters." in nothing.content.decode()


def test_csv_link_keeps_the_current_filters_but_not_the_page(client):
    build_announcement()

    html = client.get("/commitments/?status=not_rated&agency=fbi&page=1").content
    html = html.decode()

    assert (
        'href="/commitments.csv?status=not_rated&amp;agency=fbi">Download these as CSV'
        in html
    )


def test_filters_with_the_apis_names_and_values(client):
    build_announcement()

    def titles(query):
        response = client.get(f"/commitments/?{query}")
        assert response.status_code == 200
        return listed_titles(response)

    assert titles("kind=ongoing") == [
        "Fully participate in the Federal Commission on School Safety"
    ]
    assert titles("lead_agency=fbi&due_after=2018-04-01&due_before=2018-04-30") == [
        "FBI certifies its NICS reporting"
    ]
    assert titles("late=true") == ["Certify NICS record reporting within 45 days"]
    assert titles("announcement=doj-school-safety-2018-03-12&sort=-title") == [
        "States improve their reporting of disqualifying records",
        "Review how violent crime tips are handled",
        "Fully participate in the Federal Commission on School Safety",
        "FBI certifies its NICS reporting",
        "Certify NICS record reporting within 45 days",
    ]


@pytest.mark.parametrize(
    ("query", "named", "message"),
    [
        ("status=done", "status", "Select a valid choice."),
        ("agency=nobody", "agency", "Nothing has the slug nobody."),
        ("topic=nothing", "topic", "Nothing has the slug nothing."),
        ("overdue=maybe", "overdue", "Enter true or false."),
        ("kind=forever", "kind", "Select a valid choice."),
        ("due_before=soon", "due_before", "Enter a date as YYYY-MM-DD."),
    ],
)
def test_a_filter_naming_nothing_gets_400_naming_it(client, query, named, message):
    build_announcement()

    response = client.get(f"/commitments/?{query}")

    assert response.status_code == 400
    html = response.content.decode()
    assert f'<li><a href="#id_{named}">{named}</a>: {message}' in html
    assert listed_titles(response) == []


def test_a_page_number_past_the_end_shows_the_last_page(client):
    build_announcement()

    response = client.get("/commitments/?page=99")

    assert response.status_code == 200
    assert len(listed_titles(response)) == 5


@pytest.mark.parametrize("extra_commitments", [0, 30])
def test_list_costs_the_same_queries_whatever_its_size(
    client, django_assert_num_queries, extra_commitments
):
    build_announcement(extra_commitments=extra_commitments)

    with django_assert_num_queries(8):
        # 1. SAVEPOINT (ATOMIC_REQUESTS, inside the test's transaction)
        # 2. the agency filter's agency, by its slug
        # 3. the count of matching commitments (pagination)
        # 4. the page of commitments, overdue, late and latest update (date,
        #    status, summary), with announcement, lead agency and topic
        # 5. the agencies, once for the three agency menus
        # 6. the announcements the form offers
        # 7. the topics the form offers
        # 8. RELEASE SAVEPOINT
        response = client.get("/commitments/?agency=doj&status=not_rated&q=commi")

    assert response.status_code == 200
    assert listed_titles(response) == [
        "Fully participate in the Federal Commission on School Safety"
    ] + [f"Extra commitment {n}" for n in range(extra_commitments)]


def test_the_form_offers_due_dates_announcement_kind_and_sorting(client):
    build_announcement()

    html = client.get("/commitments/").content.decode()

    assert '<input type="date" name="due_after"' in html
    assert '<input type="date" name="due_before"' in html
    assert '<option value="doj-school-safety-2018-03-12">' in html
    assert '<option value="time_bound">' in html
    for value, label in [
        ("due_date", "Due date, soonest first"),
        ("-updated_at", "Latest activity first"),
        ("title", "Title, A to Z"),
        ("status", "Status"),
    ]:
        assert f'<option value="{value}">{label}</option>' in html
    # Each field's help is on the page, where its aria-describedby points.
    assert '<small id="id_overdue_helptext">' in html


def test_the_form_shows_the_filters_in_use(client):
    build_announcement()

    html = client.get(
        "/commitments/?due_after=2018-04-01&kind=time_bound&sort=-updated_at"
        "&announcement=doj-school-safety-2018-03-12&lead_agency=fbi"
    ).content.decode()

    assert 'name="due_after" value="2018-04-01"' in html
    assert '<option value="time_bound" selected>' in html
    assert '<option value="-updated_at" selected>' in html
    assert '<option value="doj-school-safety-2018-03-12" selected>' in html
    lead_menu = html[
        html.index('name="lead_agency"') : html.index(
            "</select>", html.index('name="lead_agency"')
        )
    ]
    assert '<option value="fbi" selected>' in lead_menu
    assert listed_titles_of(html) == ["FBI certifies its NICS reporting"]


def test_sorts_by_due_date_and_by_latest_activity(client):
    build_announcement()

    by_due = listed_titles(client.get("/commitments/?sort=due_date"))

    # Due first the immediate review (12 March), then the two 45-day ones; those
    # without a due date come last.
    assert by_due[:3] == [
        "Review how violent crime tips are handled",
        "Certify NICS record reporting within 45 days",
        "FBI certifies its NICS reporting",
    ]
    assert set(by_due[3:]) == {
        "States improve their reporting of disqualifying records",
        "Fully participate in the Federal Commission on School Safety",
    }


def test_the_latest_update_column_says_what_happened(client):
    build_announcement()

    html = client.get("/commitments/?announcement=doj-school-safety-2018-03-12").content
    html = html.decode()

    row = html[html.index(">Certify NICS record") :]
    row = row[: row.index("</tr>")]
    cell = row[row.index('data-label="Latest update"') :]
    assert '<time datetime="2018-06-01">1 Jun 2018</time>' in cell
    assert '<span class="status status-fulfilled">Fulfilled</span>' in cell
    assert "Every submitting agency has certified or filed a plan." in cell
    quiet = html[html.index(">States improve their reporting") :]
    assert "None yet" in quiet[: quiet.index("</tr>")]


def test_the_latest_update_shows_only_its_first_words(client):
    announcement = build_announcement()
    ProgressUpdateFactory(
        commitment=announcement.commitments.get(slug="state-reporting"),
        reported_on=datetime.date(2018, 9, 1),
        status=Status.STALLED,
        summary=" ".join(f"word{n}" for n in range(40)),
        author=None,
    )

    html = client.get("/commitments/?status=stalled").content.decode()

    assert "word0 word1" in html
    assert "word11 …" in html
    assert "word12" not in html


def test_filters_what_an_agency_supports_without_leading(client):
    announcement = build_announcement()
    # The DOJ both leads and lists itself among the supporters here: it is led.
    announcement.commitments.get(
        slug="commission-participation"
    ).supporting_agencies.add(Agency.objects.get(slug="doj"))

    response = client.get("/commitments/?supporting_agency=doj")

    assert listed_titles(response) == ["Certify NICS record reporting within 45 days"]


def test_beyond_the_menus_limit_the_announcement_is_asked_by_its_slug(
    client, monkeypatch
):
    from commitments.filtersets import CommitmentSiteFilterSet
    from tests.factories import AnnouncementFactory

    build_announcement()
    AnnouncementFactory()
    slug = "doj-school-safety-2018-03-12"
    monkeypatch.setattr(CommitmentSiteFilterSet, "ANNOUNCEMENT_MENU_MAX", 2)
    as_menu = client.get("/commitments/").content.decode()

    monkeypatch.setattr(CommitmentSiteFilterSet, "ANNOUNCEMENT_MENU_MAX", 1)
    html = client.get(f"/commitments/?announcement={slug}").content.decode()

    assert '<select name="announcement"' in as_menu
    assert '<select name="announcement"' not in html
    assert f'<input type="text" name="announcement" value="{slug}"' in html
    assert 'id="id_announcement"' in html
    assert "FBI certifies its NICS reporting" in listed_titles_of(html)

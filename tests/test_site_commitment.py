import datetime

import pytest

from tests.factories import CommitmentFactory, ProgressUpdateFactory, UserFactory
from tests.site_data import build_announcement

pytestmark = pytest.mark.django_db

URL = "/a/doj-school-safety-2018-03-12/nics-certification/"


def test_permalink_shows_everything_about_the_commitment(client):
    build_announcement()

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Certify NICS record reporting within 45 days</h1>" in html
    assert "<blockquote" in html and "<mark" in html
    assert "mental health records required by law" in html
    assert 'href="/agencies/nics-submitting-agencies/"' in html  # lead
    assert '<a href="/agencies/doj/">Department of Justice</a>' in html  # supporting
    assert "“over the next 45 days” (45 days from the announcement)" in html
    assert '<time datetime="2018-04-26">26 April 2018</time>' in html
    assert "Original due date" in html
    assert '<span class="status status-fulfilled">Fulfilled</span>' in html
    assert "<strong>Fulfilled</strong> means: Mostly or completely done." in html
    assert "Late: assessed 36 days after the due date" in html
    assert 'href="/a/doj-school-safety-2018-03-12/fbi-nics-certification/"' in html
    assert 'href="/api/v1/commitments/' in html
    assert "/history/" in html
    assert (
        'href="/feeds/commitments/doj-school-safety-2018-03-12/nics-certification.atom"'
        in html
    )


def test_timeline_reads_newest_first_with_evidence_links(client):
    build_announcement()

    html = client.get(URL).content.decode()

    newer = html.index('<time datetime="2018-06-01">1 June 2018</time>')
    older = html.index('<time datetime="2018-04-20">20 April 2018</time>')
    assert newer < older
    assert '<a href="https://www.justice.gov/opa/nics-report">Evidence' in html
    assert '<a href="https://www.justice.gov/opa/nics-certifications">Evidence' in html


def test_a_deadline_change_is_on_the_timeline_with_when_what_why_and_who(client):
    announcement = build_announcement()
    commitment = announcement.commitments.get(slug="nics-certification")
    commitment.due_in_days = 60
    commitment.deadline_change_reason = "Extended by the Attorney General."
    commitment.deadline_changed_on = datetime.date(2018, 5, 15)
    commitment.deadline_change_author = UserFactory(username="desk")
    commitment.save()

    html = client.get(URL).content.decode()

    newer = html.index('<time datetime="2018-06-01">1 June 2018</time>')
    change = html.index('<time datetime="2018-05-15">15 May 2018</time>')
    older = html.index('<time datetime="2018-04-20">20 April 2018</time>')
    assert newer < change < older
    entry = html[change : html.index("</li>", change)]
    assert "Deadline changed" in entry
    assert "26 April 2018 → 11 May 2018: Extended by the Attorney General." in entry
    assert "by desk." in entry


def test_an_overdue_commitment_says_by_how_much_and_links_its_parent(client):
    build_announcement()

    html = client.get(
        "/a/doj-school-safety-2018-03-12/fbi-nics-certification/"
    ).content.decode()

    assert '<strong class="flag flag-overdue">Overdue by ' in html
    assert "Part of" in html
    assert 'href="/a/doj-school-safety-2018-03-12/nics-certification/"' in html
    assert "No progress recorded yet" in html


def test_evidence_that_is_not_a_web_address_is_not_linked(client):
    announcement = build_announcement()
    update = announcement.commitments.get(slug="tips-review").updates.get()
    # Fixtures skip the model's URL validation.
    type(update).objects.filter(pk=update.pk).update(source_url="javascript:alert(1)")

    html = client.get("/a/doj-school-safety-2018-03-12/tips-review/").content.decode()

    assert "The review has begun." in html
    assert "javascript:" not in html
    assert "Evidence" not in html


def test_unknown_commitment_is_404_with_a_way_back(client):
    build_announcement()

    response = client.get("/a/doj-school-safety-2018-03-12/nope/")

    assert response.status_code == 404
    assert '<a href="/commitments/">the commitments page</a>' in (
        response.content.decode()
    )
    assert client.get("/a/nope/nics-certification/").status_code == 404


@pytest.mark.parametrize("corrected", [False, True])
@pytest.mark.parametrize("extra", [0, 20])
def test_permalink_costs_the_same_queries_whatever_its_timeline_and_parts(
    client, django_assert_num_queries, extra, corrected
):
    announcement = build_announcement()
    commitment = announcement.commitments.get(slug="nics-certification")
    for number in range(extra):
        ProgressUpdateFactory(commitment=commitment, author=None)
        CommitmentFactory(
            announcement=announcement,
            parent=commitment,
            slug=f"part-{number}",
            source_quote="certify over the next 45 days",
        )
    if corrected:
        update = commitment.updates.first()
        update.summary += " Corrected."
        update.correction_note = "A fuller summary."
        update.corrected_by = UserFactory(username="corrector")
        update.save()

    with django_assert_num_queries(7 + corrected):
        # 1. SAVEPOINT (ATOMIC_REQUESTS, inside the test's transaction)
        # 2. the commitment, overdue and late, with announcement, lead agency,
        #    topic and parent
        # 3. its progress updates, with who recorded and who retracted them,
        #    and whether each has corrections
        # (+1 when corrected: the corrections of those that have any, with
        #  their authors)
        # 4. its supporting agencies
        # 5. its sub-commitments with their announcement and lead agencies
        # 6. its deadline changes with their authors
        # 7. RELEASE SAVEPOINT
        response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('href="/a/doj-school-safety-2018-03-12/part-') == extra
    assert ("A fuller summary. (corrector)" in html) == corrected


def test_status_due_date_and_overdue_come_right_under_the_title(client):
    build_announcement()

    html = client.get(
        "/a/doj-school-safety-2018-03-12/fbi-nics-certification/"
    ).content.decode()

    title = html.index("<h1>FBI certifies its NICS reporting</h1>")
    line = html[title : html.index("</p>", title)]
    assert '<span class="status status-not_rated">Not yet rated</span>' in line
    assert '<strong class="flag flag-overdue">Overdue</strong>' in line
    assert 'Due <time datetime="2018-04-26">26 April 2018</time>: overdue by ' in line
    assert html.index("<blockquote") > title + len(line)


def test_a_commitment_met_late_says_so_under_its_title(client):
    build_announcement()

    html = client.get(URL).content.decode()

    line = html[html.index("<h1>") : html.index("<blockquote")]
    assert (
        'Due <time datetime="2018-04-26">26 April 2018</time>: assessed 36 days late'
        in line
    )


def test_the_definition_line_reads_as_a_sentence(client):
    build_announcement()

    html = client.get(
        "/a/doj-school-safety-2018-03-12/state-reporting/"
    ).content.decode()

    assert (
        "<strong>Not yet rated</strong> means: Nobody has assessed it yet (every "
        "commitment starts here). It does not mean that nothing happened."
    ) in html
    assert "means: The default" not in html


def test_each_timeline_entry_says_who_recorded_it_and_when(client):
    announcement = build_announcement()
    commitment = announcement.commitments.get(slug="nics-certification")
    ProgressUpdateFactory(
        commitment=commitment,
        reported_on=datetime.date(2018, 7, 1),
        summary="Checked again by the desk.",
        author=UserFactory(username="desk"),
        created_at=datetime.datetime(2024, 5, 6, 12, 0, tzinfo=datetime.UTC),
    )

    html = client.get(URL).content.decode()

    entry = html[html.index("Checked again by the desk.") :]
    entry = entry[: entry.index("</li>")]
    assert (
        'Recorded on <time datetime="2024-05-06T12:00:00+00:00">6 May 2024</time> '
        "by desk."
    ) in entry
    # The demo's rows were loaded without an author.
    fixture_row = html[html.index("Every submitting agency has certified") :]
    assert "by the tracker's editors." in fixture_row[:800]

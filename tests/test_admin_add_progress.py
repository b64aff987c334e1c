"""An editor's way through the admin: the list leads to a page that adds progress
to one commitment, the commitment's own page opens with its progress, and what
was saved is said in words."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from commitments.models import Commitment, ProgressUpdate, Status
from tests.admin_forms import add_update, form_data
from tests.factories import (
    AgencyFactory,
    AnnouncementFactory,
    CommitmentFactory,
    ProgressUpdateFactory,
    UserFactory,
)

LIST_URL = reverse("admin:commitments_commitment_changelist")


def add_progress_url(commitment):
    return reverse("admin:commitments_commitment_add_progress", args=[commitment.pk])


def change_url(commitment):
    return reverse("admin:commitments_commitment_change", args=[commitment.pk])


@pytest.fixture
def world(db):
    doj = AgencyFactory(slug="doj", abbreviation="DOJ")
    education = AgencyFactory(slug="ed", abbreviation="ED")
    announcement = AnnouncementFactory(
        slug="doj-school-safety-2018-03-12",
        title="DOJ Announces Plan to Prosecute More Gun Crimes, Assist in Arming "
        "School Officials",
        issuer=doj,
    )
    editor = UserFactory(username="doj-editor", is_staff=True)
    doj.editors.add(editor)
    return {
        "editor": editor,
        "nics": CommitmentFactory(
            announcement=announcement,
            slug="nics-certification",
            title="Certify that every federal agency reports all the criminal and "
            "mental health records the law requires to NICS, or has a plan to fix "
            "its procedures, within 45 days",
            kind=Commitment.Kind.TIME_BOUND,
            deadline_text="over the next 45 days",
            due_in_days=45,
        ),
        "ed": CommitmentFactory(
            announcement=announcement, title="ED's promise", lead_agency=education
        ),
    }


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_list_is_short_and_says_overdue_in_words(client, world):
    client.force_login(world["editor"])

    html = client.get(LIST_URL).content.decode()

    title = world["nics"].title
    # The title is cut, the whole of it in the tooltip.
    assert f'<span title="{title}">Certify that every federal agency reports all' in (
        html
    )
    assert f">{title}</" not in html
    # The announcement by its short name, its title in the tooltip.
    assert (
        '<span title="DOJ Announces Plan to Prosecute More Gun Crimes, Assist in '
        'Arming School Officials">doj-school-safety-2018-03-12</span>'
    ) in html
    assert '<strong class="overdue-flag">Overdue</strong>' in html
    assert 'alt="True"' not in html
    assert f'href="{add_progress_url(world["nics"])}">Add progress' in html


def test_the_list_offers_no_progress_link_to_whoever_cannot_add_any(
    client, world, django_user_model
):
    from django.contrib.auth.models import Permission

    reader = UserFactory(is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_commitment"))
    client.force_login(reader)

    html = client.get(LIST_URL).content.decode()

    assert "Certify that every federal agency" in html
    assert "Add progress" not in html
    assert client.get(add_progress_url(world["nics"])).status_code == 403


def test_an_editor_adds_progress_on_its_own_page(client, world):
    commitment = world["nics"]
    client.force_login(world["editor"])
    page = client.get(add_progress_url(commitment))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Add progress to “Certify that every federal agency" in html
    assert "<strong>Status now:</strong> Not yet rated" in html
    assert '<strong class="overdue-flag">Overdue</strong>' in html

    response = client.post(
        add_progress_url(commitment),
        {
            "reported_on": "2018-06-01",
            "status": "fulfilled",
            "summary": "Every agency has certified or filed a plan.",
            "source_url": "https://www.justice.gov/opa/nics-report",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == change_url(commitment)
    update = commitment.updates.get()
    assert update.author == world["editor"]
    assert update.reported_on == datetime.date(2018, 6, 1)
    commitment.refresh_from_db()
    assert commitment.status == Status.FULFILLED
    (message,) = messages_of(response)
    assert message.startswith(
        "Progress update of 2018-06-01 added to “Certify that every federal agency"
    )
    assert (
        '<a href="/a/doj-school-safety-2018-03-12/nics-certification/">See it on '
        "the public page</a>"
    ) in message


def test_the_progress_page_shows_the_rules_errors_and_saves_nothing(client, world):
    client.force_login(world["editor"])

    response = client.post(
        add_progress_url(world["nics"]),
        {"reported_on": "2018-06-01", "status": "fulfilled", "summary": "Done."},
    )

    assert response.status_code == 200
    assert "needs a source URL as evidence" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_an_editor_cannot_reach_the_progress_page_of_another_agency(client, world):
    client.force_login(world["editor"])

    assert client.get(add_progress_url(world["ed"])).status_code == 404
    response = client.post(
        add_progress_url(world["ed"]),
        {"reported_on": "2018-06-01", "status": "in_progress", "summary": "Sneaked."},
    )
    assert response.status_code == 404
    assert not ProgressUpdate.objects.exists()


def test_a_maintainer_adds_progress_to_any_commitment(client, world, maintainer):
    client.force_login(maintainer)

    response = client.post(
        add_progress_url(world["ed"]),
        {"reported_on": "2018-04-01", "status": "in_progress", "summary": "Begun."},
    )

    assert response.status_code == 302
    assert world["ed"].updates.get().author == maintainer


def test_an_editors_change_page_opens_with_the_progress(client, world, maintainer):
    ProgressUpdateFactory(commitment=world["nics"], summary="An earlier update.")
    client.force_login(world["editor"])

    html = client.get(change_url(world["nics"])).content.decode()

    assert html.index('id="updates-group"') < html.index("Who must act")
    assert f'href="{add_progress_url(world["nics"])}" class="addlink">Add progress' in (
        html
    )
    client.force_login(maintainer)
    html = client.get(change_url(world["nics"])).content.decode()
    assert html.index('id="updates-group"') > html.index("Who must act")


def test_saving_only_progress_says_what_was_saved(client, world):
    commitment = world["nics"]
    client.force_login(world["editor"])
    data = add_update(
        form_data(client.get(change_url(commitment))),
        reported_on="2018-03-20",
        status="in_progress",
        summary="The certifications began.",
    )

    response = client.post(change_url(commitment), data)

    assert response.status_code == 302
    (message,) = messages_of(response)
    assert message.startswith("Progress update of 2018-03-20 added to “Certify that")
    assert "was changed successfully" not in message


def test_correcting_a_published_update_says_so(client, world):
    commitment = world["nics"]
    ProgressUpdateFactory(
        commitment=commitment,
        reported_on=datetime.date(2018, 5, 2),
        status=Status.IN_PROGRESS,
        summary="The certifications began.",
    )
    client.force_login(world["editor"])
    data = form_data(client.get(change_url(commitment)))
    data["updates-0-summary"] = "The certifications began in April."
    data["updates-0-correction_note"] = "Added the month."

    response = client.post(change_url(commitment), data)

    assert response.status_code == 302
    (message,) = messages_of(response)
    assert message.startswith(
        "Progress update of 2018-05-02 corrected on “Certify that every federal"
    )
    assert "See it on the public page" in message


def test_a_maintainers_change_to_the_commitment_keeps_djangos_message(
    client, world, maintainer
):
    commitment = world["ed"]
    client.force_login(maintainer)
    data = form_data(client.get(change_url(commitment)))
    data["title"] = "ED's promise, reworded"

    response = client.post(change_url(commitment), data)

    (message,) = messages_of(response)
    assert "was changed successfully" in message


def test_the_progress_page_costs_a_fixed_number_of_queries(
    client, world, django_assert_num_queries
):
    for day in range(1, 11):
        ProgressUpdateFactory(
            commitment=world["nics"], reported_on=datetime.date(2018, 4, day)
        )
    client.force_login(world["editor"])
    client.get(LIST_URL)

    with django_assert_num_queries(8):
        # 1. SAVEPOINT (ATOMIC_REQUESTS, inside the test's transaction)
        # 2. the session
        # 3. the user
        # 4. the user's permissions, its own and its groups' (tracker/auth_backends.py)
        # 5. the agencies the editor edits and those below them, in one recursive
        #    query (access.covered_agency_ids)
        # 6. the commitment, among those the editor covers; its lead is covered,
        #    so access.can_add_progress asks nothing more
        # 7. its five latest updates with their authors
        # 8. RELEASE SAVEPOINT
        response = client.get(add_progress_url(world["nics"]))

    assert response.status_code == 200
    assert response.content.decode().count("<tr><td>2018-04-") == 5

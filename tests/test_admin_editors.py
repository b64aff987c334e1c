"""Editors see, in the admin, the commitments their agencies or any agency below
them lead or support, add progress to those, and change nothing else; the same
scope as in the API (tests/test_api_permissions.py)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from commitments.models import ProgressUpdate, Status
from tests.admin_forms import add_update, form_data
from tests.factories import (
    AgencyFactory,
    AnnouncementFactory,
    CommitmentFactory,
    ProgressUpdateFactory,
    UserFactory,
)

LIST_URL = reverse("admin:commitments_commitment_changelist")
ADD_PROGRESS_URL = reverse("admin:commitments_progressupdate_add")


def change_url(commitment):
    return reverse("admin:commitments_commitment_change", args=[commitment.pk])


@pytest.fixture
def world(db):
    doj = AgencyFactory(slug="doj")
    fbi = AgencyFactory(slug="fbi", parent=doj)
    education = AgencyFactory(slug="ed")
    announcement = AnnouncementFactory(issuer=doj)
    editor = UserFactory(username="doj-editor", is_staff=True)
    doj.editors.add(editor)
    fbi_editor = UserFactory(username="fbi-editor", is_staff=True)
    fbi.editors.add(fbi_editor)
    nics = CommitmentFactory(announcement=announcement, title="NICS certification")
    nics.supporting_agencies.add(fbi)
    return {
        "editor": editor,
        "fbi_editor": fbi_editor,
        "doj": CommitmentFactory(announcement=announcement, title="DOJ's promise"),
        "fbi": CommitmentFactory(
            announcement=announcement, title="FBI's promise", lead_agency=fbi
        ),
        "ed": CommitmentFactory(
            announcement=announcement, title="ED's promise", lead_agency=education
        ),
        "nics": nics,
    }


def test_editor_sees_only_their_agencies_and_those_below(client, world):
    client.force_login(world["editor"])
    response = client.get(LIST_URL)
    assert response.status_code == 200
    titles = sorted(c.title for c in response.context["cl"].result_list)
    assert titles == ["DOJ's promise", "FBI's promise", "NICS certification"]
    assert client.get(change_url(world["fbi"])).status_code == 200
    # Another agency's commitment is not there for them (the admin redirects).
    assert client.get(change_url(world["ed"])).status_code == 302


def test_editor_adds_progress_to_a_commitment_below_their_agency(client, world):
    commitment = world["fbi"]
    client.force_login(world["editor"])
    data = add_update(
        form_data(client.get(change_url(commitment))),
        reported_on="2018-03-20",
        status="in_progress",
        summary="The review of tip handling began.",
    )
    response = client.post(change_url(commitment), data)
    assert response.status_code == 302
    update = commitment.updates.get()
    assert update.author == world["editor"]
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS
    history = commitment.updates.get().history.get()
    assert history.history_user == world["editor"]


def test_editor_cannot_change_the_commitment_itself(client, world):
    commitment = world["doj"]
    client.force_login(world["editor"])
    response = client.get(change_url(commitment))
    form = response.context["adminform"].form
    assert set(form.fields) == {
        "opened_version",
        "deadline_change_reason",
        "deadline_changed_on",
    }
    data = form_data(response)
    data.update(title="Rewritten", lead_agency=str(world["ed"].lead_agency_id))
    assert client.post(change_url(commitment), data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.title == "DOJ's promise"
    assert commitment.lead_agency.slug == "doj"
    assert commitment.version == 1


def test_editor_cannot_add_commitments_or_reach_other_models(client, world):
    client.force_login(world["editor"])
    assert client.get(reverse("admin:commitments_commitment_add")).status_code == 403
    for name in ["agency", "announcement", "topic", "progressupdate"]:
        url = reverse(f"admin:commitments_{name}_changelist")
        assert client.get(url).status_code == 403, name
    index = client.get(reverse("admin:index"))
    models = [
        m["object_name"] for app in index.context["app_list"] for m in app["models"]
    ]
    assert models == ["Commitment"]


def test_editor_cannot_add_progress_to_another_agencys_commitment(client, world):
    client.force_login(world["editor"])
    own = client.get(change_url(world["doj"]))
    data = add_update(
        form_data(own),
        reported_on="2018-03-20",
        status="in_progress",
        summary="Sneaked in.",
    )
    data["updates-0-commitment"] = str(world["ed"].pk)
    # Posted to the other agency's page: the admin does not find it for them.
    assert client.post(change_url(world["ed"]), data).status_code == 302
    assert not world["ed"].updates.exists()
    # Posted to their own page with the other commitment's id: refused.
    response = client.post(change_url(world["doj"]), data)
    assert response.status_code == 200
    (inline,) = response.context["inline_admin_formsets"]
    assert any(inline.formset.errors)
    assert not world["ed"].updates.exists()
    assert not world["doj"].updates.exists()


def test_staff_without_agencies_or_permissions_sees_nothing(client, world):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(change_url(world["doj"])).status_code == 403


def test_an_editor_covers_the_commitments_their_agency_supports(client, world):
    client.force_login(world["fbi_editor"])

    listed = client.get(LIST_URL).context["cl"].result_list
    assert sorted(c.title for c in listed) == ["FBI's promise", "NICS certification"]
    # The DOJ leads the NICS certification; the FBI supports it.
    nics = world["nics"]
    data = add_update(
        form_data(client.get(change_url(nics))),
        reported_on="2018-04-20",
        status="in_progress",
        summary="The FBI certified its own reporting.",
    )
    assert client.post(change_url(nics), data).status_code == 302
    assert nics.updates.get().author == world["fbi_editor"]
    assert client.get(change_url(world["doj"])).status_code == 302


def grant_progress_permissions(user):
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="commitments",
            codename__in=["add_progressupdate", "change_progressupdate"],
        )
    )


def progress(commitment):
    return {
        "commitment": str(commitment.pk),
        "reported_on": "2018-04-20",
        "status": "fulfilled",
        "summary": "Done, says the editor.",
        "source_url": "https://www.justice.gov/example",
    }


def test_the_progress_page_refuses_a_commitment_the_editor_does_not_cover(
    client, world
):
    editor = world["fbi_editor"]
    grant_progress_permissions(editor)
    client.force_login(editor)

    response = client.post(ADD_PROGRESS_URL, progress(world["doj"]))

    assert response.status_code == 200
    assert "commitment" in response.context["adminform"].form.errors
    assert not ProgressUpdate.objects.exists()
    world["doj"].refresh_from_db()
    assert world["doj"].status == Status.NOT_RATED


def test_the_progress_page_takes_a_commitment_the_editor_covers(client, world):
    editor = world["fbi_editor"]
    grant_progress_permissions(editor)
    client.force_login(editor)

    response = client.post(ADD_PROGRESS_URL, progress(world["nics"]))

    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert (update.commitment, update.author) == (world["nics"], editor)


def test_an_editor_cannot_change_progress_outside_their_agencies(client, world):
    editor = world["fbi_editor"]
    grant_progress_permissions(editor)
    other = ProgressUpdateFactory(
        commitment=world["ed"], status="stalled", summary="Nothing yet."
    )
    client.force_login(editor)
    url = reverse("admin:commitments_progressupdate_change", args=[other.pk])

    response = client.post(url, {**progress(world["ed"]), "status": "stalled"})

    assert response.status_code == 403
    other.refresh_from_db()
    assert other.summary == "Nothing yet."


def test_maintainers_see_and_change_every_commitment(client, world, maintainer):
    client.force_login(maintainer)
    response = client.get(LIST_URL)
    assert len(response.context["cl"].result_list) == 4
    commitment = world["ed"]
    data = form_data(client.get(change_url(commitment)))
    data["title"] = "ED's promise, reworded"
    assert client.post(change_url(commitment), data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.title == "ED's promise, reworded"


def test_maintainers_add_progress_to_any_commitment_on_the_progress_page(
    client, world, maintainer
):
    client.force_login(maintainer)

    response = client.post(ADD_PROGRESS_URL, progress(world["ed"]))

    assert response.status_code == 302
    world["ed"].refresh_from_db()
    assert world["ed"].status == Status.FULFILLED

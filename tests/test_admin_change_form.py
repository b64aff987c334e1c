"""The admin's commitment page: the form, its read-only fields and the progress
updates inline, newest first."""

import datetime

from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from commitments.models import Commitment, Status
from tests.admin_forms import add_update, form_data
from tests.factories import CommitmentFactory, ProgressUpdateFactory


def change_url(commitment):
    return reverse("admin:commitments_commitment_change", args=[commitment.pk])


def test_change_form_renders_with_updates_newest_first(client, staff_user):
    commitment = CommitmentFactory(title="Certify NICS reporting", time_bound=True)
    older = ProgressUpdateFactory(
        commitment=commitment, reported_on=datetime.date(2018, 4, 1), summary="Begun."
    )
    newer = ProgressUpdateFactory(
        commitment=commitment, reported_on=datetime.date(2018, 6, 1), summary="Done."
    )
    # Entered last, but dated between the two.
    middle = ProgressUpdateFactory(
        commitment=commitment, reported_on=datetime.date(2018, 5, 1), summary="Half."
    )
    client.force_login(staff_user)
    response = client.get(change_url(commitment))
    assert response.status_code == 200
    (inline,) = response.context["inline_admin_formsets"]
    assert [form.instance for form in inline.formset.initial_forms] == [
        newer,
        middle,
        older,
    ]
    page = response.content.decode()
    assert "Reason for the deadline change" in page
    assert "Who must act." in page
    assert "The status follows the latest progress update" in page


def test_status_version_and_original_due_date_are_read_only(client, staff_user):
    commitment = CommitmentFactory(time_bound=True)
    client.force_login(staff_user)
    response = client.get(change_url(commitment))
    form = response.context["adminform"].form
    for name in ["status", "version", "original_due_date"]:
        assert name not in form.fields
    assert "title" in form.fields
    assert form.fields["opened_version"].initial == commitment.version


def test_posted_status_and_version_are_ignored(client, staff_user):
    commitment = CommitmentFactory(title="Old title")
    client.force_login(staff_user)
    data = form_data(client.get(change_url(commitment)))
    data.update(title="New title", status="fulfilled", version="99")
    response = client.post(change_url(commitment), data)
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.title == "New title"
    assert commitment.status == Status.NOT_RATED
    assert commitment.version == 2


def test_progress_added_inline_gets_the_author_and_sets_status(client, staff_user):
    commitment = CommitmentFactory()
    client.force_login(staff_user)
    data = add_update(
        form_data(client.get(change_url(commitment))),
        reported_on="2018-04-02",
        status="in_progress",
        summary="A proposed rule was published.",
        source_url="https://www.federalregister.gov/example",
    )
    response = client.post(change_url(commitment), data)
    assert response.status_code == 302
    update = commitment.updates.get()
    assert update.author == staff_user
    assert update.summary == "A proposed rule was published."
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS


def test_a_final_update_without_evidence_is_refused_on_the_page(client, staff_user):
    commitment = CommitmentFactory()
    client.force_login(staff_user)
    data = add_update(
        form_data(client.get(change_url(commitment))),
        reported_on="2018-04-02",
        status="fulfilled",
        summary="Done.",
    )
    response = client.post(change_url(commitment), data)
    assert response.status_code == 200
    assert "needs a source URL as evidence" in response.content.decode()
    assert not commitment.updates.exists()


def test_a_quote_not_in_the_text_is_refused_on_the_page(client, staff_user):
    commitment = CommitmentFactory()
    client.force_login(staff_user)
    data = form_data(client.get(change_url(commitment)))
    data["source_quote"] = "It will build a wall."
    response = client.post(change_url(commitment), data)
    assert response.status_code == 200
    assert "does not occur in the announcement" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.source_quote != "It will build a wall."


def test_announcement_page_lists_its_commitments(client, staff_user):
    commitment = CommitmentFactory(title="Certify NICS reporting")
    CommitmentFactory(title="Elsewhere")
    client.force_login(staff_user)
    url = reverse(
        "admin:commitments_announcement_change", args=[commitment.announcement_id]
    )
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Commitments made in this announcement" in page
    assert f'<a href="{change_url(commitment)}">Certify NICS reporting</a>' in page
    assert "Elsewhere" not in page


def test_announcement_form_records_where_its_text_came_from(client, staff_user):
    announcement = CommitmentFactory().announcement
    client.force_login(staff_user)
    url = reverse("admin:commitments_announcement_change", args=[announcement.pk])
    data = form_data(client.get(url))
    data["text_source_url"] = "https://news.example.com/2018/03/14/report"
    data["text_source_note"] = "A news report of 14 March 2018 on the announcement."

    response = client.post(url, data)

    assert response.status_code == 302
    announcement.refresh_from_db()
    assert announcement.text_source_url == "https://news.example.com/2018/03/14/report"
    assert announcement.text_source_note == (
        "A news report of 14 March 2018 on the announcement."
    )


def test_admin_index_and_other_lists_render(client, staff_user):
    ProgressUpdateFactory()
    client.force_login(staff_user)
    for name in ["agency", "topic", "announcement", "progressupdate"]:
        response = client.get(reverse(f"admin:commitments_{name}_changelist"))
        assert response.status_code == 200, name
    assert client.get(reverse("admin:index")).status_code == 200


def test_every_demo_commitment_page_renders(client, staff_user):
    call_command("loaddata", "doj-2018-03-12", verbosity=0)
    client.force_login(staff_user)
    for commitment in Commitment.objects.all():
        response = client.get(change_url(commitment))
        assert response.status_code == 200, commitment.slug
        assert escape(commitment.title) in response.content.decode()
    history = reverse(
        "admin:commitments_commitment_history",
        args=[Commitment.objects.get(slug="nics-certification").pk],
    )
    assert "Loaded from a fixture." in client.get(history).content.decode()

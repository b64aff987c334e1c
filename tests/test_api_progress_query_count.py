"""A progress POST (the write bench/run.py measures) costs the same number of
queries however long the commitment's timeline already is, and whether or not it
has supporting agencies: eight statements besides the request's own transaction,
for a maintainer as for a superuser; seven as a query budget counts them (the
token lookup is not counted: docs/design.md, "Limits"), within the budget of 8."""

import datetime

import pytest

from tests.conftest import authorize
from tests.factories import (
    AgencyFactory,
    CommitmentFactory,
    ProgressUpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BODY = {"reported_on": "2019-01-02", "status": "stalled", "summary": "Blocked."}


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("existing", [1, 20])
@pytest.mark.parametrize("supporters", [0, 2])
@pytest.mark.parametrize("who", ["maintainer", "superuser"])
def test_progress_post_query_count_is_constant(
    request, api_client, django_assert_num_queries, existing, supporters, who
):
    commitment = CommitmentFactory()
    commitment.supporting_agencies.set(AgencyFactory.create_batch(supporters))
    ProgressUpdateFactory.create_batch(existing, commitment=commitment)
    authorize(api_client, request.getfixturevalue(who))

    with django_assert_num_queries(10):
        # 1. SAVEPOINT: the request's transaction inside the test's (BEGIN in
        #    production, which Django does not count)
        # 2. the token by its key, with its user and the user's permissions
        #    (tracker/auth_backends.py, with_permissions; expired tokens of the
        #    user are deleted at sign-in, not on every request)
        # 3. SELECT ... FOR UPDATE the commitment, with its announcement (an update
        #    may not predate it), so writers settle its status in turn
        # 4. INSERT the update
        # 5. INSERT its history record
        # 6. UPDATE the commitment's status and version, unless an update already
        #    comes later in its timeline (Commitment.follow_added_update)
        # 7. INSERT its history record
        # 8. INSERT ... SELECT its supporting agencies into that history
        # 9. INSERT its entry in the changes feed (progress_added)
        # 10. RELEASE the request's savepoint (COMMIT in production)
        response = api_client.post(
            f"/api/v1/commitments/{commitment.pk}/updates/", BODY, format="json"
        )

    assert response.status_code == 201
    commitment.refresh_from_db()
    assert commitment.status == "stalled"
    record = commitment.history.order_by("-history_id").first()
    assert record.status == "stalled"
    assert record.supporting_agencies.count() == supporters


def test_an_update_that_is_not_the_latest_writes_nothing_to_its_commitment(
    api_client, maintainer, django_assert_num_queries
):
    commitment = CommitmentFactory()
    ProgressUpdateFactory(commitment=commitment, reported_on=datetime.date(2019, 6, 1))
    commitment.refresh_from_db()
    version = commitment.version
    authorize(api_client, maintainer)

    with django_assert_num_queries(8):
        # 1. SAVEPOINT
        # 2. the token, its user and permissions
        # 3. SELECT ... FOR UPDATE the commitment, with its announcement
        # 4. INSERT the update
        # 5. INSERT its history record
        # 6. UPDATE the commitment, which a later update leaves untouched
        # 7. INSERT its entry in the changes feed
        # 8. RELEASE the savepoint
        response = api_client.post(
            f"/api/v1/commitments/{commitment.pk}/updates/", BODY, format="json"
        )

    assert response.status_code == 201
    commitment.refresh_from_db()
    assert (commitment.status, commitment.version) == ("in_progress", version)


@pytest.mark.parametrize("edits", ["lead", "parent of the lead"])
def test_an_editor_of_the_lead_costs_one_more_to_work_out_what_they_cover(
    api_client, django_assert_num_queries, edits
):
    parent = AgencyFactory()
    commitment = CommitmentFactory(lead_agency=AgencyFactory(parent=parent))
    editor = UserFactory(username="editor")
    edited = commitment.lead_agency if edits == "lead" else parent
    edited.editors.add(editor)
    authorize(api_client, editor)

    with django_assert_num_queries(11):
        # 1. SAVEPOINT
        # 2. the token, its user and permissions (none: not a maintainer)
        # 3. SELECT ... FOR UPDATE the commitment, with its announcement
        # 4. the agencies the user edits and every agency below them, in one
        #    recursive query (Agency.ids_with_descendants); the commitment's lead
        #    is among them, so it is covered without asking more
        # 5. INSERT the update
        # 6. INSERT its history record
        # 7. UPDATE the commitment's status and version
        # 8. INSERT its history record
        # 9. INSERT ... SELECT its supporting agencies into that history
        # 10. INSERT its entry in the changes feed
        # 11. RELEASE the savepoint
        response = api_client.post(
            f"/api/v1/commitments/{commitment.pk}/updates/", BODY, format="json"
        )

    assert response.status_code == 201


def test_an_editor_of_a_supporting_agency_costs_two_more(
    api_client, django_assert_num_queries
):
    supporter = AgencyFactory()
    commitment = CommitmentFactory()
    commitment.supporting_agencies.add(supporter)
    editor = UserFactory(username="editor")
    supporter.editors.add(editor)
    authorize(api_client, editor)

    # As above, and one more: whether a covered agency supports the commitment.
    with django_assert_num_queries(12):
        response = api_client.post(
            f"/api/v1/commitments/{commitment.pk}/updates/", BODY, format="json"
        )

    assert response.status_code == 201


def test_a_checked_commitment_reads_the_checks_of_its_new_status(
    api_client, maintainer, django_assert_num_queries
):
    commitment = CommitmentFactory()
    commitment.confirm_status(datetime.date(2019, 1, 1), maintainer)
    authorize(api_client, maintainer)

    # As a maintainer's POST above, and one more: the latest check of the new
    # status (Commitment.take_status), which its status_as_of counts.
    with django_assert_num_queries(11):
        response = api_client.post(
            f"/api/v1/commitments/{commitment.pk}/updates/", BODY, format="json"
        )

    assert response.status_code == 201
    commitment.refresh_from_db()
    assert (commitment.last_checked_on, commitment.status_confirmed_on) == (
        datetime.date(2019, 1, 1),
        None,
    )


def test_progress_post_is_within_its_budget_of_8(
    api_client, maintainer, assert_query_budget
):
    commitment = CommitmentFactory()
    commitment.supporting_agencies.set(AgencyFactory.create_batch(2))
    authorize(api_client, maintainer)

    # The ten statements above but the savepoint, its release and the token.
    with assert_query_budget(7):
        response = api_client.post(
            f"/api/v1/commitments/{commitment.pk}/updates/", BODY, format="json"
        )

    assert response.status_code == 201

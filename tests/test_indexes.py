"""The indexes that keep the filtered list flat as the table grows (migration 0017;
README, "Where a list request spends its time"), on both databases: status, lead
agency and id in one index, so that PostgreSQL can count a list filtered by
status and agency from the index (the table's pages only where a recent write
left them not yet vacuumed), and the supporters' commitments from the links'
table's index by agency."""

import pytest
from django.db import connection

from commitments.models import Commitment
from tests.factories import AgencyFactory, CommitmentFactory

LINKS = Commitment.supporting_agencies.through._meta.db_table


def index_columns(table):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        name: constraint["columns"]
        for name, constraint in constraints.items()
        if constraint["index"]
    }


@pytest.mark.django_db
def test_status_lead_agency_and_id_share_an_index():
    columns = index_columns(Commitment._meta.db_table)
    assert columns["commitment_status_lead_idx"] == ["status", "lead_agency_id", "id"]


@pytest.mark.django_db
def test_the_links_are_indexed_by_agency_then_commitment():
    assert index_columns(LINKS)["commitment_supporter_idx"] == [
        "agency_id",
        "commitment_id",
    ]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="an index-only scan is PostgreSQL's"
)
@pytest.mark.django_db
def test_postgresql_can_select_the_filtered_list_from_the_indexes_alone():
    agency = AgencyFactory()
    for _ in range(3):
        CommitmentFactory(lead_agency=agency)
        CommitmentFactory().supporting_agencies.add(agency)
    rows = Commitment.objects.filter(status__in=["broken"]).of_agencies([agency])
    with connection.cursor() as cursor:
        # Every other way of reading the rows off (for this transaction): at this
        # size the planner would rightly read the table, and which index it took
        # would be a matter of cost. What is left needs an index holding every
        # column the filter reads.
        for method in ("seqscan", "bitmapscan", "indexscan"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        plan = rows.order_by().values("id").explain()

    assert "Index Only Scan using commitment_status_lead_idx" in plan
    assert "Index Only Scan using commitment_supporter_idx" in plan

"""The indexes that keep the filtered list flat as the table grows (migration 0017;
README, "Where a list request spends its time"), on both databases: status, lead
agency and id in one index, so that PostgreSQL can count a list filtered by
status and agency from the index (the table's pages only where a recent write
left them not yet vacuumed), and the supporters' commitments from the links'
table's index by agency. Which plan PostgreSQL picks depends on the table's
size and statistics, so the tests pin the indexes' columns, what such a plan
needs; the README gives the plans measured on 100,000 commitments."""

import pytest
from django.db import connection

from commitments.models import Commitment

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

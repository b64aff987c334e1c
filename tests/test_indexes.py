"""The indexes that keep the filtered list flat as the table grows (migration 0017;
README, "Performance"), on both databases: the COUNT of a list filtered by status
and agency reads status, lead agency and id from one index, and the supporters'
commitments come from the links' table's index by agency."""

import pytest
from django.db import connection

from commitments.models import Commitment

pytestmark = pytest.mark.django_db

LINKS = Commitment.supporting_agencies.through._meta.db_table


def index_columns(table):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        name: constraint["columns"]
        for name, constraint in constraints.items()
        if constraint["index"]
    }


def test_status_lead_agency_and_id_share_an_index():
    columns = index_columns(Commitment._meta.db_table)
    assert columns["commitment_status_lead_idx"] == ["status", "lead_agency_id", "id"]


def test_the_links_are_indexed_by_agency_then_commitment():
    assert index_columns(LINKS)["commitment_supporter_idx"] == [
        "agency_id",
        "commitment_id",
    ]

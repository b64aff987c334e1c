"""An agency's aliases keep their history like every other record: who added or
removed which alias and when, through the API, the admin or a fixture; aliases
written before the history began get a first record (migration 0018)."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from commitments.models import AgencyAlias
from tests.conftest import authorize
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def records(agency):
    return [
        (record.history_type, record.name, record.history_user)
        for record in AgencyAlias.history.filter(agency=agency).order_by(
            "history_date", "history_id"
        )
    ]


def test_the_api_records_who_added_and_removed_an_alias(api_client, maintainer):
    doj = AgencyFactory(slug="doj")
    authorize(api_client, maintainer)
    for aliases in (["The Bureau"], ["Main Justice"]):
        response = api_client.patch(
            "/api/v1/agencies/doj/", {"aliases": aliases}, format="json"
        )
        assert response.status_code == 200, response.content
    assert records(doj) == [
        ("+", "The Bureau", maintainer),
        ("-", "The Bureau", maintainer),
        ("+", "Main Justice", maintainer),
    ]


def test_the_admin_records_who_added_an_alias(client, maintainer):
    doj = AgencyFactory(slug="doj", abbreviation="DOJ")
    client.force_login(maintainer)
    response = client.post(
        f"/admin/commitments/agency/{doj.pk}/change/",
        {
            "name": doj.name,
            "abbreviation": doj.abbreviation,
            "slug": doj.slug,
            "level": doj.level,
            "parent": "",
            "aliases-TOTAL_FORMS": "1",
            "aliases-INITIAL_FORMS": "0",
            "aliases-MIN_NUM_FORMS": "0",
            "aliases-MAX_NUM_FORMS": "1000",
            "aliases-0-name": "the Attorney General",
        },
    )
    assert response.status_code == 302
    assert records(doj) == [("+", "the Attorney General", maintainer)]


def test_the_demo_fixture_records_its_aliases_once():
    call_command("loaddata", "doj-2018-03-12", verbosity=0)
    call_command("loaddata", "doj-2018-03-12", verbosity=0)
    aliases = AgencyAlias.objects.all()
    assert aliases
    for alias in aliases:
        assert [
            (record.history_type, record.history_user)
            for record in AgencyAlias.history.filter(id=alias.id)
        ] == [("+", None)]


def test_aliases_older_than_their_history_get_a_first_record():
    migration = importlib.import_module(
        "commitments.migrations.0018_agency_alias_history"
    )
    doj = AgencyFactory(slug="doj")
    AgencyAlias.objects.replace_for(doj, ["Main Justice", "the AG"])
    AgencyAlias.history.all().delete()
    migration.record_existing_aliases(apps, SimpleNamespace(connection=connection))
    assert sorted(
        (record.name, record.history_type, record.history_change_reason)
        for record in AgencyAlias.history.all()
    ) == [
        ("Main Justice", "+", migration.FIRST_RECORD_REASON),
        ("the AG", "+", migration.FIRST_RECORD_REASON),
    ]

"""An agency's aliases in the admin follow the API's rule
(AgencyAliasManager.check_names): a name twice in one save, in any case, or a
name another agency has, is a form error naming it, and nothing is written."""

from commitments.models import AgencyAlias
from tests.factories import AgencyFactory


def change(admin_client, agency, *names):
    data = {
        "name": agency.name,
        "abbreviation": agency.abbreviation or "",
        "slug": agency.slug,
        "level": agency.level,
        "parent": "",
        "aliases-TOTAL_FORMS": str(len(names)),
        "aliases-INITIAL_FORMS": "0",
        "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
    }
    for number, name in enumerate(names):
        data[f"aliases-{number}-name"] = name
    return admin_client.post(f"/admin/commitments/agency/{agency.pk}/change/", data)


def test_one_name_twice_in_any_case_is_refused_by_name(admin_client, db):
    doj = AgencyFactory(slug="doj")
    response = change(admin_client, doj, "The Bureau", "the bureau")
    assert response.status_code == 200
    assert "Each alias once (regardless of case): The Bureau, the bureau." in (
        response.content.decode()
    )
    assert not AgencyAlias.objects.exists()


def test_another_agencys_name_is_refused_by_name(admin_client, db):
    doj = AgencyFactory(slug="doj")
    fbi = AgencyFactory(slug="fbi")
    AgencyAlias.objects.replace_for(doj, ["The Bureau"])
    response = change(admin_client, fbi, "the BUREAU")
    assert response.status_code == 200
    assert not fbi.aliases.exists()


def test_distinct_names_are_saved(admin_client, db):
    doj = AgencyFactory(slug="doj")
    response = change(admin_client, doj, "the Attorney General", "the AG")
    assert response.status_code == 302
    assert sorted(doj.aliases.values_list("name", flat=True)) == [
        "the AG",
        "the Attorney General",
    ]


def test_a_maintainer_writes_aliases_with_the_agency(client, maintainer):
    # As in the API: the agency's permission, not permissions of the aliases'
    # own, which the Maintainers group does not hold.
    doj = AgencyFactory(slug="doj")
    AgencyAlias.objects.replace_for(doj, ["Main Justice"])
    client.force_login(maintainer)

    form = client.get(f"/admin/commitments/agency/{doj.pk}/change/")
    assert "Main Justice" in form.content.decode()
    response = change(client, doj, "the Attorney General")

    assert response.status_code == 302
    assert sorted(doj.aliases.values_list("name", flat=True)) == [
        "Main Justice",
        "the Attorney General",
    ]


def test_an_editor_sees_no_alias_to_change(client, db):
    from tests.factories import UserFactory

    editor = UserFactory(is_staff=True)
    doj = AgencyFactory(slug="doj")
    doj.editors.add(editor)
    client.force_login(editor)

    assert client.get(f"/admin/commitments/agency/{doj.pk}/change/").status_code == 403

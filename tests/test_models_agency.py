"""Agencies nest (the FBI belongs to the DOJ); editors of one cover those below."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import AgencyFactory


def test_descendants_include_every_level_below(db):
    doj = AgencyFactory(slug="doj")
    fbi = AgencyFactory(slug="fbi", parent=doj)
    field_office = AgencyFactory(slug="fbi-miami", parent=fbi)
    AgencyFactory(slug="ed")
    assert doj.get_descendant_ids() == {doj.pk, fbi.pk, field_office.pk}
    assert fbi.get_descendant_ids() == {fbi.pk, field_office.pk}


def test_descendants_of_a_queryset_and_of_nothing(db):
    from commitments.models import Agency

    doj = AgencyFactory(slug="doj")
    fbi = AgencyFactory(slug="fbi", parent=doj)
    AgencyFactory(slug="ed")
    start = Agency.objects.filter(slug="doj").values_list("pk")
    assert Agency.ids_with_descendants(start) == {doj.pk, fbi.pk}
    assert Agency.ids_with_descendants([]) == set()


def test_a_cycle_of_parents_left_by_a_raw_write_ends_the_walk(db):
    from commitments.models import Agency

    doj = AgencyFactory(slug="doj")
    fbi = AgencyFactory(slug="fbi", parent=doj)
    # clean() refuses this loop; an update() does not ask it.
    Agency.objects.filter(pk=doj.pk).update(parent=fbi)
    assert doj.get_descendant_ids() == {doj.pk, fbi.pk}


def test_an_agency_cannot_sit_below_itself(db):
    doj = AgencyFactory(slug="doj")
    fbi = AgencyFactory(slug="fbi", parent=doj)
    doj.parent = fbi
    with pytest.raises(ValidationError) as refused:
        doj.full_clean()
    assert refused.value.message_dict["parent"] == [
        "An agency cannot sit below itself."
    ]


def test_aliases_are_checked_at_the_model_whoever_writes_them(db):
    from commitments.models import AgencyAlias

    doj = AgencyFactory(slug="doj")
    fbi = AgencyFactory(slug="fbi")
    AgencyAlias.objects.replace_for(doj, ["The  Bureau", " the AG "])
    assert sorted(doj.aliases.values_list("name", flat=True)) == [
        "The Bureau",
        "the AG",
    ]
    with pytest.raises(ValidationError, match=r'"The Bureau" \(doj\)'):
        AgencyAlias.objects.replace_for(fbi, ["the bureau"])
    with pytest.raises(ValidationError, match="Each alias once"):
        AgencyAlias.objects.replace_for(fbi, ["Feds", "FEDS"])
    # Its own aliases are no clash: re-spelling one keeps it the agency's.
    AgencyAlias.objects.replace_for(doj, ["the bureau", ""])
    assert list(doj.aliases.values_list("name", flat=True)) == ["the bureau"]
    assert not fbi.aliases.exists()

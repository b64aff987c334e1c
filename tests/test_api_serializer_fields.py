"""The API's ModelSerializer reads a plain attribute directly instead of through
DRF's generic get_attribute (commitments/api/serializers.py): what it gives must
be what DRF's own Serializer.to_representation gives, for every serializer over
the demo data and for the cases the generic path handles (a callable, a default,
a missing related object, a mapping). Its fields are copies of fields built once
per class (copy_of_field): they must show what DRF's deep copies show, and each
serializer's must be its own."""

import copy

import pytest
from django.core.exceptions import ObjectDoesNotExist
from django.core.management import call_command
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from commitments.api import serializers as api
from commitments.api.views import CommitmentViewSet, progress_updates
from commitments.models import (
    Agency,
    Announcement,
    Commitment,
    DeadlineChange,
    Topic,
)


def drf(serializer, instance):
    return serializers.Serializer.to_representation(serializer, instance)


@pytest.fixture
def context(db):
    call_command("loaddata", "doj-2018-03-12", verbosity=0)
    # A moved deadline: a deadline change.
    commitment = Commitment.objects.exclude(due_in_days=None).first()
    commitment.due_in_days += 10
    commitment.deadline_change_reason = "Extended by ten days."
    commitment.save()
    request = Request(APIRequestFactory().get("/api/v1/", HTTP_HOST="testserver"))
    return {"request": request}


@pytest.mark.parametrize(
    "serializer_class, rows",
    [
        (
            api.CommitmentSerializer,
            lambda: CommitmentViewSet.shown(Commitment.objects.all()),
        ),
        (api.ProgressUpdateSerializer, progress_updates),
        (api.AgencySerializer, Agency.objects.all),
        (api.AnnouncementSerializer, Announcement.objects.all),
        (api.TopicSerializer, Topic.objects.all),
        (api.DeadlineChangeSerializer, DeadlineChange.objects.all),
    ],
)
def test_every_serializer_gives_what_drf_gives(context, serializer_class, rows):
    instances = list(rows())
    assert instances
    serializer = serializer_class(context=context)
    for instance in instances:
        assert serializer.to_representation(instance) == drf(serializer, instance)

    # Fields deep-copied as DRF copies them (nested serializers' too, which
    # build theirs when first shown) show the same.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(api, "copy_of_field", copy.deepcopy)
        deep = serializer_class(context=context)
        expected = [deep.to_representation(instance) for instance in instances]
    assert [serializer.to_representation(i) for i in instances] == expected


def test_each_serializer_binds_fields_of_its_own(context):
    rows = CommitmentViewSet.shown(Commitment.objects.all())
    commitment = next(c for c in rows if c.latest_update is not None)
    other = {"request": Request(APIRequestFactory().get("/", HTTP_HOST="localhost"))}
    first = api.CommitmentSerializer(context=context)
    second = api.CommitmentSerializer(context=other)
    shown = first.to_representation(commitment), second.to_representation(commitment)
    # The URLs, the commitment's and its nested latest update's, are each
    # built from its own serializer's request.
    assert shown[0]["url"].startswith("http://testserver/")
    assert shown[1]["url"].startswith("http://localhost/")
    assert shown[0]["latest_update"]["url"].startswith("http://testserver/")
    assert shown[1]["latest_update"]["url"].startswith("http://localhost/")
    # A field that holds fields (a list of serializers, a many-related field,
    # a list of values) holds its own, bound to it, so that they find their
    # serializer's context through it.
    holders = [
        (first.fields["deadline_changes"], "child"),
        (first.fields["supporting_agencies"], "child_relation"),
        (api.AgencyWithAliasesSerializer().fields["aliases"], "child"),
    ]
    for holder, name in holders:
        assert getattr(holder, name).parent is holder
    # What the copies are made from stays unbound.
    built = api.CommitmentSerializer._built_fields
    assert all(field.parent is None for field in built.values())


class Missing:
    """An object whose related row does not exist, as a reverse one-to-one
    raises it."""

    name = "Named"
    slug = "named"

    @property
    def abbreviation(self):
        raise ObjectDoesNotExist

    def level(self):
        return "federal"


class NumberedField(serializers.PrimaryKeyRelatedField):
    """A related field that reads the key alone, and would show a missing one."""

    def to_representation(self, value):
        return f"#{value.pk}"


class Probe(api.ModelSerializer):
    abbreviation = serializers.CharField(read_only=True)
    level = serializers.CharField(read_only=True)
    parent = serializers.CharField(read_only=True, default="none")
    # Missing, with no default: left out of the representation (SkipField).
    nickname = serializers.CharField(read_only=True)

    class Meta:
        model = Agency
        fields = ["slug", "name", "abbreviation", "level", "parent", "nickname"]


class KeyProbe(api.ModelSerializer):
    parent = NumberedField(read_only=True)

    class Meta:
        model = Agency
        fields = ["slug", "parent"]


def test_the_generic_cases_read_as_drf_reads_them():
    serializer = Probe()
    expected = {
        "slug": "named",
        "name": "Named",
        "abbreviation": None,
        "level": "federal",
        "parent": "none",
    }
    assert serializer.to_representation(Missing()) == expected
    assert drf(serializer, Missing()) == expected
    mapping = {"slug": "s", "name": "n", "abbreviation": "a", "level": "l"}
    assert serializer.to_representation(mapping) == drf(serializer, mapping)
    assert serializer.to_representation(mapping)["parent"] == "none"


def test_a_missing_key_reads_as_null_and_a_present_one_as_the_field_shows_it(db):
    from tests.factories import AgencyFactory

    doj = AgencyFactory(slug="doj")
    fbi = AgencyFactory(slug="fbi", parent=doj)
    serializer = KeyProbe()
    assert serializer.to_representation(doj) == {"slug": "doj", "parent": None}
    assert serializer.to_representation(fbi) == {"slug": "fbi", "parent": f"#{doj.pk}"}
    assert serializer.to_representation(doj) == drf(serializer, doj)
    assert serializer.to_representation(fbi) == drf(serializer, fbi)

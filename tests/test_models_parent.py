"""A sub-commitment's parent belongs to the same announcement, and no commitment sits
below itself."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from commitments.models import Commitment
from tests.factories import CommitmentFactory


def test_a_parent_in_another_announcement_is_refused(db):
    parent = CommitmentFactory()
    with pytest.raises(ValidationError) as refused:
        CommitmentFactory(parent=parent)
    assert refused.value.message_dict["parent"] == [
        "The parent commitment must belong to the same announcement."
    ]


def test_a_parent_in_the_same_announcement_is_accepted(db):
    parent = CommitmentFactory()
    child = CommitmentFactory(announcement=parent.announcement, parent=parent)
    assert list(parent.children.all()) == [child]


def test_a_commitment_cannot_be_its_own_parent_or_below_itself(db):
    top = CommitmentFactory()
    middle = CommitmentFactory(announcement=top.announcement, parent=top)
    bottom = CommitmentFactory(announcement=top.announcement, parent=middle)
    top.parent = top
    with pytest.raises(ValidationError) as refused:
        top.save()
    assert refused.value.message_dict["parent"] == [
        "A commitment cannot be its own parent."
    ]
    top.parent = bottom
    with pytest.raises(ValidationError) as refused:
        top.save()
    assert refused.value.message_dict["parent"] == [
        "A commitment cannot sit below itself."
    ]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite cannot add the composite foreign key to an existing table "
    "(migration 0002); there the model alone enforces the rule.",
)
def test_the_database_refuses_a_parent_in_another_announcement(db):
    parent = CommitmentFactory()
    child = CommitmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        # The constraint is deferred to commit; check it now instead.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        Commitment.objects.filter(pk=child.pk).update(parent=parent)

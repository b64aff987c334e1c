"""A commitment's quote must occur in its announcement's text (white space aside)."""

import pytest
from django.core.exceptions import ValidationError

from commitments.models import Commitment
from tests.factories import AnnouncementFactory, CommitmentFactory


def test_a_quote_not_in_the_text_is_refused(db):
    with pytest.raises(ValidationError) as refused:
        CommitmentFactory(source_quote="It will build a wall.")
    assert refused.value.message_dict["source_quote"] == [
        "This quote does not occur in the announcement's text. Copy it verbatim "
        "(line breaks and spacing may differ)."
    ]
    assert not Commitment.objects.exists()


def test_a_quote_wrapped_differently_is_accepted(db):
    commitment = CommitmentFactory(source_quote="It will   keep\nprosecuting\n\tcases.")
    assert commitment.pk is not None


def test_a_quote_that_differs_in_a_word_is_refused(db):
    with pytest.raises(ValidationError):
        CommitmentFactory(source_quote="It will keep prosecuting crimes.")


def test_changing_the_quote_later_is_checked_too(db):
    commitment = CommitmentFactory()
    commitment.source_quote = "Something never said."
    with pytest.raises(ValidationError):
        commitment.save()
    commitment.refresh_from_db()
    assert commitment.source_quote == "It will fully participate in the commission."


def test_an_announcement_text_that_drops_a_quote_is_refused(db):
    announcement = AnnouncementFactory()
    CommitmentFactory(announcement=announcement, title="Join the commission")
    announcement.body = "A different text altogether."
    with pytest.raises(ValidationError) as refused:
        announcement.save()
    assert "Join the commission" in refused.value.message_dict["body"][0]
    announcement.refresh_from_db()
    assert "fully participate" in announcement.body

"""factory-boy factories for the domain. Build test data with these; the fixtures
are for the demo and for the test that loads them."""

import datetime

import factory
from django.contrib.auth import get_user_model

from commitments.models import (
    Agency,
    Announcement,
    Commitment,
    ProgressUpdate,
    Status,
    Topic,
)

ANNOUNCEMENT_BODY = (
    "The department will certify over the next 45 days that it reports every "
    "record. It will review tips immediately. It will keep prosecuting cases. "
    "It will fully participate in the commission."
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"agency-{n}")
    abbreviation = factory.Sequence(lambda n: f"A{n}")
    name = factory.Sequence(lambda n: f"Agency number {n}")
    level = Agency.Level.FEDERAL


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.Sequence(lambda n: f"Topic {n}")


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Announcement

    slug = factory.Sequence(lambda n: f"announcement-{n}")
    title = factory.Sequence(lambda n: f"Announcement {n}")
    issuer = factory.SubFactory(AgencyFactory)
    announced_on = datetime.date(2018, 3, 12)
    body = ANNOUNCEMENT_BODY


class CommitmentFactory(factory.django.DjangoModelFactory):
    """An open-ended commitment by default; pass due_in_days or due_date with
    kind=time_bound for a deadline (or use the time_bound trait)."""

    class Meta:
        model = Commitment

    class Params:
        time_bound = factory.Trait(
            kind=Commitment.Kind.TIME_BOUND,
            deadline_text="over the next 45 days",
            due_in_days=45,
            source_quote="certify over the next 45 days",
        )

    announcement = factory.SubFactory(AnnouncementFactory)
    slug = factory.Sequence(lambda n: f"commitment-{n}")
    title = factory.Sequence(lambda n: f"Commitment {n}")
    description = "What was promised."
    source_quote = "It will fully participate in the commission."
    lead_agency = factory.SelfAttribute("announcement.issuer")
    topic = factory.SubFactory(TopicFactory)
    kind = Commitment.Kind.OPEN_ENDED


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    commitment = factory.SubFactory(CommitmentFactory)
    reported_on = datetime.date(2018, 6, 1)
    status = Status.IN_PROGRESS
    summary = factory.Sequence(lambda n: f"Step {n} was taken.")
    source_url = "https://www.justice.gov/example"
    author = factory.SubFactory(UserFactory)

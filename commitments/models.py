"""The domain: agencies make commitments in announcements, and progress updates
record, dated and sourced, how each commitment is going. See docs/design.md,
"Domain"."""

import bisect
import contextlib
import datetime
import functools
import operator
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connections, models, router, transaction
from django.db.models import Case, Exists, F, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower
from django.db.models.query import ModelIterable
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history import utils
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords

# Free text: long enough for any real entry, short enough that one request cannot
# store megabytes (README "Limits").
LONG_TEXT_LENGTH = 10_000
ANNOUNCEMENT_BODY_LENGTH = 500_000

# Characters that end a line or control a terminal: C0 and C1 controls (tab, line
# feed and carriage return among them), DEL, and the line and paragraph separators.
LINE_BREAKING_CATEGORIES = {"Cc", "Zl", "Zp"}


def validate_one_line(value):
    """A name, title or other one-line text: it reaches headers, calendars, feeds
    and CSV cells, where a line break or control character would break the format."""
    bad = sorted(
        {
            f"U+{ord(c):04X}"
            for c in value
            if unicodedata.category(c) in LINE_BREAKING_CATEGORIES
        }
    )
    if bad:
        raise ValidationError(
            "Write this on one line, without control characters (found %(found)s).",
            code="control_characters",
            params={"found": ", ".join(bad)},
        )


def normalise_whitespace(text):
    """Collapse every run of white space to one space, so a quote matches its source
    however the lines were wrapped."""
    return re.sub(r"\s+", " ", text or "").strip()


def shorten(text, limit):
    """One line of at most `limit` characters, for a change entry's summary."""
    text = normalise_whitespace(str(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def acting_user():
    """The signed-in user of the request being served, or None (a command, a test
    without a request): the user simple_history records as the author of the write
    (its middleware keeps the request), so the changes feed names the same one."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class LoadedValues:
    """Remembers the values a row was loaded with, so that a save can tell which
    fields it changes without asking the database again."""

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_values = dict(zip(field_names, values, strict=True))
        return instance

    def fields_changed_since(self, values):
        """The concrete fields whose value differs from `values` (attname →
        value); fields missing from `values` are not compared."""
        return [
            field
            for field in self._meta.concrete_fields
            if field.attname in values
            and values[field.attname] != getattr(self, field.attname)
        ]


class StoredValues(models.Model):
    """Remembers the values of `tracked_fields` as last read from or written to the
    database, so that clean() can tell what a write changes (a moved deadline, a
    new parent) without asking the database again."""

    tracked_fields = ()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.remember_stored_values()
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self.remember_stored_values()

    def remember_stored_values(self):
        # Deferred fields are not in __dict__; reading them here would query.
        self._stored = {
            name: self.__dict__[name]
            for name in self.tracked_fields
            if name in self.__dict__
        }

    def stored(self, name):
        """The field's value in the database (None for a row not saved yet)."""
        if self._state.adding:
            return None
        stored = self.__dict__.get("_stored", {})
        if name not in stored:
            row = (
                type(self)
                ._default_manager.filter(pk=self.pk)
                .values(*self.tracked_fields)
                .first()
            )
            stored = self._stored = {**stored, **(row or {})}
        return stored.get(name)


class HistoryManagerBuiltOnce(HistoryManager):
    """simple_history's manager of a model's history records, its class built once.
    The library builds the class afresh (Manager.from_queryset, which inspects
    every method of the queryset's class) on each read of `Model.history` or
    `instance.history`, and every save that records history reads it: about a
    third of a millisecond per record."""

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


class AuditHistory(HistoricalRecords):
    """django-simple-history's records of every write to a model, with the
    manager's class built once (HistoryManagerBuiltOnce)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("history_manager", HistoryManagerBuiltOnce)
        super().__init__(*args, **kwargs)


class HistoricalRecordsWithM2M(AuditHistory):
    """django-simple-history, recording the many-to-many rows of a save in one
    INSERT ... SELECT of the through rows as the database holds them. The library
    reads them first, from the history record's rebuilt instance (whose excluded
    fields, a commitment's updated_at, it reads back from the database), then
    inserts them: up to three statements for the same rows. Nothing listens to
    the library's m2m signals here, and they would carry rows this never builds,
    so they are not sent.

    It also keeps itself on the model (`history_records`), for a write that
    records history without save() (Commitment.take_status)."""

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            sender.history_records = self

    def create_historical_record_m2ms(self, history_instance, instance):
        for field in history_instance._history_m2m_fields:
            m2m_history_model = self.m2m_models[field]
            through_model = field.remote_field.through
            attnames = [f.attname for f in through_model._meta.fields]
            rows = (
                through_model.objects.filter(
                    **{utils.get_m2m_field_name(field): instance}
                )
                .order_by()
                .annotate(history_row=Value(history_instance.pk))
                .values_list(*attnames, "history_row")
            )
            using = router.db_for_write(m2m_history_model)
            connection = connections[using]
            select, params = rows.query.get_compiler(using).as_sql()
            columns = [
                m2m_history_model._meta.get_field(name).column for name in attnames
            ]
            columns.append(m2m_history_model._meta.get_field("history").column)
            quote = connection.ops.quote_name
            table = quote(m2m_history_model._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(map(quote, columns))}) {select}",
                    params,
                )


def own_transaction(model):
    """A transaction for a write of several rows, unless it already runs inside one
    (a request's): a savepoint would cost two statements per write for nothing,
    since an error fails the whole request anyway."""
    using = router.db_for_write(model)
    if connections[using].in_atomic_block:
        return contextlib.nullcontext()
    return transaction.atomic(using=using)


def closes_a_loop(node):
    """Whether `node`'s parent is `node` itself or sits below it, so that the new
    parent would close a loop.

    Inside a transaction the rows walked through stay locked until it ends (first
    the node and its new parent, in the order of their ids, then each ancestor in
    turn): two writers linking A below B and B below A at once then take turns,
    and the second one sees the first one's link. The walk stops at an ancestor it
    has already seen, so a loop stored by another path cannot make it run forever."""
    model = type(node)
    rows = model._default_manager.all()
    if connections[router.db_for_write(model)].in_atomic_block:
        rows = rows.select_for_update()
    first = sorted({node.pk, node.parent_id} - {None})
    parents = dict(
        rows.filter(pk__in=first).order_by("pk").values_list("pk", "parent_id")
    )
    seen = set()
    ancestor = node.parent_id
    while ancestor is not None and ancestor not in seen:
        if ancestor == node.pk:
            return True
        seen.add(ancestor)
        if ancestor not in parents:
            parents.update(rows.filter(pk=ancestor).values_list("pk", "parent_id"))
        ancestor = parents.get(ancestor)
    return False


class Status(models.TextChoices):
    NOT_RATED = "not_rated", "Not yet rated"
    IN_PROGRESS = "in_progress", "In progress"
    STALLED = "stalled", "Stalled"
    PARTIALLY_FULFILLED = "partially_fulfilled", "Partially fulfilled"
    FULFILLED = "fulfilled", "Fulfilled"
    BROKEN = "broken", "Broken"

    @classmethod
    def final(cls):
        """The final assessments: setting one needs evidence (a source URL)."""
        return [cls.PARTIALLY_FULFILLED, cls.FULFILLED, cls.BROKEN]


STATUS_DEFINITIONS = {
    Status.NOT_RATED: "Nobody has assessed it yet (every commitment starts here). "
    "It does not mean that nothing happened.",
    Status.IN_PROGRESS: "Concrete steps are under way: a proposed rule, funding, "
    "staff, a review begun.",
    Status.STALLED: "No movement, or blocked.",
    Status.PARTIALLY_FULFILLED: "Substantially less than committed, but a real step "
    "toward it.",
    Status.FULFILLED: "Mostly or completely done.",
    Status.BROKEN: "Will not be done: abandoned, reversed, or the deadline passed "
    "with nothing done.",
}


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Agency(StoredValues):
    """A responsible party: a department or component, a collective party such as
    "State governments", or a body such as a federal commission."""

    class Level(models.TextChoices):
        FEDERAL = "federal", "Federal"
        STATE = "state", "State"
        LOCAL = "local", "Local"
        OTHER = "other", "Other"

    slug = models.SlugField(
        unique=True,
        help_text="Lower-case abbreviation where there is one (doj, fbi, atf).",
    )
    abbreviation = models.CharField(
        max_length=32, blank=True, validators=[validate_one_line]
    )
    name = models.CharField(max_length=200, validators=[validate_one_line])
    level = models.CharField(
        max_length=16, choices=Level.choices, default=Level.FEDERAL
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The agency this one belongs to (the FBI belongs to the DOJ). "
        "Editors of the parent also cover this one.",
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="edited_agencies",
        help_text="People who may record progress on this agency's commitments "
        "and those of the agencies below it.",
    )

    history = AuditHistory()
    objects = SlugManager()
    tracked_fields = ("parent_id",)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "agencies"
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="%(app_label)s_%(class)s_not_own_parent",
                violation_error_message="An agency cannot be its own parent.",
            ),
        ]

    def __str__(self):
        return self.abbreviation or self.name

    def save(self, *args, **kwargs):
        with own_transaction(Agency):
            self.clean()
            super().save(*args, **kwargs)
        self.remember_stored_values()

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        if (
            self.pk is not None
            and self.parent_id is not None
            and self.parent_id != self.stored("parent_id")
            and closes_a_loop(self)
        ):
            raise ValidationError({"parent": "An agency cannot sit below itself."})

    def get_descendant_ids(self):
        """This agency's id and those of every agency below it."""
        return Agency.ids_with_descendants([self.pk])

    @staticmethod
    def ids_with_descendants(ids):
        """These agency ids (a list, or a queryset of agency ids) and those of every
        agency below them, in one recursive query. UNION keeps each id once, so a
        cycle of parents (which clean() refuses, but a raw write could leave) ends
        the walk."""
        using = router.db_for_read(Agency)
        connection = connections[using]
        quote = connection.ops.quote_name
        if isinstance(ids, models.QuerySet):
            start, params = ids.order_by().query.get_compiler(using).as_sql()
        else:
            ids = list(ids)
            if not ids:
                return set()
            start = "SELECT {} FROM {} WHERE {} IN ({})".format(
                quote("id"),
                quote(Agency._meta.db_table),
                quote("id"),
                ", ".join(["%s"] * len(ids)),
            )
            params = ids
        sql = (
            "WITH RECURSIVE tree(agency_id) AS ({start} UNION SELECT a.{id} "
            "FROM {table} a JOIN tree ON a.{parent} = tree.agency_id) "
            "SELECT agency_id FROM tree"
        ).format(
            start=start,
            id=quote("id"),
            table=quote(Agency._meta.db_table),
            parent=quote(Agency._meta.get_field("parent").column),
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {row[0] for row in cursor.fetchall()}


class Topic(models.Model):
    """A policy area that commitments are grouped by: school safety, background
    checks, prosecutions, regulation."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200, validators=[validate_one_line])

    history = AuditHistory()
    objects = SlugManager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Announcement(models.Model):
    """The source document that makes the commitments."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=300, validators=[validate_one_line])
    issuer = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="announcements"
    )
    announced_on = models.DateField(
        help_text="The date the commitments were made (not the date of an article "
        "reporting them). Deadlines given in days count from it."
    )
    source_url = models.URLField(
        max_length=500,
        blank=True,
        help_text="The official document (the issuer's own release). Leave blank "
        "rather than guess.",
    )
    summary = models.TextField(blank=True, max_length=LONG_TEXT_LENGTH)
    body = models.TextField(
        max_length=ANNOUNCEMENT_BODY_LENGTH,
        help_text="The full text. Every commitment's quote must occur in it.",
    )
    text_source_url = models.URLField(
        max_length=500,
        blank=True,
        help_text="Where the text was taken from, when not from the official "
        "document (a news report of the announcement, say). Blank when the text "
        "is the official document's.",
    )
    text_source_note = models.CharField(
        max_length=500,
        blank=True,
        help_text="What that other source is, in a sentence readers will see: "
        "who published it and when.",
    )

    history = AuditHistory()
    objects = SlugManager()

    class Meta:
        ordering = ["-announced_on", "id"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        adding = self._state.adding
        with transaction.atomic():
            if not adding:
                # Writers of what may not predate this date (progress, checks,
                # deadlines) lock this row too: the rules are checked against
                # what they committed, and they against the date saved here.
                list(
                    Announcement.objects.select_for_update()
                    .filter(pk=self.pk)
                    .values_list("pk", flat=True)
                )
            self.clean()
            super().save(*args, **kwargs)
            if adding:
                record_change_entry(
                    ChangeEntry.Kind.ANNOUNCEMENT_ADDED,
                    announcement=self,
                    summary=f"Announcement added: “{shorten(self.title, 300)}” "
                    f"({self.issuer}, {self.announced_on.isoformat()}).",
                )
            # Deadlines counted in days follow the announcement's date: a
            # correction of the announcement, not a change of each commitment.
            for commitment in self.commitments.filter(due_in_days__isnull=False):
                commitment.follow_announcement_date(self)

    def get_absolute_url(self):
        return reverse("public:announcement", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        errors = {}
        moved = self.pk is None or self.announced_on != (
            Announcement.objects.filter(pk=self.pk)
            .values_list("announced_on", flat=True)
            .first()
        )
        # Judged when the date moves, so that a row stored before these rules
        # does not stop edits of its text or title.
        if moved and isinstance(self.announced_on, datetime.date):
            if self.announced_on > timezone.localdate():
                errors["announced_on"] = (
                    "An announcement cannot be dated in the future."
                )
            elif self.pk is not None:
                self.clean_date_against_records(errors)
        if self.pk is None:
            if errors:
                raise ValidationError(errors)
            return
        # A new text must still hold every quote taken from the old one.
        body = normalise_whitespace(self.body)
        lost = [
            f"{commitment.title} ({commitment.slug})"
            for commitment in self.commitments.only("title", "slug", "source_quote")
            if normalise_whitespace(commitment.source_quote) not in body
        ]
        if lost:
            errors["body"] = (
                "The text no longer contains the quotes of these commitments: "
                + "; ".join(lost)
                + ". Change their quotes first, or keep those words in the text."
            )
        # Deadlines counted in days follow this date, so it must leave room for
        # the longest of them.
        longest = self.commitments.aggregate(days=Max("due_in_days"))["days"]
        if (
            isinstance(self.announced_on, datetime.date)
            and longest is not None
            and days_after(self.announced_on, longest) is None
        ):
            errors.setdefault(
                "announced_on",
                f"Too late: a deadline of {longest} days after this date would "
                "pass the year 9999.",
            )
        if errors:
            raise ValidationError(errors)

    def clean_date_against_records(self, errors):
        """Progress, deadline changes and checks were each refused a day before
        the announcement: a correction of its date may not move it past them."""
        error = predates_announcement(
            self.announced_on, self.commitments.all().earliest_dated_record()
        )
        if error:
            errors["announced_on"] = (
                f"{error} Choose a date on or before that day, or correct that "
                "record first."
            )
            return
        # A due date given as a date (not counted in days, which follow this
        # date) falls after the announcement too (Commitment.clean).
        due = (
            self.commitments.filter(due_in_days=None, due_date__lt=self.announced_on)
            .order_by("due_date", "id")
            .values_list("due_date", "title")
            .first()
        )
        if isinstance(self.announced_on, datetime.date) and due is not None:
            errors["announced_on"] = (
                f"Too late: “{due[1]}” is due on {due[0].isoformat()}, and a "
                "promise falls due after it is made. Choose a date on or before "
                "that day, or move that due date first."
            )


def predates_announcement(announced_on, earliest):
    """What predates an announcement dated `announced_on`, from the earliest-dated
    record of its commitments (CommitmentQuerySet.earliest_dated_record), as
    the start of an error message; or None."""
    if earliest is None or not isinstance(announced_on, datetime.date):
        return None
    day, what = earliest
    if day >= announced_on:
        return None
    return (
        f"Too late: {what} {day.isoformat()}, and nothing on a commitment may "
        f"predate its announcement ({announced_on.isoformat()})."
    )


def days_after(day, days):
    """`day` plus `days`, or None when that passes the last date there is
    (9999-12-31)."""
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError:
        return None


class LatestUpdate:
    """`commitment.latest_update`: the update the commitment's status follows as of
    the day the row is read at (`as_of`, or now), or None; read once and kept on
    the instance, as a related object is (a full refresh_from_db() forgets it).

    `prefetch_related(Prefetch("latest_update", queryset))` reads it in one
    query: for many commitments, the latest update of each by its key
    (CommitmentQuerySet.counted_updates, one probe of the timeline index per
    commitment), then those updates from `queryset` by their keys; for a lone
    commitment (a detail), the first of its timeline from `queryset`, which is
    cheaper to build than a subquery. `queryset` says how to read the update
    (joins, prefetches), not which: one that filters or is sliced is refused,
    as it would choose among the updates differently in the two ways. Testing
    every update of the commitments for being the latest instead cost
    PostgreSQL three times as long on a page of 50 (README, "Where a list
    request spends its time")."""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        latest = instance.__dict__[self.name] = instance.latest_progress(instance.as_of)
        return latest

    def is_cached(self, instance):
        return self.name in instance.__dict__

    def get_prefetch_querysets(self, instances, querysets=None):
        queryset = querysets[0] if querysets else ProgressUpdate.objects.all()
        if queryset.query.where or queryset.query.is_sliced:
            raise ValueError(
                "Prefetch('latest_update', queryset): the queryset says how to "
                "read the latest update, not which; it must not filter or slice."
            )
        if len(instances) == 1:
            (commitment,) = instances
            timeline = queryset.filter(commitment=commitment)
            updates = timeline.counted_timeline(commitment.as_of)[:1]
        else:
            # The rows of one queryset share their day; one subquery per day
            # anyway.
            by_day = {}
            for commitment in instances:
                by_day.setdefault(commitment.as_of, []).append(commitment)
            wanted = Q()
            for day, commitments in by_day.items():
                latest = CommitmentQuerySet.counted_updates(day).values("pk")[:1]
                of_these = Commitment.objects.filter(pk__in=[c.pk for c in commitments])
                wanted |= Q(pk__in=of_these.values(latest=Subquery(latest)))
            updates = queryset.filter(wanted)
        # Each update knows its commitment, as one read through the reverse
        # relation does (Django's own prefetch of it does the same).
        by_key = {commitment.pk: commitment for commitment in instances}
        commitment_field = ProgressUpdate._meta.get_field("commitment")
        for update in updates:
            commitment_field.set_cached_value(update, by_key[update.commitment_id])
        return (
            updates,
            operator.attrgetter("commitment_id"),
            operator.attrgetter("pk"),
            True,
            self.name,
            True,
        )


class CommitmentManager(models.Manager):
    def get_by_natural_key(self, announcement_slug, slug):
        return self.get(announcement__slug=announcement_slug, slug=slug)


# The columns a commitment reads as of a past day (CommitmentQuerySet.as_of); every
# other field reads as now.
AS_OF_FIELDS = (
    "status",
    "due_date",
    "final_assessed_on",
    "last_checked_on",
    "status_confirmed_on",
)


class AsOfIterable(ModelIterable):
    """Commitments read as of a past day: the as-of columns stand in for the stored
    ones, so whatever shows a commitment (the API, the pages, the CSV) shows it as
    it stood without knowing about days. Such a row is for reading only
    (Commitment.save refuses it)."""

    def __iter__(self):
        day = self.queryset.as_of_day
        for commitment in super().__iter__():
            for name in AS_OF_FIELDS:
                setattr(commitment, name, getattr(commitment, f"as_of_{name}"))
            commitment.as_of = day
            yield commitment


class CommitmentQuerySet(models.QuerySet):
    """The rules that select or count commitments, each written once (docs/design.md,
    "Status vocabulary" and "Status as of"): the API's filters and summary, the
    site's lists and scorecards, the admin's filter, the CSV and the benchmark's
    baseline use these. A queryset read `as_of(day)` applies each of them to the
    values as they stood that day."""

    as_of_day = None

    def _clone(self):
        clone = super()._clone()
        clone.as_of_day = self.as_of_day
        return clone

    def column(self, name):
        """The column this queryset reads `name` from: the as-of annotation of
        one of AS_OF_FIELDS on a queryset read as of a day, else the field."""
        if self.as_of_day is not None and name in AS_OF_FIELDS:
            return f"as_of_{name}"
        return name

    @staticmethod
    def overdue_q(today=None, *, status="status", due_date="due_date"):
        """Overdue: a due date before today and no final assessment. The IS NOT NULL
        test keeps it false, not NULL, without a due date, so the negation and the
        SQL flag are right for those rows too. `status` and `due_date` name the
        columns to read (the as-of ones, for a past day)."""
        today = today or timezone.localdate()
        return (
            Q(**{f"{due_date}__isnull": False})
            & Q(**{f"{due_date}__lt": today})
            & ~Q(**{f"{status}__in": Status.final()})
        )

    @staticmethod
    def late_q(
        *, status="status", due_date="due_date", final_assessed_on="final_assessed_on"
    ):
        """Late: a final assessment dated after the due date."""
        return (
            Q(**{f"{status}__in": Status.final()})
            & Q(**{f"{due_date}__isnull": False})
            & Q(**{f"{final_assessed_on}__isnull": False})
            & Q(**{f"{final_assessed_on}__gt": F(due_date)})
        )

    def overdue_rule(self, today=None):
        """overdue_q as this queryset reads it: counted from its as-of day, if
        any, on the columns of that day."""
        return self.overdue_q(
            self.as_of_day or today,
            status=self.column("status"),
            due_date=self.column("due_date"),
        )

    def late_rule(self):
        return self.late_q(
            status=self.column("status"),
            due_date=self.column("due_date"),
            final_assessed_on=self.column("final_assessed_on"),
        )

    @staticmethod
    def supporting_q(agencies):
        """The commitments these agencies (ids or rows) support, whoever leads
        them. A subquery rather than a join, so each commitment is selected once."""
        supported = Commitment.supporting_agencies.through.objects.filter(
            agency__in=agencies
        ).values("commitment_id")
        return Q(pk__in=supported)

    @classmethod
    def agencies_q(cls, agencies):
        """The commitments these agencies (ids or rows) lead or support."""
        return Q(lead_agency__in=agencies) | cls.supporting_q(agencies)

    @staticmethod
    def counted_updates(day=None, commitment="pk"):
        """The counted progress updates of each row (the outer query's column
        `commitment` names the commitment), the one the status follows first; only
        those reported on or before `day`, if given. Slice [:1] for the latest."""
        updates = ProgressUpdate.objects.filter(commitment=OuterRef(commitment))
        return updates.counted_timeline(day)

    def latest_update(self, field):
        """A field of each row's latest counted update (as of this queryset's day),
        or an expression of its fields, as a subquery."""
        updates = self.counted_updates(self.as_of_day)
        if hasattr(field, "resolve_expression"):
            return Subquery(updates.values(latest_update=field)[:1])
        return Subquery(updates.values(field)[:1])

    def as_of(self, day):
        """These commitments as they stood at the end of `day` (docs/design.md, "Status
        as of"), or as now when `day` is None, in the same one query: those of
        announcements made by then, each with its status, due date, final
        assessment and last check of that day as `as_of_*` columns, which the rows
        read in place of their own (AsOfIterable) and the filters, counts and
        orderings of this queryset use."""
        if day is None:
            return self
        latest = self.counted_updates(day)
        changes = DeadlineChange.objects.filter(commitment=OuterRef("pk"))
        in_force = changes.known_by(day).order_by(*DEADLINE_CHANGE_ORDER)
        earliest = changes.order_by(
            *(name.lstrip("-") for name in DEADLINE_CHANGE_ORDER)
        )
        checks = StatusCheck.objects.filter(
            commitment=OuterRef("pk"), checked_on__lte=day
        ).order_by("-checked_on")
        clone = (
            self.filter(announcement__announced_on__lte=day)
            .annotate(
                as_of_status=Coalesce(
                    Subquery(latest.values("status")[:1]),
                    Value(Status.NOT_RATED.value),
                    output_field=models.CharField(),
                ),
                as_of_reported_on=Subquery(latest.values("reported_on")[:1]),
                # The deadline in force: the latest change by then; before the
                # first change, the date that change moved away from.
                as_of_due_date=Case(
                    When(
                        Exists(in_force),
                        then=Subquery(in_force.values("new_due_date")[:1]),
                    ),
                    When(
                        Exists(changes),
                        then=Subquery(earliest.values("old_due_date")[:1]),
                    ),
                    default=F("due_date"),
                    output_field=models.DateField(),
                ),
                as_of_last_checked_on=Subquery(checks.values("checked_on")[:1]),
            )
            .annotate(
                as_of_final_assessed_on=Case(
                    When(as_of_status__in=Status.final(), then=F("as_of_reported_on")),
                    default=None,
                    output_field=models.DateField(),
                ),
                # Only a check of the status it had then confirms it.
                as_of_status_confirmed_on=Subquery(
                    checks.filter(status=OuterRef("as_of_status")).values("checked_on")[
                        :1
                    ]
                ),
            )
        )
        clone.as_of_day = day
        clone._iterable_class = AsOfIterable
        return clone.annotate_overdue()

    def annotate_overdue(self, today=None):
        """`overdue` and `late` as columns, computed in SQL (as of this
        queryset's day, if any)."""
        return self.annotate(
            overdue=models.ExpressionWrapper(
                self.overdue_rule(today), output_field=models.BooleanField()
            ),
            late=models.ExpressionWrapper(
                self.late_rule(), output_field=models.BooleanField()
            ),
        )

    def by_supporter(self):
        """One row per commitment and agency that supports it without leading it,
        the agency's id in `supporter`: group by it to count what each supports."""
        return (
            self.annotate(supporter=F("supporting_agencies"))
            .exclude(supporter__isnull=True)
            .exclude(supporter=F("lead_agency"))
        )

    def overdue(self, today=None):
        return self.filter(self.overdue_rule(today))

    def not_overdue(self, today=None):
        return self.exclude(self.overdue_rule(today))

    def late(self):
        return self.filter(self.late_rule())

    def not_late(self):
        return self.exclude(self.late_rule())

    def earliest_dated_record(self):
        """The earliest-dated record of these commitments, as (day, what it is),
        or None: a progress update (by reported_on, retracted ones too: they stay
        on the timeline), a deadline change (changed_on) or a status check
        (checked_on). Each was refused a day before its announcement, so
        the announcement's date may not move past it (Announcement.clean,
        Commitment.clean_announcement_move)."""
        commitments = self.values("pk")
        found = []
        for model, day, what in (
            (ProgressUpdate, "reported_on", "progress on “{}” is reported on"),
            (DeadlineChange, "changed_on", "the deadline of “{}” was moved on"),
            (StatusCheck, "checked_on", "the status of “{}” was checked on"),
        ):
            earliest = (
                model.objects.filter(commitment__in=commitments)
                .order_by(day, "id")
                .values_list(day, "commitment__title")
                .first()
            )
            if earliest is not None:
                found.append((earliest[0], what.format(earliest[1])))
        return min(found, default=None)

    def of_agencies(self, agencies):
        """The commitments these agencies lead or support (docs/design.md, "An agency's
        commitments")."""
        return self.filter(self.agencies_q(agencies))

    def supported_by(self, agencies):
        """The commitments these agencies support and another leads: what an
        agency page's "Supports" scorecard counts (`by_supporter` counts the same
        per agency)."""
        return self.filter(self.supporting_q(agencies)).exclude(
            lead_agency__in=agencies
        )

    def _status_count_aggregates(self, today):
        status = self.column("status")
        counts = {"total": models.Count("pk")}
        for value in Status:
            counts[value.value] = models.Count("pk", filter=Q(**{status: value}))
        counts["overdue"] = models.Count("pk", filter=self.overdue_rule(today))
        counts["late"] = models.Count("pk", filter=self.late_rule())
        return counts

    @staticmethod
    def _status_count_entry(row):
        return {
            "total": row["total"],
            "by_status": {status.value: row[status.value] for status in Status},
            "overdue": row["overdue"],
            "late": row["late"],
        }

    def status_counts(self, today=None):
        """How these commitments stand, in one aggregate query: `{"total",
        "by_status": {every status: n}, "overdue", "late"}`."""
        row = self.order_by().aggregate(**self._status_count_aggregates(today))
        return self._status_count_entry(row)

    def status_counts_by(self, *fields, today=None):
        """The same counts per value of `fields` (e.g. "lead_agency_id"), in one
        grouped query ordered by those fields: a list of `(values, counts)`, where
        `values` maps each field to its value."""
        rows = (
            self.order_by()
            .values(*fields)
            .annotate(**self._status_count_aggregates(today))
            .order_by(*fields)
        )
        return [
            ({name: row[name] for name in fields}, self._status_count_entry(row))
            for row in rows
        ]


class Commitment(LoadedValues, StoredValues):
    """One trackable promise made in an announcement.

    A write that moves the deadline (due_date or due_in_days) is recorded as a
    DeadlineChange: the writer sets `deadline_change_reason` (and, optionally,
    `deadline_changed_on` and `deadline_change_author`) before saving, and save()
    refuses the move without a reason."""

    class Kind(models.TextChoices):
        TIME_BOUND = "time_bound", "Time-bound (has a deadline)"
        ONGOING = "ongoing", "Ongoing (a standing practice)"
        OPEN_ENDED = "open_ended", "Open-ended (no deadline stated)"

    announcement = models.ForeignKey(
        Announcement, on_delete=models.PROTECT, related_name="commitments"
    )
    slug = models.SlugField(help_text="Unique within its announcement.")
    title = models.CharField(max_length=300, validators=[validate_one_line])
    description = models.TextField(blank=True, max_length=LONG_TEXT_LENGTH)
    source_quote = models.TextField(
        max_length=LONG_TEXT_LENGTH,
        help_text="A verbatim excerpt of the announcement that carries the "
        "commitment's own words.",
    )
    lead_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="led_commitments",
        help_text="Who must act.",
    )
    supporting_agencies = models.ManyToManyField(
        Agency, blank=True, related_name="supported_commitments"
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="commitments"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    deadline_text = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_one_line],
        help_text='The deadline as stated: "over the next 45 days", "immediate".',
    )
    due_in_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Days from the announcement date (immediate is 0). When set, the "
        "due date is derived from it.",
    )
    due_date = models.DateField(
        null=True,
        blank=True,
        help_text="The current deadline: derived from the day count when there is "
        "one, otherwise as entered.",
    )
    original_due_date = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The first due date this commitment had.",
    )
    status = models.CharField(
        max_length=24,
        choices=Status.choices,
        default=Status.NOT_RATED,
        editable=False,
        help_text="Follows the latest progress update.",
    )
    final_assessed_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The date of the latest update when it is a final assessment.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The commitment this one is part of, in the same announcement.",
    )
    last_checked_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The latest date an editor confirmed, without news, that the "
        "status still holds.",
    )
    status_confirmed_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The latest check of the status the commitment has now: a check "
        "of a status that news has since replaced confirms nothing.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecordsWithM2M(
        excluded_fields=["updated_at"], m2m_fields=["supporting_agencies"]
    )
    objects = CommitmentManager.from_queryset(CommitmentQuerySet)()
    tracked_fields = ("announcement_id", "parent_id", "due_date", "due_in_days")

    # The day this row was read as of (CommitmentQuerySet.as_of), or None: now.
    as_of = None

    latest_update = LatestUpdate()

    # Set (True) by a writer that read this row with SELECT ... FOR UPDATE inside
    # the transaction that saves a progress update to it: the update's save() then
    # takes the row as locked, and clears the flag.
    locked_for_update = False

    # Set by the writer of a deadline change, for the next save() only.
    deadline_change_reason = ""
    deadline_changed_on = None
    deadline_change_author = None

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "slug"],
                name="%(app_label)s_%(class)s_unique_slug_per_announcement",
                violation_error_message="This announcement already has a "
                "commitment with this slug.",
            ),
            models.CheckConstraint(
                condition=Q(due_in_days__isnull=True) | Q(due_in_days__gte=0),
                name="%(app_label)s_%(class)s_due_in_days_not_negative",
                violation_error_message="The day count cannot be negative.",
            ),
            models.CheckConstraint(
                condition=(Q(kind="time_bound") & Q(due_date__isnull=False))
                | (~Q(kind="time_bound") & Q(due_date__isnull=True)),
                name="%(app_label)s_%(class)s_time_bound_iff_due_date",
                violation_error_message="A commitment is time-bound if and only if "
                "it has a due date.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="Unknown status.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["time_bound", "ongoing", "open_ended"]),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="Unknown kind.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="%(app_label)s_%(class)s_not_own_parent",
                violation_error_message="A commitment cannot be its own parent.",
            ),
        ]
        indexes = [
            # Filters by status (list, summary) and the ordering by status.
            models.Index(fields=["status", "id"], name="commitment_status_idx"),
            # Filters by status and agency (agencies_q): PostgreSQL counts them
            # from the index, not the table (migration 0017).
            models.Index(
                fields=["status", "lead_agency", "id"],
                name="commitment_status_lead_idx",
            ),
            # ?ordering=due_date, ?due_before/?due_after and the overdue filter.
            models.Index(fields=["due_date", "id"], name="commitment_due_date_idx"),
            # ?ordering=updated_at.
            models.Index(fields=["updated_at", "id"], name="commitment_updated_idx"),
            # ?ordering=title.
            models.Index(fields=["title", "id"], name="commitment_title_idx"),
        ]

    def __str__(self):
        return self.title

    # Written by the tracker itself, not by the person changing the commitment:
    # a change to these alone is not a "commitment changed" entry's business.
    BOOKKEEPING_FIELDS = {
        "status",
        "final_assessed_on",
        "original_due_date",
        "last_checked_on",
        "status_confirmed_on",
        "version",
        "created_at",
        "updated_at",
    }

    def save(self, *args, record_change=True, **kwargs):
        """Save under the domain rules, which hold for every writer: the admin,
        the API and commands. A client's save is one entry in the changes feed (a
        moved deadline's entry says so); the tracker's own follow-up writes (the
        status following progress, the day count following the announcement)
        pass record_change=False."""
        if self.as_of is not None:
            raise TypeError("A commitment read as of a past day is not for saving.")
        with own_transaction(Commitment):
            self.clean()
            change = self.pending_deadline_change()
            if change is not None:
                self._change_reason = shorten(change.reason, 100)
            if self.original_due_date is None:
                self.original_due_date = self.due_date
            adding = self._state.adding
            if not adding and not kwargs.get("force_insert"):
                self.version = (self.version or 0) + 1
            changed = [
                field.verbose_name
                for field in self.fields_changed_since(
                    getattr(self, "_loaded_values", {})
                )
                if field.name not in self.BOOKKEEPING_FIELDS
            ]
            super().save(*args, **kwargs)
            self._loaded_values = {
                field.attname: getattr(self, field.attname)
                for field in self._meta.concrete_fields
            }
            if change is not None:
                change.save()
            if record_change:
                self.record_save_in_changes(adding, changed, change)
        self.remember_stored_values()
        for name in (*DEADLINE_CHANGE_FIELDS.values(), "_follows_announcement_date"):
            self.__dict__.pop(name, None)

    def get_absolute_url(self):
        return reverse("public:commitment", args=[self.announcement.slug, self.slug])

    def natural_key(self):
        return (self.announcement.slug, self.slug)

    natural_key.dependencies = ["commitments.announcement"]

    def record_save_in_changes(self, adding, changed, deadline_change):
        """The changes feed's one entry for this client's save."""
        title = shorten(self.title, 300)
        if adding:
            record_change_entry(
                ChangeEntry.Kind.COMMITMENT_ADDED,
                announcement=self.announcement,
                commitment=self,
                summary=f"Commitment added: “{title}”.",
            )
        elif deadline_change is not None:
            record_deadline_change(
                self,
                deadline_change.old_due_date,
                deadline_change.new_due_date,
                deadline_change.reason,
                author=deadline_change.author,
            )
        else:
            record_change_entry(
                ChangeEntry.Kind.COMMITMENT_CHANGED,
                announcement=self.announcement,
                commitment=self,
                summary=f"Commitment changed: “{title}”"
                + (f" ({', '.join(changed)})." if changed else "."),
            )

    @property
    def reading_day(self):
        """The day this row is read at: its as-of day, or today."""
        return self.as_of or timezone.localdate()

    @property
    def is_overdue(self):
        return (
            self.due_date is not None
            and self.due_date < self.reading_day
            and self.status not in Status.final()
        )

    @property
    def is_late(self):
        return (
            self.status in Status.final()
            and self.due_date is not None
            and self.final_assessed_on is not None
            and self.final_assessed_on > self.due_date
        )

    @property
    def days_remaining(self):
        if self.due_date is None:
            return None
        return (self.due_date - self.reading_day).days

    def derived_due_date(self):
        """The due date the day count gives (None without one, or past 9999)."""
        if self.due_in_days is None or not self.announcement_id:
            return None
        return days_after(self.announcement.announced_on, self.due_in_days)

    def follow_announcement_date(self, announcement):
        """Move a deadline counted in days after its announcement's date was
        corrected. This corrects the deadline rather than moving it: the history
        keeps the old date, and no deadline change is recorded."""
        self.announcement = announcement
        due_date = self.derived_due_date()
        if due_date != self.due_date:
            self.due_date = due_date
            self._follows_announcement_date = True
            self._change_reason = "The announcement's date changed."
            self.save(record_change=False)

    def deadline_moved(self):
        """Whether this write changes due_date or due_in_days."""
        if self._state.adding:
            return False
        return (self.due_date, self.due_in_days) != (
            self.stored("due_date"),
            self.stored("due_in_days"),
        )

    def pending_deadline_change(self):
        """The record this write makes of a moved deadline (unsaved), or None."""
        if not self.deadline_moved() or self.__dict__.get("_follows_announcement_date"):
            return None
        return DeadlineChange(
            commitment=self,
            changed_on=self.deadline_changed_on or timezone.localdate(),
            old_due_date=self.stored("due_date"),
            new_due_date=self.due_date,
            reason=(self.deadline_change_reason or "").strip(),
            author=self.deadline_change_author,
        )

    def clean(self):
        errors = {}
        self.clean_deadline(errors)
        if self.announcement_id and self.source_quote:
            quote = normalise_whitespace(self.source_quote)
            if quote not in normalise_whitespace(self.announcement.body):
                errors["source_quote"] = (
                    "This quote does not occur in the announcement's text. Copy it "
                    "verbatim (line breaks and spacing may differ)."
                )
        if (
            self.announcement_id
            and isinstance(self.due_date, datetime.date)
            and self.due_date < self.announcement.announced_on
            # Judged when either moves, so that a row stored before the rule
            # does not stop writes that touch neither.
            and (
                self.due_date != self.stored("due_date")
                or self.announcement_id != self.stored("announcement_id")
            )
        ):
            errors["due_date"] = (
                "A due date cannot precede the announcement "
                f"({self.announcement.announced_on}): a promise falls due after "
                "it is made."
            )
        if self.kind == self.Kind.TIME_BOUND and self.due_date is None:
            errors.setdefault(
                "due_date", "A time-bound commitment needs a due date or a day count."
            )
        if self.kind and self.kind != self.Kind.TIME_BOUND and self.due_date:
            errors["kind"] = (
                "A commitment with a due date is time-bound; choose that kind or "
                "remove the deadline."
            )
        self.clean_parent(errors)
        self.clean_announcement_move(errors)
        if not errors:
            self.clean_deadline_change(errors)
        if errors:
            raise ValidationError(errors)

    def clean_deadline(self, errors):
        """The due date follows the day count, when there is one: a due date that
        contradicts it is refused, not silently replaced (an unchanged one is
        worked out again, so changing the day count alone moves it)."""
        if self.due_in_days is None or not self.announcement_id:
            return
        if self.due_in_days < 0:
            errors["due_in_days"] = "The day count cannot be negative."
            return
        derived = self.derived_due_date()
        if derived is None:
            errors["due_in_days"] = (
                f"Too many days: {self.due_in_days} days after the announcement "
                "would pass the year 9999."
            )
        elif self.due_date not in (None, derived, self.stored("due_date")):
            errors["due_date"] = (
                f"This due date contradicts the day count: {self.due_in_days} days "
                f"after the announcement ({self.announcement.announced_on}) is "
                f"{derived}. Change the day count, or clear it and give the date."
            )
        else:
            self.due_date = derived

    def clean_announcement_move(self, errors):
        """A commitment moved to another announcement takes its timeline along:
        nothing on it may predate the new announcement."""
        if self.pk is None or self.announcement_id == self.stored("announcement_id"):
            return
        earliest = Commitment.objects.filter(pk=self.pk).earliest_dated_record()
        error = predates_announcement(self.announcement.announced_on, earliest)
        if error:
            errors["announcement"] = f"{error} Choose an earlier announcement."

    def clean_parent(self, errors):
        """A sub-commitment shares its parent's announcement, and no commitment
        sits below itself."""
        if self.parent_id:
            if self.pk is not None and self.parent_id == self.pk:
                errors["parent"] = "A commitment cannot be its own parent."
            elif self.parent.announcement_id != self.announcement_id:
                errors["parent"] = (
                    "The parent commitment must belong to the same announcement."
                )
            elif (
                self.pk is not None
                and self.parent_id != self.stored("parent_id")
                and closes_a_loop(self)
            ):
                errors["parent"] = "A commitment cannot sit below itself."
        if (
            self.pk is not None
            and self.announcement_id != self.stored("announcement_id")
            and self.children.exclude(announcement_id=self.announcement_id).exists()
        ):
            errors["announcement"] = (
                "This commitment has sub-commitments in its announcement; it cannot "
                "move to another one. Move or detach its sub-commitments first."
            )

    def clean_deadline_change(self, errors):
        """A moved deadline needs a reason and a valid date of change; the errors
        name the fields the writer sets."""
        change = self.pending_deadline_change()
        if change is None:
            return
        try:
            change.clean()
        except ValidationError as refused:
            for name, messages in refused.message_dict.items():
                errors[DEADLINE_CHANGE_FIELDS.get(name, name)] = messages

    def counted_timeline(self, day=None):
        """This commitment's counted updates (those reported by `day`, if given),
        the one the status follows first."""
        return self.updates.counted_timeline(day)

    def latest_progress(self, day=None):
        """The update the status follows: the latest that is not retracted (of
        those reported by `day`, if given)."""
        return self.counted_timeline(day).first()

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using, fields, from_queryset)
        # As Django forgets prefetched rows: on a full refresh only (reading a
        # deferred field refreshes that field alone).
        if fields is None:
            self.__dict__.pop(Commitment.latest_update.name, None)

    @staticmethod
    def status_after(latest):
        """The status and final assessment date that `latest`, the latest counted
        update (None: there is none), gives its commitment."""
        if latest is None:
            return Status.NOT_RATED, None
        final_on = latest.reported_on if latest.status in Status.final() else None
        return latest.status, final_on

    def refresh_status(self):
        """Set status from the latest progress update by reported_on (ties: the
        later created_at) that is not retracted. Call inside the transaction that
        changed the updates."""
        self.take_status(*self.status_after(self.latest_progress()))

    def follow_added_update(self, update):
        """Follow `update`, just added to this commitment, inside the transaction
        that added it and with this row locked. The status already follows the
        latest of the other updates, so it changes only if `update` is now the
        latest: the write checks that itself (no counted update comes before it
        in the timeline), in the same statement, instead of reading the latest
        update first. So it trusts the stored status: rows written around the
        models (raw SQL, a bulk load) must store what refresh_status() would, as
        generate_data does (tests/test_generate_data.py replays its rows)."""
        if update.is_retracted:
            return
        ahead = ProgressUpdate.objects.counted().filter(commitment=self)
        self.take_status(*self.status_after(update), unless=ahead.ahead_of(update))

    def take_status(self, status, final_on, unless=None):
        """Write this status and final assessment date, if they differ from the
        row's and `unless` (a queryset, checked by the UPDATE itself) is empty:
        one UPDATE, with the version bump and a history record (its supporting
        agencies too), as save() writes them. Only the tracker's bookkeeping
        changes, so save()'s rules for what a client writes have nothing to
        check. Returns whether it wrote."""
        if (status, final_on) == (self.status, self.final_assessed_on):
            return False
        rows = Commitment.objects.filter(pk=self.pk)
        if unless is not None:
            rows = rows.filter(~Exists(unless))
        changes = {
            "status": status,
            "final_assessed_on": final_on,
            "status_confirmed_on": (
                self.status_checks.confirmed_on(status)
                if status != self.status and self.last_checked_on is not None
                else self.status_confirmed_on
            ),
            # The row is locked: its version cannot have moved since it was read.
            "version": self.version + 1,
            "updated_at": timezone.now(),
        }
        if not rows.update(**changes):
            return False
        for name, value in changes.items():
            setattr(self, name, value)
        self.__dict__.setdefault("_loaded_values", {}).update(changes)
        self._change_reason = "Status follows the latest progress update."
        Commitment.history_records.create_historical_record(self, "~")
        return True

    def status_as_of(self, latest_update):
        """The date the status is known to hold: its latest update's reported_on
        (`latest_update`, from latest_progress() or a prefetch), or a later check
        of that status (status_confirmed_on); None when there is neither."""
        dates = [
            day
            for day in (
                latest_update.reported_on if latest_update else None,
                self.status_confirmed_on,
            )
            if day is not None
        ]
        return max(dates, default=None)

    def confirm_status(self, checked_on=None, author=None):
        """Record that the status still holds on `checked_on` (today by default),
        without news: a check, not a progress update. Refused (ValidationError on
        checked_on) in the future, before the announcement, or before the latest
        update, which already says more."""
        with transaction.atomic():
            # A fresh, locked copy: the row is written whole, and a concurrent
            # progress update may have moved the status since `self` was read.
            locked = (
                Commitment.objects.select_for_update()
                .select_related("announcement")
                .get(pk=self.pk)
            )
            checked_on = checked_on or timezone.localdate()
            latest = locked.latest_progress()
            announced_on = locked.announcement.announced_on
            if checked_on > timezone.localdate():
                error = "A check cannot be dated in the future."
            elif checked_on < announced_on:
                error = f"A check cannot predate the announcement ({announced_on})."
            elif latest is not None and checked_on < latest.reported_on:
                error = (
                    f"The latest progress update is dated {latest.reported_on}: a "
                    "check cannot predate it."
                )
            else:
                error = None
            if error:
                raise ValidationError({"checked_on": error})
            StatusCheck.objects.create(
                commitment=locked,
                checked_on=checked_on,
                status=locked.status,
                author=author,
            )
            locked.last_checked_on = max(
                checked_on, locked.last_checked_on or checked_on
            )
            locked.status_confirmed_on = max(
                checked_on, locked.status_confirmed_on or checked_on
            )
            locked._change_reason = (
                f"Status confirmed as still holding on {checked_on.isoformat()}."
            )
            locked.save(record_change=False)
            record_change_entry(
                ChangeEntry.Kind.STATUS_CHECKED,
                announcement=locked.announcement,
                commitment=locked,
                summary=f"Status of “{shorten(locked.title, 300)}” confirmed: still "
                f"{locked.get_status_display()} on {checked_on.isoformat()}.",
                author=author,
            )
        self.last_checked_on, self.version = locked.last_checked_on, locked.version
        self.status_confirmed_on = locked.status_confirmed_on
        self.status, self.final_assessed_on = locked.status, locked.final_assessed_on
        return locked


# The commitment's attributes by which a writer gives the deadline change's values.
DEADLINE_CHANGE_FIELDS = {
    "reason": "deadline_change_reason",
    "changed_on": "deadline_changed_on",
    "author": "deadline_change_author",
}

# A commitment's deadline changes, newest first (back-dated ones by their date).
DEADLINE_CHANGE_ORDER = ["-changed_on", "-created_at", "-id"]


class DeadlineChangeQuerySet(models.QuerySet):
    def known_by(self, day):
        """The changes made on or before `day` (all of them when None)."""
        return self if day is None else self.filter(changed_on__lte=day)


class DeadlineChange(models.Model):
    """A move of a commitment's deadline: when, from which due date to which, why
    and by whom. Written by Commitment.save() in the same transaction as the move;
    the commitment keeps its original_due_date."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="deadline_changes"
    )
    changed_on = models.DateField(
        default=timezone.localdate,
        help_text="The date the deadline was moved: not before the announcement, "
        "nor before the previous change, nor in the future.",
    )
    old_due_date = models.DateField(null=True, blank=True)
    new_due_date = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=1000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deadline_changes",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = DeadlineChangeQuerySet.as_manager()

    class Meta:
        ordering = DEADLINE_CHANGE_ORDER
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="%(app_label)s_%(class)s_has_reason",
                violation_error_message="A deadline change needs a reason.",
            ),
        ]
        indexes = [
            # A commitment's deadline changes, newest first (its page, its JSON).
            models.Index(
                fields=["commitment", *DEADLINE_CHANGE_ORDER],
                name="deadline_change_commitment_idx",
            ),
        ]

    def __str__(self):
        return f"{self.changed_on}: {self.old_due_date} → {self.new_due_date}"

    def save(self, *args, **kwargs):
        self.clean()
        super().save(*args, **kwargs)

    @property
    def recorded_at(self):
        """When the change was entered (changed_on is when the deadline moved)."""
        return self.created_at

    def clean(self):
        errors = {}
        if not (self.reason or "").strip():
            errors["reason"] = (
                "Changing the deadline (the due date or the day count) needs a "
                "reason: say why it moved."
            )
        if self.changed_on and self.changed_on > timezone.localdate():
            errors["changed_on"] = "A deadline change cannot be dated in the future."
        elif self.changed_on and self.commitment_id:
            announced_on = self.commitment.announcement.announced_on
            previous = self.commitment.deadline_changes.exclude(pk=self.pk).aggregate(
                latest=Max("changed_on")
            )["latest"]
            if self.changed_on < announced_on:
                errors["changed_on"] = (
                    "A deadline change cannot predate the announcement "
                    f"({announced_on})."
                )
            elif previous and self.changed_on < previous:
                errors["changed_on"] = (
                    f"A deadline change cannot predate the previous one ({previous})."
                )
        if errors:
            raise ValidationError(errors)


# A commitment's timeline, newest first: the latest by reported_on, ties broken by
# the later created_at (then id). The first update in this order that is not
# retracted sets the status.
TIMELINE_ORDER = ["-reported_on", "-created_at", "-id"]

# Progress as it was entered, newest first: the feeds and the home page, where an
# update back-dated to 2018 but entered today is news today.
RECORDED_ORDER = ["-created_at", "-id"]

# What a correction may change. A change to any of these on a published update
# needs a correction note (ProgressUpdate.clean and save).
CORRECTABLE_FIELDS = ["commitment", "reported_on", "status", "summary", "source_url"]


class CorrectionsIterable(ModelIterable):
    """Progress updates, each holding its corrections (ProgressUpdateQuerySet.
    with_corrections). It reads every update before yielding the first, to
    read the corrections of all of them at once: it does not stream."""

    def __iter__(self):
        updates = list(super().__iter__())
        corrected = [update.pk for update in updates if update.has_corrections]
        corrections = {pk: [] for pk in corrected}
        if corrected:
            for correction in self.queryset.corrections_queryset.filter(
                update__in=corrected
            ):
                corrections[correction.update_id].append(correction)
        for update in updates:
            update.prefetched_corrections = corrections.get(update.pk, [])
        yield from updates


class ProgressUpdateQuerySet(models.QuerySet):
    # How with_corrections reads the corrections: a Correction queryset, which
    # every copy of this queryset keeps (_clone).
    corrections_queryset = None

    def _clone(self):
        clone = super()._clone()
        clone.corrections_queryset = self.corrections_queryset
        return clone

    def with_corrections(self, corrections=None):
        """These updates, each holding its corrections (`correction_list`, oldest
        first): read by `corrections` (default: with their authors) in one more
        query for the updates that have any, and in none where none has, as on
        most pages of updates and of commitments with their latest. A prefetch
        of the relation queries for every page."""
        clone = self.annotate(
            has_corrections=Exists(Correction.objects.filter(update=OuterRef("pk")))
        )
        clone._iterable_class = CorrectionsIterable
        if corrections is None:
            corrections = Correction.objects.select_related("author")
        clone.corrections_queryset = corrections
        return clone

    def counted(self):
        """The updates that count for the status: those not retracted."""
        return self.filter(retracted_at__isnull=True)

    def known_by(self, day):
        """The updates reported on or before `day` (all of them when None)."""
        return self if day is None else self.filter(reported_on__lte=day)

    def counted_timeline(self, day=None):
        """The counted updates reported by `day` (if given) in TIMELINE_ORDER:
        of one commitment's updates, the first is the one its status follows
        (Commitment.counted_timeline, CommitmentQuerySet.counted_updates)."""
        return self.counted().known_by(day).order_by(*TIMELINE_ORDER)

    def ahead_of(self, update):
        """The updates that TIMELINE_ORDER puts before `update` (the latest
        first): reported later, or on the same day and entered later, and so on
        down the order."""
        ahead = None
        for name in reversed(TIMELINE_ORDER):
            field = name.lstrip("-")
            value = getattr(update, "pk" if field == "id" else field)
            beyond = Q(**{f"{field}__{'gt' if name.startswith('-') else 'lt'}": value})
            ahead = beyond if ahead is None else beyond | (Q(**{field: value}) & ahead)
        return self.filter(ahead)


class ProgressUpdateManager(models.Manager.from_queryset(ProgressUpdateQuerySet)):
    def get_by_natural_key(
        self, announcement_slug, commitment_slug, reported_on, summary
    ):
        return self.get(
            commitment__announcement__slug=announcement_slug,
            commitment__slug=commitment_slug,
            reported_on=reported_on,
            summary=summary,
        )


class ProgressUpdate(LoadedValues, models.Model):
    """A dated, sourced entry on a commitment's timeline. The commitment's status is
    that of its latest update by reported_on that is not retracted.

    A published update is never silently rewritten: a change needs a correction
    note (set `correction_note`, and `corrected_by`, before saving), which becomes
    a Correction; history keeps the old values. A wrong update is retracted
    (`retract`), not deleted."""

    # Set on an instance before saving a correction; not stored on the row.
    correction_note = ""
    corrected_by = None
    # Set (True) by a writer that loaded this row with SELECT ... FOR UPDATE, or
    # after locking it, in the transaction that saves it: save() then compares
    # with the values it was loaded with instead of reading them again. For the
    # next save() only.
    locked_for_update = False

    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="updates"
    )
    reported_on = models.DateField(
        help_text="The date the progress happened: not before the announcement, "
        "not in the future."
    )
    status = models.CharField(
        max_length=24,
        choices=Status.choices,
        help_text="The assessment after this update.",
    )
    summary = models.TextField(max_length=LONG_TEXT_LENGTH)
    source_url = models.URLField(
        max_length=500,
        blank=True,
        help_text="Evidence. Required for a final assessment (partially "
        "fulfilled, fulfilled, broken).",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="progress_updates",
    )
    created_at = models.DateTimeField(
        default=timezone.now,
        editable=False,
        help_text="When the update was entered (recorded_at in the API).",
    )
    retracted_at = models.DateTimeField(null=True, blank=True, editable=False)
    retraction_reason = models.TextField(max_length=2000, blank=True, editable=False)
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Changes on every write (the ETag)."
    )
    # NULL, not "": rows without a key stay outside the unique constraint.
    idempotency_key = models.CharField(  # noqa: DJ001
        max_length=255,
        null=True,
        blank=True,
        editable=False,
        help_text="The client's Idempotency-Key header, unique per author.",
    )
    request_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="A hash of the request body that carried the idempotency key, to "
        "tell a retry from a different request reusing the key.",
    )

    history = AuditHistory(excluded_fields=["request_fingerprint"])
    objects = ProgressUpdateManager()

    class Meta:
        ordering = TIMELINE_ORDER
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="Unknown status.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=Status.final()) | ~Q(source_url=""),
                name="%(app_label)s_%(class)s_final_needs_source",
                violation_error_message="A final assessment needs a source URL.",
            ),
            # A retried POST with the same Idempotency-Key adds nothing, even when
            # the retries race: the database refuses the second row.
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="%(app_label)s_%(class)s_unique_idempotency_key",
                violation_error_message="This Idempotency-Key was already used.",
            ),
            models.CheckConstraint(
                condition=Q(retracted_at__isnull=True) | ~Q(retraction_reason=""),
                name="%(app_label)s_%(class)s_retraction_needs_reason",
                violation_error_message="A retraction needs a reason.",
            ),
        ]
        indexes = [
            # A commitment's timeline, newest first, and its latest update.
            models.Index(
                fields=["commitment", *TIMELINE_ORDER],
                name="update_timeline_idx",
            ),
            # The all-progress list, newest first.
            models.Index(fields=TIMELINE_ORDER, name="update_feed_idx"),
            # The Atom feeds and the home page: newest entered first.
            models.Index(fields=RECORDED_ORDER, name="update_recorded_idx"),
        ]

    def __str__(self):
        return f"{self.reported_on}: {self.get_status_display()}"

    def save(self, *args, **kwargs):
        with own_transaction(ProgressUpdate):
            # Lock the commitment so concurrent updates settle its status in turn,
            # with its announcement, whose date the rules read: a correction of
            # that date waits for this write, and this one for it
            # (Announcement.save). Unless the writer already read it locked in
            # this transaction.
            commitment = self.commitment if self.commitment_id else None
            if commitment is not None and not commitment.__dict__.pop(
                "locked_for_update", False
            ):
                commitment = (
                    Commitment.objects.select_for_update()
                    .select_related("announcement")
                    .get(pk=self.commitment_id)
                )
                self.commitment = commitment
            self.clean()
            published = None
            compared = [*self.correctable_attnames(), "retracted_at"]
            loaded = getattr(self, "_loaded_values", {})
            if self.__dict__.pop("locked_for_update", False) and all(
                name in loaded for name in compared
            ):
                # Loaded under the writer's lock: those are the stored values.
                published = {name: loaded[name] for name in compared}
            elif not self._state.adding:
                # Locked: of two concurrent corrections, the second sees the first.
                published = (
                    ProgressUpdate.objects.select_for_update()
                    .filter(pk=self.pk)
                    .values(*compared)
                    .first()
                )
            corrected = self.correction_errors_against(published)
            if published is not None:
                self.version = (self.version or 0) + 1
            note = normalise_whitespace(self.correction_note)
            if corrected:
                self._change_reason = shorten(f"Correction: {note}", 100)
            super().save(*args, **kwargs)
            self._loaded_values = {
                field.attname: getattr(self, field.attname)
                for field in self._meta.concrete_fields
            }
            self.correction_note = ""
            if published is None:
                commitment.follow_added_update(self)
            else:
                commitment.refresh_status()
            self.commitment = commitment
            moved_from = published and published["commitment_id"]
            if moved_from and moved_from != self.commitment_id:
                # An update moved to another commitment no longer counts for the
                # one it left.
                Commitment.objects.select_for_update().get(
                    pk=moved_from
                ).refresh_status()
            if published is None:
                self.prefetched_corrections = []
                self.record_added()
            elif corrected:
                self.record_correction(note)

    @property
    def recorded_at(self):
        """When the update was entered (reported_on is when the progress
        happened)."""
        return self.created_at

    @property
    def is_retracted(self):
        return self.retracted_at is not None

    @property
    def correction_list(self):
        """Its corrections, oldest first: those the queryset read with the
        update (ProgressUpdateQuerySet.with_corrections), or else the
        database's. A new update has none, and a correction saved through it
        joins the list."""
        if "prefetched_corrections" not in self.__dict__:
            self.prefetched_corrections = list(self.corrections.all())
        return self.prefetched_corrections

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using, fields, from_queryset)
        # As Django forgets prefetched rows: on a full refresh only.
        if fields is None:
            self.__dict__.pop("prefetched_corrections", None)

    @property
    def last_changed_at(self):
        """The Atom entry's `updated`: the later of when the update was entered
        and its last correction (docs/design.md, "Public site")."""
        return max(
            [self.created_at]
            + [correction.corrected_at for correction in self.correction_list]
        )

    def record_added(self):
        record_change_entry(
            ChangeEntry.Kind.PROGRESS_ADDED,
            announcement=self.commitment.announcement,
            commitment=self.commitment,
            summary=f"Progress on “{shorten(self.commitment.title, 250)}”: "
            f"{self.get_status_display()}, reported on "
            f"{self.reported_on.isoformat()}.",
            author=self.author,
        )

    def record_correction(self, note):
        author = self.corrected_by or acting_user()
        self.corrected_by = None
        correction = Correction.objects.create(
            update=self, note=note, author=author, corrected_at=timezone.now()
        )
        if "prefetched_corrections" in self.__dict__:
            self.prefetched_corrections = [*self.prefetched_corrections, correction]
        record_change_entry(
            ChangeEntry.Kind.PROGRESS_CORRECTED,
            announcement=self.commitment.announcement,
            commitment=self.commitment,
            summary=f"Progress of {self.reported_on.isoformat()} on "
            f"“{shorten(self.commitment.title, 200)}” corrected: {note}",
            author=author,
        )

    def retract(self, reason, author=None):
        """Mark the update retracted, with a reason: it stays on the timeline and
        no longer counts for the status. Retracting twice is refused."""
        reason = normalise_whitespace(reason)
        if not reason:
            raise ValidationError({"reason": "Say why the update is retracted."})
        with transaction.atomic():
            # A fresh, locked copy: the row is written whole, and it may have
            # been corrected or retracted since `self` was read.
            locked = ProgressUpdate.objects.select_for_update().get(pk=self.pk)
            if locked.retracted_at is not None:
                raise ValidationError(
                    "This update was already retracted on "
                    f"{locked.retracted_at:%Y-%m-%d}: {locked.retraction_reason}"
                )
            locked.retracted_at = timezone.now()
            locked.retraction_reason = reason
            locked.retracted_by = author
            locked._change_reason = shorten(f"Retracted: {reason}", 100)
            locked.locked_for_update = True
            locked.save()
            record_change_entry(
                ChangeEntry.Kind.PROGRESS_RETRACTED,
                announcement=locked.commitment.announcement,
                commitment=locked.commitment,
                summary=f"Progress of {locked.reported_on.isoformat()} on "
                f"“{shorten(locked.commitment.title, 200)}” retracted: {reason}",
                author=author,
            )
        for field in self._meta.concrete_fields:
            setattr(self, field.attname, getattr(locked, field.attname))
        self._loaded_values = locked._loaded_values
        return locked

    @classmethod
    def correctable_attnames(cls):
        return [cls._meta.get_field(name).attname for name in CORRECTABLE_FIELDS]

    def correction_errors_against(self, published):
        """The correctable fields this save changes in the `published` row
        (attname → value; None for a new update). Raises ValidationError when
        the change is not allowed: the update is retracted, or no correction
        note says what changed and why."""
        if not published:
            return []
        corrected = [
            field.name
            for field in self.fields_changed_since(published)
            if field.name in CORRECTABLE_FIELDS
        ]
        if not corrected:
            return []
        if published.get("retracted_at") is not None:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: "This update was retracted: it cannot be "
                    "corrected. Add a new progress update instead."
                }
            )
        if not normalise_whitespace(self.correction_note):
            raise ValidationError(
                {
                    "correction_note": "This update is published: changing it "
                    "needs a correction note saying what changed and why ("
                    + ", ".join(corrected)
                    + " changed)."
                }
            )
        return corrected

    def natural_key(self):
        return (*self.commitment.natural_key(), self.reported_on, self.summary)

    natural_key.dependencies = ["commitments.commitment"]

    def clean(self):
        errors = {}
        if self.status in Status.final() and not self.source_url:
            errors["source_url"] = (
                "A final assessment (partially fulfilled, fulfilled or broken) "
                "needs a source URL as evidence."
            )
        if self.reported_on and self.commitment_id:
            announced_on = self.commitment.announcement.announced_on
            if self.reported_on < announced_on:
                errors["reported_on"] = (
                    f"Progress cannot predate the announcement ({announced_on})."
                )
        if self.reported_on and self.reported_on > timezone.localdate():
            errors["reported_on"] = "Progress cannot be dated in the future."
        if not self._state.adding:
            # Against the values this instance was loaded with; save() checks
            # again against the stored row, under a lock.
            try:
                self.correction_errors_against(getattr(self, "_loaded_values", None))
            except ValidationError as exc:
                errors.update(exc.error_dict)
        if errors:
            raise ValidationError(errors)


class AgencyAliasManager(models.Manager):
    def get_by_natural_key(self, name):
        return self.get(name__iexact=name)

    def check_names(self, agency, names):
        """`names`, their white space normalised and the empty ones left out, as
        aliases of `agency` (None: an agency not saved yet); ValidationError
        naming every name listed twice or already another agency's, regardless of
        case. The unique constraint holds the rule in the database; this names
        every clash at once."""
        names = [normalise_whitespace(name) for name in names]
        names = [name for name in names if name]
        lowered = [name.lower() for name in names]
        repeated = sorted({n for n in names if lowered.count(n.lower()) > 1})
        if repeated:
            raise ValidationError(
                "Each alias once (regardless of case): " + ", ".join(repeated) + "."
            )
        taken = (
            self.annotate(lowered=Lower("name"))
            .filter(lowered__in=lowered)
            .select_related("agency")
        )
        if agency is not None:
            taken = taken.exclude(agency=agency)
        clashes = [f'"{a.name}" ({a.agency.slug})' for a in taken]
        if clashes:
            raise ValidationError(
                "Already the alias of another agency: " + ", ".join(clashes) + "."
            )
        return names

    def replace_for(self, agency, names):
        """Make `names` the agency's aliases (check_names): those no longer listed
        go, new ones are added under the model's rules."""
        wanted = {name.lower(): name for name in self.check_names(agency, names)}
        with transaction.atomic():
            current = {
                alias.name.lower(): alias for alias in self.filter(agency=agency)
            }
            for key, alias in current.items():
                if wanted.get(key) != alias.name:
                    alias.delete()
            for key, name in wanted.items():
                if key not in current or current[key].name != name:
                    alias = self.model(agency=agency, name=name)
                    alias.full_clean()
                    alias.save()


class AgencyAlias(models.Model):
    """Another way a text names an agency or its head ("the Attorney General",
    "the Director of the FBI"), so that an announcement's words can be resolved
    to the agency. Unique regardless of case: one name names one agency."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)

    objects = AgencyAliasManager()
    # An alias added or removed, by whom and when: every write is kept in the
    # history (docs/design.md, "Domain").
    history = AuditHistory()

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "agency aliases"
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="%(app_label)s_%(class)s_unique_name_any_case",
                violation_error_message="Another agency already goes by this name "
                "(names are compared regardless of case).",
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="%(app_label)s_%(class)s_name_not_empty",
                violation_error_message="An alias needs a name.",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)

    natural_key.dependencies = ["commitments.agency"]

    def clean(self):
        self.name = normalise_whitespace(self.name)


class DraftQuerySet(models.QuerySet):
    def decided(self):
        return self.exclude(state=Draft.State.PROPOSED)


class DraftManager(models.Manager.from_queryset(DraftQuerySet)):
    def propose(self, announcement):
        """Read the announcement's text and store the commitments it proposes,
        replacing its earlier drafts still proposed. Obligations whose quote
        overlaps an existing commitment's or a decided draft's are left out and
        returned as skipped. Raises IntakeError when the text cannot be read.

        A constant number of queries, however long the text: the agencies, their
        aliases, the topics, the existing quotes, then bulk writes."""
        from commitments import intake

        known = list(Agency.objects.prefetch_related("aliases"))
        agencies = [
            intake.KnownAgency(
                agency.slug,
                agency.name,
                agency.abbreviation,
                tuple(alias.name for alias in agency.aliases.all()),
            )
            for agency in known
        ]
        all_topics = list(Topic.objects.all())
        topics = [intake.KnownTopic(t.slug, t.name) for t in all_topics]
        proposals = intake.extract(
            announcement.body, announcement.announced_on, agencies, topics
        )
        taken = [
            *announcement.commitments.values_list("source_quote", flat=True),
            *self.filter(announcement=announcement)
            .decided()
            .values_list("source_quote", flat=True),
        ]
        taken_spans = quote_spans(announcement.body, taken)
        fresh, skipped = [], []
        for proposal in proposals:
            if any(
                start < proposal.quote_end and proposal.quote_start < end
                for start, end in taken_spans
            ):
                skipped.append(proposal)
            else:
                fresh.append(proposal)
        agency_ids = {agency.slug: agency.pk for agency in known}
        topic_ids = {topic.slug: topic.pk for topic in all_topics}
        fallback_topic = self.fallback_topic(announcement)
        with transaction.atomic():
            self.filter(announcement=announcement, state=Draft.State.PROPOSED).delete()
            drafts = self.bulk_create(
                [
                    Draft(
                        announcement=announcement,
                        source_quote=p.source_quote,
                        quote_start=p.quote_start,
                        quote_end=p.quote_end,
                        title=p.title[:300],
                        lead_agency_text=p.lead_agency_text,
                        lead_agency_id=agency_ids.get(p.lead_agency),
                        supporting_agencies_text=p.supporting_agencies_text,
                        topic_id=topic_ids.get(p.topic, fallback_topic),
                        kind=p.kind,
                        deadline_text=p.deadline_text,
                        deadline_event=p.deadline_event,
                        due_in_days=p.due_in_days,
                        due_date=p.due_date,
                        confidence=p.confidence,
                        rationale=p.rationale,
                    )
                    for p in fresh
                ]
            )
            Draft.supporting_agencies.through.objects.bulk_create(
                [
                    Draft.supporting_agencies.through(
                        draft_id=draft.pk, agency_id=agency_ids[slug]
                    )
                    for draft, proposal in zip(drafts, fresh, strict=True)
                    for slug in proposal.supporting_agencies
                    if slug in agency_ids
                ]
            )
        return drafts, skipped

    def fallback_topic(self, announcement):
        """The topic a draft takes when its words name none: the one most used in
        this announcement, else in the whole tracker."""
        for queryset in (
            Topic.objects.filter(commitments__announcement=announcement),
            Topic.objects.all(),
        ):
            topic = (
                queryset.annotate(used=models.Count("commitments"))
                .order_by("-used", "name", "id")
                .values_list("id", flat=True)
                .first()
            )
            if topic is not None:
                return topic
        return None


def quote_spans(body, quotes):
    """(start, end) in `body` of every occurrence of each quote, compared as the
    quote rule compares them (white space runs as one space)."""
    positions = [m.start() for m in re.finditer(r"\S+", body)]
    words = [m.group() for m in re.finditer(r"\S+", body)]
    normal = " ".join(words)
    # Where each word of the normalised text starts in it, to map back.
    starts, offset = [], 0
    for word in words:
        starts.append(offset)
        offset += len(word) + 1
    spans = []
    for quote in quotes:
        needle = normalise_whitespace(quote)
        if not needle:
            continue
        for match in re.finditer(re.escape(needle), normal):
            first = bisect.bisect_right(starts, match.start()) - 1
            last = bisect.bisect_right(starts, match.end() - 1) - 1
            spans.append(
                (
                    positions[first] + match.start() - starts[first],
                    positions[last] + match.end() - starts[last],
                )
            )
    return spans


class Draft(models.Model):
    """A commitment proposed from an announcement's text, for a maintainer to accept
    (which creates the commitment) or reject. See docs/design.md, "Drafts
    (announcement intake)"."""

    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="drafts"
    )
    state = models.CharField(
        max_length=16, choices=State.choices, default=State.PROPOSED
    )
    source_quote = models.TextField(help_text="Verbatim from the announcement's text.")
    quote_start = models.PositiveIntegerField(
        help_text="Where the quote begins in the text (a character offset)."
    )
    quote_end = models.PositiveIntegerField(help_text="Where the quote ends.")
    title = models.CharField(max_length=300)
    lead_agency_text = models.CharField(
        max_length=500,
        blank=True,
        help_text="The words naming who must act, as written (anaphors replaced by "
        "what they refer to).",
    )
    lead_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_drafts",
        help_text="The known agency those words name, if any.",
    )
    supporting_agencies_text = models.CharField(max_length=1000, blank=True)
    supporting_agencies = models.ManyToManyField(
        Agency, blank=True, related_name="supported_drafts"
    )
    topic = models.ForeignKey(
        Topic,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="drafts",
        help_text="The topic the commitment takes unless the maintainer names another.",
    )
    kind = models.CharField(max_length=16, choices=Commitment.Kind.choices)
    deadline_text = models.CharField(max_length=200, blank=True)
    deadline_event = models.CharField(
        max_length=300,
        blank=True,
        help_text="The event a deadline counts from, when it is not the "
        'announcement ("receipt of the reports").',
    )
    due_in_days = models.PositiveIntegerField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    confidence = models.FloatField(help_text="How sure the rules are, from 0 to 1.")
    rationale = models.TextField(
        blank=True, help_text="Which rules proposed it, in words."
    )
    commitment = models.ForeignKey(
        Commitment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drafts",
        help_text="The commitment created by accepting this draft.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decided_drafts",
        help_text="Who accepted or rejected it.",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DraftManager()

    class Meta:
        ordering = ["announcement", "quote_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["proposed", "accepted", "rejected"]),
                name="%(app_label)s_%(class)s_state_valid",
                violation_error_message="Unknown state.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["time_bound", "ongoing", "open_ended"]),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="Unknown kind.",
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0) & Q(confidence__lte=1),
                name="%(app_label)s_%(class)s_confidence_between_0_and_1",
                violation_error_message="Confidence lies between 0 and 1.",
            ),
            models.CheckConstraint(
                condition=Q(quote_end__gt=F("quote_start")),
                name="%(app_label)s_%(class)s_quote_not_empty",
                violation_error_message="A quote ends after it begins.",
            ),
            models.CheckConstraint(
                condition=(Q(state="accepted") & Q(commitment__isnull=False))
                | (~Q(state="accepted") & Q(commitment__isnull=True)),
                name="%(app_label)s_%(class)s_accepted_iff_commitment",
                violation_error_message="A draft is accepted if and only if it "
                "names the commitment it became.",
            ),
            models.CheckConstraint(
                condition=(Q(state="proposed") & Q(decided_at__isnull=True))
                | (~Q(state="proposed") & Q(decided_at__isnull=False)),
                name="%(app_label)s_%(class)s_decided_iff_not_proposed",
                violation_error_message="An accepted or rejected draft records "
                "when it was decided; a proposed one does not.",
            ),
            models.CheckConstraint(
                condition=Q(kind="time_bound") | Q(due_date__isnull=True),
                name="%(app_label)s_%(class)s_due_date_only_when_time_bound",
                violation_error_message="Only a time-bound draft has a due date.",
            ),
            models.CheckConstraint(
                condition=~Q(kind="time_bound")
                | Q(due_date__isnull=False)
                | ~Q(deadline_event=""),
                name="%(app_label)s_%(class)s_time_bound_has_date_or_event",
                violation_error_message="A time-bound draft has a due date or the "
                "event its deadline counts from.",
            ),
        ]
        indexes = [
            # An announcement's drafts in text order, filtered by state.
            models.Index(
                fields=["announcement", "state", "quote_start"],
                name="draft_announcement_state_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def accept(self, user, **overrides):
        """Create the commitment this draft proposes, under the rules of any
        other write (Commitment.full_clean and save), and record who accepted it.

        Overrides: slug, title, description, topic, lead_agency,
        supporting_agencies, kind, deadline_text, due_in_days, due_date, parent.
        A deadline counted from another event needs a due_date; without one the
        commitment is open-ended until one is known."""
        with transaction.atomic():
            draft = Draft.objects.select_for_update().get(pk=self.pk)
            if draft.state != Draft.State.PROPOSED:
                raise ValidationError(
                    {"state": f"This draft was already {draft.state}."}
                )
            commitment = draft.commitment_to_create(overrides)
            commitment.full_clean()
            commitment._change_reason = "Accepted from a draft of the announcement."
            commitment._history_user = user
            commitment.save()
            supporting = overrides.get("supporting_agencies")
            if supporting is None:
                supporting = list(draft.supporting_agencies.all())
            commitment.supporting_agencies.set(
                [a for a in supporting if a.pk != commitment.lead_agency_id]
            )
            draft.state = Draft.State.ACCEPTED
            draft.commitment = commitment
            draft.decided_by = user
            draft.decided_at = timezone.now()
            draft.save()
        self.__dict__.update(draft.__dict__)
        return commitment

    def commitment_to_create(self, overrides):
        values = {
            "announcement": self.announcement,
            "title": self.title,
            "source_quote": self.source_quote,
            "lead_agency": self.lead_agency,
            "topic": self.topic,
            "kind": self.kind,
            "deadline_text": self.deadline_text,
            "due_in_days": self.due_in_days,
            "due_date": self.due_date,
            "description": "",
            "parent": None,
        }
        dates = {"kind", "due_in_days", "due_date"} & set(overrides)
        if dates:
            if "due_date" in overrides and "due_in_days" not in overrides:
                values["due_in_days"] = None
            if overrides.get("kind", Commitment.Kind.TIME_BOUND) != (
                Commitment.Kind.TIME_BOUND
            ):
                values["due_in_days"] = values["due_date"] = None
            if ("due_date" in overrides or "due_in_days" in overrides) and (
                "kind" not in overrides
            ):
                values["kind"] = Commitment.Kind.TIME_BOUND
        values.update(
            {k: v for k, v in overrides.items() if k != "supporting_agencies"}
        )
        if values["kind"] == Commitment.Kind.TIME_BOUND and (
            values["due_date"] is None and values["due_in_days"] is None
        ):
            # Counted from an event not yet known: open-ended until it is.
            values["kind"] = Commitment.Kind.OPEN_ENDED
        errors = {}
        if values["lead_agency"] is None:
            errors["lead_agency"] = (
                f'"{self.lead_agency_text}" names no known agency: send '
                "lead_agency (a slug), or give the agency that name as an alias "
                "and propose again."
            )
        if values["topic"] is None:
            errors["topic"] = "Send topic (a slug): no topic exists to default to."
        if errors:
            raise ValidationError(errors)
        if not values.get("slug"):
            values["slug"] = self.free_slug(values["title"])
        return Commitment(**values)

    def free_slug(self, title):
        base = slugify(title)[:40].strip("-") or "commitment"
        taken = set(
            Commitment.objects.filter(
                announcement=self.announcement, slug__startswith=base
            ).values_list("slug", flat=True)
        )
        slug, number = base, 2
        while slug in taken:
            slug = f"{base}-{number}"
            number += 1
        return slug

    def reject(self, user):
        with transaction.atomic():
            draft = Draft.objects.select_for_update().get(pk=self.pk)
            if draft.state != Draft.State.PROPOSED:
                raise ValidationError(
                    {"state": f"This draft was already {draft.state}."}
                )
            draft.state = Draft.State.REJECTED
            draft.decided_by = user
            draft.decided_at = timezone.now()
            draft.save()
        self.__dict__.update(draft.__dict__)


class Correction(models.Model):
    """A change to a published progress update: when, by whom, and the note
    saying what changed and why. The update's history keeps the old values."""

    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, related_name="corrections"
    )
    corrected_at = models.DateTimeField(default=timezone.now, editable=False)
    note = models.TextField(max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["corrected_at", "id"]

    def __str__(self):
        return f"{self.corrected_at:%Y-%m-%d}: {shorten(self.note, 60)}"


class StatusCheckQuerySet(models.QuerySet):
    def confirmed_on(self, status):
        """The latest day these checks confirmed `status`, or None."""
        return self.filter(status=status).aggregate(day=Max("checked_on"))["day"]


class StatusCheck(models.Model):
    """An editor's confirmation, without news, that a commitment's status still
    held on a date (Commitment.confirm_status), and which status that was. The
    commitment keeps the latest date as last_checked_on, and the latest check of
    the status it has now as status_confirmed_on: when news (an update entered
    later, a retraction) replaces the status, the check no longer confirms it."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="status_checks"
    )
    checked_on = models.DateField()
    status = models.CharField(
        max_length=24, choices=Status.choices, help_text="The status confirmed."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = StatusCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_on", "-recorded_at", "-id"]

    def __str__(self):
        return f"{self.commitment}: still holds on {self.checked_on}"


class ChangeEntry(models.Model):
    """One public change, as the changes feed lists it. Written by the domain
    (record_change_entry), in the same transaction as the change and one per client
    action, whichever path made it: the API, the admin or a command. Loading
    fixtures (raw saves) writes none."""

    class Kind(models.TextChoices):
        ANNOUNCEMENT_ADDED = "announcement_added", "Announcement added"
        COMMITMENT_ADDED = "commitment_added", "Commitment added"
        COMMITMENT_CHANGED = "commitment_changed", "Commitment changed"
        PROGRESS_ADDED = "progress_added", "Progress added"
        PROGRESS_CORRECTED = "progress_corrected", "Progress corrected"
        PROGRESS_RETRACTED = "progress_retracted", "Progress retracted"
        DEADLINE_CHANGED = "deadline_changed", "Deadline changed"
        STATUS_CHECKED = "status_checked", "Status confirmed"

    recorded_at = models.DateTimeField(
        default=timezone.now,
        editable=False,
        help_text="The application's clock at the write.",
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # Deleting (superusers only) an empty announcement takes its entries along;
    # a deleted commitment's entries stay, their summary still readable.
    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="change_entries"
    )
    commitment = models.ForeignKey(
        Commitment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="change_entries",
    )
    summary = models.CharField(max_length=500, help_text="One readable line.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name_plural = "change entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "announcement_added",
                        "commitment_added",
                        "commitment_changed",
                        "progress_added",
                        "progress_corrected",
                        "progress_retracted",
                        "deadline_changed",
                        "status_checked",
                    ]
                ),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="Unknown kind of change.",
            ),
        ]
        indexes = [
            # The changes feed, its pages (keyset on recorded_at, id) and
            # since/until.
            models.Index(fields=["-recorded_at", "-id"], name="change_feed_idx"),
        ]

    def __str__(self):
        return self.summary


def record_change_entry(kind, *, announcement, summary, commitment=None, author=None):
    """Write one entry of the changes feed. Call it from the domain write it
    records, inside that write's transaction. `author` defaults to the signed-in
    user of the request (the history's author of the same write)."""
    return ChangeEntry.objects.create(
        kind=kind,
        announcement=announcement,
        commitment=commitment,
        summary=shorten(summary, 500),
        author=author if author is not None else acting_user(),
        recorded_at=timezone.now(),
    )


def record_deadline_change(commitment, old_due_date, new_due_date, reason, author=None):
    """The changes-feed entry for a moved deadline, for the writer of deadline
    changes to call in its transaction (instead of Commitment.save's
    "commitment changed": one entry per client action)."""

    def day(value):
        return value.isoformat() if value else "none"

    return record_change_entry(
        ChangeEntry.Kind.DEADLINE_CHANGED,
        announcement=commitment.announcement,
        commitment=commitment,
        summary=f"Deadline of “{shorten(commitment.title, 200)}” moved from "
        f"{day(old_due_date)} to {day(new_due_date)}: {normalise_whitespace(reason)}",
        author=author,
    )


class DataVersion(models.Model):
    """One row whose `version` the database changes in every transaction that
    writes what readers see (triggers: commitments/data_version.py). The response
    cache keys by it."""

    version = models.BigIntegerField()

    class Meta:
        verbose_name = "data version"

    def __str__(self):
        return str(self.version)

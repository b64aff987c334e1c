"""The domain: agencies make commitments in announcements, and progress updates
record, dated and sourced, how each commitment is going. See DESIGN.md, "Domain"."""

import datetime
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
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
    Status.NOT_RATED: "The default: nobody has assessed it yet. It does not mean "
    "that nothing happened.",
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


class Agency(models.Model):
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

    history = HistoricalRecords()
    objects = SlugManager()

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

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": "An agency cannot sit below itself."})
            ancestor = ancestor.parent

    def get_descendant_ids(self):
        """This agency's id and those of every agency below it."""
        ids, frontier = {self.pk}, {self.pk}
        while frontier:
            frontier = (
                set(
                    Agency.objects.filter(parent__in=frontier).values_list(
                        "pk", flat=True
                    )
                )
                - ids
            )
            ids |= frontier
        return ids


class Topic(models.Model):
    """A policy area that commitments are grouped by: school safety, background
    checks, prosecutions, regulation."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200, validators=[validate_one_line])

    history = HistoricalRecords()
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
        max_length=500, blank=True, help_text="Leave blank rather than guess."
    )
    summary = models.TextField(blank=True, max_length=LONG_TEXT_LENGTH)
    body = models.TextField(
        max_length=ANNOUNCEMENT_BODY_LENGTH,
        help_text="The full text. Every commitment's quote must occur in it.",
    )

    history = HistoricalRecords()
    objects = SlugManager()

    class Meta:
        ordering = ["-announced_on", "id"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.clean()
        with transaction.atomic():
            super().save(*args, **kwargs)
            # Deadlines counted in days follow the announcement's date.
            for commitment in self.commitments.filter(due_in_days__isnull=False):
                commitment.announcement = self
                old_due_date = commitment.due_date
                commitment.derive_due_date()
                if commitment.due_date != old_due_date:
                    commitment._change_reason = "The announcement's date changed."
                    commitment.save()

    def get_absolute_url(self):
        return reverse("public:announcement", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        # A new text must still hold every quote taken from the old one.
        if self.pk is None:
            return
        body = normalise_whitespace(self.body)
        lost = [
            f"{commitment.title} ({commitment.slug})"
            for commitment in self.commitments.only("title", "slug", "source_quote")
            if normalise_whitespace(commitment.source_quote) not in body
        ]
        if lost:
            raise ValidationError(
                {
                    "body": "The text no longer contains the quotes of these "
                    "commitments: " + "; ".join(lost) + ". Change their quotes "
                    "first, or keep those words in the text."
                }
            )


class CommitmentManager(models.Manager):
    def get_by_natural_key(self, announcement_slug, slug):
        return self.get(announcement__slug=announcement_slug, slug=slug)


class CommitmentQuerySet(models.QuerySet):
    def annotate_overdue(self, today=None):
        """Overdue and late, computed in SQL so filters and counts can use them."""
        today = today or timezone.localdate()
        # The IS NOT NULL tests keep both flags false, not NULL, for rows without a
        # due date (or assessment date): SQL's "NULL < date" is NULL, not false.
        return self.annotate(
            overdue=models.ExpressionWrapper(
                Q(due_date__isnull=False)
                & Q(due_date__lt=today)
                & ~Q(status__in=Status.final()),
                output_field=models.BooleanField(),
            ),
            late=models.ExpressionWrapper(
                Q(status__in=Status.final())
                & Q(due_date__isnull=False)
                & Q(final_assessed_on__isnull=False)
                & Q(final_assessed_on__gt=F("due_date")),
                output_field=models.BooleanField(),
            ),
        )

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(due_date__lt=today).exclude(status__in=Status.final())

    def late(self):
        return self.filter(
            status__in=Status.final(),
            due_date__isnull=False,
            final_assessed_on__gt=F("due_date"),
        )


class Commitment(models.Model):
    """One trackable promise made in an announcement."""

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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(
        excluded_fields=["updated_at"], m2m_fields=["supporting_agencies"]
    )
    objects = CommitmentManager.from_queryset(CommitmentQuerySet)()

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
            # ?ordering=due_date, ?due_before/?due_after and the overdue filter.
            models.Index(fields=["due_date", "id"], name="commitment_due_date_idx"),
            # ?ordering=updated_at.
            models.Index(fields=["updated_at", "id"], name="commitment_updated_idx"),
            # ?ordering=title.
            models.Index(fields=["title", "id"], name="commitment_title_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The domain rules hold for every writer: the admin, the API and commands.
        self.clean()
        if self.original_due_date is None:
            self.original_due_date = self.due_date
        if self.pk is not None and not kwargs.get("force_insert"):
            self.version = (self.version or 0) + 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("public:commitment", args=[self.announcement.slug, self.slug])

    def natural_key(self):
        return (self.announcement.slug, self.slug)

    natural_key.dependencies = ["commitments.announcement"]

    @property
    def is_overdue(self):
        return (
            self.due_date is not None
            and self.due_date < timezone.localdate()
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
        return (self.due_date - timezone.localdate()).days

    def derive_due_date(self):
        """The due date follows the day count, when there is one."""
        if self.due_in_days is not None and self.announcement_id:
            self.due_date = self.announcement.announced_on + datetime.timedelta(
                days=self.due_in_days
            )

    def clean(self):
        errors = {}
        self.derive_due_date()
        if self.announcement_id and self.source_quote:
            quote = normalise_whitespace(self.source_quote)
            if quote not in normalise_whitespace(self.announcement.body):
                errors["source_quote"] = (
                    "This quote does not occur in the announcement's text. Copy it "
                    "verbatim (line breaks and spacing may differ)."
                )
        if self.kind == self.Kind.TIME_BOUND and self.due_date is None:
            errors["due_date"] = (
                "A time-bound commitment needs a due date or a day count."
            )
        if self.kind and self.kind != self.Kind.TIME_BOUND and self.due_date:
            errors["kind"] = (
                "A commitment with a due date is time-bound; choose that kind or "
                "remove the deadline."
            )
        if self.due_in_days is not None and self.due_in_days < 0:
            errors["due_in_days"] = "The day count cannot be negative."
        if self.parent_id:
            if self.pk is not None and self.parent_id == self.pk:
                errors["parent"] = "A commitment cannot be its own parent."
            elif self.parent.announcement_id != self.announcement_id:
                errors["parent"] = (
                    "The parent commitment must belong to the same announcement."
                )
            elif self.pk is not None and self.sits_below(self.parent):
                errors["parent"] = "A commitment cannot sit below itself."
        if errors:
            raise ValidationError(errors)

    def sits_below(self, commitment):
        """Whether `commitment` is this one or one of its sub-commitments, at any
        depth (so making it this one's parent would close a loop)."""
        ancestor = commitment
        while ancestor is not None:
            if ancestor.pk == self.pk:
                return True
            ancestor = ancestor.parent
        return False

    def latest_progress(self):
        return self.updates.order_by(*TIMELINE_ORDER).first()

    def refresh_status(self):
        """Set status from the latest progress update by reported_on (ties: the
        later created_at). Call inside the transaction that changed the updates."""
        latest = self.latest_progress()
        status = latest.status if latest else Status.NOT_RATED
        final_on = latest.reported_on if latest and status in Status.final() else None
        if (status, final_on) != (self.status, self.final_assessed_on):
            self.status = status
            self.final_assessed_on = final_on
            self._change_reason = "Status follows the latest progress update."
            self.save()


# A commitment's timeline, newest first: the latest by reported_on, ties broken by
# the later created_at (then id). The first update in this order sets the status.
TIMELINE_ORDER = ["-reported_on", "-created_at", "-id"]


class ProgressUpdateManager(models.Manager):
    def get_by_natural_key(
        self, announcement_slug, commitment_slug, reported_on, summary
    ):
        return self.get(
            commitment__announcement__slug=announcement_slug,
            commitment__slug=commitment_slug,
            reported_on=reported_on,
            summary=summary,
        )


class ProgressUpdate(models.Model):
    """A dated, sourced entry on a commitment's timeline. The commitment's status is
    that of its latest update by reported_on."""

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
    created_at = models.DateTimeField(default=timezone.now, editable=False)
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

    history = HistoricalRecords(excluded_fields=["request_fingerprint"])
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
        ]
        indexes = [
            # A commitment's timeline, newest first, and its latest update.
            models.Index(
                fields=["commitment", *TIMELINE_ORDER],
                name="update_timeline_idx",
            ),
            # The all-progress feed, newest first.
            models.Index(fields=TIMELINE_ORDER, name="update_feed_idx"),
        ]

    def __str__(self):
        return f"{self.reported_on}: {self.get_status_display()}"

    def save(self, *args, **kwargs):
        self.clean()
        with transaction.atomic():
            moved_from = (
                ProgressUpdate.objects.filter(pk=self.pk)
                .exclude(commitment_id=self.commitment_id)
                .values_list("commitment_id", flat=True)
                .first()
                if self.pk is not None
                else None
            )
            super().save(*args, **kwargs)
            # Lock the commitment so concurrent updates settle its status in turn.
            commitment = Commitment.objects.select_for_update().get(
                pk=self.commitment_id
            )
            commitment.refresh_status()
            self.commitment = commitment
            if moved_from is not None:
                # An update moved to another commitment no longer counts for the
                # one it left.
                Commitment.objects.select_for_update().get(
                    pk=moved_from
                ).refresh_status()

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
        if errors:
            raise ValidationError(errors)

"""The domain: agencies make commitments in announcements, and progress updates
record, dated and sourced, how each commitment is going. See DESIGN.md, "Domain"."""

import datetime
import re
from contextlib import nullcontext

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


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
    abbreviation = models.CharField(max_length=32, blank=True)
    name = models.CharField(max_length=200)
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
    name = models.CharField(max_length=200)

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
    title = models.CharField(max_length=300)
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
    summary = models.TextField(blank=True)
    body = models.TextField(
        help_text="The full text. Every commitment's quote must occur in it."
    )

    history = HistoricalRecords()
    objects = SlugManager()

    class Meta:
        ordering = ["-announced_on", "id"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.clean()
        adding = self._state.adding
        with transaction.atomic():
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
                commitment.announcement = self
                old_due_date = commitment.due_date
                commitment.derive_due_date()
                if commitment.due_date != old_due_date:
                    commitment._change_reason = "The announcement's date changed."
                    commitment.save(record_change=False)

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


class Commitment(LoadedValues, models.Model):
    """One trackable promise made in an announcement."""

    class Kind(models.TextChoices):
        TIME_BOUND = "time_bound", "Time-bound (has a deadline)"
        ONGOING = "ongoing", "Ongoing (a standing practice)"
        OPEN_ENDED = "open_ended", "Open-ended (no deadline stated)"

    announcement = models.ForeignKey(
        Announcement, on_delete=models.PROTECT, related_name="commitments"
    )
    slug = models.SlugField(help_text="Unique within its announcement.")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    source_quote = models.TextField(
        help_text="A verbatim excerpt of the announcement that carries the "
        "commitment's own words."
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

    # Written by the tracker itself, not by the person changing the commitment:
    # a change to these alone is not a "commitment changed" entry's business.
    BOOKKEEPING_FIELDS = {
        "status",
        "final_assessed_on",
        "original_due_date",
        "last_checked_on",
        "version",
        "created_at",
        "updated_at",
    }

    def save(self, *args, record_change=True, **kwargs):
        """Save under the domain rules, which hold for every writer: the admin,
        the API and commands. A client's save is one entry in the changes feed;
        the tracker's own follow-up writes (the status following progress, the
        day count following the announcement) pass record_change=False."""
        self.clean()
        if self.original_due_date is None:
            self.original_due_date = self.due_date
        adding = self._state.adding
        if not adding and not kwargs.get("force_insert"):
            self.version = (self.version or 0) + 1
        changed = [
            field.verbose_name
            for field in self.fields_changed_since(getattr(self, "_loaded_values", {}))
            if field.name not in self.BOOKKEEPING_FIELDS
        ]
        with transaction.atomic() if record_change else nullcontext():
            super().save(*args, **kwargs)
            self._loaded_values = {
                field.attname: getattr(self, field.attname)
                for field in self._meta.concrete_fields
            }
            if not record_change:
                return
            title = shorten(self.title, 300)
            if adding:
                kind, summary = (
                    ChangeEntry.Kind.COMMITMENT_ADDED,
                    (f"Commitment added: “{title}”."),
                )
            else:
                kind = ChangeEntry.Kind.COMMITMENT_CHANGED
                summary = f"Commitment changed: “{title}”" + (
                    f" ({', '.join(changed)})." if changed else "."
                )
            record_change_entry(
                kind, announcement=self.announcement, commitment=self, summary=summary
            )

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
        """The update the status follows: the latest that is not retracted."""
        return self.updates.counted().order_by(*TIMELINE_ORDER).first()

    def refresh_status(self):
        """Set status from the latest progress update by reported_on (ties: the
        later created_at) that is not retracted. Call inside the transaction that
        changed the updates."""
        latest = self.latest_progress()
        status = latest.status if latest else Status.NOT_RATED
        final_on = latest.reported_on if latest and status in Status.final() else None
        if (status, final_on) != (self.status, self.final_assessed_on):
            self.status = status
            self.final_assessed_on = final_on
            self._change_reason = "Status follows the latest progress update."
            self.save(record_change=False)

    def status_as_of(self, latest_update):
        """The date the status is known to hold: its latest update's reported_on
        (`latest_update`, from latest_progress() or a prefetch), or a later check;
        None when there is neither."""
        dates = [
            day
            for day in (
                latest_update.reported_on if latest_update else None,
                self.last_checked_on,
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
                commitment=locked, checked_on=checked_on, author=author
            )
            locked.last_checked_on = max(
                checked_on, locked.last_checked_on or checked_on
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
        self.status, self.final_assessed_on = locked.status, locked.final_assessed_on
        return locked


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


class ProgressUpdateQuerySet(models.QuerySet):
    def counted(self):
        """The updates that count for the status: those not retracted."""
        return self.filter(retracted_at__isnull=True)


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
    summary = models.TextField()
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
        self.clean()
        with transaction.atomic():
            published = None
            if not self._state.adding:
                # Locked: of two concurrent corrections, the second sees the first.
                published = (
                    ProgressUpdate.objects.select_for_update()
                    .filter(pk=self.pk)
                    .values(*self.correctable_attnames(), "retracted_at")
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
            # Lock the commitment so concurrent updates settle its status in turn.
            commitment = Commitment.objects.select_for_update().get(
                pk=self.commitment_id
            )
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
    def last_changed_at(self):
        """When a reader last had news of this entry: entered, corrected or
        retracted (the Atom entry's `updated`). Uses prefetched corrections."""
        moments = [self.created_at, self.retracted_at]
        moments += [correction.corrected_at for correction in self.corrections.all()]
        return max(moment for moment in moments if moment is not None)

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
        Correction.objects.create(
            update=self, note=note, author=author, corrected_at=timezone.now()
        )
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


class StatusCheck(models.Model):
    """An editor's confirmation, without news, that a commitment's status still
    held on a date (Commitment.confirm_status). The commitment keeps the latest
    date as last_checked_on."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="status_checks"
    )
    checked_on = models.DateField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

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

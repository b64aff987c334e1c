"""The admin's commitment form: it refuses a save over someone else's newer one, and
carries the reason (and date) of a deadline change to the model, which decides
whether one is needed (Commitment.clean)."""

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from commitments.models import (
    Agency,
    AgencyAlias,
    Commitment,
    DeadlineChange,
    ProgressUpdate,
)

# Form fields that are not the commitment's own data.
BOOKKEEPING_FIELDS = {"opened_version", "deadline_change_reason", "deadline_changed_on"}


def shorten(text, limit=80):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def display_value(field_name, value):
    """A historical value as a person reads it: names, not ids or codes."""
    field = Commitment._meta.get_field(field_name)
    if field.many_to_many:
        ids = [row[field.m2m_reverse_field_name()] for row in value or []]
        value = ", ".join(str(a) for a in Agency.objects.filter(pk__in=ids)) or None
    elif field.is_relation and value is not None:
        value = field.related_model._default_manager.filter(pk=value).first()
    elif field.choices and value is not None:
        value = dict(field.flatchoices).get(value, value)
    if value is None or value == "":
        return "(empty)"
    return f"“{shorten(value)}”"


def describe_changes_since(commitment, opened_version):
    """What happened to the commitment after the editor opened it at
    `opened_version`, read from its history."""
    history = commitment.history.order_by("-history_date", "-history_id")
    latest = history.first()
    seen = history.filter(version=opened_version).first()
    if latest is None:
        return "It has no history to compare with."
    who = latest.history_user or "someone"
    when = latest.history_date.strftime("%Y-%m-%d %H:%M UTC")
    header = (
        f"It was changed after you opened it (version {opened_version} → "
        f"{latest.version}), last by {who} at {when}."
    )
    if seen is None:
        return f"{header} The earlier version is not in its history."
    delta = latest.diff_against(seen, excluded_fields=["version", "created_at"])
    changes = [
        f"{Commitment._meta.get_field(change.field).verbose_name}: "
        f"{display_value(change.field, change.old)} → "
        f"{display_value(change.field, change.new)}"
        for change in delta.changes
    ]
    if not changes:
        return f"{header} It was saved again without visible changes."
    return f"{header} Changes: " + "; ".join(changes) + "."


class CommitmentAdminForm(forms.ModelForm):
    # The version of the commitment this form was opened at.
    opened_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    deadline_change_reason = forms.CharField(
        required=False,
        max_length=DeadlineChange._meta.get_field("reason").max_length,
        label="Reason for the deadline change",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when you change the due date or the day count: say why "
        "(e.g. “The agency announced an extension on 2018-04-20”). It is kept with "
        "the deadline change; the original due date stays on record.",
    )
    deadline_changed_on = forms.DateField(
        required=False,
        label="Deadline changed on",
        widget=AdminDateWidget,
        help_text="When the deadline was moved, if not today: not before the "
        "announcement, nor before the previous change, nor in the future.",
    )

    class Meta:
        model = Commitment
        # The fields people edit; the admin's fieldsets pick from these, and
        # status, version and the original due date are never among them.
        fields = [
            "announcement",
            "title",
            "slug",
            "description",
            "source_quote",
            "topic",
            "parent",
            "lead_agency",
            "supporting_agencies",
            "kind",
            "deadline_text",
            "due_in_days",
            "due_date",
        ]
        labels = {
            "slug": "Short name in web addresses",
            "source_quote": "Quote from the announcement",
            "lead_agency": "Lead agency",
            "supporting_agencies": "Supporting agencies",
            "deadline_text": "Deadline as stated",
            "due_in_days": "Due in (days after the announcement)",
            "parent": "Part of",
        }
        help_texts = {
            "announcement": "The announcement that makes this commitment.",
            "slug": "Lower case, words joined by hyphens (e.g. nics-certification); "
            "unique within the announcement.",
            "title": "A short description of the promise, as a reader would say it.",
            "description": "What exactly was promised, in plain words.",
            "source_quote": "Copy the words from the announcement's text exactly; "
            "line breaks and spacing may differ. It is checked against the text.",
            "lead_agency": "Who must act. For “called on state governments to "
            "improve reporting”, that is the states, not the department calling.",
            "supporting_agencies": "Other parties named as taking part.",
            "topic": "The policy area this commitment belongs to.",
            "kind": "Time-bound if a deadline is stated (fill in the day count or "
            "the due date); ongoing for a standing practice; open-ended when no "
            "deadline is stated.",
            "deadline_text": "The deadline in the announcement's own words, e.g. "
            "“over the next 45 days” or “immediate”.",
            "due_in_days": "When the deadline is given in days: the number of days "
            "after the announcement (immediate is 0). The due date is then worked "
            "out for you.",
            "due_date": "Only when the deadline is a date rather than a number of "
            "days; otherwise it is worked out from the day count.",
            "parent": "For a sub-commitment: the broader commitment of the same "
            "announcement that it is part of.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_version"].initial = self.instance.version

    @property
    def changed_commitment_fields(self):
        """The commitment's own fields this submission would change."""
        return [name for name in self.changed_data if name not in BOOKKEEPING_FIELDS]

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None or not self.changed_commitment_fields:
            return cleaned_data
        opened_version = cleaned_data.get("opened_version")
        if opened_version is None:
            raise ValidationError(
                "This form does not say which version of the commitment it was "
                "opened at. Reload the page and make your changes again."
            )
        # Lock the row until the admin's transaction ends, so nobody saves between
        # this check and this save.
        current_version = (
            Commitment.objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .get()
        )
        if current_version != opened_version:
            raise ValidationError(
                "Your changes were not saved: someone else saved this commitment "
                "after you opened it. "
                + describe_changes_since(self.instance, opened_version)
                + " Reload the page to see the current version, then make your "
                "changes again."
            )
        return cleaned_data

    def _post_clean(self):
        # The model's clean(), run by the ModelForm after this, judges the deadline
        # change; its errors name these form fields.
        self.instance.deadline_change_reason = self.cleaned_data.get(
            "deadline_change_reason", ""
        )
        self.instance.deadline_changed_on = self.cleaned_data.get("deadline_changed_on")
        super()._post_clean()


class ProgressUpdateForm(forms.ModelForm):
    """A new progress update, or the correction of a published one: changing a
    published update needs a correction note (the model refuses the change
    without one), and a retracted update is shown, not edited."""

    class Meta:
        model = ProgressUpdate
        fields = ["reported_on", "status", "summary", "source_url"]
        labels = {
            "reported_on": "Date of the progress",
            "status": "Assessment after this update",
            "source_url": "Source URL (evidence)",
        }
        widgets = {"summary": forms.Textarea(attrs={"rows": 3, "cols": 50})}

    source_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Source URL (evidence)",
        help_text=ProgressUpdate._meta.get_field("source_url").help_text,
        max_length=500,
    )
    correction_note = forms.CharField(
        required=False,
        max_length=2000,
        label="Correction note",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 30}),
        help_text="Required when you change a published update: say what changed "
        "and why. It is shown with the update; the old values stay in its history.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and self.instance.is_retracted:
            for field in self.fields.values():
                field.disabled = True

    def _post_clean(self):
        # Before the model's clean(), which judges whether the note is needed.
        self.instance.correction_note = self.cleaned_data.get("correction_note", "")
        super()._post_clean()


class RetractForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Why the update is wrong. It is shown with the update, which "
        "stays on the timeline, struck through, and no longer counts for the status.",
    )


class AliasesFormSet(BaseInlineFormSet):
    """An agency's aliases in the admin, under the API's rule
    (AgencyAliasManager.check_names): each name once regardless of case, and
    none another agency's. Each form alone checks only against the database, so
    two new spellings of one name reached the unique constraint and answered
    409."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        names = [
            form.cleaned_data["name"]
            for form in self.forms
            if form.cleaned_data.get("name") and not self._should_delete_form(form)
        ]
        agency = self.instance if self.instance.pk is not None else None
        try:
            AgencyAlias.objects.check_names(agency, names)
        except ValidationError as refused:
            raise ValidationError(refused.messages) from None

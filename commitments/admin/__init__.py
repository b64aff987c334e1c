"""The admin. Maintainers (model permissions) keep announcements, agencies, topics
and commitments; editors (people listed on an agency) see the commitments their
agencies, or any agency below them, lead or support, and record progress on them,
correct it (with a note) and confirm that a status still holds, nothing else. Who
is which is commitments.access's to say, as for the API. Maintainers retract
progress (an action asking for a reason). Only superusers delete, and deletions
stay in the history."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from commitments import access
from commitments.admin.forms import (
    AliasesFormSet,
    CommitmentAdminForm,
    ProgressUpdateForm,
    RetractForm,
    shorten,
)
from commitments.intake import IntakeError
from commitments.models import (
    TIMELINE_ORDER,
    Agency,
    AgencyAlias,
    Announcement,
    Commitment,
    Draft,
    ProgressUpdate,
    Topic,
)

admin.site.site_header = "Commitment Tracker"
admin.site.site_title = "Commitment Tracker"
admin.site.index_title = "Announcements, commitments and their progress"
# The lists need the width (at 1280 pixels the sidebar squeezed the commitment
# list's titles to a word a line); the breadcrumbs and the home page lead to
# every model.
admin.site.enable_nav_sidebar = False


def covers(request, commitment=None):
    """Whether the user is an editor of this commitment (of some commitment, when
    none is given)."""
    if commitment is None:
        return access.is_editor(request.user)
    return access.covers(request.user, commitment)


class SuperusersDeleteMixin:
    """Only superusers delete; simple_history keeps a record of the deleted row.

    Also: an evidence link typed without a scheme is read as https, not http."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [
            ("yes", "Overdue (past due, no final assessment)"),
            ("no", "Not overdue"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        if self.value() == "no":
            return queryset.not_overdue()
        return queryset


def moment(value):
    return formats.localize(timezone.localtime(value))


def record_of(update):
    """What happened to a published update since it was entered: its
    corrections and its retraction, in words."""
    if update.pk is None:
        return ""
    lines = [
        (
            f"Corrected on {moment(correction.corrected_at)}"
            + (f" by {correction.author}" if correction.author else ""),
            correction.note,
        )
        for correction in update.correction_list
    ]
    if update.is_retracted:
        lines.append(
            (
                f"Retracted on {moment(update.retracted_at)}"
                + (f" by {update.retracted_by}" if update.retracted_by else ""),
                update.retraction_reason,
            )
        )
    return format_html_join("", "<p><strong>{}:</strong> {}</p>", lines) or "—"


def with_record(queryset):
    """Progress updates with what record_of shows, in a fixed number of queries."""
    return queryset.select_related("author", "retracted_by").with_corrections()


def mark_corrections(request, updates):
    """Who corrects: the signed-in user, for the updates this save changes."""
    for update in updates:
        if update.pk is None:
            update.author = request.user
        else:
            update.corrected_by = request.user


class ProgressUpdateInline(SuperusersDeleteMixin, admin.TabularInline):
    model = ProgressUpdate
    form = ProgressUpdateForm
    fields = [
        "reported_on",
        "status",
        "summary",
        "source_url",
        "correction_note",
        "author",
        "entered",
        "record",
    ]
    readonly_fields = ["author", "entered", "record"]
    ordering = TIMELINE_ORDER
    extra = 1
    verbose_name = "progress update"
    verbose_name_plural = (
        "Progress updates, newest first (the commitment's status follows the latest "
        "that is not retracted; changing a published one needs a correction note)"
    )

    @admin.display(description="entered")
    def entered(self, update):
        # The blank row for a new update has no entry time yet.
        if update.pk is None:
            return ""
        return moment(update.created_at)

    @admin.display(description="corrections and retraction")
    def record(self, update):
        return record_of(update)

    # `obj` is the commitment whose page this is.
    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or covers(request, obj)

    def has_add_permission(self, request, obj=None):
        return access.can_add_progress(request.user, obj)

    def has_change_permission(self, request, obj=None):
        # Editors correct the updates of the commitments they cover.
        return super().has_change_permission(request, obj) or (
            obj is not None and access.can_correct_progress(request.user, obj)
        )

    def get_queryset(self, request):
        return with_record(super().get_queryset(request))


def progress_saved_message(commitment, added=(), corrected=()):
    """What an editor saved, in words, with a link to the public page that now
    shows it: "Progress update of 2018-06-01 added to “…”.", "Progress update of
    2018-05-02 corrected on “…”."."""

    def updates_of(updates):
        plural = "s" if len(updates) > 1 else ""
        dates = ", ".join(update.reported_on.isoformat() for update in updates)
        return f"update{plural} of {dates}"

    if added:
        said = f"Progress {updates_of(added)} added to “{commitment.title}”"
        if corrected:
            said += f", and {updates_of(corrected)} corrected"
    else:
        said = f"Progress {updates_of(corrected)} corrected on “{commitment.title}”"
    return format_html(
        '{}. <a href="{}">See it on the public page</a>.',
        said,
        commitment.get_absolute_url(),
    )


# Titles in the list are cut to this many characters (the full title is in the
# link's tooltip), so a row fits on one or two lines at 1280 pixels.
LIST_TITLE_LENGTH = 70


class CommitmentAdmin(SuperusersDeleteMixin, SimpleHistoryAdmin):
    form = CommitmentAdminForm
    inlines = [ProgressUpdateInline]
    list_display = [
        "short_title",
        "lead_agency_name",
        "due_on",
        "status",
        "overdue_marker",
        "announcement_slug",
        "add_progress_link",
    ]
    list_display_links = ["short_title"]
    list_filter = [
        "status",
        ("lead_agency", admin.RelatedOnlyFieldListFilter),
        "announcement",
        "topic",
        "kind",
        OverdueFilter,
    ]
    search_fields = ["title", "description", "source_quote"]
    list_select_related = ["lead_agency", "announcement"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["supporting_agencies"]
    bookkeeping_fields = [
        "deadline_change_list",
        "status",
        "version",
        "original_due_date",
        "final_assessed_on",
        "last_checked_on",
        "status_confirmed_on",
        "created_at",
        "updated_at",
    ]
    actions = ["confirm_status"]
    commitment_fieldsets = [
        (
            None,
            {
                "fields": [
                    "announcement",
                    "title",
                    "slug",
                    "description",
                    "source_quote",
                    "topic",
                    "parent",
                    "opened_version",
                ]
            },
        ),
        ("Who must act", {"fields": ["lead_agency", "supporting_agencies"]}),
        (
            "Deadline",
            {
                "description": "A commitment with a deadline is time-bound. Give "
                "the deadline in days after the announcement when the text counts "
                "days; otherwise give the due date.",
                "fields": [
                    "kind",
                    "deadline_text",
                    "due_in_days",
                    "due_date",
                    "original_due_date",
                    "deadline_change_reason",
                    "deadline_changed_on",
                    "deadline_change_list",
                ],
            },
        ),
        (
            "Status",
            {
                "description": "The status follows the latest progress update "
                "by date that is not retracted: to change it, add an update. To say "
                "that it still holds without news, use the action “Confirm the "
                "status still holds” on the list of commitments.",
                "fields": [
                    "status",
                    "final_assessed_on",
                    "last_checked_on",
                    "status_confirmed_on",
                ],
            },
        ),
        (
            "Record",
            {
                "classes": ["collapse"],
                "fields": ["version", "created_at", "updated_at"],
            },
        ),
    ]

    class Media:
        css = {"all": ["commitments/admin.css"]}

    @admin.display(description="title", ordering="title")
    def short_title(self, obj):
        return format_html(
            '<span title="{}">{}</span>',
            obj.title,
            shorten(obj.title, LIST_TITLE_LENGTH),
        )

    @admin.display(description="lead agency", ordering="lead_agency__name")
    def lead_agency_name(self, obj):
        name = str(obj.lead_agency)
        return format_html('<span title="{}">{}</span>', name, shorten(name, 24))

    @admin.display(description="due", ordering="due_date")
    def due_on(self, obj):
        return obj.due_date.isoformat() if obj.due_date else "none"

    @admin.display(description="overdue")
    def overdue_marker(self, obj):
        # Words, not Django's tick and cross: a green tick read as "fine".
        if obj.is_overdue:
            return mark_safe('<strong class="overdue-flag">Overdue</strong>')
        return "No"

    @admin.display(description="announcement", ordering="announcement__slug")
    def announcement_slug(self, obj):
        return format_html(
            '<span title="{}">{}</span>', obj.announcement.title, obj.announcement.slug
        )

    @admin.display(description="progress")
    def add_progress_link(self, obj):
        # Shown to those who may add progress to some commitment (see
        # get_list_display); the page itself checks this one.
        return format_html(
            '<a href="{}">Add progress<span class="visually-hidden"> to {}</span></a>',
            reverse("admin:commitments_commitment_add_progress", args=[obj.pk]),
            obj.title,
        )

    def get_list_display(self, request):
        if access.can_add_progress(request.user):
            return self.list_display
        return [name for name in self.list_display if name != "add_progress_link"]

    def get_urls(self):
        return [
            path(
                "<int:object_id>/progress/",
                self.admin_site.admin_view(self.add_progress_view),
                name="commitments_commitment_add_progress",
            ),
            *super().get_urls(),
        ]

    def add_progress_view(self, request, object_id):
        """A page of its own for an editor's main job: add a progress update to
        this commitment, with its status and latest updates in view."""
        commitment = (
            self.get_queryset(request)
            .select_related("announcement", "lead_agency")
            .filter(pk=object_id)
            .first()
        )
        if commitment is None:
            raise Http404("No commitment with this id that you may see.")
        if not access.can_add_progress(request.user, commitment):
            raise PermissionDenied
        update = ProgressUpdate(commitment=commitment, author=request.user)
        form = ProgressUpdateForm(
            request.POST or None,
            instance=update,
            initial={"reported_on": timezone.localdate()},
        )
        del form.fields["correction_note"]  # a new update corrects nothing
        if request.method == "POST" and form.is_valid():
            form.save()
            self.message_user(
                request,
                progress_saved_message(commitment, added=[update]),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                reverse("admin:commitments_commitment_change", args=[commitment.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Add progress to “{commitment.title}”",
            "subtitle": None,
            "opts": self.opts,
            "original": commitment,
            "commitment": commitment,
            "form": form,
            "latest_updates": list(commitment.updates.select_related("author")[:5]),
            "media": self.media + form.media,
        }
        return TemplateResponse(
            request, "admin/commitments/commitment/add_progress.html", context
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # An editor comes to add progress: their page opens with it.
        extra_context = {
            **(extra_context or {}),
            "progress_first": not self.maintains(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        added = getattr(request, "progress_added", [])
        corrected = getattr(request, "progress_corrected", [])
        if not (added or corrected) or getattr(request, "commitment_changed", False):
            return super().response_change(request, obj)
        self.message_user(
            request, progress_saved_message(obj, added, corrected), messages.SUCCESS
        )
        if "_continue" in request.POST:
            return HttpResponseRedirect(request.path)
        return self.response_post_save_change(request, obj)

    @admin.display(description="deadline changes")
    def deadline_change_list(self, obj):
        """Every move of the deadline, newest first: written by changing the
        deadline above with a reason, never edited."""
        changes = obj.deadline_changes.select_related("author") if obj.pk else []
        if not changes:
            return "None: the deadline has not moved."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}: {} → {}, by {}. {}</li>",
                (
                    (
                        change.changed_on,
                        change.old_due_date or "no due date",
                        change.new_due_date or "no due date",
                        change.author or "nobody recorded",
                        change.reason,
                    )
                    for change in changes
                ),
            ),
        )

    def maintains(self, request, obj=None):
        """Whether the user may change the commitment's own fields: a maintainer
        (model permission) or a superuser."""
        return super().has_change_permission(request, obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if getattr(request, "locks_commitment", False):
            queryset = queryset.select_for_update(
                of=("self", "announcement")
            ).select_related("announcement")
        if super().has_view_permission(request):
            return queryset
        return queryset.filter(pk__in=access.covered_commitments(request.user))

    def get_object(self, request, object_id, from_field=None):
        # A change is read locked, with its announcement, as the API's writes
        # read them (locks_with): a progress update or a check that commits
        # meanwhile is not written over by this save's copy of the row, and a
        # correction of the announcement's date waits for it.
        request.locks_commitment = request.method == "POST"
        try:
            return super().get_object(request, object_id, from_field)
        finally:
            request.locks_commitment = False

    def has_module_permission(self, request):
        return super().has_module_permission(request) or covers(request)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or covers(request, obj)

    def has_change_permission(self, request, obj=None):
        # An editor "changes" a commitment only by adding progress: every field of
        # the commitment itself is read-only for them (get_readonly_fields).
        return self.maintains(request, obj) or covers(request, obj)

    def get_fieldsets(self, request, obj=None):
        if self.maintains(request, obj):
            return self.commitment_fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        field
                        for field in options["fields"]
                        if field
                        not in ("deadline_change_reason", "deadline_changed_on")
                    ],
                },
            )
            for name, options in self.commitment_fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        if self.maintains(request, obj):
            return self.bookkeeping_fields
        own_fields = [
            field.name
            for field in [*Commitment._meta.fields, *Commitment._meta.many_to_many]
            if field.editable and not field.primary_key
        ]
        return own_fields + self.bookkeeping_fields

    def save_model(self, request, obj, form, change):
        # Kept for response_change, which says what was saved.
        request.commitment_changed = bool(form.changed_commitment_fields)
        if change and not form.changed_commitment_fields:
            # Only progress was added: the commitment's row is left as it is (its
            # status follows the new update in save_formset).
            return
        obj.deadline_change_author = request.user
        super().save_model(request, obj, form, change)

    def has_check_permission(self, request):
        return self.maintains(request) or covers(request)

    @admin.action(
        permissions=["check"],
        description="Confirm the status still holds (today)",
    )
    def confirm_status(self, request, queryset):
        confirmed = 0
        for commitment in queryset.select_related("lead_agency"):
            if not access.can_check(request.user, commitment):
                self.message_user(
                    request,
                    f"“{commitment}”: you do not cover this commitment.",
                    messages.ERROR,
                )
                continue
            try:
                commitment.confirm_status(author=request.user)
            except ValidationError as error:
                self.message_user(
                    request,
                    f"“{commitment}”: {' '.join(error.messages)}",
                    messages.ERROR,
                )
            else:
                confirmed += 1
        if confirmed:
            self.message_user(
                request,
                f"Confirmed that the status still holds today for {confirmed} "
                f"commitment{'s' if confirmed != 1 else ''}.",
                messages.SUCCESS,
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProgressUpdate:
            return super().save_formset(request, form, formset, change)
        updates = formset.save(commit=False)
        mark_corrections(request, updates)
        # Kept for response_change, which says what was saved.
        request.progress_added = [update for update in updates if update.pk is None]
        request.progress_corrected = [
            update for update in updates if update.pk is not None
        ]
        for update in updates:
            update.save()
        for update in formset.deleted_objects:
            update.delete()
        formset.save_m2m()

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting would bypass the progress timeline (status) and the deadline
        # reason: old versions can be read, not restored.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True


class CommitmentInline(admin.TabularInline):
    """The announcement's commitments, read-only, each linking to its own page."""

    model = Commitment
    fk_name = "announcement"
    fields = ["commitment_link", "lead_agency", "kind", "due_date", "status"]
    readonly_fields = fields
    ordering = ["id"]
    extra = 0
    verbose_name_plural = "Commitments made in this announcement"

    @admin.display(description="commitment")
    def commitment_link(self, obj):
        url = reverse("admin:commitments_commitment_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.title)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lead_agency")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AnnouncementAdmin(SuperusersDeleteMixin, SimpleHistoryAdmin):
    list_display = ["title", "issuer", "announced_on", "commitment_count"]
    list_filter = ["issuer"]
    search_fields = ["title", "summary", "body"]
    date_hierarchy = "announced_on"
    inlines = [CommitmentInline]
    actions = ["propose_commitments"]
    fields = [
        "title",
        "slug",
        "issuer",
        "announced_on",
        "source_url",
        "text_source_url",
        "text_source_note",
        "summary",
        "body",
    ]

    @admin.display(description="commitments", ordering="commitment_count")
    def commitment_count(self, obj):
        return obj.commitment_count

    @admin.action(
        description="Propose commitments from the text", permissions=["draft"]
    )
    def propose_commitments(self, request, queryset):
        for announcement in queryset:
            try:
                drafts, skipped = Draft.objects.propose(announcement)
            except IntakeError as exc:
                self.message_user(
                    request, f"{announcement.slug}: {exc}", level=messages.ERROR
                )
                continue
            self.message_user(
                request,
                f"{announcement.slug}: {len(drafts)} drafts proposed; "
                f"{len(skipped)} obligations left out, their words already tracked.",
            )

    def has_draft_permission(self, request):
        return request.user.has_perms(
            ["commitments.add_draft", "commitments.change_draft"]
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("issuer")
            .annotate(commitment_count=Count("commitments"))
        )


class AgencyAliasInline(admin.TabularInline):
    """An agency's aliases, written with the agency by those who may change it
    (access.can_change_aliases), as the API writes them: not under permissions
    of their own, which no maintainer holds."""

    model = AgencyAlias
    formset = AliasesFormSet
    extra = 1
    verbose_name = "alias"
    verbose_name_plural = (
        'Aliases: other ways texts name the agency or its head ("the Attorney '
        'General"), unique regardless of case'
    )

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("commitments.view_agency") or (
            access.can_change_aliases(request.user)
        )

    def has_add_permission(self, request, obj=None):
        return access.can_change_aliases(request.user)

    def has_change_permission(self, request, obj=None):
        return access.can_change_aliases(request.user)

    def has_delete_permission(self, request, obj=None):
        return access.can_change_aliases(request.user)


class AgencyAdmin(SuperusersDeleteMixin, SimpleHistoryAdmin):
    list_display = ["name", "abbreviation", "slug", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "abbreviation", "slug"]
    list_select_related = ["parent"]
    filter_horizontal = ["editors"]
    fields = ["name", "abbreviation", "slug", "level", "parent", "editors"]
    inlines = [AgencyAliasInline]


class TopicAdmin(SuperusersDeleteMixin, SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class RetractedFilter(admin.SimpleListFilter):
    title = "retracted"
    parameter_name = "retracted"

    def lookups(self, request, model_admin):
        return [("yes", "Retracted"), ("no", "Counted for the status")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(retracted_at__isnull=False)
        if self.value() == "no":
            return queryset.counted()
        return queryset


class ProgressUpdateAdmin(SuperusersDeleteMixin, SimpleHistoryAdmin):
    """All progress, newest first. Editors add progress from the commitment's page;
    one who also holds the progress permissions may, here, add or change progress
    only on the commitments they cover. Changing a published update needs a
    correction note; a wrong one is retracted (an action, with a reason), not
    deleted."""

    form = ProgressUpdateForm
    list_display = ["reported_on", "commitment", "status", "author", "retracted"]
    list_filter = [
        "status",
        RetractedFilter,
        "commitment__lead_agency",
        "commitment__announcement",
    ]
    search_fields = ["summary", "commitment__title"]
    list_select_related = ["commitment", "author"]
    date_hierarchy = "reported_on"
    autocomplete_fields = ["commitment"]
    fields = [
        "commitment",
        "reported_on",
        "status",
        "summary",
        "source_url",
        "correction_note",
        "author",
        "created_at",
        "record",
    ]
    readonly_fields = ["author", "created_at", "record"]
    actions = ["retract"]

    @admin.display(boolean=True, description="retracted")
    def retracted(self, update):
        return update.is_retracted

    @admin.display(description="corrections and retraction")
    def record(self, update):
        return record_of(update)

    def get_queryset(self, request):
        return with_record(super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        # A published update stays on its commitment: move nothing silently.
        if obj is not None:
            return [*self.readonly_fields, "commitment"]
        return self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or access.can_add_progress(request.user, obj.commitment)
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The choices the form accepts, not only those the autocomplete offers: a
        # commitment id typed into the request is checked against these too.
        if db_field.name == "commitment" and not access.is_maintainer(request.user):
            kwargs["queryset"] = access.covered_commitments(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not access.can_add_progress(request.user, obj.commitment):
            raise PermissionDenied
        mark_corrections(request, [obj])
        super().save_model(request, obj, form, change)

    def has_retract_permission(self, request):
        return access.can_retract_progress(request.user)

    @admin.action(permissions=["retract"], description="Retract (asks for a reason)")
    def retract(self, request, queryset):
        """Asks for a reason on a page of its own, then retracts each selected
        update that is not retracted yet."""
        form = RetractForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin/commitments/progressupdate/retract.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Retract progress updates",
                    "opts": self.model._meta,
                    "updates": queryset.select_related("commitment"),
                    "form": form,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        retracted = 0
        for update in queryset:
            try:
                update.retract(form.cleaned_data["reason"], author=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"“{update}”: {' '.join(error.messages)}", messages.ERROR
                )
            else:
                retracted += 1
        if retracted:
            self.message_user(
                request,
                f"Retracted {retracted} update{'s' if retracted != 1 else ''}; the "
                "statuses follow the updates that remain.",
                messages.SUCCESS,
            )
        return None


admin.site.register(Agency, AgencyAdmin)
admin.site.register(Topic, TopicAdmin)
admin.site.register(Announcement, AnnouncementAdmin)
admin.site.register(Commitment, CommitmentAdmin)
admin.site.register(ProgressUpdate, ProgressUpdateAdmin)


class DraftAdmin(admin.ModelAdmin):
    """Drafts proposed from announcements' texts: accept (creating the
    commitment, under the same rules as any other write) or reject."""

    list_display = [
        "title",
        "state",
        "lead_agency_text",
        "lead_agency",
        "kind",
        "deadline_text",
        "due_date",
        "confidence",
        "announcement",
    ]
    list_filter = ["state", "kind", "announcement"]
    search_fields = ["title", "source_quote", "lead_agency_text"]
    list_select_related = ["lead_agency", "announcement"]
    actions = ["accept", "reject"]
    readonly_fields = [
        "announcement",
        "state",
        "source_quote",
        "quote_start",
        "quote_end",
        "lead_agency_text",
        "supporting_agencies_text",
        "deadline_event",
        "confidence",
        "rationale",
        "commitment",
        "decided_by",
        "decided_at",
        "created_at",
    ]
    fields = [
        "announcement",
        "state",
        "title",
        "source_quote",
        "lead_agency_text",
        "lead_agency",
        "supporting_agencies_text",
        "supporting_agencies",
        "topic",
        "kind",
        "deadline_text",
        "deadline_event",
        "due_in_days",
        "due_date",
        "confidence",
        "rationale",
        "commitment",
        "decided_by",
        "decided_at",
        "created_at",
        "quote_start",
        "quote_end",
    ]
    filter_horizontal = ["supporting_agencies"]

    def has_add_permission(self, request):
        return False  # drafts come from an announcement's text

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    @admin.action(description="Accept: create the commitments", permissions=["accept"])
    def accept(self, request, queryset):
        self.decide(request, queryset, lambda draft: draft.accept(request.user))

    @admin.action(description="Reject", permissions=["change"])
    def reject(self, request, queryset):
        self.decide(request, queryset, lambda draft: draft.reject(request.user))

    def decide(self, request, queryset, decision):
        done = 0
        for draft in queryset.select_related("announcement", "lead_agency", "topic"):
            try:
                decision(draft)
                done += 1
            except ValidationError as exc:
                self.message_user(
                    request,
                    f"{draft.title}: " + " ".join(exc.messages),
                    level=messages.ERROR,
                )
        if done:
            self.message_user(request, f"{done} drafts decided.")

    def has_accept_permission(self, request):
        return request.user.has_perms(
            ["commitments.change_draft", "commitments.add_commitment"]
        )


admin.site.register(Draft, DraftAdmin)

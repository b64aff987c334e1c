"""History for writes that django-simple-history does not see on its own.

simple_history skips raw saves, and `loaddata` saves raw: without this, rows loaded
from a fixture would have no history, and a fixture that changed a row would change
it silently. Every write keeps a trace (issue 4, "audit history of every write")."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from simple_history.utils import get_history_model_for_model

FIXTURE_CHANGE_REASON = "Loaded from a fixture."


@receiver(post_save, dispatch_uid="commitments_history_of_raw_saves")
def record_history_of_raw_save(sender, instance, created, raw, **kwargs):
    """Record a historical row for a fixture load, but only when the row differs
    from its latest historical record, so loading the same fixture again adds
    nothing."""
    if not raw or sender._meta.app_label != "commitments":
        return
    if not hasattr(sender._meta, "simple_history_manager_attribute"):
        return
    history_model = get_history_model_for_model(sender)
    values = {
        field.attname: getattr(instance, field.attname)
        for field in history_model.tracked_fields
    }
    pk_name = sender._meta.pk.attname
    latest = (
        history_model.objects.filter(**{pk_name: instance.pk})
        .order_by("-history_date", "-history_id")
        .first()
    )
    unchanged = (
        latest is not None
        and latest.history_type != "-"
        and all(getattr(latest, name) == value for name, value in values.items())
    )
    if unchanged:
        return
    # loaddata sets many-to-many values after this save; simple_history records
    # that change itself, and this gives it the same reason.
    instance._change_reason = FIXTURE_CHANGE_REASON
    history_model.objects.create(
        history_date=timezone.now(),
        history_type="+" if created or latest is None else "~",
        history_user=None,
        history_change_reason=FIXTURE_CHANGE_REASON,
        **values,
    )


@receiver(post_delete, dispatch_uid="commitments_status_after_update_deleted")
def refresh_status_after_update_deleted(sender, instance, **kwargs):
    """A deleted progress update (only superusers can, in the admin) no longer
    counts: the commitment's status follows the updates that remain."""
    from commitments.models import Commitment, ProgressUpdate

    if sender is not ProgressUpdate:
        return
    commitment = (
        Commitment.objects.select_for_update().filter(pk=instance.commitment_id).first()
    )
    if commitment is not None:
        commitment.refresh_status()

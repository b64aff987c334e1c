"""A check records the status it confirmed, and a commitment the latest check of
the status it has now (status_confirmed_on), which its status_as_of counts: when
news replaces a status (an update entered later, a retraction), the checks of
the old one no longer say the new one holds.

Checks made before this migration are given the status their commitment had
when each was recorded, as near as the rows tell: that of its latest update
reported by the check's day, among those entered before the check and not
retracted by then (as the update reads now, corrections included; rows loaded
from fixtures carry the fixture's entry time). The commitment's latest
historical record gets the same status_confirmed_on, so that the next write
does not show it as a change."""

from django.db import migrations, models
from django.db.models import Q

TIMELINE_ORDER = ["-reported_on", "-created_at", "-id"]


def confirmed_statuses(apps, schema_editor):
    using = schema_editor.connection.alias
    StatusCheck = apps.get_model("commitments", "StatusCheck")
    ProgressUpdate = apps.get_model("commitments", "ProgressUpdate")
    Commitment = apps.get_model("commitments", "Commitment")
    HistoricalCommitment = apps.get_model("commitments", "HistoricalCommitment")
    for check in StatusCheck.objects.using(using).order_by("id"):
        latest = (
            ProgressUpdate.objects.using(using)
            .filter(
                commitment_id=check.commitment_id,
                reported_on__lte=check.checked_on,
                created_at__lte=check.recorded_at,
            )
            .filter(Q(retracted_at=None) | Q(retracted_at__gt=check.recorded_at))
            .order_by(*TIMELINE_ORDER)
            .first()
        )
        check.status = latest.status if latest else "not_rated"
        check.save(update_fields=["status"])
    for commitment in Commitment.objects.using(using).exclude(last_checked_on=None):
        days = StatusCheck.objects.using(using).filter(
            commitment_id=commitment.pk, status=commitment.status
        )
        confirmed_on = days.aggregate(day=models.Max("checked_on"))["day"]
        Commitment.objects.using(using).filter(pk=commitment.pk).update(
            status_confirmed_on=confirmed_on
        )
        # And its latest historical record, which the next write is compared
        # with (the API's history): not a change of anybody's.
        latest = (
            HistoricalCommitment.objects.using(using)
            .filter(id=commitment.pk)
            .order_by("-history_date", "-history_id")
            .first()
        )
        if latest is not None:
            latest.status_confirmed_on = confirmed_on
            latest.save(update_fields=["status_confirmed_on"])


class Migration(migrations.Migration):

    dependencies = [
        ('commitments', '0018_agency_alias_history'),
    ]

    operations = [
        migrations.AddField(
            model_name='commitment',
            name='status_confirmed_on',
            field=models.DateField(blank=True, editable=False, help_text='The latest check of the status the commitment has now: a check of a status that news has since replaced confirms nothing.', null=True),
        ),
        migrations.AddField(
            model_name='historicalcommitment',
            name='status_confirmed_on',
            field=models.DateField(blank=True, editable=False, help_text='The latest check of the status the commitment has now: a check of a status that news has since replaced confirms nothing.', null=True),
        ),
        migrations.AddField(
            model_name='statuscheck',
            name='status',
            field=models.CharField(choices=[('not_rated', 'Not yet rated'), ('in_progress', 'In progress'), ('stalled', 'Stalled'), ('partially_fulfilled', 'Partially fulfilled'), ('fulfilled', 'Fulfilled'), ('broken', 'Broken')], default='not_rated', help_text='The status confirmed.', max_length=24),
            preserve_default=False,
        ),
        migrations.RunPython(confirmed_statuses, migrations.RunPython.noop),
    ]

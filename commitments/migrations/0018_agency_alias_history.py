"""History of agency aliases: who added or removed which alias, and when
(docs/design.md, "Domain": every write is kept in the history).

Aliases written before this migration get a first record each, dated when it
runs and naming nobody, so that every alias has a history to start from (those
loaded from a fixture later get theirs from commitments/signals.py)."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

FIRST_RECORD_REASON = "Recorded when aliases began to keep their history."


def record_existing_aliases(apps, schema_editor):
    AgencyAlias = apps.get_model("commitments", "AgencyAlias")
    HistoricalAgencyAlias = apps.get_model("commitments", "HistoricalAgencyAlias")
    using = schema_editor.connection.alias
    now = timezone.now()
    HistoricalAgencyAlias.objects.using(using).bulk_create(
        HistoricalAgencyAlias(
            id=alias.id,
            name=alias.name,
            agency_id=alias.agency_id,
            history_date=now,
            history_type="+",
            history_change_reason=FIRST_RECORD_REASON,
        )
        for alias in AgencyAlias.objects.using(using).order_by("id")
    )


class Migration(migrations.Migration):

    dependencies = [
        ('commitments', '0017_agency_filter_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalAgencyAlias',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('agency', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='commitments.agency')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical agency alias',
                'verbose_name_plural': 'historical agency aliases',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(record_existing_aliases, migrations.RunPython.noop),
    ]

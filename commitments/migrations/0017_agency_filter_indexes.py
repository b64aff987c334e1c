"""Indexes for the list filtered by status and agency (README, "Performance").

`?status=…&agency=…` selects `status = … AND (lead_agency_id IN (…) OR id IN
(SELECT commitment_id FROM the supporting agencies' links WHERE agency_id IN
(…)))` (CommitmentQuerySet.agencies_q), and its page numbers need the COUNT of
those rows. On 100,000 commitments that COUNT read every row of the status from
the table, 20 ms of a 48 ms request. With the status, lead agency and id in one
index it reads them from the index alone (5 ms), and with the links indexed by
agency, then commitment, the supporters' commitments are read from the index too.

The links' table is Django's own (Commitment.supporting_agencies has no `through`
model), so its index is SQL the migration state does not track; both databases
take it as written.
"""

from django.db import migrations, models

LINKS = "commitments_commitment_supporting_agencies"


class Migration(migrations.Migration):
    dependencies = [("commitments", "0016_data_version_ignores_last_login")]

    operations = [
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                fields=["status", "lead_agency", "id"],
                name="commitment_status_lead_idx",
            ),
        ),
        migrations.RunSQL(
            f"CREATE INDEX commitment_supporter_idx ON {LINKS} (agency_id, commitment_id);",
            "DROP INDEX commitment_supporter_idx;",
        ),
    ]

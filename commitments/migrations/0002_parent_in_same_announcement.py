"""A sub-commitment's parent must belong to the same announcement.

Django has no composite foreign keys, so on PostgreSQL this adds one by hand:
(announcement_id, parent_id) must match an existing (announcement_id, id). SQLite
cannot add a constraint to an existing table, so there Commitment.clean() alone
enforces the rule (it runs on every save).
"""

from django.db import migrations

FORWARD = """
ALTER TABLE commitments_commitment
    ADD CONSTRAINT commitments_commitment_announcement_id_uniq UNIQUE (announcement_id, id);
ALTER TABLE commitments_commitment
    ADD CONSTRAINT commitments_commitment_parent_same_announcement
    FOREIGN KEY (announcement_id, parent_id)
    REFERENCES commitments_commitment (announcement_id, id)
    DEFERRABLE INITIALLY DEFERRED;
"""

BACKWARD = """
ALTER TABLE commitments_commitment
    DROP CONSTRAINT commitments_commitment_parent_same_announcement;
ALTER TABLE commitments_commitment
    DROP CONSTRAINT commitments_commitment_announcement_id_uniq;
"""


def run(sql):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("commitments", "0001_initial")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]

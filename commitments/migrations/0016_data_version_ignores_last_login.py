"""A sign-in writes auth_user.last_login, which no reader sees: an UPDATE of that
column alone no longer changes the data version (commitments/data_version.py,
UNWATCHED_COLUMNS), so it no longer empties the response cache."""

from django.db import migrations


def watch_all_but_last_login(apps, schema_editor):
    from commitments import data_version

    data_version.drop_triggers(schema_editor.connection, "auth_user")
    data_version.install(
        schema_editor.connection, unwatched=data_version.UNWATCHED_COLUMNS
    )


def watch_every_column(apps, schema_editor):
    from commitments import data_version

    data_version.drop_triggers(schema_editor.connection, "auth_user")
    data_version.install(schema_editor.connection, unwatched={})


class Migration(migrations.Migration):
    dependencies = [("commitments", "0015_data_version")]

    operations = [migrations.RunPython(watch_all_but_last_login, watch_every_column)]

"""The database cache's table (settings.CACHES), which the API's login throttle
counts failures in. `manage.py createcachetable` makes it; running that here means
every `migrate` (the demo, a deployment, the test database) has it."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command(
        "createcachetable", database=schema_editor.connection.alias, verbosity=0
    )


class Migration(migrations.Migration):
    dependencies = [("commitments", "0002_parent_in_same_announcement")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]

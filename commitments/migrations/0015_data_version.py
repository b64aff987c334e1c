"""The data version (commitments/data_version.py): its one row, and the triggers
that change it in every transaction that writes a table of this app or auth_user.
Every later `migrate` installs them again where missing (commitments/apps.py)."""

from django.db import migrations, models


def install(apps, schema_editor):
    from commitments import data_version

    data_version.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from commitments import data_version

    data_version.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("commitments", "0014_search_trigram_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("version", models.BigIntegerField()),
            ],
            options={"verbose_name": "data version"},
        ),
        # Backwards, the triggers go first, then the row's table.
        migrations.RunPython(install, uninstall),
    ]

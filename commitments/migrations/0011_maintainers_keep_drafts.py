"""The Maintainers group also adds and changes drafts (docs/design.md, "Who may do
what"), which migration 0006 brought. A frozen list, like 0005's."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Maintainers"
CODENAMES = ["add_draft", "change_draft"]


def grant(apps, schema_editor):
    database = schema_editor.connection.alias
    # See 0005: permissions of models made in migrations exist only after the
    # last one unless created here.
    app_config = apps.get_app_config("commitments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=database)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(database).get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.using(database).filter(
            content_type__app_label="commitments", codename__in=CODENAMES
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    database = schema_editor.connection.alias
    group = Group.objects.using(database).filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.using(database).filter(
                content_type__app_label="commitments", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [("commitments", "0009_corrections_changes")]

    operations = [migrations.RunPython(grant, revoke)]

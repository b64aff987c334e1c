"""The "Maintainers" group with the permissions docs/design.md gives maintainers: add and
change agencies, topics, announcements, commitments and progress updates.

commitments.access.MAINTAINER_PERMISSIONS is what the code checks; this list is a
frozen copy, as a migration must not change when the code does. A later migration
that grants the group more (drafts) adds to both."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Maintainers"
CODENAMES = [
    f"{action}_{model}"
    for action in ("add", "change")
    for model in ("agency", "topic", "announcement", "commitment", "progressupdate")
]


def create_group(apps, schema_editor):
    # On a fresh database Django creates permissions only after the last
    # migration (post_migrate); create this app's now, so the group can hold them.
    # (create_permissions skips an app whose models_module is None, as it is in
    # the migration state.)
    database = schema_editor.connection.alias
    app_config = apps.get_app_config("commitments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=database)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(database).filter(
        content_type__app_label="commitments", codename__in=CODENAMES
    )
    group, _ = Group.objects.using(database).get_or_create(name=GROUP)
    group.permissions.add(*permissions)


def remove_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("commitments", "0004_deadline_changes"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]

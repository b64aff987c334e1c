from django.apps import AppConfig
from django.db.models.signals import post_migrate


def install_data_version(using, **kwargs):
    """After every migrate (and flush): the data version's row and triggers,
    on tables that later migrations added too, and a new version, since the code
    that migrated may show the data differently (commitments/data_version.py)."""
    from django.db import connections, router

    from commitments import data_version

    if not router.allow_migrate(using, "commitments"):
        return  # a read replica: it gets all this from the primary
    connection = connections[using]
    if data_version.TABLE in connection.introspection.table_names():
        data_version.install(connection)
        data_version.bump(connection)


class CommitmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commitments"
    verbose_name = "Commitment tracking"

    def ready(self):
        from commitments import signals  # noqa: F401  (connects the receivers)

        post_migrate.connect(
            install_data_version, sender=self, dispatch_uid="install_data_version"
        )

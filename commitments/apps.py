from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commitments"
    verbose_name = "Commitment tracking"

    def ready(self):
        from commitments import signals  # noqa: F401  (connects the receivers)

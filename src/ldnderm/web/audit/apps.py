from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ldnderm.web.audit"
    label = "audit"
    verbose_name = "Audit trail"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ldnderm.web.audit import signals

        signals.connect()

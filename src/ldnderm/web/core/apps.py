from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ldnderm.web.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from ldnderm.web.core import checks  # noqa: F401  (registers the deployment checks)

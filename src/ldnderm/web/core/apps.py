from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ldnderm.web.core"
    label = "core"
    verbose_name = "Core"

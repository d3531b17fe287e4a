from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "ldnderm.web.registry"
    label = "registry"
    verbose_name = "Clinic registry"
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig


class CdsConfig(AppConfig):
    name = "ldnderm.web.cds"
    label = "cds"
    verbose_name = "CDS Hooks"

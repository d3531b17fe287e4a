from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "ldnderm.web.evidence"
    label = "evidence"
    verbose_name = "Evidence"

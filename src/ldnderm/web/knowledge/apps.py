from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "ldnderm.web.knowledge"
    label = "knowledge"
    verbose_name = "Evidence"

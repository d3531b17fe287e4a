from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "ldnderm.web.screening"
    label = "screening"
    verbose_name = "Safety screening"

from django.apps import AppConfig


class FhirConfig(AppConfig):
    name = "ldnderm.web.fhir"
    label = "fhir"
    verbose_name = "FHIR import and export"

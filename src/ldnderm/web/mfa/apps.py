from django.apps import AppConfig


class MfaConfig(AppConfig):
    name = "ldnderm.web.mfa"
    label = "mfa"
    verbose_name = "Second factor"

    def ready(self) -> None:
        from ldnderm.web.mfa import session

        session.connect()

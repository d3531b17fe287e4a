from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ldnderm.web.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from ldnderm.web.accounts import sessions  # noqa: F401 - connects the log-in stamp

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ldnderm.web.accounts"
    label = "accounts"
    verbose_name = "Accounts"

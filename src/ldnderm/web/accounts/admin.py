from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from ldnderm.web.accounts.models import ApiToken, Clinic, User
from ldnderm.web.audit import tokens
from ldnderm.web.audit.log import Actor


class ClinicUserAdmin(UserAdmin):  # type: ignore[type-arg]
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Clinic", {"fields": ("clinic",)}))
    list_display = ("username", "clinic", "is_active", "is_staff")
    list_filter = ("clinic", "groups", "is_active")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """API tokens: listed (only digests are stored) and revoked, never created or edited here."""

    list_display = ("user", "created_at", "expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__username",)
    readonly_fields = ("user", "digest", "created_at", "expires_at", "revoked_at")
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = tokens.revoke(queryset, Actor.from_request(request), "revoked in the admin")
        self.message_user(request, f"{count} token(s) revoked")


admin.site.register(User, ClinicUserAdmin)


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "slug", "mrn_systems")
    fields = ("name", "slug", "mrn_systems")

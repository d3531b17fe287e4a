from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from ldnderm.web.accounts.models import Clinic, User


class ClinicUserAdmin(UserAdmin):  # type: ignore[type-arg]
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Clinic", {"fields": ("clinic",)}))
    list_display = ("username", "clinic", "is_active", "is_staff")
    list_filter = ("clinic", "groups", "is_active")


admin.site.register(User, ClinicUserAdmin)
admin.site.register(Clinic)

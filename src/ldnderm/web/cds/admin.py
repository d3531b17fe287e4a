from django.contrib import admin

from ldnderm.web.cds.models import CardFeedback


@admin.register(CardFeedback)
class CardFeedbackAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("received_at", "service_id", "card_uuid", "outcome", "override_code")
    list_filter = ("service_id", "outcome")
    search_fields = ("card_uuid",)
    readonly_fields = tuple(f.name for f in CardFeedback._meta.fields)

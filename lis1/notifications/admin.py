from django.contrib import admin

from lis1.notifications.models import Outbox


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ["to", "subject", "created_at", "sent_at", "attempts"]
    list_filter = ["sent_at"]
    search_fields = ["to", "subject"]
    readonly_fields = ["created_at", "sent_at", "attempts", "last_error", "dedupe_key"]

from django.contrib import admin

from lis1.notifications.models import Outbox


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    # Tens of thousands of rows per published round: newest first by the primary key (an
    # index) and no second count of the whole table.
    ordering = ["-pk"]
    show_full_result_count = False
    list_display = ["to", "subject", "created_at", "sent_at", "attempts"]
    list_filter = ["sent_at", "rendered"]
    search_fields = ["to", "subject"]
    readonly_fields = [
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
        "dedupe_key",
        "rendered",
        "template",
        "context",
        "batch",
    ]

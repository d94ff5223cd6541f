from django.contrib import admin

from applicants.models import ApplicationDocument, Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "applicant", "size", "uploaded_at"]
    list_filter = ["kind"]
    raw_id_fields = ["applicant"]
    list_select_related = ["applicant"]
    show_full_result_count = False


@admin.register(ApplicationDocument)
class ApplicationDocumentAdmin(admin.ModelAdmin):
    list_display = ["application", "document"]
    raw_id_fields = ["application", "document"]
    # An application is named by its applicant and position.
    list_select_related = ["application__applicant", "application__position", "document"]
    show_full_result_count = False

from django.contrib import admin

from applicants.models import ApplicationDocument, Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "applicant", "size", "uploaded_at"]
    list_filter = ["kind"]
    raw_id_fields = ["applicant"]


@admin.register(ApplicationDocument)
class ApplicationDocumentAdmin(admin.ModelAdmin):
    list_display = ["application", "document"]
    raw_id_fields = ["application", "document"]

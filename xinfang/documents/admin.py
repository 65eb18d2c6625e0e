"""Admin screens (/django-admin/) for the aids of the opinion editor: phrases, templates, legal bases."""

from django.contrib import admin

from .models import LegalBasis, OpinionPhrase, OpinionTemplate


@admin.register(OpinionPhrase)
class OpinionPhraseAdmin(admin.ModelAdmin):
    list_display = ["group", "text", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["group", "active"]
    search_fields = ["text"]


@admin.register(OpinionTemplate)
class OpinionTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "category_code", "action", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["action", "active"]
    search_fields = ["name", "body", "category_code"]


@admin.register(LegalBasis)
class LegalBasisAdmin(admin.ModelAdmin):
    list_display = ["title", "summary", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["active"]
    search_fields = ["title", "summary"]

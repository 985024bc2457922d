from django.contrib import admin

from .models import MilestoneTemplate, MilestoneTemplateStep


class StepInline(admin.TabularInline):
    model = MilestoneTemplateStep
    extra = 1


@admin.register(MilestoneTemplate)
class MilestoneTemplateAdmin(admin.ModelAdmin):
    """节点模板: shared templates (no zone) and a zone's own."""

    list_display = ["name", "category", "zone"]
    list_filter = ["category"]
    inlines = [StepInline]

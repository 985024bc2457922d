"""`{% load investment %}{% lead_for_project project %}`: the lead a key project came from, with
its unmet commitments, for the project page (one query)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from ..models import Lead
from ..selectors import unmet_commitments

register = template.Library()


@register.inclusion_tag("investment/_project_link.html")
def lead_for_project(project):
    lead = Lead.objects.filter(project_id=project.pk).select_related("project").first()
    if lead is None:
        return {"lead": None}
    return {"lead": lead, "warnings": unmet_commitments(lead, timezone.localdate())}

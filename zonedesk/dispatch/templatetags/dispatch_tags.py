"""Template helpers of the dispatch pages: the blocker panel on the project page (which the
projects app's view does not know about) and small display filters."""

from __future__ import annotations

from django import template
from django.utils import timezone

from zonedesk import access
from zonedesk.dispatch.forms import BlockerForm
from zonedesk.dispatch.models import BlockerLevel

register = template.Library()


@register.inclusion_tag("dispatch/_project_blockers.html", takes_context=True)
def project_blockers(context, project):
    """The project's blockers and, for whoever may raise one, the form. Two queries."""
    request = context.get("request")
    user = getattr(request, "user", None)
    blockers = list(
        project.blockers.select_related("department").order_by("-raised_at", "-id")[:20]
    )
    can_raise = user is not None and access.can_raise_blocker(user, project)
    return {
        "project": project,
        "blockers": blockers,
        "open_count": sum(1 for b in blockers if b.is_open),
        "today": timezone.localdate(),
        "form": BlockerForm(zone_id=project.zone_id) if can_raise else None,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def level_label(value) -> str:
    try:
        return BlockerLevel(int(value)).label
    except (TypeError, ValueError):
        return ""


@register.filter
def days_at(span, now) -> int:
    return span.days(now)

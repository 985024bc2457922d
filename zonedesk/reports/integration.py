"""Turns the dispatch module's blocker (要素保障问题) and 督办 statistics into the report's plain
data. Kept apart from the computation because the records belong to zonedesk.dispatch: only the
fields named here are read, each through getattr so a renamed field shows as blank, not a 500."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def _text(obj, *names: str) -> str:
    for name in names:
        value = getattr(obj, name, None)
        if callable(value):
            value = value()
        if value not in (None, ""):
            if isinstance(value, dt.datetime):
                value = timezone.localdate(value)
            if isinstance(value, dt.date):
                return value.isoformat()
            return str(value)
    return ""


def _display(obj, field: str) -> str:
    getter = getattr(obj, f"get_{field}_display", None)
    return str(getter()) if callable(getter) else _text(obj, field)


def blocker_row(b) -> dict:
    project = getattr(b, "project", None)
    return {
        "id": b.pk,
        "title": _text(b, "description", "title") or str(b),
        "project": project.name if project is not None else "",
        "category": _display(b, "category"),
        "department": getattr(getattr(b, "department", None), "name", ""),
        "raised": _text(b, "raised_at", "raised_on", "created_at"),
        "due": _text(b, "due_date", "deadline"),
        "closed": _text(b, "closed_at", "closed_on", "resolved_at"),
        "status": _display(b, "status"),
    }


def blockers_section(stats: dict) -> dict:
    return {
        "opened": [blocker_row(b) for b in stats.get("opened", [])],
        "closed": [blocker_row(b) for b in stats.get("closed", [])],
        "open_count": int(stats.get("open_count", 0) or 0),
        "overdue_count": int(stats.get("overdue_count", 0) or 0),
        "by_category": {
            str(k): {str(a): int(n) for a, n in v.items()}
            for k, v in (stats.get("by_category") or {}).items()
        },
    }


def supervision_row(item) -> dict:
    assignee = getattr(item, "assignee", None) or getattr(item, "responsible_user", None)
    department = getattr(item, "responsible_department", None) or getattr(item, "department", None)
    project = getattr(item, "project", None)
    return {
        "id": item.pk,
        "number": _text(item, "number"),
        "title": _text(item, "content", "title", "description") or str(item),
        "project": project.name if project is not None else "",
        "assignee": getattr(assignee, "name", "") if assignee is not None else "",
        "department": getattr(department, "name", "") if department is not None else "",
        "due": _text(item, "due_date", "deadline"),
        "status": _display(item, "status"),
    }


def supervision_section(stats: dict) -> dict:
    return {
        "open": int(stats.get("open", 0) or 0),
        "overdue": int(stats.get("overdue", 0) or 0),
        "done_in_window": int(stats.get("done_in_window", 0) or 0),
        "overdue_items": [supervision_row(i) for i in stats.get("overdue_items", [])],
    }

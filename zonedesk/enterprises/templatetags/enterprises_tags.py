"""Small template helpers of enterprise pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """{{ dict|get_item:key }}: a value from a dict keyed by something not a literal."""
    if mapping is None:
        return None
    return mapping.get(key)

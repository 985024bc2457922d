"""佐证材料 uploads: photos, PDF or Office documents within a size limit (`zonedesk.lib.uploads`)."""

from __future__ import annotations

from django.conf import settings

from zonedesk.lib.uploads import ALLOWED, KINDS, CleanFile, clean_upload

__all__ = ["ALLOWED", "KINDS", "MAX_BYTES", "MAX_PER_ITEM", "CleanFile", "clean_evidence"]

MAX_BYTES = getattr(settings, "LEDGER_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
MAX_PER_ITEM = 20


def clean_evidence(upload) -> CleanFile:
    """Check one uploaded file; ValidationError in Chinese naming the file otherwise."""
    return clean_upload(upload, label="佐证材料", max_bytes=MAX_BYTES)

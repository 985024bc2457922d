"""佐证材料 uploads: a short list of types (photos, PDF, Office documents), recognised by their
content rather than their name, within a size limit."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

MAX_BYTES = getattr(settings, "LEDGER_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
MAX_PER_ITEM = 20
KINDS = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ALLOWED = "jpg、png、pdf、docx、xlsx"


@dataclass(frozen=True)
class CleanFile:
    name: str
    ext: str
    content_type: str
    content: bytes


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def clean_evidence(upload) -> CleanFile:
    """Check one uploaded file; ValidationError in Chinese naming the file otherwise."""
    name = Path(getattr(upload, "name", "") or "文件").name[:150]
    if upload.size > MAX_BYTES:
        raise ValidationError(
            f"佐证材料“{name}”大小为{upload.size / 1048576:.1f}MB，超过{MAX_BYTES // 1048576}MB的上限。"
        )
    data = upload.read()
    if not data:
        raise ValidationError(f"佐证材料“{name}”是空文件。")
    ext = _sniff(data)
    if ext is None:
        raise ValidationError(f"佐证材料“{name}”的格式不被接受，只接受 {ALLOWED} 文件。")
    return CleanFile(name, ext, KINDS[ext], data)

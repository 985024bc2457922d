"""Uploaded documents (佐证材料, 印证资料): a short list of types — photos, PDF, Office documents —
recognised by their content rather than their name, within a size limit; and how one is sent
back (`attachment`)."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from django.core.exceptions import ValidationError
from django.http import FileResponse

KINDS = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ALLOWED = "jpg、png、pdf、docx、xlsx"
ACCEPT = ".jpg,.jpeg,.png,.pdf,.docx,.xlsx"  # the file picker's filter; the content decides


@dataclass(frozen=True)
class CleanFile:
    name: str
    ext: str
    content_type: str
    content: bytes


def sniff(data: bytes) -> str | None:
    """The kind of a file from its first bytes (and, for Office files, the zip's parts)."""
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


def clean_upload(upload, *, label: str, max_bytes: int) -> CleanFile:
    """Check one uploaded file; a ValidationError in Chinese naming the `label` and the file
    otherwise (too large, empty, or of a kind not accepted)."""
    name = Path(getattr(upload, "name", "") or "文件").name[:150]
    if upload.size > max_bytes:
        raise ValidationError(
            f"{label}“{name}”大小为{upload.size / 1048576:.1f}MB，超过{max_bytes // 1048576}MB的上限。"
        )
    data = upload.read()
    if not data:
        raise ValidationError(f"{label}“{name}”是空文件。")
    ext = sniff(data)
    if ext is None:
        raise ValidationError(f"{label}“{name}”的格式不被接受，只接受 {ALLOWED} 文件。")
    return CleanFile(name, ext, KINDS[ext], data)


def attachment(item) -> FileResponse:
    """Send a stored upload (anything with `file`, `original_name` and `content_type`) as a
    download under its original name; never rendered inline, never sniffed as another type."""
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response

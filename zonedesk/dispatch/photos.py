"""Site photos (现场照片): accept jpg/png only, within a size limit, and re-encode them from their
pixels so that no EXIF (GPS position, camera serial), XMP or text chunk survives."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = getattr(settings, "DISPATCH_PHOTO_MAX_BYTES", 5 * 1024 * 1024)
MAX_PIXELS = 40_000_000
MAX_PER_REPORT = 9
FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png")}


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    ext: str
    content_type: str
    width: int
    height: int
    original_name: str


def clean_photo(upload) -> CleanPhoto:
    """Check one uploaded file and return it re-encoded without metadata; ValidationError (in
    Chinese, naming the file) when it is not a jpg/png photo or too large."""
    name = Path(getattr(upload, "name", "") or "照片").name[:150]
    if upload.size > MAX_BYTES:
        raise ValidationError(
            f"照片“{name}”大小为{upload.size / 1048576:.1f}MB，超过{MAX_BYTES // 1048576}MB的上限。"
        )
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(f"照片“{name}”无法识别，只接受 jpg、png 格式的图片。") from exc
    if fmt not in FORMATS:
        raise ValidationError(f"照片“{name}”为{fmt}格式，只接受 jpg、png 格式的图片。")
    if width * height > MAX_PIXELS:
        raise ValidationError(f"照片“{name}”像素过多（{width}×{height}），请压缩后再上传。")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)  # keep the picture upright once EXIF is gone
            content, size = _reencode(image, fmt)
    except (OSError, ValueError) as exc:
        raise ValidationError(f"照片“{name}”已损坏，无法读取。") from exc
    ext, content_type = FORMATS[fmt]
    return CleanPhoto(content, ext, content_type, size[0], size[1], name)


def _reencode(image: Image.Image, fmt: str) -> tuple[bytes, tuple[int, int]]:
    """A new image from the pixels alone: nothing of the original's `info` (exif, xmp, icc,
    text chunks, comments) is carried over."""
    if fmt == "JPEG":
        mode = "L" if image.mode in ("L", "1") else "RGB"
    else:
        mode = image.mode if image.mode in ("RGB", "RGBA", "L", "LA") else "RGBA"
    pixels = image.convert(mode)
    fresh = Image.frombytes(mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    if fmt == "JPEG":
        fresh.save(out, "JPEG", quality=88, optimize=True)
    else:
        fresh.save(out, "PNG", optimize=True)
    return out.getvalue(), fresh.size

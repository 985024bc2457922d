"""Evidence uploads: accepted by content, not by name; anything else refused in Chinese."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.ledgers.conftest import png
from zonedesk.ledgers.evidence import MAX_BYTES, clean_evidence


def test_a_png_named_anything_is_a_png():
    f = clean_evidence(SimpleUploadedFile("照片.jpg", png().content))
    assert f.ext == "png" and f.content_type == "image/png"


def test_a_pdf_passes_and_an_oversized_file_is_refused():
    assert clean_evidence(SimpleUploadedFile("整改报告.pdf", b"%PDF-1.7\n...")).ext == "pdf"
    big = SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * (MAX_BYTES + 1))
    with pytest.raises(ValidationError, match="超过"):
        clean_evidence(big)


@settings(deadline=None)  # a loaded CI machine must not fail a parser test
@given(st.binary(max_size=512))
def test_random_bytes_never_crash(data):
    try:
        f = clean_evidence(SimpleUploadedFile("x.bin", data))
    except ValidationError as exc:
        assert "佐证材料“x.bin”" in exc.messages[0]
    else:
        assert f.ext in {"jpg", "png", "pdf", "docx", "xlsx"}

"""印证资料: documents proving a milestone was reached — uploaded by whoever edits the project,
checked by content, read by whoever reads it, removed softly, each step in the history."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from tests.conftest import login
from zonedesk.accounts.audit import history_for
from zonedesk.accounts.models import AuditEvent
from zonedesk.lib.uploads import CleanFile, clean_upload
from zonedesk.projects import services
from zonedesk.projects.models import MilestoneEvidence

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 128, 0)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _upload(client, milestone, *files):
    return client.post(
        f"/projects/milestones/{milestone.pk}/evidence/", {"files": list(files)}, follow=True
    )


def test_the_unit_uploads_a_permit_and_everyone_who_reads_the_project_downloads_it(world):
    m = world.milestone
    page = _upload(login(world.unit), m, SimpleUploadedFile("施工许可证.pdf", PDF),
                   SimpleUploadedFile("现场.jpg", _png()))  # fmt: skip
    assert "已为节点“开工”上传2份印证资料。" in page.content.decode()
    files = list(MilestoneEvidence.objects.filter(milestone=m).order_by("id"))
    assert [(f.original_name, f.content_type) for f in files] == [
        ("施工许可证.pdf", "application/pdf"),
        ("现场.jpg", "image/png"),  # named .jpg, but it is a png: the content decides
    ]
    assert files[0].uploaded_by == world.unit and files[0].size == len(PDF)
    note = next(e.note for e in history_for(world.project) if "印证资料" in e.note)
    assert note == "上传印证资料：施工许可证.pdf、现场.jpg"
    # The row shows them; a reader downloads them as attachments.
    html = login(world.econ).get(f"/projects/{world.project.pk}/").content.decode()
    assert "施工许可证.pdf" in html and "2份" in html
    response = login(world.viewer).get(f"/projects/evidence/{files[0].pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    disposition = response["Content-Disposition"]
    assert disposition.lower().startswith("attachment; filename*=utf-8''") and "%E6" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_file_of_another_kind_is_refused_by_name_and_nothing_is_saved(world):
    page = _upload(login(world.unit), world.milestone, SimpleUploadedFile("许可证.pdf", PDF),
                   SimpleUploadedFile("脚本.pdf", b"<script>alert(1)</script>"))  # fmt: skip
    assert "印证资料“脚本.pdf”的格式不被接受，只接受 jpg、png、pdf、docx、xlsx 文件。" in (
        page.content.decode()
    )
    assert not MilestoneEvidence.objects.exists()  # all or nothing
    empty = _upload(login(world.unit), world.milestone)
    assert "请选择要上传的文件。" in empty.content.decode()


def test_who_may_not_edit_may_not_upload_and_who_may_not_read_may_not_download(world):
    m = world.milestone
    for user in (world.other_unit, world.viewer, world.auditor):
        response = login(user).post(
            f"/projects/milestones/{m.pk}/evidence/",
            {"files": [SimpleUploadedFile("a.pdf", PDF)]},
        )
        assert response.status_code == 403, user
    assert not MilestoneEvidence.objects.exists()
    _upload(login(world.unit), m, SimpleUploadedFile("a.pdf", PDF))
    item = MilestoneEvidence.objects.get()
    for user in (world.other_unit, world.other_staff, world.auditor, world.admin):
        assert login(user).get(f"/projects/evidence/{item.pk}/").status_code == 403, user
        assert login(user).post(f"/projects/evidence/{item.pk}/remove/").status_code == 403
    assert login(world.viewer).post(f"/projects/evidence/{item.pk}/remove/").status_code == 403
    assert MilestoneEvidence.objects.get().removed_at is None


def test_removing_keeps_the_file_and_records_who_removed_it(world):
    _upload(login(world.unit), world.milestone, SimpleUploadedFile("错传的.pdf", PDF))
    item = MilestoneEvidence.objects.get()
    page = login(world.econ).post(f"/projects/evidence/{item.pk}/remove/", follow=True)
    assert "已删除印证资料“错传的.pdf”。" in page.content.decode()
    item.refresh_from_db()
    assert item.removed_by == world.econ and item.removed_at is not None
    assert item.file.storage.exists(item.file.name)  # kept for the record
    assert login(world.unit).get(f"/projects/evidence/{item.pk}/").status_code == 404
    table = page.content.decode().split('id="milestones"')[1].split("</table>")[0]
    assert "错传的.pdf" not in table
    event = AuditEvent.objects.filter(note__startswith="删除印证资料").get()
    assert event.note == "删除印证资料“错传的.pdf”（文件留存备查）" and event.actor == world.econ
    with pytest.raises(ValidationError, match="已删除"):
        services.milestone_evidence_remove(evidence=item, by=world.econ)


def test_the_limit_per_milestone_and_archived_projects(world, monkeypatch):
    monkeypatch.setattr(services, "EVIDENCE_PER_MILESTONE", 2)
    pdf = CleanFile("a.pdf", "pdf", "application/pdf", PDF)
    services.milestone_evidence_add(milestone=world.milestone, by=world.unit, files=[pdf, pdf])
    with pytest.raises(ValidationError, match="最多2份印证资料（已有2份）"):
        services.milestone_evidence_add(milestone=world.milestone, by=world.unit, files=[pdf])
    world.project.archived_at = timezone.now()
    world.project.save()
    with pytest.raises(ValidationError, match="已归档项目"):
        services.milestone_evidence_add(milestone=world.milestone, by=world.unit, files=[pdf])


def test_an_oversized_file_is_refused_with_its_size():
    big = SimpleUploadedFile("扫描件.pdf", b"%PDF-" + b"0" * (2 * 1048576))
    with pytest.raises(ValidationError) as exc:
        clean_upload(big, label="印证资料", max_bytes=1048576)
    assert exc.value.messages == ["印证资料“扫描件.pdf”大小为2.0MB，超过1MB的上限。"]


@settings(deadline=None)
# Names as Django's upload handling hands them over: never a path, ".", or "..".
@given(
    st.binary(max_size=512),
    st.text(min_size=1, max_size=20).filter(lambda t: "/" not in t and t not in {".", ".."}),
)
def test_any_bytes_are_either_a_known_kind_or_refused_naming_the_file(data, name):
    try:
        f = clean_upload(SimpleUploadedFile(name, data), label="印证资料", max_bytes=1048576)
    except ValidationError as exc:
        assert exc.messages[0].startswith("印证资料“")
    else:
        assert f.ext in {"jpg", "png", "pdf", "docx", "xlsx"} and f.content == data


def test_the_api_lists_and_takes_evidence_with_the_same_checks(world):
    from tests.api.test_api import api

    url = f"/api/milestones/{world.milestone.pk}/evidence"
    unit = api(world.unit)
    made = unit.post(url, {"files": [SimpleUploadedFile("验收记录.pdf", PDF),
                                     SimpleUploadedFile("现场.png", _png())]})  # fmt: skip
    assert made.status_code == 201, made.content
    assert [f["original_name"] for f in made.json()] == ["验收记录.pdf", "现场.png"]
    assert made.json()[0]["uploaded_by"] == world.unit.name
    refused = unit.post(url, {"files": [SimpleUploadedFile("病毒.exe", b"MZ\x90\x00")]})
    assert refused.status_code == 422
    assert "印证资料“病毒.exe”的格式不被接受" in refused.json()["detail"]
    assert (
        api(world.other_unit).post(url, {"files": [SimpleUploadedFile("a.pdf", PDF)]}).status_code
        == 403
    )
    viewer = api(world.viewer)
    listed = viewer.get(url).json()
    assert [(f["original_name"], f["url"]) for f in listed] == [
        ("验收记录.pdf", f"/api/evidence/{made.json()[0]['id']}"),
        ("现场.png", f"/api/evidence/{made.json()[1]['id']}"),
    ]
    file = viewer.get(listed[0]["url"])  # the file itself, with the token
    assert file.status_code == 200 and b"".join(file.streaming_content) == PDF
    assert file["X-Content-Type-Options"] == "nosniff"
    assert api(world.other_unit).get(listed[0]["url"]).status_code == 403
    assert api(world.other_unit).get(url).status_code == 403
    assert MilestoneEvidence.objects.count() == 2

"""对标情报 pages: every view refuses those outside its scope and speaks Chinese on bad input."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import login
from zonedesk.accounts.models import AuditEvent
from zonedesk.peers import services
from zonedesk.peers.models import Figure, SourceDocument, SuggestedChange

from .conftest import REPORT

pytestmark = pytest.mark.django_db


@pytest.fixture
def doc(world):
    return services.document_read(
        zone=world.zone, by=world.econ, name="长治高新区工作报告", text=REPORT, origin="paste"
    )


@pytest.fixture
def peer(world):
    return services.peer_create(observer=world.zone, by=world.econ, name="长治高新区")


def test_paste_text_then_see_facts_highlighted(world):
    client = login(world.econ)
    response = client.post(reverse("peers:index"), {"text": REPORT, "name": "工作报告"})
    document = SourceDocument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("peers:document", args=[document.pk])
    page = client.get(response["Location"]).content.decode()
    assert '<mark id="at-35" data-fact="0" title="312.5亿元">312.5亿元</mark>' in page
    assert "找到 6 条数据" in page


def test_upload_docx(world, report_docx):
    client = login(world.econ)
    upload = SimpleUploadedFile("长治高新区2025年工作报告.docx", report_docx)
    response = client.post(reverse("peers:index"), {"file": upload})
    assert response.status_code == 302
    assert SourceDocument.objects.get().name == "长治高新区2025年工作报告.docx"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "  "}, "文本为空，请粘贴报告或新闻的正文，或上传文件。"),
        (
            {"file": SimpleUploadedFile("x.exe", b"MZ\x00\x00")},
            "文件“x.exe”的类型不支持：请上传 .txt、.docx 或带文字层的 .pdf 文件。",
        ),
    ],
)
def test_bad_input_on_the_read_form(world, data, message):
    response = login(world.econ).post(reverse("peers:index"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert SourceDocument.objects.count() == 0


def test_oversized_upload_refused_by_form(world, settings):
    settings.PEERS_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("大文件.txt", b"a" * (1024 * 1024 + 10))
    response = login(world.econ).post(reverse("peers:index"), {"file": big})
    assert response.status_code == 400
    assert "文件“大文件.txt”有 1.0 MB，超过 1 MB 的上限。" in response.content.decode()


def test_save_fact_as_peer_figure_from_the_page(world, doc, peer):
    client = login(world.econ)
    data = {
        "char_start": 35,
        "action": "value",
        "zone": f"p{peer.pk}",
        "measure": "规上工业总产值",
        "year": 2025,
    }
    response = client.post(reverse("peers:document", args=[doc.pk]), data)
    assert response.status_code == 302
    figure = Figure.objects.get()
    assert (figure.peer, figure.measure, figure.year, figure.fact_text) == (
        peer,
        "规上工业总产值",
        2025,
        "312.5亿元",
    )


def test_save_fact_form_errors_name_the_field(world, doc):
    response = login(world.econ).post(
        reverse("peers:document", args=[doc.pk]),
        {
            "char_start": 35,
            "action": "value",
            "zone": f"z{world.zone.pk}",
            "measure": "",
            "year": "",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "指标：请填写指标名称。" in page and "年份：请填写年份。" in page
    assert Figure.objects.count() == 0


def test_suggest_from_page_then_unit_accepts(world, doc):
    client = login(world.econ)
    response = client.post(
        reverse("peers:document", args=[doc.pk]),
        {
            "char_start": 83,
            "action": "suggest",
            "project": f"p{world.project.pk}",
            "field": "total_investment",
        },
    )
    assert response.status_code == 302
    suggestion = SuggestedChange.objects.get()
    unit = login(world.unit)
    listing = unit.get(reverse("peers:suggestions")).content.decode()
    assert "智算中心项目" in listing and "采纳" in listing
    # A unit of another project neither sees nor decides it.
    other = login(world.other_unit)
    assert "智算中心项目" not in other.get(reverse("peers:suggestions")).content.decode()
    assert (
        other.post(
            reverse("peers:decide", args=[suggestion.pk]), {"decision": "accept"}
        ).status_code
        == 404
    )
    unit.post(reverse("peers:decide", args=[suggestion.pk]), {"decision": "accept"})
    world.project.refresh_from_db()
    assert world.project.total_investment == 68000


def test_compare_page_and_xlsx(world, doc, peer):
    services.figure_save(
        document=doc, char_start=35, by=world.econ, measure="规上工业总产值", year=2025, peer=peer
    )
    services.figure_save(
        document=doc, char_start=65, by=world.econ, measure="规上工业总产值", year=2025
    )
    client = login(world.econ)
    query = {
        "zones": [f"z{world.zone.pk}", f"p{peer.pk}"],
        "measures": ["规上工业总产值"],
        "year": 2025,
    }
    page = client.get(reverse("peers:compare"), query).content.decode()
    assert "3,125,000" in page and "976,300" in page and "长治高新区工作报告（" in page
    response = client.get(reverse("peers:compare"), {**query, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2] == (
        "指标",
        "单位",
        "阳泉高新区",
        "阳泉高新区来源",
        "长治高新区",
        "长治高新区来源",
    )
    assert rows[3][:3] == ("规上工业总产值", "万元", 976300)
    assert rows[3][4] == 3125000
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 1


def test_viewer_reads_but_cannot_write(world, doc):
    client = login(world.viewer)
    assert client.get(reverse("peers:index")).status_code == 200
    assert client.get(reverse("peers:document", args=[doc.pk])).status_code == 200
    assert client.post(reverse("peers:index"), {"text": REPORT}).status_code == 403
    assert client.post(reverse("peers:peers"), {"name": "x", "kind": "other"}).status_code == 403
    response = client.post(
        reverse("peers:document", args=[doc.pk]),
        {
            "char_start": 35,
            "action": "value",
            "zone": f"z{world.zone.pk}",
            "measure": "m",
            "year": 2025,
        },
    )
    assert response.status_code == 403
    assert Figure.objects.count() == 0


@pytest.mark.parametrize("name", ["index", "peers", "compare"])
def test_unit_auditor_and_admin_refused(world, name):
    for user in (world.unit, world.auditor, world.admin):
        assert login(user).get(reverse(f"peers:{name}")).status_code == 403


def test_other_zone_cannot_open_our_document_or_withdraw(world, doc):
    figure = services.figure_save(
        document=doc, char_start=57, by=world.econ, measure="签约", year=2025
    )
    client = login(world.other_staff)
    assert client.get(reverse("peers:document", args=[doc.pk])).status_code == 403
    assert client.post(reverse("peers:withdraw", args=[figure.pk])).status_code == 404
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DENIED, actor=world.other_staff
    ).exists()


def test_auditor_cannot_see_suggestions(world):
    assert login(world.auditor).get(reverse("peers:suggestions")).status_code == 403


def test_nav_shows_peers_by_role(world):
    assert "/peers/" in login(world.econ).get(reverse("projects:list")).content.decode()
    page = login(world.unit).get(reverse("projects:list")).content.decode()
    assert "/peers/suggestions/" in page and ">对标情报<" not in page


def test_suggest_a_lead_figure_from_the_page(inv, doc):
    from tests.investment.conftest import make_lead

    lead = make_lead(inv, "算力中心招商项目", "某算力科技有限公司")
    client = login(inv.econ)
    url = reverse("peers:document", args=[doc.pk])
    page = client.get(url).content.decode()
    assert f'<option value="l{lead.pk}">{lead.code} 算力中心招商项目</option>' in page
    wrong = client.post(
        url,
        {
            "char_start": 83,
            "action": "suggest",
            "project": f"l{lead.pk}",
            "field": "total_investment",
        },
    )
    assert wrong.status_code == 400
    assert "招商项目没有这个字段，请选择意向投资额或用地需求。" in wrong.content.decode()
    response = client.post(
        url,
        {
            "char_start": 83,
            "action": "suggest",
            "project": f"l{lead.pk}",
            "field": "intended_investment",
        },
    )
    assert response.status_code == 302
    suggestion = SuggestedChange.objects.get()
    assert suggestion.lead == lead and suggestion.project is None
    listing = login(inv.invest).get(reverse("peers:suggestions")).content.decode()
    assert "算力中心招商项目" in listing and 'value="accept"' in listing

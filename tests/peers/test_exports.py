"""Excel exports of 对标情报's lists: the documents read, the peer zones and the suggested changes
(with the status on screen) — headers, rows against the database, formula-looking text kept as
text, refusals and the audit row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.exports import sheet_of
from zonedesk.accounts.models import AuditEvent
from zonedesk.peers import services
from zonedesk.peers.models import SourceDocument, SuggestedChange

from .conftest import REPORT

pytestmark = pytest.mark.django_db


@pytest.fixture
def doc(world):
    return services.document_read(
        zone=world.zone,
        by=world.econ,
        name='=HYPERLINK("x")长治高新区工作报告',
        text=REPORT,
        origin="paste",
        published_on=dt.date(2026, 2, 1),
    )


@pytest.fixture
def peer(world):
    return services.peer_create(
        observer=world.zone, by=world.econ, name="长治高新区", region="长治市"
    )


def _header(sheet):
    return [c.value for c in sheet[3]]


def _rows(sheet):
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]


def _exports():
    return AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT)


def test_the_documents_export_lists_every_document_read(world, doc):
    other = services.document_read(
        zone=world.other_zone,
        by=world.other_staff,
        name="屯留简报",
        text="签约项目3个。",
        origin="paste",
    )
    url = reverse("peers:index")
    assert (
        'href="?format=xlsx" data-testid="export-xlsx"'
        in login(world.econ).get(url).content.decode()
    )
    sheet = sheet_of(login(world.econ).get(url, {"format": "xlsx"}))
    assert sheet["A1"].value == "对标情报文档"
    assert _header(sheet) == ["文档", "来源", "发布日期", "读取人", "读取时间", "开发区"]
    rows = _rows(sheet)
    assert [r[:4] for r in rows] == [
        ['=HYPERLINK("x")长治高新区工作报告', "粘贴文本", dt.datetime(2026, 2, 1), "赵经发"]
    ]
    assert rows[0][5] == "阳泉高新区" and other.name not in str(rows)
    created = timezone.localtime(doc.created_at).replace(tzinfo=None, second=0, microsecond=0)
    assert abs(rows[0][4] - created) < dt.timedelta(minutes=1)
    assert sheet["A4"].data_type == "s"  # text, never a formula
    event = _exports().get()
    assert event.actor == world.econ and "对标情报文档（1行）" in event.note


def test_more_documents_than_the_page_shows_are_exported(world):
    for i in range(22):
        services.document_read(
            zone=world.zone,
            by=world.econ,
            name=f"简报{i}",
            text=f"签约项目{i + 1}个。",
            origin="paste",
        )
    page = login(world.econ).get(reverse("peers:index"))
    assert len(page.context["documents"]) == 20
    sheet = sheet_of(login(world.econ).get(reverse("peers:index"), {"format": "xlsx"}))
    assert len(_rows(sheet)) == SourceDocument.objects.filter(zone=world.zone).count() == 22


def test_the_peer_zones_export_counts_the_figures_in_force(world, doc, peer):
    kept = services.figure_save(
        document=doc, char_start=35, by=world.econ, measure="规上工业总产值", year=2025, peer=peer
    )
    gone = services.figure_save(
        document=doc, char_start=57, by=world.econ, measure="签约", year=2025, peer=peer
    )
    services.figure_withdraw(figure=gone, by=world.econ)
    services.peer_create(observer=world.zone, by=world.econ, name="+太原综改区")
    services.peer_create(observer=world.other_zone, by=world.other_staff, name="别区的对标")
    url = reverse("peers:peers")
    page = login(world.econ).get(url).content.decode()
    assert 'href="?format=xlsx" data-testid="export-xlsx"' in page
    sheet = sheet_of(login(world.econ).get(url, {"format": "xlsx"}))
    assert sheet["A1"].value == "对标区域"
    assert _header(sheet) == ["名称", "类型", "所在地区", "关注方", "数据条数"]
    assert _rows(sheet) == [
        ["+太原综改区", "其他", None, "阳泉高新区", 0],
        ["长治高新区", "其他", "长治市", "阳泉高新区", 1],
    ]
    assert kept.peer_id == peer.pk
    assert sheet["A4"].data_type == "s"
    assert "对标区域（2行）" in _exports().get().note


@pytest.fixture
def suggestions(world, doc):
    pending = services.suggestion_create(
        document=doc, char_start=83, by=world.econ, field="total_investment", project=world.project
    )
    done = services.suggestion_create(
        document=doc,
        char_start=83,
        by=world.econ,
        field="annual_plan_investment",
        project=world.project,
    )
    services.suggestion_reject(suggestion=done, by=world.econ, note="-以年度计划为准")
    return pending, done


def test_the_suggestions_export_keeps_the_status_on_screen(world, suggestions):
    pending, done = suggestions
    url = reverse("peers:suggestions")
    page = login(world.econ).get(url).content.decode()
    assert 'href="?format=xlsx&amp;status=pending" data-testid="export-xlsx"' in page
    sheet = sheet_of(login(world.econ).get(url, {"format": "xlsx", "status": "pending"}))
    assert sheet["A1"].value == "修改建议"
    assert sheet["A2"].value.startswith("筛选条件：状态：待处理；")
    assert _header(sheet) == [
        "类别", "项目编号", "项目名称", "字段", "现值", "建议值", "来源文档", "原句", "提出人",
        "提出时间", "状态", "处理人", "处理时间", "处理说明",
    ]  # fmt: skip
    rows = _rows(sheet)
    assert [r[:6] for r in rows] == [
        ["重点项目", "YQ-001", "智算中心项目", "总投资（万元）", 50000, float(pending.proposed)]
    ]
    assert rows[0][6] == '=HYPERLINK("x")长治高新区工作报告' and rows[0][7] == pending.sentence
    assert rows[0][8:] == [rows[0][8], rows[0][9], "待处理", None, None, None]
    assert rows[0][8] == "赵经发" and sheet["G4"].data_type == "s"
    # another status on screen, another file
    sheet = sheet_of(login(world.econ).get(url, {"format": "xlsx", "status": "rejected"}))
    assert sheet["A2"].value.startswith("筛选条件：状态：未采纳；")
    rows = _rows(sheet)
    assert [(r[3], r[10], r[11], r[13]) for r in rows] == [
        ("年度计划投资（万元）", "未采纳", "赵经发", "-以年度计划为准")
    ]
    assert sheet["N4"].data_type == "s" and pending.proposed == Decimal("68000")
    assert _exports().count() == 2


def test_a_unit_exports_only_suggestions_on_its_own_projects(world, suggestions):
    url = reverse("peers:suggestions")
    assert len(_rows(sheet_of(login(world.unit).get(url, {"format": "xlsx"})))) == 1
    assert _rows(sheet_of(login(world.other_unit).get(url, {"format": "xlsx"}))) == []
    assert SuggestedChange.objects.count() == 2


@pytest.mark.parametrize("name", ["index", "peers"])
def test_unit_auditor_and_admin_may_not_export_the_peer_lists(world, name):
    for user in (world.unit, world.auditor, world.admin):
        assert login(user).get(reverse(f"peers:{name}"), {"format": "xlsx"}).status_code == 403
    assert not _exports().exists()


def test_the_auditor_may_not_export_the_suggestions(world, suggestions):
    for user in (world.auditor, world.admin):
        response = login(user).get(reverse("peers:suggestions"), {"format": "xlsx"})
        assert response.status_code == 403
    assert not _exports().exists()


# --- a document's 数据 table ---------------------------------------------------------------------

FACT_HEADERS = [
    "序号", "类别", "原文", "约数", "数值", "单位", "指标", "主体", "所在句子", "已保存为对标数据",
]  # fmt: skip


def test_a_documents_facts_export_as_read_with_what_was_saved(world, doc):
    facts = services.facts_of(doc)
    services.figure_save(
        document=doc, char_start=35, by=world.econ, measure="规上工业总产值", year=2025
    )
    withdrawn = services.figure_save(
        document=doc, char_start=57, by=world.econ, measure="新签约项目", year=2025
    )
    services.figure_withdraw(figure=withdrawn, by=world.econ)  # no longer saved, as on the page
    url = reverse("peers:document", args=[doc.pk])
    assert (
        'href="?format=xlsx" data-testid="export-xlsx"'
        in login(world.econ).get(url).content.decode()
    )
    before = _exports().count()
    sheet = sheet_of(login(world.viewer).get(url, {"format": "xlsx"}))
    assert _header(sheet) == FACT_HEADERS
    assert f"文档：{doc.name}" in sheet["A2"].value
    rows = _rows(sheet)
    assert [r[2] for r in rows] == [f.text for f in facts]
    assert rows[0] == [
        1, "金额", "312.5亿元", "否", 3125000, "万元", "规上工业总产值", "长治高新区",
        "2025年，长治高新区规上工业总产值完成312.5亿元，同比增长8.2%。", "是",
    ]  # fmt: skip
    assert rows[2][:2] == [3, "数量"] and rows[2][9] == "否"
    area = rows[-1]
    assert area[1:4] == ["面积", "约120亩", "是"] and area[5] == "平方米"
    assert abs(area[4] - 80000) < 0.01
    assert [r[9] for r in rows].count("是") == 1
    assert _exports().count() == before + 1
    assert f"{doc.name}数据（{len(facts)}行）" in _exports().latest("id").note


def test_a_formula_looking_sentence_stays_text_in_the_facts_export(world):
    doc = services.document_read(
        zone=world.zone, by=world.econ, name="简报", text='=HYPERLINK("x")签约项目3个。', origin="paste"
    )  # fmt: skip
    sheet = sheet_of(
        login(world.econ).get(reverse("peers:document", args=[doc.pk]), {"format": "xlsx"})
    )
    assert sheet["I4"].value == '=HYPERLINK("x")签约项目3个。'
    assert sheet["I4"].data_type == "s"


def test_who_may_not_read_the_document_may_not_export_its_facts(world, doc):
    url = reverse("peers:document", args=[doc.pk])
    for user in (world.unit, world.auditor, world.admin, world.other_staff):
        assert login(user).get(url).status_code == 403
        assert login(user).get(url, {"format": "xlsx"}).status_code == 403, user
    assert not _exports().exists()

"""Ledger items through the Excel pipeline, in the 台账 layout; undo removes what it added."""

from __future__ import annotations

import io

import openpyxl

from zonedesk.intake import services as intake
from zonedesk.ledgers.models import LedgerItem, Status


def sheet(world, campaign, rows) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append([f"{campaign.name}问题整改台账"])
    ws.append(["序号", "专项行动", "问题描述", "点位", "问题类别", "问题来源", "责任部门", "责任人",
               "督办部门", "整改措施", "时限类别", "整改时限", "发现日期"])  # fmt: skip
    for i, r in enumerate(rows, start=1):
        ws.append([i, campaign.name, *r, "2026-03-01"])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_items_import_pending_and_undo(world, campaign):
    data = sheet(world, campaign, [
        ["料场未苫盖", "A厂", "扬尘", "上级交办", "经济发展部", "张三", "投资合作促进部", "苫盖", "短期", "2026-05-01"],
        ["油烟净化器未运行", "晋保路商业街", "餐饮油烟", "自查", "经济发展部", "李四", "投资合作促进部", "清洗", "立行立改", "2026-04-01"],
    ])  # fmt: skip
    batch = intake.import_preview(
        kind="ledger_items", by=world.econ, file_name="台账.xlsx", data=data
    )
    assert batch.error_count == 0, batch.problems
    intake.import_commit(batch=batch, by=world.econ)
    items = LedgerItem.objects.order_by("number")
    assert items.count() == 2 and {i.status for i in items} == {Status.PENDING}
    assert items[0].source == "assigned" and items[1].deadline_class == "immediate"
    assert items[0].events.get().kind == "created"
    intake.import_undo(batch=batch, by=world.econ)
    assert not LedgerItem.objects.exists()


def test_problems_name_the_row_and_reason(world, campaign):
    data = sheet(world, campaign, [
        ["料场未苫盖", "A厂", "扬尘", "自查", "不存在的部门", "张三", "", "苫盖", "短期", "2026-05-01"],
        ["缺措施", "B厂", "扬尘", "自查", "经济发展部", "张三", "", "", "短期", "2026-05-01"],
    ])  # fmt: skip
    batch = intake.import_preview(kind="ledger_items", by=world.econ, file_name="x.xlsx", data=data)
    reasons = {p["row"]: p["reason"] for p in batch.problems}
    assert "没有“不存在的部门”这个部门" in reasons[3]
    assert "整改措施" in reasons[4]


def test_viewers_cannot_import(world):
    from zonedesk.intake.sheets import get_spec

    assert not get_spec("ledger_items").can_import(world.viewer)

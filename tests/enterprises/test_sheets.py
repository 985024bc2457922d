"""Monthly figures and the enterprise register through the import pipeline (preview → commit →
undo), with the problems a clerk sees for bad rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from tests.enterprises.conftest import make_enterprise, new_code
from tests.intake.helpers import xlsx
from zonedesk.enterprises.models import Enterprise, EnterpriseSettings, MonthlyFigure
from zonedesk.intake import services as intake
from zonedesk.intake.sheets import get_spec, specs_for
from zonedesk.zones.models import Organisation

HEADER = [
    "统一社会信用代码",
    "企业名称",
    "月份",
    "营业收入（万元）",
    "税收（万元）",
    "用电量（万千瓦时）",
    "从业人员",
    "研发投入（万元）",
]


def preview(user, rows, kind="enterprise_figures"):
    return intake.import_preview(
        kind=kind,
        by=user,
        file_name="月报.xlsx",
        data=xlsx(
            [
                HEADER if kind == "enterprise_figures" else rows[0],
                *rows[kind != "enterprise_figures" :],
            ]
        ),
    )


def test_the_specs_are_registered_for_the_right_people(world):
    assert get_spec("enterprise_figures").title == "企业月度经营数据"
    assert get_spec("enterprises").title == "企业名录"
    assert "enterprise_figures" in {s.kind for s in specs_for(world.econ)}
    assert "enterprise_figures" not in {s.kind for s in specs_for(world.viewer)}
    assert "enterprise_figures" not in {s.kind for s in specs_for(world.unit)}


def test_import_preview_commit_and_undo(world, firm):
    code = firm.organisation.credit_code
    rows = [
        [code, firm.name, "2025年1月", "1.2亿", "300", "80.5", 120, "600"],
        [code, "", "2025-02", "9,000", "280", "70", 118, "500"],
    ]
    batch = preview(world.econ, rows)
    assert (batch.error_count, batch.created_count) == (0, 2), batch.problems
    batch = intake.import_commit(batch=batch, by=world.econ)
    jan = MonthlyFigure.objects.get(enterprise=firm, month=1)
    assert (jan.revenue, jan.electricity, jan.source) == (
        Decimal("12000.00"),
        Decimal("80.50"),
        "import",
    )
    # Importing again with a changed value updates it; the unchanged row is left alone.
    rows[1][3] = "9500"
    second = intake.import_commit(batch=preview(world.econ, rows), by=world.econ)
    assert (second.updated_count, second.unchanged_count) == (1, 1)
    assert MonthlyFigure.objects.get(enterprise=firm, month=2).version == 2
    intake.import_undo(batch=second, by=world.econ)
    assert MonthlyFigure.objects.get(enterprise=firm, month=2).revenue == Decimal("9000.00")
    # The first import's February row was changed since (by the second import and its undo).
    with pytest.raises(Exception, match="2025年2月”在导入后又被修改过"):
        intake.import_undo(batch=batch, by=world.econ)
    assert MonthlyFigure.objects.count() == 2


def test_bad_rows_are_named(world, firm, other_firm):
    code = firm.organisation.credit_code
    unknown = new_code()
    rows = [
        [code[:17] + ("0" if code[17] != "0" else "1"), "", "2025-01", "100", "", "", "", ""],
        [unknown, "", "2025-01", "100", "", "", "", ""],
        [other_firm.organisation.credit_code, "", "2025-01", "100", "", "", "", ""],
        [code, "别的公司", "2025-01", "100", "", "", "", ""],
        [code, "", "2025-02", "-5", "", "", "", ""],
        [code, "", "2025-03", "", "", "", "", ""],
    ]
    batch = preview(world.econ, rows)
    reasons = {p["row"]: p["reason"] for p in batch.problems}
    assert reasons[2].startswith("校验位应为")
    assert (
        reasons[3] == f"统一社会信用代码{unknown}的企业尚未在本开发区建档，请先建档或导入企业名录。"
    )
    assert "属于屯留经济技术开发区" in reasons[4]
    assert reasons[5] == f"企业名称与统一社会信用代码不符：该代码登记的企业为“{firm.name}”。"
    assert "负" in reasons[6] or "不能" in reasons[6]
    assert reasons[7] == "本行没有任何经营数据。"
    with pytest.raises(Exception, match="个问题"):
        intake.import_commit(batch=batch, by=world.econ)
    assert not MonthlyFigure.objects.exists()


def test_the_firm_itself_imports_only_its_own_figures_when_allowed(world, firm):
    own = Enterprise.objects.create(organisation=world.kaichuang, zone=world.zone)
    Organisation.objects.filter(pk=world.kaichuang.pk).update(credit_code=new_code())
    world.kaichuang.refresh_from_db()
    rows = [
        [world.kaichuang.credit_code, "", "2025-01", "100", "", "", "", ""],
        [firm.organisation.credit_code, "", "2025-01", "100", "", "", "", ""],
    ]
    with pytest.raises(PermissionDenied):
        preview(world.unit, rows)
    EnterpriseSettings.objects.create(zone=world.zone, self_reporting=True)
    batch = preview(world.unit, rows)
    assert [p["row"] for p in batch.problems] == [3]
    assert batch.problems[0]["reason"] == f"无权填报“{firm.name}”的月度数据。"
    assert own.pk == world.kaichuang.pk


def test_enterprise_register_import_adopts_and_creates(world):
    code_new, code_adopt = new_code(), new_code()
    header = ["统一社会信用代码", "企业名称", "行业代码", "企业规模", "成立日期", "用地面积（亩）"]
    rows = [
        header,
        [code_new, "山西新建材料有限公司", "3985", "小型", "2019-04-01", "35"],
        [code_adopt, "开创集团", "", "", "", ""],
    ]
    batch = intake.import_preview(
        kind="enterprises", by=world.econ, file_name="名录.xlsx", data=xlsx(rows)
    )
    assert (batch.error_count, batch.created_count) == (0, 2), batch.problems
    batch = intake.import_commit(batch=batch, by=world.econ)
    created = Enterprise.objects.get(organisation__credit_code=code_new)
    assert (created.size, created.founded_on, created.land_area_mu) == (
        "small",
        dt.date(2019, 4, 1),
        Decimal("35.00"),
    )
    world.kaichuang.refresh_from_db()
    assert (
        world.kaichuang.enterprise.pk == world.kaichuang.pk
        and world.kaichuang.credit_code == code_adopt
    )
    intake.import_undo(batch=batch, by=world.econ)
    assert (
        not Enterprise.objects.exists()
        and not Organisation.objects.filter(credit_code=code_new).exists()
    )
    assert Organisation.objects.filter(pk=world.kaichuang.pk).exists()


def test_template_download_lists_the_columns(world):
    from tests.conftest import login

    response = login(world.econ).get("/intake/template/enterprise_figures/")
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert make_enterprise  # the conftest helper is importable for other modules

"""The whole week, end to end in the browser: a unit files a batch of reports, one is returned and
filed again, the department approves, the warnings turn a project red, the 小调度 agenda lists it,
a decision creates a 督办 item, the assignee files feedback, the meeting office confirms it, and
the weekly report is downloaded as .docx and .xlsx, whose headings and figures are checked
against the database."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db.models import Sum
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_dispatch_browser import fill_row, sign_out
from tests.conftest import PASSWORD, make_project
from tests.dispatch.conftest import open_period
from zonedesk.accounts.models import Role, User
from zonedesk.dispatch.models import (
    Meeting,
    MeetingSchedule,
    ProgressReport,
    ProjectWarning,
    SupervisionItem,
)
from zonedesk.projects.models import Project
from zonedesk.reports.text import amount
from zonedesk.zones.models import Department

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_week_from_filing_to_the_downloaded_weekly_report(world, page):
    today = timezone.localdate()
    second = make_project(
        world.zone,
        "数据中心二期",
        department=world.econ_dept,
        unit=world.kaichuang,
        code="YQ-010",
        planned_completion=today + dt.timedelta(days=500),
    )
    period = open_period(world.zone)
    office = Department.objects.create(zone=world.zone, name="党政办公室")
    User.objects.create_user(
        username="office", password=PASSWORD, role=Role.STAFF, zone=world.zone,
        department=office, display_name="何办公",
    )  # fmt: skip
    MeetingSchedule.objects.create(zone=world.zone, office_department=office)
    meeting = Meeting.objects.create(
        zone=world.zone, kind="small", date=today, chair=world.deputy, location="三楼会议室"
    )

    # Monday: 开创集团 files both projects on one page.
    sign_in(page, "unit")
    page.goto("/dispatch/fill/")
    expect(page.locator(".report-row")).to_have_count(2)
    fill_row(page, world.project, this="600", year="3000", total="8000", percent="35",
             progress="主体结构施工至三层")  # fmt: skip
    fill_row(page, second, this="500", year="1.15亿", total="2亿", percent="60",
             progress="主体封顶")  # fmt: skip
    page.click("button:has-text('全部报送')")
    expect(page.locator(".messages")).to_contain_text("已报送2个项目")
    sign_out(page)

    # 经济发展部 returns one with a reason.
    sign_in(page, "econ")
    returned = ProgressReport.objects.get(project=second, period=period)
    page.goto(f"/dispatch/reports/{returned.pk}/")
    page.fill("#return-form textarea[name=reason]", "形象进度与现场照片不符，请核实")
    page.click("#return-form button")
    expect(page.locator("[data-testid=report-status]")).to_have_text("已退回")
    sign_out(page)

    # The unit corrects and files it again.
    sign_in(page, "unit")
    page.goto("/dispatch/fill/")
    row = page.locator(f"#row-{second.pk}")
    expect(row).to_contain_text("形象进度与现场照片不符，请核实")
    page.fill(f"[name=p{second.pk}-image_progress]", "主体结构施工至八层")
    page.click("button:has-text('全部报送')")
    expect(row.locator("[data-testid=status]")).to_have_text("已报送")
    sign_out(page)

    # The department approves both; 智算中心 is far behind the schedule and turns red.
    sign_in(page, "econ")
    for project in (world.project, second):
        report = ProgressReport.objects.get(project=project, period=period)
        page.goto(f"/dispatch/reports/{report.pk}/")
        page.click("#approve-form button")
        expect(page.locator("[data-testid=report-status]")).to_have_text("已审核")
    page.goto("/dispatch/warnings/")
    lagging = page.locator("#warnings tr", has_text="智算中心项目")
    expect(lagging.locator(".light")).to_have_text("红色")
    expect(lagging).to_contain_text("落后序时进度")
    sign_out(page)

    # The 小调度: the agenda built from the data lists the red project; a decision → 督办.
    sign_in(page, "deputy")
    page.goto("/reports/")
    expect(page.locator("[data-testid=tile-red] b")).to_have_text(
        str(ProjectWarning.objects.filter(colour="red", project__zone=world.zone).count())
    )
    page.goto(f"/dispatch/meetings/{meeting.pk}/")
    page.click("#build-agenda")
    item = page.locator(".agenda-item", has_text="智算中心项目")
    expect(item.locator(".light")).to_have_text("红")
    screenshot(page, "week-agenda")
    item.locator("summary:has-text('形成督办事项')").click()
    item.locator("textarea[name=content]").fill("协调施工单位增加作业面，两周内追回进度")
    item.locator("select[name=department]").select_option(str(world.econ_dept.pk))
    item.locator("input[name=deadline]").fill((today + dt.timedelta(days=14)).isoformat())
    item.locator("button:has-text('下达督办')").click()
    expect(page.locator(".messages")).to_contain_text("已形成督办事项")
    decision = SupervisionItem.objects.get(meeting=meeting)
    assert decision.department == world.econ_dept
    sign_out(page)

    # The assignee department reports back and asks to close it.
    sign_in(page, "econ")
    page.goto(f"/dispatch/supervision/{decision.pk}/")
    page.fill("#feedback-form textarea[name=text]", "已协调增加两个作业面，本周完成投资已追加。")
    page.check("#feedback-form input[name=request_completion]")
    page.click("#feedback-form button")
    expect(page.locator("[data-testid=supervision-status]")).to_have_text("已报办结")
    sign_out(page)

    # The meeting office confirms it.
    sign_in(page, "office")
    page.goto(f"/dispatch/supervision/{decision.pk}/")
    page.click("#confirm-form button")
    expect(page.locator("[data-testid=supervision-status]")).to_have_text("已办结")
    sign_out(page)

    # The leader reads this week's report and downloads it.
    sign_in(page, "leader")
    page.goto("/reports/")
    page.click(".page-head a:has-text('调度周报')")
    page.select_option("select[name=period]", str(period.pk))
    expect(page.locator("h1.doc-title")).to_have_text("阳泉高新区重点项目调度周报")
    expect(page.locator("[data-testid=red-list]")).to_contain_text("智算中心项目")
    expect(page.locator("[data-testid=supervision]")).to_contain_text("本期办结1项")
    screenshot(page, "week-report")
    with page.expect_download() as docx_info:
        page.click("#download-docx")
    with page.expect_download() as xlsx_info:
        page.click("#download-xlsx")
    assert docx_info.value.suggested_filename.endswith(".docx")
    doc = Document(io.BytesIO(open(docx_info.value.path(), "rb").read()))
    book = openpyxl.load_workbook(io.BytesIO(open(xlsx_info.value.path(), "rb").read()))

    # Figures from the database.
    projects = Project.objects.filter(zone=world.zone, archived_at__isnull=True)
    count = projects.count()
    total = projects.aggregate(s=Sum("total_investment"))["s"]
    plan = projects.aggregate(s=Sum("annual_plan_investment"))["s"]
    counted = ProgressReport.objects.filter(
        period=period, status=ProgressReport.Status.APPROVED, project__in=projects
    )
    done = counted.aggregate(s=Sum("invested_year"))["s"]  # every report is this period's
    assert done == Decimal("3000") + Decimal("11500")
    rate = (done * 100 / plan).quantize(Decimal("0.1"))

    # The Word file: title, period, numbered headings and the headline figures.
    assert doc.paragraphs[0].text == "阳泉高新区重点项目调度周报"
    assert doc.paragraphs[1].text == f"（{period.label}）"
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert h1[:3] == ["一、总体情况", "二、开工竣工情况", "三、滞后项目"]
    assert "五、督办事项" in h1
    headline = next(p.text for p in doc.paragraphs if p.text.startswith("截至"))
    assert f"重点项目{count}个" in headline
    assert f"总投资{amount(total)}" in headline
    assert f"本年累计完成投资{amount(done)}" in headline
    assert f"年度投资完成率{rate}%" in headline
    h3 = [p.text for p in doc.paragraphs if p.style.name == "Heading 3"]
    assert any(t.endswith("智算中心项目") for t in h3)  # listed under 落后序时进度
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "本期办结1项" in body

    # The Excel ledger: one row per project with the approved figures.
    ledger = book["项目台账"]
    header = [c.value for c in ledger[1]]
    rows = {r[header.index("项目名称")]: r for r in ledger.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == count
    for report in counted.select_related("project"):
        r = rows[report.project.name]
        assert Decimal(str(r[header.index("本年累计完成投资（万元）")])) == report.invested_year
        assert Decimal(str(r[header.index("本期完成投资（万元）")])) == report.invested_period
        assert r[header.index("本期填报状态")] == "已审核"
    assert rows["智算中心项目"][header.index("预警")] == "红色"
    summary = {r[0]: r[1] for r in book["汇总"].iter_rows(values_only=True) if r and r[0]}
    assert summary["项目数"] == count
    assert Decimal(str(summary["本年累计完成投资（万元）"])) == done
    assert Decimal(str(summary["总投资（万元）"])) == total

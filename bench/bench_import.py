"""Excel import: our pipeline vs django-import-export vs a bare read, on two sheets.

    .venv/bin/python bench/bench_import.py [--rows 50000] [--projects 500 --periods 400]
        [--sheet projects|progress] [--die-rows N] [--skip die]

Sheets (written once under var/bench/):
- projects-<rows>.xlsx: a 50,000-row key-project register (16 columns);
- progress-<projects>x<periods>.xlsx: 200,000 progress reports (进度填报), 500 projects × 400
  weekly periods, 10 columns, cumulative figures rising period by period as real ones do.

Each case runs in its own process so that peak memory (ru_maxrss, minus the process's RSS just
before the case) is the case's own:

- bare: python-calamine reads every cell of the sheet (to_python), nothing else;
- ours: `import_preview` then `import_commit` (read, map headers, parse and validate every row,
  write 50,000 projects with their audit rows and import log) into a fresh SQLite database;
  then the floor: the rows it wrote are deleted from a copy of the database and inserted again
  with raw sqlite3 `executemany` (no ORM, nothing parsed or checked) — the least time any
  implementation needs to write them;
- die: django-import-export 4 (tablib/openpyxl) importing the same file into the same model, a
  dry run then the real import (what its admin does), run from var/bench-venv-die (create it
  with `python3 -m venv var/bench-venv-die && var/bench-venv-die/bin/pip install -e . django-import-export`);
  skipped with a note when that venv is missing.

django-import-export imports about 250 progress rows/s here, so 200,000 rows would take it
about 13 minutes; `--die-rows` (default 20,000 for the progress sheet) runs it on the first
rows of the same sheet (the first 50 projects × 400 periods, same shape) and its rows/s is
compared. Prints rows/s, seconds and peak memory per case and the ratios the issue sets as
targets.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "var" / "bench"
DIE_PYTHON = ROOT / "var" / "bench-venv-die" / "bin" / "python"
DEPARTMENTS = ["经济发展部", "投资合作促进部", "规划建设部", "企业服务部", "生态环境部"]
UNITS = [f"实施单位{i:02d}有限公司" for i in range(20)]
HEADER = [
    "项目代码", "项目名称", "项目类别", "项目级别", "建设性质", "总投资（万元）", "年度计划投资（万元）",
    "计划开工", "计划竣工", "责任部门", "实施单位", "项目阶段", "建设内容", "联系人", "联系电话", "是否入库",
]  # fmt: skip


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_sheet(rows: int) -> Path:
    import datetime as dt
    import random

    import xlsxwriter

    path = BENCH / f"projects-{rows}.xlsx"
    if path.exists():
        return path
    rng = random.Random(2026)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("重点项目")
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADER)
    categories = ["产业", "基础设施", "民生", "生态"]
    levels = ["省重点", "市重点", "区重点"]
    for i in range(1, rows + 1):
        total = rng.randrange(500, 500000)
        start = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(700))
        end = start + dt.timedelta(days=rng.randrange(200, 900))
        row = [
            f"BJ-{i:06d}", f"测试项目{i:06d}", rng.choice(categories), rng.choice(levels), "新建",
            total, round(total * rng.random() * 0.5, 2), None, None, rng.choice(DEPARTMENTS),
            rng.choice(UNITS), "谋划", f"建设内容说明{i}", "张工", f"1380000{i % 10000:04d}", "否",
        ]  # fmt: skip
        sheet.write_row(i, 0, row)
        sheet.write_datetime(i, 7, start, date_fmt)
        sheet.write_datetime(i, 8, end, date_fmt)
    book.close()
    return path


PROGRESS_HEADER = [
    "项目代码", "项目名称", "填报期次", "本期完成投资（万元）", "本年累计完成投资（万元）",
    "自开工累计完成投资（万元）", "形象进度", "完成百分比", "存在问题", "下期计划",
]  # fmt: skip


def progress_weeks(periods: int):
    """`periods` consecutive weeks (Saturday–Friday) ending on the last Friday before
    2026-11-01: (start, end) pairs."""
    import datetime as dt

    end = dt.date(2026, 10, 30)
    weeks = []
    for _ in range(periods):
        weeks.append((end - dt.timedelta(days=6), end))
        end -= dt.timedelta(days=7)
    return weeks[::-1]


def make_progress_sheet(projects: int, periods: int, limit: int | None = None) -> Path:
    import random

    import xlsxwriter

    suffix = f"-first{limit}" if limit else ""
    path = BENCH / f"progress-{projects}x{periods}{suffix}.xlsx"
    if path.exists():
        return path
    rng = random.Random(2026)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("进度填报")
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, PROGRESS_HEADER)
    weeks = progress_weeks(periods)
    r = 0
    for i in range(1, projects + 1):
        total = year = 0.0
        current_year = None
        for w, (_start, end) in enumerate(weeks):
            if limit and r >= limit:
                break
            if end.year != current_year:
                current_year, year = end.year, 0.0
            step = round(rng.uniform(0, 40), 2)
            total, year = round(total + step, 2), round(year + step, 2)
            r += 1
            row = [
                f"BJ-{i:06d}", f"测试项目{i:06d}", None, step, year, total,
                "主体施工" if w % 3 else "设备安装", round(100 * (w + 1) / len(weeks), 1),
                "" if w % 5 else "用地手续待办", "继续施工",
            ]  # fmt: skip
            sheet.write_row(r, 0, row)
            sheet.write_datetime(r, 2, end, date_fmt)
    book.close()
    return path


def setup_progress(db: Path, projects: int, periods: int):
    """A zone with `projects` projects in 在建 (总投资 20,000万元) and `periods` closed weeks."""
    import datetime as dt

    zone, user = setup_django(db)
    from django.utils import timezone

    from zonedesk.dispatch.models import ReportingPeriod
    from zonedesk.projects.models import Category, Project, Stage
    from zonedesk.zones.models import Department, Organisation

    department = Department.objects.filter(zone=zone).first()
    unit = Organisation.objects.filter(zone=zone).first()
    Project.objects.bulk_create(
        Project(
            zone=zone, code=f"BJ-{i:06d}", name=f"测试项目{i:06d}", category=Category.INDUSTRY,
            stage=Stage.CONSTRUCTION, total_investment=20000, department=department,
            implementing_unit=unit, planned_start=dt.date(2018, 1, 1),
            actual_start=dt.date(2018, 6, 1), planned_completion=dt.date(2027, 12, 31),
        )
        for i in range(1, projects + 1)
    )  # fmt: skip
    tz = timezone.get_current_timezone()
    ReportingPeriod.objects.bulk_create(
        ReportingPeriod(
            zone=zone, kind="weekly", start=start, end=end,
            deadline=dt.datetime.combine(end, dt.time(17), tzinfo=tz),
        )
        for start, end in progress_weeks(periods)
    )  # fmt: skip
    return zone, user


# --- cases (each in its own process) ------------------------------------------------------------


def setup_django(db: Path):
    if db.exists():
        db.unlink()
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    # As in production: DEBUG off (with it Django keeps and formats every query's SQL).
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zonedesk.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from zonedesk.accounts.models import Role, User
    from zonedesk.zones.models import Department, Organisation, Zone

    zone = Zone.objects.create(name="基准开发区", short_name="基准区", region_code="140300")
    for name in DEPARTMENTS:
        Department.objects.create(zone=zone, name=name)
    for name in UNITS:
        Organisation.objects.create(zone=zone, name=name)
    return zone, User.objects.create_user(
        username="bench-leader", password=None, role=Role.LEADER, zone=zone
    )


def case_bare(path: Path) -> dict:
    import python_calamine

    base = rss_mb()
    started = time.perf_counter()
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_index(0).to_python()
    seconds = time.perf_counter() - started
    return {"rows": len(rows) - 1, "seconds": seconds, "peak_mb": peak_mb() - base}


# The tables an import writes rows into (its records, their history rows, the import log
# for undo, the warnings recomputed for every touched project).
WRITTEN = [
    "accounts_auditevent", "intake_importchange", "dispatch_projectwarning",
    "dispatch_warningchange",
]  # fmt: skip


def max_ids(tables: list[str]) -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        result = {}
        for table in tables:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            result[table] = cursor.fetchone()[0]
        return result


def insert_floor(db: Path, before: dict[str, int]) -> dict:
    """The floor under any implementation: the rows the import wrote (every row with an id above
    `before`), deleted from a copy of the database and inserted again with raw sqlite3
    `executemany` — values already prepared, no ORM, no parsing, no checks, one transaction."""
    import shutil
    import sqlite3

    from django.db import connections

    connections.close_all()
    copy = db.with_name(db.stem + "-floor.sqlite3")
    shutil.copy(db, copy)
    con = sqlite3.connect(copy)
    con.execute("PRAGMA foreign_keys = OFF")
    written = {}
    for table, last in before.items():
        names = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
        rows = con.execute(f"SELECT * FROM {table} WHERE id > ?", (last,)).fetchall()
        con.execute(f"DELETE FROM {table} WHERE id > ?", (last,))
        written[table] = (names, rows)
    con.commit()
    started = time.perf_counter()
    for table, (names, rows) in written.items():
        marks = ", ".join("?" * len(names))
        con.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", rows)
    con.commit()
    seconds = time.perf_counter() - started
    con.close()
    copy.unlink()
    return {"floor_seconds": seconds, "floor_rows": sum(len(r) for _, r in written.values())}


def case_ours(path: Path) -> dict:
    db = BENCH / "import-ours.sqlite3"
    _, user = setup_django(db)
    from zonedesk.intake import services
    from zonedesk.projects.models import Project

    data = path.read_bytes()
    before = max_ids(["projects_project", *WRITTEN])
    base = rss_mb()
    started = time.perf_counter()
    batch = services.import_preview(kind="projects", by=user, file_name=path.name, data=data)
    preview = time.perf_counter() - started
    assert batch.error_count == 0, batch.problems[:5]
    services.import_commit(batch=batch, by=user)
    seconds = time.perf_counter() - started
    peak = peak_mb() - base
    count = Project.objects.count()
    assert count == batch.created_count, (count, batch.created_count)
    return {
        "rows": count,
        "seconds": seconds,
        "preview_seconds": preview,
        "read_seconds": read_only(path, "projects"),
        "peak_mb": peak,
        **insert_floor(db, before),
    }


def read_only(path: Path, kind: str) -> float:
    """The reading stage alone (sniff, zip checks, calamine, header mapping, every cell parsed)."""
    from zonedesk.intake.reader import read_table
    from zonedesk.intake.sheets import get_spec

    data = path.read_bytes()
    started = time.perf_counter()
    table = read_table(data, columns=get_spec(kind).columns, filename=path.name)
    assert not table.problems
    return time.perf_counter() - started


def case_ours_progress(path: Path, projects: int, periods: int) -> dict:
    db = BENCH / "progress-ours.sqlite3"
    _, user = setup_progress(db, projects, periods)
    from zonedesk.dispatch.models import ProgressReport
    from zonedesk.intake import services

    data = path.read_bytes()
    before = max_ids(["dispatch_progressreport", *WRITTEN])
    base = rss_mb()
    started = time.perf_counter()
    batch = services.import_preview(kind="progress", by=user, file_name=path.name, data=data)
    preview = time.perf_counter() - started
    assert batch.error_count == 0, batch.problems[:5]
    services.import_commit(batch=batch, by=user)
    seconds = time.perf_counter() - started
    peak = peak_mb() - base
    count = ProgressReport.objects.count()
    assert count == batch.created_count, (count, batch.created_count)
    return {
        "rows": count,
        "seconds": seconds,
        "preview_seconds": preview,
        "read_seconds": read_only(path, "progress"),
        "peak_mb": peak,
        **insert_floor(db, before),
    }


def case_die_progress(path: Path, projects: int, periods: int) -> dict:
    import datetime as dt

    zone, user = setup_progress(BENCH / "progress-die.sqlite3", projects, periods)
    import tablib
    from django.utils import timezone
    from import_export import fields, resources, widgets

    from zonedesk.dispatch.models import ProgressReport, ReportingPeriod
    from zonedesk.projects.models import Project

    class ProjectByCode(widgets.ForeignKeyWidget):
        def get_queryset(self, value, row, *args, **kwargs):
            return Project.objects.filter(zone=zone)

    class PeriodByDay(widgets.ForeignKeyWidget):
        def clean(self, value, row=None, **kwargs):
            day = value.date() if isinstance(value, dt.datetime) else value
            return ReportingPeriod.objects.get(zone=zone, start__lte=day, end__gte=day)

    class ReportResource(resources.ModelResource):
        project = fields.Field("project", "项目代码", widget=ProjectByCode(Project, "code"))
        period = fields.Field("period", "填报期次", widget=PeriodByDay(ReportingPeriod, "start"))
        invested_period = fields.Field(
            "invested_period", "本期完成投资（万元）", widget=widgets.DecimalWidget()
        )
        invested_year = fields.Field(
            "invested_year", "本年累计完成投资（万元）", widget=widgets.DecimalWidget()
        )
        invested_total = fields.Field(
            "invested_total", "自开工累计完成投资（万元）", widget=widgets.DecimalWidget()
        )
        image_progress = fields.Field("image_progress", "形象进度")
        percent_complete = fields.Field(
            "percent_complete", "完成百分比", widget=widgets.DecimalWidget()
        )
        problems = fields.Field("problems", "存在问题")
        next_plan = fields.Field("next_plan", "下期计划")

        class Meta:
            model = ProgressReport
            import_id_fields = ("project", "period")
            fields = (
                "project", "period", "invested_period", "invested_year", "invested_total",
                "image_progress", "percent_complete", "problems", "next_plan",
            )  # fmt: skip

        def before_save_instance(self, instance, row, **kwargs):
            instance.created_by = user
            instance.problems = instance.problems or ""
            instance.image_progress = instance.image_progress or ""
            instance.next_plan = instance.next_plan or ""
            instance.status = "submitted"
            instance.submitted_by = user
            instance.submitted_at = timezone.now()

    base = rss_mb()
    started = time.perf_counter()
    for dry_run in (True, False):
        with open(path, "rb") as f:
            dataset = tablib.Dataset().load(f.read(), format="xlsx")
        result = ReportResource().import_data(dataset, dry_run=dry_run, raise_errors=True)
        assert not result.has_errors()
    seconds = time.perf_counter() - started
    return {
        "rows": ProgressReport.objects.count(),
        "seconds": seconds,
        "peak_mb": peak_mb() - base,
    }


def case_die(path: Path) -> dict:
    zone, user = setup_django(BENCH / "import-die.sqlite3")
    import tablib
    from import_export import fields, resources, widgets

    from zonedesk.projects.models import Category, Level, Nature, Project, Stage
    from zonedesk.zones.models import Department, Organisation

    class Choice(widgets.Widget):
        def __init__(self, choices):
            super().__init__()
            self.by_label = {label: value for value, label in choices}

        def clean(self, value, row=None, **kwargs):
            return self.by_label[value]

    class ZoneFK(widgets.ForeignKeyWidget):
        def get_queryset(self, value, row, *args, **kwargs):
            return self.model.objects.filter(zone=zone)

    class ProjectResource(resources.ModelResource):
        code = fields.Field("code", "项目代码")
        name = fields.Field("name", "项目名称")
        category = fields.Field("category", "项目类别", widget=Choice(Category.choices))
        level = fields.Field("level", "项目级别", widget=Choice(Level.choices))
        nature = fields.Field("nature", "建设性质", widget=Choice(Nature.choices))
        total_investment = fields.Field(
            "total_investment", "总投资（万元）", widget=widgets.DecimalWidget()
        )
        annual_plan_investment = fields.Field(
            "annual_plan_investment", "年度计划投资（万元）", widget=widgets.DecimalWidget()
        )
        planned_start = fields.Field("planned_start", "计划开工", widget=widgets.DateWidget())
        planned_completion = fields.Field(
            "planned_completion", "计划竣工", widget=widgets.DateWidget()
        )
        department = fields.Field("department", "责任部门", widget=ZoneFK(Department, "name"))
        implementing_unit = fields.Field(
            "implementing_unit", "实施单位", widget=ZoneFK(Organisation, "name")
        )
        stage = fields.Field("stage", "项目阶段", widget=Choice(Stage.choices))
        content = fields.Field("content", "建设内容")
        contact_name = fields.Field("contact_name", "联系人")
        contact_phone = fields.Field("contact_phone", "联系电话")

        class Meta:
            model = Project
            import_id_fields = ("code",)
            fields = (
                "code",
                "name",
                "category",
                "level",
                "nature",
                "total_investment",
                "annual_plan_investment",
                "planned_start",
                "planned_completion",
                "department",
                "implementing_unit",
                "stage",
                "content",
                "contact_name",
                "contact_phone",
            )

        def before_save_instance(self, instance, row, **kwargs):
            instance.zone = zone

    base = rss_mb()
    started = time.perf_counter()
    for dry_run in (True, False):
        with open(path, "rb") as f:
            dataset = tablib.Dataset().load(f.read(), format="xlsx")
        result = ProjectResource().import_data(dataset, dry_run=dry_run, raise_errors=True)
        assert not result.has_errors()
    seconds = time.perf_counter() - started
    return {"rows": Project.objects.count(), "seconds": seconds, "peak_mb": peak_mb() - base}


CASES = {
    "bare": case_bare,
    "ours": case_ours,
    "die": case_die,
    "ours-progress": case_ours_progress,
    "die-progress": case_die_progress,
}


def run_case(name: str, path: Path, extra: list[str] = ()) -> dict | None:
    python = DIE_PYTHON if name.startswith("die") else Path(sys.executable)
    if not python.exists():
        return None
    out = subprocess.run(
        [str(python), __file__, "--case", name, "--file", str(path), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        print(f"{name}: failed\n{out.stderr[-3000:]}", file=sys.stderr)
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--periods", type=int, default=400)
    parser.add_argument("--die-rows", type=int, default=20_000, help="progress sheet only")
    parser.add_argument("--sheet", action="append", choices=["projects", "progress"])
    parser.add_argument("--case", choices=sorted(CASES))
    parser.add_argument("--file")
    parser.add_argument("--skip", action="append", default=[])
    args = parser.parse_args()
    if args.case:
        extra = (args.projects, args.periods) if "progress" in args.case else ()
        print(json.dumps(CASES[args.case](Path(args.file), *extra)))
        return 0
    BENCH.mkdir(parents=True, exist_ok=True)
    for sheet in args.sheet or ["projects", "progress"]:
        if sheet == "projects":
            path = make_sheet(args.rows)
            print(
                f"\nsheet: {path.relative_to(ROOT)} ({path.stat().st_size / 1024 / 1024:.1f} MB, "
                f"{args.rows:,} rows × {len(HEADER)} columns)"
            )
            run_sheet(args, {"bare": path, "ours": path, "die": path}, "ours", "die")
        else:
            path = make_progress_sheet(args.projects, args.periods)
            rows = args.projects * args.periods
            small = path
            if args.die_rows and args.die_rows < rows:
                small = make_progress_sheet(args.projects, args.periods, limit=args.die_rows)
            print(
                f"\nsheet: {path.relative_to(ROOT)} ({path.stat().st_size / 1024 / 1024:.1f} MB, "
                f"{rows:,} rows × {len(PROGRESS_HEADER)} columns; django-import-export on "
                f"{small.relative_to(ROOT)})"
            )
            extra = ["--projects", str(args.projects), "--periods", str(args.periods)]
            run_sheet(
                args,
                {"bare": path, "ours-progress": path, "die-progress": small},
                "ours-progress",
                "die-progress",
                extra,
            )
    return 0


def run_sheet(args, files: dict, ours: str, die: str, extra: list[str] = ()) -> None:
    results = {}
    for name, path in files.items():
        if name in args.skip or name.split("-")[0] in args.skip:
            continue
        result = run_case(name, path, extra if name != "bare" else ())
        if result is None:
            print(
                f"{name:<14} skipped (no {DIE_PYTHON.relative_to(ROOT)})"
                if name.startswith("die")
                else f"{name:<14} failed"
            )
            continue
        results[name] = result
        extra_text = (
            f"   (preview {result['preview_seconds']:.1f} s, of which reading"
            f" {result['read_seconds']:.1f} s)"
            if "preview_seconds" in result
            else ""
        )
        print(
            f"{name:<14} {result['rows']:>8,} rows {result['rows'] / result['seconds']:>9,.0f} rows/s"
            f"   {result['seconds']:>8.2f} s   peak +{result['peak_mb']:>6.0f} MB{extra_text}",
            flush=True,
        )
    if ours in results and die in results:
        mine = results[ours]["rows"] / results[ours]["seconds"]
        theirs = results[die]["rows"] / results[die]["seconds"]
        print(
            f"ours vs django-import-export throughput (rows/s): {mine / theirs:.1f}× (target ≥ 10×)"
        )
    if ours in results and "bare" in results:
        bare = results["bare"]["seconds"]
        print(
            f"ours vs bare calamine read time: {results[ours]['seconds'] / bare:.1f}× end to end, "
            f"{results[ours]['preview_seconds'] / bare:.1f}× preview, "
            f"{results[ours]['read_seconds'] / bare:.1f}× reading stage (target ≤ 3×)"
        )
        floor = results[ours]["floor_seconds"]
        print(
            f"floor: inserting the {results[ours]['floor_rows']:,} rows the import wrote with raw"
            f" sqlite3 executemany takes {floor:.2f} s = {floor / bare:.1f}× the bare read; with"
            f" the read itself, any implementation is at least {(floor + bare) / bare:.1f}×"
        )


if __name__ == "__main__":
    sys.exit(main())

"""Import of a 50,000-row key-project register: our pipeline vs django-import-export vs a bare read.

    .venv/bin/python bench/bench_import.py [--rows 50000]

Writes the sheet once (var/bench/projects-<rows>.xlsx), then runs each case in its own process so
that peak memory (ru_maxrss, minus the process's RSS just before the case) is the case's own:

- bare: python-calamine reads every cell of the sheet (to_python), nothing else;
- ours: `import_preview` then `import_commit` (read, map headers, parse and validate every row,
  write 50,000 projects with their audit rows and import log) into a fresh SQLite database;
- die: django-import-export 4 (tablib/openpyxl) importing the same file into the same model, a
  dry run then the real import (what its admin does), run from var/bench-venv-die (create it
  with `python3 -m venv var/bench-venv-die && var/bench-venv-die/bin/pip install -e . django-import-export`);
  skipped with a note when that venv is missing.

Prints rows/s, seconds and peak memory per case and the two ratios the issue sets as targets.
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


# --- cases (each in its own process) ------------------------------------------------------------


def setup_django(db: Path):
    if db.exists():
        db.unlink()
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
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


def case_ours(path: Path) -> dict:
    _, user = setup_django(BENCH / "import-ours.sqlite3")
    from zonedesk.intake import services
    from zonedesk.projects.models import Project

    data = path.read_bytes()
    base = rss_mb()
    started = time.perf_counter()
    batch = services.import_preview(kind="projects", by=user, file_name=path.name, data=data)
    preview = time.perf_counter() - started
    assert batch.error_count == 0, batch.problems[:5]
    services.import_commit(batch=batch, by=user)
    seconds = time.perf_counter() - started
    count = Project.objects.count()
    assert count == batch.created_count, (count, batch.created_count)
    return {
        "rows": count,
        "seconds": seconds,
        "preview_seconds": preview,
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


CASES = {"bare": case_bare, "ours": case_ours, "die": case_die}


def run_case(name: str, path: Path) -> dict | None:
    python = DIE_PYTHON if name == "die" else Path(sys.executable)
    if not python.exists():
        return None
    out = subprocess.run(
        [str(python), __file__, "--case", name, "--file", str(path)],
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
    parser.add_argument("--case", choices=sorted(CASES))
    parser.add_argument("--file")
    parser.add_argument("--skip", action="append", default=[])
    args = parser.parse_args()
    if args.case:
        print(json.dumps(CASES[args.case](Path(args.file))))
        return 0
    BENCH.mkdir(parents=True, exist_ok=True)
    path = make_sheet(args.rows)
    print(
        f"sheet: {path.relative_to(ROOT)} ({path.stat().st_size / 1024 / 1024:.1f} MB, {args.rows:,} rows × {len(HEADER)} columns)"
    )
    results = {}
    for name in ("bare", "ours", "die"):
        if name in args.skip:
            continue
        result = run_case(name, path)
        if result is None:
            print(
                f"{name:<6} skipped (no {DIE_PYTHON.relative_to(ROOT)})"
                if name == "die"
                else f"{name:<6} failed"
            )
            continue
        results[name] = result
        extra = (
            f"   (preview {result['preview_seconds']:.1f} s)" if "preview_seconds" in result else ""
        )
        print(
            f"{name:<6} {result['rows'] / result['seconds']:>10,.0f} rows/s   {result['seconds']:>8.2f} s   peak +{result['peak_mb']:>6.0f} MB{extra}"
        )
    if "ours" in results and "die" in results:
        print(
            f"ours vs django-import-export throughput: {results['die']['seconds'] / results['ours']['seconds']:.1f}× (target ≥ 10×)"
        )
    if "ours" in results and "bare" in results:
        ratio = results["ours"]["seconds"] / results["bare"]["seconds"]
        read_ratio = results["ours"]["preview_seconds"] / results["bare"]["seconds"]
        print(
            f"ours vs bare calamine read time: {ratio:.1f}× end to end, {read_ratio:.1f}× preview only (target ≤ 3×)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

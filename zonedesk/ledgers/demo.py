"""Demo ledgers: 阳泉高新区's 生态环境"5+2"专项行动 (生态环境, 建设领域, 交通运输, 农村环境, 绿色低碳
plus 劣质油 and 餐饮油烟) with items in every state — one that failed its check and stays on the
account (继续挂账), one reopened after closure, overdue ones — and a smaller campaign in each other
demo zone, so the cross-zone view has a closure rate everywhere. Every step goes through the
services, so the demo has the same history (履历) and audit rows real use would leave."""

from __future__ import annotations

import datetime as dt
import io
import random

from django.utils import timezone
from PIL import Image

from zonedesk.accounts.models import Role, User
from zonedesk.zones.models import Department, Organisation, Zone

from . import services
from .evidence import CleanFile
from .models import DeadlineClass, LedgerItem, Source

FIVE_PLUS_TWO = [
    ("生态环境", "扬尘", "{org}厂区物料露天堆放，未苫盖", "全部苫盖，设置围挡和喷淋"),
    ("建设领域", "施工扬尘", "{road}施工工地出入口未设冲洗平台", "增设车辆冲洗平台，落实“六个百分百”"),
    ("交通运输", "柴油货车", "{org}运输车辆未登记国六排放标准", "淘汰国四以下车辆，建立门禁台账"),
    ("农村环境", "生活垃圾", "{village}村口垃圾乱堆", "清运垃圾，设置分类收集点"),
    ("绿色低碳", "能耗", "{org}燃煤锅炉未按期完成清洁能源替代", "实施“煤改电”，拆除燃煤锅炉"),
    ("劣质油", "劣质油品", "{road}沿线发现流动加油车", "联合执法取缔，建立举报奖励"),
    ("餐饮油烟", "餐饮油烟", "{street}商业街餐饮店油烟净化器未运行", "安装并定期清洗油烟净化设施"),
]  # fmt: skip
ROADS = ["青岛路", "广州路", "晋保路", "大连路", "南环路"]
VILLAGES = ["下白泉", "官沟", "刘备山", "河底"]
STREETS = ["晋保路", "青岛路", "广州路"]

# (state, count) in the order the items are made; every state of the life is present.
PLAN = [
    ("pending", 4), ("in_progress", 4), ("failed", 2), ("applied", 3), ("checking", 2),
    ("publicity", 2), ("closed", 10), ("reopened", 1), ("overdue", 3),
]  # fmt: skip


def _png() -> CleanFile:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 90)).save(buf, "PNG")
    return CleanFile("整改后现场照片.png", "png", "image/png", buf.getvalue())


def _people(zone: Zone, depts: dict[str, Department]) -> tuple[User, User, User]:
    """The fixing department's clerk, the supervising office's checker and a leader; inactive
    accounts for zones without demo logins (they only sign the history)."""

    def get(username, display, role, **extra):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username, password=None, display_name=display, role=role, zone=zone,
                is_active=False, **extra,
            )  # fmt: skip
        return user

    fixer = get(f"eco-{zone.pk}", f"{zone.label}生态环境部干部", Role.STAFF,
                department=depts["生态环境部"])  # fmt: skip
    checker = get(f"office-{zone.pk}", f"{zone.label}党政办核查员", Role.STAFF,
                  department=depts["党政办公室"])  # fmt: skip
    leader = User.objects.filter(zone=zone, role=Role.LEADER).order_by("-is_active", "id").first()
    return fixer, checker, leader or checker


def build_ledgers_demo(*, seed: int = 2026, today: dt.date | None = None) -> int:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    made = 0
    for zone in Zone.objects.filter(parent__isnull=True).order_by("id"):
        depts = {d.name: d for d in Department.objects.filter(zone=zone)}
        if "生态环境部" not in depts or "党政办公室" not in depts:
            continue
        orgs = list(Organisation.objects.filter(zone=zone, kind=Organisation.Kind.ENTERPRISE)[:12])
        orgs = orgs or list(Organisation.objects.filter(zone=zone)[:12])
        fixer, checker, leader = _people(zone, depts)
        main = zone.label == "阳泉高新区"
        campaign = services.campaign_save(
            zone=zone,
            by=leader,
            data={
                "name": f"{today.year}年生态环境“5+2”专项行动" if main else f"{today.year}年生态环境问题排查整治",
                "theme": "生态环境", "source": Source.ASSIGNED if main else Source.SELF,
                "lead_department": depts["生态环境部"], "start": dt.date(today.year, 1, 15),
                "end": dt.date(today.year, 12, 31), "publicity_required": main, "publicity_days": 5,
                "description": "生态环境、建设领域、交通运输、农村环境、绿色低碳五个专项行动，加劣质油和餐饮油烟两项整治。"
                if main else "",
            },
        )  # fmt: skip
        plan = PLAN if main else [("pending", 1), ("in_progress", 2), ("closed", rng.randint(2, 7)),
                                  ("overdue", rng.randint(0, 2))]  # fmt: skip
        n = 0
        for state, count in plan:
            for _ in range(count):
                theme, category, problem, measures = FIVE_PLUS_TWO[n % len(FIVE_PLUS_TWO)]
                org = orgs[n % len(orgs)] if orgs else None
                road, village, street = rng.choice(ROADS), rng.choice(VILLAGES), rng.choice(STREETS)
                name = org.name if org else "某企业"
                text = problem.format(org=name, road=road, village=village, street=street)
                if "{org}" in problem:
                    place = name
                elif "{village}" in problem:
                    place = f"{village}村"
                else:
                    place = road if "{road}" in problem else f"{street}商业街"
                found = dt.date(today.year, 1, 20) + dt.timedelta(days=7 * n)
                found = min(found, today - dt.timedelta(days=40))
                overdue = state == "overdue"
                deadline = (today - dt.timedelta(days=rng.randint(10, 60)) if overdue
                            else today + dt.timedelta(days=rng.randint(20, 120)))  # fmt: skip
                item = services.item_create(
                    campaign=campaign,
                    by=leader,
                    data={
                        "problem": f"【{theme}】{text}", "place": place,
                        "enterprise": org if "{org}" in problem else None, "category": category,
                        "source": campaign.source, "found_on": found,
                        "responsible_department": depts["生态环境部"] if n % 3 else depts.get("规划建设部", depts["生态环境部"]),
                        "responsible_person": rng.choice(["王建军", "李文华", "张海燕", "赵志刚", "刘晓东"]),
                        "supervising_department": depts["党政办公室"], "measures": measures,
                        "deadline_class": [DeadlineClass.IMMEDIATE, DeadlineClass.SHORT, DeadlineClass.MEDIUM][n % 3],
                        "deadline": max(deadline, found),
                    },
                )  # fmt: skip
                n += 1
                made += 1
                _advance(item, state, fixer=fixer if item.responsible_department_id == fixer.department_id else leader,
                         checker=checker)  # fmt: skip
    return made


def _advance(item: LedgerItem, state: str, *, fixer: User, checker: User) -> None:
    if state in ("pending", "overdue") and item.pk % 2:
        return
    item = services.item_start(item=item, by=fixer)
    if state in ("in_progress", "overdue", "pending"):
        services.item_progress(item=item, by=fixer, progress="已完成现场排查，正在组织整改。")
        return
    services.evidence_add(item=item, by=fixer, files=[_png()])
    item = services.item_apply(item=item, by=fixer, note="已按措施完成整改，附现场照片。")
    if state == "applied":
        return
    item = services.item_check_start(item=item, by=checker)
    if state == "checking":
        return
    if state == "failed":
        services.item_check(item=item, by=checker, passed=False,
                            note="现场复核仍有部分物料未苫盖，继续挂账。")  # fmt: skip
        return
    item = services.item_check(item=item, by=checker, passed=True, note="现场核查，整改到位。")
    if state == "publicity" or item.status == "closed":
        return
    # 公示 over: close with the publicity date moved into the past, as time would have done.
    LedgerItem.objects.filter(pk=item.pk).update(publicity_until=timezone.localdate())
    item.refresh_from_db()
    item = services.item_close(item=item, by=checker, note="公示期满无异议。")
    if state == "reopened":
        services.item_reopen(item=item, by=checker, reason="回访发现问题反弹，重新挂账。")

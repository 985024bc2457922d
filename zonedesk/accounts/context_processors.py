"""Navigation shown in the page header, by role."""

from __future__ import annotations

from .models import Role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = user.role
    readers = (Role.LEADER, Role.DEPUTY, Role.STAFF, Role.VIEWER)  # the zone's work, read or write
    with_units = (*readers, Role.UNIT)
    fill = role == Role.UNIT
    entries = [
        (readers, ("reports:cockpit", "驾驶舱", "/reports/")),
        (with_units, ("projects:list", "重点项目库", "/projects/")),
        (
            with_units,
            (
                "dispatch:fill" if fill else "dispatch:board",
                "进度调度",
                "/dispatch/fill/" if fill else "/dispatch/",
            ),
        ),
        (readers, ("investment:leads", "招商引资", "/investment/")),
        (with_units, ("enterprises:registry", "企业服务", "/enterprises/")),
        (readers, ("indicators:scorecard", "经济指标", "/indicators/")),
        (with_units, ("ledgers:campaigns", "整改台账", "/ledgers/")),
        (readers, ("peers:index", "对标情报", "/peers/")),
        ((Role.UNIT,), ("peers:suggestions", "修改建议", "/peers/suggestions/")),
        (
            (Role.LEADER, Role.DEPUTY, Role.STAFF, Role.UNIT),
            ("intake:upload", "Excel导入", "/intake/"),
        ),
        ((Role.AUDITOR,), ("accounts:audit", "审计日志", "/account/audit/")),
        ((Role.ADMIN,), ("admin:index", "系统管理", "/admin/")),
    ]
    items = [item for roles, item in entries if role in roles]
    if user.is_superuser:
        items += [e[1] for e in entries[-2:] if e[1] not in items]
    items.append(("accounts:tokens", "接口令牌", "/account/tokens/"))
    return {"nav_items": items}

"""Navigation shown in the page header, by role."""

from __future__ import annotations

from .models import Role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    if user.role in (Role.LEADER, Role.DEPUTY, Role.STAFF, Role.UNIT, Role.VIEWER):
        items.append(("projects:list", "重点项目库", "/projects/"))
        fill = user.role == Role.UNIT
        items.append(
            (
                "dispatch:fill" if fill else "dispatch:board",
                "进度调度",
                "/dispatch/fill/" if fill else "/dispatch/",
            )
        )
        if user.role != Role.VIEWER:
            items.append(("intake:upload", "Excel导入", "/intake/"))
    if user.role in (Role.LEADER, Role.DEPUTY, Role.STAFF, Role.VIEWER):
        items.append(("reports:cockpit", "驾驶舱", "/reports/"))
    if user.role in (Role.LEADER, Role.DEPUTY, Role.STAFF, Role.VIEWER):
        items.append(("investment:leads", "招商引资", "/investment/"))
    if user.role in (Role.LEADER, Role.DEPUTY, Role.STAFF, Role.UNIT, Role.VIEWER):
        items.append(("enterprises:registry", "企业服务", "/enterprises/"))
    if user.role in (Role.LEADER, Role.DEPUTY, Role.STAFF, Role.VIEWER):
        items.append(("indicators:scorecard", "经济指标", "/indicators/"))
    if user.role in (Role.LEADER, Role.DEPUTY, Role.STAFF, Role.UNIT, Role.VIEWER):
        items.append(("ledgers:campaigns", "整改台账", "/ledgers/"))
    if user.role in (Role.LEADER, Role.DEPUTY, Role.STAFF, Role.VIEWER):
        items.append(("peers:index", "对标情报", "/peers/"))
    elif user.role == Role.UNIT:
        items.append(("peers:suggestions", "修改建议", "/peers/suggestions/"))
    if user.role == Role.AUDITOR or user.is_superuser:
        items.append(("accounts:audit", "审计日志", "/account/audit/"))
    if user.role == Role.ADMIN or user.is_superuser:
        items.append(("admin:index", "系统管理", "/admin/"))
    items.append(("accounts:tokens", "接口令牌", "/account/tokens/"))
    return {"nav_items": items}

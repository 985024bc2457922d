"""Excel exports (导出Excel) of the enterprise-service list pages. Each takes the rows its page
shows (same selector, same scope, same filters: the views check the permission first) and writes
them with `intake.export.export_xlsx`, which audits the export naming the filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone

from zonedesk.intake.export import ExportColumn, export_xlsx, filters_text

from . import rules, selectors
from .models import (
    Certificate,
    Enterprise,
    FinancingNeed,
    MonthlyFigure,
    MuEvaluation,
    Policy,
    ServiceRequest,
)

Spec = Sequence[tuple[str, str, Callable[[Any], object]]]


def _send(request, spec: Spec, items: Iterable[Any], *, title: str, filters: str) -> HttpResponse:
    items = list(items)
    return export_xlsx(
        request,
        columns=[ExportColumn(label, kind) for label, kind, _ in spec],
        rows=([get(item) for _, _, get in spec] for item in items),
        title=title,
        filters_text=filters,
        count=len(items),
    )


def _number(text: object) -> Decimal | None:
    """A figure stored as text in a JSON breakdown ("12.34"), as a number for the sheet."""
    try:
        return Decimal(str(text)) if text not in (None, "") else None
    except InvalidOperation:
        return None


def _condition(c: rules.Condition) -> str:
    # As the 一企一档 page reads it: actual (standard) → outcome, outcome always in words.
    return f"{c.value}（{c.threshold}）→ {c.outcome_label}"


# --- register (企业名录) ----------------------------------------------------------------------------


def registry_xlsx(request, enterprises: list[Enterprise], form, candidate: str) -> HttpResponse:
    """The register as filtered. With "可申报" set (where the funnel's counts link to), each
    condition of that tier gets a column, so the list says why every firm qualifies."""
    tiers = selectors.held_tiers(enterprises)
    names = selectors.industry_names(e.industry_code for e in enterprises)
    spec: list[tuple[str, str, Callable[[Enterprise], object]]] = [
        ("企业名称", "text", lambda e: e.organisation.name),
        ("统一社会信用代码", "text", lambda e: e.organisation.credit_code),
        ("开发区", "text", lambda e: e.zone.label),
        ("所在园区", "text", lambda e: e.park.label if e.park_id else ""),
        ("行业代码", "text", lambda e: e.industry_code),
        ("行业名称", "text", lambda e: names.get(e.industry_code, "")),
        ("企业规模", "text", lambda e: e.get_size_display()),
        ("成立日期", "date", lambda e: e.founded_on),
        ("用地面积（亩）", "decimal", lambda e: e.land_area_mu),
        ("资质", "text", lambda e: "、".join(tiers.get(e.pk, []))),
        ("上年营业收入（万元）", "money", lambda e: e.last_revenue),
        ("上年税收（万元）", "money", lambda e: e.last_tax),
        ("亩均等级", "text", lambda e: e.mu_grade or ""),
        ("联系人", "text", lambda e: e.organisation.contact_name),
        ("联系电话", "text", lambda e: e.organisation.contact_phone),
    ]
    if candidate:
        results = selectors.tier_results(enterprises, candidate)
        label = rules.TIERS[candidate]
        spec.append((f"{label}·结论", "text", lambda e: _status(results, e)))
        for name in _condition_labels(results.values()):
            spec.append((name, "text", lambda e, name=name: _condition_of(results, e, name)))
    return _send(request, spec, enterprises, title="企业名录", filters=filters_text(form))


def _status(results: dict[int, rules.TierResult], e: Enterprise) -> str:
    result = results.get(e.pk)
    return result.status_label if result else ""


def _condition_labels(results: Iterable[rules.TierResult]) -> list[str]:
    """Every condition label the firms' results name, in the order the rules list them."""
    labels: dict[str, None] = {}
    for result in results:
        for c in result.conditions:
            labels.setdefault(c.label, None)
    return list(labels)


def _condition_of(results: dict[int, rules.TierResult], e: Enterprise, label: str) -> str:
    result = results.get(e.pk)
    return "；".join(
        _condition(c) for c in (result.conditions if result else ()) if c.label == label
    )


# --- funnel (梯度培育漏斗) --------------------------------------------------------------------------


def funnel_xlsx(request, rows: list[selectors.FunnelRow], *, zone_label: str) -> HttpResponse:
    spec: Spec = [
        ("梯度", "text", lambda r: r.label),
        ("已认定（家）", "int", lambda r: r.held),
        ("可申报（家）", "int", lambda r: r.eligible),
        ("数据不全（家）", "int", lambda r: r.incomplete),
        ("下一梯度", "text", lambda r: r.next_label),
        ("已认定且符合下一梯度（家）", "int", lambda r: r.next_candidates if r.next_tier else None),
    ]
    return _send(request, spec, rows, title="梯度培育漏斗", filters=f"开发区：{zone_label}")


# --- certificates --------------------------------------------------------------------------------


def expiring_xlsx(request, certificates: list[Certificate], *, days: int) -> HttpResponse:
    today = timezone.localdate()
    spec: Spec = [
        ("到期日", "date", lambda c: c.expires_on),
        ("剩余天数", "int", lambda c: (c.expires_on - today).days),
        ("企业名称", "text", lambda c: c.enterprise.organisation.name),
        ("统一社会信用代码", "text", lambda c: c.enterprise.organisation.credit_code),
        ("资质", "text", lambda c: c.get_kind_display()),
        ("名称/说明", "text", lambda c: c.name),
        ("认定机构", "text", lambda c: c.issuer),
        ("证书编号", "text", lambda c: c.number),
        ("认定日期", "date", lambda c: c.issued_on),
    ]
    return _send(
        request, spec, certificates, title="资质证书到期提醒", filters=f"提前天数：{days}天"
    )


# --- requests (诉求) ---------------------------------------------------------------------------------


def requests_xlsx(request, items: Iterable[ServiceRequest], *, filters: str) -> HttpResponse:
    today = timezone.localdate()

    def overdue(r: ServiceRequest) -> str:
        # The 超期 tag of the page: still open and past its working-day deadline.
        return "超期" if r.status == ServiceRequest.Status.OPEN and r.due_on < today else ""

    spec: Spec = [
        ("受理日期", "date", lambda r: r.received_on),
        ("企业名称", "text", lambda r: r.enterprise.organisation.name),
        ("统一社会信用代码", "text", lambda r: r.enterprise.organisation.credit_code),
        ("诉求类别", "text", lambda r: r.get_category_display()),
        ("诉求内容", "text", lambda r: r.description),
        ("承办部门", "text", lambda r: r.department.name),
        ("办理时限（工作日）", "int", lambda r: r.time_limit_days),
        ("办结期限", "date", lambda r: r.due_on),
        ("是否超期", "text", overdue),
        ("状态", "text", lambda r: r.get_status_display()),
        ("答复", "text", lambda r: r.reply),
        ("答复时间", "datetime", lambda r: r.replied_at),
        ("满意度", "int", lambda r: r.satisfaction),
    ]
    return _send(request, spec, items, title="企业诉求", filters=filters)


# --- 亩均 ------------------------------------------------------------------------------------------


def mu_list_xlsx(request, evaluations: Iterable[MuEvaluation]) -> HttpResponse:
    spec: Spec = [
        ("评价年度", "int", lambda e: e.year),
        ("开发区", "text", lambda e: e.zone.label),
        ("状态", "text", lambda e: e.get_status_display()),
        ("计算时间", "datetime", lambda e: e.computed_at),
        ("异议截止", "date", lambda e: e.objection_until),
    ]
    return _send(request, spec, evaluations, title="亩均效益评价", filters="")


def mu_results_xlsx(
    request, evaluation: MuEvaluation, results: Iterable, *, grade: str
) -> HttpResponse:
    """One row per firm: rank, grade, score, and each indicator's value and points as the
    evaluation's configuration lists them; T firms carry the reason instead."""
    spec: list[tuple[str, str, Callable[[Any], object]]] = [
        ("排名", "int", lambda r: r.rank),
        ("企业名称", "text", lambda r: r.enterprise.organisation.name),
        ("统一社会信用代码", "text", lambda r: r.enterprise.organisation.credit_code),
        ("等级", "text", lambda r: r.grade),
        ("得分", "decimal", lambda r: r.score),
    ]
    for item in evaluation.config.get("indicators", []):
        key = item["key"]
        label, unit = rules.MU_INDICATORS[key]
        spec += [
            (f"{label}（{unit}）", "decimal", lambda r, k=key: _part(r, k, "value")),
            (f"{label}基准值", "decimal", lambda r, k=key: _part(r, k, "benchmark")),
            (f"{label}得分（权重{item['weight']}）", "decimal", lambda r, k=key: _part(r, k, "points")),
        ]  # fmt: skip
    spec += [
        ("不参评原因", "text", lambda r: r.reason),
        ("异议", "text", lambda r: r.objection),
    ]
    filters = (
        f"评价：{evaluation.zone.label}{evaluation.year}年度（{evaluation.get_status_display()}）"
    )
    if grade in ("A", "B", "C", "D", "T"):
        filters += f"；等级：{grade}类"
    return _send(
        request, spec, results, title=f"{evaluation.year}年度亩均效益评价结果", filters=filters
    )


def _part(result, key: str, field: str) -> Decimal | None:
    for part in result.breakdown or ():
        if part.get("key") == key:
            return _number(part.get(field))
    return None


# --- policies --------------------------------------------------------------------------------------


def _validity(p: Policy, today: dt.date) -> str:
    if p.valid_to and p.valid_to < today:
        return "已过期"
    if p.valid_from and p.valid_from > today:
        return "未生效"
    return "有效"


def _conditions_text(conditions: list) -> str:
    """A policy's conditions in words: "上年营业收入（万元） ≥ 2,000.00；未认定高新技术企业"."""
    labels = dict(Certificate.Kind.choices)
    parts = []
    for c in conditions or ():
        field, op, value = c.get("field"), c.get("op"), c.get("value")
        label, kind = rules.POLICY_FACTS.get(field, (str(field), "number"))
        if kind == "tier":
            parts.append(f"{rules.TIER_OPS.get(op, op)}{labels.get(value, value)}")
        elif kind == "text":
            shown = "、".join(str(v) for v in value) if isinstance(value, list) else value
            parts.append(f"{label} {rules.TEXT_OPS.get(op, op)} {shown}")
        else:
            parts.append(f"{label} {rules.NUMBER_OPS.get(op, op)} {value}")
    return "；".join(parts)


def policies_xlsx(request, policies: Iterable[Policy]) -> HttpResponse:
    today = timezone.localdate()
    spec: Spec = [
        ("政策名称", "text", lambda p: p.title),
        ("文号", "text", lambda p: p.document_number),
        ("发文机关", "text", lambda p: p.issuer),
        ("支持内容", "text", lambda p: p.benefit),
        ("有效期起", "date", lambda p: p.valid_from),
        ("有效期至", "date", lambda p: p.valid_to),
        ("状态", "text", lambda p: _validity(p, today)),
        ("条件数", "int", lambda p: len(p.conditions or [])),
        ("适用条件", "text", lambda p: _conditions_text(p.conditions)),
    ]
    return _send(request, spec, policies, title="惠企政策", filters="")


MATCH_LABELS = {"fit": "符合", "missing": "缺数据", "no": "不符合"}


def policy_matches_xlsx(request, policy: Policy, matches: list, *, show: str) -> HttpResponse:
    """谁符合、为什么: the firms of one outcome, each condition in its own column, in words."""
    outcome = {True: "符合", None: "缺数据", False: "不符合"}
    spec: list[tuple[str, str, Callable[[Any], object]]] = [
        ("企业名称", "text", lambda m: m[0].organisation.name),
        ("统一社会信用代码", "text", lambda m: m[0].organisation.credit_code),
        ("结论", "text", lambda m: outcome[m[1]]),
    ]
    # Every firm is checked against the same conditions in the same order: a column each, by
    # position, so two conditions on one figure (≥ and ≤) keep two columns.
    first = matches[0][2] if matches else ()
    names = [c.label for c in first]
    for index, c in enumerate(first):
        header = c.label if names.count(c.label) == 1 else f"{c.label} {c.threshold}"
        spec.append((header, "text", lambda m, i=index: _condition(m[2][i])))
    return _send(
        request, spec, matches, title="政策匹配结果",
        filters=f"政策：{policy.title}；结论：{MATCH_LABELS.get(show, '符合')}",
    )  # fmt: skip


# --- finance (银企对接) -----------------------------------------------------------------------------


def needs_xlsx(request, needs: Iterable[FinancingNeed], *, status: str) -> HttpResponse:
    spec: Spec = [
        ("企业名称", "text", lambda n: n.enterprise.organisation.name),
        ("统一社会信用代码", "text", lambda n: n.enterprise.organisation.credit_code),
        ("需求金额（万元）", "money", lambda n: n.amount),
        ("用途", "text", lambda n: n.purpose),
        ("期限（月）", "int", lambda n: n.term_months),
        ("担保", "text", lambda n: n.collateral),
        ("对接活动", "text", lambda n: n.event.title if n.event_id else ""),
        ("状态", "text", lambda n: n.get_status_display()),
        ("放款机构", "text", lambda n: n.institution.name if n.institution_id else ""),
        ("放款金额（万元）", "money", lambda n: n.granted_amount),
        ("放款日期", "date", lambda n: n.granted_on),
    ]
    filters = (
        f"状态：{FinancingNeed.Status(status).label}"
        if status in FinancingNeed.Status.values
        else ""
    )
    return _send(request, spec, needs, title="融资需求", filters=filters)


def event_needs_xlsx(
    request, event, needs: Iterable[FinancingNeed], *, granted: Decimal | None
) -> HttpResponse:
    """A matchmaking event's 对接的融资需求: each need with its outcome, then a 合计 row whose
    放款 is the page's 放款合计 (needs marked 已放款)."""
    spec: Spec = [
        ("企业名称", "text", lambda n: n.enterprise.organisation.name),
        ("需求金额（万元）", "money", lambda n: n.amount),
        ("用途", "text", lambda n: n.purpose),
        ("状态", "text", lambda n: n.get_status_display()),
        ("放款机构", "text", lambda n: n.institution.name if n.institution_id else ""),
        ("放款金额（万元）", "money", lambda n: n.granted_amount),
        ("放款日期", "date", lambda n: n.granted_on),
    ]
    items = list(needs)
    rows: list[list[object]] = [[get(n) for _, _, get in spec] for n in items]
    if items:
        rows.append(["合计", sum(n.amount for n in items), "", "", "", granted, None])
    place = f"，{event.place}" if event.place else ""
    return export_xlsx(
        request,
        columns=[ExportColumn(label, kind) for label, kind, _ in spec],
        rows=rows,
        title=f"{event.title}对接结果",
        filters_text=f"对接活动：{event.title}（{event.date:%Y-%m-%d}{place}）",
        count=len(items),
    )


# --- 一企一档 (the detail page's tables) -------------------------------------------------------------


def _firm_filters(enterprise: Enterprise) -> str:
    org = enterprise.organisation
    return f"企业：{org.name}（{org.credit_code}）" if org.credit_code else f"企业：{org.name}"


def figures_xlsx(request, enterprise: Enterprise) -> HttpResponse:
    """最近24个月 as the page lists them: each month's own values (当月值), newest first."""
    spec: Spec = [
        ("月份", "text", lambda f: f"{f.year}-{f.month:02d}"),
        ("产值（万元）", "money", lambda f: f.output),
        ("营业收入（万元）", "money", lambda f: f.revenue),
        ("税收（万元）", "money", lambda f: f.tax),
        ("用电量（万千瓦时）", "decimal", lambda f: f.electricity),
        ("从业人员（人）", "int", lambda f: f.employees),
        ("研发投入（万元）", "money", lambda f: f.rd_spending),
        ("来源", "text", lambda f: f.get_source_display()),
        ("版本", "int", lambda f: f.version),
    ]
    figures: list[MonthlyFigure] = selectors.recent_figures(enterprise)
    return _send(
        request, spec, figures, title=f"{enterprise.organisation.name}月度经营数据",
        filters=f"{_firm_filters(enterprise)}；最近{selectors.RECENT_MONTHS}个月（当月值）",
    )  # fmt: skip


def certificates_xlsx(request, enterprise: Enterprise) -> HttpResponse:
    """资质与证书 as the page lists them, with the page's tag (已撤销, 已过期, 即将到期)."""
    today = timezone.localdate()
    soon = today + dt.timedelta(days=selectors.CERT_SOON_DAYS)
    spec: Spec = [
        ("类别", "text", lambda c: c.get_kind_display()),
        ("名称/说明", "text", lambda c: c.name),
        ("认定机构", "text", lambda c: c.issuer),
        ("证书编号", "text", lambda c: c.number),
        ("认定日期", "date", lambda c: c.issued_on),
        ("有效期至", "date", lambda c: c.expires_on),
        ("状态", "text", lambda c: selectors.certificate_state(c, today, soon) or _lasting(c)),
        ("撤销原因", "text", lambda c: c.revoke_reason),
    ]
    return _send(
        request, spec, selectors.certificates_of(enterprise),
        title=f"{enterprise.organisation.name}资质与证书", filters=_firm_filters(enterprise),
    )  # fmt: skip


def _lasting(c: Certificate) -> str:
    # The page shows 长期 for a certificate without an end date; the date column stays empty.
    return "长期有效" if c.expires_on is None else "有效"


DETAIL_TABLES = {"figures": figures_xlsx, "certificates": certificates_xlsx}


def detail_table_xlsx(request, enterprise: Enterprise, table: str) -> HttpResponse:
    """One file per table of the 一企一档 page (`?format=xlsx&table=figures|certificates`); the
    caller has checked the user may read this firm's file."""
    export = DETAIL_TABLES.get(table)
    if export is None:
        raise Http404("没有这张表。")
    return export(request, enterprise)

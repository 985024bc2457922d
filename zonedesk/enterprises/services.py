"""Writes of enterprise services. Each runs in a transaction, validates the record with Chinese
messages naming the field, refuses a stale edit (optimistic locking on `version`, EditConflict
from the project register) and writes an audit row naming the acting user. The enterprise file
is the audit root of everything about a firm, so its page shows one history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from zonedesk.accounts.audit import audit_record
from zonedesk.accounts.models import AuditEvent
from zonedesk.lib.uscc import UsccError, validate_uscc
from zonedesk.projects.services import EditConflict, display_value
from zonedesk.zones.models import Organisation, Zone
from zonedesk.zones.selectors import check_industry_code, check_region_code

from . import rules, selectors
from .models import (
    CalendarDay,
    Certificate,
    Enterprise,
    EnterpriseSettings,
    FinancialInstitution,
    FinancialProduct,
    FinancingNeed,
    MatchmakingEvent,
    MonthlyFigure,
    MuEvaluation,
    MuResult,
    Policy,
    RuleSet,
    ServicePlan,
    ServiceRequest,
)
from .workdays import add_working_days

ENTERPRISE_FIELDS = [
    "park", "former_names", "address", "region_code", "industry_code", "size",
    "registered_capital", "founded_on", "production_start", "land_area_mu", "floor_area_m2",
    "tech_staff", "total_assets", "high_tech_income_ratio", "ip_class1", "ip_class2",
    "construction_qualification", "service_department",
]  # fmt: skip
ORGANISATION_FIELDS = ["name", "credit_code", "contact_name", "contact_phone"]
FIGURE_FIELDS = ["output", "revenue", "tax", "electricity", "employees", "rd_spending"]


def _snapshot(instance, fields: list[str]) -> dict[str, str]:
    return {name: display_value(instance, name) for name in fields}


def _diff(before: dict[str, str], instance, fields: list[str]) -> list[dict[str, str]]:
    out = []
    for name in fields:
        new = display_value(instance, name)
        if before[name] != new:
            label = str(instance._meta.get_field(name).verbose_name)
            out.append({"field": name, "label": label, "old": before[name], "new": new})
    return out


def _events_since(instance, version: int) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type=instance._meta.label_lower, object_id=str(instance.pk), version__gt=version
        ).order_by("at", "id")
    )


def _check_version(current, expected: int, label: str) -> None:
    if current.version != expected:
        raise EditConflict(label=label, events=_events_since(current, expected))


# --- the enterprise file ----------------------------------------------------------------------


def validate_enterprise(enterprise: Enterprise) -> None:
    errors: dict[str, list[str]] = {}
    try:
        enterprise.full_clean(exclude=["organisation", "zone"], validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if enterprise.industry_code:
        check = check_industry_code(enterprise.industry_code)
        if not check.ok:
            errors.setdefault("industry_code", []).append(check.message)
    if enterprise.region_code:
        check = check_region_code(enterprise.region_code)
        if not check.ok:
            errors.setdefault("region_code", []).append(check.message)
    if enterprise.park_id and enterprise.park.parent_id != enterprise.zone_id:
        errors.setdefault("park", []).append("所选园区不属于本开发区。")
    if (
        enterprise.service_department_id
        and enterprise.service_department.zone_id != enterprise.zone_id
    ):
        errors.setdefault("service_department", []).append("服务部门必须属于本开发区。")
    if enterprise.founded_on and enterprise.founded_on > timezone.localdate():
        errors.setdefault("founded_on", []).append("成立日期不能晚于今天。")
    if (
        enterprise.production_start
        and enterprise.founded_on
        and enterprise.production_start < enterprise.founded_on
    ):
        errors.setdefault("production_start", []).append("投产日期不能早于成立日期。")
    if enterprise.tech_staff is not None and enterprise.tech_staff < 0:
        errors.setdefault("tech_staff", []).append("科技人员不能为负数。")
    if errors:
        raise ValidationError(errors)


def _clean_credit_code(code: str, *, exclude_org: int | None = None) -> str:
    try:
        code = validate_uscc(code)
    except UsccError as exc:
        raise ValidationError({"credit_code": [f"统一社会信用代码有误：{exc.message}。"]}) from exc
    clash = (
        Organisation.objects.filter(credit_code=code)
        .exclude(pk=exclude_org)
        .select_related("zone")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {"credit_code": [f"该统一社会信用代码已由{clash.zone.name}登记为“{clash.name}”。"]}
        )
    return code


@transaction.atomic
def enterprise_register(
    *,
    by,
    zone: Zone,
    data: dict[str, Any],
    organisation: Organisation | None = None,
    org_data: dict[str, Any] | None = None,
    request=None,
) -> Enterprise:
    """Open the file of an enterprise: for an organisation already registered (one identity),
    or a new organisation created here. A credit code is required and must pass its check."""
    org_data = dict(org_data or {})
    if organisation is not None:
        if organisation.zone_id != zone.pk:
            raise ValidationError({"organisation": ["单位不属于本开发区。"]})
        if Enterprise.objects.filter(organisation=organisation).exists():
            raise ValidationError({"organisation": [f"“{organisation.name}”已建档。"]})
        code = org_data.get("credit_code") or organisation.credit_code
        if not code:
            raise ValidationError({"credit_code": ["建档须填写统一社会信用代码。"]})
        organisation.credit_code = _clean_credit_code(code, exclude_org=organisation.pk)
        for name in ("contact_name", "contact_phone"):
            if org_data.get(name):
                setattr(organisation, name, org_data[name])
        organisation.save(update_fields=["credit_code", "contact_name", "contact_phone"])
    else:
        name = (org_data.get("name") or "").strip()
        if not name:
            raise ValidationError({"name": ["请填写企业名称。"]})
        if Organisation.objects.filter(zone=zone, name=name).exists():
            raise ValidationError(
                {"name": [f"本开发区已有名为“{name}”的单位，请从已有单位中选择建档。"]}
            )
        code = _clean_credit_code(org_data.get("credit_code") or "")
        organisation = Organisation.objects.create(
            zone=zone,
            name=name,
            credit_code=code,
            kind=Organisation.Kind.ENTERPRISE,
            contact_name=org_data.get("contact_name", ""),
            contact_phone=org_data.get("contact_phone", ""),
        )
    enterprise = Enterprise(organisation=organisation, zone=zone)
    for name, value in data.items():
        if name not in ENTERPRISE_FIELDS:
            raise ValueError(f"unknown enterprise field {name}")
        setattr(enterprise, name, value)
    if not enterprise.region_code:
        enterprise.region_code = organisation.credit_code[2:8]
    validate_enterprise(enterprise)
    enterprise.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        target=enterprise,
        version=enterprise.version,
        note=f"企业建档，统一社会信用代码{organisation.credit_code}",
        request=request,
    )
    return enterprise


@transaction.atomic
def enterprise_update(
    *,
    enterprise: Enterprise,
    by,
    data: dict[str, Any],
    org_data: dict[str, Any] | None = None,
    expected_version: int,
    request=None,
) -> Enterprise:
    current = (
        Enterprise.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=enterprise.pk)
    )
    _check_version(current, expected_version, f"企业“{current.name}”的档案")
    org = current.organisation
    before = _snapshot(current, ENTERPRISE_FIELDS)
    org_before = _snapshot(org, ORGANISATION_FIELDS)
    old_name = org.name
    for name, value in (org_data or {}).items():
        if name not in ORGANISATION_FIELDS:
            raise ValueError(f"unknown organisation field {name}")
        if name == "credit_code":
            value = _clean_credit_code(value, exclude_org=org.pk)
        if name == "name":
            value = value.strip()
            if not value:
                raise ValidationError({"name": ["请填写企业名称。"]})
            if (
                Organisation.objects.filter(zone_id=org.zone_id, name=value)
                .exclude(pk=org.pk)
                .exists()
            ):
                raise ValidationError({"name": [f"本开发区已有名为“{value}”的单位。"]})
        setattr(org, name, value)
    for name, value in data.items():
        if name not in ENTERPRISE_FIELDS:
            raise ValueError(f"unknown enterprise field {name}")
        setattr(current, name, value)
    if org.name != old_name:
        # A renamed firm keeps its former name on file (曾用名), searched by the register.
        names = [n for n in current.former_names.split("；") if n]
        if old_name not in names:
            names.append(old_name)
        current.former_names = "；".join(names)
    validate_enterprise(current)
    changes = _diff(org_before, org, ORGANISATION_FIELDS) + _diff(
        before, current, ENTERPRISE_FIELDS
    )
    if not changes:
        return current
    org.save(update_fields=ORGANISATION_FIELDS)
    current.version += 1
    current.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        target=current,
        changes=changes,
        version=current.version,
        request=request,
    )
    return current


# --- certificates -----------------------------------------------------------------------------


@transaction.atomic
def certificate_add(
    *, enterprise: Enterprise, by, data: dict[str, Any], request=None
) -> Certificate:
    cert = Certificate(enterprise=enterprise, **data)
    try:
        cert.full_clean(exclude=["enterprise"], validate_constraints=False)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    if cert.issued_on and cert.expires_on and cert.expires_on < cert.issued_on:
        raise ValidationError({"expires_on": ["有效期至不能早于认定日期。"]})
    cert.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        target=cert,
        root=enterprise,
        zone=enterprise.zone,
        note=f"新增资质：{cert.get_kind_display()}"
        + (f"，有效期至{cert.expires_on}" if cert.expires_on else ""),
        request=request,
    )
    return cert


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, by, reason: str, request=None) -> Certificate:
    if not reason.strip():
        raise ValidationError({"reason": ["撤销资质须填写原因。"]})
    if certificate.revoked_at is not None:
        raise ValidationError("该资质已撤销。")
    certificate.revoked_at = timezone.now()
    certificate.revoke_reason = reason.strip()[:200]
    certificate.version += 1
    certificate.save(update_fields=["revoked_at", "revoke_reason", "version"])
    audit_record(
        actor=by,
        action=AuditEvent.Action.ARCHIVE,
        target=certificate,
        root=certificate.enterprise,
        zone=certificate.enterprise.zone,
        note=f"撤销资质：{certificate.get_kind_display()}，原因：{reason}",
        request=request,
    )
    return certificate


# --- monthly figures --------------------------------------------------------------------------


def validate_figure(figure: MonthlyFigure) -> None:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if (figure.year, figure.month) > (today.year, today.month):
        errors.setdefault("month", []).append(
            f"{figure.year}年{figure.month}月尚未到来，不能填报。"
        )
    for name in FIGURE_FIELDS:
        value = getattr(figure, name)
        if value is not None and value < 0:
            label = figure._meta.get_field(name).verbose_name
            errors.setdefault(name, []).append(f"{label}不能为负数。")
    if figure.tax is not None and figure.revenue is not None and figure.tax > figure.revenue > 0:
        errors.setdefault("tax", []).append("当月税收大于营业收入，请核对单位（应为万元）。")
    try:
        figure.full_clean(
            exclude=["enterprise", "updated_by"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def figures_save(
    *,
    enterprise: Enterprise,
    by,
    year: int,
    month: int,
    values: dict[str, Any],
    expected_version: int = 0,
    source: str = MonthlyFigure.Source.FORM,
    request=None,
) -> MonthlyFigure:
    """Record one month's figures (当月值). A month already on file is changed only with the
    version it was read at (0 = "I expect no row yet")."""
    current = (
        MonthlyFigure.objects.select_for_update(of=("self",))
        .filter(enterprise=enterprise, year=year, month=month)
        .first()
    )
    label = f"{enterprise.name}{year}年{month}月数据"
    if current is None:
        if expected_version:
            raise ValidationError(f"{label}已被删除，请刷新。")
        figure = MonthlyFigure(enterprise=enterprise, year=year, month=month, version=1)
        before = None
    else:
        if expected_version != current.version:
            if expected_version == 0:
                raise ValidationError(
                    f"{label}已由他人录入（第{current.version}版），请刷新后在原记录上修改。"
                )
            _check_version(current, expected_version, label)
        figure = current
        before = _snapshot(figure, FIGURE_FIELDS)
    for name, value in values.items():
        if name not in FIGURE_FIELDS:
            raise ValueError(f"unknown figure field {name}")
        setattr(figure, name, value)
    figure.source = source
    figure.updated_by = by if getattr(by, "is_authenticated", False) else None
    validate_figure(figure)
    if before is None:
        figure.save()
        changes = [
            {
                "field": n,
                "label": str(figure._meta.get_field(n).verbose_name),
                "old": "（空）",
                "new": display_value(figure, n),
            }
            for n in FIGURE_FIELDS
            if getattr(figure, n) is not None
        ]
        action = AuditEvent.Action.CREATE
    else:
        changes = _diff(before, figure, FIGURE_FIELDS)
        if not changes:
            return figure
        figure.version += 1
        figure.save()
        action = AuditEvent.Action.UPDATE
    audit_record(
        actor=by,
        action=action,
        target=figure,
        root=enterprise,
        zone=enterprise.zone,
        changes=changes,
        version=figure.version,
        note=f"{year}年{month}月经营数据（{figure.get_source_display()}）",
        request=request,
    )
    return figure


# --- rules, settings --------------------------------------------------------------------------


@transaction.atomic
def tier_rules_save(
    *, zone: Zone, by, data: dict[str, Any], effective_from: dt.date, note: str = "", request=None
) -> RuleSet:
    """A new version of the zone's tier rules; earlier versions stay for the record."""
    problems = rules.validate_tier_rules(data)
    if problems:
        raise ValidationError({"data": problems})
    last = RuleSet.objects.filter(zone=zone).aggregate(v=Max("version"))["v"] or 0
    row = RuleSet.objects.create(
        zone=zone,
        version=last + 1,
        effective_from=effective_from,
        data=data,
        note=note,
        created_by=by,
    )
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        target=row,
        zone=zone,
        version=row.version,
        note=f"梯度培育规则第{row.version}版，{effective_from}起生效。{note}",
        request=request,
    )
    return row


@transaction.atomic
def settings_save(*, zone: Zone, by, data: dict[str, Any], request=None) -> EnterpriseSettings:
    row, _ = EnterpriseSettings.objects.get_or_create(zone=zone)
    fields = ["self_reporting", "request_days", "expiry_warning_days"]
    before = _snapshot(row, fields)
    for name, value in data.items():
        if name not in fields:
            raise ValueError(name)
        setattr(row, name, value)
    row.full_clean(exclude=["zone"])
    changes = _diff(before, row, fields)
    if changes:
        row.save()
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE,
            target=row,
            zone=zone,
            changes=changes,
            request=request,
        )
    return row


# --- 一企一策 ------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, enterprise: Enterprise, by, data: dict[str, Any], request=None) -> ServicePlan:
    plan = ServicePlan(enterprise=enterprise, **data)
    plan.full_clean(exclude=["enterprise"])
    if plan.department.zone_id != enterprise.zone_id:
        raise ValidationError({"department": ["责任部门必须属于本开发区。"]})
    plan.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        target=plan,
        root=enterprise,
        zone=enterprise.zone,
        version=plan.version,
        note=f"一企一策：{plan.goal}（{plan.department.name}，{plan.deadline}前）",
        request=request,
    )
    return plan


@transaction.atomic
def plan_close(
    *, plan: ServicePlan, by, result: str, expected_version: int, request=None
) -> ServicePlan:
    current = ServicePlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    _check_version(current, expected_version, f"一企一策“{current.goal}”")
    if current.status == ServicePlan.Status.CLOSED:
        raise ValidationError("该一企一策已办结。")
    if not result.strip():
        raise ValidationError({"result": ["办结须填写办结情况。"]})
    current.status = ServicePlan.Status.CLOSED
    current.result = result.strip()
    current.closed_at = timezone.now()
    current.version += 1
    current.save(update_fields=["status", "result", "closed_at", "version"])
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        target=current,
        root=current.enterprise,
        zone=current.enterprise.zone,
        version=current.version,
        changes=[{"field": "status", "label": "状态", "old": "推进中", "new": "已办结"}],
        note=f"一企一策办结：{current.result}",
        request=request,
    )
    return current


# --- requests (诉求) -----------------------------------------------------------------------------


@transaction.atomic
def service_request_create(
    *, enterprise: Enterprise, by, data: dict[str, Any], request=None
) -> ServiceRequest:
    """Register a request; its deadline is `time_limit_days` working days after it was received,
    on the official calendar with 调休 (holidays skipped, make-up weekend days counted)."""
    item = ServiceRequest(enterprise=enterprise, created_by=by, **data)
    if item.time_limit_days is None:
        item.time_limit_days = selectors.settings_for(enterprise.zone_id).request_days
    if item.received_on is None:
        item.received_on = timezone.localdate()
    if item.received_on > timezone.localdate():
        raise ValidationError({"received_on": ["受理日期不能晚于今天。"]})
    if not 1 <= item.time_limit_days <= 60:
        raise ValidationError({"time_limit_days": ["办理时限应为1–60个工作日。"]})
    item.due_on = add_working_days(
        item.received_on, item.time_limit_days, selectors.work_calendar()
    )
    item.full_clean(exclude=["enterprise", "created_by"])
    if item.department.zone_id != enterprise.zone_id:
        raise ValidationError({"department": ["承办部门必须属于本开发区。"]})
    item.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        target=item,
        root=enterprise,
        zone=enterprise.zone,
        version=item.version,
        note=f"受理诉求（{item.get_category_display()}），承办部门{item.department.name}，"
        f"{item.time_limit_days}个工作日内办结（{item.due_on}前）",
        request=request,
    )
    return item


@transaction.atomic
def service_request_reply(
    *, item: ServiceRequest, by, reply: str, close: bool, expected_version: int, request=None
) -> ServiceRequest:
    current = (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("enterprise__zone")
        .get(pk=item.pk)
    )
    _check_version(current, expected_version, "该诉求")
    if current.status == ServiceRequest.Status.CLOSED:
        raise ValidationError("该诉求已办结，不能再答复。")
    if not reply.strip():
        raise ValidationError({"reply": ["请填写答复内容。"]})
    old = current.get_status_display()
    current.reply = reply.strip()
    current.replied_at = timezone.now()
    current.status = ServiceRequest.Status.CLOSED if close else ServiceRequest.Status.REPLIED
    current.version += 1
    current.save(update_fields=["reply", "replied_at", "status", "version"])
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        target=current,
        root=current.enterprise,
        zone=current.enterprise.zone,
        version=current.version,
        changes=[
            {"field": "status", "label": "状态", "old": old, "new": current.get_status_display()},
            {"field": "reply", "label": "答复", "old": "", "new": current.reply[:200]},
        ],
        request=request,
    )
    return current


@transaction.atomic
def service_request_rate(
    *, item: ServiceRequest, by, satisfaction: int, request=None
) -> ServiceRequest:
    current = (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("enterprise__zone")
        .get(pk=item.pk)
    )
    if current.status == ServiceRequest.Status.OPEN:
        raise ValidationError("诉求答复后才能评价满意度。")
    if satisfaction not in range(1, 6):
        raise ValidationError({"satisfaction": ["满意度应为1–5分。"]})
    old = display_value(current, "satisfaction")
    current.satisfaction = satisfaction
    current.status = ServiceRequest.Status.CLOSED
    current.version += 1
    current.save(update_fields=["satisfaction", "status", "version"])
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        target=current,
        root=current.enterprise,
        zone=current.enterprise.zone,
        version=current.version,
        changes=[
            {"field": "satisfaction", "label": "满意度", "old": old, "new": f"{satisfaction}分"}
        ],
        request=request,
    )
    return current


# --- policies ---------------------------------------------------------------------------------

POLICY_FIELDS = [
    "title",
    "issuer",
    "document_number",
    "text",
    "benefit",
    "valid_from",
    "valid_to",
    "conditions",
]


def validate_policy(policy: Policy) -> None:
    errors: dict[str, list[str]] = {}
    try:
        policy.full_clean(exclude=["zone"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    problems = rules.validate_policy_conditions(policy.conditions)
    if problems:
        errors.setdefault("conditions", []).extend(problems)
    if policy.valid_from and policy.valid_to and policy.valid_to < policy.valid_from:
        errors.setdefault("valid_to", []).append("有效期至不能早于有效期起。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def policy_save(
    *,
    zone: Zone,
    by,
    data: dict[str, Any],
    policy: Policy | None = None,
    expected_version: int = 0,
    request=None,
) -> Policy:
    if policy is None:
        current = Policy(zone=zone)
        before = None
    else:
        current = Policy.objects.select_for_update(of=("self",)).get(pk=policy.pk)
        _check_version(current, expected_version, f"政策“{current.title}”")
        before = _snapshot(current, POLICY_FIELDS)
    for name, value in data.items():
        if name not in POLICY_FIELDS:
            raise ValueError(name)
        setattr(current, name, value)
    validate_policy(current)
    if before is None:
        current.save()
        audit_record(
            actor=by,
            action=AuditEvent.Action.CREATE,
            target=current,
            zone=zone,
            version=1,
            note="发布惠企政策",
            request=request,
        )
        return current
    changes = _diff(before, current, POLICY_FIELDS)
    if changes:
        current.version += 1
        current.save()
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE,
            target=current,
            zone=zone,
            version=current.version,
            changes=changes,
            request=request,
        )
    return current


# --- 亩均 evaluation -----------------------------------------------------------------------------


@transaction.atomic
def mu_evaluation_compute(
    *, zone: Zone, year: int, by, config: dict[str, Any] | None = None, request=None
) -> MuEvaluation:
    """Create or recompute a year's draft evaluation from the monthly figures on file."""
    evaluation = (
        MuEvaluation.objects.select_for_update(of=("self",)).filter(zone=zone, year=year).first()
    )
    if evaluation is not None and evaluation.status != MuEvaluation.Status.DRAFT:
        raise ValidationError(f"{year}年度评价已公示或发布，不能重新计算。")
    config = config or (
        evaluation.config if evaluation else rules.deepcopy_rules(rules.DEFAULT_MU_CONFIG)
    )
    problems = rules.validate_mu_config(config)
    if problems:
        raise ValidationError({"config": problems})
    if year >= timezone.localdate().year:
        raise ValidationError({"year": [f"{year}年尚未结束，只能评价已结束的年度。"]})
    if evaluation is None:
        evaluation = MuEvaluation.objects.create(zone=zone, year=year, config=config)
        action = AuditEvent.Action.CREATE
    else:
        evaluation.config = config
        evaluation.version += 1
        action = AuditEvent.Action.UPDATE
    firms, _ = selectors.mu_firms(zone.pk, year)
    results = rules.mu_evaluate(firms, config, year)
    evaluation.results.all().delete()
    MuResult.objects.bulk_create(
        MuResult(
            evaluation=evaluation,
            enterprise_id=r.id,
            grade=r.grade,
            score=r.score,
            rank=r.rank,
            reason=r.reason,
            breakdown=list(r.breakdown),
        )
        for r in results
    )
    evaluation.computed_at = timezone.now()
    evaluation.save()
    counts = selectors.mu_distribution(evaluation)
    audit_record(
        actor=by,
        action=action,
        target=evaluation,
        zone=zone,
        version=evaluation.version,
        note="计算亩均评价：" + "，".join(f"{g}类{n}家" for g, n in counts.items()),
        request=request,
    )
    return evaluation


@transaction.atomic
def mu_evaluation_publish(
    *, evaluation: MuEvaluation, by, objection_days: int, expected_version: int, request=None
) -> MuEvaluation:
    """Publish the draft for objection (公示): firms see their grade until `objection_until`."""
    current = MuEvaluation.objects.select_for_update(of=("self",)).get(pk=evaluation.pk)
    _check_version(current, expected_version, f"{current.year}年度亩均评价")
    if current.status != MuEvaluation.Status.DRAFT or current.computed_at is None:
        raise ValidationError("只有已计算的草稿可以公示。")
    if not 1 <= objection_days <= 30:
        raise ValidationError({"objection_days": ["公示期应为1–30个工作日。"]})
    current.status = MuEvaluation.Status.PUBLISHED
    current.published_at = timezone.now()
    current.objection_until = add_working_days(
        timezone.localdate(), objection_days, selectors.work_calendar()
    )
    current.version += 1
    current.save()
    audit_record(
        actor=by, action=AuditEvent.Action.UPDATE, target=current, zone=current.zone, version=current.version,
        changes=[{"field": "status", "label": "状态", "old": "草稿", "new": "公示中"}],
        note=f"公示至{current.objection_until}", request=request,
    )  # fmt: skip
    return current


@transaction.atomic
def mu_evaluation_finalise(
    *, evaluation: MuEvaluation, by, expected_version: int, request=None
) -> MuEvaluation:
    current = MuEvaluation.objects.select_for_update(of=("self",)).get(pk=evaluation.pk)
    _check_version(current, expected_version, f"{current.year}年度亩均评价")
    if current.status != MuEvaluation.Status.PUBLISHED:
        raise ValidationError("只有公示中的评价可以正式发布。")
    if current.objection_until and timezone.localdate() <= current.objection_until:
        raise ValidationError(f"公示期至{current.objection_until}，公示期满后才能正式发布。")
    current.status = MuEvaluation.Status.FINAL
    current.finalised_at = timezone.now()
    current.version += 1
    current.save()
    audit_record(
        actor=by, action=AuditEvent.Action.UPDATE, target=current, zone=current.zone, version=current.version,
        changes=[{"field": "status", "label": "状态", "old": "公示中", "new": "已发布"}], request=request,
    )  # fmt: skip
    return current


@transaction.atomic
def mu_objection_record(*, result: MuResult, by, text: str, request=None) -> MuResult:
    evaluation = result.evaluation
    if evaluation.status != MuEvaluation.Status.PUBLISHED:
        raise ValidationError("只有公示期内可以提出异议。")
    if not text.strip():
        raise ValidationError({"objection": ["请填写异议内容。"]})
    result.objection = text.strip()
    result.save(update_fields=["objection"])
    audit_record(
        actor=by, action=AuditEvent.Action.UPDATE, target=result, root=result.enterprise,
        zone=evaluation.zone, note=f"对{evaluation.year}年度亩均评价提出异议：{result.objection[:200]}", request=request,
    )  # fmt: skip
    return result


# --- finance (银企对接) --------------------------------------------------------------------------


@transaction.atomic
def institution_create(
    *, zone: Zone, by, name: str, contact: str = "", request=None
) -> FinancialInstitution:
    name = name.strip()
    if not name:
        raise ValidationError({"name": ["请填写机构名称。"]})
    if FinancialInstitution.objects.filter(zone=zone, name=name).exists():
        raise ValidationError({"name": [f"已登记金融机构“{name}”。"]})
    row = FinancialInstitution.objects.create(zone=zone, name=name, contact=contact)
    audit_record(actor=by, action=AuditEvent.Action.CREATE, target=row, zone=zone, request=request)
    return row


@transaction.atomic
def product_create(
    *, institution: FinancialInstitution, by, data: dict[str, Any], request=None
) -> FinancialProduct:
    row = FinancialProduct(institution=institution, **data)
    row.full_clean(exclude=["institution"])
    row.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        target=row,
        zone=institution.zone,
        request=request,
    )
    return row


@transaction.atomic
def financing_need_create(
    *, enterprise: Enterprise, by, data: dict[str, Any], request=None
) -> FinancingNeed:
    need = FinancingNeed(enterprise=enterprise, **data)
    if need.amount is None or need.amount <= 0:
        raise ValidationError({"amount": ["需求金额应大于0（万元）。"]})
    need.full_clean(exclude=["enterprise"])
    if need.event_id and need.event.zone_id != enterprise.zone_id:
        raise ValidationError({"event": ["对接活动不属于本开发区。"]})
    need.save()
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, target=need, root=enterprise, zone=enterprise.zone,
        version=need.version, note=f"融资需求{need.amount:,.2f}万元，用途：{need.purpose}", request=request,
    )  # fmt: skip
    return need


@transaction.atomic
def financing_outcome_record(
    *,
    need: FinancingNeed,
    by,
    status: str,
    institution: FinancialInstitution | None,
    product: FinancialProduct | None,
    granted_amount: Decimal | None,
    granted_on: dt.date | None,
    expected_version: int,
    request=None,
) -> FinancingNeed:
    """Record how a financing need ended: granted (lender, amount, date), declined or withdrawn."""
    current = (
        FinancingNeed.objects.select_for_update(of=("self",))
        .select_related("enterprise__zone")
        .get(pk=need.pk)
    )
    _check_version(current, expected_version, "该融资需求")
    fields = ["status", "institution", "product", "granted_amount", "granted_on"]
    before = _snapshot(current, fields)
    errors: dict[str, list[str]] = {}
    if status not in FinancingNeed.Status.values:
        errors["status"] = ["未知的状态。"]
    if status == FinancingNeed.Status.GRANTED:
        if institution is None:
            errors["institution"] = ["已放款须选择放款机构。"]
        if granted_amount is None or granted_amount <= 0:
            errors["granted_amount"] = ["已放款须填写放款金额（万元），且大于0。"]
        if granted_on is None:
            errors["granted_on"] = ["已放款须填写放款日期。"]
        elif granted_on > timezone.localdate():
            errors["granted_on"] = ["放款日期不能晚于今天。"]
    if institution is not None and institution.zone_id != current.enterprise.zone_id:
        errors["institution"] = ["金融机构不属于本开发区。"]
    if product is not None and institution is not None and product.institution_id != institution.pk:
        errors["product"] = ["所选产品不属于该金融机构。"]
    if errors:
        raise ValidationError(errors)
    current.status = status
    current.institution = institution
    current.product = product
    granted = status == FinancingNeed.Status.GRANTED
    current.granted_amount = granted_amount if granted else None
    current.granted_on = granted_on if granted else None
    changes = _diff(before, current, fields)
    if not changes:
        return current
    current.version += 1
    current.save()
    audit_record(
        actor=by, action=AuditEvent.Action.UPDATE, target=current, root=current.enterprise,
        zone=current.enterprise.zone, version=current.version, changes=changes, request=request,
    )  # fmt: skip
    return current


@transaction.atomic
def event_create(
    *, zone: Zone, by, data: dict[str, Any], enterprises, institutions, request=None
) -> MatchmakingEvent:
    event = MatchmakingEvent(zone=zone, **data)
    event.full_clean(exclude=["zone"])
    enterprises = list(enterprises)
    institutions = list(institutions)
    if any(e.zone_id != zone.pk for e in enterprises) or any(
        i.zone_id != zone.pk for i in institutions
    ):
        raise ValidationError("参会企业和金融机构须属于本开发区。")
    event.save()
    event.enterprises.set(enterprises)
    event.institutions.set(institutions)
    audit_record(
        actor=by, action=AuditEvent.Action.CREATE, target=event, zone=zone,
        note=f"银企对接活动：{len(enterprises)}家企业、{len(institutions)}家金融机构", request=request,
    )  # fmt: skip
    return event


# --- holiday calendar adjustments -----------------------------------------------------------------


@transaction.atomic
def calendar_day_save(
    *, by, date: dt.date, is_workday: bool, name: str = "", request=None
) -> CalendarDay:
    """Enter an official day off or make-up working day for a year the calendar package does not
    know yet (the State Council's notice for next year). Changes every deadline counted after."""
    row, created = CalendarDay.objects.update_or_create(
        date=date, defaults={"is_workday": is_workday, "name": name.strip()[:40]}
    )
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        target=row,
        zone=getattr(by, "zone", None),
        note=f"节假日调整：{date} {'上班' if is_workday else '放假'} {name}".strip(),
        request=request,
    )
    return row


@transaction.atomic
def calendar_day_delete(*, by, row: CalendarDay, request=None) -> None:
    audit_record(
        actor=by, action=AuditEvent.Action.ARCHIVE, target=row, zone=getattr(by, "zone", None),
        note=f"删除节假日调整：{row.date}", request=request,
    )  # fmt: skip
    row.delete()

"""Writes of 招商引资: leads and their life, follow-ups, signing, funding arrivals, conversion into a
key project, the chain map, teams and events. Every write runs in a transaction, validates in
Chinese naming the field, refuses a stale edit (`version`) and leaves an audit row with the actor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zonedesk.accounts.audit import audit_record
from zonedesk.accounts.models import AuditEvent
from zonedesk.dispatch.services import warnings_recompute
from zonedesk.lib.uscc import UsccError, validate_uscc
from zonedesk.projects import services as project_services
from zonedesk.projects.models import Category, Project, Stage
from zonedesk.projects.services import EditConflict, display_value
from zonedesk.zones.models import Organisation
from zonedesk.zones.selectors import check_industry_code

from .models import (
    Chain,
    ChainNode,
    DuplicateFlag,
    Event,
    FollowUp,
    FundingArrival,
    Lead,
    LeadStage,
    NodeMembership,
    Source,
    TargetEnterprise,
    Team,
    TeamTarget,
    stage_rank,
)
from .names import DEFAULT_THRESHOLD, company_key, similarity

# Fields a lead form, the API or an import may set directly; the rest move through services
# (stage, signing, dates fed back from the project).
LEAD_FIELDS = [
    "name", "opened_on", "investor_name", "investor_credit_code", "investor_origin", "content",
    "industry_code", "node", "intended_investment", "land_need_mu", "source", "event", "team",
    "owner", "contact_name", "contact_phone", "contact_title",
]  # fmt: skip
SIGN_FIELDS = [
    "signed_date", "contract_amount", "committed_registration", "committed_start",
    "committed_production",
]  # fmt: skip
HISTORY_FIELDS = LEAD_FIELDS + SIGN_FIELDS + [
    "stage", "termination_reason", "registered_date", "started_date", "producing_date",
]  # fmt: skip
# The date a stage records when a lead enters it.
STAGE_DATE = {
    LeadStage.REGISTERED: "registered_date",
    LeadStage.STARTED: "started_date",
    LeadStage.PRODUCING: "producing_date",
}


def _label(field: str) -> str:
    return str(Lead._meta.get_field(field).verbose_name)


def _snapshot(lead: Lead) -> dict[str, str]:
    return {name: display_value(lead, name) for name in HISTORY_FIELDS}


def _diff(before: dict[str, str], lead: Lead) -> list[dict[str, str]]:
    changes = []
    for name in HISTORY_FIELDS:
        new = display_value(lead, name)
        if before[name] != new:
            changes.append({"field": name, "label": _label(name), "old": before[name], "new": new})
    return changes


def _events_since(obj, version: int) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk), version__gt=version
        ).order_by("at", "id")
    )


def _lock(lead: Lead, expected_version: int | None) -> Lead:
    current = (
        Lead.objects.select_for_update(of=("self",))
        .select_related("zone", "project")
        .get(pk=lead.pk)
    )
    if expected_version is not None and current.version != expected_version:
        raise EditConflict(
            label=f"招商项目“{current.name}”", events=_events_since(current, expected_version)
        )
    return current


def _save(lead: Lead, before: dict[str, str], *, by, action: str, note: str = "", request=None):
    changes = _diff(before, lead)
    if not changes and not note:
        return lead
    lead.version += 1
    lead.save()
    audit_record(
        actor=by,
        action=action,
        target=lead,
        changes=changes,
        version=lead.version,
        note=note,
        request=request,
    )
    if lead.project_id:
        # Committed dates are an input of the project's lag warning (签约承诺未兑现).
        warnings_recompute([lead.project_id], by=by, trigger="招商项目变更")
    return lead


# --- validation -------------------------------------------------------------------------------


def validate_lead(lead: Lead) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    try:
        lead.full_clean(validate_constraints=False, validate_unique=False, exclude=["investor_key"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                add(field, message)
    if lead.investor_name and not company_key(lead.investor_name):
        add("investor_name", "投资方名称不能只有“有限公司”等字样。")
    if lead.investor_credit_code:
        try:
            lead.investor_credit_code = validate_uscc(lead.investor_credit_code)
        except UsccError as exc:
            add("investor_credit_code", str(exc))
    if lead.industry_code:
        check = check_industry_code(lead.industry_code)
        if not check.ok:
            add("industry_code", check.message)
    zone_id = lead.zone_id
    if lead.node_id and lead.node.chain.zone_id != zone_id:
        add("node", "产业链节点必须属于本开发区的招商图谱。")
    if lead.team_id and lead.team.zone_id != zone_id:
        add("team", "负责小分队必须属于本开发区。")
    if lead.event_id and lead.event.zone_id != zone_id:
        add("event", "来源活动必须是本开发区的招商活动。")
    if lead.owner_id and lead.owner.zone_id != zone_id:
        add("owner", "负责人必须是本开发区的工作人员。")
    if lead.opened_on and lead.opened_on > timezone.localdate():
        add("opened_on", "线索日期不能晚于今天。")
    if lead.stage == LeadStage.TERMINATED and not lead.termination_reason.strip():
        add("termination_reason", "终止须填写原因。")
    if lead.signed_date:
        if lead.contract_amount is None:
            add("contract_amount", "签约须填写合同投资额。")
        for name in ("committed_registration", "committed_start", "committed_production"):
            value = getattr(lead, name)
            if value and value < lead.signed_date:
                add(name, f"{_label(name)}（{value}）不能早于签约日期（{lead.signed_date}）。")
        if (
            lead.committed_start
            and lead.committed_production
            and lead.committed_production < lead.committed_start
        ):
            add("committed_production", "承诺投产日期不能早于承诺开工日期。")
    order = [("signed_date", "registered_date"), ("signed_date", "started_date")]
    order.append(("started_date", "producing_date"))
    for a, b in order:
        da, db = getattr(lead, a), getattr(lead, b)
        if da and db and db < da:
            add(b, f"{_label(b)}（{db}）不能早于{_label(a)}（{da}）。")
    if errors:
        raise ValidationError(errors)


# --- duplicate guard (防撞单) -------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateMatch:
    lead: Lead
    reason: str
    score: Decimal


def duplicate_threshold() -> float:
    return float(getattr(settings, "INVESTMENT_DUPLICATE_RATIO", DEFAULT_THRESHOLD))


def find_duplicates(
    *, zone_id: int, investor_name: str, credit_code: str = "", exclude_pk: int | None = None
) -> list[DuplicateMatch]:
    """Earlier leads of the zone whose investor is this one: the same credit code, the same
    normalised name, or a name at least `INVESTMENT_DUPLICATE_RATIO` similar. Terminated leads
    count too: a reopened investor should reach the colleague who knew it. Two queries: the
    zone's keys, then the matched leads."""
    key = company_key(investor_name)
    credit_code = (credit_code or "").strip().upper()
    candidates = Lead.objects.filter(zone_id=zone_id)
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    threshold = duplicate_threshold()
    found: dict[int, tuple[str, Decimal]] = {}
    for pk, other_key, other_code in candidates.values_list(
        "id", "investor_key", "investor_credit_code"
    ):
        if credit_code and other_code == credit_code:
            found[pk] = ("统一社会信用代码相同", Decimal("1.000"))
            continue
        score = similarity(key, other_key, threshold=threshold)
        if score >= threshold:
            reason = "投资方名称相同" if score == 1.0 else f"投资方名称相近（相似度{score:.0%}）"
            found[pk] = (reason, Decimal(f"{score:.3f}"))
    if not found:
        return []
    leads = Lead.objects.filter(pk__in=found).select_related("owner", "team")
    matches = [DuplicateMatch(lead, *found[lead.pk]) for lead in leads]
    matches.sort(key=lambda m: (-m.score, m.lead.pk))
    return matches


class DuplicateFound(ValidationError):
    """The investor matches earlier leads; saving needs the user's confirmation."""

    def __init__(self, matches: list[DuplicateMatch]):
        self.matches = matches
        names = "；".join(
            f"{m.lead.code}“{m.lead.name}”（负责人：{m.lead.owner.name}，{m.reason}）"
            for m in matches[:5]
        )
        super().__init__(
            {"investor_name": [f"疑似撞单：本开发区已有该投资方的招商项目：{names}。"]}
        )


def _flag(lead: Lead, matches: list[DuplicateMatch], *, by) -> list[DuplicateFlag]:
    flags = []
    for match in matches:
        flag, created = DuplicateFlag.objects.get_or_create(
            lead=lead, other=match.lead, defaults={"reason": match.reason, "score": match.score}
        )
        if created:
            flags.append(flag)
            # Both owners see it: the new lead's page and the earlier lead's page list the flag,
            # and the audit row lands in the earlier lead's history too.
            audit_record(
                actor=by,
                action=AuditEvent.Action.UPDATE,
                target=flag,
                root=match.lead,
                zone=lead.zone,
                note=f"撞单提醒：{by.name if by else '系统'}登记的“{lead.name}”（{lead.code}）与本项目投资方{match.reason}",
            )
    return flags


@transaction.atomic
def flag_settle(*, flag: DuplicateFlag, by, note: str, request=None) -> DuplicateFlag:
    if not note.strip():
        raise ValidationError({"note": ["请填写处理说明（如：双方已协商由谁继续跟进）。"]})
    if flag.settled_at:
        raise ValidationError("该撞单提醒已处理。")
    flag.settled_at = timezone.now()
    flag.settled_by = by
    flag.settled_note = note.strip()[:200]
    flag.save(update_fields=["settled_at", "settled_by", "settled_note"])
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        target=flag,
        root=flag.lead,
        zone=flag.lead.zone,
        note=f"撞单提醒已处理：{flag.settled_note}",
        request=request,
    )
    return flag


# --- leads ------------------------------------------------------------------------------------


def next_lead_code(zone) -> str:
    """ZS-<year>-<4-digit serial> within the zone."""
    year = timezone.localdate().year
    prefix = f"ZS-{year}-"
    codes = Lead.objects.filter(zone=zone, code__startswith=prefix).values_list("code", flat=True)
    serials = [int(c[len(prefix) :]) for c in codes if c[len(prefix) :].isdigit()]
    return f"{prefix}{max(serials, default=0) + 1:04d}"


@transaction.atomic
def lead_create(
    *,
    by,
    zone,
    data: dict[str, Any],
    confirm_duplicate: bool = False,
    code: str = "",
    request=None,
) -> Lead:
    """Register a lead. When its investor matches earlier leads, raise DuplicateFound unless the
    user confirmed; a confirmed duplicate is saved with a 撞单提醒 to both owners."""
    lead = Lead(zone=zone, created_by=by, owner=data.get("owner") or by)
    for name, value in data.items():
        if name not in LEAD_FIELDS:
            raise ValueError(f"unknown lead field {name}")
        setattr(lead, name, value)
    lead.code = code or next_lead_code(zone)
    lead.investor_key = company_key(lead.investor_name)
    validate_lead(lead)
    if Lead.objects.filter(zone=zone, code=lead.code).exists():
        raise ValidationError({"code": [f"线索编号 {lead.code} 已被使用。"]})
    matches = find_duplicates(
        zone_id=zone.pk, investor_name=lead.investor_name, credit_code=lead.investor_credit_code
    )
    if matches and not confirm_duplicate:
        raise DuplicateFound(matches)
    lead.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        target=lead,
        version=lead.version,
        note=f"登记招商项目，投资方{lead.investor_name}",
        request=request,
    )
    _flag(lead, matches, by=by)
    return lead


@transaction.atomic
def lead_update(
    *, lead: Lead, by, data: dict[str, Any], expected_version: int, request=None
) -> Lead:
    current = _lock(lead, expected_version)
    before = _snapshot(current)
    old_key, old_code = current.investor_key, current.investor_credit_code
    for name, value in data.items():
        if name not in LEAD_FIELDS:
            raise ValueError(f"unknown lead field {name}")
        setattr(current, name, value)
    current.investor_key = company_key(current.investor_name)
    validate_lead(current)
    _save(current, before, by=by, action=AuditEvent.Action.UPDATE, request=request)
    if (current.investor_key, current.investor_credit_code) != (old_key, old_code):
        matches = find_duplicates(
            zone_id=current.zone_id,
            investor_name=current.investor_name,
            credit_code=current.investor_credit_code,
            exclude_pk=current.pk,
        )
        _flag(current, matches, by=by)
    return current


@transaction.atomic
def lead_change_stage(
    *,
    lead: Lead,
    by,
    stage: str,
    expected_version: int | None,
    date: dt.date | None = None,
    note: str = "",
    request=None,
) -> Lead:
    """Move a lead forward (线索 → 接触 → 洽谈; 注册落地/开工/投产 with their date), terminate it
    with a reason, or resume a terminated lead at the stage it had reached. 签约 goes through
    `lead_sign`; once a lead is a key project, 开工 and 投产 follow the project's dates."""
    current = _lock(lead, expected_version)
    if stage not in LeadStage.values:
        raise ValidationError({"stage": [f"未知的阶段：{stage}。"]})
    stage = LeadStage(stage)
    before = _snapshot(current)
    if stage == LeadStage.TERMINATED:
        if current.stage == LeadStage.TERMINATED:
            raise ValidationError({"stage": ["该项目已终止。"]})
        if not note.strip():
            raise ValidationError({"termination_reason": ["终止须填写原因。"]})
        current.terminated_from = current.stage
        current.stage = LeadStage.TERMINATED
        current.termination_reason = note.strip()[:200]
        current.full_clean(
            validate_constraints=False, validate_unique=False, exclude=["investor_key"]
        )
        return _save(current, before, by=by, action=AuditEvent.Action.STAGE, request=request)
    if current.stage == LeadStage.TERMINATED:
        if stage != current.terminated_from:
            resumed = LeadStage(current.terminated_from).label
            raise ValidationError({"stage": [f"终止的项目只能恢复到终止前的阶段（{resumed}）。"]})
        current.stage = stage
        current.terminated_from = ""
        current.termination_reason = ""
        return _save(
            current, before, by=by, action=AuditEvent.Action.STAGE, note="恢复跟进", request=request
        )
    if stage_rank(stage) <= stage_rank(current.stage):
        raise ValidationError(
            {"stage": [f"项目已处于“{current.get_stage_display()}”，阶段只能向前推进。"]}
        )
    if stage == LeadStage.SIGNED or (
        stage_rank(stage) > stage_rank(LeadStage.SIGNED) and not current.signed_date
    ):
        raise ValidationError({"stage": ["签约须通过“签约登记”填写协议信息。"]})
    if current.project_id and stage in (LeadStage.STARTED, LeadStage.PRODUCING):
        raise ValidationError(
            {"stage": ["已转为重点项目，开工、投产以重点项目库中的实际日期为准，请在项目中填写。"]}
        )
    date_field = STAGE_DATE.get(stage)
    if date_field:
        date = date or getattr(current, date_field)
        if date is None:
            raise ValidationError(
                {date_field: [f"进入“{stage.label}”须填写{_label(date_field)}。"]}
            )
        if date > timezone.localdate():
            raise ValidationError({date_field: [f"{_label(date_field)}不能晚于今天。"]})
        setattr(current, date_field, date)
    current.stage = stage
    validate_lead(current)
    return _save(current, before, by=by, action=AuditEvent.Action.STAGE, request=request)


@transaction.atomic
def lead_sign(
    *,
    lead: Lead,
    by,
    expected_version: int | None,
    signed_date: dt.date,
    contract_amount: Decimal,
    committed_registration: dt.date | None = None,
    committed_start: dt.date | None = None,
    committed_production: dt.date | None = None,
    request=None,
) -> Lead:
    """签约: record the agreement once. A project is counted once, at its first signing; a later
    change of the agreement is an edit with its history, not a second signing."""
    current = _lock(lead, expected_version)
    if current.signed_date is not None:
        raise ValidationError(
            {"signed_date": [f"该项目已于{current.signed_date}签约，不能重复签约。"]}
        )
    if current.stage == LeadStage.TERMINATED:
        raise ValidationError({"stage": ["已终止的项目不能签约，请先恢复跟进。"]})
    if signed_date is None:
        raise ValidationError({"signed_date": ["请填写签约日期。"]})
    if signed_date > timezone.localdate():
        raise ValidationError({"signed_date": ["签约日期不能晚于今天。"]})
    if contract_amount is None or contract_amount <= 0:
        raise ValidationError({"contract_amount": ["合同投资额须大于0。"]})
    before = _snapshot(current)
    current.signed_date = signed_date
    current.contract_amount = contract_amount
    current.committed_registration = committed_registration
    current.committed_start = committed_start
    current.committed_production = committed_production
    if stage_rank(current.stage) < stage_rank(LeadStage.SIGNED):
        current.stage = LeadStage.SIGNED
    validate_lead(current)
    return _save(
        current,
        before,
        by=by,
        action=AuditEvent.Action.STAGE,
        note=f"签约，合同投资额{contract_amount:,.2f}万元",
        request=request,
    )


# --- follow-ups and funding ---------------------------------------------------------------------


@transaction.atomic
def followup_add(*, lead: Lead, by, data: dict[str, Any], request=None) -> FollowUp:
    """Log a visit, meeting, call or trip. The first contact moves a bare 线索 to 接触."""
    current = _lock(lead, None)
    followup = FollowUp(lead=current, created_by=by, **data)
    errors = {}
    try:
        followup.full_clean(exclude=["lead", "created_by"])
    except ValidationError as exc:
        errors = exc.message_dict
    if followup.date and followup.date > timezone.localdate():
        errors.setdefault("date", []).append("跟进日期不能晚于今天（计划中的安排请写在“下一步”）。")
    if errors:
        raise ValidationError(errors)
    followup.save()
    note = f"跟进（{followup.get_kind_display()}，{followup.date}）：{followup.outcome[:120]}"
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        target=followup,
        root=current,
        zone=current.zone,
        note=note,
        request=request,
    )
    if current.stage == LeadStage.LEAD:
        before = _snapshot(current)
        current.stage = LeadStage.CONTACT
        _save(
            current,
            before,
            by=by,
            action=AuditEvent.Action.STAGE,
            note="首次跟进，进入接触阶段",
            request=request,
        )
    return followup


@transaction.atomic
def arrival_add(
    *,
    lead: Lead,
    by,
    date: dt.date,
    amount: Decimal,
    kind: str,
    evidence=None,
    note: str = "",
    request=None,
) -> FundingArrival:
    """到位资金: money actually paid in by the investor, only after signing."""
    current = _lock(lead, None)
    if not current.signed_date:
        raise ValidationError({"amount": ["项目签约后才能登记到位资金。"]})
    arrival = FundingArrival(
        lead=current, date=date, amount=amount, kind=kind, note=note or "", created_by=by
    )
    if evidence is not None:
        arrival.evidence = evidence
    errors: dict[str, list[str]] = {}
    try:
        arrival.full_clean(exclude=["lead", "created_by"])
    except ValidationError as exc:
        errors = exc.message_dict
    if amount is not None and amount <= 0:
        errors.setdefault("amount", []).append("到位金额须大于0。")
    if date and date < current.signed_date:
        errors.setdefault("date", []).append(f"到位日期不能早于签约日期（{current.signed_date}）。")
    if date and date > timezone.localdate():
        errors.setdefault("date", []).append("到位日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    arrival.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        target=arrival,
        root=current,
        zone=current.zone,
        note=f"到位资金{amount:,.2f}万元（{arrival.get_kind_display()}，{date}）",
        request=request,
    )
    return arrival


# --- from lead to key project ---------------------------------------------------------------------


def _investor_organisation(lead: Lead, *, by) -> Organisation:
    """The investor as an organisation of the zone: found by credit code or name, else created."""
    orgs = Organisation.objects.filter(zone=lead.zone)
    org = None
    if lead.investor_credit_code:
        org = Organisation.objects.filter(credit_code=lead.investor_credit_code).first()
        if org is not None and org.zone_id != lead.zone_id:
            raise ValidationError(
                {
                    "investor_credit_code": [
                        f"该统一社会信用代码已由{org.zone.name}登记为“{org.name}”。"
                    ]
                }
            )
    if org is None:
        org = orgs.filter(name=lead.investor_name).first()
    if org is None:
        org = Organisation.objects.create(
            zone=lead.zone,
            name=lead.investor_name,
            credit_code=lead.investor_credit_code,
            kind=Organisation.Kind.ENTERPRISE,
            contact_name=lead.contact_name,
            contact_phone=lead.contact_phone,
        )
        audit_record(
            actor=by,
            action=AuditEvent.Action.CREATE,
            target=org,
            root=lead,
            zone=lead.zone,
            note=f"由招商项目“{lead.name}”转入重点项目时登记单位",
        )
    return org


@transaction.atomic
def lead_convert_to_project(
    *, lead: Lead, by, department, expected_version: int | None = None, request=None
) -> Project:
    """转为重点项目: create the key project from a signed lead, with the same identity (name,
    investor as 建设单位, amount, land, committed dates as plans) and link both ways."""
    current = _lock(lead, expected_version)
    if current.project_id:
        raise ValidationError(f"该招商项目已转为重点项目“{current.project.name}”。")
    if not current.signed_date:
        raise ValidationError("签约后才能转为重点项目。")
    if current.stage == LeadStage.TERMINATED:
        raise ValidationError("已终止的招商项目不能转为重点项目。")
    if department is None or department.zone_id != current.zone_id:
        raise ValidationError({"department": ["请选择本开发区的责任部门。"]})
    owner = _investor_organisation(current, by=by)
    stage = Stage.SIGNED
    data: dict[str, Any] = {
        "name": current.name,
        "owner": owner,
        "implementing_unit": owner,
        "category": Category.INDUSTRY,
        "industry_code": current.industry_code,
        "total_investment": current.contract_amount,
        "land_area_mu": current.land_need_mu,
        "content": current.content,
        "signed_date": current.signed_date,
        "planned_start": current.committed_start,
        "planned_production": current.committed_production,
        "department": department,
        "contact_name": current.contact_name,
        "contact_phone": current.contact_phone,
    }
    if current.started_date:
        stage = Stage.STARTED
        data["actual_start"] = current.started_date
    if current.producing_date:
        stage = Stage.PRODUCING
        data["actual_production"] = current.producing_date
    data["stage"] = stage
    project = project_services.project_create(by=by, zone=current.zone, data=data, request=request)
    before = _snapshot(current)
    current.project = project
    _save(
        current,
        before,
        by=by,
        action=AuditEvent.Action.UPDATE,
        note=f"转为重点项目“{project.name}”（{project.code}）",
        request=request,
    )
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        target=project,
        note=f"由招商项目“{current.name}”（{current.code}）转入",
        request=request,
    )
    return project


@transaction.atomic
def lead_sync_from_project(*, project: Project, by=None) -> Lead | None:
    """The project's actual start and production dates feed back into its lead: the dates are
    copied and the stage moves forward (never back). Called after every project save."""
    lead = Lead.objects.select_for_update(of=("self",)).filter(project_id=project.pk).first()
    if lead is None:
        return None
    before = _snapshot(lead)
    lead.started_date = project.actual_start
    lead.producing_date = project.actual_production
    if lead.stage != LeadStage.TERMINATED:
        reached = LeadStage.SIGNED
        if project.actual_production:
            reached = LeadStage.PRODUCING
        elif project.actual_start:
            reached = LeadStage.STARTED
        if stage_rank(reached) > stage_rank(lead.stage):
            lead.stage = reached
    changes = _diff(before, lead)
    if not changes:
        return lead
    lead.version += 1
    lead.save()
    audit_record(
        actor=by,
        actor_name="" if by else "系统（重点项目库同步）",
        action=AuditEvent.Action.STAGE,
        target=lead,
        changes=changes,
        version=lead.version,
        note=f"按重点项目“{project.name}”的实际日期同步",
    )
    return lead


def leads_sync_from_projects(*, project_ids: list[int], by=None) -> int:
    """The same for many projects at once (e.g. after an Excel import that bulk-updates project
    dates, which sends no post_save): one query to find the linked leads. Returns how many moved."""
    projects = Project.objects.filter(pk__in=list(project_ids), lead__isnull=False)
    moved = 0
    for project in projects:
        before = (
            Lead.objects.filter(project_id=project.pk).values_list("version", flat=True).first()
        )
        lead = lead_sync_from_project(project=project, by=by)
        moved += lead is not None and lead.version != before
    return moved


# --- the chain map --------------------------------------------------------------------------------


@transaction.atomic
def chain_create(
    *, by, zone, name: str, goal: str = "", description: str = "", request=None
) -> Chain:
    chain = Chain(zone=zone, name=name.strip(), goal=goal.strip(), description=description)
    chain.sort_order = (Chain.objects.filter(zone=zone).count() or 0) + 1
    chain.full_clean(validate_constraints=False, exclude=["zone"])
    if Chain.objects.filter(zone=zone, name=chain.name).exists():
        raise ValidationError({"name": [f"本开发区已有名为“{chain.name}”的产业链。"]})
    chain.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        target=chain,
        zone=zone,
        note=f"新建产业链“{chain.name}”",
        request=request,
    )
    return chain


@transaction.atomic
def chain_update(
    *, chain: Chain, by, data: dict[str, Any], expected_version: int, request=None
) -> Chain:
    """Rename a chain or change its goal and description."""
    current = Chain.objects.select_for_update(of=("self",)).select_related("zone").get(pk=chain.pk)
    if current.version != expected_version:
        raise EditConflict(
            label=f"产业链“{current.name}”", events=_events_since(current, expected_version)
        )
    fields = ["name", "goal", "description"]
    before = {n: display_value(current, n) for n in fields}
    for name, value in data.items():
        if name not in fields:
            raise ValueError(f"unknown chain field {name}")
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    current.full_clean(validate_constraints=False, validate_unique=False, exclude=["zone"])
    clash = Chain.objects.filter(zone_id=current.zone_id, name=current.name).exclude(pk=current.pk)
    if clash.exists():
        raise ValidationError({"name": [f"本开发区已有名为“{current.name}”的产业链。"]})
    changes = [
        {
            "field": n,
            "label": str(Chain._meta.get_field(n).verbose_name),
            "old": before[n],
            "new": display_value(current, n),
        }
        for n in fields
        if before[n] != display_value(current, n)
    ]
    if not changes:
        return current
    current.version += 1
    current.save(update_fields=[*fields, "version"])
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        target=current,
        changes=changes,
        version=current.version,
        request=request,
    )
    return current


NODE_FIELDS = ["name", "link", "parent", "is_weak", "weak_reason", "sort_order"]


def _validate_node(node: ChainNode) -> None:
    errors: dict[str, list[str]] = {}
    try:
        node.full_clean(validate_constraints=False, validate_unique=False, exclude=["chain"])
    except ValidationError as exc:
        errors = exc.message_dict
    if node.is_weak and not node.weak_reason.strip():
        errors.setdefault("weak_reason", []).append("标为薄弱环节须写明原因。")
    if not node.is_weak:
        node.weak_reason = node.weak_reason.strip()
    if node.parent_id:
        if node.parent.chain_id != node.chain_id:
            errors.setdefault("parent", []).append("上级节点必须属于同一产业链。")
        # No cycles: walk up from the parent.
        seen, up = set(), node.parent
        while up is not None:
            if up.pk == node.pk or up.pk in seen:
                errors.setdefault("parent", []).append("上级节点不能是本节点或其下级。")
                break
            seen.add(up.pk)
            up = up.parent
    clash = ChainNode.objects.filter(chain_id=node.chain_id, name=node.name).exclude(pk=node.pk)
    if node.name and clash.exists():
        errors.setdefault("name", []).append(f"本产业链已有名为“{node.name}”的节点。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def node_create(*, by, chain: Chain, data: dict[str, Any], request=None) -> ChainNode:
    node = ChainNode(chain=chain)
    for name, value in data.items():
        if name not in NODE_FIELDS:
            raise ValueError(f"unknown node field {name}")
        setattr(node, name, value)
    if node.parent_id:
        node.link = node.parent.link  # a child sits in its parent's link
    _validate_node(node)
    node.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        target=node,
        root=chain,
        zone=chain.zone,
        note=f"新增节点“{node.name}”（{node.get_link_display()}）",
        request=request,
    )
    return node


@transaction.atomic
def node_update(
    *, node: ChainNode, by, data: dict[str, Any], expected_version: int, request=None
) -> ChainNode:
    current = (
        ChainNode.objects.select_for_update(of=("self",))
        .select_related("chain__zone")
        .get(pk=node.pk)
    )
    if current.version != expected_version:
        raise EditConflict(
            label=f"节点“{current.name}”", events=_events_since(current, expected_version)
        )
    before = {n: display_value(current, n) for n in NODE_FIELDS}
    for name, value in data.items():
        if name not in NODE_FIELDS:
            raise ValueError(f"unknown node field {name}")
        setattr(current, name, value)
    if current.parent_id:
        current.link = current.parent.link
    _validate_node(current)
    changes = []
    for n in NODE_FIELDS:
        new = display_value(current, n)
        if before[n] != new:
            changes.append(
                {
                    "field": n,
                    "label": str(ChainNode._meta.get_field(n).verbose_name),
                    "old": before[n],
                    "new": new,
                }
            )
    if not changes:
        return current
    current.version += 1
    current.save()
    # Children follow their parent's link.
    ChainNode.objects.filter(parent=current).exclude(link=current.link).update(link=current.link)
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        target=current,
        root=current.chain,
        zone=current.chain.zone,
        changes=changes,
        version=current.version,
        request=request,
    )
    return current


@transaction.atomic
def node_delete(*, node: ChainNode, by, request=None) -> None:
    """Remove an empty node; a node with sub-nodes, enterprises, targets or leads stays."""
    parts = []
    if node.children.exists():
        parts.append("下级节点")
    if node.memberships.exists():
        parts.append("企业")
    if node.targets.exists():
        parts.append("靶向企业")
    if node.leads.exists():
        parts.append("招商项目")
    if parts:
        raise ValidationError(f"节点“{node.name}”下还有{'、'.join(parts)}，不能删除。")
    chain = node.chain
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        target=chain,
        zone=chain.zone,
        note=f"删除节点“{node.name}”（{node.get_link_display()}）",
        changes=[{"field": "nodes", "label": "节点", "old": node.name, "new": "（已删除）"}],
        request=request,
    )
    node.delete()


@transaction.atomic
def membership_add(
    *,
    by,
    node: ChainNode,
    organisation: Organisation,
    output: Decimal | None = None,
    tax: Decimal | None = None,
    above_scale: bool = False,
    is_chain_leader: bool = False,
    request=None,
) -> NodeMembership:
    if organisation.zone_id != node.chain.zone_id:
        raise ValidationError({"organisation": ["只能添加本开发区登记的企业。"]})
    if NodeMembership.objects.filter(node=node, organisation=organisation).exists():
        raise ValidationError({"organisation": [f"“{organisation.name}”已在该节点中。"]})
    membership = NodeMembership.objects.create(
        node=node,
        organisation=organisation,
        output=output,
        tax=tax,
        above_scale=above_scale,
        is_chain_leader=is_chain_leader,
    )
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        target=membership,
        root=node.chain,
        zone=node.chain.zone,
        note=f"节点“{node.name}”新增企业“{organisation.name}”",
        request=request,
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: NodeMembership, by, request=None) -> None:
    node = membership.node
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        target=node,
        root=node.chain,
        zone=node.chain.zone,
        note=f"节点“{node.name}”移除企业“{membership.organisation.name}”",
        request=request,
    )
    membership.delete()


@transaction.atomic
def target_add(
    *, by, node: ChainNode, name: str, location: str = "", reason: str = "", request=None
) -> TargetEnterprise:
    target = TargetEnterprise(
        node=node, name=name.strip(), location=location.strip(), reason=reason.strip()
    )
    target.full_clean(exclude=["node", "lead"])
    target.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        target=target,
        root=node.chain,
        zone=node.chain.zone,
        note=f"节点“{node.name}”新增靶向企业“{target.name}”",
        request=request,
    )
    return target


@transaction.atomic
def target_set_status(
    *, target: TargetEnterprise, by, status: str, request=None
) -> TargetEnterprise:
    if status not in (
        TargetEnterprise.Status.NEW,
        TargetEnterprise.Status.APPROACHED,
        TargetEnterprise.Status.DROPPED,
    ):
        raise ValidationError(
            {"status": ["状态只能设为待对接、已对接或放弃（转线索请用“转为线索”）。"]}
        )
    if target.lead_id:
        raise ValidationError("该靶向企业已转为招商线索，状态随线索变化。")
    old = target.get_status_display()
    target.status = status
    target.save(update_fields=["status"])
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        target=target,
        root=target.node.chain,
        zone=target.node.chain.zone,
        changes=[
            {"field": "status", "label": "状态", "old": old, "new": target.get_status_display()}
        ],
        request=request,
    )
    return target


def lead_data_from_target(target: TargetEnterprise, user) -> dict[str, Any]:
    """The lead a target becomes: the investor is the target, the node is the target's node."""
    team = Team.objects.filter(zone_id=target.node.chain.zone_id, members=user).first()
    return {
        "name": f"{target.name}{target.node.name}项目",
        "investor_name": target.name,
        "investor_origin": target.location,
        "content": target.reason,
        "node": target.node,
        "source": Source.DIRECT,
        "team": team,
        "owner": user,
    }


@transaction.atomic
def target_to_lead(
    *,
    target: TargetEnterprise,
    by,
    data: dict[str, Any] | None = None,
    confirm_duplicate: bool = False,
    request=None,
) -> Lead:
    """转为线索: open a lead against the target's node in one action."""
    target = (
        TargetEnterprise.objects.select_for_update(of=("self",))
        .select_related("node__chain__zone")
        .get(pk=target.pk)
    )
    if target.lead_id:
        raise ValidationError(f"该靶向企业已转为招商线索（{target.lead.code}）。")
    values = lead_data_from_target(target, by)
    values.update(data or {})
    lead = lead_create(
        by=by,
        zone=target.node.chain.zone,
        data=values,
        confirm_duplicate=confirm_duplicate,
        request=request,
    )
    target.lead = lead
    target.status = TargetEnterprise.Status.LEAD
    target.save(update_fields=["lead", "status"])
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        target=target,
        root=target.node.chain,
        zone=lead.zone,
        note=f"靶向企业转为招商线索{lead.code}",
        request=request,
    )
    return lead


# --- teams and events -----------------------------------------------------------------------------


@transaction.atomic
def team_save(
    *,
    by,
    zone,
    name: str,
    department=None,
    leader=None,
    members=(),
    focus: str = "",
    team: Team | None = None,
    request=None,
) -> Team:
    """Create a team (招商小分队) or change its name, department, leader and members."""
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if not name:
        errors["name"] = ["请填写小分队名称。"]
    elif Team.objects.filter(zone=zone, name=name).exclude(pk=team.pk if team else None).exists():
        errors["name"] = [f"本开发区已有名为“{name}”的小分队。"]
    if department is not None and department.zone_id != zone.pk:
        errors["department"] = ["所属部门必须属于本开发区。"]
    if leader is not None and leader.zone_id != zone.pk:
        errors["leader"] = ["带队领导必须是本开发区的工作人员。"]
    outsiders = [m.name for m in members if m.zone_id != zone.pk]
    if outsiders:
        errors["members"] = [f"成员必须是本开发区的工作人员：{'、'.join(outsiders)}。"]
    if errors:
        raise ValidationError(errors)
    created = team is None
    team = team or Team(zone=zone)
    before = "、".join(sorted(m.name for m in team.members.all())) if not created else "（空）"
    team.name, team.department, team.leader, team.focus = name, department, leader, focus.strip()
    team.save()
    team.members.set(members)
    after = "、".join(sorted(m.name for m in members)) or "（空）"
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        target=team,
        zone=zone,
        changes=[]
        if before == after
        else [{"field": "members", "label": "成员", "old": before, "new": after}],
        note=("新建" if created else "修改") + f"招商小分队“{team.name}”",
        request=request,
    )
    return team


@transaction.atomic
def team_target_set(
    *,
    team: Team,
    by,
    year: int,
    signed_count: int,
    signed_amount: Decimal,
    funds_amount: Decimal,
    request=None,
) -> TeamTarget:
    if year < 2000 or year > 2100:
        raise ValidationError({"year": ["年度不合理。"]})
    for name, value in (
        ("signed_count", signed_count),
        ("signed_amount", signed_amount),
        ("funds_amount", funds_amount),
    ):
        if value is None or value < 0:
            raise ValidationError({name: ["目标不能为负数。"]})
    target, created = TeamTarget.objects.select_for_update(of=("self",)).get_or_create(
        team=team,
        year=year,
        defaults={
            "signed_count": signed_count,
            "signed_amount": signed_amount,
            "funds_amount": funds_amount,
        },
    )
    before = {
        n: display_value(target, n) for n in ("signed_count", "signed_amount", "funds_amount")
    }
    if not created:
        target.signed_count, target.signed_amount, target.funds_amount = (
            signed_count,
            signed_amount,
            funds_amount,
        )
        target.save(update_fields=["signed_count", "signed_amount", "funds_amount"])
    changes = [
        {
            "field": n,
            "label": str(TeamTarget._meta.get_field(n).verbose_name),
            "old": "（空）" if created else before[n],
            "new": display_value(target, n),
        }
        for n in ("signed_count", "signed_amount", "funds_amount")
        if created or before[n] != display_value(target, n)
    ]
    audit_record(
        actor=by,
        action=AuditEvent.Action.UPDATE,
        target=team,
        zone=team.zone,
        changes=changes,
        note=f"设置{year}年度招商目标",
        request=request,
    )
    return target


@transaction.atomic
def event_create(*, by, zone, data: dict[str, Any], request=None) -> Event:
    event = Event(zone=zone, **data)
    errors: dict[str, list[str]] = {}
    try:
        event.full_clean(exclude=["zone"])
    except ValidationError as exc:
        errors = exc.message_dict
    if event.end_date and event.start_date and event.end_date < event.start_date:
        errors.setdefault("end_date", []).append("结束日期不能早于开始日期。")
    if event.team_id and event.team.zone_id != zone.pk:
        errors.setdefault("team", []).append("小分队必须属于本开发区。")
    if errors:
        raise ValidationError(errors)
    event.save()
    audit_record(
        actor=by,
        action=AuditEvent.Action.CREATE,
        target=event,
        zone=zone,
        note=f"登记招商活动“{event.name}”",
        request=request,
    )
    return event

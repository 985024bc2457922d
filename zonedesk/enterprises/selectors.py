"""Reads for the enterprise pages, reports and API. Everything that evaluates many firms loads
them with a fixed number of queries (figures aggregated per firm and year in the database) and
then runs the pure rules of `rules.py` in Python."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from zonedesk import access
from zonedesk.accounts.models import Role, User
from zonedesk.zones.models import Industry, Zone

from . import rules
from .models import (
    CalendarDay,
    Certificate,
    Enterprise,
    EnterpriseSettings,
    FinancingNeed,
    MatchmakingEvent,
    MonthlyFigure,
    MuEvaluation,
    MuResult,
    Policy,
    RuleSet,
    ServiceRequest,
)
from .workdays import Calendar, working_days_between

# --- settings, calendar, rules ---------------------------------------------------------------


def settings_for(zone_id: int) -> EnterpriseSettings:
    found = EnterpriseSettings.objects.filter(zone_id=zone_id).first()
    return found or EnterpriseSettings(zone_id=zone_id)


def work_calendar() -> Calendar:
    """The official calendar plus the adjustments entered for years the package lacks."""
    return Calendar(overrides=dict(CalendarDay.objects.values_list("date", "is_workday")))


def tier_rules_for(
    zone_id: int, on: dt.date | None = None
) -> tuple[dict[str, Any], RuleSet | None]:
    """The rule set in effect for a zone on a date (newest version first), or the defaults."""
    on = on or timezone.localdate()
    row = (
        RuleSet.objects.filter(zone_id=zone_id, effective_from__lte=on)
        .order_by("-effective_from", "-version")
        .first()
    )
    if row is None:
        return rules.deepcopy_rules(rules.DEFAULT_TIER_RULES), None
    merged = rules.deepcopy_rules(rules.DEFAULT_TIER_RULES)
    merged.update(row.data)
    return merged, row


# --- facts ----------------------------------------------------------------------------------


def _valid_certificates(as_of: dt.date) -> Q:
    return Q(revoked_at__isnull=True) & (Q(expires_on__isnull=True) | Q(expires_on__gte=as_of))


def year_figures(
    enterprise_ids_qs, years: Iterable[int]
) -> dict[int, dict[int, rules.YearFigures]]:
    """Firm → year → summed figures, in one query."""
    rows = (
        MonthlyFigure.objects.filter(enterprise_id__in=enterprise_ids_qs, year__in=list(years))
        .values("enterprise_id", "year")
        .annotate(
            months=Count("id"),
            s_output=Sum("output"),
            s_revenue=Sum("revenue"),
            s_tax=Sum("tax"),
            s_electricity=Sum("electricity"),
            s_rd=Sum("rd_spending"),
            a_employees=Avg("employees"),
        )
    )
    out: dict[int, dict[int, rules.YearFigures]] = defaultdict(dict)
    for row in rows:
        out[row["enterprise_id"]][row["year"]] = rules.YearFigures(
            months=row["months"],
            output=row["s_output"],
            revenue=row["s_revenue"],
            tax=row["s_tax"],
            electricity=row["s_electricity"],
            rd=row["s_rd"],
            employees=Decimal(str(row["a_employees"])) if row["a_employees"] is not None else None,
        )
    return out


def facts_for(
    enterprises: list[Enterprise], *, as_of: dt.date | None = None
) -> dict[int, rules.FirmFacts]:
    """FirmFacts for a list of firms with four queries whatever their number."""
    as_of = as_of or timezone.localdate()
    ids = [e.pk for e in enterprises]
    if not ids:
        return {}
    id_qs = Enterprise.objects.filter(pk__in=ids).values("pk") if len(ids) > 500 else ids
    years = range(as_of.year - 4, as_of.year + 1)
    by_year = year_figures(id_qs, years)
    # The latest month's staff, by a correlated subquery on the (enterprise, year, month) index
    # rather than reading every month into Python.
    latest = (
        MonthlyFigure.objects.filter(enterprise=OuterRef("pk"), employees__isnull=False)
        .order_by("-year", "-month")
        .values("employees")[:1]
    )
    latest_staff: dict[int, int] = {
        eid: staff
        for eid, staff in Enterprise.objects.filter(pk__in=id_qs)
        .annotate(staff=Subquery(latest))
        .values_list("pk", "staff")
        if staff is not None
    }
    holds: dict[int, set[str]] = defaultdict(set)
    for eid, kind in Certificate.objects.filter(
        _valid_certificates(as_of), enterprise_id__in=id_qs
    ).values_list("enterprise_id", "kind"):
        holds[eid].add(kind)
    grades: dict[int, str] = {}
    for eid, grade in (
        MuResult.objects.filter(
            enterprise_id__in=id_qs,
            evaluation__status__in=[MuEvaluation.Status.PUBLISHED, MuEvaluation.Status.FINAL],
        )
        .order_by("evaluation__year")
        .values_list("enterprise_id", "grade")
    ):
        grades[eid] = grade
    return {
        e.pk: rules.FirmFacts(
            as_of=as_of,
            industry_code=e.industry_code,
            founded_on=e.founded_on,
            employees=latest_staff.get(e.pk),
            tech_staff=e.tech_staff,
            total_assets=e.total_assets,
            high_tech_income_ratio=e.high_tech_income_ratio,
            ip_class1=e.ip_class1,
            ip_class2=e.ip_class2,
            construction_qualification=e.construction_qualification,
            land_mu=e.land_area_mu,
            region_code=e.region_code,
            holds=frozenset(holds.get(e.pk, ())),
            years=by_year.get(e.pk, {}),
            mu_grade=grades.get(e.pk, ""),
        )
        for e in enterprises
    }


def eligibility(enterprise: Enterprise, *, as_of: dt.date | None = None) -> list[rules.TierResult]:
    facts = facts_for([enterprise], as_of=as_of)[enterprise.pk]
    tier_rules, _ = tier_rules_for(enterprise.zone_id, as_of)
    return rules.evaluate_tiers(facts, tier_rules)


# --- registry ---------------------------------------------------------------------------------


@dataclass
class RegistryFilters:
    q: str = ""
    zone: int | None = None
    park: int | None = None
    tier: str = ""  # held
    candidate: str = ""  # eligible now, not held
    section: str = ""  # 门类 letter
    grade: str = ""


def registry(user: User, filters: RegistryFilters | None = None) -> QuerySet[Enterprise]:
    """The enterprise register (企业名录) a user may see, with what the list shows annotated."""
    filters = filters or RegistryFilters()
    today = timezone.localdate()
    last_year = today.year - 1
    qs = access.enterprises_for(user).select_related("organisation", "zone", "park")
    if filters.q:
        qs = qs.filter(
            Q(organisation__name__icontains=filters.q)
            | Q(organisation__credit_code__icontains=filters.q.upper())
            | Q(former_names__icontains=filters.q)
        )
    if filters.zone:
        qs = qs.filter(zone_id=filters.zone)
    if filters.park:
        qs = qs.filter(park_id=filters.park)
    if filters.tier:
        qs = qs.filter(
            Exists(
                Certificate.objects.filter(
                    _valid_certificates(today), enterprise=OuterRef("pk"), kind=filters.tier
                )
            )
        )
    if filters.section:
        prefixes = list(
            Industry.objects.filter(level=2, section=filters.section).values_list("code", flat=True)
        )
        section_q = Q()
        for prefix in prefixes:
            section_q |= Q(industry_code__startswith=prefix)
        qs = qs.filter(section_q) if prefixes else qs.none()
    revenue = (
        MonthlyFigure.objects.filter(enterprise=OuterRef("pk"), year=last_year)
        .values("enterprise")
        .annotate(total=Sum("revenue"))
        .values("total")
    )
    tax = (
        MonthlyFigure.objects.filter(enterprise=OuterRef("pk"), year=last_year)
        .values("enterprise")
        .annotate(total=Sum("tax"))
        .values("total")
    )
    grade = (
        MuResult.objects.filter(
            enterprise=OuterRef("pk"),
            evaluation__status__in=[MuEvaluation.Status.PUBLISHED, MuEvaluation.Status.FINAL],
        )
        .order_by("-evaluation__year")
        .values("grade")[:1]
    )
    qs = qs.annotate(
        last_revenue=Subquery(revenue), last_tax=Subquery(tax), mu_grade=Subquery(grade)
    )
    if filters.grade:
        qs = qs.filter(mu_grade=filters.grade)
    if filters.candidate:
        ids = candidate_ids(list(qs), filters.candidate)
        qs = qs.filter(pk__in=ids)
    return qs.order_by("organisation__name")


def tier_results(enterprises: list[Enterprise], tier: str) -> dict[int, rules.TierResult]:
    """Firm → its result for one tier (status and every condition), under its zone's rules."""
    facts = facts_for(enterprises)
    by_zone: dict[int, dict] = {}
    out: dict[int, rules.TierResult] = {}
    for e in enterprises:
        if e.zone_id not in by_zone:
            by_zone[e.zone_id] = tier_rules_for(e.zone_id)[0]
        for result in rules.evaluate_tiers(facts[e.pk], by_zone[e.zone_id]):
            if result.tier == tier:
                out[e.pk] = result
    return out


def candidate_ids(enterprises: list[Enterprise], tier: str) -> list[int]:
    """Firms that meet every checkable condition of `tier` now and do not hold it."""
    return [
        pk for pk, result in tier_results(enterprises, tier).items() if result.status == "eligible"
    ]


def held_tiers(enterprises: list[Enterprise]) -> dict[int, list[str]]:
    """Firm → labels of valid tiers/labels it holds, in one query (for list pages)."""
    today = timezone.localdate()
    out: dict[int, list[str]] = defaultdict(list)
    labels = dict(Certificate.Kind.choices)
    for eid, kind in (
        Certificate.objects.filter(
            _valid_certificates(today), enterprise_id__in=[e.pk for e in enterprises]
        )
        .order_by("kind")
        .values_list("enterprise_id", "kind")
        .distinct()
    ):
        out[eid].append(labels.get(kind, kind))
    return out


def industry_names(codes: Iterable[str]) -> dict[str, str]:
    codes = {c for c in codes if c}
    return dict(Industry.objects.filter(code__in=codes).values_list("code", "name"))


def industry_path(code: str) -> list[tuple[str, str]]:
    """门类 → 大类 → 小类 of a 小类 code, as (code, name) pairs; [] when the table is not loaded."""
    if not code:
        return []
    row = Industry.objects.filter(code=code).first()
    if row is None:
        return []
    wanted = [row.section, code[:2], code]
    names = dict(Industry.objects.filter(code__in=wanted).values_list("code", "name"))
    return [(c, names.get(c, "")) for c in wanted]


# --- funnel (梯度培育漏斗) ----------------------------------------------------------------------


@dataclass
class FunnelRow:
    tier: str
    label: str
    held: int
    eligible: int
    incomplete: int
    next_tier: str = ""
    next_label: str = ""
    next_candidates: int = 0


def funnel(zone_id: int) -> list[FunnelRow]:
    """Per tier: firms holding it, firms that could apply now, firms with data missing, and the
    holders who already qualify for the next rung."""
    enterprises = list(Enterprise.objects.filter(zone_id=zone_id))
    facts = facts_for(enterprises)
    tier_rules, _ = tier_rules_for(zone_id)
    counts: dict[str, dict[str, int]] = {t: defaultdict(int) for t in rules.TIERS}
    results_by_firm = {
        e.pk: {r.tier: r for r in rules.evaluate_tiers(facts[e.pk], tier_rules)}
        for e in enterprises
    }
    rows = []
    for results in results_by_firm.values():
        for tier, result in results.items():
            counts[tier][result.status] += 1
    for tier, label in rules.TIERS.items():
        nxt = rules.LADDER.get(tier, "")
        next_candidates = 0
        if nxt:
            next_candidates = sum(
                1
                for results in results_by_firm.values()
                if results[tier].held and results[nxt].status == "eligible"
            )
        rows.append(
            FunnelRow(
                tier=tier,
                label=label,
                held=counts[tier]["held"],
                eligible=counts[tier]["eligible"],
                incomplete=counts[tier]["incomplete"],
                next_tier=nxt,
                next_label=rules.TIERS.get(nxt, ""),
                next_candidates=next_candidates,
            )
        )
    return rows


# --- certificates -----------------------------------------------------------------------------


def expiring_certificates(user: User, *, days: int | None = None) -> QuerySet[Certificate]:
    """Valid certificates that expire within `days` (default: the zone's setting, 90)."""
    today = timezone.localdate()
    if days is None:
        days = settings_for(user.zone_id).expiry_warning_days if user.zone_id else 90
    return (
        Certificate.objects.filter(
            enterprise__in=access.enterprises_for(user),
            revoked_at__isnull=True,
            expires_on__gte=today,
            expires_on__lte=today + dt.timedelta(days=days),
        )
        .select_related("enterprise__organisation")
        .order_by("expires_on")
    )


# --- requests (诉求) -----------------------------------------------------------------------------


def service_requests(
    user: User, *, status: str = "", overdue: bool = False
) -> QuerySet[ServiceRequest]:
    qs = access.service_requests_for(user).select_related("enterprise__organisation", "department")
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status=ServiceRequest.Status.OPEN, due_on__lt=timezone.localdate())
    return qs.order_by("status", "due_on", "-id")


def request_filters_text(status: str, overdue: bool) -> str:
    """The request list's filters as the export's filter line names them."""
    parts = []
    if status:
        parts.append(f"状态：{ServiceRequest.Status(status).label}")
    if overdue:
        parts.append("仅看超期")
    return "；".join(parts)


def overdue_requests(zone_id: int, on: dt.date | None = None) -> QuerySet[ServiceRequest]:
    on = on or timezone.localdate()
    zone_ids = list(
        Zone.objects.filter(Q(pk=zone_id) | Q(parent_id=zone_id)).values_list("pk", flat=True)
    )
    return (
        ServiceRequest.objects.filter(
            enterprise__zone_id__in=zone_ids, status=ServiceRequest.Status.OPEN, due_on__lt=on
        )
        .select_related("enterprise__organisation", "department")
        .order_by("due_on")
    )


def overdue_requests_agenda(zone, meeting_date, meeting_kind):
    """Agenda source for dispatch meetings: every request past its working-day deadline."""
    from zonedesk.dispatch.agenda import AgendaCandidate

    calendar = work_calendar()
    for item in overdue_requests(zone.pk, meeting_date):
        late = working_days_between(item.due_on, meeting_date, calendar)
        yield AgendaCandidate(
            kind="enterprise_request",
            key=f"enterprise_request:{item.pk}",
            title=f"{item.enterprise.name}：{item.get_category_display()}诉求超期未办结",
            reason=f"办结期限{item.due_on:%Y-%m-%d}，已超期{late}个工作日；承办部门：{item.department.name}",
            url=reverse("enterprises:request", args=[item.pk]),
            colour="red",
            departments=(item.department_id,),
        )


# --- policies ---------------------------------------------------------------------------------


def _tier_labels() -> dict[str, str]:
    return dict(Certificate.Kind.choices)


def policy_matches(
    policy: Policy, enterprises: list[Enterprise]
) -> list[tuple[Enterprise, bool | None, tuple]]:
    """Who qualifies for a policy and why: (firm, qualifies, conditions) for each firm."""
    facts = facts_for(enterprises)
    labels = _tier_labels()
    out = []
    for e in enterprises:
        ok, checked = rules.evaluate_policy(
            policy.conditions, rules.policy_facts(facts[e.pk]), labels
        )
        out.append((e, ok, checked))
    order = {True: 0, None: 1, False: 2}
    out.sort(key=lambda t: (order[t[1]], t[0].organisation.name))
    return out


def policy_list(user: User) -> QuerySet[Policy]:
    """The policies page: the zone's policies not archived."""
    return access.policies_for(user).filter(archived_at__isnull=True)


MATCH_SHOWS = {"fit": True, "missing": None, "no": False}


def policy_match_list(
    user: User, policy: Policy, show: str
) -> tuple[list[tuple[Enterprise, bool | None, tuple]], dict[str, int]]:
    """Who of the firms `user` may see fits a policy: the rows of one outcome (符合 / 缺数据 /
    不符合, `show`) and the count of each."""
    enterprises = list(
        access.enterprises_for(user).filter(zone_id=policy.zone_id).select_related("organisation")
    )
    matches = policy_matches(policy, enterprises)
    counts = {
        name: sum(1 for m in matches if m[1] is wanted) for name, wanted in MATCH_SHOWS.items()
    }
    wanted = MATCH_SHOWS.get(show, True)
    return [m for m in matches if m[1] is wanted], counts


def policies_in_force(zone_id: int, on: dt.date | None = None) -> QuerySet[Policy]:
    on = on or timezone.localdate()
    return Policy.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on),
        Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        zone_id=zone_id,
        archived_at__isnull=True,
    )


def policies_for_firm(enterprise: Enterprise, facts: rules.FirmFacts | None = None):
    """Which policies in force fit a firm: (policy, qualifies, conditions), fitting ones first."""
    facts = facts or facts_for([enterprise])[enterprise.pk]
    values = rules.policy_facts(facts)
    labels = _tier_labels()
    out = []
    for policy in policies_in_force(enterprise.zone_id):
        ok, checked = rules.evaluate_policy(policy.conditions, values, labels)
        out.append((policy, ok, checked))
    order = {True: 0, None: 1, False: 2}
    out.sort(key=lambda t: (order[t[1]], t[0].pk))
    return out


# --- 亩均 --------------------------------------------------------------------------------------


def mu_firms(zone_id: int, year: int) -> tuple[list[rules.MuFirm], dict[int, Enterprise]]:
    enterprises = list(Enterprise.objects.filter(zone_id=zone_id).select_related("organisation"))
    by_year = year_figures(
        [e.pk for e in enterprises]
        if len(enterprises) <= 500
        else Enterprise.objects.filter(zone_id=zone_id).values("pk"),
        [year],
    )
    sections = dict(Industry.objects.filter(level=4).values_list("code", "section"))
    end_of_year = dt.date(year, 12, 31)
    firms = []
    for e in enterprises:
        started = e.production_start or e.founded_on
        years_in_production = (
            Decimal((end_of_year - started).days) / Decimal("365.25") if started else None
        )
        firms.append(
            rules.MuFirm(
                id=e.pk,
                land_mu=e.land_area_mu,
                section=sections.get(e.industry_code, ""),
                figures=by_year.get(e.pk, {}).get(year, rules.YearFigures()),
                years_in_production=years_in_production,
            )
        )
    return firms, {e.pk: e for e in enterprises}


def mu_evaluations(user: User) -> QuerySet[MuEvaluation]:
    """The evaluations a user may see; a firm's own user sees none still in draft."""
    evaluations = MuEvaluation.objects.filter(
        zone_id__in=access.zone_ids_in_scope(user)
    ).select_related("zone")
    if user.role == Role.UNIT:
        evaluations = evaluations.exclude(status=MuEvaluation.Status.DRAFT)
    return evaluations


def mu_results(user: User, evaluation: MuEvaluation, grade: str = "") -> QuerySet[MuResult]:
    """An evaluation's results by grade and rank; a firm's own user sees only its own."""
    results = evaluation.results.select_related("enterprise__organisation").order_by(
        "grade", "rank"
    )
    if user.role == Role.UNIT:
        results = results.filter(enterprise__organisation_id=user.organisation_id)
    if grade in MuResult.Grade.values:
        results = results.filter(grade=grade)
    return results


def mu_distribution(evaluation: MuEvaluation) -> dict[str, int]:
    counts = dict(
        evaluation.results.values_list("grade").annotate(n=Count("id")).values_list("grade", "n")
    )
    return {grade: counts.get(grade, 0) for grade in MuResult.Grade.values}


# --- finance (银企对接) ----------------------------------------------------------------------------


def financing_needs(user: User, status: str = "") -> QuerySet[FinancingNeed]:
    """The finance page's needs table: every financing need of the user's zones."""
    needs = FinancingNeed.objects.filter(
        enterprise__zone_id__in=access.zone_ids_in_scope(user)
    ).select_related("enterprise__organisation", "institution", "event")
    if status in FinancingNeed.Status.values:
        needs = needs.filter(status=status)
    return needs


def event_needs(event: MatchmakingEvent) -> QuerySet[FinancingNeed]:
    """A matchmaking event's page (and its export): the needs brought to it, with their outcome."""
    return event.needs.select_related("enterprise__organisation", "institution")


def event_granted(needs: QuerySet[FinancingNeed]) -> Decimal | None:
    """放款合计 of an event: what was lent on the needs marked 已放款."""
    return needs.filter(status=FinancingNeed.Status.GRANTED).aggregate(s=Sum("granted_amount"))["s"]


# --- the 一企一档 page's other panels ---------------------------------------------------------------

RECENT_MONTHS = 24
CERT_SOON_DAYS = 90  # a certificate expiring within this many days is tagged 即将到期


def recent_figures(enterprise: Enterprise) -> list[MonthlyFigure]:
    """The 月度数据 table of the page (and its export): the last 24 months entered, newest first."""
    return list(enterprise.figures.all()[:RECENT_MONTHS])


def certificates_of(enterprise: Enterprise) -> list[Certificate]:
    """The 资质与证书 table of the page (and its export): every certificate, revoked ones too."""
    return list(enterprise.certificates.all())


def certificate_state(c: Certificate, today: dt.date, soon: dt.date) -> str:
    """The tag the page puts after 有效期至."""
    if c.revoked_at:
        return "已撤销"
    if c.expires_on and c.expires_on < today:
        return "已过期"
    if c.expires_on and c.expires_on <= soon:
        return "即将到期"
    return ""


def projects_of(enterprise: Enterprise):
    from zonedesk.projects.models import Project

    org = enterprise.organisation_id
    return (
        Project.objects.filter(Q(owner_id=org) | Q(implementing_unit_id=org))
        .select_related("department")
        .order_by("-id")
    )


def related_records(enterprise: Enterprise, user) -> dict[str, list[dict[str, str]]]:
    """Leads (zonedesk.investment) and ledger items (zonedesk.ledgers) about this firm that `user`
    may see, when those apps are installed: a lead whose investor is this firm (by credit code or
    name) or whose project it owns; a ledger item naming it as the enterprise or the responsible
    unit. The panel is left out for a user who may see none of that kind (a firm's own user sees
    no leads)."""
    org = enterprise.organisation
    out: dict[str, list[dict[str, str]]] = {}
    if apps.is_installed("zonedesk.investment") and access.can_read_investment(user):
        q = Q(project__owner_id=org.pk) | Q(investor_name=org.name)
        if org.credit_code:
            q |= Q(investor_credit_code=org.credit_code)
        out["leads"] = [
            {
                "title": lead.name,
                "meta": f"{lead.get_stage_display()} · 投资方：{lead.investor_name}",
                "url": _url("investment:lead", lead.pk),
            }
            for lead in access.leads_for(user)
            .filter(q, zone_id=enterprise.zone_id)
            .order_by("-id")[:50]
        ]
    if apps.is_installed("zonedesk.ledgers"):
        items = (
            access.ledger_items_for(user)
            .filter(Q(enterprise_id=org.pk) | Q(responsible_unit_id=org.pk))
            .order_by("-id")[:50]
        )
        out["ledger_items"] = [
            {
                "title": item.problem[:60],
                "meta": f"{item.number} · {item.get_status_display() if hasattr(item, 'get_status_display') else ''}",
                "url": _url("ledgers:item", item.pk),
            }
            for item in items
        ]
    return out


def _url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""

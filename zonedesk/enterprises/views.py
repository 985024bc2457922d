"""Pages of enterprise services (企业服务): register, 一企一档, funnel, 亩均, requests, policies,
finance, rules and settings. Views are thin: access helper, form, service, redirect or render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from zonedesk import access
from zonedesk.accounts.audit import history_for
from zonedesk.accounts.models import Role
from zonedesk.forms import add_service_errors
from zonedesk.projects.services import EditConflict
from zonedesk.zones.models import Industry

from . import exports, forms, rules, selectors, services
from .models import (
    CalendarDay,
    Certificate,
    Enterprise,
    FinancialInstitution,
    FinancingNeed,
    MatchmakingEvent,
    MonthlyFigure,
    MuEvaluation,
    MuResult,
    RuleSet,
    ServiceRequest,
)
from .workdays import explain

PAGE_SIZE = 30


def _reader(request):
    access.require_business_role(request.user, request)


def _editor(request, what: str = "无权修改企业服务数据"):
    user = request.user
    if user.role not in access.ENTERPRISE_EDITORS or not user.zone_id:
        raise access.deny(user, what=what, request=request)


def _manager(request, what: str):
    if not access.can_manage_enterprise_rules(request.user, request.user.zone_id):
        raise access.deny(request.user, what=what, request=request)


def _int(value, default: int = 0) -> int:
    """A number from the query string or a hidden field; junk counts as the default, not a 500."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _query(request) -> str:
    """The query string of the page without page and format: what an 导出Excel link carries."""
    query = request.GET.copy()
    for name in ("page", "format"):
        query.pop(name, None)
    return query.urlencode()


def _fail(form, exc) -> None:
    if isinstance(exc, EditConflict):
        form.add_error(None, exc.messages[0])
    else:
        add_service_errors(form, exc)


# --- register -----------------------------------------------------------------------------------


def _registry_filters(request):
    user = request.user
    sections = list(Industry.objects.filter(level=1).values_list("code", "name"))
    form = forms.RegistryFilterForm(
        request.GET, parks=access.zones_for(user).filter(parent__isnull=False), sections=sections
    )
    filters = selectors.RegistryFilters()
    if form.is_valid():
        d = form.cleaned_data
        filters = selectors.RegistryFilters(
            q=d["q"].strip(), tier=d["tier"], candidate=d["candidate"], grade=d["grade"],
            section=d["section"], park=d["park"].pk if d["park"] else None,
        )  # fmt: skip
    return form, filters


@require_http_methods(["GET"])
def registry_view(request):
    _reader(request)
    user = request.user
    form, filters = _registry_filters(request)
    qs = selectors.registry(user, filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "tiers": selectors.held_tiers(rows),
        "industries": selectors.industry_names(e.industry_code for e in rows),
        "count": page.paginator.count,
        "query": query.urlencode(),
        "can_create": access.can_create_enterprise(user),
        "multi_zone": access.zones_for(user).filter(parent__isnull=True).count() > 1,
        "expiring": selectors.expiring_certificates(user).count() if user.role != Role.UNIT else 0,
    }
    return render(request, "enterprises/registry.html", context)


@require_http_methods(["GET"])
def registry_export(request):
    """导出Excel: the register as filtered on screen, audited."""
    _reader(request)
    form, filters = _registry_filters(request)
    rows = list(selectors.registry(request.user, filters))
    return exports.registry_xlsx(request, rows, form, filters.candidate)


@require_http_methods(["GET", "POST"])
def enterprise_create(request):
    if not access.can_create_enterprise(request.user):
        raise access.deny(request.user, what="无权为企业建档", request=request)
    zone = request.user.zone
    adopt = forms.AdoptForm(
        request.POST if "adopt" in request.POST else None, zone=zone, prefix="adopt"
    )
    form = forms.EnterpriseForm(
        request.POST if "adopt" not in request.POST and request.method == "POST" else None,
        zone=zone,
    )
    if request.method == "POST":
        target = adopt if "adopt" in request.POST else form
        if target.is_valid():
            try:
                if target is adopt:
                    enterprise = services.enterprise_register(
                        by=request.user, zone=zone, data={},
                        organisation=adopt.cleaned_data["organisation"],
                        org_data={"credit_code": adopt.cleaned_data["credit_code"]}, request=request,
                    )  # fmt: skip
                else:
                    data, org = form.split()
                    enterprise = services.enterprise_register(
                        by=request.user, zone=zone, data=data, org_data=org, request=request
                    )
                messages.success(request, f"已为“{enterprise.name}”建档。")
                return redirect("enterprises:detail", pk=enterprise.pk)
            except ValidationError as exc:
                _fail(target, exc)
    return render(
        request, "enterprises/form.html", {"form": form, "adopt": adopt, "enterprise": None}
    )


@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk: int):
    enterprise = access.get_enterprise_for_user(request.user, pk, action="edit", request=request)
    form = forms.EnterpriseForm(request.POST or None, instance=enterprise, zone=enterprise.zone)
    if request.method == "POST" and form.is_valid():
        data, org = form.split()
        try:
            services.enterprise_update(
                enterprise=enterprise, by=request.user, data=data, org_data=org,
                expected_version=_int(request.POST.get("version"), 0), request=request,
            )  # fmt: skip
            messages.success(request, "已保存企业档案。")
            return redirect("enterprises:detail", pk=pk)
        except ValidationError as exc:
            _fail(form, exc)
    return render(request, "enterprises/form.html", {"form": form, "enterprise": enterprise})


# --- 一企一档 -------------------------------------------------------------------------------------


def _year_rows(enterprise: Enterprise, years: list[int]):
    data = selectors.year_figures([enterprise.pk], years).get(enterprise.pk, {})
    return [(y, data.get(y, rules.YearFigures())) for y in years]


@require_http_methods(["GET"])
def enterprise_detail(request, pk: int):
    user = request.user
    enterprise = access.get_enterprise_for_user(user, pk, request=request)
    if request.GET.get("format") == "xlsx":
        # After the same access check as the page: the firm's own user, its own file only.
        return exports.detail_table_xlsx(request, enterprise, request.GET.get("table", ""))
    return render(request, "enterprises/detail.html", _detail_context(request, enterprise))


def _detail_context(request, enterprise: Enterprise, **extra):
    user = request.user
    today = timezone.localdate()
    facts = selectors.facts_for([enterprise], as_of=today)[enterprise.pk]
    tier_rules, ruleset = selectors.tier_rules_for(enterprise.zone_id, today)
    can_edit = access.can_edit_enterprise(user, enterprise)
    figures = selectors.recent_figures(enterprise)
    years = [today.year - i for i in range(4)]
    context = {
        "enterprise": enterprise,
        "org": enterprise.organisation,
        "industry": selectors.industry_path(enterprise.industry_code),
        "certificates": selectors.certificates_of(enterprise),
        "today": today,
        "soon": today + dt.timedelta(days=selectors.CERT_SOON_DAYS),
        "tiers": rules.evaluate_tiers(facts, tier_rules),
        "ruleset": ruleset,
        "figures": figures,
        "years": _year_rows(enterprise, years),
        "mu_results": list(
            enterprise.mu_results.select_related("evaluation")
            .exclude(evaluation__status=MuEvaluation.Status.DRAFT)
            .order_by("-evaluation__year")
        ),
        "plans": list(enterprise.plans.select_related("department")),
        "requests": list(enterprise.requests.select_related("department")),
        "needs": list(enterprise.financing_needs.select_related("institution", "event")),
        "projects": list(selectors.projects_of(enterprise)[:50]),
        "related": selectors.related_records(enterprise, request.user),
        "policies": selectors.policies_for_firm(enterprise, facts),
        "history": history_for(enterprise)[:200],
        "can_edit": can_edit,
        "can_figures": access.can_enter_figures(user, enterprise),
        "cert_form": forms.CertificateForm(prefix="cert"),
        "figure_form": forms.FigureForm(prefix="fig", initial={"period": f"{today:%Y-%m}"}),
        "plan_form": forms.PlanForm(prefix="plan", zone=enterprise.zone),
        "need_form": forms.NeedForm(prefix="need", zone=enterprise.zone),
    }
    context.update(extra)
    return context


@require_POST
def certificate_add(request, pk: int):
    enterprise = access.get_enterprise_for_user(request.user, pk, action="edit", request=request)
    form = forms.CertificateForm(request.POST, prefix="cert")
    if form.is_valid():
        try:
            cert = services.certificate_add(
                enterprise=enterprise, by=request.user, data=form.cleaned_data, request=request
            )
            messages.success(request, f"已登记资质：{cert.get_kind_display()}。")
            return redirect("enterprises:detail", pk=pk)
        except ValidationError as exc:
            _fail(form, exc)
    return render(
        request,
        "enterprises/detail.html",
        _detail_context(request, enterprise, cert_form=form),
        status=400,
    )


@require_POST
def certificate_revoke(request, pk: int):
    cert = Certificate.objects.select_related("enterprise").filter(pk=pk).first()
    if cert is None:
        from django.http import Http404

        raise Http404("资质不存在。")
    access.get_enterprise_for_user(request.user, cert.enterprise_id, action="edit", request=request)
    try:
        services.certificate_revoke(
            certificate=cert,
            by=request.user,
            reason=request.POST.get("reason", ""),
            request=request,
        )
        messages.success(request, "已撤销该资质。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("enterprises:detail", pk=cert.enterprise_id)


@require_POST
def figures_save(request, pk: int):
    enterprise = access.get_enterprise_for_user(request.user, pk, action="figures", request=request)
    form = forms.FigureForm(request.POST, prefix="fig")
    if form.is_valid():
        year, month = form.cleaned_data["period"]
        source = (
            MonthlyFigure.Source.SELF
            if request.user.role == Role.UNIT
            else MonthlyFigure.Source.FORM
        )
        try:
            services.figures_save(
                enterprise=enterprise, by=request.user, year=year, month=month, values=form.values(),
                expected_version=form.cleaned_data["version"] or 0, source=source, request=request,
            )  # fmt: skip
            messages.success(request, f"已保存{year}年{month}月经营数据。")
            return redirect("enterprises:detail", pk=pk)
        except ValidationError as exc:
            _fail(form, exc)
    return render(
        request,
        "enterprises/detail.html",
        _detail_context(request, enterprise, figure_form=form),
        status=400,
    )


@require_POST
def plan_add(request, pk: int):
    enterprise = access.get_enterprise_for_user(request.user, pk, action="edit", request=request)
    form = forms.PlanForm(request.POST, prefix="plan", zone=enterprise.zone)
    if form.is_valid():
        try:
            services.plan_create(
                enterprise=enterprise, by=request.user, data=form.cleaned_data, request=request
            )
            messages.success(request, "已添加一企一策。")
            return redirect("enterprises:detail", pk=pk)
        except ValidationError as exc:
            _fail(form, exc)
    return render(
        request,
        "enterprises/detail.html",
        _detail_context(request, enterprise, plan_form=form),
        status=400,
    )


@require_POST
def plan_close(request, pk: int):
    plan = access.get_plan_for_user(request.user, pk, request=request)
    form = forms.CloseForm(request.POST)
    if form.is_valid():
        try:
            services.plan_close(
                plan=plan,
                by=request.user,
                result=form.cleaned_data["result"],
                expected_version=form.cleaned_data["version"],
                request=request,
            )
            messages.success(request, "一企一策已办结。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, "请填写办结情况。")
    return redirect("enterprises:detail", pk=plan.enterprise_id)


@require_POST
def need_add(request, pk: int):
    enterprise = access.get_enterprise_for_user(request.user, pk, action="edit", request=request)
    form = forms.NeedForm(request.POST, prefix="need", zone=enterprise.zone)
    if form.is_valid():
        try:
            need = services.financing_need_create(
                enterprise=enterprise, by=request.user, data=form.cleaned_data, request=request
            )
            messages.success(request, "已登记融资需求。")
            return redirect("enterprises:need", pk=need.pk)
        except ValidationError as exc:
            _fail(form, exc)
    return render(
        request,
        "enterprises/detail.html",
        _detail_context(request, enterprise, need_form=form),
        status=400,
    )


# --- funnel, certificates, rules ------------------------------------------------------------------


@require_http_methods(["GET"])
def funnel_view(request):
    _reader(request)
    if request.user.role == Role.UNIT:
        raise access.deny(request.user, what="企业用户不能查看培育漏斗", request=request)
    zones = list(access.zones_for(request.user).filter(parent__isnull=True))
    zone_id = _int(request.GET.get("zone"), 0) or (
        request.user.zone_id or (zones[0].pk if zones else 0)
    )
    if zone_id not in access.zone_ids_in_scope(request.user):
        raise access.deny(request.user, what="无权查看该开发区", request=request)
    rows = selectors.funnel(zone_id)
    if request.GET.get("format") == "xlsx":
        label = next((z.label for z in zones if z.pk == zone_id), "")
        return exports.funnel_xlsx(request, rows, zone_label=label)
    _, ruleset = selectors.tier_rules_for(zone_id)
    return render(
        request,
        "enterprises/funnel.html",
        {
            "rows": rows,
            "zones": zones,
            "zone_id": zone_id,
            "ruleset": ruleset,
            "total": Enterprise.objects.filter(zone_id=zone_id).count(),
        },
    )


@require_http_methods(["GET"])
def expiring_view(request):
    _reader(request)
    days = min(max(_int(request.GET.get("days"), 90), 1), 730)
    certs = selectors.expiring_certificates(request.user, days=days)
    if request.GET.get("format") == "xlsx":
        # The whole list: the page stops at 500 rows only to stay readable.
        return exports.expiring_xlsx(request, list(certs), days=days)
    certs = list(certs[:500])
    return render(
        request,
        "enterprises/expiring.html",
        {"certificates": certs, "days": days, "today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
def rules_view(request):
    _reader(request)
    user = request.user
    zone_id = user.zone_id
    if not zone_id:
        raise access.deny(user, what="上级查看人员没有本级规则", request=request)
    current, ruleset = selectors.tier_rules_for(zone_id)
    can_edit = access.can_manage_enterprise_rules(user, zone_id)
    form = forms.RuleSetForm(
        request.POST or None,
        initial={"effective_from": timezone.localdate(), "data": current},
    )
    if request.method == "POST":
        _manager(request, "只有主要领导或分管领导可以修改梯度培育规则")
        if form.is_valid():
            try:
                row = services.tier_rules_save(
                    zone=user.zone, by=user, data=form.cleaned_data["data"] or {},
                    effective_from=form.cleaned_data["effective_from"], note=form.cleaned_data["note"], request=request,
                )  # fmt: skip
                messages.success(request, f"已保存规则第{row.version}版。")
                return redirect("enterprises:rules")
            except ValidationError as exc:
                _fail(form, exc)
    versions = RuleSet.objects.filter(zone_id=zone_id).select_related("created_by")
    return render(
        request,
        "enterprises/rules.html",
        {
            "form": form,
            "ruleset": ruleset,
            "versions": versions,
            "can_edit": can_edit,
            "defaults": rules.DEFAULT_TIER_RULES,
        },
    )


@require_http_methods(["GET", "POST"])
def settings_view(request):
    _manager(request, "只有主要领导或分管领导可以修改企业服务设置")
    zone = request.user.zone
    current = selectors.settings_for(zone.pk)
    form = forms.SettingsForm(
        request.POST or None,
        initial={
            "self_reporting": current.self_reporting,
            "request_days": current.request_days,
            "expiry_warning_days": current.expiry_warning_days,
        },
    )
    day_form = forms.CalendarDayForm(prefix="day")
    if request.method == "POST" and "day-date" in request.POST:
        day_form = forms.CalendarDayForm(request.POST, prefix="day")
        form = forms.SettingsForm(initial=form.initial)
        if day_form.is_valid():
            services.calendar_day_save(by=request.user, request=request, **day_form.cleaned_data)
            messages.success(request, "已保存节假日调整。")
            return redirect("enterprises:settings")
    elif request.method == "POST" and "delete_day" in request.POST:
        row = CalendarDay.objects.filter(pk=request.POST.get("delete_day")).first()
        if row is not None:
            services.calendar_day_delete(by=request.user, row=row, request=request)
            messages.success(request, "已删除节假日调整。")
        return redirect("enterprises:settings")
    elif request.method == "POST" and form.is_valid():
        services.settings_save(zone=zone, by=request.user, data=form.cleaned_data, request=request)
        messages.success(request, "已保存企业服务设置。")
        return redirect("enterprises:settings")
    calendar = selectors.work_calendar()
    next_year = timezone.localdate().year + 1
    calendar.is_workday(dt.date(next_year, 1, 1))
    context = {
        "form": form,
        "day_form": day_form,
        "days": CalendarDay.objects.filter(date__year__gte=timezone.localdate().year),
        "missing_year": next_year if next_year in calendar.guessed_years else None,
    }
    return render(request, "enterprises/settings.html", context)


# --- 亩均 ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def mu_list(request):
    _reader(request)
    user = request.user
    evaluations = selectors.mu_evaluations(user)
    if request.method == "GET" and request.GET.get("format") == "xlsx":
        return exports.mu_list_xlsx(request, evaluations)
    can_manage = access.can_manage_enterprise_rules(user, user.zone_id)
    last = timezone.localdate().year - 1
    form = forms.MuComputeForm(
        request.POST or None, initial={"year": last, "config": rules.DEFAULT_MU_CONFIG}
    )
    if request.method == "POST":
        _manager(request, "只有主要领导或分管领导可以计算亩均评价")
        if form.is_valid():
            try:
                evaluation = services.mu_evaluation_compute(
                    zone=user.zone,
                    year=form.cleaned_data["year"],
                    by=user,
                    config=form.cleaned_data["config"],
                    request=request,
                )
                messages.success(request, f"已计算{evaluation.year}年度亩均评价（草稿）。")
                return redirect("enterprises:mu", pk=evaluation.pk)
            except ValidationError as exc:
                _fail(form, exc)
    return render(
        request,
        "enterprises/mu_list.html",
        {
            "evaluations": evaluations,
            "form": form,
            "can_manage": can_manage,
            "indicators": rules.MU_INDICATORS,
        },
    )


@require_http_methods(["GET"])
def mu_detail(request, pk: int):
    user = request.user
    evaluation = access.get_mu_evaluation_for_user(user, pk, request=request)
    grade = request.GET.get("grade", "")
    results = selectors.mu_results(user, evaluation, grade)
    if request.GET.get("format") == "xlsx":
        return exports.mu_results_xlsx(request, evaluation, results, grade=grade)
    page = Paginator(results, 50).get_page(request.GET.get("page"))
    distribution = selectors.mu_distribution(evaluation)
    context = {
        "evaluation": evaluation,
        "page": page,
        "grade": grade,
        "distribution": distribution,
        "chart": {"grades": list(distribution), "counts": list(distribution.values())},
        "indicators": [
            {
                **item,
                "label": rules.MU_INDICATORS[item["key"]][0],
                "unit": rules.MU_INDICATORS[item["key"]][1],
            }
            for item in evaluation.config.get("indicators", [])
        ],
        "can_manage": access.can_manage_enterprise_rules(user, evaluation.zone_id),
        "publish_form": forms.PublishForm(initial={"version": evaluation.version}),
        "today": timezone.localdate(),
    }
    return render(request, "enterprises/mu_detail.html", context)


@require_POST
def mu_publish(request, pk: int):
    evaluation = access.get_mu_evaluation_for_user(request.user, pk, write=True, request=request)
    form = forms.PublishForm(request.POST)
    try:
        if request.POST.get("action") == "finalise":
            services.mu_evaluation_finalise(
                evaluation=evaluation,
                by=request.user,
                expected_version=_int(request.POST.get("version"), 0),
                request=request,
            )
            messages.success(request, "评价结果已正式发布。")
        elif form.is_valid():
            ev = services.mu_evaluation_publish(
                evaluation=evaluation, by=request.user, objection_days=form.cleaned_data["objection_days"],
                expected_version=form.cleaned_data["version"], request=request,
            )  # fmt: skip
            messages.success(request, f"评价结果已公示，异议截止{ev.objection_until:%Y-%m-%d}。")
        else:
            messages.error(request, "公示期应为1–30个工作日。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("enterprises:mu", pk=pk)


@require_POST
def mu_objection(request, pk: int):
    result = MuResult.objects.select_related("evaluation__zone", "enterprise").filter(pk=pk).first()
    if result is None:
        from django.http import Http404

        raise Http404("评价结果不存在。")
    access.get_enterprise_for_user(request.user, result.enterprise_id, request=request)
    if request.user.role == Role.VIEWER:
        raise access.deny(request.user, what="上级查看人员不能提出异议", request=request)
    try:
        services.mu_objection_record(
            result=result, by=request.user, text=request.POST.get("objection", ""), request=request
        )
        messages.success(request, "已记录异议。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("enterprises:detail", pk=result.enterprise_id)


# --- requests (诉求) ----------------------------------------------------------------------------------


@require_http_methods(["GET"])
def request_list(request):
    _reader(request)
    status = request.GET.get("status", "")
    status = status if status in ServiceRequest.Status.values else ""
    overdue = request.GET.get("overdue") == "1"
    qs = selectors.service_requests(request.user, status=status, overdue=overdue)
    if request.GET.get("format") == "xlsx":
        return exports.requests_xlsx(
            request, qs, filters=selectors.request_filters_text(status, overdue)
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprises/requests.html",
        {
            "page": page,
            "status": status,
            "overdue": overdue,
            "query": _query(request),
            "statuses": ServiceRequest.Status.choices,
            "today": timezone.localdate(),
            "can_create": request.user.role in access.ENTERPRISE_EDITORS,
        },
    )


@require_http_methods(["GET", "POST"])
def request_create(request):
    user = request.user
    enterprises = access.enterprises_for(user).filter(zone_id=user.zone_id or 0)
    if user.role not in access.ENTERPRISE_EDITORS and not (
        user.role == Role.UNIT and enterprises.exists()
    ):
        raise access.deny(user, what="无权受理企业诉求", request=request)
    settings = selectors.settings_for(user.zone_id)
    form = forms.RequestForm(
        request.POST or None,
        enterprises=enterprises,
        zone=user.zone,
        default_days=settings.request_days,
        initial={"enterprise": request.GET.get("enterprise")},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        enterprise = data.pop("enterprise")
        if not access.can_submit_request(user, enterprise):
            raise access.deny(user, what="无权为该企业提交诉求", target=enterprise, request=request)
        try:
            item = services.service_request_create(
                enterprise=enterprise, by=user, data=data, request=request
            )
            messages.success(request, f"已受理诉求，办结期限{item.due_on:%Y-%m-%d}。")
            return redirect("enterprises:request", pk=item.pk)
        except ValidationError as exc:
            _fail(form, exc)
    return render(request, "enterprises/request_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def request_detail(request, pk: int):
    user = request.user
    item = access.get_service_request_for_user(user, pk, request=request)
    reply_form = forms.ReplyForm(initial={"version": item.version})
    rate_form = forms.RateForm()
    if request.method == "POST":
        if request.POST.get("action") == "rate":
            access.get_service_request_for_user(user, pk, action="rate", request=request)
            rate_form = forms.RateForm(request.POST)
            if rate_form.is_valid():
                try:
                    services.service_request_rate(
                        item=item,
                        by=user,
                        satisfaction=rate_form.cleaned_data["satisfaction"],
                        request=request,
                    )
                    messages.success(request, "已记录满意度评价。")
                    return redirect("enterprises:request", pk=pk)
                except ValidationError as exc:
                    _fail(rate_form, exc)
        else:
            access.get_service_request_for_user(user, pk, action="reply", request=request)
            reply_form = forms.ReplyForm(request.POST)
            if reply_form.is_valid():
                try:
                    services.service_request_reply(
                        item=item, by=user, reply=reply_form.cleaned_data["reply"], close=reply_form.cleaned_data["close"],
                        expected_version=reply_form.cleaned_data["version"], request=request,
                    )  # fmt: skip
                    messages.success(request, "已答复。")
                    return redirect("enterprises:request", pk=pk)
                except ValidationError as exc:
                    _fail(reply_form, exc)
    calendar = selectors.work_calendar()
    context = {
        "item": item,
        "explanation": explain(item.received_on, item.due_on, calendar),
        "guessed": sorted(calendar.guessed_years),
        "overdue": item.status == ServiceRequest.Status.OPEN and item.due_on < timezone.localdate(),
        "can_reply": access.can_reply_request(user, item)
        and item.status != ServiceRequest.Status.CLOSED,
        "can_rate": (user.role == Role.UNIT or access.can_edit_enterprise(user, item.enterprise))
        and item.status != ServiceRequest.Status.OPEN
        and item.satisfaction is None,
        "reply_form": reply_form,
        "rate_form": rate_form,
        "history": history_for(item.enterprise).filter(
            object_type="enterprises.servicerequest", object_id=str(item.pk)
        ),
    }
    return render(
        request,
        "enterprises/request_detail.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


# --- policies -----------------------------------------------------------------------------------------


@require_http_methods(["GET"])
def policy_list(request):
    _reader(request)
    policies = selectors.policy_list(request.user)
    if request.GET.get("format") == "xlsx":
        return exports.policies_xlsx(request, policies)
    return render(
        request,
        "enterprises/policies.html",
        {
            "policies": policies,
            "today": timezone.localdate(),
            "can_create": request.user.role in access.ENTERPRISE_EDITORS
            and bool(request.user.zone_id),
        },
    )


@require_http_methods(["GET", "POST"])
def policy_edit(request, pk: int | None = None):
    user = request.user
    if pk is None:
        _editor(request, "无权发布政策")
        policy = None
    else:
        policy = access.get_policy_for_user(user, pk, write=True, request=request)
    form = forms.PolicyForm(
        request.POST or None,
        instance=policy,
        initial={
            "conditions": policy.conditions
            if policy
            else [{"field": "revenue", "op": ">=", "value": 2000}]
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.policy_save(
                zone=policy.zone if policy else user.zone, by=user, data=form.cleaned_data, policy=policy,
                expected_version=_int(request.POST.get("version"), 0), request=request,
            )  # fmt: skip
            messages.success(request, f"已保存政策“{saved.title}”。")
            return redirect("enterprises:policy", pk=saved.pk)
        except ValidationError as exc:
            _fail(form, exc)
    return render(
        request,
        "enterprises/policy_form.html",
        {"form": form, "policy": policy, "facts": rules.POLICY_FACTS},
    )


@require_http_methods(["GET"])
def policy_detail(request, pk: int):
    user = request.user
    policy = access.get_policy_for_user(user, pk, request=request)
    show = request.GET.get("show", "fit")
    show = show if show in selectors.MATCH_SHOWS else "fit"
    matches, counts = selectors.policy_match_list(user, policy, show)
    if request.GET.get("format") == "xlsx":
        return exports.policy_matches_xlsx(request, policy, matches, show=show)
    shown = matches[:300]
    return render(
        request,
        "enterprises/policy_detail.html",
        {
            "policy": policy,
            "matches": shown,
            "counts": counts,
            "show": show,
            "can_edit": user.role in access.ENTERPRISE_EDITORS,
        },
    )


# --- finance (银企对接) ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def finance_view(request):
    _reader(request)
    user = request.user
    if user.role == Role.UNIT:
        raise access.deny(user, what="企业用户请在本企业档案中查看融资需求", request=request)
    zone_ids = access.zone_ids_in_scope(user)
    status = request.GET.get("status", "")
    status = status if status in FinancingNeed.Status.values else ""
    needs = selectors.financing_needs(user, status)
    if request.method == "GET" and request.GET.get("format") == "xlsx":
        return exports.needs_xlsx(request, needs, status=status)
    institutions = FinancialInstitution.objects.filter(zone_id__in=zone_ids).prefetch_related(
        "products"
    )
    events = MatchmakingEvent.objects.filter(zone_id__in=zone_ids).annotate(
        n_ent=Count("enterprises", distinct=True), n_inst=Count("institutions", distinct=True)
    )
    totals = FinancingNeed.objects.filter(enterprise__zone_id__in=zone_ids).aggregate(
        asked=Sum("amount"),
        granted=Sum("granted_amount"),
        n_granted=Count("id", filter=Q(status=FinancingNeed.Status.GRANTED)),
    )
    can_edit = user.role in access.ENTERPRISE_EDITORS and bool(user.zone_id)
    inst_form = forms.InstitutionForm(prefix="inst")
    product_form = forms.ProductForm(prefix="prod", zone=user.zone) if can_edit else None
    if request.method == "POST":
        _editor(request)
        try:
            if "inst-name" in request.POST:
                inst_form = forms.InstitutionForm(request.POST, prefix="inst")
                if inst_form.is_valid():
                    services.institution_create(
                        zone=user.zone, by=user, request=request, **inst_form.cleaned_data
                    )
                    messages.success(request, "已登记金融机构。")
                    return redirect("enterprises:finance")
            else:
                product_form = forms.ProductForm(request.POST, prefix="prod", zone=user.zone)
                if product_form.is_valid():
                    services.product_create(
                        institution=product_form.cleaned_data.pop("institution"),
                        by=user,
                        data=product_form.cleaned_data,
                        request=request,
                    )
                    messages.success(request, "已登记金融产品。")
                    return redirect("enterprises:finance")
        except ValidationError as exc:
            _fail(inst_form if "inst-name" in request.POST else product_form, exc)
    page = Paginator(needs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprises/finance.html",
        {
            "page": page,
            "institutions": institutions,
            "events": events,
            "totals": totals,
            "status": status,
            "query": _query(request),
            "statuses": FinancingNeed.Status.choices,
            "can_edit": can_edit,
            "inst_form": inst_form,
            "product_form": product_form,
        },
    )


@require_http_methods(["GET", "POST"])
def need_detail(request, pk: int):
    user = request.user
    need = access.get_financing_need_for_user(user, pk, request=request)
    can_edit = access.can_edit_enterprise(user, need.enterprise)
    form = forms.OutcomeForm(
        request.POST or None,
        zone=need.enterprise.zone,
        initial={
            "version": need.version,
            "status": need.status,
            "institution": need.institution_id,
            "product": need.product_id,
            "granted_amount": need.granted_amount,
            "granted_on": need.granted_on,
        },
    )
    if request.method == "POST":
        access.get_financing_need_for_user(user, pk, write=True, request=request)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.financing_outcome_record(
                    need=need, by=user, status=d["status"], institution=d["institution"], product=d["product"],
                    granted_amount=d["granted_amount"], granted_on=d["granted_on"], expected_version=d["version"], request=request,
                )  # fmt: skip
                messages.success(request, "已记录对接结果。")
                return redirect("enterprises:need", pk=pk)
            except ValidationError as exc:
                _fail(form, exc)
    return render(
        request,
        "enterprises/need.html",
        {"need": need, "form": form, "can_edit": can_edit},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def event_create(request):
    _editor(request, "无权组织银企对接活动")
    user = request.user
    form = forms.EventForm(request.POST or None, zone=user.zone)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        ents, insts = d.pop("enterprises"), d.pop("institutions")
        try:
            event = services.event_create(
                zone=user.zone,
                by=user,
                data=d,
                enterprises=ents,
                institutions=insts,
                request=request,
            )
            messages.success(request, "已登记银企对接活动。")
            return redirect("enterprises:event", pk=event.pk)
        except ValidationError as exc:
            _fail(form, exc)
    return render(request, "enterprises/event_form.html", {"form": form})


@require_http_methods(["GET"])
def event_detail(request, pk: int):
    event = access.get_event_for_user(request.user, pk, request=request)
    needs = selectors.event_needs(event)
    granted = selectors.event_granted(needs)
    if request.GET.get("format") == "xlsx":
        return exports.event_needs_xlsx(request, event, needs, granted=granted)
    return render(request, "enterprises/event.html", {
        "event": event,
        "enterprises": event.enterprises.select_related("organisation"),
        "institutions": event.institutions.all(),
        "needs": needs,
        "granted": granted,
    })  # fmt: skip

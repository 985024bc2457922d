"""Pages of 招商引资: leads (list, register, detail with follow-ups, signing, funding, conversion),
the funnel, the chain map (招商图谱) and the teams."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from zonedesk import access
from zonedesk.accounts.audit import history_for
from zonedesk.forms import add_service_errors
from zonedesk.zones.models import Organisation

from . import exports, selectors, services
from .forms import (
    ArrivalForm,
    ChainForm,
    ConvertForm,
    EventForm,
    FollowUpForm,
    FunnelFilterForm,
    LeadFilterForm,
    LeadForm,
    MembershipForm,
    NodeForm,
    SettleForm,
    SignForm,
    StageForm,
    TargetForm,
    TeamForm,
    TeamTargetForm,
)
from .models import (
    LEAD_STAGE_ORDER,
    DuplicateFlag,
    LeadStage,
    NodeMembership,
    TargetEnterprise,
)
from .selectors import LeadFilters, Period

PAGE_SIZE = 30


def _int(value) -> int | None:
    """A positive id from a query or form value, or None (a tampered value is not a 500)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _choices(user):
    return (
        access.zones_for(user).filter(parent__isnull=True),
        access.teams_for(user),
        access.chains_for(user),
    )


# --- leads ----------------------------------------------------------------------------------------


@require_http_methods(["GET"])
def lead_list(request):
    user = request.user
    access.require_investment_reader(user, request)
    zones, teams, chains = _choices(user)
    form = LeadFilterForm(request.GET, zones=zones, teams=teams, chains=chains)
    filters = LeadFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = LeadFilters(
            q=data["q"],
            zone=data["zone"],
            team=data["team"],
            chain=data["chain"],
            node=data["node"],
            event=data["event"],
            stage=data["stage"],
            source=data["source"],
            year=data["year"],
            quarter=data["quarter"],
            metric=data["metric"],
            flagged=data["flagged"],
            owner=user.pk if data["mine"] else None,
        )
    qs = selectors.lead_list(user, filters)
    if request.GET.get("format") == "xlsx":
        return exports.lead_list_xlsx(request, qs, form)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    metric_label = ""
    if filters.metric:
        metric_label = selectors.METRICS.get(filters.metric, ("到位资金",))[0]
    context = {
        "form": form,
        "page": page,
        "rows": selectors.lead_rows(user, page.object_list),
        "query": query.urlencode(),
        "can_create": access.can_create_lead(user),
        "flags": list(selectors.open_flags_for(user)[:20]),
        "metric_label": metric_label,
        "filters": filters,
    }
    return render(request, "investment/lead_list.html", context)


def _lead_form_page(request, form, *, lead=None, duplicates=None, target=None, status=200):
    return render(
        request,
        "investment/lead_form.html",
        {"form": form, "lead": lead, "duplicates": duplicates or [], "target": target},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def lead_create(request):
    user = request.user
    if not access.can_create_lead(user):
        raise access.deny(user, what="无权登记招商项目", request=request)
    target = None
    initial = {"owner": user}
    target_id = _int(request.POST.get("target") or request.GET.get("target"))
    if target_id:
        target = access.get_chain_target_for_user(user, target_id, write=True, request=request)
        initial |= services.lead_data_from_target(target, user)
    form = LeadForm(request.POST or None, zone=user.zone, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {
            k: v for k, v in form.cleaned_data.items() if k not in ("version", "confirm_duplicate")
        }
        data["owner"] = data.get("owner") or user
        try:
            if target is not None:
                lead = services.target_to_lead(
                    target=target,
                    by=user,
                    data=data,
                    confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                    request=request,
                )
            else:
                lead = services.lead_create(
                    by=user,
                    zone=user.zone,
                    data=data,
                    confirm_duplicate=form.cleaned_data["confirm_duplicate"],
                    request=request,
                )
        except services.DuplicateFound as exc:
            form.add_error(None, exc.messages[0])
            return _lead_form_page(request, form, duplicates=exc.matches, target=target, status=409)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            flagged = lead.duplicate_flags.count()
            messages.success(
                request,
                f"已登记招商项目“{lead.name}”（{lead.code}）。"
                + (f"已向{flagged}个疑似撞单项目的负责人发出提醒。" if flagged else ""),
            )
            return redirect("investment:lead", pk=lead.pk)
    return _lead_form_page(request, form, target=target, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def lead_edit(request, pk: int):
    lead = access.get_lead_for_user(request.user, pk, write=True, request=request)
    owner = lead.owner  # the bound form writes its input onto the instance while validating
    form = LeadForm(request.POST or None, instance=lead, zone=lead.zone)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        data["owner"] = data.get("owner") or owner
        try:
            services.lead_update(
                lead=lead,
                by=request.user,
                data=data,
                expected_version=form.cleaned_data["version"] or 0,
                request=request,
            )
            messages.success(request, "已保存。")
            return redirect("investment:lead", pk=pk)
        except ValidationError as exc:
            lead.refresh_from_db()
            add_service_errors(form, exc)
    return _lead_form_page(request, form, lead=lead, status=400 if form.errors else 200)


def _detail_context(request, lead, **extra):
    user = request.user
    can_edit = access.can_edit_lead(user, lead)
    flags = list(DuplicateFlag.objects.filter(lead=lead).select_related("other__owner")) + list(
        DuplicateFlag.objects.filter(other=lead).select_related("lead__owner")
    )
    rank = lead.rank
    context = {
        "lead": lead,
        "row": selectors.LeadRow(lead, access.can_see_lead_contacts(user, lead)),
        "can_edit": can_edit,
        "followups": selectors.lead_followups(lead),
        "arrivals": selectors.lead_arrivals(lead),
        "arrived": sum((a.amount for a in lead.arrivals.all()), 0),
        "flags": flags,
        "history": history_for(lead)[:100],
        "warnings": selectors.unmet_commitments(lead, timezone.localdate()),
        "steps": [(s.value, s.label, stage_rank_le(s, rank)) for s in LEAD_STAGE_ORDER],
        "next_stages": [
            (s.value, s.label)
            for s in LEAD_STAGE_ORDER
            if s != LeadStage.SIGNED
            and LEAD_STAGE_ORDER.index(s) > max(rank, 0)
            and (
                lead.signed_date
                or LEAD_STAGE_ORDER.index(s) < LEAD_STAGE_ORDER.index(LeadStage.SIGNED)
            )
            and not (lead.project_id and s in (LeadStage.STARTED, LeadStage.PRODUCING))
        ],
        "stage_form": StageForm(initial={"version": lead.version}),
        "sign_form": SignForm(initial={"version": lead.version}),
        "followup_form": FollowUpForm(
            initial={"date": timezone.localdate(), "participants": user.name}
        ),
        "arrival_form": ArrivalForm(),
        "convert_form": ConvertForm(
            zone=lead.zone,
            initial={
                "version": lead.version,
                "department": lead.team.department_id if lead.team_id else user.department_id,
            },
        ),
        "settle_form": SettleForm(),
        "today": timezone.localdate(),
    }
    context.update(extra)
    return context


def stage_rank_le(stage, rank: int) -> bool:
    return LEAD_STAGE_ORDER.index(stage) <= rank


@require_http_methods(["GET"])
def lead_detail(request, pk: int):
    lead = access.get_lead_for_user(request.user, pk, request=request)
    if request.GET.get("format") == "xlsx":
        return exports.lead_table_xlsx(request, lead, request.GET.get("table", ""))
    return render(request, "investment/lead_detail.html", _detail_context(request, lead))


def _detail_error(request, lead, status=400, **forms_):
    lead.refresh_from_db()
    return render(
        request,
        "investment/lead_detail.html",
        _detail_context(request, lead, **forms_),
        status=status,
    )


@require_POST
def lead_stage(request, pk: int):
    lead = access.get_lead_for_user(request.user, pk, write=True, request=request)
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            lead = services.lead_change_stage(
                lead=lead,
                by=request.user,
                stage=form.cleaned_data["stage"],
                date=form.cleaned_data["date"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
                request=request,
            )
            messages.success(request, f"阶段已变更为“{lead.get_stage_display()}”。")
            return redirect("investment:lead", pk=pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return _detail_error(request, lead, stage_form=form)


@require_POST
def lead_sign(request, pk: int):
    lead = access.get_lead_for_user(request.user, pk, write=True, request=request)
    form = SignForm(request.POST)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.lead_sign(
                lead=lead,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                request=request,
                **data,
            )
            messages.success(request, "已登记签约。")
            return redirect("investment:lead", pk=pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return _detail_error(request, lead, sign_form=form)


@require_POST
def followup_add(request, pk: int):
    lead = access.get_lead_for_user(request.user, pk, write=True, request=request)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.followup_add(
                lead=lead, by=request.user, data=form.cleaned_data, request=request
            )
            messages.success(request, "已记录跟进。")
            return redirect(reverse("investment:lead", args=[pk]) + "#followups")
        except ValidationError as exc:
            add_service_errors(form, exc)
    return _detail_error(request, lead, followup_form=form)


@require_POST
def arrival_add(request, pk: int):
    lead = access.get_lead_for_user(request.user, pk, write=True, request=request)
    form = ArrivalForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.arrival_add(lead=lead, by=request.user, request=request, **form.cleaned_data)
            messages.success(request, "已登记到位资金。")
            return redirect(reverse("investment:lead", args=[pk]) + "#funding")
        except ValidationError as exc:
            add_service_errors(form, exc)
    return _detail_error(request, lead, arrival_form=form)


@require_http_methods(["GET"])
def arrival_evidence(request, pk: int):
    arrival = access.get_arrival_for_user(request.user, pk, request=request)
    if not arrival.evidence:
        raise Http404("该记录没有上传凭证。")
    return FileResponse(
        arrival.evidence.open("rb"),
        as_attachment=True,
        filename=arrival.evidence.name.rsplit("/", 1)[-1],
    )


@require_POST
def lead_convert(request, pk: int):
    lead = access.get_lead_for_user(request.user, pk, write=True, request=request)
    if not access.can_create_project(request.user):
        raise access.deny(request.user, what="无权登记重点项目", target=lead, request=request)
    form = ConvertForm(request.POST, zone=lead.zone)
    if form.is_valid():
        department = form.cleaned_data["department"]
        if request.user.role == "staff" and department.pk != request.user.department_id:
            form.add_error("department", "部门人员只能把项目登记在本部门。")
        else:
            try:
                project = services.lead_convert_to_project(
                    lead=lead,
                    by=request.user,
                    department=department,
                    expected_version=form.cleaned_data["version"],
                    request=request,
                )
                messages.success(request, f"已转为重点项目“{project.name}”（{project.code}）。")
                return redirect("investment:lead", pk=pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
    return _detail_error(request, lead, convert_form=form)


@require_POST
def flag_settle(request, pk: int):
    flag = DuplicateFlag.objects.select_related("lead", "other").filter(pk=pk).first()
    if flag is None:
        raise Http404("撞单提醒不存在。")
    user = request.user
    lead = access.get_lead_for_user(user, flag.lead_id, request=request)
    if not (access.can_edit_lead(user, flag.lead) or access.can_edit_lead(user, flag.other)):
        raise access.deny(
            user, what="只有双方负责人或领导可以处理撞单提醒", target=lead, request=request
        )
    form = SettleForm(request.POST)
    if form.is_valid():
        try:
            services.flag_settle(
                flag=flag, by=user, note=form.cleaned_data["note"], request=request
            )
            messages.success(request, "撞单提醒已处理。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, "请填写处理说明。")
    back = _int(request.POST.get("back"))
    return redirect(
        "investment:lead", pk=back if back in (flag.lead_id, flag.other_id) else flag.lead_id
    )


# --- funnel ---------------------------------------------------------------------------------------


@require_http_methods(["GET"])
def funnel_view(request):
    user = request.user
    access.require_investment_reader(user, request)
    zones, teams, chains = _choices(user)
    form = FunnelFilterForm(
        request.GET or None,
        zones=zones,
        teams=teams,
        chains=chains,
        initial={"year": timezone.localdate().year},
    )
    year, quarter, zone, team, chain = timezone.localdate().year, None, None, None, None
    if form.is_valid():
        data = form.cleaned_data
        year, quarter, zone, team, chain = (
            data["year"],
            data["quarter"],
            data["zone"],
            data["team"],
            data["chain"],
        )
    period = Period(year, quarter)
    result = selectors.funnel(
        user, period=period, zone_ids=[zone] if zone else None, team_id=team, chain_id=chain
    )
    if request.GET.get("format") == "xlsx":
        return exports.funnel_xlsx(request, result, form)
    chart = {
        "stages": [
            {"name": label, "value": n, "stage": stage} for stage, label, n in result.stages
        ],
    }
    return render(
        request,
        "investment/funnel.html",
        {"form": form, "funnel": result, "chart_json": json.dumps(chart, ensure_ascii=False)},
    )


# --- chain map ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def chain_list(request):
    user = request.user
    access.require_investment_reader(user, request)
    if request.method == "GET" and request.GET.get("format") == "xlsx":
        return exports.chain_list_xlsx(request)
    can_edit = user.zone_id is not None and access.can_edit_chains(user, user.zone_id)
    form = ChainForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise access.deny(user, what="无权修改招商图谱", request=request)
        if form.is_valid():
            try:
                chain = services.chain_create(
                    by=user, zone=user.zone, request=request, **form.cleaned_data
                )
                messages.success(request, f"已新建产业链“{chain.name}”。")
                return redirect("investment:chain", pk=chain.pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
    return render(
        request,
        "investment/chain_list.html",
        {"chains": selectors.chain_summaries(user), "form": form, "can_edit": can_edit},
        status=400 if form.errors else 200,
    )


def _chain_context(request, chain, **extra):
    cmap = selectors.chain_map(chain)
    can_edit = access.can_edit_chains(request.user, chain.zone_id)
    context = {
        "chain": chain,
        "map": cmap,
        "tree_json": json.dumps(cmap.tree_data(), ensure_ascii=False),
        "can_edit": can_edit,
        "can_create_lead": access.can_create_lead(request.user, chain.zone_id),
        "node_form": NodeForm(chain=chain, prefix="node"),
        "membership_form": MembershipForm(zone=chain.zone, prefix="member"),
        "target_form": TargetForm(prefix="target"),
        "chain_form": ChainForm(
            prefix="chain",
            initial={"name": chain.name, "goal": chain.goal, "description": chain.description},
        ),
        "open_node": None,
        "target_statuses": [
            (value, label)
            for value, label in TargetEnterprise.Status.choices
            if value != TargetEnterprise.Status.LEAD
        ],
        "orgs": list(
            Organisation.objects.filter(zone=chain.zone).only("id", "name").order_by("name")
        ),
    }
    context.update(extra)
    return context


@require_http_methods(["GET"])
def chain_detail(request, pk: int):
    chain = access.get_chain_for_user(request.user, pk, request=request)
    if request.GET.get("format") == "xlsx":
        return exports.chain_targets_xlsx(request, chain)
    return render(request, "investment/chain_detail.html", _chain_context(request, chain))


@require_POST
def chain_edit(request, pk: int):
    chain = access.get_chain_for_user(request.user, pk, write=True, request=request)
    form = ChainForm(request.POST, prefix="chain")
    if form.is_valid():
        try:
            services.chain_update(
                chain=chain,
                by=request.user,
                data=form.cleaned_data,
                expected_version=_int(request.POST.get("version")) or 0,
                request=request,
            )
            messages.success(request, "产业链已保存。")
            return redirect("investment:chain", pk=pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "investment/chain_detail.html",
        _chain_context(request, chain, chain_form=form),
        status=400,
    )


@require_POST
def node_add(request, pk: int):
    chain = access.get_chain_for_user(request.user, pk, write=True, request=request)
    form = NodeForm(request.POST, chain=chain, prefix="node")
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            node = services.node_create(by=request.user, chain=chain, data=data, request=request)
            messages.success(request, f"已新增节点“{node.name}”。")
            return redirect(reverse("investment:chain", args=[pk]) + f"#node-{node.pk}")
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "investment/chain_detail.html",
        _chain_context(request, chain, node_form=form),
        status=400,
    )


@require_http_methods(["GET", "POST"])
def node_edit(request, pk: int):
    node = access.get_node_for_user(request.user, pk, write=True, request=request)
    chain = node.chain
    if request.method == "POST":
        form = NodeForm(request.POST, chain=chain)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                services.node_update(
                    node=node,
                    by=request.user,
                    data=data,
                    expected_version=form.cleaned_data["version"] or 0,
                    request=request,
                )
                messages.success(request, "节点已保存。")
                return redirect(reverse("investment:chain", args=[chain.pk]) + f"#node-{pk}")
            except ValidationError as exc:
                add_service_errors(form, exc)
    else:
        form = NodeForm(
            chain=chain,
            initial={
                "name": node.name, "link": node.link, "parent": node.parent_id, "is_weak": node.is_weak,
                "weak_reason": node.weak_reason, "sort_order": node.sort_order, "version": node.version,
            },
        )  # fmt: skip
    form.fields["parent"].queryset = form.fields["parent"].queryset.exclude(pk=node.pk)
    return render(
        request,
        "investment/node_edit.html",
        {"form": form, "node": node, "chain": chain},
        status=400 if form.errors else 200,
    )


@require_POST
def node_delete(request, pk: int):
    node = access.get_node_for_user(request.user, pk, write=True, request=request)
    chain_pk = node.chain_id
    try:
        services.node_delete(node=node, by=request.user, request=request)
        messages.success(request, "节点已删除。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("investment:chain", pk=chain_pk)


@require_POST
def membership_add(request, pk: int):
    node = access.get_node_for_user(request.user, pk, write=True, request=request)
    form = MembershipForm(request.POST, zone=node.chain.zone, prefix="member")
    if form.is_valid():
        try:
            services.membership_add(
                by=request.user, node=node, request=request, **form.cleaned_data
            )
            messages.success(request, "已添加节点企业。")
            return redirect(reverse("investment:chain", args=[node.chain_id]) + f"#node-{pk}")
        except ValidationError as exc:
            add_service_errors(form, exc)
    chain = node.chain
    return render(
        request,
        "investment/chain_detail.html",
        _chain_context(request, chain, membership_form=form, open_node=node.pk),
        status=400,
    )


@require_POST
def membership_remove(request, pk: int):
    membership = (
        NodeMembership.objects.select_related("node__chain", "organisation").filter(pk=pk).first()
    )
    if membership is None:
        raise Http404("节点企业不存在。")
    access.get_node_for_user(request.user, membership.node_id, write=True, request=request)
    services.membership_remove(membership=membership, by=request.user, request=request)
    messages.success(request, "已移除节点企业。")
    return redirect(
        reverse("investment:chain", args=[membership.node.chain_id]) + f"#node-{membership.node_id}"
    )


@require_POST
def target_add(request, pk: int):
    node = access.get_node_for_user(request.user, pk, write=True, request=request)
    form = TargetForm(request.POST, prefix="target")
    if form.is_valid():
        try:
            services.target_add(by=request.user, node=node, request=request, **form.cleaned_data)
            messages.success(request, "已添加靶向企业。")
            return redirect(reverse("investment:chain", args=[node.chain_id]) + f"#node-{pk}")
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "investment/chain_detail.html",
        _chain_context(request, node.chain, target_form=form, open_node=node.pk),
        status=400,
    )


@require_POST
def target_status(request, pk: int):
    target = access.get_chain_target_for_user(request.user, pk, write=True, request=request)
    try:
        services.target_set_status(
            target=target, by=request.user, status=request.POST.get("status", ""), request=request
        )
        messages.success(request, "已更新靶向企业状态。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(
        reverse("investment:chain", args=[target.node.chain_id]) + f"#node-{target.node_id}"
    )


# --- teams and events -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def team_list(request):
    user = request.user
    access.require_investment_reader(user, request)
    if request.method == "GET" and request.GET.get("format") == "xlsx":
        # one page, two tables: ?table=events exports the 招商活动 table, else the teams
        if request.GET.get("table") == "events":
            return exports.events_xlsx(request, selectors.events_for(user))
        return exports.teams_xlsx(request, selectors.team_overview(user))
    can_add_event = user.zone_id is not None and access.can_create_lead(user)
    event_form = EventForm(request.POST or None, zone=user.zone) if user.zone_id else None
    if request.method == "POST":
        if not can_add_event:
            raise access.deny(user, what="无权登记招商活动", request=request)
        if event_form.is_valid():
            try:
                event = services.event_create(
                    by=user, zone=user.zone, data=event_form.cleaned_data, request=request
                )
                messages.success(request, f"已登记招商活动“{event.name}”。")
                return redirect("investment:teams")
            except ValidationError as exc:
                add_service_errors(event_form, exc)
    teams = selectors.team_overview(user)
    year = timezone.localdate().year
    return render(
        request,
        "investment/teams.html",
        {
            "teams": teams,
            "year": year,
            "event_form": event_form,
            "can_add_event": can_add_event,
            "can_manage": user.zone_id is not None and access.can_manage_teams(user, user.zone_id),
            "target_form": TeamTargetForm(initial={"year": year}),
            "team_form": TeamForm(zone=user.zone) if user.zone_id else None,
            "events": selectors.events_for(user),
        },
        status=400 if event_form is not None and event_form.errors else 200,
    )


@require_POST
def team_target(request, pk: int):
    team = access.get_team_for_user(request.user, pk, manage=True, request=request)
    form = TeamTargetForm(request.POST)
    if form.is_valid():
        try:
            services.team_target_set(
                team=team, by=request.user, request=request, **form.cleaned_data
            )
            messages.success(request, f"已设置“{team.name}”{form.cleaned_data['year']}年度目标。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(
            request, "目标填写有误：" + "；".join(e for errs in form.errors.values() for e in errs)
        )
    return redirect("investment:teams")


@require_http_methods(["GET", "POST"])
def team_edit(request, pk: int | None = None):
    """The leader creates a team or changes its leader and members."""
    user = request.user
    if pk is None:
        if user.zone_id is None or not access.can_manage_teams(user, user.zone_id):
            raise access.deny(user, what="只有主要领导可以设置小分队和年度目标", request=request)
        team, zone = None, user.zone
    else:
        team = access.get_team_for_user(user, pk, manage=True, request=request)
        zone = team.zone
    initial = {}
    if team is not None:
        initial = {
            "name": team.name, "department": team.department_id, "leader": team.leader_id,
            "members": list(team.members.values_list("id", flat=True)), "focus": team.focus,
        }  # fmt: skip
    form = TeamForm(request.POST or None, zone=zone, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.team_save(
                by=user, zone=zone, team=team, request=request, **form.cleaned_data
            )
            messages.success(request, f"已保存招商小分队“{saved.name}”。")
            return redirect(reverse("investment:teams") + f"#team-{saved.pk}")
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "investment/team_form.html",
        {"form": form, "team": team},
        status=400 if form.errors else 200,
    )

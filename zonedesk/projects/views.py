"""Pages of the key-project register (重点项目库)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zonedesk import access
from zonedesk.accounts.audit import history_for
from zonedesk.accounts.models import Role, User
from zonedesk.forms import add_service_errors
from zonedesk.intake.export import ExportColumn, export_xlsx
from zonedesk.lib.uploads import attachment, clean_upload
from zonedesk.zones.selectors import code_tables_loaded

from . import services
from .forms import (
    ArchiveForm,
    EvidenceForm,
    FundingForm,
    MilestoneForm,
    PlanForm,
    ProjectFilterForm,
    ProjectForm,
    RebaselineForm,
    StageForm,
)
from .models import MilestoneTemplate, Project, Stage
from .selectors import ProjectFilters, project_list, project_milestones, project_totals

PAGE_SIZE = 30


def _filters(request) -> tuple[ProjectFilterForm, ProjectFilters]:
    user = request.user
    zones = access.zones_for(user)
    form = ProjectFilterForm(
        request.GET,
        zones=zones,
        departments=access.departments_for(user).select_related("zone"),
        leads=User.objects.filter(zone__in=zones, role__in=[Role.LEADER, Role.DEPUTY]),
    )
    filters = ProjectFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = ProjectFilters(
            q=data["q"].strip(),
            zone=data["zone"].pk if data["zone"] else None,
            stage=data["stage"],
            level=data["level"],
            category=data["category"],
            department=data["department"].pk if data["department"] else None,
            lead=data["lead"].pk if data["lead"] else None,
            in_statistics={"1": True, "0": False}.get(data["in_statistics"]),
            archived=data["archived"],
            sort=data["sort"] or "code",
        )
    return form, filters


@require_http_methods(["GET"])
def project_list_view(request):
    access.require_business_role(request.user, request)
    form, filters = _filters(request)
    qs = project_list(request.user, filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    context = {
        "form": form,
        "page": page,
        "totals": project_totals(qs),
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "sort": filters.sort,
        "can_create": access.can_create_project(request.user),
        # A zone's own parks don't make a leader "multi-zone"; a city viewer's several zones do.
        "multi_zone": access.zones_for(request.user).filter(parent__isnull=True).count() > 1,
    }
    template = "projects/list.html#results" if request.htmx else "projects/list.html"
    return render(request, template, context)


@require_http_methods(["GET"])
def project_export(request):
    """导出Excel: the list as on screen (same filters and order), audited."""
    from zonedesk.intake.export import project_list_export

    access.require_business_role(request.user, request)
    form, filters = _filters(request)
    multi_zone = access.zones_for(request.user).filter(parent__isnull=True).count() > 1
    return project_list_export(
        request, project_list(request.user, filters), form, multi_zone=multi_zone
    )


@require_http_methods(["GET"])
def project_detail(request, pk: int):
    project = access.get_project_for_user(request.user, pk, request=request)
    if request.GET.get("format") == "xlsx":
        # One file per table of the page; the milestone plan is the only table it exports.
        if request.GET.get("table", "milestones") != "milestones":
            raise Http404("没有该表格。")
        return _milestones_xlsx(request, project)
    return render(request, "projects/detail.html", _detail_context(request, project))


MILESTONE_COLUMNS = [
    ExportColumn("序号", "int"),
    ExportColumn("节点", width=20),
    ExportColumn("基线日期", "date"),
    ExportColumn("计划完成日期", "date"),
    ExportColumn("较基线推迟天数", "int"),
    ExportColumn("基线后调整次数", "int"),
    ExportColumn("实际完成日期", "date"),
    ExportColumn("状态"),
    ExportColumn("滞后天数", "int"),
    ExportColumn("责任单位"),
    ExportColumn("备注", width=30),
    ExportColumn("印证资料（份）", "int"),
]


def _milestones_xlsx(request, project: Project):
    """节点计划（倒排工期）as on the page: each milestone's baseline, its plan and how far the plan
    moved from it, and its state and days behind the plan by the Gantt's rules."""
    # reports sits above projects (it reads dispatch and projects): imported where used.
    from zonedesk.reports.selectors import MILESTONE_STATES, milestone_delay, milestone_state

    today = timezone.localdate()
    milestones = project_milestones(project)
    rows = [
        [
            m.order,
            m.name,
            m.baseline_date,
            m.planned_date,
            m.slip_days,
            m.plan_changes,
            m.actual_date,
            MILESTONE_STATES[milestone_state(m, today)],
            milestone_delay(m, today),
            m.responsible_unit.name if m.responsible_unit_id else "",
            m.note,
            len(m.live_evidence),
        ]
        for m in milestones
    ]
    return export_xlsx(
        request,
        columns=MILESTONE_COLUMNS,
        rows=rows,
        title=f"{project.name}节点计划",
        filters_text=f"项目：{project.code} {project.name}；状态与滞后天数截至{today:%Y-%m-%d}",
        count=len(rows),
    )


def _detail_context(request, project: Project, **extra):
    can_edit = access.can_edit_project(request.user, project)
    milestones = project_milestones(project)
    context = {
        "project": project,
        "funding": list(project.funding.all()),
        "milestones": milestones,
        "history": history_for(project)[:200],
        "can_edit": can_edit and not project.is_archived,
        "can_archive": can_edit,
        "next_stage": services.next_stage(project),
        "stage_form": StageForm(
            initial={"version": project.version, "stage": services.next_stage(project)}
        ),
        "archive_form": ArchiveForm(),
        "plan_form": PlanForm(project=project),
        "can_rebaseline": access.can_rebaseline(request.user, project) and not project.is_archived,
        "rebaseline_form": RebaselineForm(),
        "slipped": [m for m in milestones if not m.actual_date and m.slip_days > 0],
        # 重定基线 is offered only when some unreached plan differs from, or moved since, its baseline.
        "rebaseline_due": any(
            not m.actual_date and (m.slip_days or m.plan_changes) for m in milestones
        ),
        "new_milestone_form": MilestoneForm(zone=project.zone, prefix="new"),
        "evidence_max_mb": services.EVIDENCE_MAX_BYTES // 1048576,
        "today": timezone.localdate(),
    }
    context.update(extra)
    return context


def _save_project(request, *, project: Project | None):
    user = request.user
    zone = project.zone if project else user.zone
    form = ProjectForm(request.POST or None, instance=project, zone=zone, user=user)
    funding = FundingForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid() and funding.is_valid():
        data = {
            name: form.cleaned_data[name] for name in form.fields if not form.fields[name].disabled
        }
        try:
            if project is None:
                template = None
                if request.POST.get("plan_milestones"):
                    template = MilestoneTemplate.objects.filter(category=data["category"]).first()
                    if template and not (
                        data.get("planned_completion") or data.get("planned_production")
                    ):
                        template = None
                saved = services.project_create(
                    by=user,
                    zone=zone,
                    data=data | {"stage": request.POST.get("stage") or Stage.CONCEIVED},
                    funding=funding.lines(),
                    template=template,
                    request=request,
                )
                messages.success(request, f"已登记项目“{saved.name}”。")
            else:
                version = int(request.POST.get("version") or 0)
                saved = services.project_update(
                    project=project,
                    by=user,
                    data=data,
                    expected_version=version,
                    funding=funding.lines(),
                    request=request,
                )
                messages.success(request, f"已保存项目“{saved.name}”。")
            return redirect("projects:detail", pk=saved.pk)
        except services.EditConflict as exc:
            form.add_error(None, exc.messages[0])
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "projects/form.html",
        {
            "form": form,
            "funding_form": funding,
            "project": project,
            "stages": Stage.choices,
            "tables": code_tables_loaded(),
        },
    )


@require_http_methods(["GET", "POST"])
def project_create(request):
    if not access.can_create_project(request.user):
        raise access.deny(request.user, what="无权登记项目", request=request)
    return _save_project(request, project=None)


@require_http_methods(["GET", "POST"])
def project_edit(request, pk: int):
    project = access.get_project_for_user(request.user, pk, write=True, request=request)
    if project.is_archived:
        messages.error(request, "已归档的项目不能修改，请先恢复。")
        return redirect("projects:detail", pk=pk)
    return _save_project(request, project=project)


@require_POST
def project_stage(request, pk: int):
    project = access.get_project_for_user(request.user, pk, write=True, request=request)
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            services.project_change_stage(
                project=project,
                by=request.user,
                stage=form.cleaned_data["stage"],
                date=form.cleaned_data["date"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
                request=request,
            )
            project.refresh_from_db()
            messages.success(request, f"项目阶段已变更为“{project.get_stage_display()}”。")
            return redirect("projects:detail", pk=pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    context = _detail_context(request, project, stage_form=form)
    return render(request, "projects/detail.html", context, status=400)


@require_POST
def project_archive(request, pk: int):
    project = access.get_project_for_user(request.user, pk, write=True, request=request)
    form = ArchiveForm(request.POST)
    if form.is_valid():
        try:
            services.project_archive(
                project=project,
                by=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
            messages.success(request, "项目已归档，可在列表中勾选“仅看已归档”找到并恢复。")
            return redirect("projects:detail", pk=pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "projects/detail.html",
        _detail_context(request, project, archive_form=form),
        status=400,
    )


@require_POST
def project_restore(request, pk: int):
    project = access.get_project_for_user(request.user, pk, write=True, request=request)
    try:
        services.project_restore(project=project, by=request.user, request=request)
        messages.success(request, "项目已恢复。")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("projects:detail", pk=pk)


@require_POST
def milestones_plan(request, pk: int):
    project = access.get_project_for_user(request.user, pk, write=True, request=request)
    form = PlanForm(request.POST, project=project)
    if form.is_valid():
        try:
            created = services.milestones_plan(
                project=project, template=form.cleaned_data["template"], by=request.user
            )
            messages.success(request, f"已倒排工期，生成{len(created)}个节点。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, "请选择节点模板。")
    return redirect("projects:detail", pk=pk)


@require_POST
def milestones_rebaseline(request, pk: int):
    """重定基线: the current plan of the open milestones becomes their baseline."""
    project = access.get_project_for_user(request.user, pk, request=request)
    if not access.can_rebaseline(request.user, project):
        raise access.deny(request.user, what="无权重定基线", target=project, request=request)
    form = RebaselineForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["reason"][0])
        return redirect("projects:detail", pk=pk)
    try:
        count = services.milestones_rebaseline(
            project=project, by=request.user, reason=form.cleaned_data["reason"], request=request
        )
        messages.success(request, f"已以当前计划重定{count}个节点的基线。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("projects:detail", pk=pk)


@require_POST
def milestone_add(request, pk: int):
    project = access.get_project_for_user(request.user, pk, write=True, request=request)
    form = MilestoneForm(request.POST, zone=project.zone, prefix="new")
    if form.is_valid():
        data = {
            k: v for k, v in form.cleaned_data.items() if k not in ("version", "plan_change_reason")
        }
        try:
            services.milestone_create(project=project, by=request.user, data=data, request=request)
            messages.success(request, f"已新增节点“{data['name']}”。")
            return redirect("projects:detail", pk=pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(
        request,
        "projects/detail.html",
        _detail_context(request, project, new_milestone_form=form),
        status=400,
    )


@require_http_methods(["GET", "POST"])
def milestone_edit(request, pk: int):
    """Inline edit of one milestone row (HTMX swaps the row; without HTMX it is a small page)."""
    milestone = access.get_milestone_for_user(request.user, pk, write=True, request=request)
    project = milestone.project
    if request.method == "POST":
        form = MilestoneForm(request.POST, instance=milestone, zone=project.zone, prefix=f"m{pk}")
        if form.is_valid():
            data = {
                k: v
                for k, v in form.cleaned_data.items()
                if k not in ("version", "plan_change_reason")
            }
            try:
                milestone = services.milestone_update(
                    milestone=milestone,
                    by=request.user,
                    data=data,
                    expected_version=form.cleaned_data["version"] or 0,
                    reason=form.cleaned_data["plan_change_reason"],
                    request=request,
                )
                if not request.htmx:
                    return redirect("projects:detail", pk=project.pk)
                return render(
                    request,
                    "projects/detail.html#milestone-row",
                    _row_context(milestone, project, can_edit=True),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
    else:
        form = MilestoneForm(
            instance=milestone,
            zone=project.zone,
            prefix=f"m{pk}",
            initial={"version": milestone.version},
        )
    template = (
        "projects/detail.html#milestone-form" if request.htmx else "projects/milestone_edit.html"
    )
    return render(request, template, {"m": milestone, "form": form, "project": project})


@require_http_methods(["GET"])
def milestone_row(request, pk: int):
    milestone = access.get_milestone_for_user(request.user, pk, request=request)
    project = milestone.project
    return render(
        request,
        "projects/detail.html#milestone-row",
        _row_context(milestone, project, can_edit=access.can_edit_project(request.user, project)),
    )


def _row_context(milestone, project: Project, *, can_edit: bool) -> dict:
    """What one milestone row of the project page needs when HTMX swaps it alone."""
    return {
        "m": milestone,
        "project": project,
        "can_edit": can_edit and not project.is_archived,
        "evidence_max_mb": services.EVIDENCE_MAX_BYTES // 1048576,
        "today": timezone.localdate(),
    }


@require_POST
def evidence_upload(request, pk: int):
    """上传印证资料 of one milestone: whoever may edit the project; each file checked by content."""
    milestone = access.get_milestone_for_user(request.user, pk, write=True, request=request)
    form = EvidenceForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        files = [
            clean_upload(f, label="印证资料", max_bytes=services.EVIDENCE_MAX_BYTES)
            for f in form.cleaned_data["files"]
        ]
        services.milestone_evidence_add(
            milestone=milestone, by=request.user, files=files, request=request
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已为节点“{milestone.name}”上传{len(files)}份印证资料。")
    return redirect(reverse("projects:detail", args=[milestone.project_id]) + f"#milestone-{pk}")


@require_GET
def evidence_file(request, pk: int):
    item = access.get_milestone_evidence_for_user(request.user, pk, request=request)
    return attachment(item)


@require_POST
def evidence_remove(request, pk: int):
    item = access.get_milestone_evidence_for_user(request.user, pk, write=True, request=request)
    try:
        services.milestone_evidence_remove(evidence=item, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已删除印证资料“{item.original_name}”。")
    milestone_id = item.milestone_id
    return redirect(
        reverse("projects:detail", args=[item.milestone.project_id]) + f"#milestone-{milestone_id}"
    )

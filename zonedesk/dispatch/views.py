"""Pages of 调度: the period status board, the unit's batch filling page, a report with its
approval, reminders, the warnings list and the zone's dispatch settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zonedesk import access
from zonedesk.accounts.audit import history_for
from zonedesk.accounts.models import Role
from zonedesk.forms import add_service_errors
from zonedesk.zones.models import Organisation

from . import selectors, services
from .forms import ApproveForm, BatchReportForm, ReturnForm, SettingsForm, WarningFilterForm
from .models import ProgressReport
from .photos import MAX_BYTES, MAX_PER_REPORT


def _zone(request):
    """The zone a page is about: ?zone= among the user's zones, else their first."""
    zones = list(selectors.root_zones_for(request.user))
    if not zones:
        raise access.deny(request.user, what="没有可查看的开发区", request=request)
    wanted = request.GET.get("zone", "")
    chosen = next((z for z in zones if str(z.pk) == wanted), zones[0])
    return chosen, zones


def _period_param(request) -> int | None:
    value = request.GET.get("period", "")
    return int(value) if value.isdigit() else None


@require_GET
def board(request):
    """填报情况: per department and unit, who has reported in the period and who has not."""
    access.require_business_role(request.user, request)
    zone, zones = _zone(request)
    period = None
    if _period_param(request):
        period = access.get_period_for_user(request.user, _period_param(request), request=request)
        zone = period.zone
    current = services.periods_ensure(zone=zone)
    period = period or current
    context = {
        "zone": zone,
        "zones": zones,
        "period": period,
        "current": current,
        "periods": selectors.recent_periods(zone),
        "board": selectors.board(request.user, period),
        "can_remind": access.can_remind(request.user, period.zone_id),
        "is_unit": request.user.role == Role.UNIT,
    }
    return render(request, "dispatch/board.html", context)


@require_http_methods(["GET", "POST"])
def fill(request):
    """批量填报: a unit's projects of one period on one page, saved all or nothing."""
    user = request.user
    if user.role != Role.UNIT or not user.organisation_id or not user.zone_id:
        raise access.deny(user, what="只有项目单位填报员可以填报进度", request=request)
    open_periods = services.periods_open(zone=user.zone)
    period = open_periods[0]
    if _period_param(request):
        period = access.get_period_for_user(user, _period_param(request), request=request)
    rows = selectors.fill_rows(user, period)
    form = BatchReportForm(request.POST or None, request.FILES or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            saved = services.progress_reports_save(
                period=period, rows=form.inputs(), by=user, submit=submit, request=request
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if not saved:
                messages.error(request, "没有填写任何内容，未保存。")
            elif submit:
                messages.success(
                    request, f"已报送{len(saved)}个项目的{period.label}进度，等待责任部门审核。"
                )
            else:
                messages.success(request, f"已保存{len(saved)}个项目的草稿，截止前请记得报送。")
            return redirect(f"{reverse('dispatch:fill')}?period={period.pk}")
    context = {
        "period": period,
        "open_periods": open_periods,
        "rows": rows,
        "entries": [(row, form.fields_for(row)) for row in rows],
        "form": form,
        "returned": selectors.returned_elsewhere(user, exclude_period=period),
        "reminders": selectors.reminders_for(user, period),
        "photo_max_mb": MAX_BYTES // 1048576,
        "photo_max_count": MAX_PER_REPORT,
    }
    return render(request, "dispatch/fill.html", context, status=400 if form.errors else 200)


def _report_context(request, report: ProgressReport, **extra):
    user = request.user
    can_review = access.can_review_report(user, report.project)
    context = {
        "report": report,
        "project": report.project,
        "milestones": list(report.milestones_reached.select_related("milestone")),
        "photos": list(report.photos.all()),
        "history": history_for(report).filter(object_type="dispatch.progressreport")[:50],
        "can_approve": can_review and report.status == ProgressReport.Status.SUBMITTED,
        "can_return": can_review
        and report.status in (ProgressReport.Status.SUBMITTED, ProgressReport.Status.APPROVED),
        "can_fill": access.can_fill_report(user, report.project) and report.is_editable,
        "approve_form": ApproveForm(initial={"version": report.version}),
        "return_form": ReturnForm(initial={"version": report.version}),
    }
    context.update(extra)
    return context


@require_GET
def report_detail(request, pk: int):
    report = access.get_report_for_user(request.user, pk, request=request)
    return render(request, "dispatch/report.html", _report_context(request, report))


@require_POST
def report_approve(request, pk: int):
    report = access.get_report_for_user(request.user, pk, action="review", request=request)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            services.progress_report_approve(
                report=report,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                request=request,
            )
            messages.success(
                request, f"已审核通过“{report.project.name}”的{report.period.label}进度。"
            )
            return redirect("dispatch:report", pk=pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    report.refresh_from_db()
    return render(
        request,
        "dispatch/report.html",
        _report_context(request, report, approve_form=form),
        status=400,
    )


@require_POST
def report_return(request, pk: int):
    report = access.get_report_for_user(request.user, pk, action="review", request=request)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.progress_report_return(
                report=report,
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
                request=request,
            )
            messages.success(
                request, f"已将“{report.project.name}”的{report.period.label}进度退回实施单位。"
            )
            return redirect("dispatch:report", pk=pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    report.refresh_from_db()
    return render(
        request,
        "dispatch/report.html",
        _report_context(request, report, return_form=form),
        status=400,
    )


@require_GET
def photo(request, pk: int):
    item = access.get_photo_for_user(request.user, pk, request=request)
    return FileResponse(item.file.open("rb"), content_type=item.content_type)


@require_POST
def remind(request, period_pk: int, org_pk: int):
    """一键催报: an in-app reminder and an e-mail to the unit's users."""
    period = access.get_period_for_user(request.user, period_pk, request=request)
    if not access.can_remind(request.user, period.zone_id):
        raise access.deny(request.user, what="无权催报", target=period, request=request)
    organisation = Organisation.objects.filter(pk=org_pk, zone_id=period.zone_id).first()
    back = f"{reverse('dispatch:board')}?zone={period.zone_id}&period={period.pk}"
    if organisation is None:
        messages.error(request, "该单位不属于本开发区。")
        return redirect(back)
    try:
        reminder = services.reminder_send(
            period=period, organisation=organisation, by=request.user, request=request
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        mailed = (
            f"，并发送邮件{len(reminder.emailed_to)}封"
            if reminder.emailed_to
            else "（该单位无人登记邮箱，仅站内提醒）"
        )
        messages.success(request, f"已提醒{organisation.name}{mailed}。")
    return redirect(back)


@require_GET
def warning_list(request):
    """预警: red / amber / green with the reasons, filtered by colour and department."""
    access.require_business_role(request.user, request)
    zone, zones = _zone(request)
    services.periods_ensure(zone=zone)
    services.warnings_refresh(zone=zone)
    form = WarningFilterForm(
        request.GET, departments=access.departments_for(request.user).filter(zone=zone)
    )
    filters = selectors.WarningFilters(zone=zone.pk)
    if form.is_valid():
        department = form.cleaned_data["department"]
        filters.colour = form.cleaned_data["colour"]
        filters.department = department.pk if department else None
    qs = selectors.warning_list(request.user, filters)
    counts = selectors.warning_counts(
        selectors.warning_list(request.user, selectors.WarningFilters(zone=zone.pk))
    )
    context = {"zone": zone, "zones": zones, "form": form, "warnings": list(qs), "counts": counts}
    return render(request, "dispatch/warnings.html", context)


@require_http_methods(["GET", "POST"])
def settings_edit(request):
    """调度设置: the zone's reporting rhythm and warning thresholds; a leader changes them."""
    zone, _ = _zone(request)
    if not access.can_edit_dispatch_settings(request.user, zone.pk):
        raise access.deny(request.user, what="只有主要领导可以修改调度设置", request=request)
    current = services.settings_for(zone.pk)
    form = SettingsForm(
        request.POST or None, instance=current, initial={"version": current.version}
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in SettingsForm.Meta.fields}
        try:
            services.dispatch_settings_update(
                zone=zone,
                by=request.user,
                data=data,
                expected_version=form.cleaned_data["version"] or 0,
                request=request,
            )
            messages.success(
                request,
                "调度设置已保存；新的填报周期和截止时间从下一期起生效，预警已按新阈值重新评估。",
            )
            return redirect("dispatch:settings")
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "dispatch/settings.html", {"form": form, "zone": zone})

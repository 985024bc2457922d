"""Pages of 调度: the period status board, the unit's batch filling page, a report with its
approval, reminders, the warnings list and the zone's dispatch settings; blockers (要素保障),
dispatch meetings with their agenda and minutes, and 督办 with feedback and confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zonedesk import access
from zonedesk.accounts.audit import history_for
from zonedesk.accounts.models import Role
from zonedesk.forms import add_service_errors
from zonedesk.zones.models import Department, Organisation

from . import exports, selectors, services
from .forms import (
    AgendaAddForm,
    ApproveForm,
    BatchReportForm,
    BlockerFilterForm,
    BlockerForm,
    DecisionForm,
    EscalateForm,
    FeedbackForm,
    MeetingForm,
    MeetingNewForm,
    ReturnForm,
    ScheduleForm,
    SettingsForm,
    SupervisionFilterForm,
    VersionNoteForm,
    VersionReasonForm,
    WarningFilterForm,
)
from .models import AgendaItem, ProgressReport
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
def photo_remove(request, pk: int):
    """删除照片: the filling unit removes a photo while it may still change the report."""
    item = access.get_photo_for_user(request.user, pk, request=request)
    report = item.report
    if not access.can_fill_report(request.user, report.project):
        raise access.deny(
            request.user, what="只有项目实施单位可以删除照片", target=report, request=request
        )
    try:
        services.photo_remove(photo=item, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已删除照片“{item.original_name}”。")
    return redirect(f"{reverse('dispatch:fill')}?period={report.period_id}")


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


# --- 要素保障 (blockers) -------------------------------------------------------------------------


def _with_default_status(query):
    """The filters as given, with 未解决/未办结 when the status was not chosen at all (a link
    from the menu); an explicit empty status means every status."""
    data = query.copy()
    data.setdefault("status", "active")
    return data


def _version_error(form) -> str:
    return "；".join(e for errors in form.errors.values() for e in errors) or "提交的内容有误。"


@require_GET
def blocker_list(request):
    """要素保障问题: by category, status and level; overdue ones highlighted."""
    access.require_business_role(request.user, request)
    zone, zones = _zone(request)
    departments = access.departments_for(request.user).filter(zone=zone)
    form = BlockerFilterForm(_with_default_status(request.GET), departments=departments)
    filters = selectors.BlockerFilters(zone=zone.pk, status="active")
    if form.is_valid():
        department = form.cleaned_data["department"]
        filters.category = form.cleaned_data["category"]
        filters.status = form.cleaned_data["status"]
        filters.level = form.cleaned_data["level"]
        filters.department = department.pk if department else None
        filters.overdue = form.cleaned_data["overdue"]
        if form.cleaned_data["awaiting"]:
            filters.awaiting = request.user
    qs = selectors.blocker_list(request.user, filters)
    if request.GET.get("format") == "xlsx":
        return exports.blockers_xlsx(request, zone, qs, form)
    counts = selectors.blocker_counts(
        selectors.blocker_list(request.user, selectors.BlockerFilters(zone=zone.pk)),
        user=request.user,
    )
    context = {
        "zone": zone,
        "zones": zones,
        "form": form,
        "blockers": list(qs[:500]),
        "counts": counts,
        "today": timezone.localdate(),
    }
    return render(request, "dispatch/blockers.html", context)


def _blocker_context(request, blocker, **extra):
    user = request.user
    events = list(blocker.events.select_related("by"))
    today = timezone.localdate()
    context = {
        "blocker": blocker,
        "project": blocker.project,
        "events": events,
        "spans": selectors.level_spans(blocker, events),
        "history": history_for(blocker)[:50],
        "today": today,
        "now": timezone.now(),
        "can_handle": access.can_handle_blocker(user, blocker),
        "can_escalate": access.can_escalate_blocker(user, blocker),
        "can_close": access.can_close_blocker(user, blocker),
        "can_reopen": access.can_reopen_blocker(user, blocker),
        "escalation_due": blocker.is_overdue(today) and blocker.next_level is not None,
        "note_form": VersionNoteForm(initial={"version": blocker.version}),
        "reason_form": VersionReasonForm(initial={"version": blocker.version}),
        "escalate_form": EscalateForm(initial={"version": blocker.version}),
        "supervision": list(blocker.supervision_items.select_related("department")),
        "reminders": list(blocker.reminders.all()[:5]),
    }
    context.update(extra)
    return context


@require_GET
def blocker_detail(request, pk: int):
    blocker = access.get_blocker_for_user(request.user, pk, request=request)
    return render(request, "dispatch/blocker.html", _blocker_context(request, blocker))


@require_http_methods(["GET", "POST"])
def blocker_create(request, project_pk: int):
    """提出要素保障问题 for a project (the form also sits on the project page)."""
    project = access.get_project_for_user(request.user, project_pk, request=request)
    if not access.can_raise_blocker(request.user, project):
        raise access.deny(
            request.user, what="无权提出要素保障问题", target=project, request=request
        )
    form = BlockerForm(request.POST or None, zone_id=project.zone_id)
    if request.method == "POST" and form.is_valid():
        try:
            blocker = services.blocker_raise(
                project=project, by=request.user, data=form.data_for_service(), request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"已提出“{project.name}”的{blocker.get_category_display()}问题，"
                f"由{blocker.department.name}负责，{blocker.deadline:%Y-%m-%d}前解决。",
            )
            return redirect("dispatch:blocker", pk=blocker.pk)
    status = 400 if form.errors else 200
    return render(
        request, "dispatch/blocker_new.html", {"form": form, "project": project}, status=status
    )


@require_http_methods(["GET", "POST"])
def blocker_edit(request, pk: int):
    """修改 an open blocker's category, description, department, lead official or deadline."""
    blocker = access.get_blocker_for_user(request.user, pk, action="handle", request=request)
    initial = {"version": blocker.version}
    form = BlockerForm(
        request.POST or None, instance=blocker, initial=initial, zone_id=blocker.zone_id
    )
    if request.method == "POST" and form.is_valid():
        data = form.data_for_service()
        data["department"] = data["department"] or blocker.project.department
        data["lead_official"] = data["lead_official"] or blocker.project.lead_official
        try:
            services.blocker_update(
                blocker=blocker, by=request.user, data=data,
                expected_version=form.cleaned_data["version"] or 0, request=request,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "问题已修改。")
            return redirect("dispatch:blocker", pk=pk)
    context = {"form": form, "project": blocker.project, "blocker": blocker}
    return render(request, "dispatch/blocker_new.html", context, status=400 if form.errors else 200)


def _blocker_action(request, pk: int, *, action: str, form_class, call, done: str):
    blocker = access.get_blocker_for_user(request.user, pk, action=action, request=request)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(blocker, form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, done)
    else:
        messages.error(request, _version_error(form))
    return redirect("dispatch:blocker", pk=pk)


@require_POST
def blocker_start(request, pk: int):
    def call(b, data):
        services.blocker_start(
            blocker=b, by=request.user, expected_version=data["version"], note=data["note"],
            request=request,
        )  # fmt: skip

    return _blocker_action(
        request, pk, action="handle", form_class=VersionNoteForm, call=call, done="已开始推进。"
    )


@require_POST
def blocker_resolve(request, pk: int):
    def call(b, data):
        services.blocker_resolve(
            blocker=b, by=request.user, note=data["note"], expected_version=data["version"],
            request=request,
        )  # fmt: skip

    return _blocker_action(
        request,
        pk,
        action="handle",
        form_class=VersionNoteForm,
        call=call,
        done="问题已标记为已解决。",
    )


@require_POST
def blocker_close(request, pk: int):
    def call(b, data):
        services.blocker_close(
            blocker=b, by=request.user, note=data["note"], expected_version=data["version"],
            request=request,
        )  # fmt: skip

    return _blocker_action(
        request,
        pk,
        action="close",
        form_class=VersionNoteForm,
        call=call,
        done="问题已关闭（销号）。",
    )


@require_POST
def blocker_reopen(request, pk: int):
    def call(b, data):
        services.blocker_reopen(
            blocker=b, by=request.user, reason=data["reason"], expected_version=data["version"],
            request=request,
        )  # fmt: skip

    return _blocker_action(
        request,
        pk,
        action="reopen",
        form_class=VersionReasonForm,
        call=call,
        done="问题已重新打开。",
    )


@require_POST
def blocker_escalate(request, pk: int):
    """The lead official confirms moving an overdue blocker up one rung."""

    def call(b, data):
        services.blocker_escalate(
            blocker=b, by=request.user, expected_version=data["version"], note=data["note"],
            new_deadline=data["deadline"], request=request,
        )  # fmt: skip

    return _blocker_action(
        request, pk, action="escalate", form_class=EscalateForm, call=call, done="已确认升级。"
    )


# --- 调度会 (meetings) ---------------------------------------------------------------------------


def _meeting_zone(request):
    zone, zones = _zone(request)
    if not access.can_read_meetings(request.user, zone.pk):
        raise access.deny(request.user, what="无权查看调度会", request=request)
    return zone, zones


@require_http_methods(["GET", "POST"])
def meeting_list(request):
    """调度会: the dates the zone's rhythm generates (4 weeks ahead) and the past meetings; a
    leader or the meeting office adds an extra one."""
    zone, zones = _meeting_zone(request)
    if request.method == "GET" and request.GET.get("format") == "xlsx":
        services.meetings_ensure(zone=zone)  # the dates the page would show are in the file too
        return exports.meetings_xlsx(request, zone, selectors.meeting_list(request.user, zone.pk))
    can_plan = access.can_plan_meetings(request.user, zone.pk)
    form = MeetingNewForm(request.POST or None, zone_id=zone.pk)
    if request.method == "POST":
        if not can_plan:
            raise access.deny(request.user, what="无权新增调度会", request=request)
        if form.is_valid():
            try:
                meeting = services.meeting_create(
                    zone=zone, by=request.user, request=request, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已新增{meeting.title}。")
                return redirect("dispatch:meeting", pk=meeting.pk)
    services.meetings_ensure(zone=zone)
    today = timezone.localdate()
    meetings = list(selectors.meeting_list(request.user, zone.pk)[:60])
    context = {
        "zone": zone,
        "zones": zones,
        "upcoming": sorted((m for m in meetings if m.date >= today), key=lambda m: m.date),
        "past": [m for m in meetings if m.date < today],
        "form": form,
        "can_plan": can_plan,
        "schedule": services.schedule_for(zone.pk),
    }
    return render(request, "dispatch/meetings.html", context, status=400 if form.errors else 200)


def _meeting_context(request, meeting, **extra):
    agenda = selectors.meeting_agenda(meeting)
    can_run = access.can_run_meeting(request.user, meeting)
    context = {
        "meeting": meeting,
        "zone": meeting.zone,
        "items": agenda.items,
        "dropped": agenda.dropped,
        "loose_decisions": agenda.loose_decisions,
        "can_run": can_run,
        "is_past": meeting.date <= timezone.localdate(),
        "form": MeetingForm(
            initial={
                "version": meeting.version,
                "date": meeting.date,
                "chair": meeting.chair_id,
                "location": meeting.location,
                "attendees": meeting.attendees,
                "summary": meeting.summary,
            },
            zone_id=meeting.zone_id,
        ),
        "add_form": AgendaAddForm(),
        "departments": list(Department.objects.filter(zone_id=meeting.zone_id)),
        "cancel_form": VersionReasonForm(initial={"version": meeting.version}),
        "history": history_for(meeting)[:30],
    }
    context.update(extra)
    return context


@require_http_methods(["GET", "POST"])
def meeting_detail(request, pk: int):
    """The meeting page: agenda (built from the data, add/drop), minutes per item, decisions."""
    meeting = access.get_meeting_for_user(
        request.user, pk, write=request.method == "POST", request=request
    )
    if request.method == "GET" and request.GET.get("format") == "xlsx":
        return exports.meeting_agenda_xlsx(request, meeting, selectors.meeting_agenda(meeting))
    if request.method == "POST":
        form = MeetingForm(request.POST, zone_id=meeting.zone_id)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in services.MEETING_FIELDS}
            discussions = {
                int(key.removeprefix("discussion-")): value
                for key, value in request.POST.items()
                if key.startswith("discussion-") and key.removeprefix("discussion-").isdigit()
            }
            record = request.POST.get("action") == "record"
            try:
                services.meeting_update(
                    meeting=meeting, by=request.user, data=data,
                    expected_version=form.cleaned_data["version"], discussions=discussions,
                    record=record, request=request,
                )  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "会议纪要已保存。" if record else "会议信息已保存。")
                return redirect("dispatch:meeting", pk=pk)
        return render(
            request,
            "dispatch/meeting.html",
            _meeting_context(request, meeting, form=form),
            status=400,
        )
    return render(request, "dispatch/meeting.html", _meeting_context(request, meeting))


@require_POST
def meeting_cancel(request, pk: int):
    meeting = access.get_meeting_for_user(request.user, pk, write=True, request=request)
    form = VersionReasonForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_cancel(
                meeting=meeting, by=request.user, reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"], request=request,
            )  # fmt: skip
            messages.success(request, "会议已取消。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, _version_error(form))
    return redirect("dispatch:meeting", pk=pk)


@require_POST
def agenda_build(request, pk: int):
    meeting = access.get_meeting_for_user(request.user, pk, write=True, request=request)
    try:
        added = services.agenda_build(meeting=meeting, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request, f"已按最新数据生成议程，新增{added}项。" if added else "议程已是最新。"
        )
    return redirect("dispatch:meeting", pk=pk)


@require_POST
def agenda_add(request, pk: int):
    meeting = access.get_meeting_for_user(request.user, pk, write=True, request=request)
    form = AgendaAddForm(request.POST)
    if form.is_valid():
        try:
            services.agenda_add(
                meeting=meeting, by=request.user, request=request, **form.cleaned_data
            )
            messages.success(request, "已增加议程。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, _version_error(form))
    return redirect("dispatch:meeting", pk=pk)


@require_POST
def agenda_drop(request, pk: int, item_pk: int):
    meeting = access.get_meeting_for_user(request.user, pk, write=True, request=request)
    item = AgendaItem.objects.filter(pk=item_pk, meeting=meeting).first()
    if item is None:
        raise Http404("议程事项不存在。")
    restore = request.POST.get("restore") == "1"
    try:
        services.agenda_drop(item=item, by=request.user, dropped=not restore, request=request)
        messages.success(request, f"已{'恢复' if restore else '撤下'}议程“{item.title}”。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("dispatch:meeting", pk=pk)


@require_POST
def decision_add(request, pk: int):
    """议定事项 → 督办 (numbered)."""
    meeting = access.get_meeting_for_user(request.user, pk, write=True, request=request)
    form = DecisionForm(request.POST, zone_id=meeting.zone_id)
    if form.is_valid():
        data = form.cleaned_data
        item = None
        if data["agenda_item"]:
            item = AgendaItem.objects.filter(pk=data["agenda_item"], meeting=meeting).first()
        try:
            created = services.decision_add(
                meeting=meeting, by=request.user, content=data["content"],
                department=data["department"], deadline=data["deadline"], agenda_item=item,
                request=request,
            )  # fmt: skip
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已形成督办事项{created.number}。")
    else:
        messages.error(request, _version_error(form))
    return redirect("dispatch:meeting", pk=pk)


@require_http_methods(["GET", "POST"])
def schedule_edit(request):
    """调度会安排: rhythm, chairs, meeting office, reminders and the group robot."""
    zone, _ = _zone(request)
    if not access.can_plan_meetings(request.user, zone.pk):
        raise access.deny(
            request.user, what="只有主要领导或会议办公室可以修改调度会安排", request=request
        )
    current = services.schedule_for(zone.pk)
    form = ScheduleForm(
        request.POST or None,
        instance=current,
        initial={"version": current.version},
        zone_id=zone.pk,
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in ScheduleForm.Meta.fields}
        try:
            services.meeting_schedule_update(
                zone=zone, by=request.user, data=data,
                expected_version=form.cleaned_data["version"] or 0, request=request,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "调度会安排已保存；已生成的会议日期不变，之后按新安排生成。")
            return redirect(f"{reverse('dispatch:meetings')}?zone={zone.pk}")
    return render(
        request,
        "dispatch/schedule.html",
        {"form": form, "zone": zone},
        status=400 if form.errors else 200,
    )


@require_POST
def reminders_send(request):
    """Send today's deadline reminders now (the daily command does the same)."""
    zone, _ = _zone(request)
    if not access.can_plan_meetings(request.user, zone.pk):
        raise access.deny(request.user, what="无权发送到期提醒", request=request)
    sent = services.deadline_reminders_send(zone=zone, by=request.user)
    if sent:
        failed = [r for r in sent if r.webhook_status == "failed"]
        note = "；群机器人推送未成功，已记录原因" if failed else ""
        messages.success(request, f"已发送到期提醒{len(sent)}条{note}。")
    else:
        messages.info(request, "今天没有需要提醒的事项（或已提醒过）。")
    return redirect(f"{reverse('dispatch:supervision_list')}?zone={zone.pk}")


# --- 督办 ---------------------------------------------------------------------------------------


@require_GET
def supervision_list(request):
    """督办事项: all of the zone's, or "本部门承办" for the assignee department."""
    zone, zones = _meeting_zone(request)
    departments = access.departments_for(request.user).filter(zone=zone)
    form = SupervisionFilterForm(_with_default_status(request.GET), departments=departments)
    filters = selectors.SupervisionFilters(zone=zone.pk, status="active")
    mine = False
    if form.is_valid():
        department = form.cleaned_data["department"]
        filters.status = form.cleaned_data["status"]
        filters.department = department.pk if department else None
        filters.overdue = form.cleaned_data["overdue"]
        mine = form.cleaned_data["mine"]
        if mine:
            filters.department = request.user.department_id or -1
    qs = selectors.supervision_list(request.user, filters)
    if request.GET.get("format") == "xlsx":
        return exports.supervision_xlsx(request, zone, qs, form)
    context = {
        "zone": zone,
        "zones": zones,
        "form": form,
        "items": list(qs[:500]),
        "mine": mine,
        "today": timezone.localdate(),
        "stats": selectors.supervision_stats([zone.pk]),
        "reminders": selectors.deadline_reminders_for(request.user),
        "can_plan": access.can_plan_meetings(request.user, zone.pk),
    }
    return render(request, "dispatch/supervision_list.html", context)


def _supervision_context(request, item, **extra):
    user = request.user
    context = {
        "item": item,
        "zone": item.zone,
        "feedback": list(item.feedback.select_related("by")),
        "reminders": list(item.reminders.all()[:10]),
        "can_feedback": access.can_feedback_supervision(user, item) and item.is_open,
        "can_confirm": access.can_confirm_supervision(user, item) and item.is_open,
        "feedback_form": FeedbackForm(),
        "confirm_form": VersionNoteForm(initial={"version": item.version}),
        "return_form": VersionReasonForm(initial={"version": item.version}),
        "today": timezone.localdate(),
        "history": history_for(item)[:30],
    }
    context.update(extra)
    return context


@require_GET
def supervision_detail(request, pk: int):
    item = access.get_supervision_for_user(request.user, pk, request=request)
    return render(request, "dispatch/supervision.html", _supervision_context(request, item))


@require_POST
def supervision_feedback(request, pk: int):
    item = access.get_supervision_for_user(request.user, pk, action="feedback", request=request)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.supervision_feedback_add(
                item=item, by=request.user, text=form.cleaned_data["text"],
                request_completion=form.cleaned_data["request_completion"], request=request,
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, "；".join(exc.messages))
        else:
            messages.success(request, "反馈已提交。")
            return redirect("dispatch:supervision", pk=pk)
    return render(
        request,
        "dispatch/supervision.html",
        _supervision_context(request, item, feedback_form=form),
        status=400,
    )


@require_POST
def supervision_confirm(request, pk: int):
    item = access.get_supervision_for_user(request.user, pk, action="confirm", request=request)
    form = VersionNoteForm(request.POST)
    if form.is_valid():
        try:
            services.supervision_confirm(
                item=item, by=request.user, note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"], request=request,
            )  # fmt: skip
            messages.success(request, f"已确认督办{item.number}办结。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, _version_error(form))
    return redirect("dispatch:supervision", pk=pk)


@require_POST
def supervision_return(request, pk: int):
    item = access.get_supervision_for_user(request.user, pk, action="confirm", request=request)
    form = VersionReasonForm(request.POST)
    if form.is_valid():
        try:
            services.supervision_return(
                item=item, by=request.user, reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"], request=request,
            )  # fmt: skip
            messages.success(request, f"已将督办{item.number}退回续办。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, _version_error(form))
    return redirect("dispatch:supervision", pk=pk)

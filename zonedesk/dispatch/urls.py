from django.urls import path

from . import exports, views

app_name = "dispatch"

urlpatterns = [
    path("", views.board, name="board"),
    path("fill/", views.fill, name="fill"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/approve/", views.report_approve, name="approve"),
    path("reports/<int:pk>/return/", views.report_return, name="return"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("photos/<int:pk>/remove/", views.photo_remove, name="photo_remove"),
    path("periods/<int:period_pk>/remind/<int:org_pk>/", views.remind, name="remind"),
    path("warnings/", views.warning_list, name="warnings"),
    path("export/board/", exports.board_export, name="board_export"),
    path("export/warnings/", exports.warnings_export, name="warnings_export"),
    path("settings/", views.settings_edit, name="settings"),
    # 要素保障
    path("blockers/", views.blocker_list, name="blockers"),
    path("blockers/new/<int:project_pk>/", views.blocker_create, name="blocker_new"),
    path("blockers/<int:pk>/", views.blocker_detail, name="blocker"),
    path("blockers/<int:pk>/edit/", views.blocker_edit, name="blocker_edit"),
    path("blockers/<int:pk>/start/", views.blocker_start, name="blocker_start"),
    path("blockers/<int:pk>/resolve/", views.blocker_resolve, name="blocker_resolve"),
    path("blockers/<int:pk>/close/", views.blocker_close, name="blocker_close"),
    path("blockers/<int:pk>/reopen/", views.blocker_reopen, name="blocker_reopen"),
    path("blockers/<int:pk>/escalate/", views.blocker_escalate, name="blocker_escalate"),
    # 调度会
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/schedule/", views.schedule_edit, name="schedule"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/agenda/build/", views.agenda_build, name="agenda_build"),
    path("meetings/<int:pk>/agenda/add/", views.agenda_add, name="agenda_add"),
    path("meetings/<int:pk>/agenda/<int:item_pk>/drop/", views.agenda_drop, name="agenda_drop"),
    path("meetings/<int:pk>/decisions/", views.decision_add, name="decision_add"),
    # 督办
    path("supervision/", views.supervision_list, name="supervision_list"),
    path("supervision/<int:pk>/", views.supervision_detail, name="supervision"),
    path("supervision/<int:pk>/feedback/", views.supervision_feedback, name="supervision_feedback"),
    path("supervision/<int:pk>/confirm/", views.supervision_confirm, name="supervision_confirm"),
    path("supervision/<int:pk>/return/", views.supervision_return, name="supervision_return"),
    path("reminders/send/", views.reminders_send, name="reminders_send"),
]

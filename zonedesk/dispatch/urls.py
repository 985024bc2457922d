from django.urls import path

from . import views

app_name = "dispatch"

urlpatterns = [
    path("", views.board, name="board"),
    path("fill/", views.fill, name="fill"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/approve/", views.report_approve, name="approve"),
    path("reports/<int:pk>/return/", views.report_return, name="return"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("periods/<int:period_pk>/remind/<int:org_pk>/", views.remind, name="remind"),
    path("warnings/", views.warning_list, name="warnings"),
    path("settings/", views.settings_edit, name="settings"),
]

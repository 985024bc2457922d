from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list_view, name="list"),
    path("new/", views.project_create, name="create"),
    path("export/", views.project_export, name="export"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/stage/", views.project_stage, name="stage"),
    path("<int:pk>/archive/", views.project_archive, name="archive"),
    path("<int:pk>/restore/", views.project_restore, name="restore"),
    path("<int:pk>/plan/", views.milestones_plan, name="plan"),
    path("<int:pk>/rebaseline/", views.milestones_rebaseline, name="rebaseline"),
    path("<int:pk>/milestones/new/", views.milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone_edit"),
    path("milestones/<int:pk>/", views.milestone_row, name="milestone_row"),
    path("milestones/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence_remove"),
]

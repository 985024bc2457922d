from django.urls import path

from . import audit, views

app_name = "intake"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("log/", views.batch_list, name="log"),
    path("log/export/", views.batch_list_export, name="log_export"),
    path("audit-export/", audit.audit_export, name="audit_export"),
    path("template/<slug:kind>/", views.template_download, name="template"),
    path("<int:pk>/", views.batch_detail, name="batch"),
    path("<int:pk>/commit/", views.batch_commit, name="commit"),
    path("<int:pk>/undo/", views.batch_undo, name="undo"),
]

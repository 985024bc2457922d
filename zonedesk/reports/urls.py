from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("weekly/", views.weekly, name="weekly"),
    path("weekly/<int:period_pk>.docx", views.weekly_docx, name="weekly_docx"),
    path("weekly/<int:period_pk>.xlsx", views.weekly_xlsx, name="weekly_xlsx"),
    path("gantt/", views.gantt, name="gantt"),
    path("zones/", views.zones, name="zones"),
]

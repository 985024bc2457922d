from django.urls import path

from . import views

app_name = "enterprises"

urlpatterns = [
    path("", views.registry_view, name="registry"),
    path("export/", views.registry_export, name="export"),
    path("new/", views.enterprise_create, name="create"),
    path("<int:pk>/", views.enterprise_detail, name="detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="edit"),
    path("<int:pk>/certificates/", views.certificate_add, name="certificate_add"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("certificates/expiring/", views.expiring_view, name="expiring"),
    path("<int:pk>/figures/", views.figures_save, name="figures"),
    path("<int:pk>/plans/", views.plan_add, name="plan_add"),
    path("plans/<int:pk>/close/", views.plan_close, name="plan_close"),
    path("<int:pk>/needs/", views.need_add, name="need_add"),
    path("funnel/", views.funnel_view, name="funnel"),
    path("rules/", views.rules_view, name="rules"),
    path("settings/", views.settings_view, name="settings"),
    path("mu/", views.mu_list, name="mu_list"),
    path("mu/<int:pk>/", views.mu_detail, name="mu"),
    path("mu/<int:pk>/publish/", views.mu_publish, name="mu_publish"),
    path("mu/results/<int:pk>/objection/", views.mu_objection, name="mu_objection"),
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("policies/", views.policy_list, name="policies"),
    path("policies/new/", views.policy_edit, name="policy_create"),
    path("policies/<int:pk>/", views.policy_detail, name="policy"),
    path("policies/<int:pk>/edit/", views.policy_edit, name="policy_edit"),
    path("finance/", views.finance_view, name="finance"),
    path("finance/needs/<int:pk>/", views.need_detail, name="need"),
    path("finance/events/new/", views.event_create, name="event_create"),
    path("finance/events/<int:pk>/", views.event_detail, name="event"),
]

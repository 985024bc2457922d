from django.urls import path

from . import views

app_name = "investment"

urlpatterns = [
    path("", views.lead_list, name="leads"),
    path("leads/new/", views.lead_create, name="lead_create"),
    path("leads/<int:pk>/", views.lead_detail, name="lead"),
    path("leads/<int:pk>/edit/", views.lead_edit, name="lead_edit"),
    path("leads/<int:pk>/stage/", views.lead_stage, name="lead_stage"),
    path("leads/<int:pk>/sign/", views.lead_sign, name="lead_sign"),
    path("leads/<int:pk>/followups/", views.followup_add, name="followup_add"),
    path("leads/<int:pk>/funding/", views.arrival_add, name="arrival_add"),
    path("leads/<int:pk>/convert/", views.lead_convert, name="lead_convert"),
    path("funding/<int:pk>/evidence/", views.arrival_evidence, name="evidence"),
    path("flags/<int:pk>/settle/", views.flag_settle, name="flag_settle"),
    path("funnel/", views.funnel_view, name="funnel"),
    path("chains/", views.chain_list, name="chains"),
    path("chains/<int:pk>/", views.chain_detail, name="chain"),
    path("chains/<int:pk>/edit/", views.chain_edit, name="chain_edit"),
    path("chains/<int:pk>/nodes/", views.node_add, name="node_add"),
    path("nodes/<int:pk>/edit/", views.node_edit, name="node_edit"),
    path("nodes/<int:pk>/delete/", views.node_delete, name="node_delete"),
    path("nodes/<int:pk>/enterprises/", views.membership_add, name="membership_add"),
    path("memberships/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
    path("nodes/<int:pk>/targets/", views.target_add, name="target_add"),
    path("targets/<int:pk>/status/", views.target_status, name="target_status"),
    path("teams/", views.team_list, name="teams"),
    path("teams/new/", views.team_edit, name="team_create"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("teams/<int:pk>/target/", views.team_target, name="team_target"),
]

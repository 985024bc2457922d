from django.urls import path

from . import views

app_name = "peers"

urlpatterns = [
    path("", views.index, name="index"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("figures/<int:pk>/withdraw/", views.figure_withdraw, name="withdraw"),
    path("zones/", views.peer_list, name="peers"),
    path("compare/", views.compare, name="compare"),
    path("suggestions/", views.suggestion_list, name="suggestions"),
    path("suggestions/<int:pk>/decide/", views.suggestion_decide, name="decide"),
]

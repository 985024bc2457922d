from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.scorecard, name="scorecard"),
    path("<int:pk>/", views.indicator_detail, name="detail"),
    path("entry/", views.entry, name="entry"),
    path("targets/", views.targets, name="targets"),
    path("thresholds/", views.thresholds, name="thresholds"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("fai/", views.fai, name="fai"),
    path("zones/", views.overview, name="overview"),
    path("compare/", views.compare, name="compare"),
    path("rank/", views.rank, name="rank"),
]

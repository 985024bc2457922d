from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from zonedesk.accounts import views as account_views
from zonedesk.api import api

admin.site.site_header = "开发区调度台 · 系统管理"
admin.site.site_title = "开发区调度台"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("login/", account_views.login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("zonedesk.accounts.urls")),
    path("projects/", include("zonedesk.projects.urls")),
    path("intake/", include("zonedesk.intake.urls")),
    path("dispatch/", include("zonedesk.dispatch.urls")),
    path("peers/", include("zonedesk.peers.urls")),
    path("reports/", include("zonedesk.reports.urls")),
    path("investment/", include("zonedesk.investment.urls")),
    path("indicators/", include("zonedesk.indicators.urls")),
    path("ledgers/", include("zonedesk.ledgers.urls")),
    path("enterprises/", include("zonedesk.enterprises.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler403 = "zonedesk.views.permission_denied"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

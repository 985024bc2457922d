"""The site's URLs with the dispatch router reachable under /api/dispatch/: the site API's own
when zonedesk/api.py mounts it, otherwise a test API with the same TokenAuth and error handlers."""

from __future__ import annotations

from django.urls import path
from ninja import NinjaAPI

from zonedesk.api import TokenAuth, api
from zonedesk.dispatch.api import router
from zonedesk.urls import urlpatterns as site_urls

if any(mounted is router for _, mounted in api._routers):
    urlpatterns = list(site_urls)
else:
    test_api = NinjaAPI(auth=TokenAuth(), urls_namespace="dispatch_test_api")
    for exc_class, handler in api._exception_handlers.items():
        test_api.add_exception_handler(exc_class, handler)
    test_api.add_router("/dispatch", router)
    urlpatterns = [path("api/", test_api.urls), *site_urls]

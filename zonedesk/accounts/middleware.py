"""Every page requires a login, except the login page itself, static files and the JSON API
(which authenticates with its own bearer tokens)."""

from __future__ import annotations

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired

OPEN_PREFIXES = ("/api/", "/static/", "/i18n/")


class LoginRequiredMiddleware(DjangoLoginRequired):
    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(OPEN_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

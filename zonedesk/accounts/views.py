"""Login, logout, the audit log (审计员 only) and personal API tokens."""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from zonedesk import access

from .audit import audit_record
from .models import ApiToken, AuditEvent, Role
from .selectors import audit_events_for


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。连续输错5次，账号将被锁定15分钟。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].error_messages["required"] = "请填写用户名。"
        self.fields["password"].error_messages["required"] = "请填写密码。"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


login_view = login_not_required(LoginView.as_view())


@login_not_required
def lockout(request, credentials, *args, **kwargs):
    """django-axes calls this once an account is locked: audit it and say so in Chinese."""
    username = str((credentials or {}).get("username", ""))[:150]
    audit_record(
        actor=None,
        actor_name=username,
        action=AuditEvent.Action.LOCKED_OUT,
        note=f"连续登录失败，账号“{username}”锁定15分钟",
        request=request,
    )
    form = LoginForm(request)
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "locked": "登录失败次数过多，账号已锁定15分钟，请稍后再试或联系系统管理员。",
        },
        status=429,
    )


@require_http_methods(["GET"])
def home(request):
    user = request.user
    if user.role == Role.AUDITOR:
        return redirect("accounts:audit")
    if user.role == Role.ADMIN:
        return redirect("admin:index")
    return redirect("projects:list")


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label="动作", choices=[("", "全部动作"), *AuditEvent.Action.choices], required=False
    )
    q = forms.CharField(label="操作人/对象", required=False)
    start = forms.DateField(
        label="起始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "应为如 2026-03-01 的日期"},
    )
    end = forms.DateField(
        label="截止日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "应为如 2026-03-01 的日期"},
    )


@require_http_methods(["GET"])
def audit_log(request):
    """审计日志: read-only, for the 审计员 of the zone (nothing here can change a row)."""
    user = request.user
    if user.role != Role.AUDITOR and not user.is_superuser:
        raise access.deny(user, what="只有审计员可以查看审计日志", request=request)
    form = AuditFilterForm(request.GET)
    qs = audit_events_for(user, form)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "accounts/audit.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@require_http_methods(["GET"])
def tokens(request):
    rows = request.user.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at")
    return render(request, "accounts/tokens.html", {"tokens": rows})


@require_POST
def token_create(request):
    """Issue a token; its value is shown once and only its hash is kept."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=request.user,
        name=(request.POST.get("name") or "API")[:60],
        prefix=key[:8],
        key_hash=ApiToken.hash_key(key),
    )
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.TOKEN,
        target=token,
        note="签发接口令牌",
        request=request,
    )
    rows = request.user.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at")
    return render(request, "accounts/tokens.html", {"tokens": rows, "new_key": key})


@require_POST
def token_revoke(request, pk: int):
    token = request.user.api_tokens.filter(pk=pk, revoked_at__isnull=True).first()
    if token is not None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.TOKEN,
            target=token,
            note="吊销接口令牌",
            request=request,
        )
        messages.success(request, "令牌已吊销。")
    return redirect("accounts:tokens")

"""Login, lockout, password rules, session expiry and the audit of each."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.conftest import PASSWORD, login
from zonedesk.accounts.models import AuditEvent


def test_a_user_logs_in_and_the_login_is_audited(world, client):
    response = client.post(reverse("login"), {"username": "econ", "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN, actor=world.econ).count() == 1


def test_a_failed_login_says_so_in_chinese_and_is_audited(world, client):
    response = client.post(reverse("login"), {"username": "econ", "password": "wrong-Password1"})
    assert "用户名或密码不正确" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert event.actor is None and event.actor_name == "econ"


def test_five_failures_lock_the_account_even_for_the_right_password(world, client):
    for _ in range(5):
        client.post(reverse("login"), {"username": "econ", "password": "wrong-Password1"})
    response = client.post(reverse("login"), {"username": "econ", "password": PASSWORD})
    assert response.status_code == 429
    assert "账号已锁定15分钟" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOCKED_OUT).exists()
    # Another account is not affected.
    assert (
        client.post(reverse("login"), {"username": "invest", "password": PASSWORD}).status_code
        == 302
    )


def test_security_settings_follow_the_baseline():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    assert (
        settings.LANGUAGE_CODE == "zh-hans"
        and settings.TIME_ZONE == "Asia/Shanghai"
        and settings.USE_TZ
    )


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Zonedesk@2026", True),
        ("zonedesk2026x", False),
        ("Short@1", False),
        ("ABCDEFGHIJ12", False),
        ("abcdefgh1!X", True),
    ],
)
def test_passwords_need_ten_characters_and_three_classes(db, password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_the_auditor_reads_the_audit_log_and_nobody_else_does(world):
    login(world.econ).get(reverse("projects:list"))
    response = login(world.auditor).get(reverse("accounts:audit"))
    assert response.status_code == 200
    for persona in (world.econ, world.leader, world.admin, world.viewer):
        assert login(persona).get(reverse("accounts:audit")).status_code == 403
    denied = AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).count()
    assert denied == 4


def test_the_auditor_can_filter_the_log(world):
    login(world.other_staff).get(reverse("projects:detail", args=[world.project.pk]))
    response = login(world.auditor).get(reverse("accounts:audit"), {"action": "denied"})
    rows = list(response.context["page"])
    assert rows and all(e.action == "denied" for e in rows)


def test_home_sends_each_role_to_its_start_page(world):
    assert login(world.econ).get("/")["Location"] == reverse("projects:list")
    assert login(world.auditor).get("/")["Location"] == reverse("accounts:audit")
    assert login(world.admin).get("/")["Location"] == reverse("admin:index")


def test_tokens_are_shown_once_and_stored_hashed(world):
    client = login(world.econ)
    response = client.post(reverse("accounts:token_create"), {"name": "市平台"})
    key = response.context["new_key"]
    token = world.econ.api_tokens.get()
    assert token.key_hash != key and len(token.key_hash) == 64
    assert key not in client.get(reverse("accounts:tokens")).content.decode()
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_bad_date_in_the_audit_filter_is_named(world):
    response = login(world.auditor).get(reverse("accounts:audit"), {"start": "三月"})
    assert "起始日期：应为如 2026-03-01 的日期" in response.content.decode()

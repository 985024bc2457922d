"""Sending reminders out of the app: e-mail through Django's mail settings, and a group-robot
webhook (企业微信 or 钉钉) configured per zone in MeetingSchedule.

Neither ever raises to the caller: `email_send` returns the addresses that were accepted and
`webhook_post` returns (ok, error text) for the caller to record. The webhook uses the standard
library (urllib) so it needs no dependency and works against an intranet relay.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request

from django.core.mail import EmailMessage, get_connection

logger = logging.getLogger(__name__)

WECOM, DINGTALK = "wecom", "dingtalk"
TIMEOUT_SECONDS = 5
MAX_CONTENT = 2000  # 企业微信 text messages are limited to 2048 bytes; keep well inside


def email_send(recipients: list[str], subject: str, body: str) -> list[str]:
    """One message per recipient (so addresses are not disclosed to each other); the ones
    the backend accepted."""
    if not recipients:
        return []
    sent = []
    try:
        connection = get_connection(fail_silently=True)
        for address in recipients:
            if EmailMessage(subject, body, to=[address], connection=connection).send():
                sent.append(address)
    except Exception:  # noqa: BLE001 — a mail outage must not break the write that triggered it
        logger.exception("reminder e-mail failed")
    return sent


def webhook_payload(kind: str, text: str) -> dict:
    """企业微信 and 钉钉 群机器人 both take {"msgtype": "text", "text": {"content": …}}."""
    content = text if len(text) <= MAX_CONTENT else text[: MAX_CONTENT - 1] + "…"
    return {"msgtype": "text", "text": {"content": content}}


def dingtalk_signed_url(url: str, secret: str, now_ms: int | None = None) -> str:
    """钉钉 “加签”: timestamp and sign = base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}"))."""
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(
        secret.encode(), f"{timestamp}\n{secret}".encode(), digestmod=hashlib.sha256
    ).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp}&sign={sign}"


def webhook_post(*, kind: str, url: str, text: str, secret: str = "") -> tuple[bool, str]:
    """POST the message; (True, "") when the robot answered errcode 0 (or an empty 2xx),
    otherwise (False, a short Chinese reason)."""
    if kind not in (WECOM, DINGTALK) or not url:
        return False, "未配置群机器人"
    if not url.startswith(("http://", "https://")):
        return False, "Webhook 地址应以 http:// 或 https:// 开头"
    target = dingtalk_signed_url(url, secret) if kind == DINGTALK and secret else url
    body = json.dumps(webhook_payload(kind, text), ensure_ascii=False).encode()
    request = urllib.request.Request(
        target, data=body, headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            raw = response.read(65536)
    except urllib.error.HTTPError as exc:
        return False, f"群机器人返回 HTTP {exc.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return False, f"无法连接群机器人：{reason}"[:300]
    if not raw.strip():
        return True, ""
    try:
        answer = json.loads(raw)
    except ValueError:
        return False, "群机器人返回的内容不是 JSON"
    code = answer.get("errcode", 0) if isinstance(answer, dict) else 0
    if code:
        return False, f"群机器人返回错误 {code}：{answer.get('errmsg', '')}"[:300]
    return True, ""

"""到期提醒: in-app rows, e-mail through Django's mail settings, and the group-robot webhook,
tested against a local HTTP server standing in for 企业微信/钉钉."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from tests.conftest import login
from tests.dispatch.conftest import past_meeting, raise_blocker
from zonedesk.dispatch import notify, services
from zonedesk.dispatch.models import DeadlineReminder, MeetingSchedule


class Robot:
    """A local group robot: records each request and answers with `reply`."""

    def __init__(self, reply: bytes = b'{"errcode":0,"errmsg":"ok"}', status: int = 200):
        self.requests: list[dict] = []
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                robot.requests.append(
                    {
                        "path": self.path,
                        "content_type": self.headers["Content-Type"],
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/webhook/send?key=abc"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_the_wecom_robot_gets_a_text_message():
    with Robot() as robot:
        ok, error = notify.webhook_post(
            kind="wecom", url=robot.url, text="督办调度〔2026〕3号-1今天到期"
        )
    assert (ok, error) == (True, "")
    [request] = robot.requests
    assert request["body"] == {
        "msgtype": "text",
        "text": {"content": "督办调度〔2026〕3号-1今天到期"},
    }
    assert request["path"] == "/cgi-bin/webhook/send?key=abc"
    assert request["content_type"].startswith("application/json")


def test_the_dingtalk_robot_is_signed_when_a_secret_is_set():
    with Robot() as robot:
        ok, _ = notify.webhook_post(kind="dingtalk", url=robot.url, text="提醒", secret="SECabc")
    assert ok
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(robot.requests[0]["path"]).query)
    assert query["key"] == ["abc"] and query["timestamp"][0].isdigit() and query["sign"][0]
    assert notify.dingtalk_signed_url("http://x/send", "s", now_ms=1) == (
        "http://x/send?timestamp=1&sign="
        + urllib.parse.quote_plus(
            __import__("base64").b64encode(__import__("hmac").new(b"s", b"1\ns", "sha256").digest())
        )
    )


@pytest.mark.parametrize(
    ("reply", "status", "expected"),
    [
        (b'{"errcode":93000,"errmsg":"invalid webhook url"}', 200, "群机器人返回错误 93000"),
        (b"oops", 200, "不是 JSON"),
        (b"", 500, "HTTP 500"),
    ],
)
def test_a_robot_failure_is_returned_not_raised(reply, status, expected):
    with Robot(reply=reply, status=status) as robot:
        ok, error = notify.webhook_post(kind="wecom", url=robot.url, text="x")
    assert not ok and expected in error


def test_an_unreachable_robot_is_a_failure_not_an_exception():
    ok, error = notify.webhook_post(kind="wecom", url="http://127.0.0.1:9/none", text="x")
    assert not ok and "无法连接" in error


def make_due(world):
    meeting = past_meeting(world.zone, days_ago=7)
    today = timezone.localdate()
    item = services.decision_add(
        meeting=meeting, by=world.leader, content="完成双回路供电", department=world.econ_dept,
        deadline=today + dt.timedelta(days=1),
    )  # fmt: skip
    services.decision_add(
        meeting=meeting, by=world.leader, content="远期事项", department=world.econ_dept,
        deadline=today + dt.timedelta(days=20),
    )  # fmt: skip
    blocker = raise_blocker(world.invest_project, world.invest, days_ago=10, deadline_in=5)
    return item, blocker


def test_deadline_reminders_go_in_app_by_mail_and_to_the_robot_once_a_day(world):
    world.econ.email = "zhao@example.cn"
    world.econ.save(update_fields=["email"])
    item, blocker = make_due(world)
    with Robot() as robot:
        MeetingSchedule.objects.create(zone=world.zone, webhook_kind="wecom", webhook_url=robot.url)
        sent = services.deadline_reminders_send(zone=world.zone)
        again = services.deadline_reminders_send(zone=world.zone)
    assert again == []
    assert {(r.supervision_id, r.blocker_id) for r in sent} == {(item.pk, None), (None, blocker.pk)}
    by_item = {r.supervision_id or -r.blocker_id: r for r in DeadlineReminder.objects.all()}
    assert by_item[item.pk].emailed_to == ["zhao@example.cn"]
    assert "将于" in by_item[item.pk].message and item.number in by_item[item.pk].message
    assert "已逾期5天" in by_item[-blocker.pk].message
    assert [m.to for m in mail.outbox] == [["zhao@example.cn"]]
    [request] = robot.requests
    content = request["body"]["text"]["content"]
    assert item.number in content and "储能电池项目" in content
    assert all(r.webhook_status == "ok" for r in DeadlineReminder.objects.all())
    # The department sees them in the app.
    page = login(world.econ).get("/dispatch/supervision/?mine=on")
    assert item.number in page.content.decode() and 'id="my-reminders"' in page.content.decode()


def test_a_failed_push_is_recorded_and_the_page_still_succeeds(world):
    make_due(world)
    MeetingSchedule.objects.create(
        zone=world.zone, webhook_kind="dingtalk", webhook_url="http://127.0.0.1:9/robot/send"
    )
    response = login(world.leader).post("/dispatch/reminders/send/", follow=True)
    assert response.status_code == 200
    assert "群机器人推送未成功" in response.content.decode()
    reminders = list(DeadlineReminder.objects.all())
    assert reminders and all(
        r.webhook_status == "failed" and "无法连接" in r.webhook_error for r in reminders
    )


def test_only_the_leader_or_the_office_sends_reminders(world):
    assert login(world.econ).post("/dispatch/reminders/send/").status_code == 403
    MeetingSchedule.objects.create(zone=world.zone, office_department=world.econ_dept)
    assert login(world.econ).post("/dispatch/reminders/send/").status_code == 302
    assert login(world.viewer).post("/dispatch/reminders/send/").status_code == 403


def test_the_daily_command_reminds_every_zone_once(world):
    from io import StringIO

    from django.core.management import call_command

    make_due(world)
    out = StringIO()
    call_command("send_deadline_reminders", stdout=out)
    call_command("send_deadline_reminders", stdout=out)
    lines = out.getvalue().splitlines()
    assert "阳泉高新区：到期提醒 2 条" in lines and "阳泉高新区：到期提醒 0 条" in lines
    assert DeadlineReminder.objects.count() == 2


def test_an_overdue_blocker_reminder_asks_the_lead_to_confirm_and_mails_them(world):
    world.deputy.email = "li@example.cn"
    world.deputy.save(update_fields=["email"])
    b = raise_blocker(
        world.project, world.econ, days_ago=20, deadline_in=5, lead_official=world.deputy
    )
    [reminder] = services.deadline_reminders_send(zone=world.zone)
    assert reminder.blocker == b
    assert reminder.message.endswith("可升级至分管领导协调，待牵头领导李副主任确认。")
    assert reminder.emailed_to == ["li@example.cn"]
    b.refresh_from_db()
    assert b.level == 1  # reminded, not escalated

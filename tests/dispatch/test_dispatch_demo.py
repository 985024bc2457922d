"""The demo has blockers on every rung and in every state, and two past meetings whose 督办
items are done, awaiting confirmation and open."""

from __future__ import annotations

from zonedesk.demo import build_demo
from zonedesk.dispatch.models import Blocker, Meeting, SupervisionItem


def test_the_demo_has_blockers_meetings_and_supervision(db):
    users = build_demo(projects_in_main_zone=30)
    zone = users["leader"].zone
    blockers = Blocker.objects.filter(zone=zone)
    assert set(blockers.values_list("status", flat=True)) == {
        "open",
        "in_progress",
        "resolved",
        "closed",
    }
    assert set(blockers.values_list("level", flat=True)) >= {1, 2, 3}
    held = Meeting.objects.filter(zone=zone, status="held").order_by("date")
    assert [m.number for m in held] == [1, 2]
    assert Meeting.objects.filter(zone=zone, status="planned").count() >= 3
    items = SupervisionItem.objects.filter(zone=zone)
    assert set(items.values_list("status", flat=True)) == {"open", "reported", "done"}
    assert items.first().number.startswith("调度〔")


def test_every_dispatch_page_of_the_demo_answers_each_persona(db):
    from django.test import Client

    users = build_demo(projects_in_main_zone=30)
    zone = users["leader"].zone
    blocker = Blocker.objects.filter(zone=zone, level__gte=2).first()
    meeting = Meeting.objects.filter(zone=zone, status="held").first()
    item = SupervisionItem.objects.filter(zone=zone).first()
    urls = [
        "/dispatch/blockers/", f"/dispatch/blockers/{blocker.pk}/", f"/dispatch/blockers/{blocker.pk}/edit/",
        f"/dispatch/blockers/new/{blocker.project_id}/", f"/projects/{blocker.project_id}/",
        "/dispatch/meetings/", "/dispatch/meetings/schedule/", f"/dispatch/meetings/{meeting.pk}/",
        "/dispatch/supervision/", "/dispatch/supervision/?mine=on", f"/dispatch/supervision/{item.pk}/",
    ]  # fmt: skip
    for name in ("leader", "deputy", "econ", "unit", "city", "auditor"):
        client = Client()
        client.force_login(users[name])
        for url in urls:
            status = client.get(url).status_code
            assert status in (200, 403, 404), (name, url, status)
        if name == "leader":
            assert all(client.get(url).status_code == 200 for url in urls)

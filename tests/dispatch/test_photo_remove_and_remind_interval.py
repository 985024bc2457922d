"""A unit removes a photo it uploaded by mistake (recorded, only while it may still change the
report), and 一键催报 reaches a unit at most once an interval."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.dispatch.conftest import open_period
from tests.dispatch.test_services import jpeg_with_gps
from tests.dispatch.test_views import row_data
from zonedesk.accounts.models import AuditEvent
from zonedesk.dispatch import services
from zonedesk.dispatch.models import ProgressReport, Reminder, ReportPhoto

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_with_photo(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    open_period(world.zone)
    client = login(world.unit)
    data = {
        **row_data(world.project),
        f"p{world.project.pk}-photos": jpeg_with_gps(),
        "action": "draft",
    }
    client.post(reverse("dispatch:fill"), data)
    report = ProgressReport.objects.get()
    return client, report, report.photos.get()


def test_the_unit_removes_a_photo_from_its_draft(
    world, draft_with_photo, django_capture_on_commit_callbacks
):
    client, report, photo = draft_with_photo
    path = photo.file.path
    page = client.get(reverse("dispatch:fill")).content.decode()
    assert f'data-testid="photo-remove-{photo.pk}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dispatch:photo_remove", args=[photo.pk]), follow=True)
    assert f"已删除照片“{photo.original_name}”。" in response.content.decode()
    assert not ReportPhoto.objects.exists()
    assert not os.path.exists(path)
    event = AuditEvent.objects.filter(
        object_type="dispatch.progressreport", object_id=str(report.pk)
    ).latest("at")
    assert event.note == f"删除现场照片“{photo.original_name}”"


def test_others_cannot_remove_a_photo(world, draft_with_photo):
    _, _, photo = draft_with_photo
    for user in (world.econ, world.other_unit, world.leader):
        assert (
            login(user).post(reverse("dispatch:photo_remove", args=[photo.pk])).status_code == 403
        )
    assert (
        login(world.other_staff).post(reverse("dispatch:photo_remove", args=[photo.pk])).status_code
        == 403
    )
    assert ReportPhoto.objects.filter(pk=photo.pk).exists()


def test_a_submitted_report_keeps_its_photos(world, draft_with_photo):
    client, report, photo = draft_with_photo
    client.post(
        reverse("dispatch:fill"),
        {**row_data(world.project, version=report.version), "action": "submit"},
    )
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    response = client.post(reverse("dispatch:photo_remove", args=[photo.pk]), follow=True)
    assert "的本期进度已报送，照片不能删除；如需更正，请责任部门退回。" in response.content.decode()
    assert ReportPhoto.objects.filter(pk=photo.pk).exists()


def test_remind_once_an_interval(world, settings):
    settings.DISPATCH_REMINDER_INTERVAL_MINUTES = 60
    period = open_period(world.zone)
    services.reminder_send(period=period, organisation=world.kaichuang, by=world.econ)
    with pytest.raises(ValidationError) as exc:
        services.reminder_send(period=period, organisation=world.kaichuang, by=world.leader)
    first = Reminder.objects.get()
    sent = timezone.localtime(first.sent_at)
    again = timezone.localtime(first.sent_at + dt.timedelta(minutes=60))
    assert exc.value.messages == [
        f"已于{sent:%H:%M}提醒过开创集团（赵经发），请于{again:%H:%M}后再催报。"
    ]
    # Another unit is not held back, and after the interval the same unit can be reminded again.
    services.reminder_send(period=period, organisation=world.luda, by=world.econ)
    Reminder.objects.filter(pk=first.pk).update(sent_at=first.sent_at - dt.timedelta(minutes=61))
    services.reminder_send(period=period, organisation=world.kaichuang, by=world.leader)
    assert Reminder.objects.filter(organisation=world.kaichuang).count() == 2

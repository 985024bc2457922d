"""Ledger pages: permissions for every view, the check refused to the fixing department (403 and
audited), counts in the seed page's way, repeat rates, the 台账 export, evidence limits."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import login
from tests.ledgers.conftest import item_data, png
from zonedesk.accounts.models import AuditEvent
from zonedesk.ledgers import services
from zonedesk.ledgers.models import Campaign, Evidence, LedgerItem, Status
from zonedesk.ledgers.selectors import counts_total, repeat_rates


def urls(campaign, item):
    return [
        "/ledgers/", "/ledgers/stats/", "/ledgers/stats/?period=2026H1", f"/ledgers/campaigns/{campaign.pk}/",
        f"/ledgers/campaigns/{campaign.pk}/export/", f"/ledgers/items/{item.pk}/",
    ]  # fmt: skip


def test_business_roles_read_the_pages(world, campaign, item):
    for user in (world.leader, world.econ, world.invest, world.viewer):
        client = login(user)
        for url in urls(campaign, item):
            assert client.get(url).status_code == 200, (user, url)


def test_admin_auditor_and_other_zones_are_refused(world, campaign, item):
    for user in (world.admin, world.auditor):
        for url in urls(campaign, item):
            assert login(user).get(url).status_code == 403, (user, url)
    other = login(world.other_staff)
    for url in urls(campaign, item)[3:]:
        assert other.get(url).status_code == 403, url


def test_a_unit_sees_only_the_items_it_is_responsible_for(world, campaign, item):
    mine = login(world.unit)
    assert mine.get(f"/ledgers/items/{item.pk}/").status_code == 200
    assert login(world.other_unit).get(f"/ledgers/items/{item.pk}/").status_code == 403
    page = login(world.other_unit).get(f"/ledgers/campaigns/{campaign.pk}/")
    assert item.number not in page.content.decode()


@pytest.mark.parametrize("who", ["viewer", "unit", "auditor", "other_staff"])
def test_read_only_roles_cannot_register(world, campaign, who):
    client = login(getattr(world, who))
    if who != "other_staff":  # who registers campaigns in their own zone
        assert client.get("/ledgers/campaigns/new/").status_code == 403
    assert client.post(f"/ledgers/campaigns/{campaign.pk}/edit/", {"name": "x"}).status_code == 403
    assert client.get(f"/ledgers/campaigns/{campaign.pk}/items/new/").status_code == 403
    assert client.post(f"/ledgers/campaigns/{campaign.pk}/items/new/", {}).status_code == 403


def test_staff_register_a_campaign_and_an_item_by_form(world):
    client = login(world.econ)
    r = client.post("/ledgers/campaigns/new/", {
        "name": "餐饮油烟专项整治", "theme": "餐饮油烟", "source": "self", "lead_department": world.econ_dept.pk,
        "start": "2026-03-01", "publicity_days": 5,
    })  # fmt: skip
    assert r.status_code == 302
    campaign = Campaign.objects.get(name="餐饮油烟专项整治")
    data = item_data(world)
    post = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    r = client.post(f"/ledgers/campaigns/{campaign.pk}/items/new/", post)
    assert r.status_code == 302 and campaign.items.count() == 1
    post["measures"] = ""
    r = client.post(f"/ledgers/campaigns/{campaign.pk}/items/new/", post)
    assert r.status_code == 400 and "整改措施" in r.content.decode()


def test_every_step_by_its_page_and_the_fixing_department_refused_the_check(world, item):
    econ, invest = login(world.econ), login(world.invest)
    assert econ.post(f"/ledgers/items/{item.pk}/start/", {"version": 1}).status_code == 302
    upload = SimpleUploadedFile("照片.png", png().content, content_type="image/png")
    assert econ.post(f"/ledgers/items/{item.pk}/evidence/", {"files": [upload]}).status_code == 302
    assert Evidence.objects.filter(item=item).count() == 1
    item.refresh_from_db()
    econ.post(f"/ledgers/items/{item.pk}/apply/", {"version": item.version, "note": "已整改"})
    item.refresh_from_db()
    assert item.status == Status.APPLIED
    page = econ.get(f"/ledgers/items/{item.pk}/").content.decode()
    assert "不能核查本部门整改的事项" in page and 'id="form-check"' not in page
    refused = econ.post(
        f"/ledgers/items/{item.pk}/check/", {"version": item.version, "passed": "1"}
    )
    assert refused.status_code == 403
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DENIED, note__contains="不能核查"
    ).exists()
    invest.post(
        f"/ledgers/items/{item.pk}/check/",
        {"version": item.version, "passed": "0", "note": "未苫盖"},
    )
    item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS and item.last_failure == "未苫盖"
    econ.post(f"/ledgers/items/{item.pk}/apply/", {"version": item.version})
    item.refresh_from_db()
    invest.post(f"/ledgers/items/{item.pk}/check/", {"version": item.version, "passed": "1"})
    item.refresh_from_db()
    assert item.status == Status.CLOSED
    # The evidence is served to readers only.
    ev = Evidence.objects.get(item=item)
    served = econ.get(f"/ledgers/evidence/{ev.pk}/")
    assert served.status_code == 200 and served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"].startswith("attachment; filename")
    assert login(world.other_staff).get(f"/ledgers/evidence/{ev.pk}/").status_code == 403


@pytest.mark.parametrize(
    "action", ["start", "progress", "apply", "check-start", "check", "close", "reopen"]
)
def test_viewer_cannot_take_any_step(world, item, action):
    response = login(world.viewer).post(
        f"/ledgers/items/{item.pk}/{action}/", {"version": 1, "passed": "1", "note": "x"}
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == Status.PENDING


def test_evidence_of_an_unaccepted_type_is_refused_in_chinese(world, item):
    client = login(world.econ)
    bad = SimpleUploadedFile(
        "病毒.exe", b"MZ\x90\x00binary", content_type="application/octet-stream"
    )
    r = client.post(f"/ledgers/items/{item.pk}/evidence/", {"files": [bad]}, follow=True)
    assert "格式不被接受" in r.content.decode() and not Evidence.objects.exists()


def test_counts_are_found_rectified_closed_in_the_seed_pages_way(world, campaign, item):
    services.item_start(item=item, by=world.econ)
    services.evidence_add(item=item, by=world.econ, files=[png()])
    services.item_apply(item=item, by=world.econ)
    services.item_check(item=item, by=world.invest, passed=True)
    services.item_create(
        campaign=campaign, by=world.leader, data=item_data(world, place="二号料场")
    )
    counts = counts_total(LedgerItem.objects.all())
    assert counts.sentence == "排查问题2个，整改1个，销号1个"
    first_half = counts_total(
        LedgerItem.objects.all(), start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30)
    )
    assert first_half.found == 2
    page = login(world.leader).get("/ledgers/").content.decode()
    assert "排查问题2个，整改1个，销号1个" in page


def test_repeat_problems_by_place_and_category(world, campaign):
    for place, category in [("A厂", "扬尘"), ("A厂", "扬尘"), ("B厂", "扬尘"), ("A厂", "油烟")]:
        services.item_create(campaign=campaign, by=world.leader,
                             data=item_data(world, place=place, category=category, problem=f"{place}{category}问题{LedgerItem.objects.count()}"))  # fmt: skip
    rates = repeat_rates(LedgerItem.objects.all())
    place = {r.label: r for r in rates["place"]}
    assert place["A厂"].items == 3 and place["A厂"].repeats == 1
    assert rates["repeats"] == 1 and rates["total"] == 4


def test_the_ledger_exports_in_its_usual_layout(world, campaign, item):
    r = login(world.viewer).get(f"/ledgers/campaigns/{campaign.pk}/export/")
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert "问题整改台账" in rows[0][0] and "排查问题1个" in rows[1][0]
    assert rows[2][:4] == ("序号", "编号", "问题来源", "问题描述")
    assert rows[3][3] == item.problem
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_the_campaign_list_reads_a_fixed_number_of_queries(
    world, campaign, django_assert_max_num_queries
):
    for i in range(15):
        services.item_create(
            campaign=campaign, by=world.leader, data=item_data(world, place=f"点位{i}")
        )
    client = login(world.leader)
    with django_assert_max_num_queries(14):
        client.get("/ledgers/")
    with django_assert_max_num_queries(16):
        client.get(f"/ledgers/campaigns/{campaign.pk}/")


@pytest.mark.parametrize("who", ["viewer", "unit", "auditor", "other_staff", "admin"])
def test_only_zone_editors_change_an_item_or_upload_evidence(world, item, who):
    client = login(getattr(world, who))
    assert client.get(f"/ledgers/items/{item.pk}/edit/").status_code == 403
    assert client.post(f"/ledgers/items/{item.pk}/edit/", {"place": "x"}).status_code == 403
    upload = SimpleUploadedFile("照片.png", png().content, content_type="image/png")
    if who != "unit":  # the responsible unit (开创集团) does upload its own evidence
        assert (
            client.post(f"/ledgers/items/{item.pk}/evidence/", {"files": [upload]}).status_code
            == 403
        )
    item.refresh_from_db()
    assert item.place == "开创集团料场"


def test_an_item_is_edited_with_its_history(world, item):
    client = login(world.econ)
    post = {k: (v.pk if hasattr(v, "pk") else v) for k, v in item_data(world).items()}
    post.update({"number": item.number, "place": "开创集团二号料场", "version": item.version})
    assert client.post(f"/ledgers/items/{item.pk}/edit/", post).status_code == 302
    item.refresh_from_db()
    assert item.place == "开创集团二号料场" and item.events.filter(kind="edited").exists()
    post["version"] = 1  # stale
    post["place"] = "三号"
    response = client.post(f"/ledgers/items/{item.pk}/edit/", post)
    assert response.status_code == 400 and "已被他人修改" in response.content.decode()


def test_the_unit_uploads_evidence_for_its_own_item(world, item):
    upload = SimpleUploadedFile("照片.png", png().content, content_type="image/png")
    assert (
        login(world.unit)
        .post(f"/ledgers/items/{item.pk}/evidence/", {"files": [upload]})
        .status_code
        == 302
    )
    assert Evidence.objects.filter(item=item).count() == 1


def test_a_zone_out_of_scope_is_refused_and_audited(world, campaign):
    response = login(world.econ).get(f"/ledgers/?zone={world.other_zone.pk}")
    assert response.status_code == 403
    assert login(world.econ).get(f"/ledgers/stats/?zone={world.other_zone.pk}").status_code == 403
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).count() == 2
    world.viewer.viewer_zones.add(world.other_zone)
    assert login(world.viewer).get(f"/ledgers/?zone={world.other_zone.pk}").status_code == 200

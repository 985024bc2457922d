"""An item's life: 待整改 → 整改中 → 申请销号 → 核查 (by another unit) → 公示 → 已销号; a failed
check keeps it on the account with the reason; reopening keeps the history; overdue items go to
the dispatch meeting's agenda."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.ledgers.conftest import item_data, png
from zonedesk.ledgers import services
from zonedesk.ledgers.models import ItemEvent, LedgerItem, Status
from zonedesk.projects.services import EditConflict


def fix_and_apply(world, item):
    item = services.item_start(item=item, by=world.econ)
    services.evidence_add(item=item, by=world.econ, files=[png()])
    return services.item_apply(item=item, by=world.econ, note="已整改")


def test_registration_needs_the_three_lists(world, campaign):
    with pytest.raises(ValidationError) as exc:
        services.item_create(campaign=campaign, by=world.leader,
                             data=item_data(world, measures="", responsible_person=""))  # fmt: skip
    assert {"measures", "responsible_person"} <= set(exc.value.message_dict)
    assert "请填写整改措施" in str(exc.value)


def test_the_supervising_department_may_not_be_the_fixing_one(world, campaign):
    with pytest.raises(ValidationError, match="督办部门不能与责任部门相同"):
        services.item_create(campaign=campaign, by=world.leader,
                             data=item_data(world, supervising_department=world.econ_dept))  # fmt: skip


def test_a_department_of_another_zone_is_refused(world, campaign):
    with pytest.raises(ValidationError, match="不属于本开发区"):
        services.item_create(campaign=campaign, by=world.leader,
                             data=item_data(world, responsible_department=world.other_dept))  # fmt: skip


def test_items_are_numbered_per_campaign(world, campaign, item):
    second = services.item_create(
        campaign=campaign, by=world.leader, data=item_data(world, place="二号料场")
    )
    assert item.number.endswith("-001") and second.number.endswith("-002")


def test_apply_needs_evidence(world, item):
    services.item_start(item=item, by=world.econ)
    with pytest.raises(ValidationError, match="尚未上传佐证材料"):
        services.item_apply(item=item, by=world.econ)


def test_the_fixing_department_cannot_check_its_own_item(world, item):
    item = fix_and_apply(world, item)
    with pytest.raises(PermissionDenied, match="不能核查本部门整改的事项"):
        services.item_check(item=item, by=world.econ, passed=True)
    # Nor the implementing unit, nor a deputy who applied.
    with pytest.raises(PermissionDenied):
        services.item_check(item=item, by=world.unit, passed=True)


def test_only_the_supervising_department_or_a_leader_checks(world, item):
    from tests.conftest import login  # noqa: F401 — persona module

    item = fix_and_apply(world, item)
    from zonedesk.accounts.models import Role, User
    from zonedesk.zones.models import Department

    other = Department.objects.create(zone=world.zone, name="规划建设部")
    clerk = User.objects.create_user(username="plan", password="x", role=Role.STAFF, zone=world.zone,
                                     department=other)  # fmt: skip
    with pytest.raises(PermissionDenied, match="只有督办部门或区领导"):
        services.item_check(item=item, by=clerk, passed=True)
    with pytest.raises(PermissionDenied):
        services.item_check(item=item, by=world.viewer, passed=True)


def test_a_failed_check_keeps_the_item_open_with_its_reason_then_it_closes(world, item):
    item = fix_and_apply(world, item)
    item = services.item_check_start(item=item, by=world.invest)
    assert item.status == Status.CHECKING
    with pytest.raises(ValidationError, match="须写明原因"):
        services.item_check(item=item, by=world.invest, passed=False)
    item = services.item_check(item=item, by=world.invest, passed=False, note="仍有物料未苫盖")
    assert item.status == Status.IN_PROGRESS and item.last_failure == "仍有物料未苫盖"
    assert item.rectified_on is None
    item = services.item_apply(item=item, by=world.econ, note="已全部苫盖")
    item = services.item_check(item=item, by=world.invest, passed=True, note="到位")
    assert item.status == Status.CLOSED and item.closed_on == timezone.localdate()
    kinds = list(item.events.values_list("kind", flat=True))
    assert kinds == ["created", "started", "applied", "check_started", "check_failed", "applied",
                     "check_passed", "closed"]  # fmt: skip


def test_publicity_when_the_campaign_requires_it(world, campaign, item):
    campaign.publicity_required = True
    campaign.publicity_days = 5
    campaign.save()
    item = fix_and_apply(world, item)
    item = services.item_check(item=item, by=world.leader, passed=True)
    assert item.status == Status.PUBLICITY
    assert item.publicity_until == timezone.localdate() + dt.timedelta(days=5)
    with pytest.raises(ValidationError, match="公示期满后才能销号"):
        services.item_close(item=item, by=world.leader)
    LedgerItem.objects.filter(pk=item.pk).update(publicity_until=timezone.localdate())
    item = services.item_close(item=item, by=world.leader, note="公示无异议")
    assert item.status == Status.CLOSED


def test_reopening_keeps_history_and_counts(world, item):
    item = fix_and_apply(world, item)
    item = services.item_check(item=item, by=world.invest, passed=True)
    item = services.item_reopen(item=item, by=world.invest, reason="回访发现反弹")
    assert item.status == Status.IN_PROGRESS and item.reopen_count == 1 and item.closed_on is None
    assert ItemEvent.objects.filter(item=item).count() == 6
    with pytest.raises(ValidationError, match="尚未销号"):
        services.item_reopen(item=item, by=world.invest, reason="x")


def test_steps_out_of_order_are_refused_in_chinese(world, item):
    with pytest.raises(ValidationError, match="不在待核查状态"):
        services.item_check(item=item, by=world.invest, passed=True)
    with pytest.raises(PermissionDenied):
        services.item_start(item=item, by=world.invest)  # not the fixing department


def test_a_stale_step_conflicts(world, item):
    services.item_start(item=item, by=world.econ, expected_version=item.version)
    with pytest.raises(EditConflict):
        services.item_progress(
            item=item, by=world.econ, progress="x", expected_version=item.version
        )


def test_overdue_items_go_on_the_dispatch_agenda(world, campaign):
    from zonedesk.dispatch.agenda import candidates

    late = services.item_create(campaign=campaign, by=world.leader,
                                data=item_data(world, deadline=dt.date(2026, 3, 10)))  # fmt: skip
    services.item_create(campaign=campaign, by=world.leader,
                         data=item_data(world, place="二号", deadline=dt.date(2099, 1, 1)))  # fmt: skip
    assert late.is_overdue or timezone.localdate() <= dt.date(2026, 3, 10)
    found = [c for c in candidates(world.zone, dt.date(2026, 5, 1), "small") if c.kind == "ledger"]
    assert [c.key for c in found] == [f"ledger:{late.pk}"]
    assert "已过52天" in found[0].reason and found[0].url.endswith(f"/ledgers/items/{late.pk}/")
    # It concerns its 责任部门: a 小调度 of another deputy's portfolio leaves it out.
    assert found[0].departments == (late.responsible_department_id,)
    others = [late.responsible_department_id + 1000]
    kept = candidates(world.zone, dt.date(2026, 5, 1), "small", departments=others)
    assert not [c for c in kept if c.kind == "ledger"]

"""Ledger fixtures: a campaign of zone A led by 经济发展部 (the fixing department in these tests),
checked by 投资合作促进部 (the supervising department), with one item."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from zonedesk.ledgers import services
from zonedesk.ledgers.evidence import CleanFile
from zonedesk.ledgers.models import Campaign, LedgerItem


def png() -> CleanFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 128, 0)).save(buf, "PNG")
    return CleanFile("现场照片.png", "png", "image/png", buf.getvalue())


@pytest.fixture
def campaign(world) -> Campaign:
    return services.campaign_save(
        zone=world.zone,
        by=world.leader,
        data={
            "name": "2026年生态环境“5+2”专项行动",
            "theme": "生态环境",
            "source": "assigned",
            "lead_department": world.econ_dept,
            "start": dt.date(2026, 1, 15),
            "end": dt.date(2026, 12, 31),
            "publicity_required": False,
        },
    )


def item_data(world, **extra) -> dict:
    data = {
        "problem": "厂区东侧物料露天堆放，未苫盖",
        "place": "开创集团料场",
        "category": "扬尘",
        "source": "self",
        "found_on": dt.date(2026, 3, 2),
        "responsible_department": world.econ_dept,
        "responsible_unit": world.kaichuang,
        "responsible_person": "张三",
        "supervising_department": world.invest_dept,
        "measures": "全部苫盖并设置围挡",
        "deadline_class": "short",
        "deadline": dt.date(2026, 4, 30),
    }
    data.update(extra)
    return data


@pytest.fixture
def item(world, campaign) -> LedgerItem:
    return services.item_create(campaign=campaign, by=world.leader, data=item_data(world))

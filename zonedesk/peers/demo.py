"""Demo 对标情报: two peer zones with the figures the seed newspaper page prints for them, read
from a quotation of that page, and our zone's own figures from a (demo) briefing."""

from __future__ import annotations

import datetime as dt

from zonedesk.zones.models import Zone

from . import services
from .models import Figure

SEED_QUOTE = (
    "《强经济之基，固民生之本——阳泉高新区以奋斗之姿绘新篇》（摘录）\n"
    "截至目前，神池示范区累计入驻企业55家，培育省级以上龙头企业5家，固定资产投资年均增速高达134.2%，"
    "产业集群的聚合效应持续释放。\n"
    "5年间神池示范区落地项目97个，其中亿元级重点项目11个。\n"
    "2025年，屯留经开区新签约项目41个，总投资额达97.63亿元；签约并开工项目19个，投资额30.12亿元；"
    "投产项目31个。\n"
)
OWN_BRIEFING = (
    "阳泉高新区2025年招商引资工作通报（演示数据）\n"
    "2025年，阳泉高新区新签约项目35个，总投资额达86.4亿元；签约并开工项目16个，投资额27.5亿元；"
    "投产项目22个。\n"
)

# (text to find, measure, zone short name or None for our own, year)
SAVED = [
    ("41个", "新签约项目", "屯留经开区", 2025),
    ("97.63亿元", "新签约项目总投资", "屯留经开区", 2025),
    ("19个", "签约并开工项目", "屯留经开区", 2025),
    ("31个", "投产项目", "屯留经开区", 2025),
    ("55家", "累计入驻企业", "神池示范区", 2025),
    ("35个", "新签约项目", None, 2025),
    ("86.4亿元", "新签约项目总投资", None, 2025),
    ("16个", "签约并开工项目", None, 2025),
    ("22个", "投产项目", None, 2025),
]


def build_peers_demo(users) -> None:
    econ = users["econ"]
    zone = econ.zone
    peers = {}
    for short in ("屯留经开区", "神池示范区"):
        managed = Zone.objects.filter(short_name=short).first()
        peer = services.peer_create(
            observer=zone,
            by=econ,
            name=short,
            kind=managed.kind if managed else "other",
            region="山西省",
        )
        if managed is not None:
            peer.linked_zone = managed
            peer.save(update_fields=["linked_zone"])
        peers[short] = peer
    seed = services.document_read(
        zone=zone,
        by=econ,
        name="阳泉高新区以奋斗之姿绘新篇（报纸摘录）",
        text=SEED_QUOTE,
        origin="paste",
        published_on=dt.date(2026, 1, 12),
    )
    own = services.document_read(
        zone=zone, by=econ, name="2025年招商引资工作通报（演示）", text=OWN_BRIEFING, origin="paste"
    )
    for text, measure, short, year in SAVED:
        document = seed if short else own
        start = document.text.index(text)
        services.figure_save(
            document=document,
            char_start=start,
            by=econ,
            measure=measure,
            year=year,
            peer=peers.get(short),
            kind=Figure.Kind.VALUE,
        )

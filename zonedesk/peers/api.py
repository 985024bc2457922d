"""JSON endpoint of 对标情报: text in, numeric facts out (the same extractor as the page).

Mounted on the site API (`api.add_router("/facts", router)`), so it shares the bearer token
authentication and the Chinese error responses; a body over the request size limit gets a 413.
"""

from __future__ import annotations

from ninja import Router, Schema

from zonedesk import access
from zonedesk.lib.facts import extract

from . import services

router = Router(tags=["对标情报"])


class TextIn(Schema):
    text: str
    doc: str = ""


class FactOut(Schema):
    doc: str
    text: str
    char_start: int
    kind: str
    value: float
    unit: str
    unit_as_written: str
    approx: bool
    metric: str | None
    subject: str | None
    sentence: str


class FactsOut(Schema):
    count: int
    facts: list[FactOut]


@router.post("/extract", response=FactsOut, summary="从文本中抽取数据事实")
def facts_extract(request, payload: TextIn):
    """Every number with a unit or a counted noun in `text`, normalised to base units (金额：万元，
    面积：平方米 …), with the phrase naming what is measured and the sentence it came from."""
    access.require_peers(request.auth, request)
    text = services.check_text(payload.text)
    facts = extract(text, doc=payload.doc[:200])
    return {"count": len(facts), "facts": [f.to_dict() for f in facts]}

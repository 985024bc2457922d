"""The report's sentences, shared by the page, the .docx and the .xlsx so all three say the same."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal


def dec(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def amount(value) -> str:
    """万元 under 1亿, 亿元 above (1亿元 = 10,000万元), two decimals."""
    number = dec(value)
    if number is None:
        return "—"
    if abs(number) >= 10000:
        return f"{number / 10000:,.2f}亿元"
    return f"{number:,.2f}万元"


def pct(value) -> str:
    return "—" if value is None else f"{value}%"


def gap(value) -> str:
    """+3.2 → 超序时进度3.2个百分点; −4.0 → 落后序时进度4.0个百分点."""
    number = dec(value)
    if number is None:
        return "无年度计划"
    if number >= 0:
        return f"超序时进度{number}个百分点"
    return f"落后序时进度{-number}个百分点"


def signed(value, unit: str = "") -> str:
    number = dec(value)
    if number is None:
        return "—"
    return f"{'+' if number > 0 else ''}{number}{unit}"


def cn_date(value: str | dt.date | None) -> str:
    if not value:
        return "—"
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.year}年{day.month}月{day.day}日"


def title(data: dict) -> str:
    return f"{data['zone']['label']}重点项目调度周报"


def headline(data: dict) -> str:
    """The report's opening sentence: counts, money, 完成率 against 序时进度."""
    t = data["totals"]
    rate = (
        f"年度投资完成率{t['rate']}%，{gap(t['gap'])}"
        if t["rate"] is not None
        else "暂无年度计划投资"
    )
    return (
        f"截至{cn_date(data['as_of'])}，全区纳入调度的重点项目{t['count']}个，"
        f"总投资{amount(t['total_investment'])}，年度计划投资{amount(t['annual_plan'])}，"
        f"本年累计完成投资{amount(t['invested_year'])}，{rate}"
        f"（序时进度{data['schedule_share']}%）。本期完成投资{amount(data['invested_period'])}。"
    )


def starts_sentence(data: dict) -> str:
    s = data["starts"]
    return (
        f"本年计划新开工项目{s['start']['planned']}个，已开工{s['start']['done']}个，"
        f"开工率{pct(s['start']['rate'])}；计划竣工项目{s['completion']['planned']}个，"
        f"已竣工{s['completion']['done']}个，竣工率{pct(s['completion']['rate'])}；"
        f"计划投产项目{s['production']['planned']}个，已投产{s['production']['done']}个，"
        f"投产率{pct(s['production']['rate'])}。"
    )


def reporting_sentence(data: dict) -> str:
    r = data["reporting"]
    return (
        f"本期应报送进度项目{r['expected']}个，已报送{r['reported']}个，"
        f"被退回待重报{r['returned']}个，未报送{r['missing']}个。"
    )


def colours_sentence(data: dict) -> str:
    c = data["colours"]
    return f"项目预警：红色{c['red']}个、黄色{c['amber']}个、绿色{c['green']}个。"


def wow_sentences(data: dict) -> list[str]:
    w = data.get("wow")
    if not w:
        return ["无上期数据，不作比较。"]
    lines = [
        f"与上期（{w['previous_period']['label']}）相比，本年累计完成投资增加"
        f"{amount(w['invested_year_delta'])}，年度投资完成率变化"
        f"{signed(w['rate_delta'], '个百分点')}；本期完成投资较上期变化"
        f"{signed(w['invested_period_delta'], '万元')}；报送项目数变化{signed(w['reported_delta'], '个')}。"
    ]
    for change in w["lags"].values():
        line = f"{change['title']}项目{change['now']}个（上期{change['previous']}个）"
        if change["added"]:
            line += f"，新增：{'、'.join(change['added'])}"
        if change["cleared"]:
            line += f"，已销号：{'、'.join(change['cleared'])}"
        lines.append(line + "。")
    return lines


def blockers_sentence(data: dict) -> str:
    b = data.get("blockers")
    if b is None:
        return "要素保障问题模块尚未接入，本节暂缺。"
    return (
        f"本期新增要素保障问题{len(b['opened'])}个，解决{len(b['closed'])}个；"
        f"目前未解决{b['open_count']}个，其中超期{b['overdue_count']}个。"
    )


def supervision_sentence(data: dict) -> str:
    s = data.get("supervision")
    if s is None:
        return "督办模块尚未接入，本节暂缺。"
    return f"督办事项在办{s['open']}项，其中逾期{s['overdue']}项；本期办结{s['done_in_window']}项。"

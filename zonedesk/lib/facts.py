"""Numeric fact extraction (数据事实抽取) from report texts, Django-free.

`extract(text, doc=...)` finds every number stated with a unit of measure or a counted noun
(money, counts, areas, lengths, percentages, power, energy, weights, volumes, other units),
normalises it to a base unit and names what it measures (`metric`, 指标) and, when the sentence
says so, whose it is (`subject`, 主体). `read_document(path)` reads .txt, .docx and text PDFs;
`main(argv)` is the command-line core printing one JSON fact per line.

Conventions (those of the hand-labelled corpus): years, dates, ordinals, list markers and names
containing digits (207国道, A10地块, "5+2", PM2.5) are not facts; slogans in short quotes
(“五个聚焦”) and scale words (百亿级) are skipped; approximations (约, 近, 余, 多, 超, 以上, 左右,
突破 …) are flagged in `approx`.

How it works: the text is first "cleaned" into a reading view (正文视图) — lines broken inside a
sentence are joined and photo captions and page furniture (页码、图片说明) dropped — with an
offset map back to the original. One precompiled regular expression then finds the candidates
(number + unit); each is checked, converted, and its metric is read from the clause around it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from zonedesk.lib.cnnum import (
    CN_DIGIT_CHARS,
    CN_NUMERAL_CHARS,
    NUMBER_PATTERN,
    NumberParseError,
    parse_number,
    to_halfwidth,
)

__all__ = [
    "KINDS",
    "DocumentError",
    "Fact",
    "extract",
    "main",
    "read_document",
]

KINDS = (
    "money",
    "count",
    "area",
    "length",
    "percent",
    "power",
    "energy",
    "weight",
    "volume",
    "other",
)


# ---------------------------------------------------------------------------------------------
# The result


@dataclass(slots=True)
class Fact:
    """One number stated in a text (数据事实), in the corpus's gold format plus its sentence."""

    doc: str  # 文件名 (without folder)
    text: str  # 原文片段, an exact substring of the text
    char_start: int  # 起始位置, 0-based, in characters of the text as read
    kind: str  # 类别: money, count, area, …
    value: float | int  # 数值 in the base unit (万元, 平方米, 米, 千瓦, 吨, 立方米 …)
    unit: str  # 基本单位
    unit_as_written: str  # 原文单位, e.g. 亿元, 万平方米
    approx: bool  # 约数 (约, 近, 余, 多, 超, 以上, 左右 …)
    metric: str | None  # 指标: what is measured, e.g. 总投资
    subject: str | None  # 主体: project, organisation or place
    sentence: str  # 所在句子

    def to_dict(self) -> dict:
        """The gold format's keys (with ``doubt`` false) plus ``sentence``."""
        data = asdict(self)
        sentence = data.pop("sentence")
        data["doubt"] = False  # the gold format's field; an extractor never doubts
        data["sentence"] = sentence
        return data

    def to_json(self) -> str:
        """One JSON line (不转义中文) in the gold format plus ``sentence``."""
        return json.dumps(self.to_dict(), ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# Units (单位表): written form → (kind, base unit, factor to the base unit)

_D = Decimal
_MONEY = {"元": ("money", "万元", _D("0.0001"))}
for _cur in ("美元", "美金", "欧元", "日元", "港元", "港币", "英镑", "澳元", "韩元", "卢布"):
    _MONEY[_cur] = ("money", "万" + ("美元" if _cur == "美金" else _cur), _D("0.0001"))

_COUNT_WORDS = (
    "个 家 项 栋 幢 座 户 人 名 位 支 批 次 件 台 套 条 所 处 只 头 羽 株 棵 间 辆 架 艘 张 宗 "
    "单 份 款 类 种 场 例 篇 部 本 层 块 床 列 人次 户次 家次 台套 口"
).split()

UNITS: dict[str, tuple[str, str, Decimal]] = {
    **_MONEY,
    **{w: ("count", w, _D(1)) for w in _COUNT_WORDS},
    "%": ("percent", "%", _D(1)),
    "成": ("percent", "%", _D(10)),
    "‰": ("percent", "%", _D("0.1")),
    "个百分点": ("percent", "百分点", _D(1)),
    "百分点": ("percent", "百分点", _D(1)),
    "平方米": ("area", "平方米", _D(1)),
    "平米": ("area", "平方米", _D(1)),
    "平方": ("area", "平方米", _D(1)),
    "㎡": ("area", "平方米", _D(1)),
    "m²": ("area", "平方米", _D(1)),
    "平方公里": ("area", "平方米", _D(10**6)),
    "平方千米": ("area", "平方米", _D(10**6)),
    "km²": ("area", "平方米", _D(10**6)),
    "公顷": ("area", "平方米", _D(10**4)),
    "亩": ("area", "平方米", _D("666.6667")),
    "米": ("length", "米", _D(1)),
    "延米": ("length", "米", _D(1)),
    "公里": ("length", "米", _D(1000)),
    "千米": ("length", "米", _D(1000)),
    "km": ("length", "米", _D(1000)),
    "厘米": ("length", "米", _D("0.01")),
    "毫米": ("length", "米", _D("0.001")),
    "海里": ("length", "米", _D(1852)),
    "千瓦": ("power", "千瓦", _D(1)),
    "kW": ("power", "千瓦", _D(1)),
    "KW": ("power", "千瓦", _D(1)),
    "kw": ("power", "千瓦", _D(1)),
    "兆瓦": ("power", "千瓦", _D(1000)),
    "MW": ("power", "千瓦", _D(1000)),
    "吉瓦": ("power", "千瓦", _D(10**6)),
    "GW": ("power", "千瓦", _D(10**6)),
    "千瓦时": ("energy", "千瓦时", _D(1)),
    "kWh": ("energy", "千瓦时", _D(1)),
    "KWh": ("energy", "千瓦时", _D(1)),
    "度": ("energy", "千瓦时", _D(1)),
    "兆瓦时": ("energy", "千瓦时", _D(1000)),
    "MWh": ("energy", "千瓦时", _D(1000)),
    "吉瓦时": ("energy", "千瓦时", _D(10**6)),
    "GWh": ("energy", "千瓦时", _D(10**6)),
    "吨标准煤": ("energy", "吨标准煤", _D(1)),
    "吨标煤": ("energy", "吨标准煤", _D(1)),
    "吨": ("weight", "吨", _D(1)),
    "公吨": ("weight", "吨", _D(1)),
    "千克": ("weight", "吨", _D("0.001")),
    "公斤": ("weight", "吨", _D("0.001")),
    "kg": ("weight", "吨", _D("0.001")),
    "斤": ("weight", "吨", _D("0.0005")),
    "克": ("weight", "吨", _D("0.000001")),
    "立方米": ("volume", "立方米", _D(1)),
    "立方": ("volume", "立方米", _D(1)),
    "标方": ("volume", "立方米", _D(1)),
    "方": ("volume", "立方米", _D(1)),
    "m³": ("volume", "立方米", _D(1)),
    "升": ("volume", "立方米", _D("0.001")),
    "毫升": ("volume", "立方米", _D("0.000001")),
    "倍": ("other", "倍", _D(1)),
    "P": ("other", "P", _D(1)),
    "PFlops": ("other", "P", _D(1)),
    "PFLOPS": ("other", "P", _D(1)),
    "EFlops": ("other", "P", _D(1000)),
    "EFLOPS": ("other", "P", _D(1000)),
    "TEU": ("other", "标箱", _D(1)),
    "标箱": ("other", "标箱", _D(1)),
    "千伏": ("other", "千伏", _D(1)),
    "kV": ("other", "千伏", _D(1)),
    "千伏安": ("other", "千伏安", _D(1)),
    "kVA": ("other", "千伏安", _D(1)),
    "兆伏安": ("other", "千伏安", _D(1000)),
    "MVA": ("other", "千伏安", _D(1000)),
    "微克/立方米": ("other", "微克/立方米", _D(1)),
    "毫克/立方米": ("other", "毫克/立方米", _D(1)),
    "毫克/升": ("other", "毫克/升", _D(1)),
    "TB": ("other", "TB", _D(1)),
    "PB": ("other", "PB", _D(1)),
    "Gbps": ("other", "Gbps", _D(1)),
}

# What may not follow a unit: it would then be the start of an ordinary word (三位一体, 支持,
# 个月, 项目, 方面 …) or a scale word (百亿级, 万吨级) rather than a measured quantity.
_BANNED_AFTER: dict[str, tuple[str, ...]] = {
    "个": ("月", "小时", "工作日", "季度", "星期", "年头", "人所得"),
    "项": ("目",),
    "支": ("持", "撑", "付", "出", "柱", "援", "部", "队伍建设"),
    "位": ("于", "居", "列", "一体", "置"),
    "名": ("单", "称", "义", "录", "牌", "列"),
    "处": ("理", "置", "于", "室", "级"),
    "所": ("属", "有", "在", "以", "得"),
    "部": ("门", "署", "分", "委", "长"),
    "台": ("账", "风", "阶", "湾"),
    "次": ("要", "性", "序"),
    "种": ("植", "养", "子", "类", "业"),
    "条": ("件", "例", "款", "线"),
    "件": ("事",),
    "只": ("有", "要", "是", "能"),
    "批": ("准", "复", "次"),
    "头": ("部", "脑"),
    "间": ("接", "隔"),
    "场": ("景", "所", "地", "馆", "站"),
    "类": ("型", "别", "似"),
    "款": ("项", "式"),
    "单": ("位", "元", "独", "一"),
    "份": ("额",),
    "本": ("地", "土", "市", "区", "县", "级", "源"),
    "例": ("如",),
    "层": ("次", "面", "级"),
    "块": ("化",),
    "人": ("民", "才", "员", "工", "口", "力", "大", "类", "文"),
    "架": ("构",),
    "宗": ("旨", "教"),
    "口": ("岸", "号", "径"),
    "列": ("入", "为", "车", "出", "表", "举", "队", "席"),
    "方": ("面", "案", "向", "式", "法", "针", "位", "便", "圆", "阵", "略", "舱"),
    "克": ("服", "难"),
    "成": tuple("为功立本果员效熟交绩型都不长品套片批年效就规链群网线"),
    "度": ("假", "过"),
    "平方": ("米", "公里", "千米"),
    "P": tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
}
_SCALE_WORDS = ("级", "强", "大")  # 百亿级, 百强, 四大: scale or set phrases, not quantities
# Counted nouns that Chinese numerals also form idioms with (二次结构, 三方合作, 两度): with a
# Chinese numeral these count only before punctuation or a clear noun-phrase ending.
_CN_RISKY_UNITS = frozenset({"次", "方", "度", "口", "单", "本", "部", "层", "块", "列"})

_UNIT_ALT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_MAG = "十百千万亿萬億拾佰仟"
_PRE = r"约|近|超过|超|逾|突破|将近|接近|大约|不到|不足|不少于|至少|多达|高于|(?:上|过)(?=[百千万])"
_INF = r"余|多|来"
_POST = r"以上|左右|上下|之多|有余|许"

# The candidate: [approx prefix] number [余/多] [万亿] [余/多] unit [approx suffix], or a number
# ending in 万/亿 with no unit (a bare amount of money, kept only in a money context).
_FIRST_CHARS = "约近超逾突将接大不至多高上过0-9" + CN_NUMERAL_CHARS
_FACT_RE = re.compile(
    # The leading character class lets the regex engine skip most positions at C speed.
    rf"(?=[{_FIRST_CHARS}])"
    rf"(?P<pre>{_PRE})?"
    # A number starts at the start of a run of numerals: trying every position inside a long
    # run (an ID, a table row) would make the scan quadratic.
    rf"(?<![0-9{CN_NUMERAL_CHARS}])"
    rf"(?P<num>{NUMBER_PATTERN})"
    rf"(?P<inf>{_INF})?"
    rf"(?P<mag>[{_MAG}]*)"
    rf"(?P<inf2>{_INF})?"
    rf"(?:(?P<unit>{_UNIT_ALT})|(?<=[万亿萬億]))"
    rf"(?P<post>{_POST})?"
)
_PRE_TAIL_RE = re.compile(rf"(?:{_PRE})$")
# The lower end of a range before the fact's number ("3至" in 3至5个).
_RANGE_TAIL_RE = re.compile(rf"(?:[\d.]+(?:至|到|~|～|-|—)|[{CN_NUMERAL_CHARS}]+(?:至|到))$")
_PERCENT_WORD_RE = re.compile(rf"(?P<pre>{_PRE})?百分之(?P<num>{NUMBER_PATTERN})(?P<post>{_POST})?")
# Money followed by "/亩", "/吨", "每平方米"… is a rate (单价、强度), kind "other"; other units
# keep their kind ("30万吨/年" is a capacity in 吨).
_RATE_RE = re.compile(
    r"[/每](?:平方米|平方公里|平方千米|立方米|千瓦时|平米|㎡|亩|吨|人|年|月|日|天|小时|户|辆|个|件"
    r"|千克|公斤|公里|米|台|套|kg|t|m³|h|kWh)"
)

_ASCII_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_BEFORE_NOT_A_FACT = _ASCII_ALNUM | frozenset("._#+/第×*@")
_DIGIT_CHARS = frozenset("0123456789" + CN_DIGIT_CHARS)
_ONE = frozenset({"一", "壹"})
_MINUS = frozenset("-−")
_PLUS = frozenset("+＋")
_VAGUE_BEFORE = frozenset("几数成")
_RANGE_MARKS = frozenset("至到~～-—－")
_PUNCT = frozenset("，,。；;：:！!？?、）)】」』”’\n\r\t …—-")

# ---------------------------------------------------------------------------------------------
# Phrases around a number

# Clause boundaries (分句边界) for reading the metric; parentheses are not boundaries because
# names contain them (鼎恒能源科技(山西)有限公司).
_BOUND_RE = re.compile(r"[，,。；;：:！!？?、\n\r\t …—|]")
_QUOTE_CHARS_RE = re.compile(r"[“”\"‘’'《》「」『』〈〉]")
_PAREN_RE = re.compile(r"（[^（）]*）|\([^()]*\)|【[^【】]*】|\[[^\[\]]*\]")
# Linking words between a metric and its number: "总投资达", "城镇化率提高到", "占全国的".
_LINK_TAIL_RE = re.compile(
    r"(?:(?:一跃|一举)?(?:提高|提升|增长|增加|上升|下降|降低|减少|缩小|扩大|跃升|攀升|升|降|增|减|达|占|缩减)"
    r"(?:到|至)|达到|高达|已达|达|为|是|有|约|近|逾|突破|超过|超|共计|合计|总计|计|共|在|的|了"
    r"|分别|同比|一跃|均|已|将|累计|仅|就|只|再|又|完成|实现|(?:控制|稳定|保持|维持)在"
    r"|\d{4}年(?:底|末|初)?|由|从|人民币|可|能|预计|预期|力争)$"
)
_LEAD_RE = re.compile(
    r"^(?:的|其中|并且|并|且|同时|以及|和|及|与|其|更是|还|也|又|让|使得|使|带动|推动|助力|实现"
    r"|截至目前|截至\S{0,10}?[年月底末]|目前|当前|今年|去年|全年|上半年|下半年|前三季度|一季度"
    r"|(?:到|至)?(?:今年|明年)?(?:年底|年末|年内|月底)|届时|预计|力争"
    r"|\d{4}年(?:\d{1,2}月)?(?:以来|底|末|前|初|内)?|\d+年(?:间|来|内)|近\d+年"
    r"|(?:本报|[\u4e00-\u9fff]{1,5}(?:报|社|网|台))讯"  # a news dateline: 本报讯, 新华社讯
    r"|此外|另外|总体|整体|共有|拥有|现有|有(?![效序力机利益])|由|从|共|均|第[\d一二三四五六七八九十]+批)"
)
# Where a phrase after the number stops being the thing counted: a verb or adverb starts.
_AFTER_CUT_RE = re.compile(
    r"已|将|全部|全面|建成|实现|实施|正式|成功|由|获|均|累计|分别|完成|开工|投产|达|为|是"
    r"|入驻|落户|位于|等|总投资|计划|预计|同比|比上年|拉动|带动|增长|提升|并网|投运|投用|竣工"
    r"|动工|启动|完工|顺利|稳步|加快|持续|有序|即将|正在|陆续|落地|集中|提前|进行|共(?![建享同有])"
    r"|\d"
)
# Metric-like endings: a phrase ending so names the measured quantity itself (总投资, 产值…).
_METRIC_END_RE = re.compile(
    r"(?:投资|额|值|量|率|比|面积|规模|产能|产量|收入|资金|资产|利润|税收|总产|人数|户数|数"
    r"|项目|企业|容量|装机|长度|里程|增速|增幅|比重|亩产|就业|人口|用地|用电|排放|消费|效益|能力"
    r"|营收|成本|GDP|浓度|经费|补贴|奖励|融资|贷款|基金|存款|出口|进口|收益|产|资|费|金|款|价)$"
)
# Words that make a bare "5亿"/"3000万" an amount of money.
_MONEY_CONTEXT_RE = re.compile(
    r"投资|资金|产值|营收|收入|销售额|税收|金额|融资|贷款|利润|增加值|生产总值|GDP|资产|经费|补贴"
    r"|补助|奖励|基金|存款|成交额|交易额|消费额|进出口|出口额|进口额|总额|营业额|造价|估值|市值"
    r"|专项债|债券|资本|财政|预算|投入|销售|营业收入|产出"
)
# Subject endings (主体): organisations, projects and places, used to split "X项目总投资".
# Subject endings (主体): organisations, projects and places, used to split "X项目总投资". Found
# by their last character first (one character class), then checked with str.endswith: much
# faster than a long alternation tried at every position.
_SUBJECT_SUFFIXES = (
    "有限责任公司", "有限公司", "股份公司", "公司", "集团", "研究院", "大学", "产业园", "工业园",
    "科技园", "园区", "开发区", "经开区", "高新区", "示范区", "综改区", "自贸区", "保税区", "新区",
    "管委会", "项目", "全省", "全市", "全区", "全县", "全镇", "我省", "我市", "我区", "我县", "本市",
)  # fmt: skip
_WHOLE_PLACE = ("全省", "全市", "全区", "全县", "全镇", "我省", "我市", "我区", "我县", "本市")
_ORG_SUFFIXES = (
    "有限责任公司", "有限公司", "股份公司", "公司", "集团", "研究院", "产业园", "工业园",
    "开发区", "经开区", "高新区", "示范区", "综改区", "自贸区", "新区", "项目",
)  # fmt: skip
_SUBJECT_END_RE = re.compile(r"[司团院学园区会目省市县镇](?![级内外域场属直管])")
_NAME_CHARS_RE = re.compile(r"[^\u4e00-\u9fffA-Za-z（）()·]")
# "新签约项目", "亿元以上重点项目": kinds of project, not a project's name.
_GENERIC_PROJECT_RE = re.compile(
    r"^(?:新|各类|全部|重点|签约|开工|投产|竣工|在建|续建|新建|落地|招商|储备|谋划|建设|产业|入库|引进"
    r"|省级|市级|亿元|级|以上|并|及|和|、)*项目$"
)
_JOINER_RE = re.compile(r"[与和及同]")
_AFTER_COUNT = frozenset("0123456789" + CN_DIGIT_CHARS + "个家项座栋户支批类")
_GENERIC_SUBJECTS = frozenset(
    {"项目", "重点项目", "签约项目", "新签约项目", "产业园", "园区", "开发区", "公司", "集团"}
)
_METRIC_MAX = 20
_SENTENCE_MAX = 400
_PER_TAIL_RE = re.compile(
    r"每(平方米|平米|亩|吨|人|户|辆|个|件|千瓦时|度|公里|米|立方米|台|套)[\u4e00-\u9fff]{0,2}$"
)
_CHANGE_ONLY_RE = re.compile(
    r"^(?:同比|比上年|较上年|年均|分别)?(?:增长|下降|增加|减少|提高|降低|上涨|回落|增幅|增速|提升)$"
)
# Verbs that start a description of projects ("实施省市重点项目") rather than a project's name.
_DESCRIPTION_LEAD_RE = re.compile(
    r"^(?:实施|推进|建设|新建|引进|签约|开工|新开工|完成|谋划|储备|落地|开展|启动|改造|发放|培育"
    r"|招引|对接|洽谈|包装|申报|争取|入库|储备|建成|竣工|投产)"
)

# Short quoted phrases and titles (“五个聚焦”, 《…》): names and slogans, not facts.
_QUOTED_RE = re.compile(r"“[^”\n]{1,12}”|\"[^\"\n]{1,12}\"|《[^》\n]{0,60}》|「[^」\n]{1,12}」")
_SENTENCE_END_RE = re.compile(r"[。！？!?\n]+[”’」』）)]*")

# ---------------------------------------------------------------------------------------------
# Reading view: joining broken lines, dropping captions and page furniture

_LINE_RE = re.compile(r"([^\n]*)(\n|$)")
_CAPTION_RE = re.compile(
    r"^(?:图为|图：|图片|▲|△|（图|\(图).{0,60}$"
    r"|^.{0,60}(?:供图|摄|摄影|图片来源[:：].*|图源[:：].*|资料图片?|配图|制图)[）)]?$"
)
_FURNITURE_RE = re.compile(
    r"^[\s\-—–－·•]*(?:第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d{1,4}(?:\s*/\s*\d{1,4})?"
    r"|[-—–－]\s*\d{1,4}\s*[-—–－])[\s\-—–－·•]*$"
)
_TERMINAL = frozenset("。！？!?；;…:：")
_CLOSERS = frozenset("”’」』）)")
_LIST_START_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．]\D|[①-⑳])"
)


class _Candidate(NamedTuple):
    """A number with its unit found by the scanner, before its metric is read."""

    start: int  # of the fact's text in the reading view
    end: int
    phrase_end: int  # after any trailing approximation word (以上, 左右)
    kind: str
    unit: str  # base unit
    value: Decimal  # in the base unit
    written: str  # unit as written, with its magnitude (亿元)
    approx: bool
    bare: bool  # "12亿" without 元: money only in a money context
    raw: Decimal  # the number as written, magnitude included (1.2万 → 12000)
    word: str  # the unit word alone (元, 吨, 亩)


@dataclass(slots=True)
class _View:
    """The cleaned reading view and its map back to the original text."""

    text: str
    clean_starts: list[int]
    orig_starts: list[int]

    def orig(self, pos: int) -> int:
        i = bisect_right(self.clean_starts, pos) - 1
        return self.orig_starts[i] + (pos - self.clean_starts[i])


def _is_heading(line: str) -> bool:
    """A short line without sentence punctuation (标题行) ends its paragraph."""
    return len(line) <= 26 and not any(ch in line for ch in "，,。；;")


def _reading_view(text: str) -> _View:
    """Join lines broken inside sentences, drop captions and page furniture (keep offsets)."""
    if "\n" not in text:
        return _View(text, [0], [0])
    lines: list[tuple[int, int, str]] = []  # (start, end, stripped content) of content lines
    for m in _LINE_RE.finditer(text):
        if m.start() == len(text) and not m.group(0):
            break
        raw = m.group(1)
        stripped = raw.strip()
        if not stripped:
            continue
        if len(stripped) <= 62 and (_CAPTION_RE.match(stripped) or _FURNITURE_RE.match(stripped)):
            continue
        lead = len(raw) - len(raw.lstrip())
        end = m.start(1) + len(raw.rstrip())
        lines.append((m.start(1) + lead, end, stripped))
    parts: list[str] = []
    clean_starts: list[int] = []
    orig_starts: list[int] = []
    pos = 0
    for i, (start, end, content) in enumerate(lines):
        joined = i > 0 and _continues(lines[i - 1][2], content)
        if i > 0 and not joined:
            # A paragraph break: one "\n" mapped to the end of the previous line.
            clean_starts.append(pos)
            orig_starts.append(lines[i - 1][1])
            parts.append("\n")
            pos += 1
        clean_starts.append(pos)
        orig_starts.append(start)
        parts.append(text[start:end])
        pos += end - start
    if not parts:
        return _View("", [0], [0])
    return _View("".join(parts), clean_starts, orig_starts)


def _continues(previous: str, line: str) -> bool:
    """Whether `line` continues the sentence `previous` broke off (断行续接)."""
    last = previous[-1]
    if last in _CLOSERS and len(previous) > 1 and previous[-2] in _TERMINAL:
        return False
    if last in _TERMINAL or _is_heading(previous):
        return False
    return not _LIST_START_RE.match(line)


# ---------------------------------------------------------------------------------------------
# Extraction


def _spans(regex: re.Pattern[str], text: str) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    for m in regex.finditer(text):
        starts.append(m.start())
        ends.append(m.end())
    return starts, ends


def _inside(pos: int, spans: tuple[list[int], list[int]]) -> bool:
    i = bisect_right(spans[0], pos) - 1
    return i >= 0 and pos < spans[1][i]


def _clause_start(text: str, pos: int, floor: int) -> int:
    """Start of the clause that ends at `pos` (no earlier than `floor`)."""
    lo = max(floor, pos - 60)
    start = lo
    for m in _BOUND_RE.finditer(text, lo, pos):
        start = m.end()
    return start


def _clause_end(text: str, pos: int, ceiling: int) -> int:
    m = _BOUND_RE.search(text, pos, min(ceiling, pos + 40))
    return m.start() if m else min(ceiling, pos + 40, len(text))


def _tidy_phrase(phrase: str) -> str:
    phrase = _PAREN_RE.sub("", _QUOTE_CHARS_RE.sub("", phrase)).strip()
    return phrase


def _strip_before(phrase: str) -> str:
    """Remove linking words at the end and time/connective words at the start."""
    for _ in range(6):
        shorter = _LINK_TAIL_RE.sub("", phrase)
        if shorter == phrase:
            break
        phrase = shorter
    for _ in range(6):
        shorter = _LEAD_RE.sub("", phrase)
        if shorter == phrase:
            break
        phrase = shorter
    return phrase


def _split_subject(phrase: str) -> tuple[str | None, str]:
    """Split a leading subject off a phrase (主体与指标): "X产业园项目总投资" → ("X产业园项目",
    "总投资"); (None, phrase) when there is none."""
    best = None
    for m in _SUBJECT_END_RE.finditer(phrase):
        end = m.end()
        if len(phrase) - end >= 2 and end >= 2 and phrase.endswith(_SUBJECT_SUFFIXES, 0, end):
            if end > 2 and phrase.endswith(_WHOLE_PLACE, 0, end):
                continue  # "占全市比重": 全市 names a place only at the start
            best = end
    if best is None:
        return None, phrase
    subject = phrase[:best]
    rest = _LEAD_RE.sub("", phrase[best:]) or phrase[best:]
    return subject, rest


def _after_phrase(text: str, start: int, ceiling: int) -> str:
    end = _clause_end(text, start, ceiling)
    phrase = _tidy_phrase(text[start:end])
    # A verb at the very start belongs to the counted noun ("拟竣工项目", "实施类项目").
    cut = _AFTER_CUT_RE.search(phrase, 2)
    if cut:
        phrase = phrase[: cut.start()]
    if "的" in phrase:
        tail = phrase.rsplit("的", 1)[1]
        if len(tail) >= 2:
            phrase = tail
    return phrase[:_METRIC_MAX]


def _number_value(raw: str) -> Decimal | None:
    try:
        return parse_number(raw)
    except NumberParseError:
        return None


def _as_json_number(value: Decimal) -> float | int:
    if value == value.to_integral_value():
        return int(value)
    return float(round(value, 6))


def extract(text: str, *, doc: str = "") -> list[Fact]:
    """Every numeric fact in `text` (抽取数据事实), in order of position."""
    view = _reading_view(text)
    clean = view.text
    half = to_halfwidth(clean)
    quoted = _spans(_QUOTED_RE, clean)
    sentence_ends = [m.end() for m in _SENTENCE_END_RE.finditer(clean)]

    candidates: list[_Candidate] = []
    for m in _FACT_RE.finditer(half):
        found = _candidate(half, m)
        if found is not None:
            candidates.append(found)
    if "百分之" in half:
        for m in _PERCENT_WORD_RE.finditer(half):
            value = _number_value(m.group("num"))
            if value is None:
                continue
            pre = m.group("pre")
            start = m.start() if pre and len(pre) == 1 else m.start("num") - 3
            candidates.append(
                _Candidate(
                    start=start,
                    end=m.end("num"),
                    phrase_end=m.end(),
                    kind="percent",
                    unit="%",
                    value=value,
                    written="百分之",
                    approx=bool(pre or m.group("post")),
                    bare=False,
                    raw=value,
                    word="%",
                )
            )
        candidates.sort(key=lambda c: c.start)
        # Two readings of the same characters: keep the first.
        kept: list[_Candidate] = []
        for c in candidates:
            if not kept or c.start >= kept[-1].end:
                kept.append(c)
        candidates = kept

    facts: list[Fact] = []
    prev_end = 0
    prev_sentence = -1
    prev_metric: str | None = None
    sentence_subject: str | None = None
    for index, candidate in enumerate(candidates):
        start, end, phrase_end, kind, unit, value, written, approx, bare, raw, word = candidate
        if _inside(start, quoted):
            continue
        s_index = bisect_right(sentence_ends, start)
        s_start = sentence_ends[s_index - 1] if s_index else 0
        s_end = sentence_ends[s_index] if s_index < len(sentence_ends) else len(clean)
        # A "sentence" without punctuation (a table, a list) is cut to a window round the fact.
        if s_end - s_start > _SENTENCE_MAX:
            s_start = max(s_start, start - _SENTENCE_MAX // 2)
            s_end = min(s_end, max(end, s_start) + _SENTENCE_MAX // 2)
        if s_index != prev_sentence:
            prev_sentence, sentence_subject, prev_end = s_index, None, s_start
            prev_metric = None
        clause_start = _clause_start(clean, start, max(prev_end, s_start))
        before_raw = clean[clause_start:start]
        # Multi-character approximation words stay out of the fact's text; skip them here too.
        before_raw = _RANGE_TAIL_RE.sub("", _PRE_TAIL_RE.sub("", before_raw))
        if bare:
            if not _MONEY_CONTEXT_RE.search(clean[max(s_start, start - 30) : start]):
                prev_end = phrase_end
                continue
        per = _PER_TAIL_RE.search(before_raw)
        if per and kind == "money" and not bare:
            # "每亩28万元", "每吨收费100元": a price or intensity, kind other (元/亩 …).
            kind, unit, value = "other", f"{word}/{per.group(1)}", raw
            written = f"{written}/{per.group(1)}"
            before_raw = before_raw[: per.start()] + before_raw[per.end(1) :]
        # Split off the subject before dropping parentheses: names contain them.
        before = _strip_before(_QUOTE_CHARS_RE.sub("", before_raw).strip())
        subject, before_metric = _split_subject(before)
        before_metric = _strip_before(_tidy_phrase(before_metric))[-_METRIC_MAX:]
        next_start = candidates[index + 1][0] if index + 1 < len(candidates) else s_end
        next_start = min(max(next_start, phrase_end), s_end)
        after = _after_phrase(clean, phrase_end, next_start)
        metric = _choose_metric(kind, before_raw, before_metric, after)
        if not metric and prev_metric:
            metric = prev_metric  # "由120亿元增长到260亿元": the same quantity again
        elif metric and _CHANGE_ONLY_RE.match(metric):
            # "地区生产总值1523亿元，增长5.9%": the growth is the previous figure's.
            if prev_metric:
                metric = prev_metric + metric
        else:
            prev_metric = metric
        if subject is not None:
            subject = _name_only(subject)
        if not subject or subject in _GENERIC_SUBJECTS or (metric and subject in metric):
            subject = _sentence_subject(clean, s_start, start, metric) or sentence_subject
        sentence_subject = subject or sentence_subject
        o_start = view.orig(start)
        o_end = view.orig(end - 1) + 1
        facts.append(
            Fact(
                doc=doc,
                text=text[o_start:o_end],
                char_start=o_start,
                kind=kind,
                value=_as_json_number(value),
                unit=unit,
                unit_as_written=written,
                approx=approx,
                metric=metric or None,
                subject=subject,
                sentence=clean[s_start:s_end].strip().replace("\n", ""),
            )
        )
        prev_end = phrase_end
    return facts


def _choose_metric(kind: str, before_raw: str, before: str, after: str) -> str:
    """The metric is named before the number ("总投资14亿元") or after it ("3个核心方向")."""
    if len(after) < 2 or kind == "percent":
        return before or after
    if len(before) < 2:
        return after
    tail = before_raw.rstrip()
    if tail and tail[-1] in "达为至到是约":
        return before
    if _METRIC_END_RE.search(before):
        return before
    return after


def _name_only(name: str) -> str:
    """A subject phrase cut to one name: after the last 的, before 与/和/及 (X与Y合作)."""
    name = name.rsplit("的", 1)[-1]
    name = _JOINER_RE.split(name, 1)[0]
    return _LEAD_RE.sub("", name)


def _without_generic_project(name: str) -> str:
    """A zone or company named before a kind of project: "开发区新引进项目" → "开发区"."""
    if not name.endswith("项目"):
        return name
    for m in _SUBJECT_END_RE.finditer(name, 0, len(name) - 2):
        end = m.end()
        rest = name[end:]
        if (
            rest != "项目"
            and name.endswith(_ORG_SUFFIXES, 0, end)
            and _GENERIC_PROJECT_RE.match(rest)
        ):
            return name[:end]
    return name


def _sentence_subject(text: str, s_start: int, pos: int, metric: str | None) -> str | None:
    """The last organisation, project or place named in the sentence before `pos`."""
    ends = [m.end() for m in _SUBJECT_END_RE.finditer(text, max(s_start, pos - 120), pos)]
    for end in reversed(ends[-4:]):  # the nearest name wins; a few tries bound the cost
        if not text.endswith(_ORG_SUFFIXES, s_start, end):
            continue
        start = max(s_start, end - 24)
        for gap in _NAME_CHARS_RE.finditer(text, start, end):
            start = gap.end()
        if start > 0 and text[start - 1] in _AFTER_COUNT:
            continue  # "15个承接…项目": a counted noun, not a name
        name = _without_generic_project(_name_only(text[start:end]))
        if (
            len(name) < 3
            or name in _GENERIC_SUBJECTS
            or _GENERIC_PROJECT_RE.match(name)
            or _DESCRIPTION_LEAD_RE.match(name)
            or (metric and name in metric)
        ):
            continue
        return name
    return None


def _candidate(half: str, m: re.Match[str]) -> _Candidate | None:
    """Check one regex match and convert it; None when it is not a fact."""
    num = m.group("num")
    pre = m.group("pre")
    num_start = m.start("num")
    before = half[num_start - 1] if num_start else ""
    if not pre and before in _BEFORE_NOT_A_FACT:
        return None  # A10, 5+2, PM2.5, 第3, 1/3, 3.5.2
    if (
        before in _MINUS
        and num_start >= 2
        and half[num_start - 2].isascii()
        and half[num_start - 2].isalpha()
    ):
        return None  # G-5, S-3: codes
    unit = m.group("unit")
    after_pos = m.end("unit") if unit else m.end("mag") if m.group("mag") else m.end("num")
    following = half[after_pos : after_pos + 4]
    if following[:1] in _SCALE_WORDS:
        return None
    if following[:1] in _PLUS or (following[:1] == "-" and following[1:2].isdigit()):
        return None  # "5+2", "1-3" style names and ranges
    mag = m.group("mag") or ""
    inf = m.group("inf") or m.group("inf2")
    has_digit = any(ch in _DIGIT_CHARS for ch in num)
    chinese_only = not any("0" <= ch <= "9" for ch in num)
    if not has_digit and num[0] in "百千万亿萬億佰仟" and not (pre or inf):
        return None  # 千家万户, 百家, 万亩 as idioms; 超百个, 上千家 are kept
    if before in _VAGUE_BEFORE and chinese_only:
        return None  # 几十个, 数百家, 成千上万: not a stated number
    if num.endswith("点"):
        return None
    value = _number_value(num + mag)
    if unit is None:
        if inf or (num + mag)[-1] not in "万亿萬億":
            return None
        if value is None:
            return None
        written = (mag or _trailing_mag(num)) or ""
        end = after_pos
        start = m.start("num") if not (pre and len(pre) == 1) else m.start()
        return _Candidate(
            start, end, end, "money", "万元", value / 10**4, written, bool(pre or inf), True,
            value, "元",
        )  # fmt: skip
    if value is None:
        # "30万千瓦": the greedy numeral took the 千 of 千瓦; give it back to the unit.
        for k in (1, 2):
            if len(num) > k and num[-k:] + unit in UNITS and not mag:
                value = _number_value(num[:-k])
                if value is not None:
                    unit = num[-k:] + unit
                    num = num[:-k]
                    break
        if value is None:
            return None
    for banned in _BANNED_AFTER.get(unit, ()):
        if following.startswith(banned):
            return None
    if unit.isascii() and following[:1].isascii() and following[:1].isalpha():
        return None  # 30MWh handled by its own unit; "5G" style names never reach here
    kind, base, factor = UNITS[unit]
    if kind == "count":
        if chinese_only and num in _ONE:
            return None  # 一个, 一批, 一家: rhetorical far more often than a stated count
        if chinese_only and unit in _CN_RISKY_UNITS and following and following[0] not in _PUNCT:
            return None
        if before == "前" and unit in ("名", "位"):
            return None  # 前10名: a ranking
        if following[:1].isdigit():
            return None  # 3栋2单元, 1号: an address or a code
    if unit == "度" and not (mag or following.startswith("电")):
        return None  # 度 is energy only as "万度"/"度电"; otherwise degrees
    if unit == "方" and chinese_only:
        return None  # 三方合作
    if unit == "P" and not has_digit:
        return None
    # The upper end of a range ("3至5个", "10-15亿元") is an approximation too.
    ranged = (
        not pre
        and before in _RANGE_MARKS
        and num_start >= 2
        and half[num_start - 2] in _DIGIT_CHARS
    )
    approx = bool(pre or inf or m.group("post") or ranged)
    written = (mag or _trailing_mag(num)) + unit
    # A rate such as 1.2万元/亩 or 500元每平方米: the number as written (1.2万 → 12000) in
    # 元/亩, kind other.
    rate = _RATE_RE.match(half, m.end("unit"))
    end = m.end("unit")
    if rate and kind == "money":
        base = unit + "/" + rate.group(0)[1:]
        kind, factor, written = "other", Decimal(1), (mag or _trailing_mag(num)) + base
        end = rate.end()
    if (
        kind == "percent"
        and before in _MINUS
        and not (num_start >= 2 and half[num_start - 2].isdigit())
    ):
        value = -value
        start = num_start - 1
    elif pre and len(pre) == 1:
        start = m.start()
    else:
        start = num_start
    phrase_end = m.end() if m.group("post") else end
    return _Candidate(
        start, end, phrase_end, kind, base, value * factor, written, approx, False, value, unit
    )


_TRAILING_MAG_RE = re.compile(r"(?<=[\d一二两三四五六七八九十百千零〇])[万亿萬億千百]*[万亿萬億]$")


def _trailing_mag(num: str) -> str:
    """The magnitude written after the digits ("3000万" → "万", "1.2亿" → "亿")."""
    m = _TRAILING_MAG_RE.search(num)
    return m.group(0) if m else ""


# ---------------------------------------------------------------------------------------------
# Reading files


class DocumentError(ValueError):
    """A file that cannot be read as text (无法读取的文档); `.message` is in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_document(path: str | Path) -> str:
    """The text of a .txt (UTF-8 with/without BOM, GB18030), .docx or text PDF (读取文档)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"无法打开文件“{path.name}”：{exc.strerror or exc}") from exc
    if not data.strip():
        raise DocumentError(f"文件“{path.name}”是空的")
    suffix = path.suffix.lower()
    if suffix == ".docx" or (suffix not in (".txt", ".pdf") and data[:2] == b"PK"):
        text = _read_docx(path)
    elif suffix == ".pdf" or data[:5] == b"%PDF-":
        text = _read_pdf(path)
    else:
        text = _decode_text(data, path.name)
    if not text.strip():
        raise DocumentError(f"文件“{path.name}”中没有文字")
    return text


def _decode_text(data: bytes, name: str) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DocumentError(f"文件“{name}”的编码无法识别") from exc
    if b"\x00" in data[:8192]:
        raise DocumentError(f"文件“{name}”不是文本文件（像是二进制文件）")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"文件“{name}”的编码无法识别（既不是 UTF-8 也不是 GB18030）") from exc


def _read_docx(path: Path) -> str:
    try:
        import docx  # python-docx
    except ImportError as exc:  # pragma: no cover - installed with the project
        raise DocumentError("读取 .docx 需要安装 python-docx") from exc
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several unrelated types for a bad file
        raise DocumentError(f"文件“{path.name}”不是有效的 Word（.docx）文档") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _read_pdf(path: Path) -> str:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise DocumentError("读取 PDF 需要安装 pypdf") from exc
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise DocumentError(f"PDF 文件“{path.name}”已加密，无法读取")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except (PdfReadError, OSError, ValueError, KeyError) as exc:
        raise DocumentError(f"文件“{path.name}”不是有效的 PDF 文档") from exc
    text = "\n\n".join(pages)
    # A scanned PDF has no text layer, or only stray characters (page numbers): fewer than
    # 16 visible characters a page on average.
    if len(re.sub(r"\s", "", text)) < 16 * max(1, len(pages)):
        raise DocumentError(
            f"PDF 文件“{path.name}”没有文字层（可能是扫描件），请先做文字识别（OCR）"
        )
    return text


# ---------------------------------------------------------------------------------------------
# Command line


def main(argv: Sequence[str] | None = None, *, out=None, err=None) -> int:
    """Print the facts of each file as JSON lines (命令行入口); 0 when every file was read."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = argparse.ArgumentParser(
        prog="extract_facts", description="从报告文本中抽取数据事实（每行一个 JSON）"
    )
    parser.add_argument("--jsonl", action="store_true", help="每行输出一个事实（JSON Lines）")
    parser.add_argument("paths", nargs="+", metavar="PATH", help=".txt、.docx 或带文字层的 PDF")
    args = parser.parse_args(list(argv) if argv is not None else None)
    status = 0
    for path in args.paths:
        try:
            text = read_document(path)
        except DocumentError as exc:
            print(f"{path}：{exc.message}", file=err)
            status = 1
            continue
        _write(extract(text, doc=Path(path).name), out)
    return status


def _write(facts: Iterable[Fact], out) -> None:
    for fact in facts:
        out.write(fact.to_json())
        out.write("\n")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

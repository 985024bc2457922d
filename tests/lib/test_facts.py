"""Tests for the numeric fact extractor (数据事实抽取).

All sentences here are written for these tests (typical work-report phrasing), none is copied
from the corpus; the corpus score is checked only when ../shared/corpus is present.
"""

from __future__ import annotations

import importlib.util
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zonedesk.lib.facts import DocumentError, Fact, extract, main, read_document

from .test_cnnum import chinese, fullwidth, grouped

GOLD_KEYS = [
    "doc", "text", "char_start", "kind", "value", "unit", "unit_as_written", "approx", "metric",
    "subject", "doubt",
]  # fmt: skip
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def one(text: str) -> Fact:
    facts = extract(text)
    assert len(facts) == 1, [f.text for f in facts]
    return facts[0]


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b), 1)


# --- kinds, values and units ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "text", "kind", "value", "unit", "written"),
    [
        ("全年完成固定资产投资86.5亿元。", "86.5亿元", "money", 865000, "万元", "亿元"),
        ("项目总投资3,200万元。", "3,200万元", "money", 3200, "万元", "万元"),
        ("项目总投资3，200万元。", "3，200万元", "money", 3200, "万元", "万元"),
        ("拨付奖补资金850000元。", "850000元", "money", 85, "万元", "元"),
        ("合同金额二亿元。", "二亿元", "money", 20000, "万元", "亿元"),
        ("协议投资一亿二千万元。", "一亿二千万元", "money", 12000, "万元", "千万元"),
        ("实际利用外资1.5亿美元。", "1.5亿美元", "money", 15000, "万美元", "亿美元"),
        ("项目计划总投资12亿，", "12亿", "money", 120000, "万元", "亿"),
        ("新签约项目41个。", "41个", "count", 41, "个", "个"),
        ("入驻企业一百二十家。", "一百二十家", "count", 120, "家", "家"),
        ("吸纳就业1.2万人。", "1.2万人", "count", 12000, "人", "万人"),
        ("接待游客350万人次。", "350万人次", "count", 3500000, "人次", "万人次"),
        ("征收土地300亩。", "300亩", "area", 200000.01, "平方米", "亩"),
        ("建成厂房12万平方米。", "12万平方米", "area", 120000, "平方米", "万平方米"),
        ("规划面积15.6平方公里。", "15.6平方公里", "area", 15600000, "平方米", "平方公里"),
        ("复垦耕地20公顷。", "20公顷", "area", 200000, "平方米", "公顷"),
        ("新建道路8.5公里。", "8.5公里", "length", 8500, "米", "公里"),
        ("铺设管网1200米。", "1200米", "length", 1200, "米", "米"),
        ("增速达到７．５％。", "７．５％", "percent", 7.5, "%", "%"),
        ("占比提高2.1个百分点。", "2.1个百分点", "percent", 2.1, "百分点", "个百分点"),
        ("新增装机容量50万千瓦。", "50万千瓦", "power", 500000, "千瓦", "万千瓦"),
        ("建设30MW储能电站。", "30MW", "power", 30000, "千瓦", "MW"),
        ("年发电量2.4亿千瓦时。", "2.4亿千瓦时", "energy", 240000000, "千瓦时", "亿千瓦时"),
        ("年产饲料20万吨。", "20万吨", "weight", 200000, "吨", "万吨"),
        ("收购鲜奶5000公斤。", "5000公斤", "weight", 5, "吨", "公斤"),
        ("日处理污水3万立方米。", "3万立方米", "volume", 30000, "立方米", "万立方米"),
        ("算力规模达到300P。", "300P", "other", 300, "P", "P"),
        ("营业收入增长1.5倍。", "1.5倍", "other", 1.5, "倍", "倍"),
        ("入驻率达到百分之八十五。", "百分之八十五", "percent", 85, "%", "百分之"),
    ],
)
def test_kinds_and_values(
    sentence: str, text: str, kind: str, value: float, unit: str, written: str
) -> None:
    fact = one(sentence)
    assert (fact.text, fact.kind, fact.unit, fact.unit_as_written) == (text, kind, unit, written)
    assert close(fact.value, value)
    assert sentence[fact.char_start : fact.char_start + len(fact.text)] == fact.text


@pytest.mark.parametrize(
    ("sentence", "text", "value"),
    [
        ("累计对接项目超百个。", "超百个", 100),
        ("带动300余户农户增收。", "300余户", 300),
        ("实施重点项目1000多个。", "1000多个", 1000),
        ("总建筑面积约16万平方米。", "约16万平方米", 160000),
        ("规上企业达到100家以上。", "100家", 100),
        ("培育企业20家左右。", "20家", 20),
        ("近千家企业参会。", "近千家", 1000),
        ("年产值突破50亿元。", "50亿元", 500000),
        ("销售额1000多万元。", "1000多万元", 1000),
    ],
)
def test_approximations_are_flagged(sentence: str, text: str, value: float) -> None:
    fact = one(sentence)
    assert fact.text == text
    assert fact.approx is True
    assert close(fact.value, value)


def test_exact_numbers_are_not_approx() -> None:
    assert one("签约项目12个。").approx is False


# --- what is not a fact ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "2025年1月9日，管委会召开工作会议。",
        "一、主要工作；二是抓招商；（三）优化服务；1.强化调度。",
        "第3批项目集中开工，排名第2位。",
        "207国道改线工程和A10地块同步推进。",
        "构建“5+2”现代产业体系，聚焦“333”产业集群。",
        "全省PM2.5浓度持续下降。",
        "实施“五个聚焦”，推动“四大行动”。",
        "打造百亿级产业集群和50亿级数字经济集群。",
        "千家万户受益，百家企业结对。",
        "形成一批标志性成果，落地一个重大项目。",
        "推动三位一体协同，转入二次结构施工。",
        "连续4年获评优秀，5年间持续推进。",
        "《2025年工作要点》印发。",
        "建成5G基站和G5高速连接线。",
    ],
)
def test_not_facts(sentence: str) -> None:
    assert extract(sentence) == []


# --- metric and subject ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "text", "metric"),
    [
        ("东部新城综合体项目总投资45亿元，总建筑面积约32万平方米。", "45亿元", "总投资"),
        ("东部新城综合体项目总投资45亿元，总建筑面积约32万平方米。", "约32万平方米", "总建筑面积"),
        ("今年以来，开发区新签约项目28个，协议总投资达156.8亿元。", "28个", "新签约项目"),
        ("今年以来，开发区新签约项目28个，协议总投资达156.8亿元。", "156.8亿元", "协议总投资"),
        ("累计建设18个标准化厂房和3个人才公寓。", "18个", "标准化厂房"),
        ("下设四支专业招商小分队，赴长三角开展对接。", "四支", "专业招商小分队"),
        ("全市常住人口城镇化率提高到68.2%。", "68.2%", "常住人口城镇化率"),
        ("规模以上工业增加值同比增长8.1%。", "8.1%", "规模以上工业增加值"),
        ("带动就业3600人，实现税收2.3亿元。", "3600人", "就业"),
        ("带动就业3600人，实现税收2.3亿元。", "2.3亿元", "税收"),
        ("建设10万吨级液化天然气储备库，年周转能力达到50万吨。", "50万吨", "年周转能力"),
        ("配套落地5000吨冷链物流项目。", "5000吨", "冷链物流项目"),
        ("2025年，全县GDP达到326亿元。", "326亿元", "GDP"),
    ],
)
def test_metric(sentence: str, text: str, metric: str) -> None:
    facts = {f.text: f for f in extract(sentence)}
    assert text in facts, list(facts)
    got = facts[text].metric or ""
    assert metric in got and len(got) <= len(metric) + 6, got


def test_subject_from_the_sentence() -> None:
    facts = extract("作为省重点工程，华东智能装备产业园项目总投资18亿元，建筑面积20万平方米。")
    assert [f.subject for f in facts] == ["华东智能装备产业园项目"] * 2
    assert facts[0].metric == "总投资"


def test_subject_company() -> None:
    fact = one("晋中绿能科技(山西)有限公司建设的50MW光伏电站并网发电。")
    assert fact.subject == "晋中绿能科技(山西)有限公司"
    assert fact.metric == "光伏电站"


def test_sentence_is_recorded() -> None:
    fact = one("项目进展顺利。全年完成投资12亿元。下一步继续推进。")
    assert fact.sentence == "全年完成投资12亿元。"


# --- text as it arrives ---------------------------------------------------------------------


def test_line_break_inside_sentence() -> None:
    text = "作为重点工程，该项目总投\n资14.5亿元，总建筑面积约8万平\n方米。"
    facts = extract(text)
    assert [(f.kind, f.value) for f in facts] == [("money", 145000), ("area", 80000)]
    assert facts[0].metric == "总投资"
    assert text[facts[0].char_start : facts[0].char_start + len(facts[0].text)] == facts[0].text
    assert facts[1].text == "约8万平\n方米"


def test_caption_and_page_number_between_paragraph_pieces() -> None:
    text = (
        "高新区将围绕新能源、新材料等领域，全力推动优势产业集群发展，到年底引进配套企\n\n"
        "产业园区俯瞰图。园区管委会供图\n\n"
        "- 12 -\n\n"
        "业35家，新增产值约20亿元。\n\n下一段落。"
    )
    facts = extract(text)
    assert [f.text for f in facts] == ["35家", "约20亿元"]
    assert facts[0].metric == "引进配套企业"
    assert "供图" not in facts[0].sentence
    for f in facts:
        assert text[f.char_start : f.char_start + len(f.text)] == f.text


def test_headings_end_their_paragraph() -> None:
    text = "聚焦项目建设 强化要素保障\n\n新开工项目26个，竣工项目18个。"
    facts = extract(text)
    assert [(f.text, f.metric) for f in facts] == [("26个", "新开工项目"), ("18个", "竣工项目")]


def test_crlf_and_ascii_punctuation() -> None:
    text = "签约项目12个,总投资30.5亿元;\r\n新增就业800人."
    facts = extract(text)
    assert [f.text for f in facts] == ["12个", "30.5亿元", "800人"]
    for f in facts:
        assert text[f.char_start : f.char_start + len(f.text)] == f.text


def test_doc_name_and_json() -> None:
    fact = extract("完成投资5亿元。", doc="report.txt")[0]
    data = json.loads(fact.to_json())
    assert list(data) == [*GOLD_KEYS, "sentence"]
    assert data["doc"] == "report.txt" and data["doubt"] is False
    assert data["value"] == 50000


# --- held-out check: new realistic sentences (not from the corpus) ---------------------------

HELD_OUT = (
    "2025年，经开区实现地区生产总值486.3亿元，同比增长6.8%；规模以上工业企业达到212家，"
    "比上年净增17家。全年新引进亿元以上项目36个，协议总投资312亿元，其中外资项目5个，"
    "合同外资2.1亿美元。新建标准厂房46万平方米，盘活闲置土地1,260亩，新增光伏装机120兆瓦。"
    "全年接待游客860万人次，实现旅游收入约95亿元。"
)


def test_held_out_report_paragraph() -> None:
    facts = extract(HELD_OUT)
    got = {(f.text, f.kind, round(float(f.value), 2)) for f in facts}
    expected = {
        ("486.3亿元", "money", 4863000),
        ("6.8%", "percent", 6.8),
        ("212家", "count", 212),
        ("17家", "count", 17),
        ("36个", "count", 36),
        ("312亿元", "money", 3120000),
        ("5个", "count", 5),
        ("2.1亿美元", "money", 21000),
        ("46万平方米", "area", 460000),
        ("1,260亩", "area", 840000.04),
        ("120兆瓦", "power", 120000),
        ("860万人次", "count", 8600000),
        ("约95亿元", "money", 950000),
    }
    assert got == expected
    metrics = {f.text: f.metric for f in facts}
    assert metrics["486.3亿元"] == "地区生产总值"
    assert metrics["36个"].endswith("亿元以上项目")
    assert metrics["312亿元"] == "协议总投资"
    assert metrics["约95亿元"] == "旅游收入"
    assert metrics["46万平方米"] == "新建标准厂房"


# --- round trips through extract ----------------------------------------------------------------

TEMPLATES = [
    ("全年完成固定资产投资{n}元，同比增长。", "money", Decimal("0.0001"), "万元"),
    ("新签约项目{n}个，进展顺利。", "count", Decimal(1), "个"),
    ("新建标准厂房{n}平方米。", "area", Decimal(1), "平方米"),
    ("累计入驻企业{n}家。", "count", Decimal(1), "家"),
    ("年产饲料{n}吨，", "weight", Decimal(1), "吨"),
    ("新建道路{n}公里。", "length", Decimal(1000), "公里"),
]


def notations(n: int) -> st.SearchStrategy[str]:
    options = [str(n), grouped(n), grouped(n, "，"), fullwidth(str(n)), chinese(n)]
    if n >= 10**4 and n % 10**4 == 0:
        options.append(f"{n // 10**4}万")
    if n >= 10**4 and n % 1000 == 0:
        options.append(f"{Decimal(n) / 10**4}万")
    return st.sampled_from(options)


@settings(max_examples=150)
@given(
    st.integers(min_value=2, max_value=10**9).flatmap(
        lambda n: st.tuples(st.just(n), notations(n))
    ),
    st.sampled_from(TEMPLATES),
)
def test_extract_round_trip(case: tuple[int, str], template: tuple) -> None:
    n, written = case
    pattern, kind, factor, unit = template
    sentence = pattern.format(n=written)
    fact = one(sentence)
    expected = Decimal(n) * factor
    assert fact.kind == kind
    assert Decimal(str(fact.value)) == expected
    assert fact.text.startswith(written)
    assert sentence[fact.char_start : fact.char_start + len(fact.text)] == fact.text


@given(st.integers(min_value=1, max_value=9999), st.sampled_from(["亿元", "万元"]))
def test_extract_round_trip_money_decimals(n: int, unit: str) -> None:
    value = Decimal(n) / 100
    fact = one(f"项目总投资{value}{unit}。")
    scale = 10**4 if unit == "亿元" else 1
    assert Decimal(str(fact.value)) == value * scale
    assert fact.metric == "总投资"


# --- reading files and the command line -------------------------------------------------------


def test_read_txt_encodings(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes("\ufeff投资5亿元".encode())
    (tmp_path / "b.txt").write_bytes("投资5亿元".encode("gb18030"))
    assert read_document(tmp_path / "a.txt") == "投资5亿元"
    assert read_document(tmp_path / "b.txt") == "投资5亿元"


@pytest.mark.parametrize("content", [b"", b"   \n", b"\x00\x01\x02binary\x00"])
def test_read_bad_files(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(DocumentError) as info:
        read_document(path)
    assert "文件" in info.value.message


def test_read_docx(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("全年新签约项目18个，总投资42亿元。")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "投资额"
    table.rows[0].cells[1].text = "3000万元"
    path = tmp_path / "r.docx"
    document.save(str(path))
    text = read_document(path)
    assert "总投资42亿元" in text
    assert [f.text for f in extract(text)] == ["18个", "42亿元", "3000万元"]


def _pdf(page_streams: list[bytes]) -> bytes:
    """A minimal PDF with Helvetica text (enough for pypdf to extract it)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(len(page_streams)))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(page_streams)} >>".encode())
    font_ref = 3 + 2 * len(page_streams)
    for i, stream in enumerate(page_streams):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font_ref} 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def test_read_pdf_with_text(tmp_path: Path) -> None:
    pytest.importorskip("pypdf")
    path = tmp_path / "r.pdf"
    path.write_bytes(_pdf([b"BT /F1 12 Tf 20 100 Td (Storage capacity 30MW, growth 12.5%.) Tj ET"]))
    facts = extract(read_document(path))
    assert [(f.kind, f.value) for f in facts] == [("power", 30000), ("percent", 12.5)]


def test_scanned_pdf_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("pypdf")
    path = tmp_path / "scan.pdf"
    path.write_bytes(_pdf([b"q 10 0 0 10 0 0 cm Q"]))
    with pytest.raises(DocumentError) as info:
        read_document(path)
    assert "扫描" in info.value.message


def test_main_prints_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("新签约项目12个，总投资30亿元。", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["--jsonl", str(path)], out=out, err=err) == 0
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(r["doc"], r["text"], r["value"]) for r in rows] == [
        ("report.txt", "12个", 12),
        ("report.txt", "30亿元", 300000),
    ]
    assert set(GOLD_KEYS) <= set(rows[0])


def test_main_reports_unreadable_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out, err = io.StringIO(), io.StringIO()
    assert main(["--jsonl", str(empty)], out=out, err=err) == 1
    assert "空" in err.getvalue() and out.getvalue() == ""


# --- the corpus (only when the shared corpus is checked out next to the repository) ------------


@pytest.mark.skipif(not (CORPUS / "gold.jsonl").exists(), reason="../shared/corpus not present")
def test_corpus_scores() -> None:
    spec = importlib.util.spec_from_file_location("corpus_score", CORPUS / "score.py")
    assert spec and spec.loader
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    gold = score.load(str(CORPUS / "gold.jsonl"))
    predictions = []
    for path in sorted((CORPUS / "texts").iterdir()):
        predictions += [f.to_dict() for f in extract(read_document(path), doc=path.name)]
    result = score.score(gold, predictions)
    assert result["f1"] >= 0.90
    assert result["metric_accuracy"] >= 0.75


# --- more constructions ---------------------------------------------------------------------


def test_prices_and_intensities_are_rates() -> None:
    facts = extract("工业用地均价1.2万元/亩，每吨收费80元，亩均税收每亩30万元。")
    assert [(f.kind, f.value, f.unit) for f in facts] == [
        ("other", 12000, "元/亩"),
        ("other", 80, "元/吨"),
        ("other", 300000, "元/亩"),
    ]


def test_tenths_as_percent() -> None:
    fact = one("先进制造业增加值占全市比重近4成。")
    assert (fact.kind, fact.value, fact.approx) == ("percent", 40, True)
    assert fact.metric == "先进制造业增加值占全市比重"


def test_growth_takes_the_previous_metric() -> None:
    facts = extract("全县实现地区生产总值326亿元，增长6.1%；税收收入18亿元，下降2.3%。")
    assert [f.metric for f in facts] == [
        "地区生产总值",
        "地区生产总值增长",
        "税收收入",
        "税收收入下降",
    ]


def test_negative_percent() -> None:
    assert one("工业投资增长-3.5%。").value == -3.5


def test_empty_and_plain_text() -> None:
    assert extract("") == []
    assert extract("没有任何数字的句子。") == []
    assert [f.text for f in extract("\ufeff签约项目8个")] == ["8个"]


def test_ranges_and_addresses() -> None:
    facts = extract("每年培育3至5个龙头企业，计划投资10-15亿元。办公地点位于3栋2单元。")
    assert [(f.text, f.value, f.approx, f.metric) for f in facts] == [
        ("5个", 5, True, "龙头企业"),
        ("15亿元", 150000, True, "计划投资"),
    ]

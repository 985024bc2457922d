"""对标情报 services: reading documents, saving facts with provenance, suggestions."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from zonedesk.accounts.models import AuditEvent
from zonedesk.peers import selectors, services
from zonedesk.peers.models import Figure, SourceDocument, SuggestedChange

from .conftest import docx_bytes

pytestmark = pytest.mark.django_db


def read(world, text, by=None):
    return services.document_read(
        zone=world.zone, by=by or world.econ, name="长治高新区工作报告", text=text, origin="paste"
    )


def test_same_text_read_twice_is_one_document(world, report_text):
    first = read(world, report_text)
    second = read(world, report_text, by=world.invest)
    assert first.pk == second.pk
    assert SourceDocument.objects.count() == 1


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text_refused(world, text):
    with pytest.raises(ValidationError) as exc:
        read(world, text)
    assert exc.value.messages == ["文本为空，请粘贴报告或新闻的正文，或上传文件。"]


def test_text_over_limit_refused(world, settings):
    settings.PEERS_MAX_TEXT_CHARS = 100
    with pytest.raises(ValidationError) as exc:
        read(world, "新签约项目41个。" * 20)
    assert exc.value.messages == ["文本过长：180 个字符，单次最多 100 个字符，请分段读取。"]
    assert SourceDocument.objects.count() == 0


def test_viewer_and_unit_cannot_read_documents(world, report_text):
    for user in (world.viewer, world.unit):
        with pytest.raises(PermissionDenied):
            read(world, report_text, by=user)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).count() == 2


def test_other_zone_staff_cannot_write_into_our_zone(world, report_text):
    with pytest.raises(PermissionDenied):
        read(world, report_text, by=world.other_staff)


def test_upload_docx_reads_its_text(report_docx):
    text = services.text_of_upload("长治高新区.docx", report_docx)
    assert "规上工业总产值完成312.5亿元" in text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("scan.pdf", b"%PDF-1.4\n%%EOF", "文件“scan.pdf”不是有效的 PDF 文档"),
        (
            "data.bin",
            b"\x00\x01\x02",
            "文件“data.bin”的类型不支持：请上传 .txt、.docx 或带文字层的 .pdf 文件。",
        ),
        ("binary.txt", b"\x00\x01\x02\x03" * 10, "文件“binary.txt”不是文本文件（像是二进制文件）"),
        ("fake.docx", b"PK\x03\x04garbage", "文件“fake.docx”不是有效的 Word（.docx）文档"),
        ("empty.txt", b"", "文件“empty.txt”是空的"),
    ],
)
def test_bad_uploads_get_chinese_messages(name, data, message):
    with pytest.raises(ValidationError) as exc:
        services.text_of_upload(name, data)
    assert exc.value.messages == [message]


def test_scanned_pdf_without_text_layer_refused():
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ValidationError) as exc:
        services.text_of_upload("扫描件.pdf", buffer.getvalue())
    assert "没有文字层（可能是扫描件）" in exc.value.messages[0]


def test_upload_over_size_limit_refused(settings):
    settings.PEERS_MAX_UPLOAD_MB = 1
    with pytest.raises(ValidationError) as exc:
        services.text_of_upload("big.txt", b"a" * (1024 * 1024 + 1))
    assert exc.value.messages == ["文件“big.txt”有 1.0 MB，超过 1 MB 的上限。"]


def test_figure_keeps_value_unit_and_provenance(world, report_text):
    document = read(world, report_text)
    peer = services.peer_create(observer=world.zone, by=world.econ, name="长治高新区")
    figure = services.figure_save(
        document=document,
        char_start=35,
        by=world.econ,
        measure="规上工业总产值",
        year=2025,
        peer=peer,
    )
    assert figure.value == Decimal("3125000")
    assert figure.unit == "万元"
    assert figure.fact_text == "312.5亿元"
    assert "规上工业总产值完成312.5亿元" in figure.sentence
    assert figure.document == document
    assert figure.zone_label == "长治高新区"
    assert AuditEvent.objects.filter(object_type="peers.figure", object_id=str(figure.pk)).exists()


def test_figure_rejects_missing_fact_and_bad_fields(world, report_text):
    document = read(world, report_text)
    with pytest.raises(ValidationError) as exc:
        services.figure_save(document=document, char_start=3, by=world.econ, measure="x", year=2025)
    assert exc.value.messages == ["文档“长治高新区工作报告”第 3 个字符处没有可保存的数据。"]
    with pytest.raises(ValidationError) as exc:
        services.figure_save(
            document=document, char_start=35, by=world.econ, measure=" ", year=1999, month=13
        )
    assert exc.value.message_dict == {
        "measure": ["请填写指标名称（如：规上工业总产值、新签约项目）。"],
        "year": ["年份“1999”不在 2000—2100 之间。"],
        "month": ["月份“13”应为 1—12。"],
    }
    assert Figure.objects.count() == 0


def test_peer_of_another_zone_is_refused(world, report_text):
    document = read(world, report_text)
    theirs = services.peer_create(
        observer=world.other_zone, by=world.other_staff, name="长治高新区"
    )
    with pytest.raises(ValidationError) as exc:
        services.figure_save(
            document=document, char_start=35, by=world.econ, measure="产值", year=2025, peer=theirs
        )
    assert exc.value.message_dict == {"peer": ["对标区域“长治高新区”不属于本开发区的关注范围。"]}


def test_duplicate_peer_name_refused(world):
    services.peer_create(observer=world.zone, by=world.econ, name="长治高新区")
    with pytest.raises(ValidationError) as exc:
        services.peer_create(observer=world.zone, by=world.invest, name=" 长治高新区 ")
    assert exc.value.message_dict == {"name": ["对标区域“长治高新区”已存在。"]}


def test_withdrawn_figure_leaves_comparison_but_stays_recorded(world, report_text):
    document = read(world, report_text)
    figure = services.figure_save(
        document=document, char_start=57, by=world.econ, measure="新签约项目", year=2025
    )
    services.figure_withdraw(figure=figure, by=world.econ)
    assert Figure.objects.filter(pk=figure.pk, withdrawn_at__isnull=False).exists()
    assert not selectors.figures_for(world.econ).exists()


def test_suggestion_converts_units_and_accept_updates_project_with_history(world, report_text):
    document = read(world, report_text)
    money = services.suggestion_create(
        document=document,
        char_start=83,
        by=world.econ,
        project=world.project,
        field="total_investment",
    )
    land = services.suggestion_create(
        document=document, char_start=93, by=world.econ, project=world.project, field="land_area_mu"
    )
    assert money.proposed == Decimal("68000")
    assert money.current_then == Decimal("50000")
    assert land.proposed == Decimal("120.00")
    # Nothing changes until the owner decides.
    world.project.refresh_from_db()
    assert world.project.total_investment == Decimal("50000")
    version = world.project.version

    services.suggestion_accept(suggestion=money, by=world.unit)
    world.project.refresh_from_db()
    assert world.project.total_investment == Decimal("68000")
    assert world.project.version == version + 1
    event = AuditEvent.objects.filter(
        object_type="projects.project", object_id=str(world.project.pk), action="update"
    ).latest("at")
    assert event.changes[0]["old"] != event.changes[0]["new"]
    money.refresh_from_db()
    assert (money.status, money.decided_by) == (SuggestedChange.Status.ACCEPTED, world.unit)
    with pytest.raises(ValidationError) as exc:
        services.suggestion_accept(suggestion=money, by=world.unit)
    assert exc.value.messages == ["该建议已处理（已采纳），不能再次处理。"]


def test_suggestion_needs_matching_kind(world, report_text):
    document = read(world, report_text)
    with pytest.raises(ValidationError) as exc:
        services.suggestion_create(
            document=document,
            char_start=57,
            by=world.econ,
            project=world.project,
            field="total_investment",
        )
    assert exc.value.message_dict == {
        "field": ["“总投资（万元）”需要人民币金额，所选数据“41个”不是。"]
    }
    with pytest.raises(ValidationError) as exc:
        services.suggestion_create(
            document=document,
            char_start=83,
            by=world.econ,
            project=world.project,
            field="floor_area_m2",
        )
    assert exc.value.message_dict == {
        "field": ["“建筑面积（㎡）”需要面积，所选数据“6.8亿元”不是。"]
    }


def test_suggestion_refused_for_other_zone_project_and_by_other_unit(world, report_text):
    document = read(world, report_text)
    with pytest.raises(PermissionDenied):
        services.suggestion_create(
            document=document,
            char_start=83,
            by=world.econ,
            project=world.other_project,
            field="total_investment",
        )
    suggestion = services.suggestion_create(
        document=document,
        char_start=83,
        by=world.econ,
        project=world.project,
        field="total_investment",
    )
    for user in (world.other_unit, world.viewer, world.invest):
        with pytest.raises(PermissionDenied):
            services.suggestion_accept(suggestion=suggestion, by=user)
    world.project.refresh_from_db()
    assert world.project.total_investment == Decimal("50000")


def test_reject_needs_a_reason(world, report_text):
    document = read(world, report_text)
    suggestion = services.suggestion_create(
        document=document,
        char_start=83,
        by=world.econ,
        project=world.project,
        field="total_investment",
    )
    with pytest.raises(ValidationError) as exc:
        services.suggestion_reject(suggestion=suggestion, by=world.unit, note=" ")
    assert exc.value.message_dict == {"note": ["请写明不采纳的理由。"]}
    services.suggestion_reject(suggestion=suggestion, by=world.unit, note="新闻稿数字含二期")
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestedChange.Status.REJECTED
    assert suggestion.decision_note == "新闻稿数字含二期"


def test_comparison_takes_latest_month_and_whole_year_first(world, report_text):
    document = read(world, report_text)
    peer = services.peer_create(observer=world.zone, by=world.econ, name="长治高新区")
    save = lambda start, **kw: services.figure_save(  # noqa: E731
        document=document, char_start=start, by=world.econ, **kw
    )
    save(35, measure="规上工业总产值", year=2025, month=6, peer=peer)
    annual = save(35, measure="规上工业总产值", year=2025, peer=peer)
    ours = save(65, measure="规上工业总产值", year=2025, month=11)
    save(57, measure="新签约项目", year=2025, peer=peer)
    save(57, measure="新签约项目", year=2025, kind=Figure.Kind.TARGET)  # targets are not values
    rows = selectors.comparison(
        world.econ,
        keys=[f"z{world.zone.pk}", f"p{peer.pk}", f"z{world.other_zone.pk}"],
        measures=["规上工业总产值", "新签约项目"],
        year=2025,
    )
    assert [r.measure for r in rows] == ["规上工业总产值", "新签约项目"]
    output, signed = rows
    # The other zone is out of econ's scope: its column is dropped, not shown empty.
    assert [(c.value, c.period_label) for c in output.line] == [
        (ours.value, "2025年11月"),
        (annual.value, "2025年"),
    ]
    assert not any(c.official for c in output.line)
    assert signed.line[0] is None and signed.line[1].value == 41
    assert output.line[1].source.startswith("长治高新区工作报告（")
    assert output.line[1].url.endswith(f"#at-{annual.char_start}")


def test_our_zone_without_a_saved_figure_shows_its_published_indicator(world, report_text):
    """对标表: a zone of the system takes its own published figure (指标库) for a measure that
    names a catalogue indicator — the level in 万元 like saved figures, or the growth for
    "…增速" — the latest month of the year; a saved figure of the zone still comes first."""
    from zonedesk.indicators.models import Indicator, IndicatorValue

    document = read(world, report_text)
    peer = services.peer_create(observer=world.zone, by=world.econ, name="长治高新区")
    services.figure_save(
        document=document, char_start=35, by=world.econ, measure="规上工业总产值", year=2025,
        peer=peer,
    )  # fmt: skip
    output_ind = Indicator.objects.get(code="IOUT", zone=None)  # published in 亿元
    for year, month, value, growth in [
        (2025, 9, "150.5", "8.1"), (2025, 10, "170.25", "8.4"), (2024, 12, "199", "5"),
    ]:  # fmt: skip
        IndicatorValue.objects.create(
            zone=world.zone, indicator=output_ind, year=year, month=month,
            value=Decimal(value), growth=Decimal(growth), source="市统计局",
        )  # fmt: skip
    keys = [f"z{world.zone.pk}", f"p{peer.pk}"]
    level, growth, signed = selectors.comparison(
        world.econ,
        keys=keys,
        measures=["规上工业总产值", "规上工业总产值增速", "新签约项目"],
        year=2025,
    )
    ours = level.line[0]
    assert (ours.value, ours.unit, ours.period_label, ours.official) == (
        Decimal("1702500.00"), "万元", "2025年1-10月", True,
    )  # fmt: skip
    assert ours.source == "统计数据·规上工业总产值（市统计局）"
    assert ours.url.startswith(reverse("indicators:detail", args=[output_ind.pk]))
    assert level.unit == "万元" and level.line[1].official is False
    assert (growth.line[0].value, growth.unit) == (Decimal("8.4"), "%")
    assert signed.line == [None, None]  # no indicator of that name

    # A figure the zone saved itself wins over the published one.
    services.figure_save(
        document=document, char_start=65, by=world.econ, measure="规上工业总产值", year=2025,
        month=11,
    )  # fmt: skip
    level = selectors.comparison(world.econ, keys=keys, measures=["规上工业总产值"], year=2025)[0]
    assert level.line[0].official is False and level.line[0].period_label == "2025年11月"


def test_comparison_query_count_does_not_grow(world, report_text, django_assert_max_num_queries):
    document = read(world, report_text)
    peers = [
        services.peer_create(observer=world.zone, by=world.econ, name=f"对标区{i}")
        for i in range(6)
    ]
    for peer in peers:
        for start, measure in ((35, "产值"), (57, "签约")):
            services.figure_save(
                document=document,
                char_start=start,
                by=world.econ,
                measure=measure,
                year=2025,
                peer=peer,
            )
    keys = [f"p{p.pk}" for p in peers]
    with django_assert_max_num_queries(4):
        rows = selectors.comparison(world.econ, keys=keys, measures=["产值", "签约"], year=2025)
        assert all(cell is not None for row in rows for cell in row.line)
        [cell.source for row in rows for cell in row.line]


def test_segments_cover_text_exactly(report_text):
    from zonedesk.lib.facts import extract

    facts = extract(report_text)
    parts = selectors.segments(report_text, facts)
    assert "".join(p.text for p in parts) == report_text
    assert [p.text for p in parts if p.fact is not None] == [f.text for f in facts]


def test_docx_helper_roundtrip(world):
    text = services.text_of_upload("a.docx", docx_bytes("新签约项目41个。"))
    assert text.strip() == "新签约项目41个。"


def test_suggestion_for_an_investment_lead_is_decided_by_its_team(inv, report_text):
    from tests.investment.conftest import make_lead

    world = inv
    document = read(world, report_text)
    lead = make_lead(world, "智算中心项目", "某算力科技有限公司", by=world.invest)
    suggestion = services.suggestion_create(
        document=document, char_start=83, by=world.econ, lead=lead, field="intended_investment"
    )
    land = services.suggestion_create(
        document=document, char_start=93, by=world.econ, lead=lead, field="land_need_mu"
    )
    assert (suggestion.target, suggestion.proposed, land.proposed) == (
        lead,
        Decimal("68000.00"),
        Decimal("120.00"),
    )
    with pytest.raises(ValidationError) as exc:
        services.suggestion_create(
            document=document, char_start=83, by=world.econ, lead=lead, field="total_investment"
        )
    assert exc.value.message_dict == {"field": ["该字段不能由文本数据建议修改。"]}
    # 经济发展部's clerk is not on the lead's team: may suggest, may not decide.
    with pytest.raises(PermissionDenied):
        services.suggestion_accept(suggestion=suggestion, by=world.econ)
    services.suggestion_accept(suggestion=suggestion, by=world.invest)
    lead.refresh_from_db()
    assert lead.intended_investment == Decimal("68000")
    qs = selectors.suggestions_for(world.invest)
    assert suggestion in qs


def test_a_suggestion_names_exactly_one_record(inv, report_text):
    from tests.investment.conftest import make_lead

    world = inv
    document = read(world, report_text)
    lead = make_lead(world, "储能项目", "某储能有限公司", by=world.invest)
    for target in ({}, {"project": world.project, "lead": lead}):
        with pytest.raises(ValidationError) as exc:
            services.suggestion_create(
                document=document, char_start=83, by=world.econ, field="total_investment", **target
            )
        assert exc.value.message_dict == {"project": ["请选择一个重点项目或一个招商项目。"]}

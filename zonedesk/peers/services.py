"""Writes of 对标情报: reading a document, saving its facts as figures or as suggested changes
to key projects, and deciding those suggestions."""

from __future__ import annotations

import hashlib
import tempfile
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zonedesk import access
from zonedesk.accounts.audit import audit_record
from zonedesk.accounts.models import AuditEvent
from zonedesk.investment import services as investment_services
from zonedesk.investment.models import Lead
from zonedesk.lib.facts import DocumentError, Fact, extract, read_document
from zonedesk.projects import services as project_services
from zonedesk.projects.models import Project

from .models import Figure, PeerZone, SourceDocument, SuggestedChange

SUFFIXES = (".txt", ".docx", ".pdf")
MU_M2 = Decimal("666.6667")  # 1亩 in 平方米, as the extractor counts it


def max_upload_bytes() -> int:
    return int(getattr(settings, "PEERS_MAX_UPLOAD_MB", 10)) * 1024 * 1024


def max_text_chars() -> int:
    return int(getattr(settings, "PEERS_MAX_TEXT_CHARS", 1_000_000))


def check_text(text: str) -> str:
    """The text to read, or a ValidationError saying in Chinese why it cannot be read."""
    if not text or not text.strip():
        raise ValidationError("文本为空，请粘贴报告或新闻的正文，或上传文件。")
    if len(text) > max_text_chars():
        raise ValidationError(
            f"文本过长：{len(text):,} 个字符，单次最多 {max_text_chars():,} 个字符，请分段读取。"
        )
    return text


def text_of_upload(name: str, data: bytes) -> str:
    """The text of an uploaded .txt, .docx or text PDF; refusals in Chinese (never a crash)."""
    if len(data) > max_upload_bytes():
        raise ValidationError(
            f"文件“{name}”有 {len(data) / 1048576:.1f} MB，超过 "
            f"{max_upload_bytes() // 1048576} MB 的上限。"
        )
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError(
            f"文件“{name}”的类型不支持：请上传 .txt、.docx 或带文字层的 .pdf 文件。"
        )
    with tempfile.TemporaryDirectory() as folder:
        # read_document decides by suffix and content; keep the user's file name in messages.
        path = Path(folder) / (Path(name).name or f"upload{suffix}")
        path.write_bytes(data)
        try:
            text = read_document(path)
        except DocumentError as exc:
            raise ValidationError(exc.message) from exc
    return check_text(text)


def document_read(
    *, zone, by, name: str, text: str, origin: str, published_on=None, request=None
) -> SourceDocument:
    """Keep a document (来源文档) for a zone; the same text read again is the same document."""
    check_text(text)
    if not access.can_write_peers(by, zone):
        raise access.deny(by, what="无权在该开发区保存对标情报", request=request)
    with transaction.atomic():
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        existing = SourceDocument.objects.filter(zone=zone, sha256=digest).first()
        if existing is not None:
            return existing
        document = SourceDocument.objects.create(
            zone=zone,
            name=(name or "粘贴文本").strip()[:200],
            origin=origin,
            sha256=digest,
            text=text,
            published_on=published_on,
            created_by=by,
        )
        audit_record(
            actor=by,
            action=AuditEvent.Action.CREATE,
            target=document,
            note=f"读取文档“{document.name}”（{len(text):,} 字）",
            request=request,
        )
        return document


def facts_of(document: SourceDocument) -> list[Fact]:
    return extract(document.text, doc=document.name)


def fact_at(document: SourceDocument, char_start: int) -> Fact:
    for fact in facts_of(document):
        if fact.char_start == char_start:
            return fact
    raise ValidationError(f"文档“{document.name}”第 {char_start} 个字符处没有可保存的数据。")


def _writable(document: SourceDocument, by, request) -> None:
    if not access.can_write_peers(by, document.zone):
        raise access.deny(by, what="无权在该开发区保存对标情报", target=document, request=request)


def peer_create(*, observer, by, name: str, kind: str = "other", region: str = "", request=None):
    """A new peer zone (对标区域) that `observer` tracks."""
    if not access.can_write_peers(by, observer):
        raise access.deny(by, what="无权新增对标区域", request=request)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写对标区域的名称。"})
    if PeerZone.objects.filter(observer=observer, name=name).exists():
        raise ValidationError({"name": f"对标区域“{name}”已存在。"})
    with transaction.atomic():
        peer = PeerZone.objects.create(
            observer=observer, name=name[:100], kind=kind, region=region[:60], created_by=by
        )
        audit_record(
            actor=by, action=AuditEvent.Action.CREATE, target=peer, zone=observer, request=request
        )
        return peer


def figure_save(
    *,
    document: SourceDocument,
    char_start: int,
    by,
    measure: str,
    year: int,
    month: int | None = None,
    peer: PeerZone | None = None,
    kind: str = Figure.Kind.VALUE,
    request=None,
) -> Figure:
    """Save one fact of a document as a figure (对标数据) of the observer zone or of a peer."""
    _writable(document, by, request)
    fact = fact_at(document, char_start)
    errors = {}
    measure = (measure or "").strip()
    if not measure:
        errors["measure"] = "请填写指标名称（如：规上工业总产值、新签约项目）。"
    if not 2000 <= int(year) <= 2100:
        errors["year"] = f"年份“{year}”不在 2000—2100 之间。"
    if month is not None and not 1 <= int(month) <= 12:
        errors["month"] = f"月份“{month}”应为 1—12。"
    if peer is not None and peer.observer_id != document.zone_id:
        errors["peer"] = f"对标区域“{peer.name}”不属于本开发区的关注范围。"
    if kind not in Figure.Kind.values:
        errors["kind"] = "数值类型应为完成值或目标值。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        figure = Figure.objects.create(
            observer=document.zone,
            peer=peer,
            measure=measure[:60],
            kind=kind,
            fact_kind=fact.kind,
            value=Decimal(str(fact.value)),
            unit=fact.unit,
            approx=fact.approx,
            year=int(year),
            month=int(month) if month else None,
            document=document,
            fact_text=fact.text[:100],
            char_start=fact.char_start,
            sentence=fact.sentence,
            saved_by=by,
        )
        audit_record(
            actor=by,
            action=AuditEvent.Action.CREATE,
            target=figure,
            zone=document.zone,
            note=f"{figure.zone_label} {figure.measure} {figure.period_label}：{fact.text}"
            f"（来源：{document.name}）",
            request=request,
        )
        return figure


def figure_withdraw(*, figure: Figure, by, request=None) -> Figure:
    """Withdraw a figure saved by mistake; it stays in the database, marked, for the record."""
    if not access.can_write_peers(by, figure.observer):
        raise access.deny(by, what="无权撤回该对标数据", target=figure, request=request)
    with transaction.atomic():
        if figure.withdrawn_at is None:
            figure.withdrawn_at = timezone.now()
            figure.save(update_fields=["withdrawn_at"])
            audit_record(
                actor=by,
                action=AuditEvent.Action.ARCHIVE,
                target=figure,
                zone=figure.observer,
                note=f"撤回对标数据：{figure}",
                request=request,
            )
        return figure


MONEY_FIELDS = ("total_investment", "annual_plan_investment", "intended_investment")
MU_FIELDS = ("land_area_mu", "land_need_mu")


def proposed_value(field: str, fact: Fact, *, fields: dict[str, str] | None = None) -> Decimal:
    """The fact's value in the unit of a project's (or lead's) field, or a Chinese refusal."""
    label = (fields or SuggestedChange.PROJECT_FIELDS).get(field)
    if label is None:
        raise ValidationError({"field": "该字段不能由文本数据建议修改。"})
    value = Decimal(str(fact.value))
    if field in MONEY_FIELDS:
        if fact.kind != "money" or fact.unit != "万元":
            raise ValidationError(
                {"field": f"“{label}”需要人民币金额，所选数据“{fact.text}”不是。"}
            )
        return value.quantize(Decimal("0.01"))
    if fact.kind != "area":
        raise ValidationError({"field": f"“{label}”需要面积，所选数据“{fact.text}”不是。"})
    if field in MU_FIELDS:
        return (value / MU_M2).quantize(Decimal("0.01"))
    return value.quantize(Decimal("0.01"))


def suggestion_create(
    *,
    document: SourceDocument,
    char_start: int,
    by,
    field: str,
    project: Project | None = None,
    lead: Lead | None = None,
    request=None,
) -> SuggestedChange:
    """Suggest that a key project's (or an investment lead's) figure be changed to what a
    document says (建议修改)."""
    _writable(document, by, request)
    if (project is None) == (lead is None):
        raise ValidationError({"project": "请选择一个重点项目或一个招商项目。"})
    if project is not None:
        if project.zone_id not in access.zone_ids_in_scope(by) or not access.can_read_project(
            by, project
        ):
            raise access.deny(by, what="无权对该项目提出修改建议", target=project, request=request)
        if project.archived_at is not None:
            raise ValidationError({"project": f"项目“{project.name}”已归档，不能提出修改建议。"})
        target, fields = project, SuggestedChange.PROJECT_FIELDS
    else:
        if not access.leads_for(by).filter(pk=lead.pk).exists():
            raise access.deny(by, what="无权对该招商项目提出修改建议", target=lead, request=request)
        target, fields = lead, SuggestedChange.LEAD_FIELDS
    fact = fact_at(document, char_start)
    value = proposed_value(field, fact, fields=fields)
    current = getattr(target, field)
    if current is not None and Decimal(current) == value:
        raise ValidationError({"field": f"“{target.name}”的{fields[field]}已是 {value}。"})
    with transaction.atomic():
        suggestion = SuggestedChange.objects.create(
            project=project,
            lead=lead,
            field=field,
            proposed=value,
            current_then=current,
            document=document,
            fact_text=fact.text[:100],
            char_start=fact.char_start,
            sentence=fact.sentence,
            suggested_by=by,
        )
        audit_record(
            actor=by,
            action=AuditEvent.Action.CREATE,
            target=suggestion,
            root=target,
            zone=target.zone,
            note=f"建议将{fields[field]}由 {current} 改为 {value}"
            f"（来源：{document.name}：“{fact.text}”）",
            request=request,
        )
        return suggestion


def can_decide(user, suggestion: SuggestedChange) -> bool:
    """Whoever may edit the record decides on a suggestion about it."""
    if suggestion.project_id:
        return access.can_edit_project(user, suggestion.project)
    return access.can_edit_lead(user, suggestion.lead)


def _pending(suggestion: SuggestedChange) -> SuggestedChange:
    current = SuggestedChange.objects.select_for_update(of=("self",)).get(pk=suggestion.pk)
    if current.status != SuggestedChange.Status.PENDING:
        raise ValidationError(f"该建议已处理（{current.get_status_display()}），不能再次处理。")
    return current


def suggestion_accept(*, suggestion: SuggestedChange, by, request=None) -> SuggestedChange:
    """The owner accepts: the project (or lead) changes through its own module's update (history,
    optimistic lock, warnings), and the suggestion records who decided."""
    target = suggestion.target
    if not can_decide(by, suggestion):
        raise access.deny(by, what="无权处理该修改建议", target=target, request=request)
    with transaction.atomic():
        current = _pending(suggestion)
        fresh = type(target).objects.get(pk=target.pk)
        data = {current.field: current.proposed}
        if current.project_id:
            project_services.project_update(
                project=fresh, by=by, data=data, expected_version=fresh.version, request=request
            )
        else:
            investment_services.lead_update(
                lead=fresh, by=by, data=data, expected_version=fresh.version, request=request
            )
        current.status = SuggestedChange.Status.ACCEPTED
        current.decided_by = by
        current.decided_at = timezone.now()
        current.save(update_fields=["status", "decided_by", "decided_at"])
        return current


def suggestion_reject(
    *, suggestion: SuggestedChange, by, note: str = "", request=None
) -> SuggestedChange:
    target = suggestion.target
    if not can_decide(by, suggestion):
        raise access.deny(by, what="无权处理该修改建议", target=target, request=request)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请写明不采纳的理由。"})
    with transaction.atomic():
        current = _pending(suggestion)
        current.status = SuggestedChange.Status.REJECTED
        current.decided_by = by
        current.decided_at = timezone.now()
        current.decision_note = note[:200]
        current.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(
            actor=by,
            action=AuditEvent.Action.UPDATE,
            target=current,
            root=target,
            zone=target.zone,
            note=f"未采纳修改建议：{SuggestedChange.FIELDS[current.field]} → {current.proposed}；"
            f"理由：{note}",
            request=request,
        )
        return current

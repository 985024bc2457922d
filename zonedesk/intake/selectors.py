"""Reads for the import pages: the import log and one batch, scoped to the user."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from zonedesk import access
from zonedesk.accounts.models import Role, User

from .models import ImportBatch


def batches_for(user: User) -> QuerySet[ImportBatch]:
    """The import log a user sees: a zone's 主要领导 every import of the zone, others their own."""
    qs = (
        ImportBatch.objects.filter(zone_id__in=access.zone_ids_in_scope(user))
        .select_related("created_by", "undone_by")
        .defer("content", "plan")
    )
    if user.role != Role.LEADER:
        qs = qs.filter(created_by=user)
    return qs.order_by("-created_at", "-id")


def can_undo(user: User, batch: ImportBatch) -> bool:
    return batch.created_by_id == user.pk or (
        user.role == Role.LEADER and batch.zone_id == user.zone_id
    )


def get_batch_for_user(user: User, pk: int, *, action: str = "read", request=None) -> ImportBatch:
    """One batch; 404 when missing, 403 (audited) for someone else's. `action` is read, commit
    (the uploader only) or undo (the uploader or the zone's 主要领导)."""
    batch = (
        ImportBatch.objects.select_related("zone", "created_by", "undone_by")
        .defer("content", "plan")
        .filter(pk=pk)
        .first()
    )
    if batch is None:
        raise Http404("导入批次不存在。")
    allowed = {
        "read": batch_visible(user, batch),
        "commit": batch.created_by_id == user.pk,
        "undo": can_undo(user, batch),
    }[action]
    if not allowed:
        raise access.deny(user, what="无权查看或操作该导入批次", request=request)
    return batch


def batch_visible(user: User, batch: ImportBatch) -> bool:
    if user.role not in access.BUSINESS_ROLES or batch.zone_id not in access.zone_ids_in_scope(
        user
    ):
        return False
    return batch.created_by_id == user.pk or user.role == Role.LEADER

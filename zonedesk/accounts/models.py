"""People, their roles and scope, API tokens, and the audit log."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from zonedesk.zones.models import Department, Organisation, Zone


class Role(models.TextChoices):
    """角色. 等保 2.0 separates the system administrator's and the auditor's duties from the rest."""

    LEADER = "leader", "主要领导"
    DEPUTY = "deputy", "分管领导"
    STAFF = "staff", "部门人员"
    UNIT = "unit", "项目单位填报员"
    VIEWER = "viewer", "上级查看"
    ADMIN = "admin", "系统管理员"
    AUDITOR = "auditor", "审计员"


class User(AbstractUser):
    """用户: belongs to one zone (a 上级查看 viewer to several) and, except leaders and viewers, to
    one department or one implementing unit."""

    display_name = models.CharField("姓名", max_length=30, blank=True)
    role = models.CharField("角色", max_length=10, choices=Role.choices, default=Role.STAFF)
    zone = models.ForeignKey(
        Zone, verbose_name="所属开发区", null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        Department, verbose_name="所属部门", null=True, blank=True, on_delete=models.PROTECT
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="所属单位", null=True, blank=True, on_delete=models.PROTECT
    )
    viewer_zones = models.ManyToManyField(
        Zone, verbose_name="可查看的开发区", blank=True, related_name="viewers"
    )
    supervised_departments = models.ManyToManyField(
        Department, verbose_name="分管部门", blank=True, related_name="supervisors"
    )
    phone = models.CharField("联系电话", max_length=30, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def name(self) -> str:
        return self.display_name or self.username

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.role != Role.VIEWER and not self.is_superuser and self.zone_id is None:
            errors["zone"] = "除上级查看人员外，每个用户必须属于一个开发区。"
        if self.role == Role.STAFF and self.department_id is None:
            errors["department"] = "部门人员必须指定所属部门。"
        if self.role == Role.UNIT and self.organisation_id is None:
            errors["organisation"] = "项目单位填报员必须指定所属单位。"
        if self.department_id and self.zone_id and self.department.zone_id != self.zone_id:
            errors["department"] = "所属部门必须属于该用户的开发区。"
        if errors:
            raise ValidationError(errors)


class ApiToken(models.Model):
    """接口令牌: a per-user bearer token for the JSON API. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=60, default="API")
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class AuditEvent(models.Model):
    """审计日志: one row per change, login, failed login, export or refusal. Rows are written by
    services only; the model refuses updates and deletes so nothing in the UI can edit them."""

    class Action(models.TextChoices):
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOCKED_OUT = "locked_out", "账号锁定"
        LOGOUT = "logout", "退出"
        CREATE = "create", "新建"
        UPDATE = "update", "修改"
        STAGE = "stage", "阶段变更"
        ARCHIVE = "archive", "归档"
        RESTORE = "restore", "恢复"
        EXPORT = "export", "导出"
        DENIED = "denied", "越权访问被拒绝"
        TOKEN = "token", "令牌"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT
    )
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    zone = models.ForeignKey(Zone, null=True, blank=True, on_delete=models.PROTECT)
    action = models.CharField("动作", max_length=20, choices=Action.choices)
    object_type = models.CharField("对象类型", max_length=40, blank=True)
    object_id = models.CharField("对象编号", max_length=40, blank=True)
    object_label = models.CharField("对象", max_length=200, blank=True)
    # The record a change belongs to, for history pages: a milestone's change shows on its project.
    root_type = models.CharField(max_length=40, blank=True)
    root_id = models.CharField(max_length=40, blank=True)
    version = models.PositiveIntegerField("版本", null=True, blank=True)
    changes = models.JSONField("变更内容", default=list, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["root_type", "root_id", "at"], name="audit_root_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("审计日志不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("审计日志不可删除。")

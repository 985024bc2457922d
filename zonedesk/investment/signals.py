"""The one signal of 招商引资: a key project's actual start and production dates feed back into
the lead it came from (services.lead_sync_from_project).

A signal rather than a call in projects/services.py because the project register is another
module's; the explicit call site that can replace it is one line at the end of
`project_update` (and `project_create`): `lead_sync_from_project(project=current, by=by)`.
"""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from zonedesk.projects.models import Project


@receiver(post_save, sender=Project, dispatch_uid="investment_lead_sync_from_project")
def project_saved(sender, instance: Project, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    from .models import Lead
    from .services import lead_sync_from_project

    if Lead.objects.filter(project_id=instance.pk).exists():
        lead_sync_from_project(project=instance)

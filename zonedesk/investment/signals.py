"""The signals of 招商引资: a key project's actual start and production dates feed back into the
lead it came from (services.lead_sync_from_project), whether the project was saved one by one
(post_save) or many at once by the Excel import (projects_bulk_changed).

Signals rather than calls in projects/services.py, because the register must not depend on the
modules built on it.
"""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from zonedesk.projects.models import Project
from zonedesk.projects.signals import projects_bulk_changed


@receiver(post_save, sender=Project, dispatch_uid="investment_lead_sync_from_project")
def project_saved(sender, instance: Project, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    from .models import Lead
    from .services import lead_sync_from_project

    if Lead.objects.filter(project_id=instance.pk).exists():
        lead_sync_from_project(project=instance)


@receiver(projects_bulk_changed, dispatch_uid="investment_leads_sync_from_projects")
def projects_bulk_saved(sender, project_ids, by=None, **kwargs) -> None:
    from .services import leads_sync_from_projects

    leads_sync_from_projects(project_ids=list(project_ids), by=by)

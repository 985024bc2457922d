from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "zonedesk.projects"
    label = "projects"
    verbose_name = "重点项目库"

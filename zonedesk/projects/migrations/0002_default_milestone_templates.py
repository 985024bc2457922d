from django.db import migrations

from zonedesk.projects.defaults import install_default_templates


def add_templates(apps, schema_editor):
    install_default_templates(
        apps.get_model("projects", "MilestoneTemplate"), apps.get_model("projects", "MilestoneTemplateStep")
    )


def remove_templates(apps, schema_editor):
    apps.get_model("projects", "MilestoneTemplate").objects.filter(zone__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]
    operations = [migrations.RunPython(add_templates, remove_templates)]

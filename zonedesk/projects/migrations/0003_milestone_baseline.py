"""基线日期 and 基线后调整次数 for milestones: an existing milestone's baseline is its plan today."""

from django.db import migrations, models


def baseline_from_plan(apps, schema_editor):
    Milestone = apps.get_model("projects", "Milestone")
    Milestone.objects.update(baseline_date=models.F("planned_date"))


class Migration(migrations.Migration):
    dependencies = [("projects", "0002_default_milestone_templates")]

    operations = [
        migrations.AddField(
            model_name="milestone",
            name="baseline_date",
            field=models.DateField(null=True, verbose_name="基线日期"),
        ),
        migrations.AddField(
            model_name="milestone",
            name="plan_changes",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="基线后调整次数"),
        ),
        migrations.RunPython(baseline_from_plan, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="milestone",
            name="baseline_date",
            field=models.DateField(verbose_name="基线日期"),
        ),
    ]

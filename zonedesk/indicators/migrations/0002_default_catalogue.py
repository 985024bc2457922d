from django.db import migrations


def install(apps, schema_editor):
    from zonedesk.indicators.defaults import install_default_catalogue

    install_default_catalogue(apps.get_model("indicators", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]

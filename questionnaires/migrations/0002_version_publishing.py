import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F


def publish_existing_versions(apps, schema_editor):
    # Every version that exists already was usable by campaigns: it stays so.
    version_model = apps.get_model("questionnaires", "QuestionnaireVersion")
    version_model.objects.filter(published_at__isnull=True).update(published_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("questionnaires", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="questionnaireversion",
            name="published_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Empty while the version is a draft; campaigns only use published versions.",
                null=True,
                verbose_name="published",
            ),
        ),
        migrations.AddField(
            model_name="questionnaireversion",
            name="published_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="published by",
            ),
        ),
        migrations.AddField(
            model_name="questionnaireversion",
            name="content_revision",
            field=models.PositiveIntegerField(default=0, verbose_name="content revision"),
        ),
        migrations.RunPython(publish_existing_versions, migrations.RunPython.noop),
    ]

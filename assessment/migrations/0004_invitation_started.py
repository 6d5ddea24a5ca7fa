from django.db import migrations, models


def existing_invitations_may_have_started(apps, schema_editor):
    """Whether an existing invitation has a response cannot be known (by design), so every
    existing invitation keeps its link: a reminder must never strand a started response."""
    apps.get_model("assessment", "Invitation").objects.update(started=True)


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0003_results_privacy"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="started",
            field=models.BooleanField(default=False, verbose_name="started"),
        ),
        migrations.RunPython(existing_invitations_may_have_started, migrations.RunPython.noop),
    ]

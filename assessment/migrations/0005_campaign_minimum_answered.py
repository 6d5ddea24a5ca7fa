import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    """A share of the statements a response needs before it can be submitted. Existing
    campaigns get the default (50 %); responses already submitted are not touched."""

    dependencies = [
        ("assessment", "0004_invitation_started"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="minimum_answered",
            field=models.PositiveSmallIntegerField(
                default=50,
                help_text=(
                    "Submissions with fewer answers are refused with an explanation; "
                    "don't know counts as an answer."
                ),
                validators=[
                    django.core.validators.MinValueValidator(0),
                    django.core.validators.MaxValueValidator(100),
                ],
                verbose_name="minimum answered (%)",
            ),
        ),
        migrations.AddConstraint(
            model_name="campaign",
            constraint=models.CheckConstraint(
                condition=models.Q(("minimum_answered__lte", 100)),
                name="minimum_answered_at_most_100",
            ),
        ),
    ]

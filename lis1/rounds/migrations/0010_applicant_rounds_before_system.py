"""The applicant's declared earlier rounds now mean only the rounds before this system; the
rounds since are counted from the applications. Kept to 0–20 in the database."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("rounds", "0009_placement_started_on"),
    ]

    operations = [
        migrations.RenameField(
            model_name="applicant", old_name="earlier_rounds", new_name="rounds_before_system"
        ),
        migrations.AlterField(
            model_name="applicant",
            name="rounds_before_system",
            field=models.PositiveSmallIntegerField(
                default=0,
                validators=[django.core.validators.MaxValueValidator(20)],
                verbose_name="LIS1 rounds applied in before this system",
            ),
        ),
        # Nothing but the demo ever wrote the field; clamp anything out of range so that the
        # constraint can be added.
        migrations.RunSQL(
            "UPDATE rounds_applicant SET rounds_before_system = 20 WHERE rounds_before_system > 20",
            reverse_sql=migrations.RunSQL.noop,
            elidable=True,
        ),
        migrations.AddConstraint(
            model_name="applicant",
            constraint=models.CheckConstraint(
                condition=models.Q(("rounds_before_system__lte", 20)),
                name="applicant_rounds_before_system_in_range",
                violation_error_message="Rounds applied in before this system: a number from 0 to 20.",
            ),
        ),
    ]

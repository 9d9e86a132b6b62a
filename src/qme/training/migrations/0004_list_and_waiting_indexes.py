"""Two indexes for national scale: the traineeship lists' latest-start-first order, and the
records waiting for a sign-off (a few among all those ever signed off)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0003_traineeship_next_due_on"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="itemrecord",
            index=models.Index(
                condition=models.Q(("status", "recorded")),
                fields=["recorded_at", "id"],
                name="record_waiting_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="traineeship",
            index=models.Index(fields=["start_date"], name="traineeship_start_idx"),
        ),
    ]

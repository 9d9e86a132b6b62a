"""Traineeship.next_due_on: the planned end of the earliest open item of the approved plan,
filled in for every existing traineeship in one statement."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Subquery


def fill_next_due(apps, schema_editor):
    Traineeship = apps.get_model("training", "Traineeship")
    PlanItem = apps.get_model("training", "PlanItem")
    ItemRecord = apps.get_model("training", "ItemRecord")
    signed = ItemRecord.objects.filter(
        traineeship=OuterRef("plan__traineeship"), item_key=OuterRef("key"), status="signed_off"
    )
    earliest = (
        PlanItem.objects.filter(plan__traineeship=OuterRef("pk"), plan__status="approved")
        .exclude(Exists(signed))
        .order_by("planned_end")
        .values("planned_end")[:1]
    )
    Traineeship.objects.update(next_due_on=Subquery(earliest))


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0002_curriculum_plans_records_project_leave"),
    ]

    operations = [
        migrations.AddField(
            model_name="traineeship",
            name="next_due_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="next item due"
            ),
        ),
        migrations.RunPython(fill_next_due, migrations.RunPython.noop, elidable=True),
    ]

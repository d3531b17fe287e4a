"""Real patients: the synthetic-only constraint goes. Every patient stored so far was synthetic
(the constraint allowed nothing else), so each clinic holding one is marked a demo clinic."""

from typing import Any

from django.db import migrations


def mark_demo_clinics(apps: Any, schema_editor: Any) -> None:
    clinic = apps.get_model("accounts", "Clinic")
    patient = apps.get_model("registry", "Patient")
    holding = patient.objects.values_list("clinic_id", flat=True).distinct()
    clinic.objects.filter(pk__in=list(holding)).update(demo=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_clinic_demo_and_time_zone"),
        ("registry", "0003_dose_ceiling"),
    ]

    operations = [
        migrations.RunPython(mark_demo_clinics, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="patient",
            name="patient_synthetic_only",
        ),
        migrations.RemoveField(
            model_name="patient",
            name="synthetic",
        ),
    ]

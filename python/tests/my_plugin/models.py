"""The seed's example models (../shared/seeds/000_*), as a plugin writes them,
with only the imports pointed at cmodel_django: the models demo/seed_models.json
registers.  The tests convert this module."""

from django.contrib.postgres.indexes import GinIndex
from django.db.models import (
    CASCADE, DO_NOTHING, SET_NULL, BooleanField, DateField, DateTimeField, DecimalField, ForeignKey, Index,
    IntegerField, JSONField, ManyToManyField, OneToOneField, TextField, UniqueConstraint,
)

from cmodel_django import CustomModel, ModelExtension, Patient, Staff


class CustomStaff(Staff, ModelExtension):
    """Extends Staff with custom attribute support."""
    pass


class CustomPatient(Patient, ModelExtension):
    pass


class HealthCoach(CustomModel):

    name = TextField()
    practicing_since = IntegerField()
    version = DecimalField(default=1.0, decimal_places=1, max_digits=3)
    is_accepting_patients = BooleanField()
    created_date = DateField(auto_now_add=True)
    last_modified_at = DateTimeField(auto_now_add=True)
    extended_attributes = JSONField()


class ProviderQualification(CustomModel):

    first_name = TextField()
    last_name = TextField()
    board_certified = BooleanField()
    practicing_since_year = IntegerField()
    extended_attributes = JSONField()
    created_at = DateTimeField()

    class Meta:
        indexes = [
            # Single-column index
            Index(fields=["practicing_since_year"]),
            # Composite index for common search combinations
            Index(fields=["first_name", "last_name"]),
            # Descending index for ordering records
            Index(fields=["-created_at"]),
            # Gin index for efficient JSON queries
            GinIndex(fields=["extended_attributes"])
        ]


class Specialty(CustomModel):
    """Medical specialty (e.g., Cardiology, Neurology)."""

    name = TextField()
    code = TextField()
    staff = ManyToManyField(
        CustomStaff,
        through="StaffSpecialty",
        related_name="%(app_label)s_specialties",
    )

    class Meta:
        indexes = [
            Index(fields=["name"]),
        ]
        constraints = [
            UniqueConstraint(fields=["code"], name="uq_specialty_code"),
        ]


class StaffSpecialty(CustomModel):
    """Many-to-many relationship: Staff can have many specialties, specialties can have many staff."""

    staff = ForeignKey(
        CustomStaff,
        to_field="dbid",
        on_delete=CASCADE,
        related_name="%(app_label)s_staff_specialties"
    )
    specialty = ForeignKey(
        Specialty,
        to_field="dbid",
        on_delete=CASCADE,
        related_name="staff_specialties"
    )

    class Meta:
        constraints = [
            UniqueConstraint(
                fields=["staff", "specialty"],
                name="unique_staff_specialty",
            ),
        ]


class StaffCertification(CustomModel):

    staff = ForeignKey(CustomStaff, to_field="dbid", on_delete=DO_NOTHING, related_name="%(app_label)s__certifications")
    certification_code = TextField()
    version = DecimalField(max_digits=3, decimal_places=1, default=1.0)
    created_at = DateTimeField(auto_now_add=True)
    extended_attributes = JSONField(default=dict)

    class Meta:
        indexes = [
            Index(fields=["-created_at"], name="recent"),
            GinIndex(fields=["extended_attributes"], name="ext_gin"),
        ]
        constraints = [
            UniqueConstraint(fields=["staff", "certification_code"], name="uq_staff_cert"),
        ]


class Biography(CustomModel):

    biography = TextField()
    language = TextField()
    version = DecimalField(default=1.0, decimal_places=1, max_digits=3)
    last_modified_at = DateTimeField(auto_now_add=True)

    staff = OneToOneField(
        CustomStaff, to_field="dbid", on_delete=CASCADE, related_name="biography"
    )


class PatientPreferences(CustomModel):

    patient = OneToOneField(
        CustomPatient, to_field="dbid", on_delete=CASCADE,
        related_name="preferences", primary_key=True
    )
    preferences = JSONField(default=dict)


class Department(CustomModel):
    name = TextField()
    code = TextField()


class StaffDepartment(CustomModel):
    staff = ForeignKey(
        CustomStaff, on_delete=SET_NULL, related_name="department_assignments"
    )
    department = ForeignKey(Department, on_delete=CASCADE, related_name="staff_members")
    role = TextField()

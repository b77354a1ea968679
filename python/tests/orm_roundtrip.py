"""The seed's ORM examples through models generated for a registered namespace.

    orm_roundtrip.py SOCKET_DIR PORT APPS_DIR

Run in a process of its own (Django is configured once per process, here
with the throwaway server as its database and the apps cmodel_django and
orm_app installed):
imports APPS_DIR/orm_app/models.py (written by ``python3 -m cmodel_django
models``), runs the seed's examples
(create, get_or_create, a JSON key filter, select_related, prefetch_related,
Q, annotate/Count, update, delete) against the namespace's tables, and
prints what they returned as one JSON object.
"""

import datetime
import decimal
import json
import sys

from django.conf import settings

host, port, apps_dir = sys.argv[1:4]
sys.path.insert(0, apps_dir)
settings.configure(
    INSTALLED_APPS=["cmodel_django", "orm_app"],
    USE_TZ=True,
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    DATABASES={"default": {"ENGINE": "django.db.backends.postgresql", "HOST": host, "PORT": port,
                           "NAME": "postgres", "USER": "postgres"}},
)
import django  # noqa: E402

django.setup()
from orm_app import models as m  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402

out = {}
with connection.cursor() as cursor:
    cursor.execute("INSERT INTO public.staff (dbid, id, first_name, last_name)"
                   " VALUES (501, 'staff-uuid', 'Jessica', 'Smith'), (502, 'staff-2', 'Ana', 'Lopez')"
                   " ON CONFLICT DO NOTHING")

now = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.timezone.utc)
q = m.ProviderQualification.objects.create(
    first_name="Jessica", last_name="Smith", board_certified=True, practicing_since_year=2010,
    extended_attributes={"languages": ["en", "es"], "level": "senior"}, created_at=now)
m.ProviderQualification.objects.create(
    first_name="Old", last_name="Timer", board_certified=False, practicing_since_year=1990,
    extended_attributes={"level": "junior"}, created_at=now)
out["create"] = q.dbid is not None
found, created = m.ProviderQualification.objects.get_or_create(
    first_name="Jessica", last_name="Smith", defaults={"practicing_since_year": 1999})
out["get_or_create"] = [found.dbid == q.dbid, created]
out["json_key_filter"] = m.ProviderQualification.objects.filter(extended_attributes__level="senior").count()
out["json_contains"] = m.ProviderQualification.objects.filter(
    extended_attributes__languages__contains=["es"]).count()
out["q"] = m.ProviderQualification.objects.filter(
    Q(board_certified=True) | Q(practicing_since_year__lt=2000)).count()

staff = m.CustomStaff.objects.get(id="staff-uuid")
m.Biography.objects.create(biography="Hola", language="Spanish", staff=staff)
out["select_related"] = m.Biography.objects.select_related("staff").get(language="Spanish").staff.first_name
out["reverse_one_to_one"] = m.CustomStaff.objects.get(id="staff-uuid").biography.language

cardio = m.Specialty.objects.create(name="Cardiology", code="C")
neuro = m.Specialty.objects.create(name="Neurology", code="N")
m.StaffSpecialty.objects.create(staff=staff, specialty=cardio)
m.StaffSpecialty.objects.create(staff=staff, specialty=neuro)
out["prefetch_related"] = sorted(
    s.first_name for s in m.Specialty.objects.prefetch_related("staff").get(code="C").staff.all())
out["annotate_count"] = list(
    m.CustomStaff.objects.annotate(n=Count("orm_ns_staff_specialties")).filter(n__gt=0)
    .values_list("id", "n"))

out["update"] = m.ProviderQualification.objects.filter(first_name="Jessica").update(board_certified=False)
cardio.delete()
out["delete_cascades_in_the_database"] = m.StaffSpecialty.objects.count()
m.CustomStaff.objects.filter(id="staff-2").delete()
coach = m.HealthCoach.objects.create(name="Coach", practicing_since=2001, is_accepting_patients=True,
                                     extended_attributes={})
coach = m.HealthCoach.objects.get(dbid=coach.dbid)
out["defaults"] = [str(coach.version), coach.created_date is not None]
# the seed's "Combining Approaches": a hub next to the models
staff = m.CustomStaff.objects.get(id="staff-uuid")
dept = m.Department.objects.create(name="Cardiology", code="CARDIO")
m.StaffDepartment.objects.create(staff=staff, department=m.Department.objects.get(code="CARDIO"),
                                 role="Lead Physician")
hub, created = m.AttributeHub.objects.get_or_create(type="staff_preferences", id=f"staff:{staff.id}")
hub.set_attributes({
    "pager_number": "555-1234",
    "preferred_contact": "email",
    "office_hours": {"monday": "9-5", "tuesday": "9-5"}
})
again, created_again = m.AttributeHub.objects.get_or_create(type="staff_preferences", id="staff:staff-uuid")
out["hub_created"] = [created, created_again]
out["hub_office_hours"] = again.get_attribute("office_hours")
# typed values round-trip exactly; None is not missing
typed = {"big": 2 ** 62 + 1, "huge": 2 ** 70, "rate": decimal.Decimal("1.50"), "ratio": 0.1,
         "since": datetime.date(2024, 2, 29), "at": now, "flag": False, "nothing": None,
         "doc": {"a": [1, 2.5, None]}}
hub.set_attributes(typed)
fresh = m.AttributeHub.objects.get(type="staff_preferences", id="staff:staff-uuid")
out["hub_types"] = {name: [type(fresh.attributes[name]).__name__, str(fresh.attributes[name])]
                    for name in sorted(typed)}
out["hub_none_vs_missing"] = [fresh.get_attribute("nothing", "missing"), fresh.get_attribute("absent", "missing"),
                              fresh.has_attribute("nothing"), fresh.has_attribute("absent")]
hub.set_attribute("visits", 650)
other, _ = m.AttributeHub.objects.get_or_create(type="staff_preferences", id="staff:other")
other.set_attribute("visits", decimal.Decimal("650.0"))
other.set_attribute("preferred_contact", "phone")
out["hub_filter"] = [h.id for h in m.AttributeHub.objects.filter(type="staff_preferences", visits=650)]
out["hub_filter_two"] = [h.id for h in m.AttributeHub.objects.filter(visits__gte=600, preferred_contact="email")]
out["hub_delete_attribute"] = [hub.delete_attribute("pager_number"), hub.delete_attribute("pager_number")]
out["hub_delete"] = [other.delete(), other.delete()]
print(json.dumps(out))

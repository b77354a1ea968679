"""Grit's models (grit_app) on a throwaway server: the tables cmodel made
against the ones Django makes, and the seed's ORM examples.

    grit_roundtrip.py SOCKET_DIR PORT NAMESPACE

Run in a process of its own, after ``python3 -m cmodel_django register
--rules django NAMESPACE grit_app/models.py``.  It creates the same models'
tables with Django's own schema editor in a schema ``django_ref``, prints
both schemas (every table's columns with type and NOT NULL, its primary key
and its single-column unique constraints), then runs the seed's examples
through the plugin's own classes on the namespace (search_path), and prints
it all as one JSON object.
"""

import datetime
import json
import sys

from django.conf import settings

host, port, namespace = sys.argv[1:4]
settings.configure(
    INSTALLED_APPS=["cmodel_django", "grit_app"],
    USE_TZ=True,
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    DATABASES={"default": {"ENGINE": "django.db.backends.postgresql", "HOST": host, "PORT": port,
                           "NAME": "postgres", "USER": "postgres"}},
)
import django  # noqa: E402

django.setup()
from django.apps import apps  # noqa: E402
from django.db import connection  # noqa: E402

from grit_app import models as g  # noqa: E402

SHAPE = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
 WHERE c.relnamespace = %s::regnamespace AND c.relkind = 'r' AND c.relname <> 'cmodel_hubs'
 ORDER BY 1, 2"""
KEYS = """
SELECT c.relname, k.contype, array_agg(a.attname::text ORDER BY a.attname)
  FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (k.conkey)
 WHERE c.relnamespace = %s::regnamespace AND k.contype IN ('p', 'u') AND c.relname <> 'cmodel_hubs'
 GROUP BY c.relname, k.oid, k.contype
UNION ALL
SELECT c.relname, 'u', array_agg(a.attname::text ORDER BY a.attname)
  FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (i.indkey)
 WHERE c.relnamespace = %s::regnamespace AND i.indisunique AND NOT i.indisprimary
   AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
   AND c.relname <> 'cmodel_hubs'
 GROUP BY c.relname, i.indexrelid
 ORDER BY 1, 2, 3"""


def shape(schema):
    with connection.cursor() as cursor:
        cursor.execute(SHAPE, (schema,))
        columns = [list(r) for r in cursor.fetchall()]
        cursor.execute(KEYS, (schema, schema))
        keys = sorted([r[0], r[1], list(r[2])] for r in cursor.fetchall())
    return {"columns": columns, "keys": keys}


out = {}
with connection.cursor() as cursor:
    cursor.execute("CREATE SCHEMA django_ref")
    cursor.execute("SET search_path = django_ref, public")
with connection.schema_editor() as editor:
    for model in apps.get_app_config("grit_app").get_models():
        editor.create_model(model)
out["django"] = shape("django_ref")
out["cmodel"] = shape(namespace)

with connection.cursor() as cursor:
    cursor.execute("SET search_path = %s, public" % connection.ops.quote_name(namespace))
# the seed's examples, through the plugin's own classes
category = g.ProductCategory.objects.create(code="ELEC", name="Electronics")
category.code = "TECH"
category.save()
out["explicit_key"] = list(g.ProductCategory.objects.order_by("code").values_list("code", flat=True))
lead = g.Lead.objects.create(first_name="Ada", last_name="Byron", email="ada@example.com")
out["uuid_key"] = [type(lead.id).__name__, str(lead), lead.created_at is not None]
acme = g.Company.objects.create(name="Acme", industry="Tools")
sarah = g.Employee.objects.create(company=acme, first_name="Sarah", last_name="Chen",
                                  hire_date=datetime.date(2024, 1, 2), department="IT")
michael = g.Employee.objects.create(company=acme, first_name="Michael", last_name="Torres",
                                    hire_date=datetime.date(2024, 1, 3), department="IT")
crm = g.Project.objects.create(name="CRM Platform Upgrade")
g.ProjectAssignment.objects.create(employee=sarah, project=crm, date_assigned=datetime.date(2024, 1, 15),
                                   role="Project Lead")
crm.team_members.add(michael, through_defaults={"date_assigned": datetime.date(2024, 2, 1), "role": "Developer"})
out["through"] = sorted(e.first_name for e in crm.team_members.all())
out["through_query"] = [e.first_name for e in g.Employee.objects.filter(
    projects__name="CRM Platform Upgrade", projectassignment__date_assigned__gt=datetime.date(2024, 1, 31))]
team = g.Team.objects.create(name="Platform")
team.team_members.add(sarah, michael)
out["implicit_through"] = sorted(e.first_name for e in team.team_members.all())
g.Product.objects.create(category=category, sku="tv-1", inventory_count=3)
try:
    g.Product.objects.create(category=category, sku="tv-1", inventory_count=4)
    out["unique"] = "accepted"
except django.db.IntegrityError as e:
    out["unique"] = e.__cause__.pgcode
# a delete through the ORM: one DELETE, the database cascades
statements = []
with connection.execute_wrapper(lambda execute, sql, params, many, context:
                                (statements.append(sql.split()[0]), execute(sql, params, many, context))[1]):
    g.Company.objects.filter(name="Acme").delete()
out["delete_statements"] = statements
out["left_after_delete"] = [g.Employee.objects.count(), g.ProjectAssignment.objects.count(),
                            g.Team.team_members.through.objects.count(), g.Team.objects.count()]
print(json.dumps(out))

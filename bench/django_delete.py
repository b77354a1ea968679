"""bench/django_delete.py — the driver of bench/django_delete.sh (read that first).

    /usr/bin/python3 bench/django_delete.py SOCKET_DIR PORT DBNAME PARENTS CHILDREN GRANDCHILDREN ROUNDS

Runs on Debian's Django 3.2 and psycopg2, with python/ on sys.path, against
a database that has cmodel installed and nothing else yet.  One Django
connection does everything; each side's tables are found through
search_path (the side's schema, then public), as the SDK finds a plugin's:

  sdk        plain Django models, ForeignKey(..., CASCADE, db_constraint=False)
             (no REFERENCES, like the SDK's tables), made by Django's
             schema_editor in schema sdk; QuerySet.delete() runs Django's
             collector: children before parents, in Python.  The baseline.
  orm        the same three models as cmodel_django.CustomModel classes,
             registered into namespace orm_ns from models_to_descriptors();
             their relations tell Django DO_NOTHING, so QuerySet.delete() is
             one DELETE and cmodel cascades in the database.
  collector  plain unmanaged Django models, ForeignKey CASCADE, on the
             cmodel tables of namespace col_ns: Django's collector on top of
             cmodel's triggers (the ORM path before CustomModel left
             on_delete to cmodel).
  sql        DELETE FROM sql_ns.parent WHERE dbid % 10 = 0, on cmodel tables.

Every round fills the four sides with the same rows (PARENTS parents,
CHILDREN children each, GRANDCHILDREN grandchildren per child; untimed,
triggers off), runs VACUUM ANALYZE and CHECKPOINT, then deletes every
parent whose dbid % 10 = 0 on each side, timed in Python around the delete
and its transaction's COMMIT.  Round 0 is the check, not timed: what each
side's delete sends is recorded, and every round, the check's included, is
followed by counting what is left on each side.

Output on stdout, for bench/django_delete.sh to tabulate:

    statements SIDE COUNT WHAT      what one delete sent (in round 0)
    time SIDE ROUND MS              one timed delete, COMMIT included

and progress on stderr.  The exit status is non-zero on any error, and
when a side left other rows than expected.
"""

import collections
import gc
import json
import re
import sys
import time
import types

sys.dont_write_bytecode = True  # nothing written next to python/cmodel_django

import django  # noqa: E402
from django.conf import settings  # noqa: E402

SIDES = ("sdk", "orm", "collector", "sql")
SCHEMA = {"sdk": "sdk", "orm": "orm_ns", "collector": "col_ns", "sql": "sql_ns"}
# the Django app of each side's models (the same model names in each)
APP = {"sdk": "bench_sdk", "orm": "bench_orm", "collector": "bench_collector"}
TENTH = 10  # the parents deleted are those whose dbid % TENTH = 0


def say(*args):
    print(*args, file=sys.stderr, flush=True)


def app_module(label):
    """Make the module LABEL, which Django installs as an app of that label.

    No package on disk: the app has no models module, and its models are
    defined after django.setup() with __module__ = LABEL, which places them
    in the app (the CustomModel classes also take their app label from it).
    """
    module = types.ModuleType(label)
    module.__file__ = __file__  # the app's path, which Django insists on
    sys.modules[label] = module


def model_set(side, base):
    """Parent, Child (FK to Parent) and Grandchild (FK to Child) of SIDE's app.

    Each has a text column, name.  A ForeignKey's column is <field>_id,
    indexed (db_index, Django's default).  For the plain sides (base
    models.Model) the class names the SDK's key, dbid, and the table, the
    model's name in lower case; a CustomModel gets both from cmodel_django.
    """
    from django.db import models

    plain = base is models.Model
    fk_options = {"db_constraint": False} if plain else {}

    def model(name, **fields):
        attrs = {"__module__": APP[side], "name": models.TextField(), **fields}
        if plain:
            attrs["dbid"] = models.BigAutoField(primary_key=True)
            attrs["Meta"] = type("Meta", (), {"db_table": name.lower(), "managed": side == "sdk"})
        return type(name, (base,), attrs)

    parent = model("Parent")
    child = model("Child", parent=models.ForeignKey(parent, models.CASCADE, **fk_options))
    grandchild = model("Grandchild", child=models.ForeignKey(child, models.CASCADE, **fk_options))
    return parent, child, grandchild


class Recorder:
    """An execute_wrapper that counts the statements Django sends, by kind."""

    def __init__(self):
        self.kinds = collections.Counter()
        self.total = 0

    def __call__(self, execute, sql, params, many, context):
        verb = sql.split(None, 1)[0].upper()
        table = re.search(r'\bFROM\s+"?([\w.]+)"?', sql)
        self.kinds["%s %s" % (verb, table.group(1) if table else "-")] += 1
        self.total += 1
        return execute(sql, params, many, context)

    def describe(self):
        return ", ".join("%s x%d" % (kind, n) for kind, n in self.kinds.items())


def main():
    host, port, dbname = sys.argv[1:4]
    parents, children, grandchildren, rounds = (int(a) for a in sys.argv[4:8])
    for label in APP.values():
        app_module(label)
    settings.configure(
        INSTALLED_APPS=["cmodel_django"] + list(APP.values()),
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        DATABASES={"default": {"ENGINE": "django.db.backends.postgresql", "HOST": host, "PORT": port,
                               "NAME": dbname, "USER": "postgres"}},
    )
    django.setup()
    from django.db import connection, models, transaction
    from django.db.models.functions import Mod

    from cmodel_django import CustomModel, models_to_descriptors

    sets = {
        "sdk": model_set("sdk", models.Model),
        "orm": model_set("orm", CustomModel),
        "collector": model_set("collector", models.Model),
    }
    cursor = connection.cursor()

    def search_path(side):
        cursor.execute("SET search_path TO %s, public" % SCHEMA[side])

    say("==> tables: sdk by Django's schema_editor; orm_ns, col_ns, sql_ns registered through cmodel")
    cursor.execute("CREATE SCHEMA sdk")
    search_path("sdk")
    with connection.schema_editor() as editor:
        for model in sets["sdk"]:
            editor.create_model(model)
    descriptors = json.dumps(models_to_descriptors(list(sets["orm"])))
    for side in ("orm", "collector", "sql"):
        cursor.execute("SELECT count(*) FROM cmodel_register_models(%s, %s::json)", [SCHEMA[side], descriptors])
    cursor.execute("SET search_path TO public")
    # the same columns and indexes (by first column) on every side, or the comparison is off
    shape = {}
    for side in SIDES:
        cursor.execute("SELECT table_name, column_name, data_type FROM information_schema.columns"
                       " WHERE table_schema = %s AND table_name IN ('parent', 'child', 'grandchild')"
                       " ORDER BY 1, 2", [SCHEMA[side]])
        columns = cursor.fetchall()
        cursor.execute("SELECT c.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
                       " JOIN pg_namespace n ON n.oid = c.relnamespace"
                       " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
                       " WHERE n.nspname = %s AND c.relname IN ('parent', 'child', 'grandchild')"
                       " ORDER BY 1, 2", [SCHEMA[side]])
        shape[side] = (columns, cursor.fetchall())
    if any(shape[side] != shape["sdk"] for side in SIDES):
        sys.exit("django_delete: the sides' tables differ: %r" % shape)
    if len(shape["sdk"][0]) != 8 or ("child", "parent_id") not in shape["sdk"][1] \
            or ("grandchild", "child_id") not in shape["sdk"][1]:
        sys.exit("django_delete: unexpected columns or indexes: %r" % (shape["sdk"],))

    n_child = parents * children
    n_grand = n_child * grandchildren
    fill_sql = [
        "SET LOCAL session_replication_role = replica",  # loading, not measuring: no triggers
        "TRUNCATE {s}.grandchild, {s}.child, {s}.parent",
        "INSERT INTO {s}.parent (dbid, name) SELECT g, 'parent ' || g FROM generate_series(1, %d) g" % parents,
        "INSERT INTO {s}.child (dbid, parent_id, name) SELECT g, (g - 1) / %d + 1, 'child ' || g"
        " FROM generate_series(1, %d) g" % (children, n_child),
        "INSERT INTO {s}.grandchild (dbid, child_id, name) SELECT g, (g - 1) / %d + 1, 'grandchild ' || g"
        " FROM generate_series(1, %d) g" % (grandchildren, n_grand),
    ]
    left = parents - parents // TENTH
    expected = (left, left * children, left * children * grandchildren)

    def fill():
        for side in SIDES:
            with transaction.atomic():
                for sql in fill_sql:
                    cursor.execute(sql.format(s=SCHEMA[side]))
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")

    def check(side):
        s = SCHEMA[side]
        cursor.execute(
            "SELECT (SELECT count(*) FROM {s}.parent), (SELECT count(*) FROM {s}.child),"
            " (SELECT count(*) FROM {s}.grandchild),"
            " (SELECT count(*) FROM {s}.parent WHERE dbid % {t} = 0),"
            " (SELECT count(*) FROM {s}.child c WHERE NOT EXISTS"
            "   (SELECT FROM {s}.parent p WHERE p.dbid = c.parent_id)),"
            " (SELECT count(*) FROM {s}.grandchild g WHERE NOT EXISTS"
            "   (SELECT FROM {s}.child c WHERE c.dbid = g.child_id))".format(s=s, t=TENTH))
        got = cursor.fetchone()
        if tuple(got) != expected + (0, 0, 0):
            sys.exit("django_delete: side %s left (parents, children, grandchildren) = %r, expected %r;"
                     " parents that should be gone, orphaned children, orphaned grandchildren: %r"
                     % (side, tuple(got[:3]), expected, tuple(got[3:])))

    def delete(side):
        if side == "sql":
            cursor.execute("DELETE FROM sql_ns.parent WHERE dbid %% %d = 0" % TENTH)
        else:
            parent = sets[side][0]
            parent.objects.alias(tenth=Mod("dbid", TENTH)).filter(tenth=0).delete()

    def timed(side, recorder=None):
        search_path(side)
        gc.collect()
        start = time.perf_counter()
        if recorder is None:
            with transaction.atomic():
                delete(side)
        else:
            with connection.execute_wrapper(recorder), transaction.atomic():
                delete(side)
        ms = (time.perf_counter() - start) * 1000.0
        cursor.execute("SET search_path TO public")
        return ms

    say("==> check (untimed): per side %d parents, %d children each, %d grandchildren per child;"
        " delete %d parents"
        % (parents, children, grandchildren, parents // TENTH))
    fill()
    for side in SIDES:
        recorder = Recorder()
        timed(side, recorder)
        check(side)
        print("statements", side, recorder.total, recorder.describe(), flush=True)
        say("    %-9s left %d/%d/%d rows as expected; sent %d statements: %s"
            % (side, *expected, recorder.total, recorder.describe()))

    say("==> %d rounds: refill, VACUUM ANALYZE, CHECKPOINT, one delete per side (order alternates)" % rounds)
    for r in range(1, rounds + 1):
        fill()
        order = SIDES if r % 2 else tuple(reversed(SIDES))
        times = {}
        for side in order:
            times[side] = timed(side)
        for side in SIDES:
            check(side)
            print("time", side, r, "%.3f" % times[side], flush=True)
        say("    round %d: %s" % (r, ", ".join("%s %.1f ms" % (side, times[side]) for side in SIDES)))
    connection.close()


if __name__ == "__main__":
    main()

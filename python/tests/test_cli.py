"""The command line against a throwaway server (server.py).

The seed's model classes, planned and registered through
``python3 -m cmodel_django``, give the tables the demo's descriptors give
(same columns and types, same indexes); errors come through with cmodel's
SQLSTATE, detail and hint and the Unix exit statuses.
"""

import json
import os
import subprocess
import sys
import unittest

from server import Server

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(HERE)
DEMO = os.path.join(PACKAGE_ROOT, "..", "demo", "seed_models.json")
SERVER = None


def setUpModule():
    global SERVER
    SERVER = Server()
    sql("""
CREATE EXTENSION cmodel;
CREATE TABLE public.staff (dbid bigint PRIMARY KEY, id text UNIQUE, first_name text, last_name text);
CREATE TABLE public.patient (dbid bigint PRIMARY KEY, id text UNIQUE, first_name text, last_name text);
SELECT cmodel_register_core_model('Staff', 'public.staff', 'dbid');
SELECT cmodel_register_core_model('Patient', 'public.patient', 'dbid');
CREATE TABLE public.custom_user (id uuid PRIMARY KEY, email text);
SELECT cmodel_register_core_model('CustomUser', 'public.custom_user', 'id');
""")


def tearDownModule():
    if SERVER is not None:
        SERVER.stop()


def sql(text, *params):
    import psycopg2

    connection = psycopg2.connect(SERVER.dsn)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(text, params or None)
            return cursor.fetchall() if cursor.description else None
    finally:
        connection.close()


def cli(*args):
    env = dict(os.environ, PYTHONPATH=PACKAGE_ROOT)
    return subprocess.run([sys.executable, "-m", "cmodel_django"] + list(args), cwd=HERE, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)


def schema_of(namespace):
    """Every table's columns and every index of a namespace, the namespace's name replaced by NS."""
    columns = sql("""
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
 WHERE c.relnamespace = %s::regnamespace AND c.relkind = 'r'
 ORDER BY 1, a.attnum""", namespace)
    indexes = sql("""
SELECT replace(indexname, %s, 'NS'), replace(indexdef, %s, 'NS') FROM pg_indexes WHERE schemaname = %s
 ORDER BY 1""", namespace, namespace, namespace)
    return [tuple(r) for r in columns], [tuple(r) for r in indexes]


class Register(unittest.TestCase):
    def test_plan_prints_the_actions_and_changes_nothing(self):
        done = cli("plan", "--dsn", SERVER.dsn, "plan_ns", "my_plugin.models")
        self.assertEqual(done.returncode, 0, done.stderr)
        actions = [line.split("\t") for line in done.stdout.splitlines()]
        self.assertIn(["create model", "plan_ns.healthcoach"], [a[:2] for a in actions])
        self.assertTrue(all(len(a) == 3 for a in actions))
        self.assertEqual(sql("SELECT count(*) FROM pg_namespace WHERE nspname = 'plan_ns'")[0][0], 0)

    def test_the_seed_classes_register_what_the_demo_descriptors_do(self):
        done = cli("register", "--dsn", SERVER.dsn, "--plugin", "my_plugin", "cli_ns", "my_plugin/models.py")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("create model\tcli_ns.healthcoach\tCREATE TABLE cli_ns.healthcoach (", done.stdout)
        with open(DEMO) as f:
            sql("SELECT count(*) FROM cmodel_register_models('demo_ns', %s::json, 'my_plugin')", f.read())
        cli_schema = schema_of("cli_ns")
        demo_schema = schema_of("demo_ns")
        self.assertEqual(cli_schema[0], demo_schema[0], "the same tables, columns, types and defaults")
        self.assertEqual(cli_schema[1], demo_schema[1], "the same indexes")
        self.assertGreater(len(cli_schema[1]), 10)
        again = cli("register", "--dsn", SERVER.dsn, "--plugin", "my_plugin", "cli_ns", "my_plugin.models")
        self.assertEqual((again.returncode, again.stdout), (0, ""), "registering again changes nothing")


class Models(unittest.TestCase):
    def test_generated_models_run_the_seed_orm_examples(self):
        import tempfile

        done = cli("register", "--dsn", SERVER.dsn, "--plugin", "my_plugin", "orm_ns", "my_plugin.models")
        self.assertEqual(done.returncode, 0, done.stderr)
        with tempfile.TemporaryDirectory() as directory:
            os.mkdir(os.path.join(directory, "orm_app"))
            open(os.path.join(directory, "orm_app", "__init__.py"), "w").close()
            target = os.path.join(directory, "orm_app", "models.py")
            done = cli("models", "--dsn", SERVER.dsn, "--output", target, "orm_ns")
            self.assertEqual(done.returncode, 0, done.stderr)
            with open(target) as f:
                source = f.read()
            self.assertIn("managed = False", source)
            self.assertIn("db_table = 'orm_ns\".\"healthcoach'", source)
            self.assertIn("related_name='orm_ns_specialties'", source)
            run = subprocess.run([sys.executable, os.path.join(HERE, "orm_roundtrip.py"), SERVER.dir, str(54361),
                                  directory], env=dict(os.environ, PYTHONPATH=PACKAGE_ROOT),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        self.assertEqual(run.returncode, 0, run.stderr)
        got = json.loads(run.stdout)
        self.assertEqual(got, {
            "create": True,
            "get_or_create": [True, False],
            "json_key_filter": 1,
            "json_contains": 1,
            "q": 2,
            "select_related": "Jessica",
            "reverse_one_to_one": "Spanish",
            "prefetch_related": ["Jessica"],
            "annotate_count": [["staff-uuid", 2]],
            "update": 1,
            "delete_cascades_in_the_database": 1,
            "defaults": ["1.0", True],
            "hub_created": [True, False],
            "hub_office_hours": {"monday": "9-5", "tuesday": "9-5"},
            "hub_types": {
                "at": ["datetime", "2024-05-01 12:00:00+00:00"],
                "big": ["int", str(2 ** 62 + 1)],
                "doc": ["dict", "{'a': [1, 2.5, None]}"],
                "flag": ["bool", "False"],
                "huge": ["Decimal", str(2 ** 70)],
                "nothing": ["NoneType", "None"],
                "rate": ["Decimal", "1.50"],
                "ratio": ["Decimal", "0.1"],
                "since": ["date", "2024-02-29"],
            },
            "hub_none_vs_missing": [None, "missing", True, False],
            "hub_filter": ["staff:other", "staff:staff-uuid"],
            "hub_filter_two": ["staff:staff-uuid"],
            "hub_delete_attribute": [True, False],
            "hub_delete": [True, False],
        })
        # the delete of a core row went through cmodel's cascade too
        self.assertEqual(sql("SELECT count(*) FROM public.staff WHERE id = 'staff-2'")[0][0], 0)

    def test_a_namespace_without_models(self):
        done = cli("models", "--dsn", SERVER.dsn, "nothing_ns")
        self.assertEqual(done.returncode, 1)
        self.assertIn("namespace 'nothing_ns' has no registered models", done.stderr)


class Errors(unittest.TestCase):
    def test_cmodel_errors_come_through_with_sqlstate_detail_and_hint(self):
        done = cli("register", "--dsn", SERVER.dsn, "bad_ns", "bad_plugin.models")
        self.assertEqual(done.returncode, 1)
        self.assertRegex(done.stderr, r"^cmodel_django: ERROR:  .*related_name")
        self.assertIn("\nDETAIL:  ", done.stderr)
        self.assertIn("\nHINT:  ", done.stderr)
        self.assertRegex(done.stderr, r"\nSQLSTATE:  [0-9A-Z]{5}\n")
        self.assertEqual(done.stdout, "")
        self.assertEqual(sql("SELECT count(*) FROM pg_namespace WHERE nspname = 'bad_ns'")[0][0], 0)

    def test_a_model_the_converter_refuses(self):
        done = cli("plan", "--dsn", SERVER.dsn, "refused_ns", "refused_plugin.models")
        self.assertEqual(done.returncode, 1)
        self.assertIn("field Code.code: has unique=True", done.stderr)

    def test_usage_errors_exit_2(self):
        self.assertEqual(cli().returncode, 2)
        self.assertEqual(cli("plan", "only_ns").returncode, 2)
        missing = cli("plan", "--dsn", SERVER.dsn, "x_ns", "no_such_plugin.models")
        self.assertEqual(missing.returncode, 2)
        self.assertIn("cannot import no_such_plugin.models", missing.stderr)
        self.assertEqual(cli("plan", "--dsn", SERVER.dsn, "x_ns", "nowhere/models.py").returncode, 2)

    def test_a_server_that_is_not_there(self):
        done = cli("plan", "--dsn", "host=%s port=1 dbname=postgres" % SERVER.dir, "x_ns", "my_plugin.models")
        self.assertEqual(done.returncode, 1)
        self.assertIn("cmodel_django: ", done.stderr)


if __name__ == "__main__":
    unittest.main()


class Grit(unittest.TestCase):
    """Grit's models (grit_app) need a namespace with Django's rules."""

    def test_grit_models_make_the_tables_django_makes_and_run_the_seed_examples(self):
        done = cli("register", "--dsn", SERVER.dsn, "--rules", "django", "grit_ns", "grit_app/models.py")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("create model\tgrit_ns.team_team_members\t", done.stdout)
        self.assertEqual(sql("SELECT rules FROM cmodel.namespaces WHERE namespace = 'grit_ns'"), [("django",)])
        run = subprocess.run([sys.executable, os.path.join(HERE, "grit_roundtrip.py"), SERVER.dir, str(54361),
                              "grit_ns"], env=dict(os.environ, PYTHONPATH=PACKAGE_ROOT + os.pathsep + HERE),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        self.assertEqual(run.returncode, 0, run.stderr)
        got = json.loads(run.stdout)
        # the same tables, columns, types, NOT NULL, keys and unique columns as Django's own
        self.assertEqual(got["cmodel"]["columns"], got["django"]["columns"])
        self.assertEqual(got["cmodel"]["keys"], got["django"]["keys"])
        self.assertIn(["productcategory", "code", "character varying(50)", True], got["cmodel"]["columns"])
        self.assertIn(["lead", "id", "uuid", True], got["cmodel"]["columns"])
        del got["cmodel"], got["django"]
        self.assertEqual(got, {
            "explicit_key": ["ELEC", "TECH"],
            "uuid_key": ["UUID", "Ada Byron", True],
            "through": ["Michael", "Sarah"],
            "through_query": ["Michael"],
            "implicit_through": ["Michael", "Sarah"],
            "unique": "23505",
            "delete_statements": ["DELETE"],
            "left_after_delete": [0, 0, 0, 1],
        })
        # generated models of the namespace: Django's keys, NOT NULL where the fields say so
        done = cli("models", "--dsn", SERVER.dsn, "grit_ns")
        self.assertEqual(done.returncode, 0, done.stderr)
        compile(done.stdout, "grit_ns_models.py", "exec")
        self.assertIn("    id = models.UUIDField(primary_key=True, default=uuid.uuid4)\n", done.stdout)
        self.assertIn("    first_name = models.CharField(max_length=50)\n", done.stdout)
        self.assertIn("    category = models.ForeignKey('ProductCategory', on_delete=models.DO_NOTHING, "
                      "db_constraint=False, to_field='code', null=True)\n", done.stdout)
        self.assertIn("    sku = models.SlugField(unique=True)\n", done.stdout)
        self.assertIn("class Team_team_members(models.Model):\n    id = models.BigAutoField(primary_key=True)\n",
                      done.stdout)
        self.assertIn("    code = models.CharField(primary_key=True, max_length=50)\n", done.stdout)
        # the same namespace cannot change its rule set
        done = cli("plan", "--dsn", SERVER.dsn, "--rules", "canvas", "grit_ns", "grit_app/models.py")
        self.assertEqual(done.returncode, 1)
        self.assertIn("already exists with the django rule set", done.stderr)
        self.assertIn("SQLSTATE:  55000", done.stderr)

    def test_grit_models_are_refused_under_canvas_rules(self):
        # the converter refuses unique=True for a Canvas namespace, naming class and field
        done = cli("plan", "--dsn", SERVER.dsn, "canvas_grit", "grit_app/models.py")
        self.assertEqual(done.returncode, 1)
        self.assertIn("field Product.sku: has unique=True, which Canvas's rules refuse", done.stderr)
        # and cmodel refuses the rest with Canvas's error
        sys.path.insert(0, PACKAGE_ROOT)
        from cmodel_django import _setup
        _setup.ensure_django()
        from cmodel_django.convert import models_to_descriptors
        import grit_app.models as grit

        descriptors = [d for d in models_to_descriptors(grit, rules="django") if d["name"] == "Lead"]
        import psycopg2

        with self.assertRaises(psycopg2.Error) as raised:
            sql("SELECT * FROM cmodel_plan_models('canvas_grit', %s::json)", json.dumps(descriptors))
        self.assertEqual(raised.exception.pgcode, "42P17")
        self.assertIn('field "id"', raised.exception.diag.message_primary)
        self.assertIn("primary_key is not supported on UUIDField", raised.exception.diag.message_primary)
        self.assertIn("Canvas's rules", raised.exception.diag.message_detail)

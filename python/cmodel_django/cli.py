"""The command line: ``python3 -m cmodel_django``.

    python3 -m cmodel_django plan     [--dsn DSN] [--plugin NAME] [--rules canvas|django] NAMESPACE MODULE
    python3 -m cmodel_django register [--dsn DSN] [--plugin NAME] [--rules canvas|django] NAMESPACE MODULE
    python3 -m cmodel_django models   [--dsn DSN] [--output FILE] NAMESPACE

MODULE is a plugin's models module, by its dotted name (importable from the
current directory) or as a path to its ``.py`` file (its package's parent
becomes importable).  ``plan`` prints what registering would do, and
changes nothing; ``register`` registers, in one transaction, and prints what
it did.  Each action is one line: action, object and statement, separated
by tabs.  The models convert for the namespace's rule set; ``--rules``
creates the namespace with one (``django`` for Grit's models) and is an
error for a namespace that has the other.  ``models`` writes unmanaged Django models of a registered
namespace's tables (generate.py), to stdout or FILE.  DSN is a libpq
connection string (default: the PG* environment, as psql's).

Exit status: 0 done, 1 an error from cmodel or the server (its SQLSTATE,
message, detail and hint on stderr), or a model the converter refuses;
2 a usage error or a module that does not import.
"""

import argparse
import importlib
import json
import os
import sys

from .convert import RULES, ConversionError, models_to_descriptors

PROG = "cmodel_django"


class UsageError(Exception):
    """A mistake in how the command was called: exit status 2."""


def _load_module(spec):
    """The models module named by a dotted name or a path to a .py file."""
    if spec.endswith(".py") or os.sep in spec:
        path = os.path.abspath(spec)
        if not os.path.isfile(path):
            raise UsageError("no such file: %s" % spec)
        parts = [os.path.splitext(os.path.basename(path))[0]]
        directory = os.path.dirname(path)
        while os.path.isfile(os.path.join(directory, "__init__.py")):
            parts.insert(0, os.path.basename(directory))
            directory = os.path.dirname(directory)
        sys.path.insert(0, directory)
        spec = ".".join(parts)
    else:
        sys.path.insert(0, os.getcwd())
    try:
        return importlib.import_module(spec)
    except ImportError as e:
        raise UsageError("cannot import %s: %s" % (spec, e))


def _report_database_error(error):
    """cmodel's (or the server's) error as psql shows it, on stderr."""
    diag = error.diag
    severity = diag.severity or "ERROR"
    print("%s: %s:  %s" % (PROG, severity, (diag.message_primary or str(error)).strip()), file=sys.stderr)
    if diag.message_detail:
        print("DETAIL:  %s" % diag.message_detail, file=sys.stderr)
    if diag.message_hint:
        print("HINT:  %s" % diag.message_hint, file=sys.stderr)
    if error.pgcode:
        print("SQLSTATE:  %s" % error.pgcode, file=sys.stderr)


def _run(command, dsn, namespace, module, plugin, rules):
    """Convert the module for the namespace's rule set, then plan or register it.

    rules (from --rules) creates the namespace with that rule set first (an
    error if it exists with another); without it, the namespace's own rule
    set is used, Canvas's for a namespace that does not exist yet.
    """
    import psycopg2

    from .generate import namespace_rules

    function = "cmodel_plan_models" if command == "plan" else "cmodel_register_models"
    connection = psycopg2.connect(dsn)
    try:
        with connection:
            with connection.cursor() as cursor:
                if rules:
                    cursor.execute("SELECT cmodel_create_namespace(%s, %s)", (namespace, rules))
                else:
                    rules = namespace_rules(cursor, namespace)
                descriptors = models_to_descriptors(module, rules=rules)
                if not descriptors:
                    raise UsageError("%s defines no models" % module.__name__)
                cursor.execute(
                    "SELECT action, object, statement FROM %s(%%s, %%s::json, %%s)" % function,
                    (namespace, json.dumps(descriptors), plugin),
                )
                rows = cursor.fetchall()
                if command == "plan":
                    connection.rollback()   # a namespace --rules created, too
    finally:
        connection.close()
    for action, obj, statement in rows:
        print("%s\t%s\t%s" % (action, obj, statement or ""))
    return rows


def _models(args):
    import psycopg2

    from .generate import namespace_models_source

    connection = psycopg2.connect(args.dsn)
    try:
        try:
            source = namespace_models_source(connection, args.namespace)
        except LookupError as e:
            print("%s: %s" % (PROG, e.args[0]), file=sys.stderr)
            return 1
    finally:
        connection.close()
    if args.output:
        with open(args.output, "w") as f:
            f.write(source)
    else:
        sys.stdout.write(source)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python3 -m " + PROG,
        description="Turn a plugin's Django models into cmodel descriptors and plan or register them.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, text in (("plan", "print what registering the module would do; change nothing"),
                       ("register", "register the module's models into the namespace")):
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("--dsn", default="", help="libpq connection string (default: the PG* environment)")
        p.add_argument("--plugin", default=None, help="the plugin the models belong to")
        p.add_argument("--rules", choices=RULES, default=None,
                       help="create the namespace with this rule set (default: the namespace's own; "
                            "canvas for a new one)")
        p.add_argument("namespace", help="the cmodel namespace (its schema)")
        p.add_argument("module", help="the models module: a dotted name or a path to its .py file")
    p = sub.add_parser("models", help="write unmanaged Django models of a registered namespace",
                       description="write unmanaged Django models of a registered namespace")
    p.add_argument("--dsn", default="", help="libpq connection string (default: the PG* environment)")
    p.add_argument("--output", "-o", default=None, help="the file to write (default: stdout)")
    p.add_argument("namespace", help="the cmodel namespace (its schema)")
    args = parser.parse_args(argv)
    try:
        if args.command == "models":
            return _models(args)
        module = _load_module(args.module)
        _run(args.command, args.dsn, args.namespace, module, args.plugin, args.rules)
    except UsageError as e:
        print("%s: %s" % (PROG, e), file=sys.stderr)
        return 2
    except ConversionError as e:
        print("%s: %s" % (PROG, e), file=sys.stderr)
        return 1
    except Exception as e:  # psycopg2's errors, without importing it at the top
        if type(e).__module__.startswith("psycopg2"):
            if getattr(e, "diag", None) is not None and getattr(e, "pgcode", None):
                _report_database_error(e)
            else:
                print("%s: %s" % (PROG, str(e).strip()), file=sys.stderr)
            return 1
        raise
    return 0

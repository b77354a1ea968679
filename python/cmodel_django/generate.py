"""Unmanaged Django models for a registered namespace, as Python source.

``namespace_models_source(connection, namespace)`` reads the namespace's
registered models (``cmodel.models``, ``cmodel_describe_model``) over a
psycopg2 connection and writes a models module another service or a
notebook imports to reach tables it did not define:

- every concrete model is a ``managed = False`` model of its table
  (``db_table`` schema-qualified, so no ``search_path`` is needed), its key
  ``dbid`` unless a field is the key, its fields with their options
  (abstract bases' fields first, as Django orders them), ``null=True``
  where the column takes NULL (every column under Canvas's rules; under
  Django's, the fields that say so);
- ``AttributeHub`` is the namespace's hub store with the SDK's interface
  (hubs.py);
- proxies of core models subclass the package's ``Staff`` and ``Patient``
  (any other core model gets a class of its key column);
- the module is an app's ``models.py`` (the app in ``INSTALLED_APPS``, so
  that Django knows the reverse relations), its models take that app's
  label, and ``%(app_label)s`` in a ``related_name`` is written out as the
  plugin's app label, so the names are the plugin's;
- relations keep their ``related_name`` and ``to_field`` and use
  ``on_delete=DO_NOTHING`` with ``db_constraint=False``: the database
  applies the relation's on_delete itself (cmodel's triggers), so Django's
  collector need not load and delete the children first.
"""

import json

from .sdk import CORE_MODELS, core_model_name

COLUMN_FIELDS = {
    "TextField": "TextField", "CharField": "CharField", "EmailField": "EmailField",
    "URLField": "URLField", "SlugField": "SlugField", "IntegerField": "IntegerField",
    "BigIntegerField": "BigIntegerField", "SmallIntegerField": "SmallIntegerField",
    "FloatField": "FloatField", "DecimalField": "DecimalField", "BooleanField": "BooleanField",
    "DateField": "DateField", "DateTimeField": "DateTimeField", "TimeField": "TimeField",
    "DurationField": "DurationField", "UUIDField": "UUIDField", "JSONField": "JSONField",
    "AutoField": "AutoField", "BigAutoField": "BigAutoField", "SmallAutoField": "SmallAutoField",
}
KEY_TYPES = {"bigint": "BigIntegerField", "integer": "IntegerField", "smallint": "SmallIntegerField",
             "text": "TextField", "uuid": "UUIDField"}


def _default_source(value):
    if value == "uuid4":
        return "uuid.uuid4"
    if value == {}:
        return "dict"
    if value == []:
        return "list"
    return repr(value)


def _null_option(field, rules):
    """null=True where the column takes NULL: every column under Canvas's rules."""
    return [] if rules == "django" and not field.get("null") else ["null=True"]


def _field_source(field, names, placeholders, rules):
    kind = field["type"]
    options = []
    if kind in ("ForeignKey", "OneToOneField", "ManyToManyField"):
        target = field["to"]
        target_source = names.get(target, repr(target))
        options.append(target_source)
        if kind == "ManyToManyField":
            if field.get("through"):
                options.append("through=%r" % field["through"])
            if field.get("through_fields"):
                options.append("through_fields=%r" % (tuple(field["through_fields"]),))
            if field.get("symmetrical") is False:
                options.append("symmetrical=False")
        else:
            options.append("on_delete=models.DO_NOTHING")
            options.append("db_constraint=False")
            if field.get("to_field"):
                options.append("to_field=%r" % field["to_field"])
            if field.get("primary_key"):
                options.append("primary_key=True")
            else:
                options += _null_option(field, rules)
        for key in ("related_name", "related_query_name"):
            if field.get(key):
                options.append("%s=%r" % (key, field[key] % placeholders))
        return "models.%s(%s)" % (kind, ", ".join(options))
    django = COLUMN_FIELDS[kind]
    if field.get("primary_key"):
        options.append("primary_key=True")
    else:
        options += _null_option(field, rules)
    if field.get("unique"):
        options.append("unique=True")
    for key in ("max_length", "max_digits", "decimal_places"):
        if field.get(key) is not None:
            options.append("%s=%r" % (key, field[key]))
    if "default" in field:
        options.append("default=%s" % _default_source(field["default"]))
    for key in ("auto_now", "auto_now_add"):
        if field.get(key):
            options.append("%s=True" % key)
    return "models.%s(%s)" % (django, ", ".join(options))


def _fields_with_bases(name, described, seen=()):
    """A model's fields, its abstract bases' first (as Django orders them)."""
    descriptor = described[name]
    fields = []
    for base in descriptor.get("bases", []):
        if base in described and base not in seen:
            fields.extend(_fields_with_bases(base, described, seen + (name,)))
    return fields + list(descriptor.get("fields", []))


def namespace_rules(cursor, namespace):
    """The rule set of a namespace: Canvas's for one that does not exist yet, or that
    predates rule sets (read through to_jsonb, which has no rules before 0.10.0)."""
    cursor.execute("SELECT to_jsonb(n) ->> 'rules' FROM cmodel.namespaces n WHERE n.namespace = %s",
                   (namespace,))
    row = cursor.fetchone()
    return (row[0] if row else None) or "canvas"


def namespace_models_source(connection, namespace):
    """The source of a models module for the namespace's registered models."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT model, kind, table_name FROM cmodel.models"
                       " WHERE namespace = %s AND NOT retired ORDER BY registered_at, model", (namespace,))
        rows = cursor.fetchall()
        if not rows:
            raise LookupError("namespace %r has no registered models" % namespace)
        described = {}
        kinds = {}
        tables = {}
        for model, kind, table in rows:
            cursor.execute("SELECT cmodel_describe_model(%s, %s)", (namespace, model))
            value = cursor.fetchone()[0]
            described[model] = value if isinstance(value, dict) else json.loads(value)
            kinds[model] = kind
            tables[model] = table
        cursor.execute("SELECT c.name, n.nspname, t.relname, c.key_column, format_type(a.atttypid, a.atttypmod)"
                       "  FROM cmodel.reg_core_model c JOIN pg_class t ON t.oid = c.tbl"
                       "  JOIN pg_namespace n ON n.oid = t.relnamespace"
                       "  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attname = c.key_column"
                       " ORDER BY c.name")
        cores = {row[0]: row[1:] for row in cursor.fetchall()}
        rules = namespace_rules(cursor, namespace)

    known = {core_model_name(m): m.__name__ for m in CORE_MODELS}
    used_cores = set()
    for model, descriptor in described.items():
        for base in descriptor.get("bases", []):
            if base in cores:
                used_cores.add(base)
        for field in descriptor.get("fields", []):
            if field.get("to") in cores and field["to"] not in described:
                used_cores.add(field["to"])
    names = {core: core for core in used_cores}

    lines = [
        '"""Unmanaged models of cmodel namespace %r, written by cmodel_django from its registry.' % namespace,
        "",
        "Relations use on_delete=DO_NOTHING: the database applies each relation's on_delete",
        "(cmodel's triggers), so Django's collector leaves the children to it.",
        '"""',
        "",
        "import uuid  # noqa: F401 (uuid4 defaults)",
        "",
        "from django.db import models",
        "from cmodel_django.hubs import AttributeHub as _AttributeHub",
    ]
    imported = sorted(known[c] for c in used_cores if c in known)
    if imported:
        lines.append("from cmodel_django import %s" % ", ".join(imported))
    for core in sorted(used_cores - set(known)):
        schema, table, key, key_type = cores[core]
        lines += ["", "", "class %s(models.Model):" % core,
                  "    %s = models.%s(primary_key=True)" % (key, KEY_TYPES.get(key_type, "TextField")),
                  "", "    class Meta:", "        managed = False",
                  "        db_table = %r" % ('%s"."%s' % (schema, table))]
    lines += ["", "", "class AttributeHub(_AttributeHub):",
              "    # the namespace's hub store, with the SDK's AttributeHub interface",
              "    namespace = %r" % namespace]
    for model, descriptor in described.items():
        kind = kinds[model]
        app_label = descriptor.get("app_label") or namespace
        if kind == "abstract":
            continue
        if kind == "proxy":
            base = descriptor["bases"][0]
            lines += ["", "", "class %s(%s):" % (model, base), "    class Meta:", "        proxy = True"]
            continue
        fields = _fields_with_bases(model, described)
        lines += ["", "", "class %s(models.Model):" % model]
        if not any(f.get("primary_key") for f in fields):
            lines.append("    dbid = models.BigAutoField(primary_key=True)")
        for field in fields:
            lines.append("    %s = %s" % (field["name"], _field_source(
                field, names, {"app_label": app_label, "class": model.lower()}, rules)))
        lines += ["", "    class Meta:", "        managed = False",
                  "        db_table = %r" % ('%s"."%s' % (namespace, tables[model]))]
    return "\n".join(lines) + "\n"

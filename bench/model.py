#!/usr/bin/env python3
"""bench/model.py — the benchmark's model, defined once.

From the single definition below it writes, into OUTDIR:

  owner.json       descriptor of BenchOwner, the small model the foreign keys
                   point at
  model.json       descriptor of BenchRecord: 50 fields, 10 indexes (2 of them
                   the automatic indexes of its 2 ForeignKeys)
  sdk_owner.json   the SDK's idempotent DDL for BenchOwner, a JSON array of
                   statements (run once, to set up the baseline)
  sdk_ddl.json     the SDK's idempotent DDL for BenchRecord, as it re-runs on
                   every deploy: CREATE TABLE IF NOT EXISTS (dbid serial),
                   one ADD COLUMN IF NOT EXISTS per field, one
                   CREATE [UNIQUE] INDEX IF NOT EXISTS per index
  sdk_ddl.sql      the same statements, one per line (a pgbench script:
                   each its own transaction, as a client in autocommit mode
                   sends them)
  sdk_ddl_tx.sql   the same in one BEGIN ... COMMIT (pgbench script)
  reregister.sql   SELECT count(*) FROM cmodel_register_model(NAMESPACE,
                   '<BenchRecord>'::json) (pgbench script)
  columns.txt      "column|cmodel type|SDK type" per column of BenchRecord,
                   dbid first: what each side's table must end up with
  expect.sh        EXPECT_FIELDS, EXPECT_INDEXES and EXPECT_ACTIONS (how many
                   rows registering BenchRecord into a namespace that lacks it
                   returns: create model + one per index), for the shell

Index names follow the SDK's <namespace>_<table>_<name>, which cmodel uses
too, so the SDK's table and cmodel's table carry the same index names.

usage: model.py OUTDIR NAMESPACE
"""
import json
import os
import sys

OWNER = "BenchOwner"
MODEL = "BenchRecord"

# Django field type -> (cmodel column type, SDK column type); they differ only
# for keys: cmodel uses bigint identity keys, the SDK serial (integer) ones.
TYPES = {
    "TextField": ("text", "text"),
    "CharField": ("text", "text"),
    "IntegerField": ("integer", "integer"),
    "BigIntegerField": ("bigint", "bigint"),
    "DecimalField": (None, None),          # numeric(max_digits,decimal_places)
    "BooleanField": ("boolean", "boolean"),
    "DateField": ("date", "date"),
    "DateTimeField": ("timestamp with time zone", "timestamp with time zone"),
    "JSONField": ("jsonb", "jsonb"),
    "ForeignKey": ("bigint", "integer"),   # the target's key column type
}

OWNER_FIELDS = [
    {"name": "name", "type": "TextField"},
    {"name": "code", "type": "CharField", "max_length": 32},
]

# 50 fields: 2 ForeignKeys, 17 text (Text/CharField), 9 integer/bigint,
# 6 numeric, 6 boolean, 4 date, 4 timestamptz, 2 jsonb (one GIN-indexed).
FIELDS = [
    {"name": "owner", "type": "ForeignKey", "to": OWNER, "to_field": "dbid",
     "on_delete": "CASCADE", "related_name": "%(app_label)s__records"},
    {"name": "reviewer", "type": "ForeignKey", "to": OWNER, "to_field": "dbid",
     "on_delete": "SET_NULL", "related_name": "%(app_label)s__reviewed"},
    {"name": "external_id", "type": "CharField", "max_length": 64},
    {"name": "first_name", "type": "TextField"},
    {"name": "last_name", "type": "TextField"},
    {"name": "middle_name", "type": "TextField"},
    {"name": "email", "type": "CharField", "max_length": 254},
    {"name": "phone", "type": "CharField", "max_length": 32},
    {"name": "status", "type": "CharField", "max_length": 16, "default": "new"},
    {"name": "category", "type": "TextField"},
    {"name": "title", "type": "TextField"},
    {"name": "summary", "type": "TextField"},
    {"name": "notes", "type": "TextField"},
    {"name": "address_line1", "type": "TextField"},
    {"name": "address_line2", "type": "TextField"},
    {"name": "city", "type": "TextField"},
    {"name": "state", "type": "CharField", "max_length": 2},
    {"name": "postal_code", "type": "CharField", "max_length": 10},
    {"name": "country", "type": "CharField", "max_length": 2, "default": "US"},
    {"name": "priority", "type": "IntegerField", "default": 0},
    {"name": "attempts", "type": "IntegerField", "default": 0},
    {"name": "score", "type": "IntegerField"},
    {"name": "rank", "type": "IntegerField"},
    {"name": "year_started", "type": "IntegerField"},
    {"name": "visits", "type": "IntegerField"},
    {"name": "duration_minutes", "type": "IntegerField"},
    {"name": "sequence_no", "type": "BigIntegerField"},
    {"name": "legacy_ref", "type": "BigIntegerField"},
    {"name": "amount", "type": "DecimalField", "max_digits": 12, "decimal_places": 2},
    {"name": "balance", "type": "DecimalField", "max_digits": 12, "decimal_places": 2},
    {"name": "rate", "type": "DecimalField", "max_digits": 5, "decimal_places": 4},
    {"name": "weight", "type": "DecimalField", "max_digits": 6, "decimal_places": 2},
    {"name": "height", "type": "DecimalField", "max_digits": 5, "decimal_places": 1},
    {"name": "version", "type": "DecimalField", "max_digits": 3, "decimal_places": 1,
     "default": 1.0},
    {"name": "is_active", "type": "BooleanField", "default": True},
    {"name": "is_verified", "type": "BooleanField", "default": False},
    {"name": "is_archived", "type": "BooleanField", "default": False},
    {"name": "consent_given", "type": "BooleanField"},
    {"name": "opted_out", "type": "BooleanField"},
    {"name": "flagged", "type": "BooleanField"},
    {"name": "birth_date", "type": "DateField"},
    {"name": "start_date", "type": "DateField"},
    {"name": "end_date", "type": "DateField"},
    {"name": "due_date", "type": "DateField"},
    {"name": "created_at", "type": "DateTimeField", "auto_now_add": True},
    {"name": "updated_at", "type": "DateTimeField", "auto_now": True},
    {"name": "last_seen_at", "type": "DateTimeField"},
    {"name": "verified_at", "type": "DateTimeField"},
    {"name": "extended_attributes", "type": "JSONField", "default": {}},
    {"name": "metadata", "type": "JSONField", "default": {}},
]

# 8 declared + the 2 ForeignKeys' automatic indexes = 10.
INDEXES = [
    {"fields": ["status"], "name": "status_idx"},                      # btree
    {"fields": ["last_name", "first_name"], "name": "name_idx"},       # composite
    {"fields": ["-created_at"], "name": "recent_idx"},                 # descending
    {"type": "GinIndex", "fields": ["extended_attributes"], "name": "ext_gin"},
    {"fields": ["due_date"], "name": "active_due_idx",                 # partial
     "condition": {"is_active": True}},
    {"fields": ["owner", "-updated_at"], "name": "owner_recent_idx"},  # FK + desc
    {"fields": ["category", "priority"], "name": "cat_prio_idx"},
]
CONSTRAINTS = [
    {"type": "UniqueConstraint", "fields": ["owner", "external_id"], "name": "uq_owner_ext"},
]


def column(f):
    """(column name, cmodel type, SDK type) of a field."""
    if f["type"] == "DecimalField":
        t = "numeric(%d,%d)" % (f.get("max_digits", 20), f.get("decimal_places", 10))
        return f["name"], t, t
    if f["type"] == "ForeignKey":
        return f["name"] + "_id", *TYPES["ForeignKey"]
    return (f["name"], *TYPES[f["type"]])


def qi(name):
    """Identifiers here are all lower-case ASCII, so they never need quotes."""
    assert name.isidentifier() and name == name.lower(), name
    return name


def literal(v):
    """A condition value as an SQL literal."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


def sdk_ddl(ns, table, fields, indexes, constraints):
    """The SDK's deploy-time DDL: every statement a no-op once applied."""
    cols = {f["name"]: column(f)[0] for f in fields}
    stmts = ["CREATE TABLE IF NOT EXISTS %s.%s (dbid serial PRIMARY KEY)" % (ns, table)]
    for f in fields:
        name, _, sdk_type = column(f)
        stmts.append("ALTER TABLE %s.%s ADD COLUMN IF NOT EXISTS %s %s"
                     % (ns, table, qi(name), sdk_type))
    idx = []
    for f in fields:
        if f["type"] == "ForeignKey":
            idx.append(("INDEX", column(f)[0] + "_idx", "btree", [column(f)[0]], None))
    for ix in indexes + constraints:
        kind = "UNIQUE INDEX" if ix.get("type") == "UniqueConstraint" else "INDEX"
        method = "gin" if ix.get("type") == "GinIndex" else "btree"
        keys = [cols[n.lstrip("-")] + (" DESC" if n.startswith("-") else "")
                for n in ix["fields"]]
        where = None
        if "condition" in ix:
            where = " AND ".join("%s = %s" % (cols[k], literal(v))
                                 for k, v in ix["condition"].items())
        idx.append((kind, ix["name"], method, keys, where))
    names = []
    for kind, base, method, keys, where in idx:
        name = "%s_%s_%s" % (ns, table, base)
        assert len(name) <= 63, name
        names.append(name)
        stmts.append("CREATE %s IF NOT EXISTS %s ON %s.%s USING %s (%s)%s"
                     % (kind, name, ns, table, method, ", ".join(keys),
                        " WHERE " + where if where else ""))
    return stmts, names


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: model.py OUTDIR NAMESPACE")
    out, ns = sys.argv[1], sys.argv[2]
    assert len(FIELDS) == 50, len(FIELDS)
    owner = {"name": OWNER, "fields": OWNER_FIELDS}
    model = {"name": MODEL, "fields": FIELDS,
             "meta": {"indexes": INDEXES, "constraints": CONSTRAINTS}}
    owner_ddl, _ = sdk_ddl(ns, OWNER.lower(), OWNER_FIELDS, [], [])
    ddl, index_names = sdk_ddl(ns, MODEL.lower(), FIELDS, INDEXES, CONSTRAINTS)
    assert len(index_names) == 10, len(index_names)

    def write(name, text):
        with open(os.path.join(out, name), "w") as fh:
            fh.write(text)

    write("owner.json", json.dumps(owner))
    write("model.json", json.dumps(model, indent=1))
    write("sdk_owner.json", json.dumps(owner_ddl))
    write("sdk_ddl.json", json.dumps(ddl))
    write("sdk_ddl.sql", "".join(s + ";\n" for s in ddl))
    write("sdk_ddl_tx.sql", "BEGIN;\n" + "".join(s + ";\n" for s in ddl) + "COMMIT;\n")
    write("reregister.sql", "SELECT count(*) FROM cmodel_register_model('%s', '%s'::json);\n"
          % (ns, json.dumps(model).replace("'", "''")))
    write("columns.txt", "dbid|bigint|integer\n" + "".join(
        "%s|%s|%s\n" % column(f) for f in FIELDS))
    # create model, its indexes, its cmodel_write trigger, and the on_delete and
    # on_truncate triggers on the owner table its CASCADE/SET_NULL relations point at
    write("expect.sh", "EXPECT_FIELDS=%d\nEXPECT_INDEXES=%d\nEXPECT_ACTIONS=%d\n"
          % (len(FIELDS), len(index_names), 1 + len(index_names) + 1 + 2))


if __name__ == "__main__":
    main()

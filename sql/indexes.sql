--
-- indexes: Meta.indexes, GinIndex, partial conditions, UniqueConstraint,
-- unique_together / index_together / db_index, the rules on them, and
-- deterministic index names.
--
CREATE EXTENSION cmodel;
\set VERBOSITY default

SELECT * FROM cmodel_register_models('idx_ns', '[
  {"name": "Parent", "fields": [{"name": "n", "type": "TextField"}]},
  {"name": "Item", "fields": [
    {"name": "parent", "type": "ForeignKey", "to": "Parent", "on_delete": "CASCADE", "related_name": "items"},
    {"name": "title", "type": "CharField", "max_length": 100, "db_index": true},
    {"name": "code", "type": "TextField"},
    {"name": "age", "type": "IntegerField"},
    {"name": "score", "type": "DecimalField", "max_digits": 5, "decimal_places": 2},
    {"name": "is_active", "type": "BooleanField"},
    {"name": "kind", "type": "TextField"},
    {"name": "created_at", "type": "DateTimeField", "auto_now_add": true},
    {"name": "due", "type": "DateField"},
    {"name": "attrs", "type": "JSONField", "default": {}}],
   "meta": {
    "indexes": [
      {"fields": ["-created_at"], "name": "recent"},
      {"fields": ["parent", "-created_at"], "name": "parent_recent"},
      {"fields": ["code"]},
      {"type": "GinIndex", "fields": ["attrs"], "name": "attrs_gin"},
      {"fields": ["age"], "name": "adults", "condition": {"is_active": true, "age__gte": 18}},
      {"fields": ["kind"], "name": "open_kinds", "condition": {"kind__in": ["a", "b''c"], "due__isnull": false}},
      {"fields": ["score"], "name": "low", "condition": {"score__lt": 1.5}},
      {"fields": ["title"], "name": "exact_str", "condition": {"kind": "x"}},
      {"fields": ["due"], "name": "due_lt", "condition": {"due__lt": "2024-01-01", "age__in": [1, 2, 3]}},
      {"fields": ["parent"], "name": "orphans", "condition": {"is_active": false, "parent__isnull": true}}
    ],
    "constraints": [
      {"type": "UniqueConstraint", "fields": ["parent", "code"], "name": "uq_parent_code"},
      {"type": "UniqueConstraint", "fields": ["code"], "name": "uq_code_active", "condition": {"is_active": true}}
    ],
    "unique_together": [["parent", "title"]],
    "index_together": [["age", "kind"]]}}
]');

-- what PostgreSQL built
SELECT indexname, indexdef FROM pg_indexes
 WHERE schemaname = 'idx_ns'
 ORDER BY indexname COLLATE "C";

-- what the registry recorded
SELECT model, index_name, name, kind, origin, columns
  FROM cmodel.indexes
 WHERE namespace = 'idx_ns'
 ORDER BY index_name COLLATE "C";

-- unique_together / index_together accept a single list too
SELECT action, object FROM cmodel_register_model('idx_ns', '{"name": "Pair", "fields": [
  {"name": "a", "type": "TextField"}, {"name": "b", "type": "TextField"}],
  "meta": {"unique_together": ["a", "b"], "index_together": ["b", "a"]}}');

-- the same index declared twice is created once
SELECT action, object FROM cmodel_plan_model('idx_ns', '{"name": "Twice", "fields": [
  {"name": "a", "type": "TextField"}],
  "meta": {"indexes": [{"fields": ["a"], "name": "a_i"}, {"fields": ["a"], "name": "a_i"}]}}');

-- a multi-column index or constraint may start with a ForeignKey column,
-- and a partial single-column one may use it
SELECT action, object FROM cmodel_plan_model('idx_ns', '{"name": "FkOk", "fields": [
  {"name": "parent", "type": "ForeignKey", "to": "Parent", "on_delete": "CASCADE", "related_name": "fkoks"},
  {"name": "a", "type": "TextField"}],
  "meta": {"indexes": [{"fields": ["parent", "a"], "name": "pa"}],
           "constraints": [{"type": "UniqueConstraint", "fields": ["parent"], "name": "one_open",
                            "condition": {"a__isnull": true}}]}}');

-- error: GinIndex on a non-JSON field
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "t", "type": "TextField"}],
  "meta": {"indexes": [{"type": "GinIndex", "fields": ["t"], "name": "t_gin"}]}}');
-- error: unsupported index type
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "j", "type": "JSONField"}],
  "meta": {"indexes": [{"type": "BrinIndex", "fields": ["j"], "name": "j_brin"}]}}');
-- error: unknown option in an index
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "t", "type": "TextField"}],
  "meta": {"indexes": [{"fields": ["t"], "name": "t_i", "opclasses": ["text_pattern_ops"]}]}}');
-- error: index on a field that does not exist
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "t", "type": "TextField"}],
  "meta": {"indexes": [{"fields": ["nope"], "name": "nope_i"}]}}');
-- error: index without fields
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "t", "type": "TextField"}],
  "meta": {"indexes": [{"name": "empty"}]}}');
-- error: a condition needs a name
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "t", "type": "TextField"}],
  "meta": {"indexes": [{"fields": ["t"], "condition": {"t": "x"}}]}}');
-- error: unsupported lookup
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "t", "type": "TextField"}],
  "meta": {"indexes": [{"fields": ["t"], "name": "c", "condition": {"t__icontains": "x"}}]}}');
-- error: isnull takes a boolean
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "t", "type": "TextField"}],
  "meta": {"indexes": [{"fields": ["t"], "name": "c", "condition": {"t__isnull": "yes"}}]}}');
-- error: in takes a non-empty array
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "t", "type": "TextField"}],
  "meta": {"indexes": [{"fields": ["t"], "name": "c", "condition": {"t__in": []}}]}}');
-- error: condition on a field that does not exist
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "t", "type": "TextField"}],
  "meta": {"indexes": [{"fields": ["t"], "name": "c", "condition": {"nope": 1}}]}}');
-- error: empty condition
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "t", "type": "TextField"}],
  "meta": {"indexes": [{"fields": ["t"], "name": "c", "condition": {}}]}}');
-- error: a condition value that is not of the field's type
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "n", "type": "IntegerField"}],
  "meta": {"indexes": [{"fields": ["n"], "name": "c", "condition": {"n__in": [1, "abc"]}}]}}');
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "n", "type": "IntegerField"}],
  "meta": {"indexes": [{"fields": ["n"], "name": "c", "condition": {"n": true}}]}}');
-- error: a GIN index has no column order
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "j", "type": "JSONField"}],
  "meta": {"indexes": [{"type": "GinIndex", "fields": ["-j"], "name": "g"}]}}');
-- error: a model whose table name is another new table's key index name
SELECT * FROM cmodel_register_models('idx_ns', '[{"name": "Pk"}, {"name": "Pk_pkey"}]');
-- conditions on the key, and JSON null (Django: JSONField=None matches JSON null)
SELECT statement FROM cmodel_plan_model('idx_ns', '{"name": "KeyCond", "fields": [
  {"name": "n", "type": "IntegerField"}, {"name": "j", "type": "JSONField"}],
  "meta": {"indexes": [{"fields": ["n"], "name": "c", "condition": {"dbid__gt": 100, "j": null}}]}}')
 WHERE statement LIKE 'CREATE INDEX%';
-- a JSONField condition compares JSON values
SELECT statement FROM cmodel_plan_model('idx_ns', '{"name": "JsonCond", "fields": [
  {"name": "n", "type": "IntegerField"}, {"name": "j", "type": "JSONField"}],
  "meta": {"indexes": [{"fields": ["n"], "name": "c", "condition": {"j": "a"}}]}}')
 WHERE statement LIKE 'CREATE INDEX%';

-- error: UniqueConstraint without a name
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "t", "type": "TextField"}],
  "meta": {"constraints": [{"type": "UniqueConstraint", "fields": ["t"]}]}}');
-- error: "-field" in a UniqueConstraint
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "t", "type": "TextField"}],
  "meta": {"constraints": [{"type": "UniqueConstraint", "fields": ["-t"], "name": "uq_t"}]}}');
-- error: UniqueConstraint in meta.indexes
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "t", "type": "TextField"}],
  "meta": {"indexes": [{"type": "UniqueConstraint", "fields": ["t"], "name": "uq_t"}]}}');
-- error: CheckConstraint
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "n", "type": "IntegerField"}],
  "meta": {"constraints": [{"type": "CheckConstraint", "check": {"n__gte": 0}, "name": "ck_n"}]}}');
-- error: an Index in meta.constraints
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "t", "type": "TextField"}],
  "meta": {"constraints": [{"type": "Index", "fields": ["t"], "name": "t_i"}]}}');

-- error: single-column Index on a ForeignKey column (indexed automatically)
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "parent", "type": "ForeignKey", "to": "Parent", "on_delete": "CASCADE", "related_name": "bads"}],
  "meta": {"indexes": [{"fields": ["parent"], "name": "parent_i"}]}}');
-- error: the same, written with the column name
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "parent", "type": "ForeignKey", "to": "Parent", "on_delete": "CASCADE", "related_name": "bads"}],
  "meta": {"indexes": [{"fields": ["-parent_id"], "name": "parent_i"}]}}');
-- error: single-column UniqueConstraint on a OneToOneField column
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "parent", "type": "OneToOneField", "to": "Parent", "on_delete": "CASCADE", "related_name": "bad"}],
  "meta": {"constraints": [{"type": "UniqueConstraint", "fields": ["parent"], "name": "uq_parent"}]}}');
-- error: single-column index on dbid (the primary key)
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "t", "type": "TextField"}],
  "meta": {"indexes": [{"fields": ["dbid"], "name": "dbid_i"}]}}');
-- error: db_index on a ManyToManyField does not apply
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "ps", "type": "ManyToManyField", "to": "Parent", "through": "Item", "db_index": true}]}');

-- error: the same name twice with different definitions
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "a", "type": "TextField"}, {"name": "b", "type": "TextField"}],
  "meta": {"indexes": [{"fields": ["a"], "name": "dup"}, {"fields": ["b"], "name": "dup"}]}}');
-- error: an index and a constraint with the same name
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Bad", "fields": [
  {"name": "a", "type": "TextField"}, {"name": "b", "type": "TextField"}],
  "meta": {"indexes": [{"fields": ["a", "b"], "name": "ab"}],
           "constraints": [{"type": "UniqueConstraint", "fields": ["a", "b"], "name": "ab"}]}}');
-- error: a name that collides with an automatic name
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Pair", "fields": [
  {"name": "a", "type": "TextField"}, {"name": "b", "type": "TextField"}],
  "meta": {"unique_together": ["a", "b"], "index_together": ["b", "a"],
           "indexes": [{"fields": ["a"], "name": "b_a_idx"}]}}');
-- error: a registered index whose definition changes under the same name
SELECT action, object FROM cmodel_register_model('idx_ns', '{"name": "Changing", "fields": [
  {"name": "a", "type": "TextField"}, {"name": "b", "type": "TextField"}],
  "meta": {"indexes": [{"fields": ["a"], "name": "by_a"}]}}');
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Changing", "fields": [
  {"name": "a", "type": "TextField"}, {"name": "b", "type": "TextField"}],
  "meta": {"indexes": [{"fields": ["-a"], "name": "by_a"}]}}');
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Changing", "fields": [
  {"name": "a", "type": "TextField"}, {"name": "b", "type": "TextField"}],
  "meta": {"indexes": [{"fields": ["a"], "name": "by_a", "condition": {"b__isnull": false}}]}}');
SELECT indexname, indexdef FROM pg_indexes
 WHERE schemaname = 'idx_ns' AND tablename = 'changing'
 ORDER BY indexname COLLATE "C";

-- index names: <namespace>_<table>_<name> when it fits in 63 bytes;
-- longer ones are shortened deterministically with a hash suffix
SELECT action, object FROM cmodel_register_model('idx_ns', '{"name": "LongModelNameForIndexNamingTests", "fields": [
  {"name": "a", "type": "TextField"}, {"name": "b", "type": "TextField"}, {"name": "c", "type": "TextField"}],
  "meta": {"indexes": [
    {"fields": ["a"], "name": "name_of_exactly_23_byte"},
    {"fields": ["b"], "name": "name_of_exactly_24_bytes"},
    {"fields": ["b"], "name": "index_on_b_with_a_name_long_enough_to_be_cut_v1"},
    {"fields": ["c"], "name": "index_on_b_with_a_name_long_enough_to_be_cut_v2"},
    {"fields": ["a", "b", "c"]}]}}');
SELECT index_name, octet_length(index_name) AS bytes, name
  FROM cmodel.indexes
 WHERE namespace = 'idx_ns' AND model = 'LongModelNameForIndexNamingTests'
 ORDER BY index_name COLLATE "C";
SELECT indexname, indexdef FROM pg_indexes
 WHERE schemaname = 'idx_ns' AND tablename = 'longmodelnameforindexnamingtests'
 ORDER BY indexname COLLATE "C";
-- the same names again: same index names, nothing to do
SELECT count(*) AS actions FROM cmodel_plan_model('idx_ns', '{"name": "LongModelNameForIndexNamingTests", "fields": [
  {"name": "a", "type": "TextField"}, {"name": "b", "type": "TextField"}, {"name": "c", "type": "TextField"}],
  "meta": {"indexes": [
    {"fields": ["a"], "name": "name_of_exactly_23_byte"},
    {"fields": ["b"], "name": "name_of_exactly_24_bytes"},
    {"fields": ["b"], "name": "index_on_b_with_a_name_long_enough_to_be_cut_v1"},
    {"fields": ["c"], "name": "index_on_b_with_a_name_long_enough_to_be_cut_v2"},
    {"fields": ["a", "b", "c"]}]}}');

-- a UniqueConstraint added over duplicate data fails cleanly: no index,
-- registry unchanged
INSERT INTO idx_ns.parent (n) VALUES ('p');
INSERT INTO idx_ns.pair (a, b) VALUES ('x', '1'), ('x', '2');
SELECT index_name FROM cmodel.indexes
 WHERE namespace = 'idx_ns' AND model = 'Pair'
 ORDER BY index_name COLLATE "C";
-- error: duplicates in the data
SELECT * FROM cmodel_register_model('idx_ns', '{"name": "Pair", "fields": [
  {"name": "a", "type": "TextField"}, {"name": "b", "type": "TextField"}],
  "meta": {"unique_together": ["a", "b"], "index_together": ["b", "a"],
           "constraints": [{"type": "UniqueConstraint", "fields": ["a"], "name": "uq_a"}]}}');
SELECT index_name FROM cmodel.indexes
 WHERE namespace = 'idx_ns' AND model = 'Pair'
 ORDER BY index_name COLLATE "C";
SELECT indexname FROM pg_indexes
 WHERE schemaname = 'idx_ns' AND tablename = 'pair'
 ORDER BY indexname COLLATE "C";
SELECT cmodel_describe_model('idx_ns', 'Pair')->'meta' AS meta;
-- once the data is fixed, the same call succeeds
DELETE FROM idx_ns.pair WHERE b = '2';
SELECT action, object FROM cmodel_register_model('idx_ns', '{"name": "Pair", "fields": [
  {"name": "a", "type": "TextField"}, {"name": "b", "type": "TextField"}],
  "meta": {"unique_together": ["a", "b"], "index_together": ["b", "a"],
           "constraints": [{"type": "UniqueConstraint", "fields": ["a"], "name": "uq_a"}]}}');

-- cleanup: namespaces are guarded, so dropping them takes break-glass
SET cmodel.allow_destructive_ddl = on;
SET client_min_messages TO warning;
DROP SCHEMA idx_ns CASCADE;
DROP EXTENSION cmodel;

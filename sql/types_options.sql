--
-- types_options: field type -> column type, options recorded in the
-- registry, and the errors for unknown or misapplied options.
--
CREATE EXTENSION cmodel;
\set VERBOSITY default

-- every non-relation field type, DecimalField with and without
-- max_digits / decimal_places, and the options the registry records
SELECT * FROM cmodel_register_model('types_ns', '{
  "name": "AllTypes",
  "fields": [
    {"name": "t", "type": "TextField", "default": "none"},
    {"name": "c", "type": "CharField", "max_length": 40},
    {"name": "e", "type": "EmailField", "max_length": 254},
    {"name": "u", "type": "URLField"},
    {"name": "s", "type": "SlugField", "max_length": 50},
    {"name": "i", "type": "IntegerField", "default": 3},
    {"name": "bi", "type": "BigIntegerField", "default": 9007199254740993},
    {"name": "si", "type": "SmallIntegerField"},
    {"name": "f", "type": "FloatField", "default": 1.5},
    {"name": "d", "type": "DecimalField"},
    {"name": "d_md", "type": "DecimalField", "max_digits": 30},
    {"name": "d_dp", "type": "DecimalField", "decimal_places": 4},
    {"name": "d_both", "type": "DecimalField", "max_digits": 3, "decimal_places": 1, "default": 1.0},
    {"name": "b", "type": "BooleanField", "default": false},
    {"name": "dt", "type": "DateField", "auto_now_add": true},
    {"name": "ts", "type": "DateTimeField", "auto_now": true},
    {"name": "ts_def", "type": "DateTimeField", "default": "2024-01-01T00:00:00Z"},
    {"name": "tm", "type": "TimeField"},
    {"name": "du", "type": "DurationField"},
    {"name": "uu", "type": "UUIDField", "default": "uuid4"},
    {"name": "j_obj", "type": "JSONField", "default": {}},
    {"name": "j_arr", "type": "JSONField", "default": []},
    {"name": "j_none", "type": "JSONField"}
  ]
}');

SELECT field, field_type, column_name, column_type, "default", auto_now, auto_now_add, max_length
  FROM cmodel.fields
 WHERE namespace = 'types_ns' AND model = 'AllTypes'
 ORDER BY position;

-- the physical columns: every one nullable, no default, in declaration order
SELECT column_name, format_type(a.atttypid, a.atttypmod) AS type,
       c.is_nullable, c.column_default, c.is_identity
  FROM information_schema.columns c
  JOIN pg_attribute a
    ON a.attrelid = 'types_ns.alltypes'::regclass AND a.attname = c.column_name
 WHERE c.table_schema = 'types_ns' AND c.table_name = 'alltypes'
 ORDER BY c.ordinal_position;

-- no CHECK, REFERENCES or UNIQUE constraint: only the dbid primary key
SELECT conname, contype
  FROM pg_constraint
 WHERE conrelid = 'types_ns.alltypes'::regclass
 ORDER BY conname COLLATE "C";

-- defaults are applied by the ORM, not by PostgreSQL: a plain INSERT
-- leaves the columns NULL
INSERT INTO types_ns.alltypes (t) VALUES ('x');
SELECT i IS NULL AS i_null, b IS NULL AS b_null, j_obj IS NULL AS j_null
  FROM types_ns.alltypes;

-- registering the same descriptor again changes nothing
SELECT count(*) AS actions FROM cmodel_register_model('types_ns', '{
  "name": "AllTypes",
  "fields": [
    {"name": "t", "type": "TextField", "default": "none"},
    {"name": "c", "type": "CharField", "max_length": 40},
    {"name": "e", "type": "EmailField", "max_length": 254},
    {"name": "u", "type": "URLField"},
    {"name": "s", "type": "SlugField", "max_length": 50},
    {"name": "i", "type": "IntegerField", "default": 3},
    {"name": "bi", "type": "BigIntegerField", "default": 9007199254740993},
    {"name": "si", "type": "SmallIntegerField"},
    {"name": "f", "type": "FloatField", "default": 1.5},
    {"name": "d", "type": "DecimalField"},
    {"name": "d_md", "type": "DecimalField", "max_digits": 30},
    {"name": "d_dp", "type": "DecimalField", "decimal_places": 4},
    {"name": "d_both", "type": "DecimalField", "max_digits": 3, "decimal_places": 1, "default": 1.0},
    {"name": "b", "type": "BooleanField", "default": false},
    {"name": "dt", "type": "DateField", "auto_now_add": true},
    {"name": "ts", "type": "DateTimeField", "auto_now": true},
    {"name": "ts_def", "type": "DateTimeField", "default": "2024-01-01T00:00:00Z"},
    {"name": "tm", "type": "TimeField"},
    {"name": "du", "type": "DurationField"},
    {"name": "uu", "type": "UUIDField", "default": "uuid4"},
    {"name": "j_obj", "type": "JSONField", "default": {}},
    {"name": "j_arr", "type": "JSONField", "default": []},
    {"name": "j_none", "type": "JSONField"}
  ]
}');

-- options accepted by every column type: null, blank, verbose_name, help_text
SELECT action, object FROM cmodel_register_model('types_ns', '{
  "name": "Misc",
  "fields": [
    {"name": "title", "type": "CharField", "max_length": 100, "null": true, "blank": true,
     "verbose_name": "Title", "help_text": "Shown in lists"},
    {"name": "n", "type": "IntegerField", "default": null, "unique": false, "primary_key": false}
  ]
}');
SELECT field, column_type, "default", max_length
  FROM cmodel.fields
 WHERE namespace = 'types_ns' AND model = 'Misc'
 ORDER BY position;

-- error: unknown field type
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "TextFeild"}]}');
-- error: field type names are case-sensitive Django class names
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "textfield"}]}');
-- error: AutoField and friends are not supported (dbid is automatic)
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "AutoField"}]}');
-- error: field without a type
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x"}]}');
-- error: unknown option (a typo is never silently ignored)
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "CharField", "max_lenght": 10}]}');
-- error: unknown option db_column
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "IntegerField", "db_column": "y"}]}');
-- error: unknown key in the model descriptor
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "feilds": []}');
-- error: unknown Meta option
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [],
  "meta": {"db_table": "bad"}}');

-- error: max_length does not apply to IntegerField
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "IntegerField", "max_length": 10}]}');
-- error: max_length does not apply to JSONField
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "JSONField", "max_length": 10}]}');
-- error: max_digits does not apply to FloatField
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "FloatField", "max_digits": 5}]}');
-- error: decimal_places does not apply to IntegerField
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "IntegerField", "decimal_places": 2}]}');
-- error: auto_now does not apply to TextField
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "TextField", "auto_now": true}]}');
-- error: auto_now_add does not apply to DurationField
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "DurationField", "auto_now_add": true}]}');
-- error: on_delete does not apply to a non-relation
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "IntegerField", "on_delete": "CASCADE"}]}');
-- error: to does not apply to a non-relation
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "TextField", "to": "Misc"}]}');

-- error: wrong JSON value type for max_length
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "CharField", "max_length": "10"}]}');
-- error: max_length must be positive
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "CharField", "max_length": 0}]}');
-- error: wrong JSON value type for max_digits
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "DecimalField", "max_digits": 5.5}]}');
-- error: wrong JSON value type for auto_now_add
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "DateTimeField", "auto_now_add": "true"}]}');
-- error: wrong JSON value type for null
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "TextField", "null": 1}]}');
-- error: wrong JSON value type for verbose_name
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "TextField", "verbose_name": ["X"]}]}');
-- error: wrong JSON value type for the field name
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": 1, "type": "TextField"}]}');
-- error: fields must be an array
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": {"x": "TextField"}}');
-- error: a field must be an object
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": ["x"]}');

-- error: decimal_places > max_digits
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "DecimalField", "max_digits": 3, "decimal_places": 5}]}');
-- error: decimal_places > the default max_digits (20)
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "DecimalField", "decimal_places": 21}]}');
-- error: max_digits below the default decimal_places (10)
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "DecimalField", "max_digits": 5}]}');
-- decimal_places == max_digits is fine (plan only)
SELECT action, object FROM cmodel_plan_model('types_ns', '{"name": "Frac", "fields": [
  {"name": "x", "type": "DecimalField", "max_digits": 5, "decimal_places": 5}]}');

-- error: default type mismatch, BigIntegerField with a string
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "BigIntegerField", "default": "3"}]}');
-- error: default type mismatch, SmallIntegerField with a float
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "SmallIntegerField", "default": 3.5}]}');
-- error: default type mismatch, BooleanField with a string
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "BooleanField", "default": "true"}]}');
-- error: default type mismatch, TextField with a number
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "TextField", "default": 1}]}');
-- error: default type mismatch, DecimalField with a boolean
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "DecimalField", "default": true}]}');
-- error: default type mismatch, DateField with a number
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "DateField", "default": 20240101}]}');
-- error: default type mismatch, UUIDField with an object
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "UUIDField", "default": {}}]}');

-- error: unique=True is rejected (use a UniqueConstraint)
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "TextField", "unique": true}]}');
-- error: primary_key only on a OneToOneField
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "x", "type": "IntegerField", "primary_key": true}]}');
-- error: a default whose value does not parse as the column type
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "d", "type": "DateField", "default": "garbage"}]}');
-- error: a default out of the column type's range
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "n", "type": "SmallIntegerField", "default": 100000}]}');
-- error: a default with more digits than the DecimalField holds
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "v", "type": "DecimalField", "max_digits": 3, "decimal_places": 1, "default": 12345.6}]}');
-- error: a UUIDField default that is neither "uuid4" nor a UUID
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "u", "type": "UUIDField", "default": "uuid5"}]}');
-- error: auto_now, auto_now_add and default are mutually exclusive (Django fields.E160)
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "t", "type": "DateTimeField", "auto_now": true, "auto_now_add": true}]}');
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "t", "type": "DateTimeField", "auto_now": true, "default": "2024-01-01"}]}');
-- error: a default that means a different moment each time it is read
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "d", "type": "DateField", "default": "today"}]}');
-- error: Meta.ordering must name fields (Django check models.E015)
SELECT * FROM cmodel_register_model('types_ns', '{"name": "Bad", "fields": [
  {"name": "d", "type": "DateField"}], "meta": {"ordering": ["-d", "nope"]}}');
-- error: NULL arguments are errors, not empty results
SELECT * FROM cmodel_register_model(NULL, '{"name": "Bad"}');
SELECT * FROM cmodel_plan_model('types_ns', NULL::text);
SELECT cmodel_create_namespace(NULL);
-- valid typed defaults pass
SELECT action, object FROM cmodel_register_model('types_ns', '{"name": "GoodDefaults", "fields": [
  {"name": "d", "type": "DateField", "default": "2024-02-29"},
  {"name": "u", "type": "UUIDField", "default": "0e5f7d9a-54a4-4f3c-9a53-6d3f6f3c2b11"},
  {"name": "i", "type": "DurationField", "default": "1 day 02:00:00"},
  {"name": "v", "type": "DecimalField", "max_digits": 3, "decimal_places": 1, "default": 99.9},
  {"name": "word", "type": "TextField", "default": "today"}]}');

-- none of the failed registrations left anything behind
SELECT model, kind, table_name FROM cmodel.models
 WHERE namespace = 'types_ns' ORDER BY model COLLATE "C";
SELECT count(*) AS fields FROM cmodel.fields WHERE namespace = 'types_ns';
SELECT relname FROM pg_class
 WHERE relnamespace = 'types_ns'::regnamespace AND relkind = 'r'
 ORDER BY relname COLLATE "C";

-- cleanup: namespaces are guarded, so dropping them takes break-glass
SET cmodel.allow_destructive_ddl = on;
SET client_min_messages TO warning;
DROP SCHEMA types_ns CASCADE;
DROP EXTENSION cmodel;

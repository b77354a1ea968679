-- rule_sets: a namespace created with Django's rules takes Grit's models
-- (../shared/seeds/004_*): UUID and explicit primary keys, unique=True,
-- NOT NULL unless null=True, CharField as varchar(max_length); the same
-- descriptors are refused under Canvas's rules with Canvas's errors.
CREATE EXTENSION IF NOT EXISTS cmodel;
SET client_min_messages = warning;
CREATE TABLE public.grit_user (id uuid PRIMARY KEY, email text);
RESET client_min_messages;
SELECT cmodel_register_core_model('CustomUser', 'public.grit_user', 'id');

-- the rule set is chosen at creation; a wrong name and a change are refused
SELECT cmodel_create_namespace('grit', 'django');
SELECT cmodel_create_namespace('grit');
SELECT cmodel_create_namespace('grit', 'django');
SELECT cmodel_create_namespace('grit', 'canvas');
SELECT cmodel_create_namespace('grit_bad', 'grit');
SELECT namespace, rules FROM cmodel.namespaces WHERE namespace LIKE 'grit%' ORDER BY 1;

-- Grit's BaseModel (abstract: a UUID key, timestamps, an owner, metadata;
-- ProductCategory declares its own key, so it takes the rest) and the
-- seed's models
\set stamps '{"name": "Stamps", "meta": {"abstract": true}, "fields": [{"name": "created_at", "type": "DateTimeField", "auto_now_add": true}, {"name": "updated_at", "type": "DateTimeField", "auto_now": true}, {"name": "owner", "type": "ForeignKey", "to": "CustomUser", "on_delete": "SET_NULL", "null": true, "blank": true, "related_name": "%(app_label)s_%(class)s_owned"}, {"name": "metadata", "type": "JSONField", "default": {}}]}'
\set base '{"name": "BaseModel", "bases": ["Stamps"], "meta": {"abstract": true}, "fields": [{"name": "id", "type": "UUIDField", "primary_key": true, "default": "uuid4"}]}'
\set lead '{"name": "Lead", "bases": ["BaseModel"], "fields": [{"name": "first_name", "type": "CharField", "max_length": 255, "blank": true}, {"name": "last_name", "type": "CharField", "max_length": 255, "blank": true}, {"name": "email", "type": "EmailField", "max_length": 255, "blank": true, "unique": true}]}'
\set company '{"name": "Company", "bases": ["BaseModel"], "fields": [{"name": "name", "type": "CharField", "max_length": 100}, {"name": "industry", "type": "CharField", "max_length": 100}, {"name": "website", "type": "URLField", "blank": true}]}'
\set employee '{"name": "Employee", "bases": ["BaseModel"], "fields": [{"name": "company", "type": "ForeignKey", "to": "Company", "on_delete": "CASCADE"}, {"name": "first_name", "type": "CharField", "max_length": 50}, {"name": "hire_date", "type": "DateField"}, {"name": "end_date", "type": "DateField", "null": true, "blank": true}]}'
\set category '{"name": "ProductCategory", "bases": ["Stamps"], "fields": [{"name": "code", "type": "CharField", "max_length": 50, "primary_key": true}, {"name": "name", "type": "CharField", "max_length": 100}]}'
\set product '{"name": "Product", "bases": ["BaseModel"], "fields": [{"name": "category", "type": "ForeignKey", "to": "ProductCategory", "on_delete": "SET_NULL", "null": true}, {"name": "sku", "type": "SlugField", "unique": true}]}'
\set counter '{"name": "Counter", "fields": [{"name": "id", "type": "AutoField", "primary_key": true}, {"name": "n", "type": "IntegerField", "default": 0}]}'
SELECT action, object, statement FROM cmodel_register_models('grit',
    pg_catalog.json_build_array(:'stamps'::json, :'base'::json, :'lead'::json, :'company'::json, :'employee'::json,
                                :'category'::json, :'product'::json, :'counter'::json))
 WHERE action IN ('create model', 'create unique index', 'create index');

-- the tables Django would make: keys, types, NOT NULL
SELECT c.relname AS tbl, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull,
       a.attidentity <> '' AS identity
  FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
 WHERE c.relnamespace = 'grit'::pg_catalog.regnamespace AND c.relkind = 'r' AND a.attnum > 0
   AND c.relname <> 'cmodel_hubs'
 ORDER BY c.relname, a.attnum;
SELECT c.relname AS tbl, pg_catalog.pg_get_constraintdef(k.oid) AS key
  FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
 WHERE c.relnamespace = 'grit'::pg_catalog.regnamespace AND k.contype = 'p' AND c.relname <> 'cmodel_hubs'
 ORDER BY 1;

-- rows: uuid keys drawn by the database, auto_now_add, NOT NULL, unique
INSERT INTO grit.lead (first_name, last_name, email, metadata) VALUES ('Ada', 'Byron', 'ada@example.com', '{}');
SELECT id IS NOT NULL AS has_id, created_at IS NOT NULL AS created, metadata FROM grit.lead;
INSERT INTO grit.lead (first_name, last_name, email) VALUES ('Ada', 'Again', 'ada@example.com');
\set VERBOSITY terse
INSERT INTO grit.lead (first_name, last_name) VALUES (NULL, 'Nobody');
\set VERBOSITY default
INSERT INTO grit.productcategory (code, name, metadata) VALUES ('ELEC', 'Electronics', '{}');
INSERT INTO grit.product (category_id, sku, metadata) VALUES ('ELEC', 'tv-1', '{}'), ('ELEC', 'tv-2', '{}');
INSERT INTO grit.counter DEFAULT VALUES;
INSERT INTO grit.counter DEFAULT VALUES;
SELECT id, n FROM grit.counter ORDER BY id;

-- on_delete over uuid and varchar keys: CASCADE and SET_NULL
INSERT INTO grit.company (id, name, industry, website, metadata)
VALUES ('00000000-0000-0000-0000-0000000000c1', 'Acme', 'Tools', '', '{}');
INSERT INTO grit.employee (company_id, first_name, hire_date, metadata)
SELECT '00000000-0000-0000-0000-0000000000c1', 'E' || g, '2024-01-01', '{}' FROM generate_series(1, 3) g;
DELETE FROM grit.company;
SELECT count(*) AS employees_left FROM grit.employee;
DELETE FROM grit.productcategory WHERE code = 'ELEC';
SELECT sku, category_id FROM grit.product ORDER BY sku;

-- additive changes under Django's rules: a NOT NULL field needs a constant
-- default on a table that exists, and null cannot change
SELECT action, statement FROM cmodel_register_model('grit', '{"name": "Counter", "fields": [{"name": "id", "type": "AutoField", "primary_key": true}, {"name": "n", "type": "IntegerField", "default": 0}, {"name": "label", "type": "CharField", "max_length": 10}]}');
SELECT action, statement FROM cmodel_register_model('grit', '{"name": "Counter", "fields": [{"name": "id", "type": "AutoField", "primary_key": true}, {"name": "n", "type": "IntegerField", "default": 0}, {"name": "label", "type": "CharField", "max_length": 10, "default": "none"}]}');
SELECT id, n, label FROM grit.counter ORDER BY id;
SELECT action, statement FROM cmodel_register_model('grit', '{"name": "Counter", "fields": [{"name": "id", "type": "AutoField", "primary_key": true}, {"name": "n", "type": "IntegerField", "default": 0, "null": true}, {"name": "label", "type": "CharField", "max_length": 10, "default": "none"}]}');
SELECT action, statement FROM cmodel_register_model('grit', '{"name": "Counter", "fields": [{"name": "id", "type": "AutoField", "primary_key": true}, {"name": "n", "type": "IntegerField", "default": 0}, {"name": "label", "type": "CharField", "max_length": 20, "default": "none"}]}');
-- the whole set again (Counter as it now is) changes nothing
\set counter2 '{"name": "Counter", "fields": [{"name": "id", "type": "AutoField", "primary_key": true}, {"name": "n", "type": "IntegerField", "default": 0}, {"name": "label", "type": "CharField", "max_length": 10, "default": "none"}]}'
SELECT count(*) AS actions FROM cmodel_register_models('grit',
    pg_catalog.json_build_array(:'stamps'::json, :'base'::json, :'lead'::json, :'company'::json, :'employee'::json,
                                :'category'::json, :'product'::json, :'counter2'::json));

-- Django's own checks under Django's rules
SELECT cmodel_plan_model('grit', '{"name": "A1", "fields": [{"name": "n", "type": "AutoField"}]}');
SELECT cmodel_plan_model('grit', '{"name": "A2", "fields": [{"name": "c", "type": "CharField"}]}');
SELECT cmodel_plan_model('grit', '{"name": "A3", "fields": [{"name": "c", "type": "CharField", "max_length": 5, "primary_key": true, "null": true}]}');
SELECT cmodel_plan_model('grit', '{"name": "A4", "fields": [{"name": "p", "type": "ForeignKey", "to": "Counter", "on_delete": "SET_NULL"}]}');
SELECT cmodel_plan_model('grit', '{"name": "A5", "fields": [{"name": "p", "type": "ForeignKey", "to": "Counter", "on_delete": "CASCADE", "primary_key": true}]}');
SELECT cmodel_plan_model('grit', '{"name": "A7", "fields": [{"name": "c", "type": "CharField", "max_length": 3, "default": "abcd"}]}');
SELECT cmodel_plan_model('grit', '{"name": "A6", "fields": [{"name": "a", "type": "UUIDField", "primary_key": true}, {"name": "b", "type": "UUIDField", "primary_key": true}]}');

-- the same models under Canvas's rules: Canvas's errors
SELECT cmodel_plan_models('canvas_ns', pg_catalog.json_build_array(:'stamps'::json, :'base'::json, :'lead'::json));
SELECT cmodel_plan_model('canvas_ns', '{"name": "Lead2", "fields": [{"name": "email", "type": "EmailField", "unique": true}]}');
SELECT cmodel_plan_model('canvas_ns', '{"name": "ProductCategory", "fields": [{"name": "code", "type": "CharField", "max_length": 50, "primary_key": true}]}');
SELECT cmodel_plan_model('canvas_ns', :'counter'::json);
-- under Canvas's rules columns stay nullable text
SELECT statement FROM cmodel_plan_model('canvas_ns', '{"name": "Plain", "fields": [{"name": "c", "type": "CharField", "max_length": 5}]}')
 WHERE action = 'create model';

SET client_min_messages = warning;
SET cmodel.allow_destructive_ddl = on;
DROP SCHEMA grit CASCADE;
DROP EXTENSION cmodel;
DROP TABLE public.grit_user;
RESET cmodel.allow_destructive_ddl;
RESET client_min_messages;

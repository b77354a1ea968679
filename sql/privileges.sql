-- privileges: cmodel changes nothing for other roles' DDL, lets every role
-- read the registry and plan, and lets only roles with the register level
-- register (the access test runs the whole matrix of levels).
CREATE EXTENSION cmodel;
\set VERBOSITY default
\set SHOW_CONTEXT never
CREATE ROLE regress_cm_app LOGIN;
CREATE ROLE regress_cm_deployer LOGIN;
GRANT CREATE ON SCHEMA public TO regress_cm_app;
SELECT count(*) FROM cmodel_register_model('priv_ns', '{"name": "Item", "fields": [{"name": "label", "type": "TextField"}]}');

-- an ordinary role's DDL, outside namespaces, works as before (the event
-- triggers run as cmodel's owner)
SET ROLE regress_cm_app;
CREATE TEMP TABLE priv_tmp (x int);
CREATE TABLE public.priv_own (x int);
DROP TABLE public.priv_own;
DROP TABLE priv_tmp;
-- every role may read the registry, plan and describe
SELECT model, table_name FROM cmodel.models WHERE namespace = 'priv_ns';
SELECT count(*) AS actions FROM cmodel_plan_model('priv_ns', '{"name": "Item", "fields": [{"name": "label", "type": "TextField"}]}');
SELECT cmodel_describe_model('priv_ns', 'Item')->>'name' AS described;
SELECT cmodel_namespace_ready('priv_ns', 'nobody', 'x') AS ready;
-- error: registering needs the register level on the namespace
SELECT count(*) FROM cmodel_register_model('priv_ns', '{"name": "Other", "fields": []}');
-- error: and a new namespace needs CREATE on the database
SELECT cmodel_create_namespace('priv_new');
-- error: and the registry cannot be written directly
UPDATE cmodel.reg_namespace SET generation = 0;
RESET ROLE;

-- a role with the register level registers; the DDL runs as cmodel's owner
SELECT cmodel_grant_access('priv_ns', 'regress_cm_deployer', 'register');
SET ROLE regress_cm_deployer;
SELECT action, object FROM cmodel_register_model('priv_ns', '{"name": "Other", "fields": [{"name": "n", "type": "IntegerField"}]}');
RESET ROLE;
SELECT pg_get_userbyid(relowner) = current_user AS owned_by_extension_owner
  FROM pg_class WHERE oid = 'priv_ns.other'::regclass;

-- a search_path with a look-alike type cannot change what registration creates
CREATE SCHEMA priv_evil;
CREATE DOMAIN priv_evil.text AS integer;
SET search_path = priv_evil, public;
SELECT action, object FROM cmodel_register_model('priv_ns', '{"name": "Typed", "fields": [{"name": "t", "type": "TextField"}]}');
RESET search_path;
SELECT format_type(atttypid, atttypmod) AS column_type FROM pg_attribute
 WHERE attrelid = 'priv_ns.typed'::regclass AND attname = 't';

-- a deployer cannot make cmodel adopt a schema it does not own, nor one
-- holding core tables; the owner can
CREATE SCHEMA priv_platform;
CREATE TABLE priv_platform.staff (dbid bigint PRIMARY KEY, email text);
SELECT cmodel_register_core_model('PrivStaff', 'priv_platform.staff', 'dbid');
CREATE SCHEMA priv_other;
CREATE SCHEMA priv_mine AUTHORIZATION regress_cm_deployer;
SET ROLE regress_cm_deployer;
-- error: holds a core table
SELECT * FROM cmodel_register_model('priv_platform', '{"name": "Staff", "fields": [{"name": "email", "type": "TextField"}]}');
-- error: owned by someone else
SELECT * FROM cmodel_register_model('priv_other', '{"name": "Thing", "fields": []}');
-- its own schema may be adopted, but not a table keyed by a domain whose
-- checks would run with cmodel's rights
CREATE FUNCTION priv_mine.pwn(bigint) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE DOMAIN priv_mine.evil AS bigint CHECK (priv_mine.pwn(VALUE));
CREATE TABLE priv_mine.t (dbid priv_mine.evil PRIMARY KEY);
-- error: the key type is not adopted
SELECT * FROM cmodel_register_models('priv_mine', '[{"name": "T", "fields": []},
  {"name": "U", "fields": [{"name": "t", "type": "ForeignKey", "to": "T", "on_delete": "CASCADE", "default": 2}]}]');
SELECT action, object FROM cmodel_register_model('priv_mine', '{"name": "Fresh", "fields": []}');
RESET ROLE;
-- error: a core model keyed by a type that is not built in
CREATE TABLE priv_other.evil_core (dbid priv_mine.evil PRIMARY KEY);
SELECT cmodel_register_core_model('Evil', 'priv_other.evil_core', 'dbid');

-- cleanup: namespaces are guarded, so dropping them takes break-glass
SET cmodel.allow_destructive_ddl = on;
SET client_min_messages = warning;
DROP SCHEMA priv_platform, priv_other, priv_mine CASCADE;
DROP SCHEMA priv_ns CASCADE;
DROP SCHEMA priv_evil CASCADE;
DROP EXTENSION cmodel;
REVOKE CREATE ON SCHEMA public FROM regress_cm_app;
DROP ROLE regress_cm_app;
DROP ROLE regress_cm_deployer;
RESET client_min_messages;

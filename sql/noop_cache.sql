-- noop_cache: an unchanged re-registration is answered from the registry's
-- no-op cache, and every change to the namespace (a registration, a core
-- model, DDL from any client) invalidates it.
CREATE EXTENSION cmodel;
\set VERBOSITY default
\set SHOW_CONTEXT never
CREATE TABLE public.cache_staff (dbid bigint PRIMARY KEY, id text);
SELECT cmodel_register_core_model('CacheStaff', 'public.cache_staff', 'dbid');

\set note '{"name": "Note", "fields": [{"name": "body", "type": "TextField"}, {"name": "author", "type": "ForeignKey", "to": "CacheStaff", "on_delete": "SET_NULL", "related_name": "cache_ns_notes"}]}'
SELECT action, object FROM cmodel_register_model('cache_ns', :'note');
-- the call is remembered at the namespace's generation
SELECT count(*) AS cached FROM cmodel.reg_applied a JOIN cmodel.reg_namespace n
    ON n.namespace = a.namespace AND n.generation = a.generation
 WHERE a.namespace = 'cache_ns';
-- unchanged: no actions (cached), from plan and register alike
SELECT count(*) FROM cmodel_register_model('cache_ns', :'note');
SELECT count(*) FROM cmodel_plan_model('cache_ns', :'note');
-- other spacing misses the cache, and still plans nothing
SELECT count(*) FROM cmodel_register_model('cache_ns', replace(:'note', ', ', ','));

-- DDL from any client moves the generation: the drop (let through by
-- break-glass) is noticed and repaired
SELECT generation AS gen_before FROM cmodel.reg_namespace WHERE namespace = 'cache_ns' \gset
SET cmodel.allow_destructive_ddl = on;
ALTER TABLE cache_ns.note DROP COLUMN body;
SELECT generation > :gen_before AS moved FROM cmodel.reg_namespace WHERE namespace = 'cache_ns';
SELECT action, object FROM cmodel_register_model('cache_ns', :'note');
SELECT count(*) FROM cmodel_register_model('cache_ns', :'note');
DROP INDEX cache_ns.cache_ns_note_author_id_idx;
SELECT action, object FROM cmodel_register_model('cache_ns', :'note');

-- additive DDL by hand also invalidates, and the next call finds nothing to do
ALTER TABLE cache_ns.note ADD COLUMN scratch text;
SELECT count(*) FROM cmodel_register_model('cache_ns', :'note');

-- moving a table out of the namespace is noticed (SET SCHEMA reports the new schema)
ALTER TABLE cache_ns.note SET SCHEMA public;
SELECT action, object FROM cmodel_register_model('cache_ns', :'note');
DROP TABLE public.note;
-- an index swapped for an impostor under the same name is caught by the full check
DROP INDEX cache_ns.cache_ns_note_author_id_idx;
CREATE INDEX cache_ns_note_author_id_idx ON cache_ns.note (body);
-- error: the registered index no longer has its definition
SELECT action, object FROM cmodel_register_model('cache_ns', :'note');
DROP INDEX cache_ns.cache_ns_note_author_id_idx;
SELECT action, object FROM cmodel_register_model('cache_ns', :'note');
-- DDL on a core table (whose key relations copy) moves every namespace
SELECT generation AS gen_before FROM cmodel.reg_namespace WHERE namespace = 'cache_ns' \gset
ALTER TABLE public.cache_staff ADD COLUMN nickname text;
SELECT generation > :gen_before AS moved FROM cmodel.reg_namespace WHERE namespace = 'cache_ns';
RESET cmodel.allow_destructive_ddl;

-- re-registering a core model (its key may change) invalidates every namespace
SELECT generation AS gen_before FROM cmodel.reg_namespace WHERE namespace = 'cache_ns' \gset
SELECT cmodel_register_core_model('CacheStaff', 'public.cache_staff', 'dbid');
SELECT generation > :gen_before AS moved FROM cmodel.reg_namespace WHERE namespace = 'cache_ns';
SELECT count(*) FROM cmodel_register_model('cache_ns', :'note');

-- a registration that changes the namespace retires older cached calls
SELECT action, object FROM cmodel_register_model('cache_ns', '{"name": "Tag", "fields": [{"name": "label", "type": "TextField"}]}');
SELECT count(*) AS stale_entries FROM cmodel.reg_applied a JOIN cmodel.reg_namespace n
    ON n.namespace = a.namespace
 WHERE a.namespace = 'cache_ns' AND a.generation < n.generation;

-- a plugin's hash follows its last call even when its models do not change:
-- set_y describes the same model as set_x (app_label made explicit), so it
-- plans nothing, yet it is another model set with another hash
\set set_x '[{"name": "Tag", "fields": [{"name": "label", "type": "TextField"}]}]'
\set set_y '[{"name": "Tag", "app_label": "cache_ns", "fields": [{"name": "label", "type": "TextField"}]}]'
SELECT action, object FROM cmodel_register_models('cache_ns', :'set_x', 'plug');
SELECT action, object FROM cmodel_register_models('cache_ns', :'set_y', 'plug');
SELECT cmodel_namespace_ready('cache_ns', 'plug', cmodel_models_hash(:'set_y')) AS y_ready;
SELECT action, object FROM cmodel_register_models('cache_ns', :'set_x', 'plug');
SELECT cmodel_namespace_ready('cache_ns', 'plug', cmodel_models_hash(:'set_x')) AS x_ready,
       cmodel_namespace_ready('cache_ns', 'plug', cmodel_models_hash(:'set_y')) AS y_ready;

-- the cache is not registry data: pg_dump leaves it out
SELECT c.relname, c.oid = ANY (e.extconfig) AS dumped
  FROM pg_extension e, pg_class c
 WHERE e.extname = 'cmodel' AND c.relnamespace = 'cmodel'::regnamespace
   AND c.relname IN ('reg_applied', 'reg_model')
 ORDER BY c.relname COLLATE "C";

-- moving a core model to another table keeps its relations pointing at it,
-- and is refused when relation columns would need another type
CREATE TABLE public.cache_staff2 (dbid bigint PRIMARY KEY);
SELECT cmodel_register_core_model('CacheStaff', 'public.cache_staff2', 'dbid');
SELECT model, field, target_table FROM cmodel.relations WHERE namespace = 'cache_ns' AND NOT retired;
CREATE TABLE public.cache_staff3 (dbid uuid PRIMARY KEY);
-- error: Note.author stores bigint
SELECT cmodel_register_core_model('CacheStaff', 'public.cache_staff3', 'dbid');
-- a retired index swapped for an impostor is not revived
SELECT action, object FROM cmodel_register_model('cache_ns', '{"name": "Tag", "fields": [{"name": "label", "type": "TextField"}], "meta": {"indexes": [{"fields": ["label"], "name": "lab"}]}}');
SELECT action, object FROM cmodel_register_model('cache_ns', '{"name": "Tag", "fields": [{"name": "label", "type": "TextField"}]}');
SET cmodel.allow_destructive_ddl = on;
DROP INDEX cache_ns.cache_ns_tag_lab;
CREATE UNIQUE INDEX cache_ns_tag_lab ON cache_ns.tag (label);
-- error: the index to revive is not the registered one
SELECT action, object FROM cmodel_register_model('cache_ns', '{"name": "Tag", "fields": [{"name": "label", "type": "TextField"}], "meta": {"indexes": [{"fields": ["label"], "name": "lab"}]}}');

-- renaming the namespace schema away is noticed
ALTER SCHEMA cache_ns RENAME TO cache_ns_moved;
SELECT action, object FROM cmodel_register_model('cache_ns', :'note');

-- cleanup: namespaces are guarded, so dropping them takes break-glass
SET cmodel.allow_destructive_ddl = on;
SET client_min_messages = warning;
DROP SCHEMA cache_ns CASCADE;
DROP SCHEMA cache_ns_moved CASCADE;
DROP EXTENSION cmodel;
DROP TABLE public.cache_staff, public.cache_staff2, public.cache_staff3;
RESET client_min_messages;

-- bench/guard_setup.sql: the guard_on database of bench/guard.sh — the
-- extension, a core table, and :namespaces namespaces of three models each
-- (a registry for the guard to consult on every DDL statement).
CREATE EXTENSION cmodel;
CREATE TABLE public.staff (dbid bigint PRIMARY KEY, name text);
SELECT cmodel_register_core_model('Staff', 'public.staff', 'dbid');
SELECT count(*) AS registered
  FROM generate_series(1, :namespaces) AS i,
       LATERAL cmodel_register_models(format('plugin_%s', i), ($$[
  {"name": "Note", "fields": [{"name": "body", "type": "TextField"},
     {"name": "author", "type": "ForeignKey", "to": "Staff", "on_delete": "CASCADE",
      "related_name": "%(app_label)s_notes"}],
   "meta": {"indexes": [{"fields": ["body"], "name": "by_body"}]}},
  {"name": "Tag", "fields": [{"name": "label", "type": "TextField"}]},
  {"name": "NoteTag", "fields": [
     {"name": "note", "type": "ForeignKey", "to": "Note", "on_delete": "CASCADE"},
     {"name": "tag", "type": "ForeignKey", "to": "Tag", "on_delete": "CASCADE"}]}
]$$)::json);

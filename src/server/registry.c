/*-------------------------------------------------------------------------
 *
 * registry.c
 *	  Write the registry after a registration has applied its plan.
 *
 * The registry (cmodel.reg_*) records each namespace, every model with its
 * normalized descriptor, and its fields, relations and indexes; what a
 * descriptor no longer has stays recorded, marked retired, exactly as its
 * column or index stays in the database.  A plugin's registration also
 * records the hash of its model set and tells listeners with NOTIFY.  Every
 * write is a fixed, schema-qualified statement with text parameters
 * (exec.c), inside the registration's transaction.
 *
 * src/server/registry.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"
#include "utils/builtins.h"

#include "cmodel.h"

/*
 * Mark a model's fields, relations and indexes retired; recording the model
 * again revives those it still has.
 */
static void
retire_parts(const char *ns, const char *model)
{
	const char *args[2] = {ns, model};

	cmodel_registry_exec("UPDATE cmodel.reg_field SET retired = true"
						 " WHERE namespace = $1 AND model = $2 AND NOT retired", 2, args);
	cmodel_registry_exec("UPDATE cmodel.reg_relation SET retired = true"
						 " WHERE namespace = $1 AND model = $2 AND NOT retired", 2, args);
	cmodel_registry_exec("UPDATE cmodel.reg_index SET retired = true"
						 " WHERE namespace = $1 AND model = $2 AND NOT retired", 2, args);
}

/* Fields, relations and indexes of one concrete model. */
static void
record_model_parts(CmArena *arena, const char *ns, CmModel *m)
{
	const char *args[12];
	int			i;

	args[0] = ns;
	args[1] = m->name;
	retire_parts(ns, m->name);

	for (i = 0; i < m->nall_fields; i++)
	{
		CmField    *f = m->all_fields[i];

		args[2] = f->name;
		args[3] = psprintf("%d", i + 1);
		args[4] = cm_field_type_name(f->type);
		args[5] = f->column;
		args[6] = f->column_type;
		args[7] = cm_field_json_text(arena, f);
		cmodel_registry_exec("INSERT INTO cmodel.reg_field AS f"
							 " (namespace, model, name, position, field_type, column_name, column_type, options)"
							 " VALUES ($1, $2, $3, $4::pg_catalog.int4, $5, $6, $7, $8::pg_catalog.jsonb)"
							 " ON CONFLICT ON CONSTRAINT reg_field_pkey DO UPDATE SET"
							 " position = excluded.position, field_type = excluded.field_type,"
							 " column_name = excluded.column_name, column_type = excluded.column_type,"
							 " options = excluded.options, retired = false", 8, args);
		if (!cm_is_relation(f->type))
			continue;
		args[3] = cm_field_type_name(f->type);
		args[4] = f->column;
		args[5] = f->target_name;
		if (f->target_core)
			args[6] = quote_qualified_identifier(f->target_core->schema, f->target_core->table);
		else
			args[6] = quote_qualified_identifier(ns, f->target->table);
		args[7] = f->target_column;
		args[8] = cm_on_delete_name(f->on_delete);
		args[9] = f->related_name_expanded;
		args[10] = f->through;
		cmodel_registry_exec("INSERT INTO cmodel.reg_relation AS r"
							 " (namespace, model, field, kind, column_name, target, target_table,"
							 "  target_column, on_delete, related_name, through)"
							 " VALUES ($1, $2, $3, $4, $5, $6, $7::pg_catalog.regclass, $8, $9, $10, $11)"
							 " ON CONFLICT ON CONSTRAINT reg_relation_pkey DO UPDATE SET"
							 " kind = excluded.kind, column_name = excluded.column_name, target = excluded.target,"
							 " target_table = excluded.target_table, target_column = excluded.target_column,"
							 " on_delete = excluded.on_delete, related_name = excluded.related_name,"
							 " through = excluded.through, retired = false", 11, args);
	}
	for (i = 0; i < m->nall_indexes; i++)
	{
		CmIndex    *ix = m->all_indexes[i];

		args[2] = ix->pg_name;
		args[3] = ix->name ? ix->base_name : NULL;
		args[4] = cm_index_kind_name(ix->kind);
		args[5] = cm_index_origin_name(ix->origin);
		args[6] = cm_json_string_array(arena, ix->nfields, ix->columns);
		args[7] = ix->definition;
		cmodel_registry_exec("INSERT INTO cmodel.reg_index AS i"
							 " (namespace, model, index_name, name, kind, origin, columns, definition)"
							 " VALUES ($1, $2, $3, $4, $5, $6,"
							 "  ARRAY(SELECT pg_catalog.jsonb_array_elements_text($7::pg_catalog.jsonb)), $8)"
							 " ON CONFLICT ON CONSTRAINT reg_index_pkey DO UPDATE SET"
							 " model = excluded.model, name = excluded.name, kind = excluded.kind,"
							 " origin = excluded.origin, columns = excluded.columns,"
							 " definition = excluded.definition, retired = false", 8, args);
	}
}

/*
 * Record a plan that has been applied: the namespace, every model whose
 * descriptor or parts changed, models the plugin dropped, and the plugin's
 * hash (with a NOTIFY, sent even when nothing changed so waiters wake up).
 */
bool
cmodel_write_registry(CmArena *arena, const CmSnapshot *snap, const CmPlan *plan,
					  const char *plugin, const char *hash, const char *deployer)
{
	const char *args[8];
	int			i;
	bool		changed = plan->nactions > 0;

	args[0] = snap->namespace;
	if (plan->register_namespace && snap->rules == CM_RULES_CANVAS)
		cmodel_registry_exec("INSERT INTO cmodel.reg_namespace (namespace) VALUES ($1)"
							 " ON CONFLICT DO NOTHING", 1, args);
	else if (plan->register_namespace)
	{
		args[1] = cm_rules_name(snap->rules);
		cmodel_registry_exec("INSERT INTO cmodel.reg_namespace (namespace, rules) VALUES ($1, $2)"
							 " ON CONFLICT DO NOTHING", 2, args);
	}

	for (i = 0; i < plan->nmodels; i++)
	{
		CmModel    *m = plan->models[i];

		if (!plan->record[i])
			continue;
		args[1] = m->name;
		args[2] = cm_model_kind_name(m->kind);
		args[3] = m->app_label;
		args[4] = m->table;
		args[5] = m->proxy_for;
		args[6] = plugin;
		args[7] = m->normalized;
		cmodel_registry_exec("INSERT INTO cmodel.reg_model AS m"
							 " (namespace, name, kind, app_label, table_name, proxy_for, plugin, descriptor)"
							 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8::pg_catalog.jsonb)"
							 " ON CONFLICT ON CONSTRAINT reg_model_pkey DO UPDATE SET"
							 " kind = excluded.kind, app_label = excluded.app_label,"
							 " table_name = excluded.table_name, proxy_for = excluded.proxy_for,"
							 " plugin = COALESCE(excluded.plugin, m.plugin), descriptor = excluded.descriptor,"
							 " retired = false, updated_at = pg_catalog.now()", 8, args);
		if (m->kind == CM_MODEL_CONCRETE)
			record_model_parts(arena, snap->namespace, m);
	}

	for (i = 0; i < plan->nretire; i++)
	{
		args[1] = plan->retire_models[i];
		cmodel_registry_exec("UPDATE cmodel.reg_model SET retired = true, updated_at = pg_catalog.now()"
							 " WHERE namespace = $1 AND name = $2", 2, args);
		retire_parts(snap->namespace, plan->retire_models[i]);
	}

	if (plugin)
	{
		args[1] = plugin;
		args[2] = hash;
		args[3] = deployer;
		/* the deployer is the role that first registered the plugin */
		cmodel_registry_exec("INSERT INTO cmodel.reg_plugin AS p (namespace, plugin, models_hash, deployer)"
							 " VALUES ($1, $2, $3, $4::pg_catalog.oid::pg_catalog.regrole)"
							 " ON CONFLICT ON CONSTRAINT reg_plugin_pkey DO UPDATE SET"
							 " models_hash = excluded.models_hash, updated_at = pg_catalog.now()"
							 " WHERE p.models_hash IS DISTINCT FROM excluded.models_hash", 4, args);
		changed |= SPI_processed > 0;
		cmodel_notify_ready(snap->namespace, plugin, hash);
	}
	return changed;
}

/* Tell listeners that a plugin's model set is registered. */
void
cmodel_notify_ready(const char *ns, const char *plugin, const char *hash)
{
	const char *args[3] = {ns, plugin, hash};

	cmodel_exec("SELECT pg_catalog.pg_notify('cmodel_namespace_ready',"
				" pg_catalog.json_build_object('namespace', $1, 'plugin', $2, 'hash', $3)::pg_catalog.text)",
				3, args, false);
}

/* md5 of the descriptors' jsonb text: what cmodel_models_hash() returns. */
char *
cmodel_models_hash(CmArena *arena, const char *json)
{
	const char *args[1] = {json};

	cmodel_exec("SELECT pg_catalog.md5($1::pg_catalog.jsonb::pg_catalog.text)", 1, args, true);
	return cmodel_cell_text(arena, 0, 1);
}

/*
 * cmodel.core_model_record(name text, tbl regclass, key_column name,
 * old_tbl oid): cmodel_register_core_model's registry writes, once it has
 * checked the table.  A core model moved from old_tbl takes its relations
 * along; relations to core models take their key types, so every
 * namespace's generation moves and no cached no-op stays valid.
 */
PG_FUNCTION_INFO_V1(cmodel_core_model_record);
Datum
cmodel_core_model_record(PG_FUNCTION_ARGS)
{
	const char *args[4];

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		elog(ERROR, "cmodel: core_model_record needs a name, a table and a key column");
	args[0] = text_to_cstring(PG_GETARG_TEXT_PP(0));
	args[1] = psprintf("%u", PG_GETARG_OID(1));
	args[2] = NameStr(*PG_GETARG_NAME(2));
	args[3] = PG_ARGISNULL(3) ? NULL : psprintf("%u", PG_GETARG_OID(3));
	cmodel_citus_require_coordinator(psprintf("register core model \"%s\"", args[0]));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "cmodel: SPI_connect failed");
	if (args[3] && strcmp(args[3], args[1]) != 0)
		cmodel_registry_exec("UPDATE cmodel.reg_relation"
							 "   SET target_table = $1::pg_catalog.oid::pg_catalog.regclass"
							 " WHERE target_table::pg_catalog.oid OPERATOR(pg_catalog.=) $2::pg_catalog.oid",
							 2, (const char *[]) {args[1], args[3]});
	cmodel_registry_exec("INSERT INTO cmodel.reg_core_model AS c (name, tbl, key_column)"
						 " VALUES ($1, $2::pg_catalog.oid::pg_catalog.regclass, $3)"
						 " ON CONFLICT ON CONSTRAINT reg_core_model_pkey"
						 " DO UPDATE SET tbl = excluded.tbl, key_column = excluded.key_column,"
						 " registered_at = pg_catalog.now()", 3, args);
	cmodel_registry_exec("UPDATE cmodel.reg_namespace SET generation = generation OPERATOR(pg_catalog.+) 1",
						 0, NULL);
	SPI_finish();
	/* the core models' rows of the node catalog (a move rewrites all of it) */
	cmodel_node_catalog_refresh("");
	PG_RETURN_VOID();
}

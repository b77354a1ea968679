/*-------------------------------------------------------------------------
 *
 * catalog.c
 *	  Read what the planner needs from the registry and the system catalogs,
 *	  and write the registry after a registration.
 *
 * The snapshot is the planner's whole view of the world: the core models
 * with their columns, the namespace's registered models, fields and
 * indexes, and the tables, columns and indexes that physically exist in the
 * schema.  All reads and writes go through SPI with parameters; every query
 * is schema-qualified so it means the same under any search_path.  Strings
 * are copied into the core's arena, so nothing here outlives the call.
 *
 * src/server/catalog.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "common/md5.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"

#include "cmodel.h"

/* ------------------------------------------------------------------------
 * SPI helpers
 * ------------------------------------------------------------------------
 */

/*
 * Plans of the fixed queries below, prepared once per backend and kept: the
 * snapshot and the no-op check run on every registration, and planning them
 * afresh each time cost about a third of an unchanged re-registration.
 * Entries are keyed by the address of the SQL string literal; the plan
 * cache re-plans them if the registry or catalogs they read change.
 */
typedef struct KeptPlan
{
	const char *sql;
	SPIPlanPtr	plan;
} KeptPlan;

#define MAX_KEPT_PLANS 64
static KeptPlan kept_plans[MAX_KEPT_PLANS];
static int	nkept_plans;

static SPIPlanPtr
kept_plan(const char *sql, int nargs)
{
	Oid			types[16];
	SPIPlanPtr	plan;
	int			i;

	for (i = 0; i < nkept_plans; i++)
		if (kept_plans[i].sql == sql)
			return kept_plans[i].plan;
	for (i = 0; i < nargs; i++)
		types[i] = TEXTOID;
	plan = SPI_prepare(sql, nargs, types);
	if (plan == NULL)
		elog(ERROR, "cmodel: SPI_prepare failed (%s): %s",
			 SPI_result_code_string(SPI_result), sql);
	if (nkept_plans < MAX_KEPT_PLANS)
	{
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "cmodel: SPI_keepplan failed");
		kept_plans[nkept_plans].sql = sql;
		kept_plans[nkept_plans++].plan = plan;
	}
	return plan;
}

/*
 * Run one of the fixed queries; its parameters are all text (NULL for SQL
 * NULL) and the SQL casts them where it needs other types.
 */
static int
exec_text(const char *sql, int nargs, const char **args, bool read_only)
{
	Datum		values[16];
	char		nulls[16] = {0};
	int			i;
	int			rc;

	Assert(nargs <= 16);
	for (i = 0; i < nargs; i++)
	{
		values[i] = args[i] ? CStringGetTextDatum(args[i]) : (Datum) 0;
		nulls[i] = args[i] ? ' ' : 'n';
	}
	rc = SPI_execute_plan(kept_plan(sql, nargs), values, nulls, read_only, 0);
	if (rc < 0)
		elog(ERROR, "cmodel: SPI_execute_plan failed (%s): %s",
			 SPI_result_code_string(rc), sql);
	return rc;
}

static char *
col_text(CmArena *arena, int row, int col)
{
	char	   *v = SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col);

	return v ? cm_strdup(arena, v) : NULL;
}

static bool
col_bool(int row, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, &isnull);

	return !isnull && DatumGetBool(d);
}

/* ------------------------------------------------------------------------
 * Snapshot
 * ------------------------------------------------------------------------
 */

/* The bit masks the trigger queries compute (CM_TRIG_* of cm_core.h). */
StaticAssertDecl(CM_TRIG_WRITE == 1 && CM_TRIG_DELETE == 2 && CM_TRIG_TRUNCATE == 4,
				 "trigger bits are spelled out in SQL");

static int
col_int(int row, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, &isnull);

	return isnull ? 0 : DatumGetInt32(d);
}

static void
load_cores(CmArena *arena, CmSnapshot *snap, bool ro)
{
	int			i,
				r;
	int			ncores = 0;
	const char *sql =
		"SELECT c.name, n.nspname, t.relname, c.key_column, a.attname,"
		"       pg_catalog.format_type(a.atttypid, a.atttypmod),"
		"       EXISTS (SELECT 1 FROM pg_catalog.pg_index i"
		"                WHERE i.indrelid = t.oid AND i.indisunique AND i.indnkeyatts = 1"
		"                  AND i.indkey[0] = a.attnum AND i.indpred IS NULL AND i.indexprs IS NULL),"
		"       a.atttypid >= 16384,"
		"       (SELECT pg_catalog.bit_or(CASE p.proname WHEN 'on_write' THEN 1 WHEN 'on_delete' THEN 2"
		"                                 WHEN 'on_truncate' THEN 4 ELSE 0 END)"
		"          FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_proc p ON p.oid = g.tgfoid"
		"          JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace"
		"         WHERE g.tgrelid = t.oid AND pn.nspname = 'cmodel')"
		"  FROM cmodel.reg_core_model c"
		"  JOIN pg_catalog.pg_class t ON t.oid = c.tbl"
		"  JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace"
		"  JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped"
		" ORDER BY c.name, a.attnum";

	exec_text(sql, 0, NULL, ro);
	snap->cores = cm_alloc(arena, sizeof(CmCoreModel) * (SPI_processed + 1));
	for (r = 0; r < (int) SPI_processed; r++)
	{
		char	   *name = col_text(arena, r, 1);
		CmCoreModel *c = ncores ? &snap->cores[ncores - 1] : NULL;

		if (c == NULL || strcmp(c->name, name) != 0)
		{
			c = &snap->cores[ncores++];
			c->name = name;
			c->schema = col_text(arena, r, 2);
			c->table = col_text(arena, r, 3);
			c->key = col_text(arena, r, 4);
			c->triggers = col_int(r, 9);
			c->columns = cm_alloc(arena, sizeof(CmColumn) * (SPI_processed - r));
		}
		i = c->ncolumns++;
		c->columns[i].name = col_text(arena, r, 5);
		c->columns[i].type = col_text(arena, r, 6);
		c->columns[i].unique = col_bool(r, 7);
		c->columns[i].user_type = col_bool(r, 8);
	}
	snap->ncores = ncores;
}

static void
load_registry(CmArena *arena, CmSnapshot *snap, bool ro)
{
	const char *args[1] = {snap->namespace};
	int			r;

	/*
	 * A registration locks the namespace's row first: the event triggers
	 * update it for any DDL in the namespace, so DDL from another session
	 * either committed before this snapshot (and is seen) or waits until
	 * this registration has recorded its no-op cache entry (and then moves
	 * the generation past it).
	 */
	if (ro)
		exec_text("SELECT 1 FROM cmodel.reg_namespace WHERE namespace = $1", 1, args, ro);
	else
		exec_text("SELECT 1 FROM cmodel.reg_namespace WHERE namespace = $1 FOR UPDATE", 1, args, ro);
	snap->namespace_registered = SPI_processed > 0;

	exec_text("SELECT name, descriptor::pg_catalog.text, plugin, kind, retired"
			  "  FROM cmodel.reg_model WHERE namespace = $1 ORDER BY name", 1, args, ro);
	snap->nmodels = (int) SPI_processed;
	snap->models = cm_alloc(arena, sizeof(CmRegModel) * (snap->nmodels + 1));
	for (r = 0; r < snap->nmodels; r++)
	{
		snap->models[r].name = col_text(arena, r, 1);
		snap->models[r].descriptor = col_text(arena, r, 2);
		snap->models[r].plugin = col_text(arena, r, 3);
		snap->models[r].kind = col_text(arena, r, 4);
		snap->models[r].retired = col_bool(r, 5);
	}

	exec_text("SELECT model, name, column_name, column_type, retired,"
			  "       (options OPERATOR(pg_catalog.->) 'default')::pg_catalog.text"
			  "  FROM cmodel.reg_field WHERE namespace = $1", 1, args, ro);
	snap->nfields = (int) SPI_processed;
	snap->fields = cm_alloc(arena, sizeof(CmRegField) * (snap->nfields + 1));
	for (r = 0; r < snap->nfields; r++)
	{
		snap->fields[r].model = col_text(arena, r, 1);
		snap->fields[r].name = col_text(arena, r, 2);
		snap->fields[r].column = col_text(arena, r, 3);
		snap->fields[r].column_type = col_text(arena, r, 4);
		snap->fields[r].retired = col_bool(r, 5);
		snap->fields[r].default_json = col_text(arena, r, 6);
	}

	exec_text("SELECT model, index_name, definition, retired"
			  "  FROM cmodel.reg_index WHERE namespace = $1", 1, args, ro);
	snap->nindexes = (int) SPI_processed;
	snap->indexes = cm_alloc(arena, sizeof(CmRegIndex) * (snap->nindexes + 1));
	for (r = 0; r < snap->nindexes; r++)
	{
		snap->indexes[r].model = col_text(arena, r, 1);
		snap->indexes[r].pg_name = col_text(arena, r, 2);
		snap->indexes[r].definition = col_text(arena, r, 3);
		snap->indexes[r].retired = col_bool(r, 4);
	}
}

static void
load_schema(CmArena *arena, CmSnapshot *snap, bool ro)
{
	const char *args[1] = {snap->namespace};
	int			r;
	int			ntables = 0;

	exec_text("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", 1, args, ro);
	snap->schema_exists = SPI_processed > 0;
	if (!snap->schema_exists)
		return;

	exec_text("SELECT c.relname FROM pg_catalog.pg_class c"
			  "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
			  " WHERE n.nspname = $1", 1, args, ro);
	snap->nrelnames = (int) SPI_processed;
	snap->relnames = cm_alloc(arena, sizeof(char *) * (snap->nrelnames + 1));
	for (r = 0; r < snap->nrelnames; r++)
		snap->relnames[r] = col_text(arena, r, 1);

	exec_text("SELECT t.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), pa.attname,"
			  "       (SELECT pg_catalog.bit_or(CASE p.proname WHEN 'on_write' THEN 1 WHEN 'on_delete' THEN 2"
		"                                 WHEN 'on_truncate' THEN 4 ELSE 0 END)"
		"          FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_proc p ON p.oid = g.tgfoid"
		"          JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace"
		"         WHERE g.tgrelid = t.oid AND pn.nspname = 'cmodel')"
			  "  FROM pg_catalog.pg_class t"
			  "  JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace"
			  "  JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped"
			  "  LEFT JOIN pg_catalog.pg_index i ON i.indrelid = t.oid AND i.indisprimary AND i.indnkeyatts = 1"
			  "  LEFT JOIN pg_catalog.pg_attribute pa ON pa.attrelid = t.oid AND pa.attnum = i.indkey[0]"
			  " WHERE n.nspname = $1 AND t.relkind IN ('r', 'p')"
			  " ORDER BY t.relname, a.attnum", 1, args, ro);
	snap->tables = cm_alloc(arena, sizeof(CmTableState) * (SPI_processed + 1));
	for (r = 0; r < (int) SPI_processed; r++)
	{
		char	   *name = col_text(arena, r, 1);
		CmTableState *t = ntables ? &snap->tables[ntables - 1] : NULL;
		int			i;

		if (t == NULL || strcmp(t->name, name) != 0)
		{
			t = &snap->tables[ntables++];
			t->name = name;
			t->pk_column = col_text(arena, r, 4);
			t->triggers = col_int(r, 5);
			t->columns = cm_alloc(arena, sizeof(CmColumn) * (SPI_processed - r));
		}
		i = t->ncolumns++;
		t->columns[i].name = col_text(arena, r, 2);
		t->columns[i].type = col_text(arena, r, 3);
	}
	snap->ntables = ntables;

	/*
	 * Key columns as a JSON array (null for an expression), DESC flags as a
	 * t/f string, and whether anything beyond columns, order, uniqueness and
	 * method is set: a non-default operator class or collation, NULLS order,
	 * INCLUDE columns, NULLS NOT DISTINCT or expressions.
	 */
	exec_text("SELECT ic.relname, tc.relname, i.indisunique, am.amname,"
			  "       (SELECT pg_catalog.json_agg(a.attname ORDER BY k.ord)::pg_catalog.text"
			  "          FROM pg_catalog.unnest(i.indkey::pg_catalog.int2[]) WITH ORDINALITY k(attnum, ord)"
			  "          LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
			  "         WHERE k.ord <= i.indnkeyatts),"
			  "       (SELECT pg_catalog.string_agg(CASE WHEN (o.opt & 1) = 1 THEN 't' ELSE 'f' END, '' ORDER BY o.ord)"
			  "          FROM pg_catalog.unnest(i.indoption::pg_catalog.int2[]) WITH ORDINALITY o(opt, ord)"
			  "         WHERE o.ord <= i.indnkeyatts),"
			  "       i.indpred IS NOT NULL,"
			  "       i.indexprs IS NOT NULL OR i.indnatts <> i.indnkeyatts OR i.indnullsnotdistinct"
			  "       OR EXISTS (SELECT 1 FROM pg_catalog.unnest(i.indclass::pg_catalog.oid[]) WITH ORDINALITY k(opc, ord)"
			  "                    JOIN pg_catalog.pg_opclass oc ON oc.oid = k.opc"
			  "                   WHERE k.ord <= i.indnkeyatts AND NOT oc.opcdefault)"
			  "       OR EXISTS (SELECT 1 FROM pg_catalog.unnest(i.indoption::pg_catalog.int2[]) o(opt)"
			  "                   WHERE ((o.opt & 1) <> 0) <> ((o.opt & 2) <> 0))"
			  "       OR EXISTS (SELECT 1 FROM ROWS FROM (pg_catalog.unnest(i.indkey::pg_catalog.int2[]), pg_catalog.unnest(i.indcollation::pg_catalog.oid[])) k(attnum, coll)"
			  "                    JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
			  "                   WHERE k.coll <> a.attcollation),"
			  "       i.indisvalid AND i.indisready"
			  "  FROM pg_catalog.pg_index i"
			  "  JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid"
			  "  JOIN pg_catalog.pg_class tc ON tc.oid = i.indrelid"
			  "  JOIN pg_catalog.pg_am am ON am.oid = ic.relam"
			  "  JOIN pg_catalog.pg_namespace n ON n.oid = tc.relnamespace"
			  " WHERE n.nspname = $1", 1, args, ro);
	snap->npgindexes = (int) SPI_processed;
	snap->pgindexes = cm_alloc(arena, sizeof(CmIndexState) * (snap->npgindexes + 1));
	for (r = 0; r < snap->npgindexes; r++)
	{
		CmIndexState *s = &snap->pgindexes[r];
		char	   *flags = col_text(arena, r, 6);
		int			k;

		s->name = col_text(arena, r, 1);
		s->table = col_text(arena, r, 2);
		s->unique = col_bool(r, 3);
		s->method = col_text(arena, r, 4);
		s->ncolumns = cm_json_scalars(arena, col_text(arena, r, 5), &s->columns);
		s->desc = cm_alloc(arena, sizeof(bool) * (s->ncolumns + 1));
		for (k = 0; flags && k < s->ncolumns && flags[k]; k++)
			s->desc[k] = flags[k] == 't';
		s->partial = col_bool(r, 7);
		s->nondefault = col_bool(r, 8);
		s->valid = col_bool(r, 9);
	}
}

/*
 * Fill a snapshot of everything the planner compares against.  A
 * registration passes for_update: its queries then take fresh snapshots, so
 * after waiting for the namespace lock it sees what the previous holder
 * committed (read-only SPI would reuse the calling query's older snapshot).
 */
void
cmodel_load_snapshot(CmArena *arena, const char *ns, CmSnapshot *snap, bool for_update)
{
	bool		ro = !for_update;

	memset(snap, 0, sizeof(*snap));
	snap->namespace = cm_strdup(arena, ns);
	load_registry(arena, snap, ro);	/* first: takes the namespace row lock */
	exec_text("SELECT pg_catalog.to_regprocedure('cmodel.on_write()') IS NULL", 0, NULL, ro);
	snap->no_triggers = col_bool(0, 1);
	load_cores(arena, snap, ro);
	load_schema(arena, snap, ro);
}

/* ------------------------------------------------------------------------
 * Registry writes
 * ------------------------------------------------------------------------
 */
static const char *
kind_text(CmModelKind k)
{
	return k == CM_MODEL_PROXY ? "proxy" : k == CM_MODEL_ABSTRACT ? "abstract" : "model";
}

static const char *
on_delete_text(CmOnDelete od)
{
	return od == CM_OD_CASCADE ? "CASCADE" : od == CM_OD_SET_NULL ? "SET_NULL" :
		od == CM_OD_DO_NOTHING ? "DO_NOTHING" : NULL;
}

static const char *
index_kind_text(CmIndexKind k)
{
	return k == CM_IDX_GIN ? "gin" : k == CM_IDX_UNIQUE ? "unique" : "btree";
}

/* Fields, relations and indexes of one concrete model. */
static void
record_model_parts(CmArena *arena, const char *ns, CmModel *m)
{
	const char *args[12];
	int			i;

	args[0] = ns;
	args[1] = m->name;
	exec_text("UPDATE cmodel.reg_field SET retired = true"
			  " WHERE namespace = $1 AND model = $2 AND NOT retired", 2, args, false);
	exec_text("UPDATE cmodel.reg_relation SET retired = true"
			  " WHERE namespace = $1 AND model = $2 AND NOT retired", 2, args, false);
	exec_text("UPDATE cmodel.reg_index SET retired = true"
			  " WHERE namespace = $1 AND model = $2 AND NOT retired", 2, args, false);

	for (i = 0; i < m->nall_fields; i++)
	{
		CmField    *f = m->all_fields[i];

		args[2] = f->name;
		args[3] = psprintf("%d", i + 1);
		args[4] = cm_field_type_name(f->type);
		args[5] = f->column;
		args[6] = f->column_type;
		args[7] = cm_field_json_text(arena, f);
		exec_text("INSERT INTO cmodel.reg_field AS f"
				  " (namespace, model, name, position, field_type, column_name, column_type, options)"
				  " VALUES ($1, $2, $3, $4::pg_catalog.int4, $5, $6, $7, $8::pg_catalog.jsonb)"
				  " ON CONFLICT ON CONSTRAINT reg_field_pkey DO UPDATE SET"
				  " position = excluded.position, field_type = excluded.field_type,"
				  " column_name = excluded.column_name, column_type = excluded.column_type,"
				  " options = excluded.options, retired = false", 8, args, false);
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
		args[8] = on_delete_text(f->on_delete);
		args[9] = f->related_name_expanded;
		args[10] = f->through;
		exec_text("INSERT INTO cmodel.reg_relation AS r"
				  " (namespace, model, field, kind, column_name, target, target_table,"
				  "  target_column, on_delete, related_name, through)"
				  " VALUES ($1, $2, $3, $4, $5, $6, $7::pg_catalog.regclass, $8, $9, $10, $11)"
				  " ON CONFLICT ON CONSTRAINT reg_relation_pkey DO UPDATE SET"
				  " kind = excluded.kind, column_name = excluded.column_name, target = excluded.target,"
				  " target_table = excluded.target_table, target_column = excluded.target_column,"
				  " on_delete = excluded.on_delete, related_name = excluded.related_name,"
				  " through = excluded.through, retired = false", 11, args, false);
	}
	for (i = 0; i < m->nall_indexes; i++)
	{
		CmIndex    *ix = m->all_indexes[i];

		args[2] = ix->pg_name;
		args[3] = ix->name ? ix->base_name : NULL;
		args[4] = index_kind_text(ix->kind);
		args[5] = ix->origin;
		args[6] = cm_json_string_array(arena, ix->nfields, ix->columns);
		args[7] = ix->definition;
		exec_text("INSERT INTO cmodel.reg_index AS i"
				  " (namespace, model, index_name, name, kind, origin, columns, definition)"
				  " VALUES ($1, $2, $3, $4, $5, $6,"
				  "  ARRAY(SELECT pg_catalog.jsonb_array_elements_text($7::pg_catalog.jsonb)), $8)"
				  " ON CONFLICT ON CONSTRAINT reg_index_pkey DO UPDATE SET"
				  " model = excluded.model, name = excluded.name, kind = excluded.kind,"
				  " origin = excluded.origin, columns = excluded.columns,"
				  " definition = excluded.definition, retired = false", 8, args, false);
	}
}

/*
 * Record a plan that has been applied: the namespace, every model whose
 * descriptor or parts changed, models the plugin dropped, and the plugin's
 * hash (with a NOTIFY, sent even when nothing changed so waiters wake up).
 */
bool
cmodel_write_registry(CmArena *arena, const CmSnapshot *snap, const CmPlan *plan,
					  const char *plugin, const char *hash)
{
	const char *args[8];
	int			i;
	bool		changed = plan->nactions > 0;

	args[0] = snap->namespace;
	if (plan->register_namespace)
		exec_text("INSERT INTO cmodel.reg_namespace (namespace) VALUES ($1)"
				  " ON CONFLICT DO NOTHING", 1, args, false);

	for (i = 0; i < plan->nmodels; i++)
	{
		CmModel    *m = plan->models[i];

		if (!plan->record[i])
			continue;
		args[1] = m->name;
		args[2] = kind_text(m->kind);
		args[3] = m->app_label;
		args[4] = m->table;
		args[5] = m->proxy_for;
		args[6] = plugin;
		args[7] = m->normalized;
		exec_text("INSERT INTO cmodel.reg_model AS m"
				  " (namespace, name, kind, app_label, table_name, proxy_for, plugin, descriptor)"
				  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8::pg_catalog.jsonb)"
				  " ON CONFLICT ON CONSTRAINT reg_model_pkey DO UPDATE SET"
				  " kind = excluded.kind, app_label = excluded.app_label,"
				  " table_name = excluded.table_name, proxy_for = excluded.proxy_for,"
				  " plugin = COALESCE(excluded.plugin, m.plugin), descriptor = excluded.descriptor,"
				  " retired = false, updated_at = pg_catalog.now()", 8, args, false);
		if (m->kind == CM_MODEL_CONCRETE)
			record_model_parts(arena, snap->namespace, m);
	}

	for (i = 0; i < plan->nretire; i++)
	{
		args[1] = plan->retire_models[i];
		exec_text("UPDATE cmodel.reg_model SET retired = true, updated_at = pg_catalog.now()"
				  " WHERE namespace = $1 AND name = $2", 2, args, false);
		exec_text("UPDATE cmodel.reg_field SET retired = true WHERE namespace = $1 AND model = $2",
				  2, args, false);
		exec_text("UPDATE cmodel.reg_relation SET retired = true WHERE namespace = $1 AND model = $2",
				  2, args, false);
		exec_text("UPDATE cmodel.reg_index SET retired = true WHERE namespace = $1 AND model = $2",
				  2, args, false);
	}

	if (plugin)
	{
		args[1] = plugin;
		args[2] = hash;
		exec_text("INSERT INTO cmodel.reg_plugin AS p (namespace, plugin, models_hash)"
				  " VALUES ($1, $2, $3)"
				  " ON CONFLICT ON CONSTRAINT reg_plugin_pkey DO UPDATE SET"
				  " models_hash = excluded.models_hash, updated_at = pg_catalog.now()"
				  " WHERE p.models_hash IS DISTINCT FROM excluded.models_hash", 3, args, false);
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

	exec_text("SELECT pg_catalog.pg_notify('cmodel_namespace_ready',"
			  " pg_catalog.json_build_object('namespace', $1, 'plugin', $2, 'hash', $3)::pg_catalog.text)",
			  3, args, false);
}

/* ------------------------------------------------------------------------
 * The no-op cache
 * ------------------------------------------------------------------------
 */

/*
 * The key of one registration call: namespace, kind, plugin and the exact
 * descriptor text.  Different spacing only costs a cache miss.
 */
char *
cmodel_call_hash(const char *ns, bool is_array, const char *plugin, const char *json)
{
	StringInfoData buf;
	char	   *hex = palloc(MD5_PASSWD_LEN + 1);
	const char *errstr = NULL;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%s%c%c%s%c", ns, '\0', is_array ? 'A' : 'O',
					 plugin ? plugin : "", '\0');
	appendBinaryStringInfo(&buf, json, strlen(json));
	if (!pg_md5_hash(buf.data, buf.len, hex, &errstr))
		elog(ERROR, "cmodel: could not compute MD5: %s", errstr);
	return hex;
}

/*
 * Was exactly this call applied at the namespace's current generation?  If
 * so nothing in the registry or the schema has changed since (every change
 * moves the generation: registrations, core models, and any DDL reaching
 * the namespace, through the event triggers), so it would plan nothing.
 * *plugin_hash gets the plugin's recorded model-set hash.
 */
bool
cmodel_cached_noop(const char *ns, const char *call_hash, const char *plugin,
				   char **plugin_hash)
{
	const char *args[3] = {ns, call_hash, plugin};

	exec_text("SELECT p.models_hash FROM cmodel.reg_namespace n"
			  "  JOIN cmodel.reg_applied a ON a.namespace = n.namespace AND a.generation = n.generation"
			  "  LEFT JOIN cmodel.reg_plugin p ON p.namespace = n.namespace AND p.plugin = $3"
			  " WHERE n.namespace = $1 AND a.call_hash = $2", 3, args, true);
	if (SPI_processed == 0)
		return false;
	*plugin_hash = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	return true;
}

/*
 * Remember that a call is fully applied.  When it changed anything, the
 * namespace moves to a new generation first and older entries are dropped.
 */
void
cmodel_record_applied(const char *ns, const char *call_hash, bool changed)
{
	const char *args[2] = {ns, call_hash};

	if (changed)
	{
		exec_text("UPDATE cmodel.reg_namespace SET generation = generation + 1"
				  " WHERE namespace = $1", 1, args, false);
		exec_text("DELETE FROM cmodel.reg_applied a USING cmodel.reg_namespace n"
				  " WHERE a.namespace = $1 AND n.namespace = a.namespace"
				  "   AND a.generation < n.generation", 1, args, false);
	}
	exec_text("INSERT INTO cmodel.reg_applied (namespace, call_hash, generation)"
			  " SELECT n.namespace, $2, n.generation FROM cmodel.reg_namespace n"
			  "  WHERE n.namespace = $1"
			  " ON CONFLICT ON CONSTRAINT reg_applied_pkey"
			  " DO UPDATE SET generation = excluded.generation", 2, args, false);
}

/* md5 of the descriptors' jsonb text: what cmodel_models_hash() returns. */
char *
cmodel_models_hash(CmArena *arena, const char *json)
{
	const char *args[1] = {json};

	exec_text("SELECT pg_catalog.md5($1::pg_catalog.jsonb::pg_catalog.text)", 1, args, true);
	return col_text(arena, 0, 1);
}

/*
 * May the calling role make cmodel adopt an existing schema that is not yet
 * a namespace?  Only its owner or a superuser may, and never a schema that
 * holds a core model's table: adoption lets cmodel extend the schema's
 * tables with its own privileges.
 */
void
cmodel_check_adoptable(const char *ns, Oid caller)
{
	const char *args[1] = {ns};
	Oid			owner;
	bool		isnull;
	bool		has_core;

	exec_text("SELECT n.nspowner,"
			  "       EXISTS (SELECT 1 FROM cmodel.reg_core_model c"
			  "                 JOIN pg_catalog.pg_class t ON t.oid = c.tbl"
			  "                WHERE t.relnamespace = n.oid)"
			  "  FROM pg_catalog.pg_namespace n WHERE n.nspname = $1", 1, args, true);
	if (SPI_processed == 0)
		return;
	owner = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	has_core = col_bool(0, 2);
	if (has_core)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_SCHEMA_NAME),
				 errmsg("schema \"%s\" holds core model tables and cannot become a namespace", ns),
				 errdetail("A namespace's tables are extended by plugin registrations; the platform's own tables must not be."),
				 errhint("Choose another namespace name.")));
	if (owner != caller && !superuser_arg(caller))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("schema \"%s\" exists and is not a namespace: only its owner or a superuser may adopt it", ns),
				 errdetail("Adopting an existing schema lets cmodel extend its tables with the extension owner's privileges."),
				 errhint("Ask the schema's owner or a superuser to register it first, or choose another namespace name.")));
}

/*
 * Registration may have changed the on_delete rules of the namespace's
 * tables and of the tables its relations point at, and the auto_now
 * fields of its tables: send a relcache invalidation for each, so every
 * backend's cached rules are rebuilt once this transaction commits.
 */
void
cmodel_invalidate_rules(const char *ns)
{
	const char *args[1] = {ns};
	uint64		r;

	exec_text("SELECT c.oid FROM cmodel.reg_relation r"
			  "   JOIN pg_catalog.pg_class c ON c.oid = r.target_table"
			  "  WHERE r.namespace = $1"
			  " UNION"
			  " SELECT c.oid FROM cmodel.reg_model m"
			  "   JOIN pg_catalog.pg_namespace n ON n.nspname = m.namespace"
			  "   JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = m.table_name"
			  "  WHERE m.namespace = $1", 1, args, false);
	for (r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
			CacheInvalidateRelcacheByRelid(DatumGetObjectId(d));
	}
}

/*
 * cmodel.core_model_moved(old oid, new regclass): a core model now names
 * another table, and cmodel_register_core_model has pointed its relations
 * there.  The new table gets the on_delete triggers those relations need,
 * the old one loses cmodel's triggers once no relation points at it, and
 * both tables' cached rules are invalidated in every session.
 */
PG_FUNCTION_INFO_V1(cmodel_core_model_moved);
Datum
cmodel_core_model_moved(PG_FUNCTION_ARGS)
{
	Oid			old_tbl = PG_GETARG_OID(0);
	Oid			new_tbl = PG_GETARG_OID(1);
	CmArena    *arena = cm_arena_new();
	Oid			types[1] = {OIDOID};
	Datum		values[1];
	bool		isnull;
	bool		new_needs,
				old_needed;
	int			have;
	char	   *qualname;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "cmodel: SPI_connect failed");
	PG_TRY();
	{
		const char *needs =
			"SELECT EXISTS (SELECT 1 FROM cmodel.reg_relation r"
			"                WHERE r.target_table::pg_catalog.oid OPERATOR(pg_catalog.=) $1 AND NOT r.retired"
			"                  AND r.on_delete OPERATOR(pg_catalog.=) ANY ('{CASCADE,SET_NULL}'::pg_catalog.text[])),"
			"       (SELECT pg_catalog.bit_or(CASE p.proname WHEN 'on_delete' THEN 2 WHEN 'on_truncate' THEN 4 ELSE 0 END)"
			"          FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_proc p ON p.oid OPERATOR(pg_catalog.=) g.tgfoid"
			"          JOIN pg_catalog.pg_namespace pn ON pn.oid OPERATOR(pg_catalog.=) p.pronamespace"
			"         WHERE g.tgrelid OPERATOR(pg_catalog.=) $1 AND pn.nspname OPERATOR(pg_catalog.=) 'cmodel')";

		values[0] = ObjectIdGetDatum(new_tbl);
		if (SPI_execute_with_args(needs, 1, types, values, NULL, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "cmodel: could not read the relations of a core model");
		new_needs = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		have = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
		if (isnull)
			have = 0;
		qualname = quote_qualified_identifier(get_namespace_name(get_rel_namespace(new_tbl)),
											  get_rel_name(new_tbl));
		if (new_needs && !(have & CM_TRIG_DELETE) &&
			SPI_execute(cm_trigger_sql(arena, qualname, CM_TRIG_DELETE), false, 0) < 0)
			elog(ERROR, "cmodel: could not create the on_delete trigger on %s", qualname);
		if (new_needs && !(have & CM_TRIG_TRUNCATE) &&
			SPI_execute(cm_trigger_sql(arena, qualname, CM_TRIG_TRUNCATE), false, 0) < 0)
			elog(ERROR, "cmodel: could not create the on_truncate trigger on %s", qualname);

		values[0] = ObjectIdGetDatum(old_tbl);
		if (SPI_execute_with_args(needs, 1, types, values, NULL, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "cmodel: could not read the relations of a core model");
		old_needed = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		if (!old_needed && get_rel_name(old_tbl) != NULL)
		{
			ObjectAddresses *targets = new_object_addresses();
			Relation	tgrel = table_open(TriggerRelationId, AccessShareLock);
			ScanKeyData key;
			SysScanDesc scan;
			HeapTuple	tup;
			Oid			cmodel_schema = get_namespace_oid("cmodel", false);

			ScanKeyInit(&key, Anum_pg_trigger_tgrelid, BTEqualStrategyNumber, F_OIDEQ,
						ObjectIdGetDatum(old_tbl));
			scan = systable_beginscan(tgrel, TriggerRelidNameIndexId, true, NULL, 1, &key);
			while (HeapTupleIsValid(tup = systable_getnext(scan)))
			{
				Form_pg_trigger t = (Form_pg_trigger) GETSTRUCT(tup);
				ObjectAddress addr;

				if (get_func_namespace(t->tgfoid) != cmodel_schema)
					continue;
				ObjectAddressSet(addr, TriggerRelationId, t->oid);
				add_exact_object_address(&addr, targets);
			}
			systable_endscan(scan);
			table_close(tgrel, AccessShareLock);
			performMultipleDeletions(targets, DROP_RESTRICT, PERFORM_DELETION_INTERNAL);
		}
		if (get_rel_name(old_tbl) != NULL)
			CacheInvalidateRelcacheByRelid(old_tbl);
		CacheInvalidateRelcacheByRelid(new_tbl);
	}
	PG_FINALLY();
	{
		cm_arena_free(arena);
	}
	PG_END_TRY();
	SPI_finish();
	PG_RETURN_VOID();
}

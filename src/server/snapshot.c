/*-------------------------------------------------------------------------
 *
 * snapshot.c
 *	  Read what the planner needs from the registry and the system
 *	  catalogs: the CmSnapshot the core plans against.
 *
 * The snapshot is the planner's whole view of the world: the core models
 * with their columns, the namespace's registered models, fields and
 * indexes, and the tables, columns, indexes and cmodel triggers that
 * physically exist in the schema.  Every query is a fixed, schema-qualified
 * one with text parameters (exec.c).  Strings are copied into the core's
 * arena, so nothing here outlives the call.
 *
 * src/server/snapshot.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"
#include "utils/snapmgr.h"

#include "cmodel.h"

/* The core models, with their columns and cmodel's triggers on their tables. */
static void
load_cores(CmArena *arena, CmSnapshot *snap, bool ro)
{
	int			i,
				r;
	int			ncores = 0;
	Snapshot	tsnap;
	const char *sql =
		"SELECT c.name, n.nspname, t.relname, c.key_column, a.attname,"
		"       pg_catalog.format_type(a.atttypid, a.atttypmod),"
		"       EXISTS (SELECT 1 FROM pg_catalog.pg_index i"
		"                WHERE i.indrelid = t.oid AND i.indisunique AND i.indnkeyatts = 1"
		"                  AND i.indkey[0] = a.attnum AND i.indpred IS NULL AND i.indexprs IS NULL),"
		"       a.atttypid >= 16384, t.oid"
		"  FROM cmodel.reg_core_model c"
		"  JOIN pg_catalog.pg_class t ON t.oid = c.tbl"
		"  JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace"
		"  JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped"
		" ORDER BY c.name, a.attnum";

	/* cmodel's triggers are read as of the query's snapshot */
	tsnap = cmodel_query_snapshot(ro);
	cmodel_exec_snapshot(sql, 0, NULL, tsnap, ro);
	snap->cores = cm_alloc(arena, sizeof(CmCoreModel) * (SPI_processed + 1));
	for (r = 0; r < (int) SPI_processed; r++)
	{
		char	   *name = cmodel_cell_text(arena, r, 1);
		CmCoreModel *c = ncores ? &snap->cores[ncores - 1] : NULL;

		if (c == NULL || strcmp(c->name, name) != 0)
		{
			c = &snap->cores[ncores++];
			c->name = name;
			c->schema = cmodel_cell_text(arena, r, 2);
			c->table = cmodel_cell_text(arena, r, 3);
			c->key = cmodel_cell_text(arena, r, 4);
			c->triggers = cmodel_triggers_of(cmodel_cell_oid(r, 9), tsnap);
			c->columns = cm_alloc(arena, sizeof(CmColumn) * (SPI_processed - r));
		}
		i = c->ncolumns++;
		c->columns[i].name = cmodel_cell_text(arena, r, 5);
		c->columns[i].type = cmodel_cell_text(arena, r, 6);
		c->columns[i].unique = cmodel_cell_bool(r, 7);
		c->columns[i].user_type = cmodel_cell_bool(r, 8);
	}
	snap->ncores = ncores;
	UnregisterSnapshot(tsnap);
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
	/* rules: read through to_jsonb, so an install older than the column reads Canvas's */
	if (ro)
		cmodel_exec("SELECT pg_catalog.to_jsonb(n) OPERATOR(pg_catalog.->>) 'rules'"
					"  FROM cmodel.reg_namespace n WHERE namespace = $1", 1, args, ro);
	else
		cmodel_exec("SELECT pg_catalog.to_jsonb(n) OPERATOR(pg_catalog.->>) 'rules'"
					"  FROM cmodel.reg_namespace n WHERE namespace = $1 FOR UPDATE", 1, args, ro);
	snap->namespace_registered = SPI_processed > 0;
	snap->rules = CM_RULES_CANVAS;
	if (snap->namespace_registered)
	{
		char	   *rules = cmodel_cell_text(arena, 0, 1);

		if (rules && !cm_rules_parse(rules, &snap->rules))
			elog(ERROR, "cmodel: namespace \"%s\" has the unknown rule set \"%s\"", snap->namespace, rules);
	}

	cmodel_exec("SELECT name, descriptor::pg_catalog.text, plugin, kind, retired"
				"  FROM cmodel.reg_model WHERE namespace = $1 ORDER BY name", 1, args, ro);
	snap->nmodels = (int) SPI_processed;
	snap->models = cm_alloc(arena, sizeof(CmRegModel) * (snap->nmodels + 1));
	for (r = 0; r < snap->nmodels; r++)
	{
		char	   *kind = cmodel_cell_text(arena, r, 4);

		snap->models[r].name = cmodel_cell_text(arena, r, 1);
		snap->models[r].descriptor = cmodel_cell_text(arena, r, 2);
		snap->models[r].plugin = cmodel_cell_text(arena, r, 3);
		if (!cm_model_kind_parse(kind, &snap->models[r].kind))
			elog(ERROR, "cmodel: model \"%s\" has unknown kind \"%s\" in the registry",
				 snap->models[r].name, kind);
		snap->models[r].retired = cmodel_cell_bool(r, 5);
	}

	cmodel_exec("SELECT model, name, column_name, column_type, retired,"
				"       (options OPERATOR(pg_catalog.->) 'default')::pg_catalog.text"
				"  FROM cmodel.reg_field WHERE namespace = $1", 1, args, ro);
	snap->nfields = (int) SPI_processed;
	snap->fields = cm_alloc(arena, sizeof(CmRegField) * (snap->nfields + 1));
	for (r = 0; r < snap->nfields; r++)
	{
		snap->fields[r].model = cmodel_cell_text(arena, r, 1);
		snap->fields[r].name = cmodel_cell_text(arena, r, 2);
		snap->fields[r].column = cmodel_cell_text(arena, r, 3);
		snap->fields[r].column_type = cmodel_cell_text(arena, r, 4);
		snap->fields[r].retired = cmodel_cell_bool(r, 5);
		snap->fields[r].default_json = cmodel_cell_text(arena, r, 6);
	}

	cmodel_exec("SELECT model, index_name, definition, retired"
				"  FROM cmodel.reg_index WHERE namespace = $1", 1, args, ro);
	snap->nindexes = (int) SPI_processed;
	snap->indexes = cm_alloc(arena, sizeof(CmRegIndex) * (snap->nindexes + 1));
	for (r = 0; r < snap->nindexes; r++)
	{
		snap->indexes[r].model = cmodel_cell_text(arena, r, 1);
		snap->indexes[r].pg_name = cmodel_cell_text(arena, r, 2);
		snap->indexes[r].definition = cmodel_cell_text(arena, r, 3);
		snap->indexes[r].retired = cmodel_cell_bool(r, 4);
	}
}

/*
 * The relations of schema $1 other than indexes, found through their
 * dependency on the schema (pg_depend's index on what is referenced):
 * pg_class has no index on relnamespace, so a join on it would read every
 * relation of the database, and registration would slow down as the
 * database grows.  Indexes are found from their tables (pg_index's index
 * on indrelid).
 */
#define CM_SCHEMA_RELATIONS \
	"rels AS (SELECT d.objid AS oid FROM pg_catalog.pg_depend d" \
	"          WHERE d.refclassid = 'pg_catalog.pg_namespace'::pg_catalog.regclass" \
	"            AND d.refobjid = (SELECT n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname = $1)" \
	"            AND d.refobjsubid = 0" \
	"            AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0) "

static void
load_schema(CmArena *arena, CmSnapshot *snap, bool ro)
{
	const char *args[1] = {snap->namespace};
	int			r;
	int			ntables = 0;
	Snapshot	tsnap;

	cmodel_exec("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", 1, args, ro);
	snap->schema_exists = SPI_processed > 0;
	if (!snap->schema_exists)
		return;

	cmodel_exec("WITH " CM_SCHEMA_RELATIONS
				"SELECT c.relname FROM pg_catalog.pg_class c WHERE c.oid IN (SELECT oid FROM rels)"
				" UNION ALL"
				" SELECT c.relname FROM pg_catalog.pg_index i"
				"   JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid"
				"  WHERE i.indrelid IN (SELECT oid FROM rels)", 1, args, ro);
	snap->nrelnames = (int) SPI_processed;
	snap->relnames = cm_alloc(arena, sizeof(char *) * (snap->nrelnames + 1));
	for (r = 0; r < snap->nrelnames; r++)
		snap->relnames[r] = cmodel_cell_text(arena, r, 1);

	/* cmodel's triggers are read as of the query's snapshot */
	tsnap = cmodel_query_snapshot(ro);
	cmodel_exec_snapshot("WITH " CM_SCHEMA_RELATIONS
						 "SELECT t.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), pa.attname,"
						 "       t.oid, a.attnotnull"
						 "  FROM pg_catalog.pg_class t"
						 "  JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped"
						 "  LEFT JOIN pg_catalog.pg_index i ON i.indrelid = t.oid AND i.indisprimary AND i.indnkeyatts = 1"
						 "  LEFT JOIN pg_catalog.pg_attribute pa ON pa.attrelid = t.oid AND pa.attnum = i.indkey[0]"
						 " WHERE t.oid IN (SELECT oid FROM rels) AND t.relkind IN ('r', 'p')"
						 " ORDER BY t.relname, a.attnum", 1, args, tsnap, ro);
	snap->tables = cm_alloc(arena, sizeof(CmTableState) * (SPI_processed + 1));
	for (r = 0; r < (int) SPI_processed; r++)
	{
		char	   *name = cmodel_cell_text(arena, r, 1);
		CmTableState *t = ntables ? &snap->tables[ntables - 1] : NULL;
		int			i;

		if (t == NULL || strcmp(t->name, name) != 0)
		{
			t = &snap->tables[ntables++];
			t->name = name;
			t->pk_column = cmodel_cell_text(arena, r, 4);
			t->triggers = cmodel_triggers_of(cmodel_cell_oid(r, 5), tsnap);
			t->columns = cm_alloc(arena, sizeof(CmColumn) * (SPI_processed - r));
		}
		i = t->ncolumns++;
		t->columns[i].name = cmodel_cell_text(arena, r, 2);
		t->columns[i].type = cmodel_cell_text(arena, r, 3);
		t->columns[i].not_null = cmodel_cell_bool(r, 6);
	}
	snap->ntables = ntables;
	UnregisterSnapshot(tsnap);

	/*
	 * Key columns as a JSON array (null for an expression), DESC flags as a
	 * t/f string, and whether anything beyond columns, order, uniqueness and
	 * method is set: a non-default operator class or collation, NULLS order,
	 * INCLUDE columns, NULLS NOT DISTINCT or expressions.
	 */
	cmodel_exec("WITH " CM_SCHEMA_RELATIONS
				"SELECT ic.relname, tc.relname, i.indisunique, am.amname,"
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
				" WHERE i.indrelid IN (SELECT oid FROM rels)", 1, args, ro);
	snap->npgindexes = (int) SPI_processed;
	snap->pgindexes = cm_alloc(arena, sizeof(CmIndexState) * (snap->npgindexes + 1));
	for (r = 0; r < snap->npgindexes; r++)
	{
		CmIndexState *s = &snap->pgindexes[r];
		char	   *flags = cmodel_cell_text(arena, r, 6);
		int			k;

		s->name = cmodel_cell_text(arena, r, 1);
		s->table = cmodel_cell_text(arena, r, 2);
		s->unique = cmodel_cell_bool(r, 3);
		s->method = cmodel_cell_text(arena, r, 4);
		s->ncolumns = cm_json_scalars(arena, cmodel_cell_text(arena, r, 5), &s->columns);
		s->desc = cm_alloc(arena, sizeof(bool) * (s->ncolumns + 1));
		for (k = 0; flags && k < s->ncolumns && flags[k]; k++)
			s->desc[k] = flags[k] == 't';
		s->partial = cmodel_cell_bool(r, 7);
		s->nondefault = cmodel_cell_bool(r, 8);
		s->valid = cmodel_cell_bool(r, 9);
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
	const char *args[1];

	memset(snap, 0, sizeof(*snap));
	snap->namespace = cm_strdup(arena, ns);
	load_registry(arena, snap, ro);	/* first: takes the namespace row lock */
	args[0] = psprintf("cmodel.%s()", cm_trigger_function(CM_TRIG_WRITE));
	cmodel_exec("SELECT pg_catalog.to_regprocedure($1) IS NULL,"
				"       pg_catalog.to_regtype('cmodel.hub') IS NULL", 1, args, ro);
	snap->no_triggers = cmodel_cell_bool(0, 1);
	snap->no_hub_type = cmodel_cell_bool(0, 2);
	load_cores(arena, snap, ro);
	load_schema(arena, snap, ro);
}

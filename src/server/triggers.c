/*-------------------------------------------------------------------------
 *
 * triggers.c
 *	  cmodel's own triggers on a table: which it has, adding the missing
 *	  ones, dropping them, and moving them with a core model.
 *
 * cmodel_write (every model table), cmodel_on_delete and cmodel_on_truncate
 * (every table a CASCADE or SET_NULL relation points at, core tables
 * included) are cmodel's: a trigger is cmodel's when its function lives in
 * schema cmodel, and which one it is follows from the function's name (the
 * core's table of triggers, kinds.c, is the one source of names, functions
 * and timings).  This file is the only one that reads pg_trigger for them:
 * the snapshot asks which a table has, the guard asks whether a trigger a
 * statement names is one of them, DROP EXTENSION drops them all, and a core
 * model registered on another table takes its on_delete triggers along.
 *
 * src/server/triggers.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"

#include "cmodel.h"

/* The schema of cmodel's functions, or InvalidOid before the extension exists. */
static Oid
cmodel_schema(void)
{
	return get_namespace_oid("cmodel", true);
}

/*
 * Which of cmodel's triggers (CM_TRIG_*) a pg_trigger row is, or 0 for a
 * trigger that is not cmodel's.  Any trigger calling a function of schema
 * cmodel counts as cmodel's (the guard protects them all), with bit -1
 * when the function is none of the known ones.
 */
static int
trigger_bit(Form_pg_trigger t, Oid schema)
{
	char	   *fname;
	int			bit;

	if (!OidIsValid(schema) || get_func_namespace(t->tgfoid) != schema)
		return 0;
	fname = get_func_name(t->tgfoid);
	bit = fname ? cm_trigger_by_function(fname) : 0;
	return bit ? bit : -1;
}

/*
 * The pg_trigger rows of one table (relid valid, optionally only the one
 * named name) or of every table, calling fn for each of cmodel's.  They are
 * read as snapshot sees them, or as committed now when it is NULL.
 */
static void
scan_triggers(Oid relid, const char *name, Snapshot snapshot,
			  void (*fn) (Form_pg_trigger t, int bit, void *arg), void *arg)
{
	Oid			schema = cmodel_schema();
	Relation	tgrel;
	ScanKeyData key[2];
	int			nkeys = 0;
	SysScanDesc scan;
	HeapTuple	tup;

	if (!OidIsValid(schema))
		return;
	tgrel = table_open(TriggerRelationId, AccessShareLock);
	if (OidIsValid(relid))
	{
		ScanKeyInit(&key[nkeys++], Anum_pg_trigger_tgrelid, BTEqualStrategyNumber, F_OIDEQ,
					ObjectIdGetDatum(relid));
		if (name)
			ScanKeyInit(&key[nkeys++], Anum_pg_trigger_tgname, BTEqualStrategyNumber, F_NAMEEQ,
						CStringGetDatum(name));
	}
	scan = systable_beginscan(tgrel, TriggerRelidNameIndexId, OidIsValid(relid), snapshot,
							  nkeys, key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_trigger t = (Form_pg_trigger) GETSTRUCT(tup);
		int			bit = trigger_bit(t, schema);

		if (bit != 0)
			fn(t, bit, arg);
	}
	systable_endscan(scan);
	table_close(tgrel, AccessShareLock);
}

static void
collect_bit(Form_pg_trigger t, int bit, void *arg)
{
	if (bit > 0)
		*(int *) arg |= bit;
}

/*
 * See cmodel.h: the CM_TRIG_* bits of the triggers relid has, as snapshot
 * sees them (the snapshot the rest of a planner's view was read with), or
 * as committed now when it is NULL.
 */
int
cmodel_triggers_of(Oid relid, Snapshot snapshot)
{
	int			bits = 0;

	scan_triggers(relid, NULL, snapshot, collect_bit, &bits);
	return bits;
}

/* See cmodel.h: the CM_TRIG_* bit of relid's trigger named name (0: none of cmodel's known ones). */
int
cmodel_trigger_bit(Oid relid, const char *name)
{
	int			bits = 0;

	scan_triggers(relid, name, NULL, collect_bit, &bits);
	return bits;
}

static void
note_found(Form_pg_trigger t, int bit, void *arg)
{
	*(bool *) arg = true;
}

/* See cmodel.h: is a trigger of relid (the one named name, or any) cmodel's? */
bool
cmodel_is_cmodel_trigger(Oid relid, const char *name)
{
	bool		found = false;

	scan_triggers(relid, name, NULL, note_found, &found);
	return found;
}

/*
 * See cmodel.h: which of cmodel's triggers (CM_TRIG_* bit, -1 for an
 * unknown one of its functions) the trigger with OID trigoid is, with its
 * table and name; 0 when it is not cmodel's or does not exist.
 */
int
cmodel_trigger_by_oid(Oid trigoid, Oid *relid, char **name)
{
	Oid			schema = cmodel_schema();
	Relation	tgrel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	int			bit = 0;

	if (!OidIsValid(schema))
		return 0;
	tgrel = table_open(TriggerRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_trigger_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(trigoid));
	scan = systable_beginscan(tgrel, TriggerOidIndexId, true, NULL, 1, &key);
	if (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_trigger t = (Form_pg_trigger) GETSTRUCT(tup);

		bit = trigger_bit(t, schema);
		*relid = t->tgrelid;
		*name = pstrdup(NameStr(t->tgname));
	}
	systable_endscan(scan);
	table_close(tgrel, AccessShareLock);
	return bit;
}

/*
 * See cmodel.h: the tgtype of any trigger of relid named name, or -1 when
 * there is none.
 */
int
cmodel_trigger_type(Oid relid, const char *name)
{
	Relation	tgrel = table_open(TriggerRelationId, AccessShareLock);
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tup;
	int			type = -1;

	ScanKeyInit(&key[0], Anum_pg_trigger_tgrelid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(relid));
	ScanKeyInit(&key[1], Anum_pg_trigger_tgname, BTEqualStrategyNumber, F_NAMEEQ,
				CStringGetDatum(name));
	scan = systable_beginscan(tgrel, TriggerRelidNameIndexId, true, NULL, 2, key);
	if (HeapTupleIsValid(tup = systable_getnext(scan)))
		type = ((Form_pg_trigger) GETSTRUCT(tup))->tgtype;
	systable_endscan(scan);
	table_close(tgrel, AccessShareLock);
	return type;
}

/*
 * See cmodel.h: is fnoid cmodel's write trigger function?  Asked once per
 * result relation of each statement that may update, so the last answer is
 * kept (a function's OID names the same function until it is dropped, and
 * the write function goes only with the extension).
 */
bool
cmodel_is_write_function(Oid fnoid)
{
	static Oid	last_oid = InvalidOid;
	static bool last_answer = false;
	Oid			schema;
	char	   *fname;

	if (fnoid == last_oid && OidIsValid(fnoid))
		return last_answer;
	schema = cmodel_schema();
	fname = OidIsValid(schema) && get_func_namespace(fnoid) == schema ?
		get_func_name(fnoid) : NULL;
	last_answer = fname && cm_trigger_by_function(fname) == CM_TRIG_WRITE;
	last_oid = fnoid;
	return last_answer;
}

static void
add_target(Form_pg_trigger t, int bit, void *arg)
{
	ObjectAddress addr;

	ObjectAddressSet(addr, TriggerRelationId, t->oid);
	add_exact_object_address(&addr, (ObjectAddresses *) arg);
}

/*
 * See cmodel.h: drop cmodel's triggers of relid, or of every table when
 * relid is InvalidOid (DROP EXTENSION: they call its functions, and an
 * allowed DROP EXTENSION should not need CASCADE for objects cmodel made).
 */
void
cmodel_drop_triggers(Oid relid)
{
	ObjectAddresses *targets = new_object_addresses();

	scan_triggers(relid, NULL, NULL, add_target, targets);
	performMultipleDeletions(targets, DROP_RESTRICT, PERFORM_DELETION_INTERNAL);
	free_object_addresses(targets);
}

/*
 * See cmodel.h: does the function of one of cmodel's triggers exist?  An
 * update from before 0.8.0 runs its older steps with this library, before
 * 0.8.0's script has made cmodel.on_delete_row() (and then the row twins
 * of the delete triggers it finds).
 */
bool
cmodel_trigger_function_exists(int which)
{
	return OidIsValid(cmodel_schema()) &&
		OidIsValid(LookupFuncName(list_make2(makeString("cmodel"),
											 makeString((char *) cm_trigger_function(which))),
								  0, NULL, true));
}

/* Create the triggers of bits on the quoted table, each firing as it should. */
static void
create_triggers(CmArena *arena, const char *qualname, int bits)
{
	int			bit;

	if ((bits & CM_TRIG_DELETE_ROW) && !cmodel_trigger_function_exists(CM_TRIG_DELETE_ROW))
		bits &= ~CM_TRIG_DELETE_ROW;
	for (bit = 1; bit < (1 << CM_TRIG_COUNT); bit <<= 1)
		if ((bits & bit) &&
			(SPI_execute(cm_trigger_sql(arena, qualname, bit), false, 0) < 0 ||
			 SPI_execute(cm_trigger_enable_sql(arena, qualname, bit), false, 0) < 0))
			elog(ERROR, "cmodel: could not create trigger %s on %s",
				 cm_trigger_name(bit), qualname);
}

/*
 * See cmodel.h: give relid those of the triggers in bits it lacks (the
 * delete trigger comes with its row twin).  The caller is connected to SPI.
 */
void
cmodel_add_triggers(Oid relid, int bits)
{
	CmArena    *arena;
	int			missing = ((bits & CM_TRIG_DELETE) ? bits | CM_TRIG_DELETE_ROW : bits) &
		~cmodel_triggers_of(relid, NULL);
	char	   *qualname;

	if (missing == 0)
		return;
	qualname = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
										  get_rel_name(relid));
	arena = cmodel_core_begin();
	PG_TRY();
	{
		create_triggers(arena, qualname, missing);
	}
	PG_FINALLY();
	{
		cmodel_core_end(arena);
	}
	PG_END_TRY();
}

/*
 * Does a CASCADE or SET_NULL relation of the registry point at relid?  Such
 * a table needs the on_delete triggers.
 */
static bool
needs_delete_triggers(Oid relid)
{
	Oid			types[3] = {OIDOID, TEXTOID, TEXTOID};
	Datum		values[3] = {ObjectIdGetDatum(relid),
		CStringGetTextDatum(cm_on_delete_name(CM_OD_CASCADE)),
	CStringGetTextDatum(cm_on_delete_name(CM_OD_SET_NULL))};
	bool		isnull;

	if (SPI_execute_with_args("SELECT EXISTS (SELECT 1 FROM cmodel.reg_relation r"
							  " WHERE r.target_table::pg_catalog.oid OPERATOR(pg_catalog.=) $1"
							  "   AND NOT r.retired"
							  "   AND r.on_delete OPERATOR(pg_catalog.=) ANY (ARRAY[$2, $3]))",
							  3, types, values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "cmodel: could not read the relations of a core model");
	return DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
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
	bool		old_exists = get_rel_name(old_tbl) != NULL;
	int			guc_level = cmodel_citus_local_settings();

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "cmodel: SPI_connect failed");
	if (needs_delete_triggers(new_tbl))
		cmodel_add_triggers(new_tbl, CM_TRIG_DELETE | CM_TRIG_TRUNCATE);
	if (old_exists && !needs_delete_triggers(old_tbl))
		cmodel_drop_triggers(old_tbl);
	if (old_exists)
		CacheInvalidateRelcacheByRelid(old_tbl);
	CacheInvalidateRelcacheByRelid(new_tbl);
	SPI_finish();
	cmodel_node_catalog_refresh(NULL);
	if (guc_level > 0)
		AtEOXact_GUC(true, guc_level);
	PG_RETURN_VOID();
}

/* See cmodel.h: cmodel's triggers of relid fire as cmodel made them (ALWAYS, the row twin REPLICA). */
void
cmodel_restore_trigger_modes(Oid relid)
{
	int			bits = cmodel_triggers_of(relid, NULL);
	CmArena    *arena;
	char	   *qualname;

	if (bits == 0)
		return;
	qualname = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
										  get_rel_name(relid));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "cmodel: SPI_connect failed");
	arena = cmodel_core_begin();
	PG_TRY();
	{
		int			bit;

		for (bit = 1; bit < (1 << CM_TRIG_COUNT); bit <<= 1)
			if ((bits & bit) && SPI_execute(cm_trigger_enable_sql(arena, qualname, bit), false, 0) < 0)
				elog(ERROR, "cmodel: could not restore trigger %s on %s", cm_trigger_name(bit), qualname);
	}
	PG_FINALLY();
	{
		cmodel_core_end(arena);
	}
	PG_END_TRY();
	SPI_finish();
}

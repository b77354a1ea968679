/*-------------------------------------------------------------------------
 *
 * probe.c
 *	  Fast registry lookups for the lifecycle guard's event triggers.
 *
 * The guard runs for every DDL statement in the database, most of which
 * have nothing to do with cmodel, so its questions ("is this schema a
 * namespace?", "is this a core table?") are answered here by scanning the
 * registry tables directly, without SPI, planning or permission checks: the
 * registry is metadata every role may read anyway.  Scans use the latest
 * snapshot, as catalog lookups do, so a namespace another session
 * registered and committed counts at once, even for a REPEATABLE READ
 * transaction that started before.  When the extension is not installed,
 * or its own script or DROP EXTENSION runs, a missing registry means every
 * answer is "no"; otherwise it is an error (registry_relid).
 *
 * The only write, moving namespace generations, goes through SPI as the
 * registry's owner with every operator schema-qualified, because it runs
 * inside whatever role and search_path the DDL's session has.
 *
 * src/server/probe.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/xact.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "cmodel.h"

/* Attribute numbers in the registry tables (see cmodel--0.1.0.sql). */
#define Anum_reg_namespace_namespace 1
#define Anum_reg_core_model_tbl 2
#define Anum_reg_core_model_key_column 3

/*
 * Set while a transaction drops a relation of schema cmodel: the extension
 * is going (its members can go no other way).
 */
static bool registry_going = false;

/* Set for a statement that break-glass lets through (guard_report.c). */
static bool registry_lenient = false;

/* See cmodel.h. */
void
cmodel_probe_set_registry_going(bool going)
{
	registry_going = going;
}

/* See cmodel.h. */
void
cmodel_probe_set_lenient(bool lenient)
{
	registry_lenient = lenient;
}

/*
 * See cmodel.h: is cmodel's own install or update script running?  Another
 * extension's script is an ordinary client as far as the registry goes.
 */
bool
cmodel_probe_own_script(void)
{
	return creating_extension && OidIsValid(CurrentExtensionObject) &&
		CurrentExtensionObject == get_extension_oid("cmodel", true);
}

/*
 * A registry relation of the installed extension, or InvalidOid when the
 * extension is not installed, is being created or updated by its own
 * script, or is being dropped.  Otherwise a missing registry relation is
 * an error: the guard fails closed, since without the registry it cannot
 * tell a namespace from any other schema.  Break-glass lets a superuser
 * through to put the registry back.
 */
static Oid
registry_relid(const char *relname)
{
	Oid			nsp = get_namespace_oid("cmodel", true);
	Oid			relid = OidIsValid(nsp) ? get_relname_relid(relname, nsp) : InvalidOid;

	if (OidIsValid(relid) || registry_going || registry_lenient || cmodel_probe_own_script() ||
		!OidIsValid(get_extension_oid("cmodel", true)))
		return relid;
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("cmodel's registry relation \"cmodel.%s\" is missing", relname),
			 errdetail("Extension \"cmodel\" is installed, but its registry was renamed, moved or dropped; without it the lifecycle guard cannot tell which schemas are namespaces, so it refuses DDL."),
			 errhint("Put the registry back: a superuser can SET cmodel.allow_destructive_ddl = on and rename or move the relation back to \"cmodel.%s\".",
					 relname)));
	return InvalidOid;			/* not reached */
}

/*
 * One open registry scan: the relation, the snapshot and the scan, with up
 * to two equality keys on text columns (an index is used when given).
 */
typedef struct RegistryScan
{
	Relation	rel;
	Snapshot	snapshot;
	SysScanDesc scan;
} RegistryScan;

static bool
registry_scan_begin(RegistryScan *rs, const char *relname, const char *indexname,
					int nkeys, const AttrNumber *attnos, const char *const *values)
{
	Oid			relid = registry_relid(relname);
	Oid			indexid = indexname ? registry_relid(indexname) : InvalidOid;
	ScanKeyData keys[2];
	int			i;

	Assert(nkeys <= 2);
	if (!OidIsValid(relid))
		return false;
	rs->rel = table_open(relid, AccessShareLock);
	for (i = 0; i < nkeys; i++)
		ScanKeyEntryInitialize(&keys[i], 0, attnos[i], BTEqualStrategyNumber,
							   InvalidOid,
							   TupleDescAttr(RelationGetDescr(rs->rel), attnos[i] - 1)->attcollation,
							   F_TEXTEQ, CStringGetTextDatum(values[i]));
	/* a reader run by a parallel query (hub getters) cannot take a new one */
	rs->snapshot = RegisterSnapshot(IsInParallelMode() ? GetActiveSnapshot() : GetLatestSnapshot());
	rs->scan = systable_beginscan(rs->rel, indexid, OidIsValid(indexid), rs->snapshot,
								  nkeys, keys);
	return true;
}

static void
registry_scan_end(RegistryScan *rs)
{
	systable_endscan(rs->scan);
	UnregisterSnapshot(rs->snapshot);
	table_close(rs->rel, AccessShareLock);
}

/* Text value of a registry column. */
static char *
registry_text(RegistryScan *rs, HeapTuple tuple, AttrNumber attno)
{
	bool		isnull;
	Datum		d = heap_getattr(tuple, attno, RelationGetDescr(rs->rel), &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/*
 * The registry's owner (the role that created the extension), or
 * InvalidOid when the extension is not installed.
 */
Oid
cmodel_probe_registry_owner(void)
{
	Oid			relid = registry_relid("reg_namespace");
	HeapTuple	tuple;
	Oid			owner;

	if (!OidIsValid(relid))
		return InvalidOid;
	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tuple))
		return InvalidOid;
	owner = ((Form_pg_class) GETSTRUCT(tuple))->relowner;
	ReleaseSysCache(tuple);
	return owner;
}

/* Is there a registered namespace of this name (on a Citus worker: one the node catalog lists)? */
bool
cmodel_probe_is_namespace(const char *name)
{
	RegistryScan rs;
	AttrNumber	attno = Anum_reg_namespace_namespace;
	bool		found;

	if (!cm_namespace_name_ok(name) ||
		!registry_scan_begin(&rs, "reg_namespace", "reg_namespace_pkey", 1, &attno, &name))
		return false;
	found = HeapTupleIsValid(systable_getnext(rs.scan));
	registry_scan_end(&rs);
	/* a Citus worker has no registry: the node catalog names the namespaces */
	return found || (cmodel_citus_worker() && cmodel_node_catalog_has_namespace(name));
}

/*
 * The namespace a schema is, or NULL.  Reserved and temporary schemas are
 * answered without looking at the registry.
 */
char *
cmodel_probe_schema_namespace(Oid nspid)
{
	char	   *name;

	if (!OidIsValid(nspid) || nspid == PG_CATALOG_NAMESPACE ||
		nspid == PG_PUBLIC_NAMESPACE || nspid == PG_TOAST_NAMESPACE ||
		isAnyTempNamespace(nspid))
		return NULL;
	name = get_namespace_name(nspid);
	if (name == NULL || !cmodel_probe_is_namespace(name))
		return NULL;
	return name;
}

/* Names of the registered namespaces whose schemas exist. */
List *
cmodel_probe_namespaces(void)
{
	RegistryScan rs;
	HeapTuple	tuple;
	List	   *names = NIL;

	if (!registry_scan_begin(&rs, "reg_namespace", NULL, 0, NULL, NULL))
		return NIL;
	while (HeapTupleIsValid(tuple = systable_getnext(rs.scan)))
	{
		char	   *name = registry_text(&rs, tuple, Anum_reg_namespace_namespace);

		if (OidIsValid(get_namespace_oid(name, true)))
			names = lappend(names, name);
	}
	registry_scan_end(&rs);
	return names;
}

/*
 * The key columns registered for the relation as a core table (a table may
 * be several core models), or NIL when it is none.
 */
List *
cmodel_probe_core_keys(Oid relid)
{
	RegistryScan rs;
	HeapTuple	tuple;
	List	   *keys = NIL;

	if (!OidIsValid(relid) ||
		!registry_scan_begin(&rs, "reg_core_model", NULL, 0, NULL, NULL))
		return NIL;
	while (HeapTupleIsValid(tuple = systable_getnext(rs.scan)))
	{
		bool		isnull;
		Datum		tbl = heap_getattr(tuple, Anum_reg_core_model_tbl,
									   RelationGetDescr(rs.rel), &isnull);

		if (isnull || DatumGetObjectId(tbl) != relid)
			continue;
		keys = lappend(keys, pstrdup(NameStr(*DatumGetName(heap_getattr(tuple, Anum_reg_core_model_key_column,
																	   RelationGetDescr(rs.rel), &isnull)))));
	}
	registry_scan_end(&rs);
	/* a Citus worker has no registry: a core table's shard has the keys the node catalog lists */
	if (keys == NIL && cmodel_citus_worker())
	{
		char	   *logical;

		if (cmodel_citus_shard_of(relid, &logical))
			keys = cmodel_node_catalog_core_keys(get_namespace_name(get_rel_namespace(relid)), logical);
	}
	return keys;
}

/* Is the relation a registered core table? */
bool
cmodel_probe_is_core_table(Oid relid)
{
	return cmodel_probe_core_keys(relid) != NIL;
}

/* Does the table have a primary key?  Read from pg_constraint, no lock. */
bool
cmodel_probe_has_primary_key(Oid relid)
{
	Relation	rel = table_open(ConstraintRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	bool		found = false;

	ScanKeyInit(&key, Anum_pg_constraint_conrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	scan = systable_beginscan(rel, ConstraintRelidTypidNameIndexId, true, NULL, 1, &key);
	while (!found && HeapTupleIsValid(tuple = systable_getnext(scan)))
		found = ((Form_pg_constraint) GETSTRUCT(tuple))->contype == CONSTRAINT_PRIMARY;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return found;
}

/*
 * Move the generation of the named namespaces (or of all, when "all"), so
 * the no-op cache stops vouching for them.  Runs as the registry's owner:
 * the DDL that triggers it may come from any role.
 */
void
cmodel_probe_bump(List *names, bool all)
{
	Oid			owner;
	Oid			save_userid;
	int			save_sec;
	Datum	   *elems;
	ListCell   *lc;
	int			n = 0;
	Oid			types[2] = {BOOLOID, TEXTARRAYOID};
	Datum		values[2];
	volatile int depth;

	if (names == NIL && !all)
		return;
	owner = cmodel_probe_registry_owner();
	if (!OidIsValid(owner))
		return;
	elems = palloc(sizeof(Datum) * (list_length(names) + 1));
	foreach(lc, names)
		elems[n++] = CStringGetTextDatum((char *) lfirst(lc));
	values[0] = BoolGetDatum(all);
	values[1] = PointerGetDatum(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));

	GetUserIdAndSecContext(&save_userid, &save_sec);
	SetUserIdAndSecContext(owner,
						   save_sec | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "cmodel: SPI_connect failed");
	depth = cmodel_registry_unlock();
	PG_TRY();
	{
		if (SPI_execute_with_args("UPDATE cmodel.reg_namespace"
								  "   SET generation = generation OPERATOR(pg_catalog.+) 1"
								  " WHERE $1 OR namespace OPERATOR(pg_catalog.=) ANY ($2)",
								  2, types, values, NULL, false, 0) != SPI_OK_UPDATE)
			elog(ERROR, "cmodel: could not move namespace generations");
	}
	PG_FINALLY();
	{
		cmodel_registry_relock(depth);
	}
	PG_END_TRY();
	SPI_finish();
	SetUserIdAndSecContext(save_userid, save_sec);
}

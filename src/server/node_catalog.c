/*-------------------------------------------------------------------------
 *
 * node_catalog.c
 *	  The node catalog: what cmodel's data triggers need of the registry,
 *	  by schema and table name, on every node of a Citus cluster.
 *
 * The registry lives on the coordinator, and names core tables by regclass,
 * an oid that means nothing on another node.  A shard's triggers run on
 * the worker that holds it, where there is no registry: they find their
 * table's on_delete rules, auto_now columns and label in
 * cmodel.node_catalog instead, whose rows name tables by schema and name
 * (relinfo.c reads them for a shard).  cmodel.node_facts derives the rows
 * from the registry; every registration rewrites its namespace's rows from
 * it, in its own transaction, so the catalog never says what the registry
 * does not.  On one node nothing reads the catalog: the triggers read the
 * registry itself.
 *
 * With Citus installed and nodes in its metadata, the catalog is a
 * reference table: a copy of it (a placement) on every node, written
 * through the coordinator like any other.  cmodel makes it one itself, at
 * the first rewrite after Citus has nodes, or when a superuser runs
 * cmodel_citus_prepare().  The statement trigger on it, which Citus copies
 * to every placement, sends a relcache invalidation of the relation it
 * fired on, and relinfo.c drops every entry it built from that relation.
 *
 * src/server/node_catalog.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "cmodel.h"

/* Attribute numbers in cmodel.node_catalog (see cmodel.sql). */
#define Anum_node_catalog_kind 2
#define Anum_node_catalog_schema_name 3
#define Anum_node_catalog_table_name 4
#define Anum_node_catalog_column_name 5

/* The catalog's own relation (the Citus table's shell, if it is one), or InvalidOid. */
static Oid
catalog_relid(void)
{
	Oid			schema = get_namespace_oid("cmodel", true);

	return OidIsValid(schema) ? get_relname_relid("node_catalog", schema) : InvalidOid;
}

/*
 * See cmodel.h: the relation on this node that holds the catalog's rows:
 * the catalog itself, or, once it is a Citus reference table, its
 * placement here; InvalidOid when this node has none (a worker before the
 * catalog became a reference table has only its own, empty copy).  Asked
 * once per transaction.
 */
Oid
cmodel_node_catalog_here(void)
{
	static LocalTransactionId checked = InvalidLocalTransactionId;
	static Oid	here = InvalidOid;
	Oid			relid;
	List	   *shards;
	bool		all_here;

	if (checked == MyProc->lxid && LocalTransactionIdIsValid(checked))
		return here;
	relid = catalog_relid();
	if (!OidIsValid(relid))
		here = InvalidOid;
	else if (cmodel_citus_table(relid))
	{
		shards = cmodel_citus_local_shards(relid, &all_here);
		here = shards ? linitial_oid(shards) : InvalidOid;
	}
	else
		here = cmodel_citus_worker() ? InvalidOid : relid;	/* a worker's own is never written */
	checked = MyProc->lxid;
	return here;
}

/*
 * Make the catalog a Citus reference table, unless it is one already or
 * Citus has no nodes to place it on (a cluster being set up: the next
 * rewrite tries again).  Concurrent registrations convert it once: the
 * second waits for the first's lock and then finds it done.
 */
static void
make_reference(Oid relid, bool required)
{
	if (!cmodel_citus_present() || cmodel_citus_table(relid))
		return;
	if (!cmodel_citus_has_nodes())
	{
		if (required)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("cannot place cmodel's node catalog \"cmodel.node_catalog\" on the Citus nodes: Citus has no nodes"),
					 errdetail("pg_dist_node lists no active primary node, so a reference table would have no placement."),
					 errhint("Add the coordinator (citus_set_coordinator_host) and the workers (citus_add_node), then run cmodel_citus_prepare() again.")));
		return;
	}
	LockRelationOid(relid, ExclusiveLock);
	/* Citus's metadata is read as of now (citus.c), so the first's conversion shows */
	if (!cmodel_citus_table(relid))
		cmodel_citus_make_reference(relid);
}

/* Rewrite the rows of namespace ns (NULL: every namespace) from cmodel.node_facts. */
static void
rewrite(const char *ns)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {ns ? CStringGetTextDatum(ns) : (Datum) 0};
	char		nulls[1] = {ns ? ' ' : 'n'};

	if (SPI_execute_with_args("DELETE FROM cmodel.node_catalog"
							  " WHERE $1 IS NULL OR namespace OPERATOR(pg_catalog.=) $1",
							  1, types, values, nulls, false, 0) != SPI_OK_DELETE ||
		SPI_execute_with_args("INSERT INTO cmodel.node_catalog SELECT * FROM cmodel.node_facts"
							  " WHERE $1 IS NULL OR namespace OPERATOR(pg_catalog.=) $1",
							  1, types, values, nulls, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "cmodel: could not rewrite the node catalog");
}

/* The owner of relation relid. */
static Oid
rel_owner(Oid relid)
{
	HeapTuple	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cmodel: cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tuple))->relowner;
	ReleaseSysCache(tuple);
	return owner;
}

/*
 * Rewrite the catalog (ns's rows, or all with ns NULL) as its owner, who
 * is the registry's: the statement that called for it may be a rename by
 * a core table's owner, who may only read the catalog.  With Citus, make
 * it a reference table first (required: or fail).
 */
static void
rewrite_as_owner(Oid relid, const char *ns, bool required)
{
	Oid			save_user;
	int			save_sec;
	int			guc_level;

	GetUserIdAndSecContext(&save_user, &save_sec);
	SetUserIdAndSecContext(rel_owner(relid), save_sec | SECURITY_LOCAL_USERID_CHANGE);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "cmodel: SPI_connect failed");
	guc_level = cmodel_citus_local_settings();
	make_reference(relid, required);
	rewrite(ns);
	if (guc_level > 0)
		AtEOXact_GUC(true, guc_level);
	SPI_finish();
	SetUserIdAndSecContext(save_user, save_sec);
}

/* See cmodel.h: the registry of namespace ns (NULL: any) changed in this transaction. */
void
cmodel_node_catalog_refresh(const char *ns)
{
	Oid			relid = catalog_relid();

	/* an upgrade step before the catalog existed; a worker, whose registry is empty */
	if (!OidIsValid(relid) || cmodel_citus_worker())
		return;
	rewrite_as_owner(relid, ns, false);
}

/*
 * See cmodel.h: a statement renamed or moved a relation or schema.  The
 * registry names core tables by oid, and the catalog by name: when a core
 * table a relation points at now has another name than the catalog's rows
 * say, every namespace's rows are rewritten.
 */
void
cmodel_node_catalog_follow_renames(void)
{
	bool		stale;

	if (!OidIsValid(catalog_relid()) || cmodel_citus_worker())
		return;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "cmodel: SPI_connect failed");
	if (SPI_execute("SELECT 1 FROM (SELECT schema_name, table_name FROM cmodel.node_facts"
					" WHERE kind OPERATOR(pg_catalog.=) ANY ('{r,c}'::\"char\"[])"
					" EXCEPT SELECT schema_name, table_name FROM cmodel.node_catalog"
					" WHERE kind OPERATOR(pg_catalog.=) ANY ('{r,c}'::\"char\"[])) d", false, 1) != SPI_OK_SELECT)
		elog(ERROR, "cmodel: could not compare the node catalog with the registry");
	stale = SPI_processed > 0;
	SPI_finish();
	if (stale)
		cmodel_node_catalog_refresh(NULL);
}

/*
 * The column_name of this node's catalog rows of a kind for schema.table
 * (table NULL: any), as the guard reads the registry (probe.c): a scan of
 * the catalog's placement here, without SPI.  limit 1 stops at the first.
 */
static List *
scan_catalog(char kind, const char *schema, const char *table, int limit)
{
	Oid			relid = cmodel_node_catalog_here();
	Relation	rel;
	ScanKeyData keys[3];
	Snapshot	snapshot;
	SysScanDesc scan;
	HeapTuple	tuple;
	List	   *columns = NIL;
	int			nkeys = table ? 3 : 2;

	if (!OidIsValid(relid))
		return NIL;
	rel = table_open(relid, AccessShareLock);
	ScanKeyInit(&keys[0], Anum_node_catalog_kind, BTEqualStrategyNumber, F_CHAREQ, CharGetDatum(kind));
	ScanKeyInit(&keys[1], Anum_node_catalog_schema_name, BTEqualStrategyNumber, F_NAMEEQ,
				DirectFunctionCall1(namein, CStringGetDatum(schema)));
	if (table)
		ScanKeyInit(&keys[2], Anum_node_catalog_table_name, BTEqualStrategyNumber, F_NAMEEQ,
					DirectFunctionCall1(namein, CStringGetDatum(table)));
	snapshot = RegisterSnapshot(GetLatestSnapshot());
	scan = systable_beginscan(rel, InvalidOid, false, snapshot, nkeys, keys);
	while ((limit == 0 || list_length(columns) < limit) &&
		   HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		bool		isnull;
		Datum		d = heap_getattr(tuple, Anum_node_catalog_column_name, RelationGetDescr(rel), &isnull);

		columns = lappend(columns, isnull ? pstrdup("") : pstrdup(NameStr(*DatumGetName(d))));
	}
	systable_endscan(scan);
	UnregisterSnapshot(snapshot);
	table_close(rel, AccessShareLock);
	return columns;
}

/* See cmodel.h: does this node's catalog list namespace name?  (For the guard on a worker.) */
bool
cmodel_node_catalog_has_namespace(const char *name)
{
	return scan_catalog('n', name, NULL, 1) != NIL;
}

/* See cmodel.h: the key columns this node's catalog lists for core table schema.table. */
List *
cmodel_node_catalog_core_keys(const char *schema, const char *table)
{
	return scan_catalog('c', schema, table, 0);
}

/*
 * cmodel_citus_prepare(): rewrite the whole catalog and, with Citus, make
 * it a reference table now: for a cluster whose registrations came before
 * its nodes, so that shards find their rules without waiting for the next
 * registration.  Runs on the coordinator, where the registry is.
 */
PG_FUNCTION_INFO_V1(cmodel_citus_prepare);
Datum
cmodel_citus_prepare(PG_FUNCTION_ARGS)
{
	cmodel_require_primary("rewrite cmodel's node catalog");
	cmodel_citus_require_coordinator("rewrite cmodel's node catalog");
	rewrite_as_owner(catalog_relid(), NULL, cmodel_citus_present());
	PG_RETURN_VOID();
}

/*
 * cmodel.node_catalog_changed(): AFTER INSERT OR UPDATE OR DELETE OR
 * TRUNCATE FOR EACH STATEMENT on the catalog and (Citus copies it) on each
 * of its placements.  Sessions that built rules from this relation build
 * them again after the change commits.
 */
PG_FUNCTION_INFO_V1(cmodel_node_catalog_changed);
Datum
cmodel_node_catalog_changed(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_STATEMENT(td->tg_event) ||
		!TRIGGER_FIRED_AFTER(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function cmodel.node_catalog_changed() must be fired AFTER ... FOR EACH STATEMENT"),
				 errdetail("It is the trigger of cmodel's node catalog and its Citus placements."),
				 errhint("Do not use it in triggers of your own.")));
	CacheInvalidateRelcacheByRelid(RelationGetRelid(td->tg_relation));
	return PointerGetDatum(NULL);
}

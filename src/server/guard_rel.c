/*-------------------------------------------------------------------------
 *
 * guard_rel.c
 *	  The objects a DDL statement reaches, as the lifecycle guard sees
 *	  them: relations, whether they are guarded, and the types their
 *	  columns use.
 *
 * A relation is "guarded" when it is a table, an index or a sequence in a
 * namespace; an index is guarded only when it is valid and on a table (an
 * index a failed CREATE INDEX CONCURRENTLY left behind holds nothing, nor
 * does one of a materialized view).  Names are resolved the way the
 * statement will resolve them, without locks.  The registry's own
 * relations are marked too: only an extension script may change them.
 *
 * src/server/guard_rel.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/index.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_index.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "commands/tablespace.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/parsenodes.h"
#include "parser/parse_type.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "cmodel.h"

static bool
guarded_relkind(char relkind)
{
	return relkind == RELKIND_RELATION || relkind == RELKIND_PARTITIONED_TABLE ||
		relkind == RELKIND_INDEX || relkind == RELKIND_PARTITIONED_INDEX ||
		relkind == RELKIND_SEQUENCE;
}

bool
cmodel_guard_is_index(char relkind)
{
	return relkind == RELKIND_INDEX || relkind == RELKIND_PARTITIONED_INDEX;
}

/*
 * An index is guarded when it is valid and on a table: an index a failed
 * CREATE INDEX CONCURRENTLY left behind holds nothing, nor does one of a
 * materialized view.
 */
static bool
index_guarded(Oid indexoid)
{
	HeapTuple	tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
	Form_pg_index form;
	bool		valid;
	char		table_kind;

	if (!HeapTupleIsValid(tuple))
		return false;
	form = (Form_pg_index) GETSTRUCT(tuple);
	valid = form->indisvalid;
	table_kind = get_rel_relkind(form->indrelid);
	ReleaseSysCache(tuple);
	return valid && (table_kind == RELKIND_RELATION || table_kind == RELKIND_PARTITIONED_TABLE);
}

/* Fill *r for a relation; false if it does not exist. */
bool
cmodel_guard_describe_rel(Oid relid, CmGuardRel *r)
{
	HeapTuple	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Form_pg_class form;
	char	   *logical;

	if (!HeapTupleIsValid(tuple))
		return false;
	form = (Form_pg_class) GETSTRUCT(tuple);
	r->relid = relid;
	r->relkind = form->relkind;
	r->nspid = form->relnamespace;
	r->relname = pstrdup(NameStr(form->relname));
	ReleaseSysCache(tuple);
	r->ns = cmodel_probe_schema_namespace(r->nspid);
	r->qualname = psprintf("%s.%s", r->ns ? r->ns : get_namespace_name(r->nspid), r->relname);
	/* a Citus shard is judged, and named, as its table */
	if (cmodel_citus_shard_of(relid, &logical))
		r->qualname = psprintf("%s.%s", r->ns ? r->ns : get_namespace_name(r->nspid), logical);
	r->guarded = r->ns != NULL && guarded_relkind(r->relkind) &&
		(!cmodel_guard_is_index(r->relkind) || index_guarded(relid));
	/* cmodel's own scripts may change the registry, and Citus its placements; nothing else may */
	r->registry = !cmodel_probe_own_script() && r->nspid == get_namespace_oid("cmodel", true) &&
		!cmodel_citus_own_shard(relid);
	r->citus_stale = r->relkind == RELKIND_RELATION && cmodel_citus_stale_shard(relid);
	return true;
}

/* Is the relation one the guard keeps (for the drop watch)? */
bool
cmodel_guard_relation_guarded(Oid relid)
{
	CmGuardRel	r;

	return cmodel_guard_describe_rel(relid, &r) && r.guarded;
}

/* The namespace of a relation (NULL if none), for the other triggers. */
char *
cmodel_guard_rel_namespace(Oid relid, char **qualname, bool *guarded)
{
	CmGuardRel	r;

	if (!cmodel_guard_describe_rel(relid, &r))
		return NULL;
	*qualname = r.qualname;
	*guarded = r.guarded;
	return r.ns;
}

/* Resolve a RangeVar as the statement will, without locking. */
bool
cmodel_guard_lookup_rv(RangeVar *rv, CmGuardRel *r)
{
	Oid			relid;

	if (rv == NULL)
		return false;
	relid = RangeVarGetRelidExtended(rv, NoLock, RVR_MISSING_OK, NULL, NULL);
	return OidIsValid(relid) && cmodel_guard_describe_rel(relid, r);
}

/*
 * Note that the statement reaches a relation: its namespace is touched, or,
 * outside namespaces, a core table (or an index on one) moves every
 * namespace's generation.
 */
void
cmodel_guard_note_rel(CmGuardScope *scope, CmGuardRel *r)
{
	Oid			table = r->relid;

	if (r->ns)
	{
		cmodel_guard_touch(scope, r->ns);
		if (scope->denied == NULL && r->guarded &&
			!pg_class_ownercheck(r->relid, GetUserId()) &&
			!pg_namespace_ownercheck(r->nspid, GetUserId()))
			scope->denied = psprintf("%s %s", cmodel_guard_kind_word(r->relkind), r->qualname);
		return;
	}
	if (scope->core)
		return;
	if (cmodel_guard_is_index(r->relkind))
		table = IndexGetRelation(r->relid, true);
	if (cmodel_probe_is_core_table(table))
		scope->core = true;
}

/* "table", "index" or "sequence", for messages. */
const char *
cmodel_guard_kind_word(char relkind)
{
	if (cmodel_guard_is_index(relkind))
		return "index";
	if (relkind == RELKIND_SEQUENCE)
		return "sequence";
	return "table";
}

/* The rule for dropping, renaming or moving a guarded relation. */
CmGuardRule
cmodel_guard_drop_rule(char relkind)
{
	if (cmodel_guard_is_index(relkind))
		return CM_GUARD_DROP_INDEX;
	if (relkind == RELKIND_SEQUENCE)
		return CM_GUARD_SEQUENCE;
	return CM_GUARD_DROP_MODEL;
}

void
cmodel_guard_trigger_violation(CmGuardScope *scope, CmGuardRel *r, const char *what, const char *name)
{
	cmodel_guard_violation(scope, r->registry ? CM_GUARD_REGISTRY : CM_GUARD_DATA_TRIGGER,
						   r->registry ? "cmodel" : r->qualname, NULL,
						   name ? "cannot %s trigger \"%s\" of table \"%s\"" : "cannot %s%s triggers of table \"%s\"",
						   what, name ? name : "", r->qualname);
}

/*
 * A table outside namespaces that CASCADE or SET_NULL relations point at
 * (it has cmodel's on_delete triggers): dropping it, giving it inheritance
 * children or partitions, or making it unlogged would lose or bypass their
 * on_delete.  what is the verb of the message ("drop", "make unlogged").
 * A Citus shard this node does not hold has no rows of the table's: Citus
 * drops it after a move.
 */
void
cmodel_guard_check_core_parent(CmGuardScope *scope, CmGuardRel *r, const char *what)
{
	if (r->ns || (r->relkind != RELKIND_RELATION && r->relkind != RELKIND_PARTITIONED_TABLE) ||
		r->citus_stale || !(cmodel_triggers_of(r->relid, NULL) & CM_TRIG_DELETE))
		return;
	cmodel_guard_violation(scope, CM_GUARD_CORE_PARENT, r->qualname, NULL,
						   "cannot %s table \"%s\": CASCADE or SET_NULL relations point at it",
						   what, r->qualname);
}

/* Is attnum a core key column of the table? */
static bool
is_core_key(Oid relid, AttrNumber attnum)
{
	ListCell   *lc;

	foreach(lc, cmodel_probe_core_keys(relid))
		if (get_attnum(relid, (char *) lfirst(lc)) == attnum)
			return true;
	return false;
}

/*
 * Does another unique, non-partial index of the table cover exactly the
 * column, besides the one given?
 */
static bool
other_unique_index(Oid relid, AttrNumber attnum, Oid except)
{
	Relation	rel = table_open(relid, AccessShareLock);
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	bool		found = false;

	foreach(lc, indexes)
	{
		HeapTuple	tup;
		Form_pg_index form;

		if (lfirst_oid(lc) == except)
			continue;
		tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(lc)));
		if (!HeapTupleIsValid(tup))
			continue;
		form = (Form_pg_index) GETSTRUCT(tup);
		found |= form->indisunique && form->indnkeyatts == 1 && form->indkey.values[0] == attnum &&
			heap_attisnull(tup, Anum_pg_index_indpred, NULL);
		ReleaseSysCache(tup);
	}
	table_close(rel, AccessShareLock);
	return found;
}

/*
 * See cmodel.h: the unique index a core model's key relies on may not go
 * while CASCADE or SET_NULL relations point at the table (without it a
 * duplicate key would take another row's children along).
 */
void
cmodel_guard_check_core_key_index(CmGuardScope *scope, Oid indexoid)
{
	HeapTuple	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
	Form_pg_index form;
	Oid			relid;
	AttrNumber	attnum;
	bool		keyed;

	if (!HeapTupleIsValid(tup))
		return;
	form = (Form_pg_index) GETSTRUCT(tup);
	relid = form->indrelid;
	attnum = form->indnkeyatts == 1 ? form->indkey.values[0] : InvalidAttrNumber;
	keyed = form->indisunique && attnum != InvalidAttrNumber;
	ReleaseSysCache(tup);
	if (!keyed || !(cmodel_triggers_of(relid, NULL) & CM_TRIG_DELETE) ||
		!is_core_key(relid, attnum) || other_unique_index(relid, attnum, indexoid))
		return;
	{
		CmGuardRel	r;

		if (!cmodel_guard_describe_rel(relid, &r))
			return;
		/* a Citus shard is named as its table */
		cmodel_guard_violation(scope, CM_GUARD_CORE_PARENT, r.qualname, NULL,
							   "cannot drop index \"%s\": it keeps the key of core table \"%s\" unique",
							   get_rel_name(indexoid), r.qualname);
	}
}

/* See cmodel.h: a core model's key column may not be dropped or retyped while relations point at it. */
void
cmodel_guard_check_core_key_column(CmGuardScope *scope, CmGuardRel *r, const char *column,
								   const char *what)
{
	AttrNumber	attnum = get_attnum(r->relid, column);

	if (r->ns || attnum == InvalidAttrNumber || !(cmodel_triggers_of(r->relid, NULL) & CM_TRIG_DELETE) ||
		!is_core_key(r->relid, attnum))
		return;
	cmodel_guard_violation(scope, CM_GUARD_CORE_PARENT, r->qualname, NULL,
						   "cannot %s column \"%s\" of table \"%s\": it is a core model's key",
						   what, column, r->qualname);
}

/*
 * Is the type used by a column of a guarded table, directly or nested:
 * through domains over it, arrays and ranges of it, and composite types
 * (or tables' row types) with an attribute of it, at any depth?  Fills *r
 * and *attnum with the first such column.
 */
static bool
type_in_namespace_column(Oid typid, CmGuardRel *r, AttrNumber *attnum, int depth)
{
	Relation	rel;
	ScanKeyData keys[2];
	SysScanDesc scan;
	HeapTuple	tuple;
	bool		found = false;

	if (depth > 8)
		return false;
	rel = table_open(DependRelationId, AccessShareLock);
	ScanKeyInit(&keys[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(TypeRelationId));
	ScanKeyInit(&keys[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(typid));
	scan = systable_beginscan(rel, DependReferenceIndexId, true, NULL, 2, keys);
	while (!found && HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tuple);

		if (dep->classid == RelationRelationId && dep->objsubid > 0)
		{
			Oid			rowtype;

			found = cmodel_guard_describe_rel(dep->objid, r) && r->guarded;
			*attnum = dep->objsubid;
			/* an attribute of a composite type (or row type) a column may use */
			if (!found && OidIsValid(rowtype = get_rel_type_id(dep->objid)) && rowtype != typid)
				found = type_in_namespace_column(rowtype, r, attnum, depth + 1);
		}
		else if (dep->classid == TypeRelationId && dep->objid != typid)
			found = type_in_namespace_column(dep->objid, r, attnum, depth + 1);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return found;
}

/* See cmodel.h: type_in_namespace_column from the top. */
bool
cmodel_guard_type_in_namespace_column(Oid typid, CmGuardRel *r, AttrNumber *attnum)
{
	return OidIsValid(typid) && type_in_namespace_column(typid, r, attnum, 0);
}

/*
 * A change to a type outside namespaces that changes the values or the
 * definition of namespace columns using it.
 */
void
cmodel_guard_check_type_change(CmGuardScope *scope, Oid typid, CmGuardRule rule, const char *what)
{
	CmGuardRel	r;
	AttrNumber	attnum;

	if (OidIsValid(typid) && type_in_namespace_column(typid, &r, &attnum, 0))
		cmodel_guard_violation(scope, rule, r.ns, NULL,
							   "cannot %s type \"%s\" used by column \"%s.%s\"",
							   what, format_type_be(typid), r.qualname,
							   get_attname(r.relid, attnum, false));
}

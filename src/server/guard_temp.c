/*-------------------------------------------------------------------------
 *
 * guard_temp.c
 *	  The lifecycle guard's check that nothing of a namespace would depend
 *	  on a temporary object.
 *
 * When a session ends (or runs DISCARD TEMP), PostgreSQL drops its
 * temporary objects internally, cascading to whatever depends on them, and
 * no event trigger fires: a namespace column typed by a temporary enum,
 * domain or table row type, a default or index calling a temporary
 * function, or a column with a temporary collation would go, with its data,
 * without a word.  So such a column, default, index or attribute is refused
 * when it is written, the way PostgreSQL makes a view over a temporary
 * table temporary.
 *
 * The check reads the statement's parse tree, before anything runs.  Types
 * are resolved as the statement will resolve them and followed through
 * everything they are built from (domains, arrays, ranges, composite
 * attributes, at any depth) in pg_depend.  Expressions are raw there:
 * PostgreSQL never looks up functions, operators or collations in the
 * temporary schema unless they are qualified with it, so a qualified name
 * (pg_temp or pg_temp_N) is what marks them; type names in casts are
 * resolved like column types.
 *
 * src/server/guard_temp.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "nodes/nodeFuncs.h"
#include "parser/parse_type.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "executor/spi.h"

#include "cmodel.h"

/* At most this many objects are followed from one type. */
#define TEMP_WALK_LIMIT 10000

/* Is a schema name a temporary one (pg_temp, pg_temp_N, pg_toast_temp_N)? */
static bool
temp_schema_name(const char *name)
{
	Oid			nspid;

	if (strcmp(name, "pg_temp") == 0)
		return true;
	nspid = get_namespace_oid(name, true);
	return OidIsValid(nspid) && isAnyTempNamespace(nspid);
}

/*
 * Does the object depend, directly or through what it is built from, on an
 * object in a temporary schema?  Returns the first such object's
 * description, or NULL.  Schemas and extensions are not followed.
 */
static char *
temp_dependency(ObjectAddress start)
{
	List	   *todo = list_make1(palloc(sizeof(ObjectAddress)));
	List	   *seen = NIL;
	Relation	dep = table_open(DependRelationId, AccessShareLock);
	char	   *found = NULL;
	int			walked = 0;

	*(ObjectAddress *) linitial(todo) = start;
	while (todo != NIL && found == NULL && walked++ < TEMP_WALK_LIMIT)
	{
		ObjectAddress obj = *(ObjectAddress *) linitial(todo);
		ScanKeyData keys[2];
		SysScanDesc scan;
		HeapTuple	tuple;
		Oid			nspid;
		ListCell   *lc;
		bool		again = false;

		todo = list_delete_first(todo);
		foreach(lc, seen)
		{
			ObjectAddress *s = lfirst(lc);

			if (s->classId == obj.classId && s->objectId == obj.objectId)
				again = true;
		}
		if (again)
			continue;
		seen = lappend(seen, memcpy(palloc(sizeof(ObjectAddress)), &obj, sizeof(obj)));
		if (obj.classId == NamespaceRelationId || obj.classId == ExtensionRelationId)
			continue;
		nspid = get_object_namespace(&obj);
		if (OidIsValid(nspid) && isAnyTempNamespace(nspid))
		{
			found = getObjectDescription(&obj, true);
			break;
		}
		/* what this object depends on, whole objects and their columns alike */
		ScanKeyInit(&keys[0], Anum_pg_depend_classid, BTEqualStrategyNumber, F_OIDEQ,
					ObjectIdGetDatum(obj.classId));
		ScanKeyInit(&keys[1], Anum_pg_depend_objid, BTEqualStrategyNumber, F_OIDEQ,
					ObjectIdGetDatum(obj.objectId));
		scan = systable_beginscan(dep, DependDependerIndexId, true, NULL, 2, keys);
		while (HeapTupleIsValid(tuple = systable_getnext(scan)))
		{
			Form_pg_depend d = (Form_pg_depend) GETSTRUCT(tuple);
			ObjectAddress *next = palloc(sizeof(ObjectAddress));

			ObjectAddressSet(*next, d->refclassid, d->refobjid);
			todo = lappend(todo, next);
		}
		systable_endscan(scan);
		/* a composite type is built from its relation's attributes */
		if (obj.classId == TypeRelationId && OidIsValid(get_typ_typrelid(obj.objectId)))
		{
			ObjectAddress *next = palloc(sizeof(ObjectAddress));

			ObjectAddressSet(*next, RelationRelationId, get_typ_typrelid(obj.objectId));
			todo = lappend(todo, next);
		}
	}
	table_close(dep, AccessShareLock);
	return found;
}

static void
temp_violation(CmGuardScope *scope, const char *ns, const char *what, const char *object)
{
	cmodel_guard_violation(scope, CM_GUARD_TEMP, ns, NULL,
						   "cannot make %s depend on temporary %s", what, object);
}

/* A type a new column, attribute or cast names. */
static void
check_type(CmGuardScope *scope, const char *ns, const char *what, Oid typid)
{
	ObjectAddress addr;
	char	   *found;

	if (!OidIsValid(typid))
		return;
	ObjectAddressSet(addr, TypeRelationId, typid);
	if ((found = temp_dependency(addr)) != NULL)
		temp_violation(scope, ns, what, found);
}

/* See cmodel.h. */
void
cmodel_guard_check_temp_type(CmGuardScope *scope, const char *ns, const char *what,
							 TypeName *tn)
{
	if (tn)
		check_type(scope, ns, what, LookupTypeNameOid(NULL, tn, true));
}

/* A qualified name whose schema is a temporary one. */
static bool
temp_qualified(List *names)
{
	return list_length(names) > 1 &&
		temp_schema_name(strVal(list_nth(names, list_length(names) - 2)));
}

typedef struct TempWalk
{
	CmGuardScope *scope;
	const char *ns;
	const char *what;
} TempWalk;

static bool
temp_walker(Node *node, void *arg)
{
	TempWalk   *w = (TempWalk *) arg;

	if (node == NULL || w->scope->violated)
		return false;
	if (IsA(node, FuncCall) && temp_qualified(((FuncCall *) node)->funcname))
		temp_violation(w->scope, w->ns, w->what,
					   psprintf("function %s", NameListToString(((FuncCall *) node)->funcname)));
	else if (IsA(node, A_Expr) && temp_qualified(((A_Expr *) node)->name))
		temp_violation(w->scope, w->ns, w->what,
					   psprintf("operator %s", NameListToString(((A_Expr *) node)->name)));
	else if (IsA(node, CollateClause) && temp_qualified(((CollateClause *) node)->collname))
		temp_violation(w->scope, w->ns, w->what,
					   psprintf("collation %s", NameListToString(((CollateClause *) node)->collname)));
	else if (IsA(node, TypeCast))
		cmodel_guard_check_temp_type(w->scope, w->ns, w->what, ((TypeCast *) node)->typeName);
	return raw_expression_tree_walker(node, temp_walker, arg);
}

/* See cmodel.h. */
void
cmodel_guard_check_temp_expr(CmGuardScope *scope, const char *ns, const char *what, Node *raw)
{
	TempWalk	w = {scope, ns, what};

	if (raw)
		(void) temp_walker(raw, &w);
}

/* See cmodel.h. */
void
cmodel_guard_check_temp_column(CmGuardScope *scope, const char *ns, const char *qualname,
							   ColumnDef *cd)
{
	char	   *what = psprintf("column \"%s.%s\"", qualname, cd->colname ? cd->colname : "?");
	ListCell   *lc;

	cmodel_guard_check_temp_type(scope, ns, what, cd->typeName);
	if (cd->collClause && temp_qualified(cd->collClause->collname))
		temp_violation(scope, ns, what,
					   psprintf("collation %s", NameListToString(cd->collClause->collname)));
	cmodel_guard_check_temp_expr(scope, ns, what, cd->raw_default);
	foreach(lc, cd->constraints)
		cmodel_guard_check_temp_expr(scope, ns, what, lfirst_node(Constraint, lc)->raw_expr);
}

/* See cmodel.h. */
void
cmodel_guard_check_temp_like(CmGuardScope *scope, const char *ns, const char *qualname,
							 TableLikeClause *like)
{
	Oid			source = RangeVarGetRelidExtended(like->relation, NoLock, RVR_MISSING_OK,
												  NULL, NULL);
	char	   *what = psprintf("table \"%s\"", qualname);
	ObjectAddress addr;
	char	   *found;

	if (!OidIsValid(source))
		return;
	if (isAnyTempNamespace(get_rel_namespace(source)))
	{
		temp_violation(scope, ns, what, psprintf("table %s", get_rel_name(source)));
		return;
	}
	/* the copied columns' types (and collations, defaults) */
	ObjectAddressSet(addr, RelationRelationId, source);
	if ((found = temp_dependency(addr)) != NULL)
		temp_violation(scope, ns, what, found);
}

/* See cmodel.h. */
void
cmodel_guard_check_temp_index(CmGuardScope *scope, const char *ns, IndexStmt *stmt)
{
	char	   *what = psprintf("index \"%s\" on table \"%s.%s\"",
								stmt->idxname ? stmt->idxname : "?", ns, stmt->relation->relname);
	ListCell   *lc;

	foreach(lc, stmt->indexParams)
	{
		IndexElem  *e = lfirst_node(IndexElem, lc);

		cmodel_guard_check_temp_expr(scope, ns, what, e->expr);
		if (temp_qualified(e->opclass) || temp_qualified(e->collation))
			temp_violation(scope, ns, what, psprintf("operator class or collation %s",
													 NameListToString(temp_qualified(e->opclass) ? e->opclass : e->collation)));
	}
	cmodel_guard_check_temp_expr(scope, ns, what, stmt->whereClause);
}

/* See cmodel.h. */
void
cmodel_guard_check_temp_attribute(CmGuardScope *scope, Oid typid, ColumnDef *cd)
{
	CmGuardRel	r;
	AttrNumber	attnum;

	if (cmodel_guard_type_in_namespace_column(typid, &r, &attnum))
		cmodel_guard_check_temp_type(scope, r.ns,
									 psprintf("type %s, used by column \"%s.%s\",",
											  format_type_be(typid), r.qualname,
											  get_attname(r.relid, attnum, false)),
									 cd->typeName);
}

/*
 * See cmodel.h: a temporary object an existing table, its columns'
 * types, defaults, indexes or constraints depend on (as "type identity"),
 * or NULL.  What the statements' text cannot show (CREATE TABLE AS, an
 * adopted table) is read from pg_depend, as PostgreSQL recorded it.
 */
char *
cmodel_temp_dependency(Oid relid)
{
	const char *args[1] = {psprintf("%u", relid)};

	/*
	 * From the table, its defaults, indexes and constraints, through the
	 * functions, types, casts and operators they use (a permanent function
	 * whose SQL body calls a temporary one, a cast made of one), a few levels
	 * deep.
	 */
	cmodel_exec("WITH RECURSIVE walk (classid, objid, depth) AS ("
				" SELECT d.refclassid, d.refobjid, 0 FROM pg_catalog.pg_depend d"
				"  WHERE ((d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass"
				"          AND (d.objid OPERATOR(pg_catalog.=) $1::pg_catalog.oid"
				"               OR d.objid IN (SELECT i.indexrelid FROM pg_catalog.pg_index i"
				"                               WHERE i.indrelid OPERATOR(pg_catalog.=) $1::pg_catalog.oid)))"
				"      OR (d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_attrdef'::pg_catalog.regclass"
				"          AND d.objid IN (SELECT a.oid FROM pg_catalog.pg_attrdef a"
				"                           WHERE a.adrelid OPERATOR(pg_catalog.=) $1::pg_catalog.oid))"
				"      OR (d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_constraint'::pg_catalog.regclass"
				"          AND d.objid IN (SELECT c.oid FROM pg_catalog.pg_constraint c"
				"                           WHERE c.conrelid OPERATOR(pg_catalog.=) $1::pg_catalog.oid)))"
				" UNION"
				" SELECT d.refclassid, d.refobjid, w.depth OPERATOR(pg_catalog.+) 1"
				"   FROM walk w JOIN pg_catalog.pg_depend d"
				"     ON d.classid OPERATOR(pg_catalog.=) w.classid AND d.objid OPERATOR(pg_catalog.=) w.objid"
				"  WHERE w.depth OPERATOR(pg_catalog.<) 6 AND d.deptype IN ('n', 'a')"
				"    AND w.classid IN ('pg_catalog.pg_proc'::pg_catalog.regclass, 'pg_catalog.pg_type'::pg_catalog.regclass,"
				"                      'pg_catalog.pg_cast'::pg_catalog.regclass, 'pg_catalog.pg_operator'::pg_catalog.regclass))"
				" SELECT o.type || ' ' || pg_catalog.regexp_replace(o.identity, '^pg_(toast_)?temp_[0-9]+\\.', 'pg_temp.')"
				"   FROM walk w CROSS JOIN LATERAL pg_catalog.pg_identify_object(w.classid, w.objid, 0) o"
				"  WHERE o.schema LIKE 'pg\\_temp%' OR o.schema LIKE 'pg\\_toast\\_temp%'"
				"  LIMIT 1", 1, args, false);	/* false: see what the statement just made */
	return SPI_processed > 0 ? SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1) : NULL;
}

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
#include "access/transam.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_class.h"
#include "catalog/pg_database.h"
#include "catalog/pg_tablespace.h"
#include "catalog/pg_type.h"
#include "nodes/nodeFuncs.h"
#include "parser/parse_type.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "executor/spi.h"

#include "cmodel.h"

/* At most this many objects are followed from one object. */
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

/* Any of a relation's columns, or the relation itself (DepNode.sub). */
#define SUB_ANY (-1)

/*
 * One object of a walk.  For a relation, sub is a column (its number), 0
 * for the relation as a whole, or SUB_ANY for the relation and every
 * column of it (a row type stands for all of them).
 */
typedef struct DepNode
{
	Oid			classid;
	Oid			objid;
	int32		sub;
} DepNode;

/*
 * A walk: the objects met, in order (nodes), the next one to follow, and
 * for a long walk a hash of them, so that each is met once.
 */
typedef struct Walk
{
	List	   *nodes;
	int			next;
	HTAB	   *seen;
} Walk;

/* Up to this many objects a walk looks through its list; past it, a hash. */
#define WALK_LINEAR 32

static void
walk_add(Walk *w, Oid classid, Oid objid, int32 sub)
{
	DepNode		key = {classid, objid, sub};
	DepNode    *n;
	bool		found;

	/* initdb's objects depend on no temporary one, nor do schemas and the like */
	if (objid < FirstNormalObjectId ||
		classid == NamespaceRelationId || classid == ExtensionRelationId ||
		classid == AuthIdRelationId || classid == DatabaseRelationId ||
		classid == TableSpaceRelationId)
		return;
	if (w->seen == NULL)
	{
		ListCell   *lc;

		foreach(lc, w->nodes)
		{
			n = lfirst(lc);
			if (n->classid == classid && n->objid == objid && n->sub == sub)
				return;
		}
		if (list_length(w->nodes) >= WALK_LINEAR)
		{
			HASHCTL		ctl = {0};

			ctl.keysize = ctl.entrysize = sizeof(DepNode);
			ctl.hcxt = CurrentMemoryContext;
			w->seen = hash_create("cmodel dependency walk", 256, &ctl,
								  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
			foreach(lc, w->nodes)
				(void) hash_search(w->seen, lfirst(lc), HASH_ENTER, NULL);
		}
	}
	if (w->seen)
	{
		(void) hash_search(w->seen, &key, HASH_ENTER, &found);
		if (found)
			return;
	}
	n = palloc(sizeof(DepNode));
	*n = key;
	w->nodes = lappend(w->nodes, n);
}

static DepNode *
walk_next(Walk *w)
{
	if (w->next >= list_length(w->nodes) || w->next >= TEMP_WALK_LIMIT)
		return NULL;
	return list_nth(w->nodes, w->next++);
}

/*
 * The pg_depend rows of one side of an object: what it depends on
 * (dependents false) or what depends on it (dependents true).  sub
 * narrows to one column (SUB_ANY: all rows); deptype 0 takes any, and
 * only_class InvalidOid objects of any catalog.
 */
static void
walk_depend(Walk *w, Relation dep, DepNode *n, bool dependents, char deptype, Oid only_class)
{
	ScanKeyData keys[3];
	SysScanDesc scan;
	HeapTuple	tuple;
	int			nkeys = 2;

	ScanKeyInit(&keys[0], dependents ? Anum_pg_depend_refclassid : Anum_pg_depend_classid,
				BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(n->classid));
	ScanKeyInit(&keys[1], dependents ? Anum_pg_depend_refobjid : Anum_pg_depend_objid,
				BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(n->objid));
	if (n->sub != SUB_ANY && !(dependents && n->sub == 0))
		ScanKeyInit(&keys[nkeys++], dependents ? Anum_pg_depend_refobjsubid : Anum_pg_depend_objsubid,
					BTEqualStrategyNumber, F_INT4EQ, Int32GetDatum(n->sub));
	scan = systable_beginscan(dep, dependents ? DependReferenceIndexId : DependDependerIndexId,
							  true, NULL, nkeys, keys);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_depend d = (Form_pg_depend) GETSTRUCT(tuple);

		if ((deptype && d->deptype != deptype) ||
			(OidIsValid(only_class) && (dependents ? d->classid : d->refclassid) != only_class))
			continue;
		if (dependents)
			walk_add(w, d->classid, d->objid, d->classid == RelationRelationId ? d->objsubid : 0);
		else
			walk_add(w, d->refclassid, d->refobjid,
					 d->refclassid == RelationRelationId ? d->refobjsubid : 0);
	}
	systable_endscan(scan);
}

static bool
in_temp_schema(DepNode *n)
{
	ObjectAddress addr;
	Oid			nspid;

	if (!is_objectclass_supported(n->classid))
		return false;			/* defaults, rules and the like: in no schema of their own */
	ObjectAddressSet(addr, n->classid, n->objid);
	nspid = get_object_namespace(&addr);
	return OidIsValid(nspid) && isAnyTempNamespace(nspid);
}

/*
 * Would the object go (be dropped, or for a composite, lose attributes)
 * when the temporary objects it depends on, directly or through what it
 * is built from, are dropped at their session's end?  Returns the first
 * such temporary object, or false (temp_reach_all: any of several objects,
 * in one walk).  An object also goes with its internal parts: an operator
 * class (and a range type or index using it) with the function or operator
 * of one of its members.  A view goes with what its query uses
 * (its rule is part of it), a column with its type and collation, a
 * relation with the type it is made OF, a type with the relation whose
 * row type it is (and that relation's columns).
 */
static bool
temp_reach_all(Relation dep, List *starts, ObjectAddress *found)
{
	Walk		w = {0};
	DepNode	   *n;
	ListCell   *lc;
	bool		hit = false;

	foreach(lc, starts)
		walk_add(&w, ((DepNode *) lfirst(lc))->classid, ((DepNode *) lfirst(lc))->objid,
				 ((DepNode *) lfirst(lc))->sub);
	while (!hit && (n = walk_next(&w)) != NULL)
	{
		if (in_temp_schema(n))
		{
			ObjectAddressSet(*found, n->classid, n->objid);
			hit = true;
			break;
		}
		walk_depend(&w, dep, n, false, 0, InvalidOid);
		if (n->classid == RelationRelationId)
		{
			char		relkind;

			/* a column goes with its relation; a view with its rule */
			if (n->sub > 0)
				walk_add(&w, RelationRelationId, n->objid, 0);
			else if ((relkind = get_rel_relkind(n->objid)) == RELKIND_VIEW || relkind == RELKIND_MATVIEW)
				walk_depend(&w, dep, &(DepNode) {RelationRelationId, n->objid, 0}, true,
							DEPENDENCY_INTERNAL, RewriteRelationId);
		}
		else if (n->classid == TypeRelationId && OidIsValid(get_typ_typrelid(n->objid)))
			walk_add(&w, RelationRelationId, get_typ_typrelid(n->objid), SUB_ANY);
		else
			/* an object goes with its internal parts (an operator class with its members) */
			walk_depend(&w, dep, n, true, DEPENDENCY_INTERNAL, InvalidOid);
	}
	return hit;
}

/* temp_reach_all from one object. */
static bool
temp_reach(Oid classid, Oid objid, int32 sub, ObjectAddress *found)
{
	DepNode		start = {classid, objid, sub};
	Relation	dep = table_open(DependRelationId, AccessShareLock);
	bool		hit = temp_reach_all(dep, list_make1(&start), found);

	table_close(dep, AccessShareLock);
	return hit;
}

/* A description with pg_temp_3. written as a user writes it, pg_temp. */
static char *
user_temp_words(const char *text)
{
	StringInfoData buf;
	const char *p = text;
	const char *hit;

	initStringInfo(&buf);
	while ((hit = strstr(p, "pg_temp_")) != NULL)
	{
		const char *q = hit + 8;

		while (*q >= '0' && *q <= '9')
			q++;
		appendBinaryStringInfo(&buf, p, hit - p);
		if (q > hit + 8 && *q == '.')
			appendStringInfoString(&buf, "pg_temp");
		else
			appendBinaryStringInfo(&buf, hit, q - hit);
		p = q;
	}
	appendStringInfoString(&buf, p);
	return buf.data;
}

/* "type pg_temp.mood": a temporary object as messages name it. */
static char *
temp_identity(ObjectAddress *obj)
{
	char	   *identity = getObjectIdentity(obj, true);

	if (identity == NULL)
		return user_temp_words(getObjectDescription(obj, true));
	return user_temp_words(psprintf("%s %s", getObjectTypeDescription(obj, true), identity));
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
	ObjectAddress found;

	if (OidIsValid(typid) && temp_reach(TypeRelationId, typid, 0, &found))
		temp_violation(scope, ns, what, user_temp_words(getObjectDescription(&found, true)));
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
	char	   *found;

	if (!OidIsValid(source))
		return;
	if (isAnyTempNamespace(get_rel_namespace(source)))
	{
		temp_violation(scope, ns, what, psprintf("table %s", get_rel_name(source)));
		return;
	}
	/* the copied columns' types (and collations, defaults) */
	if ((found = cmodel_temp_dependency(source)) != NULL)
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
 * The parts that go with a relation: what depends on it automatically (its
 * indexes, defaults, constraints, triggers, policies and rules) and a
 * view's rule.  Its row type and TOAST table reach nothing its columns do
 * not.
 */
static List *
relation_parts(Relation dep, Oid relid)
{
	Walk		w = {0};

	walk_depend(&w, dep, &(DepNode) {RelationRelationId, relid, 0}, true, DEPENDENCY_AUTO, InvalidOid);
	walk_depend(&w, dep, &(DepNode) {RelationRelationId, relid, 0}, true, DEPENDENCY_INTERNAL,
				RewriteRelationId);
	return w.nodes;
}

/*
 * See cmodel.h: a temporary object an existing table, its columns'
 * types, defaults, indexes, constraints, triggers or policies depend on
 * (as "type identity"), or NULL.  What the statements' text cannot show
 * (CREATE TABLE AS, an adopted table) is read from pg_depend, as
 * PostgreSQL recorded it.
 */
char *
cmodel_temp_dependency(Oid relid)
{
	ObjectAddress found;
	Relation	dep = table_open(DependRelationId, AccessShareLock);
	DepNode		whole = {RelationRelationId, relid, SUB_ANY};
	bool		hit = temp_reach_all(dep, lcons(&whole, relation_parts(dep, relid)), &found);

	table_close(dep, AccessShareLock);
	return hit ? temp_identity(&found) : NULL;
}

/* ------------------------------------------------------------------------
 * After a statement: what it made depend on a temporary object
 * ------------------------------------------------------------------------
 */

/* The relation an object is a part of (a default, trigger, policy, rule or constraint), or InvalidOid. */
static Oid
owning_relation(Relation dep, DepNode *n)
{
	ScanKeyData keys[2];
	SysScanDesc scan;
	HeapTuple	tuple;
	Oid			relid = InvalidOid;

	if (n->classid == RelationRelationId)
		return n->objid;
	ScanKeyInit(&keys[0], Anum_pg_depend_classid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(n->classid));
	ScanKeyInit(&keys[1], Anum_pg_depend_objid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(n->objid));
	scan = systable_beginscan(dep, DependDependerIndexId, true, NULL, 2, keys);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_depend d = (Form_pg_depend) GETSTRUCT(tuple);

		if (d->refclassid == RelationRelationId &&
			(d->deptype == DEPENDENCY_AUTO || d->deptype == DEPENDENCY_INTERNAL))
		{
			relid = d->refobjid;
			break;
		}
	}
	systable_endscan(scan);
	return relid;
}

/* What would go of namespaces, or of a core table relations point at. */
typedef struct Victim
{
	char	   *what;			/* "column \"ns.t.c\"", "table \"public.staff\"" */
	char	   *ns;				/* its namespace, or NULL for a core table */
	char	   *table;			/* the core table */
	Oid			relid;
	bool		itself;			/* it is the object the statement made */
} Victim;

static bool
is_victim(Relation dep, DepNode *n, Victim *v)
{
	Oid			relid;
	ObjectAddress addr;
	char	   *qualname;
	bool		guarded;
	char	   *ns;

	/* a temporary object itself (statistics on a namespace table) holds nothing of it */
	if (in_temp_schema(n))
		return false;
	relid = owning_relation(dep, n);
	ObjectAddressSet(addr, n->classid, n->objid);
	if (!OidIsValid(relid))
	{
		/* a type or function of a namespace's schema */
		Oid			nspid = is_objectclass_supported(n->classid) ? get_object_namespace(&addr) : InvalidOid;
		char	   *nsname = OidIsValid(nspid) ? get_namespace_name(nspid) : NULL;

		if (nsname == NULL || !(cmodel_probe_is_namespace(nsname) || cmodel_guard_registering(nsname)))
			return false;
		v->what = getObjectDescription(&addr, true);
		v->ns = nsname;
		v->relid = InvalidOid;
		return true;
	}
	v->relid = relid;
	if ((ns = cmodel_guard_rel_namespace(relid, &qualname, &guarded)) != NULL)
	{
		v->ns = ns;
		if (n->classid == RelationRelationId && n->sub > 0)
			v->what = psprintf("column \"%s.%s\"", qualname, get_attname(relid, n->sub, false));
		else if (n->classid == RelationRelationId)
			v->what = psprintf("%s \"%s\"", cmodel_guard_kind_word(get_rel_relkind(relid)), qualname);
		else
			v->what = getObjectDescription(&addr, true);
		return true;
	}
	/* a core table goes, or its key column */
	if (n->classid != RelationRelationId || !(cmodel_triggers_of(relid, NULL) & CM_TRIG_DELETE))
		return false;
	qualname = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
										  get_rel_name(relid));
	v->ns = NULL;
	v->table = qualname;
	if (n->sub <= 0)
		v->what = psprintf("core table \"%s\"", qualname);
	else
	{
		ListCell   *lc;
		char	   *col = get_attname(relid, n->sub, false);

		v->what = NULL;
		foreach(lc, cmodel_probe_core_keys(relid))
			if (strcmp(lfirst(lc), col) == 0)
				v->what = psprintf("key column \"%s\" of core table \"%s\"", col, qualname);
		if (v->what == NULL)
			return false;
	}
	return true;
}

/*
 * What goes when the object goes: what depends on it, at any depth (a
 * column of a relation takes what depends on that column, and changes the
 * relation's row type), and the object a part of it belongs to (a view
 * goes with its rule).  Fills *v with the first thing of a namespace, or
 * of a core table, among them.
 */
static bool
find_victim(Relation dep, DepNode *start, Victim *v)
{
	Walk		w = {0};
	DepNode	   *n;

	walk_add(&w, start->classid, start->objid, start->sub);
	while ((n = walk_next(&w)) != NULL)
	{
		if (is_victim(dep, n, v))
		{
			v->itself = w.next == 1;
			return true;
		}
		walk_depend(&w, dep, n, true, 0, InvalidOid);
		/*
		 * The owner goes with an internal part of it: a view with its rule, an
		 * operator class with a member.  (Not a relation with its row type: a
		 * column's loss reaches the row type, and only the columns typed by
		 * it go.)
		 */
		if (n->classid != TypeRelationId)
			walk_depend(&w, dep, n, false, DEPENDENCY_INTERNAL, InvalidOid);
		if (n->classid == RelationRelationId && n->sub > 0 && OidIsValid(get_rel_type_id(n->objid)))
			walk_add(&w, TypeRelationId, get_rel_type_id(n->objid), 0);
	}
	return false;
}

/* A created or changed object as messages name it: "table ns.t". */
static char *
object_words(Oid classid, Oid objid)
{
	ObjectAddress addr;
	char	   *identity;

	ObjectAddressSet(addr, classid, objid);
	identity = getObjectIdentity(&addr, true);
	return identity ? psprintf("%s %s", getObjectTypeDescription(&addr, true), identity) :
		getObjectDescription(&addr, true);
}

static void
judge_candidate(CmGuardScope *scope, Relation dep, const char *verb, Oid classid, Oid objid,
				DepNode *c)
{
	ObjectAddress found;
	Victim		v;
	char	   *temp;

	if (scope->violated || !temp_reach_all(dep, list_make1(c), &found) ||
		!find_victim(dep, c, &v))
		return;
	temp = temp_identity(&found);
	if (v.ns == NULL)
	{
		cmodel_guard_violation(scope, CM_GUARD_CORE_PARENT, v.table, NULL,
							   "cannot %s %s: %s would depend on temporary %s",
							   verb, object_words(classid, objid), v.what, temp);
		scope->extra = pstrdup("Temporary objects are dropped when their session ends, with whatever depends on them, and no event trigger fires.");
	}
	else if (v.itself || (classid == RelationRelationId && v.relid == objid))
		cmodel_guard_violation(scope, CM_GUARD_TEMP, v.ns, NULL,
							   "cannot %s %s in namespace \"%s\": it depends on temporary %s",
							   verb, object_words(classid, objid), v.ns, temp);
	else
		cmodel_guard_violation(scope, CM_GUARD_TEMP, v.ns, NULL,
							   "cannot %s %s: %s in namespace \"%s\" would depend on temporary %s",
							   verb, object_words(classid, objid), v.what, v.ns, temp);
}

/*
 * See cmodel.h: at the end of a statement, each object it created or
 * changed, and for a relation each of its columns and parts, that now
 * depends on a temporary object: if something of a namespace (or a core
 * table relations point at, or its key column) would go with it at the
 * session's end, the statement is refused.  Only what reaches a temporary
 * object is followed back, so ordinary DDL pays for one walk down.
 */
void
cmodel_guard_check_temp_objects(CmGuardScope *scope, const char *verb, int n,
								const Oid *classids, const Oid *objids)
{
	Relation	dep = table_open(DependRelationId, AccessShareLock);
	List	   *candidates = NIL;
	int		   *owners = palloc(sizeof(int) * 1);
	int			cap = 1;
	int			i;
	ObjectAddress found;
	ListCell   *lc;

	/* each object; a relation's columns and parts on their own */
	for (i = 0; i < n; i++)
	{
		List	   *mine = NIL;

		if (classids[i] == RelationRelationId)
		{
			HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(objids[i]));
			int			natts;
			int			att;

			if (!HeapTupleIsValid(tup))
				continue;
			natts = ((Form_pg_class) GETSTRUCT(tup))->relnatts;
			ReleaseSysCache(tup);
			for (att = 0; att <= natts; att++)
			{
				DepNode    *col = palloc(sizeof(DepNode));

				*col = (DepNode) {RelationRelationId, objids[i], att};
				mine = lappend(mine, col);
			}
			mine = list_concat(mine, relation_parts(dep, objids[i]));
		}
		else
		{
			DepNode    *whole = palloc(sizeof(DepNode));

			*whole = (DepNode) {classids[i], objids[i], 0};
			mine = list_make1(whole);
		}
		if (list_length(candidates) + list_length(mine) > cap)
		{
			cap = (list_length(candidates) + list_length(mine)) * 2;
			owners = repalloc(owners, sizeof(int) * cap);
		}
		foreach(lc, mine)
			owners[list_length(candidates) + foreach_current_index(lc)] = i;
		candidates = list_concat(candidates, mine);
	}
	/* ordinary DDL reaches no temporary object: one walk from all of them */
	if (candidates != NIL && temp_reach_all(dep, candidates, &found))
		foreach(lc, candidates)
		{
			i = owners[foreach_current_index(lc)];
			judge_candidate(scope, dep, verb, classids[i], objids[i], lfirst(lc));
			if (scope->violated)
				break;
		}
	table_close(dep, AccessShareLock);
}

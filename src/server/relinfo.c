/*-------------------------------------------------------------------------
 *
 * relinfo.c
 *	  Per-table knowledge for cmodel's data triggers, cached per backend.
 *
 * The on_delete and write-time triggers fire for every DELETE and every
 * written row, so they must not read the registry each time.  The first
 * use of a table reads its rules once (which relations point at it, which
 * of its columns are auto_now or auto_now_add, which are limited in size)
 * into a CmRelInfo kept for the life of the backend.  A relcache
 * invalidation of the table, or of a child its rules name, marks the entry
 * stale; registration sends one for every table whose rules it may have
 * changed, so a new rule holds from the next statement after it commits.
 *
 * A Citus shard (and a Citus table on a worker) reads its rules from the
 * node catalog instead (node_catalog.c), by its table's name, with its
 * children's shards on this node as the children: its entry is stale
 * after a change to the catalog's relation here (the catalog's trigger
 * sends the invalidation) or to the table or a child table, whose relcache
 * Citus invalidates whenever their placements change (a namespace moved
 * here or away).
 *
 * While a cascade runs it holds the cache (cmodel_relinfo_hold): entries
 * already built are not rebuilt, because the cascade iterates their rules,
 * and a registration cannot commit in the middle of a statement anyway.
 * Registration itself sends the invalidations
 * (cmodel_relinfo_invalidate_namespace).
 *
 * src/server/relinfo.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "cmodel.h"

static HTAB *relinfo_hash = NULL;

/* While true, stale entries that were built once are used as they are. */
static bool relinfo_held = false;

/* Mark stale the entry of relid, and every entry with a rule on it. */
static void
relinfo_invalidate(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS seq;
	CmRelInfo  *e;

	if (relinfo_hash == NULL)
		return;
	hash_seq_init(&seq, relinfo_hash);
	while ((e = hash_seq_search(&seq)) != NULL)
	{
		int			i;

		if (relid == InvalidOid || e->relid == relid || (e->catalog_rel == relid && OidIsValid(relid)))
		{
			e->valid = false;
			continue;
		}
		for (i = 0; i < e->nrules && e->valid; i++)
			if (e->rules[i].child == relid)
				e->valid = false;
		for (i = 0; i < e->nwatch && e->valid; i++)
			if (e->watch[i] == relid)
				e->valid = false;
	}
}

/* See cmodel.h. */
void
cmodel_relinfo_init(void)
{
	CacheRegisterRelcacheCallback(relinfo_invalidate, (Datum) 0);
}

static HTAB *
relinfo_table(void)
{
	if (relinfo_hash == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(CmRelInfo);
		ctl.hcxt = CacheMemoryContext;
		relinfo_hash = hash_create("cmodel relation rules", 64, &ctl,
								   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	return relinfo_hash;
}

static bool is_hub_type(Oid type);

static bool
is_text_like(Oid type)
{
	char		category;
	bool		preferred;

	if (type == TEXTOID || type == VARCHAROID || type == BPCHAROID || type == JSONOID ||
		type == XMLOID)
		return true;
	/* a string type of an extension, such as citext, stores text */
	get_type_category_preferred(type, &category, &preferred);
	return category == TYPCATEGORY_STRING && get_typlen(type) == -1;
}

/*
 * See cmodel.h: is a column of this type limited in size, and how is it
 * measured?  A domain's values are its base type's; an array's are its
 * elements' when they are text-like or jsonb (at any depth: an array of a
 * domain over text[]); every other variable-length value (composites,
 * ranges, hstore, bytea, other arrays) is measured in bytes.  numeric,
 * whose values are far below the limit, and fixed-length types are not.
 */
bool
cmodel_limit_kind(Oid type, CmLimitKind *kind)
{
	Oid			base = getBaseType(type);
	Oid			elem;

	if (base == JSONBOID || (!is_text_like(base) && is_hub_type(base)))
		*kind = CM_LIMIT_JSONB;
	else if (is_text_like(base))
		*kind = CM_LIMIT_TEXT;
	else if (OidIsValid(elem = get_element_type(base)) && cmodel_limit_kind(elem, kind) &&
			 *kind != CM_LIMIT_BYTES)
		*kind = (*kind == CM_LIMIT_TEXT || *kind == CM_LIMIT_TEXT_ARRAY) ?
			CM_LIMIT_TEXT_ARRAY : CM_LIMIT_JSONB_ARRAY;
	else if (get_typlen(base) == -1 && base != NUMERICOID)
		*kind = CM_LIMIT_BYTES;
	else
		return false;
	return true;
}

/*
 * Run a registry query with one oid or text argument per $n.  SPI returns
 * in its own memory context; the entry's is made current again.
 */
static void
query(CmRelInfo *e, const char *sql, int nargs, Oid *types, Datum *values)
{
	if (SPI_execute_with_args(sql, nargs, types, values, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "cmodel: registry query failed: %s", sql);
	MemoryContextSwitchTo(e->cxt);
}

static char *
cell(int row, int col)
{
	return SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col);
}

/*
 * Add the rule that relation child's column is CASCADE or SET_NULL of
 * rel's column target.  A target column the table no longer has is
 * remembered instead; a child dropped since it was found is left out.
 */
static void
add_rule(CmRelInfo *e, Relation rel, const char *target, Oid child, const char *column, bool set_null)
{
	CmDeleteRule *rule = &e->rules[e->nrules];
	AttrNumber	att = get_attnum(e->relid, target);
	HeapTuple	tuple;
	Form_pg_class form;
	int			k;

	if (att == InvalidAttrNumber)
	{
		/* renamed or dropped: deletes must not go on as if nothing pointed here */
		e->missing_key = pstrdup(target);
		return;
	}
	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(child));
	if (!HeapTupleIsValid(tuple))
		return;					/* dropped since it was found */
	form = (Form_pg_class) GETSTRUCT(tuple);
	rule->child_owner = form->relowner;
	rule->child_name = quote_qualified_identifier(get_namespace_name(form->relnamespace),
												  pstrdup(NameStr(form->relname)));
	ReleaseSysCache(tuple);
	for (k = 0; k < e->nkeys && e->key_atts[k] != att; k++)
		;
	if (k == e->nkeys)
	{
		e->key_atts[k] = att;
		e->key_types[k] = TupleDescAttr(RelationGetDescr(rel), att - 1)->atttypid;
		get_typlenbyval(e->key_types[k], &e->key_typlens[k], &e->key_byvals[k]);
		e->nkeys++;
	}
	rule->child = child;
	rule->column = pstrdup(quote_identifier(column));
	rule->key = k;
	rule->set_null = set_null;
	e->nrules++;
}

/* Room for n rules (and as many key columns). */
static void
alloc_rules(CmRelInfo *e, int n)
{
	e->rules = palloc0(sizeof(CmDeleteRule) * (n + 1));
	e->key_atts = palloc0(sizeof(AttrNumber) * (n + 1));
	e->key_types = palloc0(sizeof(Oid) * (n + 1));
	e->key_typlens = palloc0(sizeof(int16) * (n + 1));
	e->key_byvals = palloc0(sizeof(bool) * (n + 1));
}

/* The relations whose parent is rel: its on_delete rules. */
static void
load_rules(CmRelInfo *e, Relation rel)
{
	Oid			types[4] = {OIDOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		values[4] = {ObjectIdGetDatum(e->relid),
		CStringGetTextDatum(cm_on_delete_name(CM_OD_SET_NULL)),
		CStringGetTextDatum(cm_on_delete_name(CM_OD_CASCADE)),
	CStringGetTextDatum(cm_model_kind_name(CM_MODEL_CONCRETE))};
	int			r;
	int			n;

	query(e, "SELECT c.oid, r.column_name, r.target_column,"
		  "       r.on_delete OPERATOR(pg_catalog.=) $2"
		  "  FROM cmodel.reg_relation r"
		  "  JOIN cmodel.reg_model m ON m.namespace OPERATOR(pg_catalog.=) r.namespace"
		  "   AND m.name OPERATOR(pg_catalog.=) r.model"
		  "  JOIN pg_catalog.pg_namespace n ON n.nspname OPERATOR(pg_catalog.=) r.namespace"
		  "  JOIN pg_catalog.pg_class c ON c.relnamespace OPERATOR(pg_catalog.=) n.oid"
		  "   AND c.relname OPERATOR(pg_catalog.=) m.table_name"
		  " WHERE r.target_table::pg_catalog.oid OPERATOR(pg_catalog.=) $1"
		  "   AND NOT r.retired AND NOT m.retired AND m.kind OPERATOR(pg_catalog.=) $4"
		  "   AND r.column_name IS NOT NULL"
		  "   AND r.on_delete OPERATOR(pg_catalog.=) ANY (ARRAY[$2, $3])"
		  " ORDER BY n.nspname, c.relname, r.column_name",
		  4, types, values);
	n = (int) SPI_processed;
	alloc_rules(e, n);
	for (r = 0; r < n; r++)
		add_rule(e, rel, cell(r, 3), DatumGetObjectId(DirectFunctionCall1(oidin, CStringGetDatum(cell(r, 1)))),
				 cell(r, 2), strcmp(cell(r, 4), "t") == 0);
}

/*
 * The rules of a table the node catalog knows it by, ns.relname: of a
 * Citus shard, whose children are each child's shards placed on this node
 * (a table that is not Citus's, on the coordinator, as itself), or of a
 * Citus table on a worker, whose children are the child tables (Citus
 * takes a statement on them to their shards).  A shard's child with shards
 * elsewhere is left to the nodes that hold them when the parent is a
 * reference table (reference: each of them has the parent's rows too),
 * and makes deletes fail otherwise: nothing here could reach them.  So
 * does a child this node does not have at all (a namespace that is not
 * distributed, on the coordinator), unless the parent is a reference table
 * with a copy on the coordinator, whose triggers reach it; for a Citus
 * table on a worker it always does: a TRUNCATE there must not leave its
 * rows behind.
 */
static void
load_catalog_rules(CmRelInfo *e, Relation rel, const char *ns, const char *relname, bool shard,
				   bool reference)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2] = {CStringGetTextDatum(ns), CStringGetTextDatum(relname)};
	MemoryContext cxt = CurrentMemoryContext;
	SPITupleTable *rows;
	int			nrows;
	int			r;
	List	   *children = NIL;
	ListCell   *lc;
	bool		coordinator_has_parent;

	query(e, psprintf("SELECT column_name, child_schema, child_table, child_column, flag FROM %s"
					  " WHERE schema_name OPERATOR(pg_catalog.=) $1 AND table_name OPERATOR(pg_catalog.=) $2"
					  "   AND kind OPERATOR(pg_catalog.=) 'r'"
					  " ORDER BY child_schema, child_table, child_column",
					  quote_qualified_identifier("cmodel", get_rel_name(e->catalog_rel))),
		  2, types, values);
	rows = SPI_tuptable;
	nrows = (int) SPI_processed;
	/* a placement of the table or of a child moving here or away makes the entry stale */
	e->watch = palloc0(sizeof(Oid) * (nrows + 1));
	e->watch[e->nwatch++] = get_relname_relid(relname, RelationGetNamespace(rel));

	/*
	 * A child only the coordinator has (a namespace that is not
	 * distributed) is the coordinator's copy of a reference parent to
	 * reach; without one, nothing reaches it.
	 */
	coordinator_has_parent = reference && nrows > 0 && cmodel_citus_on_coordinator(e->watch[0]);
	MemoryContextSwitchTo(cxt);
	/* each row's children: its child's shards here */
	for (r = 0; r < nrows; r++)
	{
		char	   *cschema = SPI_getvalue(rows->vals[r], rows->tupdesc, 2);
		char	   *ctable = SPI_getvalue(rows->vals[r], rows->tupdesc, 3);
		Oid			cnsp = get_namespace_oid(cschema, true);
		Oid			child = OidIsValid(cnsp) ? get_relname_relid(ctable, cnsp) : InvalidOid;
		List	   *shards = NIL;
		bool		all_here = true;

		if (OidIsValid(child))
			e->watch[e->nwatch++] = child;
		if (OidIsValid(child) && shard && cmodel_citus_table(child))
			shards = cmodel_citus_local_shards(child, &all_here);
		else if (OidIsValid(child))
			shards = list_make1_oid(child);
		MemoryContextSwitchTo(cxt);
		if (e->unreachable == NULL &&
			(shard ? (!OidIsValid(child) ? !coordinator_has_parent : !all_here && !reference) :
			 !OidIsValid(child)))
			e->unreachable = psprintf("%s.%s", cschema, ctable);
		children = lappend(children, shards);
	}
	r = 0;
	foreach(lc, children)
		r += list_length((List *) lfirst(lc));
	alloc_rules(e, r);
	r = 0;
	foreach(lc, children)
	{
		char	   *target = SPI_getvalue(rows->vals[r], rows->tupdesc, 1);
		char	   *column = SPI_getvalue(rows->vals[r], rows->tupdesc, 4);
		bool		set_null = strcmp(SPI_getvalue(rows->vals[r], rows->tupdesc, 5), "t") == 0;
		ListCell   *sc;

		foreach(sc, (List *) lfirst(lc))
			add_rule(e, rel, target, lfirst_oid(sc), column, set_null);
		r++;
	}
}

/* Time columns the registry (for a shard: the node catalog) marks auto_now or auto_now_add. */
static void
load_auto_fields(CmRelInfo *e, Relation rel, const char *ns, const char *relname)
{
	Oid			types[3] = {TEXTOID, TEXTOID, TEXTOID};
	Datum		values[3] = {CStringGetTextDatum(ns), CStringGetTextDatum(relname),
	CStringGetTextDatum(cm_model_kind_name(CM_MODEL_CONCRETE))};
	int			r;

	if (OidIsValid(e->catalog_rel))
		query(e, psprintf("SELECT column_name, flag FROM %s"
						  " WHERE schema_name OPERATOR(pg_catalog.=) $1 AND table_name OPERATOR(pg_catalog.=) $2"
						  "   AND kind OPERATOR(pg_catalog.=) 'a'",
						  quote_qualified_identifier("cmodel", get_rel_name(e->catalog_rel))),
			  2, types, values);
	else
		query(e, "SELECT f.column_name, (f.options OPERATOR(pg_catalog.->>) 'auto_now')"
			  "       IS NOT DISTINCT FROM 'true'"
			  "  FROM cmodel.reg_model m"
			  "  JOIN cmodel.reg_field f ON f.namespace OPERATOR(pg_catalog.=) m.namespace"
			  "   AND f.model OPERATOR(pg_catalog.=) m.name"
			  " WHERE m.namespace OPERATOR(pg_catalog.=) $1 AND m.table_name OPERATOR(pg_catalog.=) $2"
			  "   AND m.kind OPERATOR(pg_catalog.=) $3 AND NOT m.retired AND NOT f.retired"
			  "   AND ((f.options OPERATOR(pg_catalog.->>) 'auto_now') IS NOT DISTINCT FROM 'true'"
			  "     OR (f.options OPERATOR(pg_catalog.->>) 'auto_now_add') IS NOT DISTINCT FROM 'true')",
			  3, types, values);
	e->auto_cols = palloc0(sizeof(int) * (SPI_processed + 1));
	e->auto_types = palloc0(sizeof(Oid) * (SPI_processed + 1));
	e->auto_on_update = palloc0(sizeof(bool) * (SPI_processed + 1));
	for (r = 0; r < (int) SPI_processed; r++)
	{
		AttrNumber	att = get_attnum(e->relid, cell(r, 1));
		Oid			type;

		if (att == InvalidAttrNumber)
			continue;
		type = TupleDescAttr(RelationGetDescr(rel), att - 1)->atttypid;
		if (type != TIMESTAMPTZOID && type != TIMESTAMPOID && type != DATEOID && type != TIMEOID)
			continue;
		e->auto_cols[e->nauto] = att;
		e->auto_types[e->nauto] = type;
		e->auto_on_update[e->nauto] = strcmp(cell(r, 2), "t") == 0;
		e->nauto++;
	}
}

/* The Django label of the table's model ("app_label.Model"), or a core model's name. */
static char *
load_label(CmRelInfo *e, const char *ns, const char *relname)
{
	Oid			types[4] = {OIDOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		values[4] = {ObjectIdGetDatum(e->relid), CStringGetTextDatum(ns),
		CStringGetTextDatum(relname),
	CStringGetTextDatum(cm_model_kind_name(CM_MODEL_CONCRETE))};

	if (OidIsValid(e->catalog_rel))
	{
		query(e, psprintf("SELECT label FROM %s"
						  " WHERE schema_name OPERATOR(pg_catalog.=) $2 AND table_name OPERATOR(pg_catalog.=) $3"
						  "   AND kind OPERATOR(pg_catalog.=) ANY ('{m,c}'::\"char\"[])"
						  " ORDER BY kind DESC, label COLLATE \"C\" LIMIT 1",
						  quote_qualified_identifier("cmodel", get_rel_name(e->catalog_rel))),
			  4, types, values);
		return SPI_processed ? pstrdup(cell(0, 1)) : pstrdup(e->shown);
	}
	query(e, "SELECT label FROM ("
		  " SELECT m.app_label OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) m.name, 0, m.retired, m.name"
		  "   FROM cmodel.reg_model m"
		  "  WHERE m.namespace OPERATOR(pg_catalog.=) $2 AND m.table_name OPERATOR(pg_catalog.=) $3"
		  "    AND m.kind OPERATOR(pg_catalog.=) $4"
		  " UNION ALL"
		  " SELECT c.name, 1, false, c.name FROM cmodel.reg_core_model c"
		  "  WHERE c.tbl::pg_catalog.oid OPERATOR(pg_catalog.=) $1"
		  ") l(label, pref, retired, name) ORDER BY pref, retired, name COLLATE \"C\" LIMIT 1",
		  4, types, values);
	return SPI_processed ? pstrdup(cell(0, 1)) : pstrdup(e->qualname);
}

/* Is type the attribute hub type, cmodel.hub? */
static bool
is_hub_type(Oid type)
{
	HeapTuple	tuple = SearchSysCache1(TYPEOID, ObjectIdGetDatum(type));
	bool		hub = false;

	if (HeapTupleIsValid(tuple))
	{
		Form_pg_type form = (Form_pg_type) GETSTRUCT(tuple);

		hub = strcmp(NameStr(form->typname), "hub") == 0 &&
			form->typnamespace == get_namespace_oid("cmodel", true);
		ReleaseSysCache(tuple);
	}
	return hub;
}

/* A namespace's hub store: the columns whose limits the write trigger keeps. */
static void
find_hub_store(CmRelInfo *e, Relation rel, const char *ns, const char *relname)
{
	TupleDesc	desc = RelationGetDescr(rel);
	int			i;

	if (strcmp(relname, CM_HUB_STORE) != 0)
		return;
	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute a = TupleDescAttr(desc, i);

		if (a->attisdropped)
			continue;
		if (strcmp(NameStr(a->attname), "type") == 0)
			e->hub_type_att = a->attnum;
		else if (strcmp(NameStr(a->attname), "id") == 0)
			e->hub_id_att = a->attnum;
		else if (strcmp(NameStr(a->attname), "attrs") == 0 && is_hub_type(a->atttypid))
			e->hub_attrs_att = a->attnum;
	}
	e->hub_store = e->hub_type_att && e->hub_id_att && e->hub_attrs_att;
	e->ns = pstrdup(ns);
}

/*
 * The node catalog relation that rel (a shard of table ns.relname, or that
 * table on a worker) reads its rules from: without a catalog on its node
 * it cannot be judged, and its deletes and writes must not go on as if it
 * had no rules.
 */
static Oid
node_catalog_of(Relation rel, const char *ns, const char *relname)
{
	Oid			catalog = cmodel_node_catalog_here();

	if (!OidIsValid(catalog))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot apply cmodel's rules to \"%s\" (table \"%s.%s\"): this node has no copy of cmodel's node catalog",
						RelationGetRelationName(rel), ns, relname),
				 errdetail("The table's on_delete rules and auto_now columns are in cmodel.node_catalog, a Citus reference table that has no placement on this node."),
				 errhint("On the coordinator, run SELECT cmodel_citus_prepare(); (and SELECT replicate_reference_tables(); after adding a node).")));
	return catalog;
}

static void
build(CmRelInfo *e, Relation rel)
{
	MemoryContext old;
	TupleDesc	desc = RelationGetDescr(rel);
	char	   *ns = get_namespace_name(RelationGetNamespace(rel));
	char	   *relname = RelationGetRelationName(rel);
	bool		shard = false;
	int			i;

	if (e->cxt)
	{
		for (i = 0; i < e->nrules; i++)
			if (e->rules[i].plan)
				SPI_freeplan(e->rules[i].plan);
		MemoryContextDelete(e->cxt);
	}
	memset(((char *) e) + sizeof(Oid), 0, sizeof(CmRelInfo) - sizeof(Oid));
	e->cxt = AllocSetContextCreate(CacheMemoryContext, "cmodel table rules",
								   ALLOCSET_SMALL_SIZES);
	/* a failed build leaves an empty, stale entry: it is retried next time */
	e->valid = true;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "cmodel: SPI_connect failed");

	/*
	 * Read the registry as it is now, not as the transaction's snapshot
	 * (REPEATABLE READ) saw it: the entry outlives the transaction, and the
	 * invalidation that made it stale came from a commit after that
	 * snapshot.
	 */
	PushActiveSnapshot(GetLatestSnapshot());
	PG_TRY();
	{
		old = MemoryContextSwitchTo(e->cxt);
		e->qualname = quote_qualified_identifier(ns, RelationGetRelationName(rel));
		/*
		 * A Citus shard is judged and named as its table, by the node
		 * catalog; so is a Citus table on a worker, which has no registry.
		 */
		if (cmodel_citus_shard_of(RelationGetRelid(rel), &relname))
			shard = true;
		else
			e->citus_shell = cmodel_citus_table(RelationGetRelid(rel));
		if (shard || (e->citus_shell && cmodel_citus_worker()))
			e->catalog_rel = node_catalog_of(rel, ns, relname);
		e->shown = psprintf("%s.%s", ns, relname);
		e->limited_atts = palloc0(sizeof(AttrNumber) * (desc->natts + 1));
		e->limited_kinds = palloc0(sizeof(CmLimitKind) * (desc->natts + 1));
		find_hub_store(e, rel, ns, relname);
		for (i = 0; i < desc->natts; i++)
		{
			Form_pg_attribute a = TupleDescAttr(desc, i);
			CmLimitKind kind;

			if (a->attisdropped || !cmodel_limit_kind(a->atttypid, &kind))
				continue;
			/* a store's hubs are limited per attribute (write.c), any other hub column as its jsonb */
			if (e->hub_store && a->attnum == e->hub_attrs_att)
				continue;
			e->limited_atts[e->nlimited] = a->attnum;
			e->limited_kinds[e->nlimited++] = kind;
		}
		if (OidIsValid(e->catalog_rel))
			load_catalog_rules(e, rel, ns, relname, shard,
							   shard && cmodel_citus_reference_table(get_relname_relid(relname,
																					   RelationGetNamespace(rel))));
		else
			load_rules(e, rel);
		load_auto_fields(e, rel, ns, relname);
		e->label = load_label(e, ns, relname);
		MemoryContextSwitchTo(old);
		PopActiveSnapshot();
	}
	PG_CATCH();
	{
		e->valid = false;
		e->nrules = e->nkeys = e->nlimited = e->nauto = e->nwatch = 0;
		e->hub_store = false;
		PG_RE_THROW();
	}
	PG_END_TRY();
	SPI_finish();
	e->built = true;
}

/* See cmodel.h. */
CmRelInfo *
cmodel_relinfo(Relation rel)
{
	Oid			relid = RelationGetRelid(rel);
	bool		found;
	CmRelInfo  *e = hash_search(relinfo_table(), &relid, HASH_ENTER, &found);

	if (!found)
	{
		memset(((char *) e) + sizeof(Oid), 0, sizeof(CmRelInfo) - sizeof(Oid));
		e->relid = relid;
	}
	if (!e->valid && !(e->built && relinfo_held))
		build(e, rel);
	return e;
}

/* See cmodel.h. */
CmRelInfo *
cmodel_relinfo_oid(Oid relid)
{
	Relation	rel = table_open(relid, AccessShareLock);
	CmRelInfo  *e = cmodel_relinfo(rel);

	table_close(rel, AccessShareLock);
	return e;
}

/*
 * See cmodel.h: while held, entries built once are not rebuilt (a cascade
 * iterates their rules).  Returns the previous state, to restore.
 */
bool
cmodel_relinfo_hold(bool hold)
{
	bool		was = relinfo_held;

	relinfo_held = hold;
	return was;
}

/*
 * See cmodel.h.  A relation points at a column the table no longer has (renamed, or
 * dropped under break-glass): deleting rows would orphan its children.
 */
void
cmodel_relinfo_check_keys(const CmRelInfo *info)
{
	if (info->unreachable)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot apply on_delete for table \"%s\" on this node: rows of table \"%s\" that point at it are on other nodes",
						info->shown, info->unreachable),
				 errdetail("on_delete runs on the node that deletes the rows, and this node cannot reach all of \"%s\".",
						   info->unreachable),
				 errhint("Run the statement on the coordinator, and keep each namespace's tables together in its distributed schema (citus_schema_distribute places them on one node).")));
	if (info->missing_key)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("cannot apply on_delete for table %s: column \"%s\" does not exist",
						info->qualname, info->missing_key),
				 errdetail("A registered relation points at column \"%s\" of table %s; rows of its model would be left behind.",
						   info->missing_key, info->qualname),
				 errhint("Rename the column back, or register the core model again with its new key column.")));
}

/*
 * See cmodel.h.  Registration may have changed the on_delete rules of the namespace's
 * tables and of the tables its relations point at, and the auto_now
 * fields of its tables: send a relcache invalidation for each, so every
 * backend's cached rules are rebuilt once this transaction commits.
 */
void
cmodel_relinfo_invalidate_namespace(const char *ns)
{
	const char *args[1] = {ns};
	uint64		r;

	cmodel_exec("SELECT c.oid FROM cmodel.reg_relation r"
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

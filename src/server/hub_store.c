/*-------------------------------------------------------------------------
 *
 * hub_store.c
 *	  Every namespace's attribute hub store, <namespace>.cmodel_hubs, and
 *	  the functions that use it: get-or-create, set one, set many, get (as
 *	  jsonb and typed), has, delete one, delete a hub, read one and many
 *	  hubs, find.
 *
 * Each function is one call, atomic, whose statements on the store run
 * through SPI as its caller (the functions are SECURITY INVOKER), so
 * PostgreSQL's privileges on the namespace's schema and store decide who
 * reads and who writes.  No write reads the hub, changes it here and writes
 * it back: setting is an UPDATE that merges into the row's latest version
 * under its row lock (for a hub not there yet, an INSERT ... ON CONFLICT DO
 * UPDATE that does the same), deleting an attribute one UPDATE, so
 * concurrent writers of one hub under READ COMMITTED all keep their
 * attributes.  Under REPEATABLE READ the later of two writers of one hub
 * gets a serialization failure (40001), to be retried.
 *
 * The statements are prepared once per backend and namespace and kept;
 * the plan cache re-plans them when the store changes.  The store's limits
 * (types and ids of at most 100 characters, values of at most 1,048,576)
 * are checked by its write trigger, so plain SQL on the store meets the
 * same ones (write.c); the functions check keys first too, so that no
 * statement runs for a key that cannot be stored.
 *
 * src/server/hub_store.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/skey.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_am.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_opfamily.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "parser/parse_relation.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "cmodel.h"
#include "hub.h"

/* The statements on a store: $1 is the hub's type and $2 its id unless noted. */
typedef enum StoreQuery
{
	SQ_GET,						/* the hub's attributes */
	SQ_CREATE,					/* a new, empty hub unless there is one */
	SQ_UPDATE,					/* set $3's attributes of an existing hub */
	SQ_MERGE,					/* set $3's attributes, creating the hub */
	SQ_DELETE_ATTR,				/* remove attribute $3, if it is there */
	SQ_DELETE_HUB,
	SQ_READ_MANY,				/* hubs of type $1 whose id is in $2 */
	SQ_FIND,					/* hubs matching condition $1 */
	SQ_FIND_TYPE,				/* ... of type $2 */
	SQ_COUNT
} StoreQuery;

typedef struct StoreQueryDef
{
	const char *sql;			/* %1$s the store, %2$s the operators' schema */
	int			nargs;
	const char *argtypes[3];	/* "text", "text[]", "hub", "hubquery" */
	bool		read_only;
} StoreQueryDef;

#define KEYS "type OPERATOR(pg_catalog.=) $1 AND id OPERATOR(pg_catalog.=) $2"

static const StoreQueryDef queries[SQ_COUNT] = {
	[SQ_GET] = {"SELECT attrs FROM %1$s WHERE " KEYS, 2, {"text", "text"}, true},
	[SQ_CREATE] = {"INSERT INTO %1$s (type, id) VALUES ($1, $2)"
		" ON CONFLICT (type, id) DO NOTHING RETURNING attrs", 2, {"text", "text"}, false},
	[SQ_UPDATE] = {"UPDATE %1$s AS h SET attrs = cmodel.hub_merge(h.attrs, $3) WHERE " KEYS,
	3, {"text", "text", "hub"}, false},
	[SQ_MERGE] = {"INSERT INTO %1$s AS h (type, id, attrs) VALUES ($1, $2, $3)"
		" ON CONFLICT (type, id) DO UPDATE SET attrs = cmodel.hub_merge(h.attrs, EXCLUDED.attrs)",
	3, {"text", "text", "hub"}, false},
	[SQ_DELETE_ATTR] = {"UPDATE %1$s AS h SET attrs = cmodel.hub_delete(h.attrs, $3)"
		" WHERE " KEYS " AND cmodel.hub_has(h.attrs, $3)", 3, {"text", "text", "text"}, false},
	[SQ_DELETE_HUB] = {"DELETE FROM %1$s WHERE " KEYS, 2, {"text", "text"}, false},
	[SQ_READ_MANY] = {"SELECT id, attrs FROM %1$s WHERE type OPERATOR(pg_catalog.=) $1"
		" AND id OPERATOR(pg_catalog.=) ANY ($2) ORDER BY id", 2, {"text", "text[]"}, true},
	/* in the index's order: a caller who wants another sorts (no sort is forced) */
	[SQ_FIND] = {"SELECT type, id, attrs FROM %1$s WHERE attrs OPERATOR(%2$s.@@) $1",
	1, {"hubquery"}, true},
	[SQ_FIND_TYPE] = {"SELECT type, id, attrs FROM %1$s WHERE attrs OPERATOR(%2$s.@@) $1"
		" AND type OPERATOR(pg_catalog.=) $2", 2, {"hubquery", "text"}, true},
};

/* One namespace's store, as this backend knows it. */
typedef struct StoreEntry
{
	char		ns[NAMEDATALEN];	/* hash key */
	Oid			nspid;
	Oid			relid;			/* the store, looked up at each call */
	Oid			hub_type;		/* cmodel.hub, for the direct read's shape check */
	SPIPlanPtr	plans[SQ_COUNT];	/* kept, prepared on first use */
} StoreEntry;

static HTAB *stores;

/* One call of a store function. */
typedef struct StoreCall
{
	const char *ns;
	StoreEntry *store;
	Datum		keys[2];		/* the hub's type and id (text) */
	Oid			fn;				/* the function called, in the extension's schema */
	bool		writes;			/* a VOLATILE function: each statement sees what
								 * committed before it (SPI takes a new snapshot) */
	bool		connected;		/* to SPI, on the first statement */
	MemoryContext caller;		/* where results are made */
} StoreCall;

/* ------------------------------------------------------------------------
 * Keys and arguments
 * ------------------------------------------------------------------------
 */

static void
null_argument(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
			 errmsg("%s must not be null", what),
			 errdetail("Every hub function names the namespace, and the hub by its type and id."),
			 errhint("Pass the %s.", what)));
}

/* A text argument that must not be NULL. */
static text *
required_text(FunctionCallInfo fcinfo, int argno, const char *what)
{
	if (PG_ARGISNULL(argno))
		null_argument(what);
	return PG_GETARG_TEXT_PP(argno);
}

/* ------------------------------------------------------------------------
 * Stores and their kept statements
 * ------------------------------------------------------------------------
 */

/* The OID of one of cmodel's types, by its name in the SQL of the queries. */
static Oid
arg_type(const char *name)
{
	if (strcmp(name, "text") == 0)
		return TEXTOID;
	if (strcmp(name, "text[]") == 0)
		return TEXTARRAYOID;
	return GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum(name),
						   ObjectIdGetDatum(get_namespace_oid("cmodel", false)));
}

static void
forget_store(StoreEntry *e)
{
	int			q;

	for (q = 0; q < SQ_COUNT; q++)
		if (e->plans[q])
			SPI_freeplan(e->plans[q]);
	hash_search(stores, e->ns, HASH_REMOVE, NULL);
}

/*
 * The store of namespace ns, which must exist and which the caller must
 * be able to reach (USAGE on its schema; a kept statement does not check
 * that again, only the privileges on the store itself).
 */
static StoreEntry *
store_of(const char *ns)
{
	StoreEntry *e;
	AclResult	acl;

	if (stores == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = NAMEDATALEN;
		ctl.entrysize = sizeof(StoreEntry);
		stores = hash_create("cmodel hub stores", 16, &ctl, HASH_ELEM | HASH_STRINGS);
	}
	if (strlen(ns) >= NAMEDATALEN || !cm_namespace_name_ok(ns))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_SCHEMA_NAME),
				 errmsg("\"%s\" is not a namespace name", ns),
				 errdetail("A namespace is a schema whose name is a lower-case identifier of at most 63 bytes."),
				 errhint("Pass the namespace's name as it is registered (cmodel.namespaces lists them).")));
	e = hash_search(stores, ns, HASH_FIND, NULL);
	if (e && !SearchSysCacheExists1(NAMESPACEOID, ObjectIdGetDatum(e->nspid)))
	{
		forget_store(e);
		e = NULL;
	}
	if (e == NULL)
	{
		Oid			nspid = get_namespace_oid(ns, true);
		bool		found;

		if (!OidIsValid(nspid) || !cmodel_probe_is_namespace(ns))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_SCHEMA),
					 errmsg("namespace \"%s\" does not exist", ns),
					 errdetail("No namespace of that name is registered with cmodel."),
					 errhint("Register a model into it, or create it with cmodel_create_namespace().")));
		e = hash_search(stores, ns, HASH_ENTER, &found);
		memset(e->plans, 0, sizeof(e->plans));
		e->nspid = nspid;
		e->hub_type = arg_type("hub");
	}
	/* one catalog cache probe: a store dropped (break-glass) or made anew */
	e->relid = get_relname_relid(CM_HUB_STORE, e->nspid);
	if (!OidIsValid(e->relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("namespace \"%s\" has no hub store", ns),
				 errdetail("Namespaces made before cmodel 0.5.0 get their store when the extension is updated; registering into the namespace makes a missing one."),
				 errhint("Run ALTER EXTENSION cmodel UPDATE, or cmodel_create_namespace('%s').", ns)));
#if PG_VERSION_NUM >= 160000
	acl = object_aclcheck(NamespaceRelationId, e->nspid, GetUserId(), ACL_USAGE);
#else
	acl = pg_namespace_aclcheck(e->nspid, GetUserId(), ACL_USAGE);
#endif
	if (acl != ACLCHECK_OK)
		aclcheck_error(acl, OBJECT_SCHEMA, ns);
	return e;
}

/* A store's kept statement, prepared on first use. */
static SPIPlanPtr
store_plan(const StoreCall *c, StoreQuery q)
{
	StoreEntry *e = c->store;

	if (e->plans[q] == NULL)
	{
		const StoreQueryDef *def = &queries[q];
		Oid			types[3];
		const char *opschema;
		SPIPlanPtr	plan;
		int			i;

		for (i = 0; i < def->nargs; i++)
			types[i] = arg_type(def->argtypes[i]);
		/* the operators are in the extension's schema, with the functions */
		opschema = quote_identifier(get_namespace_name(get_func_namespace(c->fn)));
		plan = SPI_prepare(psprintf(def->sql, quote_qualified_identifier(c->ns, CM_HUB_STORE), opschema),
						   def->nargs, types);
		if (plan == NULL)
			elog(ERROR, "cmodel: could not prepare a hub store statement (%s)",
				 SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "cmodel: SPI_keepplan failed");
		e->plans[q] = plan;
	}
	return e->plans[q];
}

/*
 * Start a call: the namespace (argument 0), then, when keyed, the hub's
 * type and id (arguments 1 and 2).  SPI is connected by the first
 * statement; a read that probes the store directly needs none.
 */
static void
begin_call(StoreCall *c, FunctionCallInfo fcinfo, bool keyed, bool writes)
{
	c->ns = text_to_cstring(required_text(fcinfo, 0, "namespace"));
	c->fn = fcinfo->flinfo->fn_oid;
	c->writes = writes;
	if (writes)
		cmodel_require_primary(psprintf("write hubs of namespace \"%s\"", c->ns));
	if (keyed)
	{
		text	   *type = required_text(fcinfo, 1, "hub type");
		text	   *id = required_text(fcinfo, 2, "hub id");

		cmodel_hub_check_key(c->ns, "type", VARDATA_ANY(type), VARSIZE_ANY_EXHDR(type));
		cmodel_hub_check_key(c->ns, "id", VARDATA_ANY(id), VARSIZE_ANY_EXHDR(id));
		c->keys[0] = PointerGetDatum(type);
		c->keys[1] = PointerGetDatum(id);
	}
	c->store = store_of(c->ns);
	c->caller = CurrentMemoryContext;
	c->connected = false;
}

/* Run statement q with the keys and then args; back in the caller's memory. */
static uint64
run(StoreCall *c, StoreQuery q, int nargs, const Datum *args)
{
	Datum		values[3];
	int			nkeys = queries[q].nargs - nargs;
	int			rc;
	int			i;

	if (!c->connected)
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "cmodel: SPI_connect failed");
		c->connected = true;
	}
	for (i = 0; i < nkeys; i++)
		values[i] = c->keys[i];
	for (i = 0; i < nargs; i++)
		values[nkeys + i] = args[i];
	rc = SPI_execute_plan(store_plan(c, q), values, NULL, queries[q].read_only && !c->writes, 0);
	if (rc < 0)
		elog(ERROR, "cmodel: hub store statement failed (%s)", SPI_result_code_string(rc));
	MemoryContextSwitchTo(c->caller);
	return SPI_processed;
}

/* Column col (1-based) of result row row, as a Datum in the caller's memory. */
static Datum
cell(int row, int col, bool *isnull)
{
	return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, isnull);
}

/* The hub the last SQ_GET found, or NULL. */
static Jsonb *
found_hub(uint64 n)
{
	bool		isnull;
	Datum		d;

	if (n == 0)
		return NULL;
	d = cell(0, 1, &isnull);
	return isnull ? NULL : DatumGetHubP(d);
}

static void
end_call(StoreCall *c)
{
	if (c->connected)
		SPI_finish();
	c->connected = false;
}

/* The attribute name argument, checked. */
static text *
name_arg(FunctionCallInfo fcinfo, int argno)
{
	text	   *name = required_text(fcinfo, argno, "attribute name");

	cmodel_hub_check_name(VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name));
	return name;
}

/* ------------------------------------------------------------------------
 * Writing
 * ------------------------------------------------------------------------
 */

/*
 * cmodel_hub_get_or_create(namespace, type, id) → (attrs hub, created
 * boolean).  Race-free: of concurrent callers exactly one creates the hub
 * and every other gets it (a READ COMMITTED caller that lost the race to
 * an insert it could not yet see reads it after that commits).
 */
PG_FUNCTION_INFO_V1(cmodel_hub_store_get_or_create);
Datum
cmodel_hub_store_get_or_create(PG_FUNCTION_ARGS)
{
	StoreCall	c;
	TupleDesc	desc;
	Datum		values[2];
	bool		nulls[2] = {false, false};
	Jsonb	   *hub = NULL;
	bool		created = false;
	int			attempt;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "cmodel: cmodel_hub_get_or_create must return a record");
	begin_call(&c, fcinfo, true, true);
	for (attempt = 0; hub == NULL; attempt++)
	{
		uint64		n;

		if (attempt == 10)
			ereport(ERROR,
					(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
					 errmsg("hub (\"%s\", \"%s\") of namespace \"%s\" was created and deleted again while it was being read",
							TextDatumGetCString(c.keys[0]), TextDatumGetCString(c.keys[1]), c.ns),
					 errdetail("Other sessions keep creating and deleting this hub."),
					 errhint("Retry the call.")));
		/* a writing call: the read sees an insert that made ours conflict */
		n = run(&c, SQ_GET, 0, NULL);
		if ((hub = found_hub(n)) != NULL)
			break;
		n = run(&c, SQ_CREATE, 0, NULL);
		if ((hub = found_hub(n)) != NULL)
			created = true;
	}
	values[0] = PointerGetDatum(hub);
	values[1] = BoolGetDatum(created);
	desc = BlessTupleDesc(desc);
	{
		HeapTuple	tuple = heap_form_tuple(desc, values, nulls);

		end_call(&c);
		PG_RETURN_DATUM(HeapTupleGetDatum(tuple));
	}
}

/*
 * Merge a hub of new attributes into the stored one, creating it.  Most
 * sets find their hub: a plain UPDATE is cheaper than the upsert's
 * speculative insertion and extra row lock.  When it finds none, the
 * upsert creates the hub or, if another session just did, merges into
 * that one.
 */
static void
merge(StoreCall *c, Jsonb *attrs)
{
	Datum		arg = PointerGetDatum(attrs);

	if (run(c, SQ_UPDATE, 1, &arg) == 0)
		run(c, SQ_MERGE, 1, &arg);
}

/*
 * cmodel_hub_set(namespace, type, id, name, value anyelement), and the text
 * overload for string literals: set one attribute to the value, with its
 * type (NULL sets None), creating the hub if there is none.
 */
PG_FUNCTION_INFO_V1(cmodel_hub_store_set);
Datum
cmodel_hub_store_set(PG_FUNCTION_ARGS)
{
	StoreCall	c;
	CmHubAttrs	attrs = {0};
	CmHubAttr	attr;
	text	   *name;
	Jsonb	   *one;

	begin_call(&c, fcinfo, true, true);
	name = name_arg(fcinfo, 3);
	attr.name = text_to_cstring(name);
	attr.len = VARSIZE_ANY_EXHDR(name);
	cmodel_hub_attr_of_datum(&attr, attr.name, PG_GETARG_DATUM(4),
							 get_fn_expr_argtype(fcinfo->flinfo, 4), PG_ARGISNULL(4));
	cmodel_hub_append(&attrs, &attr);
	one = cmodel_hub_pack(&attrs);
	merge(&c, one);
	end_call(&c);
	PG_RETURN_VOID();
}

/*
 * cmodel_hub_set_many(namespace, type, id, attrs jsonb): set every
 * attribute of attrs (a hub, or jsonb in a hub's form) in one statement,
 * creating the hub if there is none; at most cmodel.max_bulk_rows names.
 */
PG_FUNCTION_INFO_V1(cmodel_hub_store_set_many);
Datum
cmodel_hub_store_set_many(PG_FUNCTION_ARGS)
{
	StoreCall	c;
	Jsonb	   *attrs;
	CmHubAttrs	unpacked;

	begin_call(&c, fcinfo, true, true);
	if (PG_ARGISNULL(3))
		null_argument("attributes");
	attrs = cmodel_hub_canonical(PG_GETARG_JSONB_P(3));
	cmodel_hub_unpack(attrs, false, &unpacked);
	if (cmodel_max_bulk_rows > 0 && unpacked.n > cmodel_max_bulk_rows)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("setting %d attributes of hub (\"%s\", \"%s\") in namespace \"%s\" exceeds %d in one call",
						unpacked.n, TextDatumGetCString(c.keys[0]), TextDatumGetCString(c.keys[1]),
						c.ns, cmodel_max_bulk_rows),
				 errdetail("One call may set at most cmodel.max_bulk_rows attributes (the SDK's bulk operation limit)."),
				 errhint("Set them in batches of at most %d attributes, or have a superuser raise cmodel.max_bulk_rows.",
						 cmodel_max_bulk_rows)));
	merge(&c, attrs);
	end_call(&c);
	PG_RETURN_VOID();
}

/*
 * cmodel_hub_delete_attribute(namespace, type, id, name) → boolean: true
 * when the attribute was there (None included) and is now gone.
 */
PG_FUNCTION_INFO_V1(cmodel_hub_store_delete_attribute);
Datum
cmodel_hub_store_delete_attribute(PG_FUNCTION_ARGS)
{
	StoreCall	c;
	Datum		name;
	uint64		n;

	begin_call(&c, fcinfo, true, true);
	name = PointerGetDatum(name_arg(fcinfo, 3));
	n = run(&c, SQ_DELETE_ATTR, 1, &name);
	end_call(&c);
	PG_RETURN_BOOL(n > 0);
}

/* cmodel_hub_delete(namespace, type, id) → boolean: true when the hub was there. */
PG_FUNCTION_INFO_V1(cmodel_hub_store_delete);
Datum
cmodel_hub_store_delete(PG_FUNCTION_ARGS)
{
	StoreCall	c;
	uint64		n;

	begin_call(&c, fcinfo, true, true);
	n = run(&c, SQ_DELETE_HUB, 0, NULL);
	end_call(&c);
	PG_RETURN_BOOL(n > 0);
}

/* ------------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------------
 */

/*
 * The stored hub read straight from the store's primary key, without SPI
 * and its executor: the reads are most of what plugins do, and a kept
 * statement costs about as much again as the index probe.  The store must
 * be the one this backend knows, of exactly the store's shape, readable by
 * the caller as a whole table and without row security; otherwise (column
 * privileges, a policy, a store made anew, a store Citus distributed) the
 * statement path decides, as plain SQL would.  The probe uses the calling query's snapshot, as a
 * STABLE function's SPI statement would, and the access methods take the
 * same predicate locks as a statement under SERIALIZABLE.  Returns false
 * to take that path.
 */
static bool
probe_hub(StoreCall *c, Jsonb **hub)
{
	StoreEntry *e = c->store;
	Relation	rel;
	Relation	idx;
	IndexScanDesc scan;
	ScanKeyData keys[2];
	TupleTableSlot *slot;
	AttrNumber	atts[3];
	Oid			pkey;
	int			i;

	*hub = NULL;
	/* a Citus table's rows are in its shards, which only a statement reaches */
	if (cmodel_citus_table(e->relid))
		return false;
	/* locked first, as a statement would, so that grants and policies are current */
	rel = try_table_open(e->relid, AccessShareLock);
	if (rel == NULL || rel->rd_rel->relkind != RELKIND_RELATION ||
		RelationGetNamespace(rel) != e->nspid ||
		strcmp(RelationGetRelationName(rel), CM_HUB_STORE) != 0)
	{
		if (rel)
			table_close(rel, AccessShareLock);
		return false;
	}
	if (pg_class_aclcheck(e->relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK ||
		check_enable_rls(e->relid, InvalidOid, true) != RLS_NONE ||
		!OidIsValid(pkey = RelationGetPrimaryKeyIndex(rel)))
	{
		table_close(rel, AccessShareLock);
		return false;
	}
	atts[0] = attnameAttNum(rel, "type", false);
	atts[1] = attnameAttNum(rel, "id", false);
	atts[2] = attnameAttNum(rel, "attrs", false);
	idx = index_open(pkey, AccessShareLock);
	/* exactly the store's shape: text keys under btree text_ops, a hub */
	if (atts[0] <= 0 || atts[1] <= 0 || atts[2] <= 0 ||
		TupleDescAttr(RelationGetDescr(rel), atts[0] - 1)->atttypid != TEXTOID ||
		TupleDescAttr(RelationGetDescr(rel), atts[1] - 1)->atttypid != TEXTOID ||
		TupleDescAttr(RelationGetDescr(rel), atts[2] - 1)->atttypid != e->hub_type ||
		idx->rd_rel->relam != BTREE_AM_OID ||
		IndexRelationGetNumberOfKeyAttributes(idx) != 2 ||
		idx->rd_index->indkey.values[0] != atts[0] || idx->rd_index->indkey.values[1] != atts[1] ||
		idx->rd_opfamily[0] != TEXT_BTREE_FAM_OID || idx->rd_opfamily[1] != TEXT_BTREE_FAM_OID)
	{
		index_close(idx, AccessShareLock);
		table_close(rel, AccessShareLock);
		return false;
	}
	for (i = 0; i < 2; i++)
		ScanKeyEntryInitialize(&keys[i], 0, i + 1, BTEqualStrategyNumber, InvalidOid,
							   idx->rd_indcollation[i], F_TEXTEQ, c->keys[i]);
	slot = table_slot_create(rel, NULL);
	scan = index_beginscan(rel, idx, GetActiveSnapshot(), 2, 0);
	index_rescan(scan, keys, 2, NULL, 0);
	if (index_getnext_slot(scan, ForwardScanDirection, slot))
	{
		bool		isnull;
		Datum		d = slot_getattr(slot, atts[2], &isnull);

		if (!isnull)
			*hub = (Jsonb *) PG_DETOAST_DATUM_COPY(d);
	}
	ExecDropSingleTupleTableSlot(slot);
	index_endscan(scan);
	index_close(idx, NoLock);
	table_close(rel, NoLock);
	return true;
}

/* The stored hub, or NULL: a copy in the caller's memory. */
static Jsonb *
read_hub(StoreCall *c)
{
	Jsonb	   *hub;

	if (probe_hub(c, &hub))
		return hub;
	hub = found_hub(run(c, SQ_GET, 0, NULL));
	return hub ? (Jsonb *) PG_DETOAST_DATUM_COPY(PointerGetDatum(hub)) : NULL;
}

/* cmodel_hub_read(namespace, type, id) → hub: the whole hub, NULL when there is none. */
PG_FUNCTION_INFO_V1(cmodel_hub_store_read);
Datum
cmodel_hub_store_read(PG_FUNCTION_ARGS)
{
	StoreCall	c;
	Jsonb	   *hub;

	begin_call(&c, fcinfo, true, false);
	hub = read_hub(&c);
	end_call(&c);
	if (hub == NULL)
		PG_RETURN_NULL();
	PG_RETURN_HUB_P(hub);
}

/*
 * cmodel_hub_get(namespace, type, id, name) → jsonb: SQL NULL when the hub
 * or the attribute is missing, JSON null when it holds None.
 */
PG_FUNCTION_INFO_V1(cmodel_hub_store_get);
Datum
cmodel_hub_store_get(PG_FUNCTION_ARGS)
{
	StoreCall	c;
	text	   *name;
	Jsonb	   *hub;
	Jsonb	   *value = NULL;
	CmHubAttr	attr;

	begin_call(&c, fcinfo, true, false);
	name = name_arg(fcinfo, 3);
	hub = read_hub(&c);
	if (hub && cmodel_hub_lookup(hub, VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name), &attr))
		value = cmodel_hub_value_jsonb(&attr.value);
	end_call(&c);
	if (value == NULL)
		PG_RETURN_NULL();
	PG_RETURN_JSONB_P(value);
}

/*
 * cmodel_hub_get(namespace, type, id, name, as anyelement) → anyelement: the
 * attribute as its exact SQL type (the type of the fifth argument, whose
 * value is not used); another type is an error (42804).
 */
PG_FUNCTION_INFO_V1(cmodel_hub_store_get_typed);
Datum
cmodel_hub_store_get_typed(PG_FUNCTION_ARGS)
{
	StoreCall	c;
	Oid			want = get_fn_expr_argtype(fcinfo->flinfo, 4);
	text	   *name;
	Jsonb	   *hub;
	Datum		d = (Datum) 0;
	bool		isnull = true;

	cmodel_hub_check_read_type(want);
	begin_call(&c, fcinfo, true, false);
	name = name_arg(fcinfo, 3);
	hub = read_hub(&c);
	if (hub)
		d = cmodel_hub_read_typed(hub, name, want, &isnull);
	end_call(&c);
	if (isnull)
		PG_RETURN_NULL();
	return d;
}

/* cmodel_hub_has(namespace, type, id, name) → boolean: is the attribute set (None included)? */
PG_FUNCTION_INFO_V1(cmodel_hub_store_has);
Datum
cmodel_hub_store_has(PG_FUNCTION_ARGS)
{
	StoreCall	c;
	text	   *name;
	Jsonb	   *hub;
	CmHubAttr	attr;
	bool		has;

	begin_call(&c, fcinfo, true, false);
	name = name_arg(fcinfo, 3);
	hub = read_hub(&c);
	has = hub && cmodel_hub_lookup(hub, VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name), &attr);
	end_call(&c);
	PG_RETURN_BOOL(has);
}

/* Return every row of the last statement, as the function's result set. */
static void
return_rows(FunctionCallInfo fcinfo, int ncols)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	uint64		r;

	for (r = 0; r < SPI_processed; r++)
	{
		Datum		values[3];
		bool		nulls[3];
		int			i;

		for (i = 0; i < ncols; i++)
			values[i] = cell(r, i + 1, &nulls[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

/*
 * cmodel_hub_read_many(namespace, type, ids text[]) → setof (id, attrs):
 * the hubs of one type with those ids, in one statement, by id.
 */
PG_FUNCTION_INFO_V1(cmodel_hub_store_read_many);
Datum
cmodel_hub_store_read_many(PG_FUNCTION_ARGS)
{
	StoreCall	c;
	Datum		ids;
	text	   *type;

	InitMaterializedSRF(fcinfo, 0);
	type = required_text(fcinfo, 1, "hub type");
	if (PG_ARGISNULL(2))
		null_argument("array of hub ids");
	begin_call(&c, fcinfo, false, false);
	cmodel_hub_check_key(c.ns, "type", VARDATA_ANY(type), VARSIZE_ANY_EXHDR(type));
	c.keys[0] = PointerGetDatum(type);
	ids = PG_GETARG_DATUM(2);
	run(&c, SQ_READ_MANY, 1, &ids);
	return_rows(fcinfo, 2);
	end_call(&c);
	return (Datum) 0;
}

/*
 * cmodel_hub_find(namespace, query hubquery, type text DEFAULT NULL) →
 * setof (type, id, attrs): the hubs whose attribute matches the condition
 * (of one type, when given), through the store's GIN index.
 */
PG_FUNCTION_INFO_V1(cmodel_hub_store_find);
Datum
cmodel_hub_store_find(PG_FUNCTION_ARGS)
{
	StoreCall	c;
	Datum		query;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(1))
		null_argument("find condition");
	begin_call(&c, fcinfo, false, false);
	query = PG_GETARG_DATUM(1);
	if (PG_ARGISNULL(2))
		run(&c, SQ_FIND, 1, &query);
	else
	{
		text	   *type = PG_GETARG_TEXT_PP(2);
		Datum		args[2] = {query, PointerGetDatum(type)};

		cmodel_hub_check_key(c.ns, "type", VARDATA_ANY(type), VARSIZE_ANY_EXHDR(type));
		run(&c, SQ_FIND_TYPE, 2, args);
	}
	return_rows(fcinfo, 3);
	end_call(&c);
	return (Datum) 0;
}

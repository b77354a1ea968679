/*-------------------------------------------------------------------------
 *
 * cascade.c
 *	  on_delete without REFERENCES: CASCADE and SET_NULL applied by set-based
 *	  statements, for DELETE and TRUNCATE from any client, and a preview.
 *
 * Every table a CASCADE or SET_NULL relation points at carries two
 * statement-level triggers: AFTER DELETE with the deleted rows as a
 * transition table, and BEFORE TRUNCATE.  The first of them to fire in a
 * statement runs the cascade: it collects the deleted rows' keys (sorted,
 * without duplicates) into one array per key column and, for each rule,
 * deletes or nulls all matching children with one statement.  Deleting
 * children fires their own AFTER DELETE trigger; while a cascade runs, that
 * trigger only queues the keys it saw, and the first trigger's loop works
 * through the queue.  So a cascade of any depth, a self-reference or a
 * cycle runs at a constant stack depth and stops when a round deletes
 * nothing new.  Work queued inside a subtransaction that rolls back is
 * dropped with it.
 *
 * Each rule's statement is a kept generic plan over the key array.  The
 * statements run as the child table's owner with forced row
 * security off, as PostgreSQL's own foreign-key actions do, and under
 * REPEATABLE READ and SERIALIZABLE they see the latest committed rows and
 * fail on a concurrent update, as those actions do.
 *
 * src/server/cascade.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/itemptr.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/hsearch.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/sortsupport.h"
#include "utils/tuplestore.h"
#include "utils/typcache.h"

#include "cmodel.h"

PG_FUNCTION_INFO_V1(cmodel_on_delete);
PG_FUNCTION_INFO_V1(cmodel_on_truncate);
PG_FUNCTION_INFO_V1(cmodel_delete_preview);

/* Deleted rows of one table whose children still need their on_delete. */
typedef struct WorkItem
{
	CmRelInfo  *info;			/* the table's rules (not rebuilt while a cascade runs) */
	SubTransactionId subid;		/* subtransaction that queued it */
	bool		skip_self;		/* TRUNCATE: the table's own rows go anyway */
	ArrayType **keys;			/* per CmRelInfo.key_atts; NULL: no keys */
	struct WorkItem *next;
} WorkItem;

/* Non-NULL while a cascade runs: its queue lives here. */
static MemoryContext cascade_cxt = NULL;
static MemoryContext cascade_cxt_kept = NULL;	/* reused, reset after each cascade */
static WorkItem *queue_head = NULL;
static WorkItem *queue_tail = NULL;

/* The child whose rows a SET_NULL statement is updating right now. */
static Oid	setting_null = InvalidOid;

/* See cmodel.h. */
bool
cmodel_cascade_running(void)
{
	return cascade_cxt != NULL;
}

/* See cmodel.h. */
bool
cmodel_cascade_setting_null(Oid relid)
{
	return OidIsValid(setting_null) && setting_null == relid;
}

/*
 * Work queued in a subtransaction belongs to its parent once it commits,
 * and goes with it when it rolls back (the rows it saw deleted are back).
 */
static void
cascade_subxact(SubXactEvent event, SubTransactionId mySubid,
				SubTransactionId parentSubid, void *arg)
{
	WorkItem  **link;

	if (cascade_cxt == NULL)
		return;
	if (event == SUBXACT_EVENT_COMMIT_SUB)
	{
		for (link = &queue_head; *link; link = &(*link)->next)
			if ((*link)->subid == mySubid)
				(*link)->subid = parentSubid;
	}
	else if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		queue_tail = NULL;
		for (link = &queue_head; *link;)
		{
			if ((*link)->subid == mySubid)
				*link = (*link)->next;
			else
			{
				queue_tail = *link;
				link = &(*link)->next;
			}
		}
	}
}

/* See cmodel.h. */
void
cmodel_cascade_init(void)
{
	RegisterSubXactCallback(cascade_subxact, NULL);
}

/* ------------------------------------------------------------------------
 * Keys
 * ------------------------------------------------------------------------
 */
typedef struct KeySet
{
	int			n;
	int			cap;
	Datum	   *values;
	int16		typlen;
	bool		typbyval;
} KeySet;

static KeySet *
keysets(CmRelInfo *info)
{
	KeySet	   *sets = palloc0(sizeof(KeySet) * (info->nkeys + 1));
	int			k;

	for (k = 0; k < info->nkeys; k++)
	{
		sets[k].typlen = info->key_typlens[k];
		sets[k].typbyval = info->key_byvals[k];
	}
	return sets;
}

static int
compare_datums(const void *a, const void *b, void *arg)
{
	return ApplySortComparator(*(const Datum *) a, false, *(const Datum *) b, false,
							   (SortSupport) arg);
}

/* The keys as a sorted array without duplicates, or NULL when empty. */
static ArrayType *
key_array(KeySet *ks, Oid type)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	TypeCacheEntry *tc = lookup_type_cache(type, TYPECACHE_LT_OPR);

	if (ks->n == 0)
		return NULL;
	get_typlenbyvalalign(type, &typlen, &typbyval, &typalign);
	if (OidIsValid(tc->lt_opr) && ks->n > 1)
	{
		SortSupportData ssup;
		int			i,
					out = 1;

		memset(&ssup, 0, sizeof(ssup));
		ssup.ssup_cxt = CurrentMemoryContext;
		ssup.ssup_collation = DEFAULT_COLLATION_OID;
		PrepareSortSupportFromOrderingOp(tc->lt_opr, &ssup);
		qsort_arg(ks->values, ks->n, sizeof(Datum), compare_datums, &ssup);
		for (i = 1; i < ks->n; i++)
			if (compare_datums(&ks->values[i], &ks->values[out - 1], &ssup) != 0)
				ks->values[out++] = ks->values[i];
		ks->n = out;
	}
	return construct_array(ks->values, ks->n, type, typlen, typbyval, typalign);
}

static void
keyset_add(KeySet *ks, Datum d)
{
	if (ks->n == ks->cap)
	{
		ks->cap = ks->cap ? ks->cap * 2 : 64;
		ks->values = ks->values ? repalloc_huge(ks->values, sizeof(Datum) * ks->cap) :
			palloc(sizeof(Datum) * ks->cap);
	}
	ks->values[ks->n++] = datumCopy(d, ks->typbyval, ks->typlen);
}

/*
 * Queue the rows of a transition table (or, with ts NULL, the key arrays
 * already made) for their children's on_delete.
 */
static void
enqueue(CmRelInfo *info, Relation rel, Tuplestorestate *ts, ArrayType **arrays, bool skip_self)
{
	MemoryContext old = MemoryContextSwitchTo(cascade_cxt);
	WorkItem   *item = palloc0(sizeof(WorkItem));
	int			k;

	item->info = info;
	item->subid = GetCurrentSubTransactionId();
	item->skip_self = skip_self;
	item->keys = palloc0(sizeof(ArrayType *) * (info->nkeys + 1));
	if (arrays)
		memcpy(item->keys, arrays, sizeof(ArrayType *) * info->nkeys);
	else
	{
		KeySet	   *sets = keysets(info);
		TupleTableSlot *slot = MakeSingleTupleTableSlot(RelationGetDescr(rel), &TTSOpsMinimalTuple);
		int			ptr = tuplestore_alloc_read_pointer(ts, EXEC_FLAG_REWIND);

		tuplestore_select_read_pointer(ts, ptr);
		tuplestore_rescan(ts);
		while (tuplestore_gettupleslot(ts, true, false, slot))
			for (k = 0; k < info->nkeys; k++)
			{
				bool		isnull;
				Datum		d = slot_getattr(slot, info->key_atts[k], &isnull);

				if (!isnull)
					keyset_add(&sets[k], d);
			}
		tuplestore_select_read_pointer(ts, 0);
		ExecDropSingleTupleTableSlot(slot);
		for (k = 0; k < info->nkeys; k++)
			item->keys[k] = key_array(&sets[k], info->key_types[k]);
	}
	for (k = 0; k < info->nkeys && item->keys[k] == NULL; k++)
		;
	if (k < info->nkeys)
	{
		if (queue_tail)
			queue_tail->next = item;
		else
			queue_head = item;
		queue_tail = item;
	}
	MemoryContextSwitchTo(old);
}

/* ------------------------------------------------------------------------
 * Statements
 * ------------------------------------------------------------------------
 */

/*
 * DELETE or UPDATE ... SET NULL of the children matching an array of keys,
 * kept as a generic plan: an index scan of the child's relation column
 * with the sorted keys, which also beats a hash join when every row goes.
 */
static SPIPlanPtr
rule_plan(CmRelInfo *info, CmDeleteRule *rule)
{
	Oid			argtype = get_array_type(info->key_types[rule->key]);
	char	   *sql;

	if (rule->plan)
		return rule->plan;
	if (rule->set_null)
		sql = psprintf("UPDATE ONLY %s SET %s = NULL WHERE %s OPERATOR(pg_catalog.=) ANY ($1)",
					   rule->child_name, rule->column, rule->column);
	else
		sql = psprintf("DELETE FROM ONLY %s WHERE %s OPERATOR(pg_catalog.=) ANY ($1)",
					   rule->child_name, rule->column);
	rule->plan = SPI_prepare_cursor(sql, 1, &argtype, CURSOR_OPT_GENERIC_PLAN);
	if (rule->plan == NULL)
		elog(ERROR, "cmodel: SPI_prepare failed (%s): %s", SPI_result_code_string(SPI_result), sql);
	if (SPI_keepplan(rule->plan) != 0)
		elog(ERROR, "cmodel: SPI_keepplan failed");
	return rule->plan;
}

/* Apply one rule to the children of the given keys. */
static void
apply_rule(CmRelInfo *info, CmDeleteRule *rule, ArrayType *keys)
{
	SPIPlanPtr	plan = rule_plan(info, rule);
	Datum		values[1] = {PointerGetDatum(keys)};
	Snapshot	test = InvalidSnapshot;
	Snapshot	crosscheck = InvalidSnapshot;
	Oid			save_user;
	int			save_sec;
	Oid			save_null = setting_null;
	int			rc;

	/*
	 * Under REPEATABLE READ or SERIALIZABLE, find the children committed
	 * since the transaction's snapshot too, and fail if one of them changed
	 * concurrently, rather than leave it behind.
	 */
	if (IsolationUsesXactSnapshot())
	{
		CommandCounterIncrement();
		test = GetLatestSnapshot();
		crosscheck = GetTransactionSnapshot();
	}
	GetUserIdAndSecContext(&save_user, &save_sec);
	SetUserIdAndSecContext(rule->child_owner,
						   save_sec | SECURITY_LOCAL_USERID_CHANGE | SECURITY_NOFORCE_RLS);
	if (rule->set_null)
		setting_null = rule->child;
	rc = SPI_execute_snapshot(plan, values, NULL, test, crosscheck, false, true, 0);
	setting_null = save_null;
	SetUserIdAndSecContext(save_user, save_sec);
	if (rc != SPI_OK_DELETE && rc != SPI_OK_UPDATE)
		elog(ERROR, "cmodel: on_delete statement on %s failed: %s",
			 rule->child_name, SPI_result_code_string(rc));
}

/* Work through the queue until no deleted row has children left. */
static void
run_queue(void)
{
	while (queue_head)
	{
		WorkItem   *item = queue_head;
		CmRelInfo  *info;
		int			i;

		queue_head = item->next;
		if (queue_head == NULL)
			queue_tail = NULL;
		info = item->info;
		for (i = 0; i < info->nrules; i++)
		{
			CmDeleteRule *rule = &info->rules[i];

			if (item->keys[rule->key] == NULL || (item->skip_self && rule->child == info->relid))
				continue;
			CHECK_FOR_INTERRUPTS();
			apply_rule(info, rule, item->keys[rule->key]);
		}
	}
}

/*
 * Queue the first item and run the cascade to its end; when a cascade is
 * already running (this statement is one of its own), only queue it.
 */
static void
cascade(CmRelInfo *info, Relation rel, Tuplestorestate *ts, ArrayType **arrays, bool skip_self)
{
	if (cascade_cxt)
	{
		enqueue(info, rel, ts, arrays, skip_self);
		return;
	}
	if (cascade_cxt_kept == NULL)
		cascade_cxt_kept = AllocSetContextCreate(TopMemoryContext, "cmodel cascade",
												 ALLOCSET_DEFAULT_SIZES);
	cascade_cxt = cascade_cxt_kept;
	PG_TRY();
	{
		enqueue(info, rel, ts, arrays, skip_self);
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "cmodel: SPI_connect failed");
		run_queue();
		SPI_finish();
	}
	PG_FINALLY();
	{
		MemoryContextReset(cascade_cxt);
		cascade_cxt = NULL;
		queue_head = queue_tail = NULL;
		setting_null = InvalidOid;
	}
	PG_END_TRY();
}

/* ------------------------------------------------------------------------
 * Triggers
 * ------------------------------------------------------------------------
 */
static TriggerData *
trigger_data(FunctionCallInfo fcinfo, const char *name, bool delete)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_STATEMENT(td->tg_event) ||
		(delete ? !(TRIGGER_FIRED_BY_DELETE(td->tg_event) && TRIGGER_FIRED_AFTER(td->tg_event) &&
					td->tg_oldtable != NULL) :
		 !(TRIGGER_FIRED_BY_TRUNCATE(td->tg_event) && TRIGGER_FIRED_BEFORE(td->tg_event))))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function %s must be fired %s", name,
						delete ? "AFTER DELETE FOR EACH STATEMENT with an OLD TABLE" :
						"BEFORE TRUNCATE FOR EACH STATEMENT"),
				 errdetail("cmodel creates this trigger itself when a relation points at a table."),
				 errhint("Register the models with cmodel_register_model; do not create cmodel's triggers by hand.")));
	return td;
}

/*
 * A relation points at a column the table no longer has (renamed, or
 * dropped under break-glass): deleting rows would orphan its children.
 */
static void
check_keys_present(CmRelInfo *info)
{
	if (info->missing_key)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("cannot apply on_delete for table %s: column \"%s\" does not exist",
						info->qualname, info->missing_key),
				 errdetail("A registered relation points at column \"%s\" of table %s; rows of its model would be left behind.",
						   info->missing_key, info->qualname),
				 errhint("Rename the column back, or register the core model again with its new key column.")));
}

/* AFTER DELETE FOR EACH STATEMENT, REFERENCING OLD TABLE. */
Datum
cmodel_on_delete(PG_FUNCTION_ARGS)
{
	TriggerData *td = trigger_data(fcinfo, "cmodel.on_delete()", true);
	CmRelInfo  *info = cmodel_relinfo(td->tg_relation);

	check_keys_present(info);

	if (info->nrules > 0 && tuplestore_tuple_count(td->tg_oldtable) > 0)
		cascade(info, td->tg_relation, td->tg_oldtable, NULL, false);
	return PointerGetDatum(NULL);
}

/*
 * BEFORE TRUNCATE FOR EACH STATEMENT: every row goes, so the children of
 * every row get their on_delete first, as a DELETE of all rows would give
 * them.  Rows of the table itself that point at it go with the TRUNCATE.
 */
Datum
cmodel_on_truncate(PG_FUNCTION_ARGS)
{
	TriggerData *td = trigger_data(fcinfo, "cmodel.on_truncate()", false);
	Relation	rel = td->tg_relation;
	CmRelInfo  *info = cmodel_relinfo(rel);
	ArrayType **arrays;
	Oid			save_user;
	int			save_sec;
	int			k;

	check_keys_present(info);
	if (info->nrules == 0)
		return PointerGetDatum(NULL);
	arrays = palloc0(sizeof(ArrayType *) * info->nkeys);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "cmodel: SPI_connect failed");
	GetUserIdAndSecContext(&save_user, &save_sec);
	SetUserIdAndSecContext(rel->rd_rel->relowner,
						   save_sec | SECURITY_LOCAL_USERID_CHANGE | SECURITY_NOFORCE_RLS);
	for (k = 0; k < info->nkeys; k++)
	{
		const char *col = quote_identifier(NameStr(TupleDescAttr(RelationGetDescr(rel),
																  info->key_atts[k] - 1)->attname));
		bool		isnull;
		Datum		d;

		if (SPI_execute(psprintf("SELECT pg_catalog.array_agg(DISTINCT %s ORDER BY %s)"
								 " FILTER (WHERE %s IS NOT NULL) FROM ONLY %s",
								 col, col, col, info->qualname), false, 0) != SPI_OK_SELECT)
			elog(ERROR, "cmodel: could not read the keys of %s", info->qualname);
		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		if (!isnull)
			arrays[k] = (ArrayType *) SPI_datumTransfer(d, false, -1);
	}
	SetUserIdAndSecContext(save_user, save_sec);
	SPI_finish();
	cascade(info, rel, NULL, arrays, true);
	return PointerGetDatum(NULL);
}

/* ------------------------------------------------------------------------
 * Preview
 * ------------------------------------------------------------------------
 */
typedef struct SeenRow
{
	Oid			relid;
	ItemPointerData tid;
} SeenRow;

typedef struct Counted
{
	Oid			relid;
	int64		count;
	char	   *label;
} Counted;

/* Rows of a table to look for: those whose column matches the keys. */
typedef struct PreviewStep
{
	Oid			relid;
	const char *qualname;
	const char *column;
	ArrayType  *keys;
	Oid			keytype;
} PreviewStep;

static PreviewStep *
preview_step(Oid relid, const char *qualname, const char *column,
			 ArrayType *keys, Oid keytype)
{
	PreviewStep *s = palloc(sizeof(PreviewStep));

	s->relid = relid;
	s->qualname = qualname;
	s->column = column;
	s->keys = keys;
	s->keytype = keytype;
	return s;
}

/*
 * Count the rows a step finds that were not counted yet, and return the
 * steps for their CASCADE children.  The seen set ends cycles.
 */
static List *
preview_rows(HTAB *seen, HTAB *counts, PreviewStep *step, MemoryContext keep)
{
	CmRelInfo  *info = cmodel_relinfo_oid(step->relid);
	StringInfoData sql;
	Oid			argtype = get_array_type(step->keytype);
	Datum		values[1] = {PointerGetDatum(step->keys)};
	KeySet	   *sets = keysets(info);
	List	   *next = NIL;
	Counted    *c;
	uint64		r;
	int			k;
	bool		found;

	check_keys_present(info);
	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT ctid");
	for (k = 0; k < info->nkeys; k++)
		appendStringInfo(&sql, ", %s",
						 quote_identifier(get_attname(step->relid, info->key_atts[k], false)));
	appendStringInfo(&sql, " FROM ONLY %s WHERE %s OPERATOR(pg_catalog.=) ANY ($1)",
					 step->qualname, step->column);
	if (SPI_execute_with_args(sql.data, 1, &argtype, values, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "cmodel: preview query failed: %s", sql.data);

	c = hash_search(counts, &step->relid, HASH_ENTER, &found);
	if (!found)
	{
		c->count = 0;
		c->label = MemoryContextStrdup(keep, info->label);
	}
	for (r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		SeenRow		key;
		bool		isnull;

		memset(&key, 0, sizeof(key));
		key.relid = step->relid;
		key.tid = *(ItemPointer) DatumGetPointer(SPI_getbinval(tup, SPI_tuptable->tupdesc, 1, &isnull));
		hash_search(seen, &key, HASH_ENTER, &found);
		if (found)
			continue;
		c->count++;
		for (k = 0; k < info->nkeys; k++)
		{
			Datum		d = SPI_getbinval(tup, SPI_tuptable->tupdesc, k + 2, &isnull);

			if (!isnull)
				keyset_add(&sets[k], d);
		}
	}
	SPI_freetuptable(SPI_tuptable);
	for (k = 0; k < info->nrules; k++)
	{
		CmDeleteRule *rule = &info->rules[k];
		ArrayType  *keys;

		if (rule->set_null || sets[rule->key].n == 0)
			continue;
		keys = key_array(&sets[rule->key], info->key_types[rule->key]);
		next = lappend(next, preview_step(rule->child, rule->child_name,
										  rule->column, keys, info->key_types[rule->key]));
	}
	return next;
}

static int
compare_counted(const void *a, const void *b)
{
	return strcmp((*(Counted *const *) a)->label, (*(Counted *const *) b)->label);
}

/*
 * cmodel_delete_preview(tbl regclass, keys anyarray, OUT total bigint,
 * OUT per_model jsonb): what deleting the rows of tbl whose key is in keys
 * would delete, counted per model as Django's delete() reports it.  It
 * reads as its caller, so privileges and row security hold: a table the
 * caller may not read is an error, and rows hidden from it are not counted.
 */
Datum
cmodel_delete_preview(PG_FUNCTION_ARGS)
{
	Oid			relid;
	ArrayType  *keys;
	Relation	rel;
	HASHCTL		ctl;
	HTAB	   *seen;
	HTAB	   *counts;
	HASH_SEQ_STATUS hs;
	Counted    *c;
	Counted   **sorted;
	int			n = 0,
				i;
	int64		total = 0;
	StringInfoData json;
	TupleDesc	tupdesc;
	Datum		result[2];
	bool		nulls[2] = {false, false};
	char	   *keycol;
	Oid			keytype;
	AclResult	acl;
	MemoryContext keep = CurrentMemoryContext;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("table and keys of cmodel_delete_preview must not be null"),
				 errdetail("The preview counts what deleting the rows with these keys would delete."),
				 errhint("Pass the table and an array of its key values, for example ARRAY[1, 2].")));
	relid = PG_GETARG_OID(0);
	keys = PG_GETARG_ARRAYTYPE_P(1);
	rel = table_open(relid, AccessShareLock);
	acl = pg_class_aclcheck(relid, GetUserId(), ACL_SELECT);
	if (acl != ACLCHECK_OK)
		aclcheck_error(acl, get_relkind_objtype(rel->rd_rel->relkind), RelationGetRelationName(rel));

	/* the key: a registered core model's key column, else the primary key */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "cmodel: SPI_connect failed");
	{
		Oid			types[1] = {OIDOID};
		Datum		values[1] = {ObjectIdGetDatum(relid)};

		if (SPI_execute_with_args("SELECT key_column::pg_catalog.text FROM cmodel.reg_core_model"
								  " WHERE tbl::pg_catalog.oid OPERATOR(pg_catalog.=) $1"
								  " UNION ALL"
								  " SELECT a.attname::pg_catalog.text FROM pg_catalog.pg_index i"
								  "   JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid"
								  "    AND a.attnum = i.indkey[0]"
								  "  WHERE i.indrelid = $1 AND i.indisprimary AND i.indnkeyatts = 1",
								  1, types, values, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "cmodel: could not read the key of %s", RelationGetRelationName(rel));
		if (SPI_processed == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("table \"%s.%s\" has no single-column key to preview deletes by",
							get_namespace_name(RelationGetNamespace(rel)), RelationGetRelationName(rel)),
					 errdetail("The preview finds the rows to delete by their primary key, or by a core model's key column."),
					 errhint("Preview a model's table or a registered core model.")));
		keycol = pstrdup(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
	}
	MemoryContextSwitchTo(keep);
	if (get_attnum(relid, keycol) == InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("key column \"%s\" of table \"%s.%s\" does not exist", keycol,
						get_namespace_name(RelationGetNamespace(rel)), RelationGetRelationName(rel)),
				 errdetail("The core model registered for this table names column \"%s\" as its key.", keycol),
				 errhint("Rename the column back, or register the core model again with its new key column.")));
	keytype = get_atttype(relid, get_attnum(relid, keycol));
	if (ARR_ELEMTYPE(keys) != keytype)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("keys of table \"%s.%s\" are %s, not %s",
						get_namespace_name(RelationGetNamespace(rel)), RelationGetRelationName(rel),
						format_type_be(keytype), format_type_be(ARR_ELEMTYPE(keys))),
				 errdetail("The keys are matched against column \"%s\".", keycol),
				 errhint("Cast the array, for example ARRAY[1, 2]::%s[].", format_type_be(keytype))));

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(SeenRow);
	ctl.entrysize = sizeof(SeenRow);
	ctl.hcxt = CurrentMemoryContext;
	seen = hash_create("cmodel preview rows", 1024, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(Counted);
	counts = hash_create("cmodel preview counts", 16, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	{
		List	   *queue = list_make1(preview_step(relid,
													quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
																			   RelationGetRelationName(rel)),
													quote_identifier(keycol), keys, keytype));

		while (queue != NIL)
		{
			PreviewStep *step = linitial(queue);

			CHECK_FOR_INTERRUPTS();
			queue = list_concat(list_delete_first(queue), preview_rows(seen, counts, step, keep));
		}
	}
	SPI_finish();
	table_close(rel, AccessShareLock);

	sorted = palloc(sizeof(Counted *) * (hash_get_num_entries(counts) + 1));
	hash_seq_init(&hs, counts);
	while ((c = hash_seq_search(&hs)) != NULL)
		if (c->count > 0)
			sorted[n++] = c;
	qsort(sorted, n, sizeof(Counted *), compare_counted);
	initStringInfo(&json);
	appendStringInfoChar(&json, '{');
	for (i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoString(&json, ", ");
		escape_json(&json, sorted[i]->label);
		appendStringInfo(&json, ": " INT64_FORMAT, sorted[i]->count);
		total += sorted[i]->count;
	}
	appendStringInfoChar(&json, '}');

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "cmodel: cmodel_delete_preview must return a record");
	result[0] = Int64GetDatum(total);
	result[1] = DirectFunctionCall1(jsonb_in, CStringGetDatum(json.data));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), result, nulls)));
}

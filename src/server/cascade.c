/*-------------------------------------------------------------------------
 *
 * cascade.c
 *	  on_delete without REFERENCES: CASCADE and SET_NULL applied by set-based
 *	  statements, for DELETE and TRUNCATE from any client.
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
 * fail on a concurrent update, as those actions do.  The keys are collected
 * by keyset.c; what a delete would cascade to, without deleting, is
 * preview.c.
 *
 * On Citus, a table's rows are in its shards, and so is the work: Citus
 * copies the triggers to every shard, where they fire on the node that
 * holds it, with the node catalog's rules (relinfo.c) and the children's
 * shards on that node as the children.  The DELETE triggers of the table
 * itself (the shell, whose own rows are at most what distributing it left
 * behind) do nothing; its TRUNCATE trigger, which Citus keeps off the
 * shards, does the TRUNCATE's work.
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
#include "replication/logicalworker.h"
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
		CmKeySet   *sets = cmodel_keysets(info);
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
					cmodel_keyset_add(&sets[k], d);
			}
		tuplestore_select_read_pointer(ts, 0);
		ExecDropSingleTupleTableSlot(slot);
		for (k = 0; k < info->nkeys; k++)
			item->keys[k] = cmodel_keyset_array(&sets[k], info->key_types[k]);
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
	SPIPlanPtr	plan;
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
	/*
	 * As the child's owner from the statement's preparation on: its schema
	 * may be one the deleting role cannot even look into.
	 */
	GetUserIdAndSecContext(&save_user, &save_sec);
	SetUserIdAndSecContext(rule->child_owner,
						   save_sec | SECURITY_LOCAL_USERID_CHANGE | SECURITY_NOFORCE_RLS);
	plan = rule_plan(info, rule);
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
	bool		held;

	if (cascade_cxt)
	{
		enqueue(info, rel, ts, arrays, skip_self);
		return;
	}
	if (cascade_cxt_kept == NULL)
		cascade_cxt_kept = AllocSetContextCreate(TopMemoryContext, "cmodel cascade",
												 ALLOCSET_DEFAULT_SIZES);
	cascade_cxt = cascade_cxt_kept;
	held = cmodel_relinfo_hold(true);
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
		cmodel_relinfo_hold(held);
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

/* AFTER DELETE FOR EACH STATEMENT, REFERENCING OLD TABLE. */
PG_FUNCTION_INFO_V1(cmodel_on_delete);
Datum
cmodel_on_delete(PG_FUNCTION_ARGS)
{
	TriggerData *td = trigger_data(fcinfo, "cmodel.on_delete()", true);
	CmRelInfo  *info = cmodel_relinfo(td->tg_relation);

	if (info->citus_shell)
		return PointerGetDatum(NULL);
	cmodel_relinfo_check_keys(info);

	if (info->nrules > 0 && tuplestore_tuple_count(td->tg_oldtable) > 0)
		cascade(info, td->tg_relation, td->tg_oldtable, NULL, false);
	return PointerGetDatum(NULL);
}

/*
 * AFTER DELETE FOR EACH ROW, ENABLE REPLICA: a logical replication apply
 * worker fires row triggers only, so there the statement trigger's work is
 * done row by row (its children's on_delete, as if the row had been
 * deleted by a statement of its own).  Anywhere else the statement trigger
 * does it, and this one does nothing.
 */
PG_FUNCTION_INFO_V1(cmodel_on_delete_row);
Datum
cmodel_on_delete_row(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	CmRelInfo  *info;
	CmKeySet   *sets;
	ArrayType **arrays;
	int			k;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_ROW(td->tg_event) ||
		!TRIGGER_FIRED_BY_DELETE(td->tg_event) || !TRIGGER_FIRED_AFTER(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function cmodel.on_delete_row() must be fired AFTER DELETE FOR EACH ROW"),
				 errdetail("cmodel creates this trigger itself when a relation points at a table."),
				 errhint("Register the models with cmodel_register_model; do not create cmodel's triggers by hand.")));
	if (!IsLogicalWorker())
		return PointerGetDatum(NULL);
	info = cmodel_relinfo(td->tg_relation);
	/*
	 * A Citus table's rows are in its shards; and a shard's rows reach an
	 * apply worker when Citus moves the shard by logical replication, from
	 * a source that applied on_delete itself and sends its children's
	 * changes along.
	 */
	if (info->citus_shell || OidIsValid(info->catalog_rel))
		return PointerGetDatum(NULL);
	cmodel_relinfo_check_keys(info);
	if (info->nrules == 0)
		return PointerGetDatum(NULL);
	sets = cmodel_keysets(info);
	arrays = palloc0(sizeof(ArrayType *) * (info->nkeys + 1));
	for (k = 0; k < info->nkeys; k++)
	{
		bool		isnull;
		Datum		d = heap_getattr(td->tg_trigtuple, info->key_atts[k],
									 RelationGetDescr(td->tg_relation), &isnull);

		if (!isnull)
			cmodel_keyset_add(&sets[k], d);
		arrays[k] = cmodel_keyset_array(&sets[k], info->key_types[k]);
	}
	cascade(info, td->tg_relation, NULL, arrays, false);
	return PointerGetDatum(NULL);
}

/*
 * BEFORE TRUNCATE FOR EACH STATEMENT: every row goes, so the children of
 * every row get their on_delete first, as a DELETE of all rows would give
 * them.  Rows of the table itself that point at it go with the TRUNCATE.
 * Citus gives a shard no TRUNCATE triggers: a Citus table's own trigger
 * reads the keys from its shards and deletes the children through their
 * tables, so that the children's shards cascade further as for a DELETE.
 * A TRUNCATE that only clears a Citus table's leftover local rows (its
 * rows are in the shards) takes no children along.
 */
PG_FUNCTION_INFO_V1(cmodel_on_truncate);
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

	if (info->citus_shell && cmodel_citus_truncates_local_only())
		return PointerGetDatum(NULL);
	cmodel_relinfo_check_keys(info);
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

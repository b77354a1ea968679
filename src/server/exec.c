/*-------------------------------------------------------------------------
 *
 * exec.c
 *	  Running cmodel's own statements: kept plans of the fixed registry
 *	  queries, reading their result cells, running a step in a
 *	  subtransaction that catches its error, and calling an event
 *	  trigger's set-returning function directly.
 *
 * Registration reads and writes the registry with fixed, schema-qualified
 * queries whose parameters are all text (the SQL casts them), so they mean
 * the same under any search_path and nothing from a descriptor is ever
 * pasted into them.  Their plans are prepared once per backend and kept:
 * the snapshot and the no-op check run on every registration, and planning
 * them afresh each time cost about a third of an unchanged
 * re-registration.  The plan cache re-plans them if the registry or the
 * catalogs they read change.
 *
 * src/server/exec.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "nodes/execnodes.h"
#include "utils/tuplestore.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"

#include "cmodel.h"

/* ------------------------------------------------------------------------
 * Kept plans
 * ------------------------------------------------------------------------
 */

/* Entries are keyed by the address of the SQL string literal. */
typedef struct KeptPlan
{
	const char *sql;
	SPIPlanPtr	plan;
} KeptPlan;

#define MAX_KEPT_PLANS 64
#define MAX_ARGS 16
static KeptPlan kept_plans[MAX_KEPT_PLANS];
static int	nkept_plans;

/* The kept plan of a fixed query, prepared on first use. */
static SPIPlanPtr
kept_plan(const char *sql, int nargs)
{
	Oid			types[MAX_ARGS];
	SPIPlanPtr	plan;
	int			i;

	for (i = 0; i < nkept_plans; i++)
		if (kept_plans[i].sql == sql)
			return kept_plans[i].plan;
	for (i = 0; i < nargs; i++)
		types[i] = TEXTOID;
	plan = SPI_prepare(sql, nargs, types);
	if (plan == NULL)
		elog(ERROR, "cmodel: SPI_prepare failed (%s): %s",
			 SPI_result_code_string(SPI_result), sql);
	if (nkept_plans < MAX_KEPT_PLANS)
	{
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "cmodel: SPI_keepplan failed");
		kept_plans[nkept_plans].sql = sql;
		kept_plans[nkept_plans++].plan = plan;
	}
	return plan;
}

/*
 * Run one of the fixed queries (a string literal: its address is the key of
 * its kept plan), as of snapshot when it is valid.  Its parameters are all
 * text, NULL for SQL NULL.
 */
static int
exec_kept(const char *sql, int nargs, const char **args, Snapshot snapshot, bool read_only)
{
	Datum		values[MAX_ARGS];
	char		nulls[MAX_ARGS] = {0};
	int			i;
	int			rc;

	Assert(nargs <= MAX_ARGS);
	for (i = 0; i < nargs; i++)
	{
		values[i] = args[i] ? CStringGetTextDatum(args[i]) : (Datum) 0;
		nulls[i] = args[i] ? ' ' : 'n';
	}
	rc = SPI_execute_snapshot(kept_plan(sql, nargs), values, nulls, snapshot,
							  InvalidSnapshot, read_only, true, 0);
	if (rc < 0)
		elog(ERROR, "cmodel: SPI_execute_plan failed (%s): %s",
			 SPI_result_code_string(rc), sql);
	return rc;
}

/* See cmodel.h: run a fixed query as SPI_execute_plan would. */
int
cmodel_exec(const char *sql, int nargs, const char **args, bool read_only)
{
	return exec_kept(sql, nargs, args, InvalidSnapshot, read_only);
}

/*
 * See cmodel.h: run one of cmodel's fixed registry writes, which the
 * registry's lock lets through (registry_lock.c).
 */
int
cmodel_registry_exec(const char *sql, int nargs, const char **args)
{
	volatile int depth = cmodel_registry_unlock();
	volatile int rc = 0;

	PG_TRY();
	{
		rc = exec_kept(sql, nargs, args, InvalidSnapshot, false);
	}
	PG_FINALLY();
	{
		cmodel_registry_relock(depth);
	}
	PG_END_TRY();
	return rc;
}

/*
 * See cmodel.h: run a fixed query as of the snapshot of
 * cmodel_query_snapshot(), so that what the caller reads around it (from
 * the catalogs directly) is seen as of the same moment.
 */
int
cmodel_exec_snapshot(const char *sql, int nargs, const char **args, Snapshot snapshot,
					 bool read_only)
{
	return exec_kept(sql, nargs, args, snapshot, read_only);
}

/*
 * See cmodel.h: the snapshot a fixed query would use, registered (release
 * it with UnregisterSnapshot): a read-only query uses the calling
 * statement's; any other first makes the transaction's own changes visible
 * and takes a new one (under REPEATABLE READ, the transaction's).
 */
Snapshot
cmodel_query_snapshot(bool read_only)
{
	if (read_only)
		return RegisterSnapshot(GetActiveSnapshot());
	CommandCounterIncrement();
	return RegisterSnapshot(GetTransactionSnapshot());
}

/* ------------------------------------------------------------------------
 * Result cells of the last SPI query
 * ------------------------------------------------------------------------
 */

/* A cell as text copied into the arena, or NULL. */
char *
cmodel_cell_text(CmArena *arena, int row, int col)
{
	char	   *v = SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col);

	return v ? cm_strdup(arena, v) : NULL;
}

/* A boolean cell; NULL reads as false. */
bool
cmodel_cell_bool(int row, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, &isnull);

	return !isnull && DatumGetBool(d);
}

/* An oid cell; NULL reads as InvalidOid. */
Oid
cmodel_cell_oid(int row, int col)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, &isnull);

	return isnull ? InvalidOid : DatumGetObjectId(d);
}

/* ------------------------------------------------------------------------
 * Caught subtransactions
 * ------------------------------------------------------------------------
 */

/*
 * Run fn(arg) in a subtransaction.  Returns NULL when it succeeded, or the
 * error it raised, caught and rolled back, so the caller can decide what to
 * report while its own transaction stays usable.
 */
ErrorData *
cmodel_run_caught(void (*fn) (void *), void *arg)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	ErrorData  *volatile edata = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcontext);
	PG_TRY();
	{
		fn(arg);
		ReleaseCurrentSubTransaction();
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
	}
	PG_END_TRY();
	MemoryContextSwitchTo(oldcontext);
	CurrentResourceOwner = oldowner;
	return edata;
}

/* ------------------------------------------------------------------------
 * Running as the extension's owner
 * ------------------------------------------------------------------------
 */

/*
 * See cmodel.h: run what follows as the registry's owner (the extension's
 * owner), who owns the namespaces' schemas and tables and writes the
 * registry; cmodel_owner_leave() goes back.  An error on the way restores
 * the caller's identity with the (sub)transaction's abort.
 */
void
cmodel_owner_enter(CmUserSave *save)
{
	Oid			owner = cmodel_probe_registry_owner();

	if (!OidIsValid(owner))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("cmodel's registry table \"cmodel.reg_namespace\" is missing"),
				 errdetail("cmodel cannot tell who owns the namespaces without its registry."),
				 errhint("Restore the registry (or reinstall the extension) before registering or granting.")));
	GetUserIdAndSecContext(&save->userid, &save->sec_context);
	SetUserIdAndSecContext(owner, save->sec_context | SECURITY_LOCAL_USERID_CHANGE);
}

void
cmodel_owner_leave(const CmUserSave *save)
{
	SetUserIdAndSecContext(save->userid, save->sec_context);
}

/*
 * See cmodel.h: an event trigger's set-returning function (pg_event_trigger_dropped_objects,
 * pg_event_trigger_ddl_commands), called directly in materialize mode: the
 * triggers run for every DROP and every DDL statement, and SPI would cost
 * more than the checks.
 */
Tuplestorestate *
cmodel_event_trigger_rows(Oid function, TupleDesc *desc)
{
	FmgrInfo	flinfo;
	LOCAL_FCINFO(fcinfo, 0);
	ReturnSetInfo rsinfo = {0};

	fmgr_info(function, &flinfo);
	rsinfo.type = T_ReturnSetInfo;
	rsinfo.econtext = CreateStandaloneExprContext();
	rsinfo.allowedModes = (int) SFRM_Materialize;
	InitFunctionCallInfoData(*fcinfo, &flinfo, 0, InvalidOid, NULL, (Node *) &rsinfo);
	(void) FunctionCallInvoke(fcinfo);
	*desc = rsinfo.setDesc;
	return rsinfo.setResult;
}

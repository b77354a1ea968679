/*-------------------------------------------------------------------------
 *
 * apply.c
 *	  Run the DDL of a plan, in order, inside the registration's
 *	  transaction.
 *
 * Each statement was built by the core with every identifier quoted and
 * every value a literal of its column's type.  An error names the action
 * that failed (error context), and a unique index that existing rows
 * violate becomes an error that says what to do, with nothing changed.
 *
 * src/server/apply.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"

#include "cmodel.h"

typedef struct ActionErrorContext
{
	CmActionKind kind;
	const char *object;
	const char *sql;
} ActionErrorContext;

/* Error context: which planned action was running. */
static void
action_error_callback(void *arg)
{
	ActionErrorContext *ctx = (ActionErrorContext *) arg;

	errcontext("cmodel action \"%s\" on %s: %s", cm_action_name(ctx->kind), ctx->object, ctx->sql);
}

/* Run one action's statement (through cmodel_run_caught). */
static void
execute_action(void *arg)
{
	const CmAction *a = (const CmAction *) arg;

	if (SPI_execute(a->sql, false, 0) < 0)
		elog(ERROR, "cmodel: SPI_execute failed: %s", a->sql);
}

/*
 * Create a unique index, turning a duplicate-data failure into an error that
 * says what to do.
 */
static void
create_unique_index(const CmAction *a)
{
	ErrorData  *edata = cmodel_run_caught(execute_action, (void *) a);

	if (edata == NULL)
		return;
	if (edata->sqlerrcode != ERRCODE_UNIQUE_VIOLATION)
		ReThrowError(edata);
	ereport(ERROR,
			(errcode(ERRCODE_UNIQUE_VIOLATION),
			 errmsg("cannot add unique constraint \"%s\": existing rows are not unique", a->object),
			 errdetail("%s", edata->detail ? edata->detail : edata->message),
			 errhint("Remove or fix the duplicate rows, then register the model again; nothing was changed.")));
}

/* See cmodel.h: run the DDL of a plan, in order. */
void
cmodel_apply_plan(const CmPlan *plan)
{
	ActionErrorContext ctx;
	ErrorContextCallback cb;
	int			i;

	cb.callback = action_error_callback;
	cb.arg = &ctx;
	cb.previous = error_context_stack;
	error_context_stack = &cb;
	for (i = 0; i < plan->nactions; i++)
	{
		const CmAction *a = &plan->actions[i];
		int			rc;

		if (a->sql == NULL)
			continue;
		ctx.kind = a->kind;
		ctx.object = a->object;
		ctx.sql = a->sql;
		if (a->kind == CM_ACT_CREATE_UNIQUE_INDEX)
		{
			create_unique_index(a);
			continue;
		}
		rc = SPI_execute(a->sql, false, 0);
		if (rc < 0)
			elog(ERROR, "cmodel: SPI_execute failed (%s): %s", SPI_result_code_string(rc), a->sql);
	}
	error_context_stack = cb.previous;
}

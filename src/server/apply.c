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
 * With Citus, the plan's DDL runs with the settings cmodel's triggers need,
 * and every table it creates in a distributed namespace joins the
 * namespace's colocation group before its indexes and triggers are made.
 *
 * src/server/apply.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"
#include "utils/guc.h"

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

/* Does the action create a table?  Its object is "namespace.table" (namespaces have no dots). */
static bool
creates_table(const CmAction *a, char **ns, const char **table)
{
	const char *dot;

	if (a->kind != CM_ACT_CREATE_MODEL && a->kind != CM_ACT_CREATE_HUB_STORE)
		return false;
	dot = strchr(a->object, '.');
	if (dot == NULL)
		return false;
	*ns = pnstrdup(a->object, dot - a->object);
	*table = dot + 1;
	return true;
}

/* See cmodel.h: run the DDL of a plan, in order (Citus: citus.c). */
void
cmodel_apply_plan(const CmPlan *plan)
{
	ActionErrorContext ctx;
	ErrorContextCallback cb;
	int			guc_level = cmodel_citus_local_settings();
	int			i;
	bool		twin;

	cb.callback = action_error_callback;
	cb.arg = &ctx;
	cb.previous = error_context_stack;
	/* an update's older steps run before 0.8.0's script makes the row twin's function */
	twin = cmodel_trigger_function_exists(CM_TRIG_DELETE_ROW);
	error_context_stack = &cb;
	for (i = 0; i < plan->nactions; i++)
	{
		const CmAction *a = &plan->actions[i];
		int			rc;
		int			t;
		char	   *ns = NULL;
		const char *table = NULL;
		bool		is_table;
		CmCitusPlacement placement = CM_CITUS_LOCAL;

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
		is_table = creates_table(a, &ns, &table);
		if (is_table)
			placement = cmodel_citus_before_table(ns);
		rc = SPI_execute(a->sql, false, 0);
		if (rc < 0)
			elog(ERROR, "cmodel: SPI_execute failed (%s): %s", SPI_result_code_string(rc), a->sql);
		for (t = 0; a->then[t]; t++)
			if (a->kind == CM_ACT_CREATE_TRIGGER && t > 0 && !twin)
				break;			/* then[1..]: the twin (plan.c add_trigger); 0.8.0 makes it */
			else if ((rc = SPI_execute(a->then[t], false, 0)) < 0)
				elog(ERROR, "cmodel: SPI_execute failed (%s): %s", SPI_result_code_string(rc), a->then[t]);
		if (is_table)
			cmodel_citus_after_table(ns, table, placement);
	}
	error_context_stack = cb.previous;
	if (guc_level > 0)
		AtEOXact_GUC(true, guc_level);
}

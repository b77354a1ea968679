/*-------------------------------------------------------------------------
 *
 * write_stmt.c
 *	  Statements as the write trigger sees them: where one starts and ends,
 *	  for the row limit, and which UPDATEs it has nothing to do in.
 *
 * The row limit counts the rows one statement inserts into one table.  A
 * statement can insert into a table from several places (two
 * data-modifying CTEs each have their own ModifyTable and their own
 * trigger state), so the count cannot live with the trigger: it lives in a
 * stack of frames, one for every statement the executor runs that can
 * write (and one for every COPY FROM), kept by the ExecutorRun and
 * ProcessUtility hooks.  A statement run by a function or a trigger per
 * row is a frame of its own, so it neither adds to nor resets the count of
 * the statement that called it.  A rule's actions are statements the
 * executor runs one after another at the same depth, but parts of the
 * statement that fired the rule: an action continues the frame of the
 * statement before it (see continues_statement).  The statements a
 * statement's AFTER triggers run (in ExecutorFinish) are a level deeper, so
 * they leave that frame as it was.  Frame 0 stands for statements that began
 * before this library was loaded (it loads when its first function is
 * called, possibly in the middle of a statement); it is emptied at the end
 * of each transaction.
 *
 * A BEFORE UPDATE row trigger costs every UPDATE more than its own work:
 * the executor fetches and locks each row before the trigger sees it.  The
 * write trigger has nothing to do in an UPDATE that sets no size-limited
 * column (text, JSON, a hub store's columns) of a table without auto_now
 * fields, so the ExecutorStart hook leaves it out of that statement: each
 * result relation's TriggerDesc is the statement's own copy, and where
 * cmodel_write is its only BEFORE UPDATE row trigger, the flag that sends
 * rows through BEFORE UPDATE triggers is cleared in that copy.  INSERTs
 * (also of MERGE and ON CONFLICT) still fire it: only the UPDATE flag is
 * cleared, and an ON CONFLICT or MERGE update's columns are in the
 * statement's updated columns like any other.
 *
 * src/server/write_stmt.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/sysattr.h"
#include "access/xact.h"
#include "catalog/pg_trigger.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "nodes/bitmapset.h"
#include "tcop/pquery.h"
#include "tcop/utility.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "cmodel.h"

static ExecutorStart_hook_type prev_executor_start = NULL;
static ExecutorRun_hook_type prev_executor_run = NULL;
static ExecutorFinish_hook_type prev_executor_finish = NULL;
static ProcessUtility_hook_type prev_process_utility = NULL;

/* One table's inserted rows in one statement. */
typedef struct RowCount
{
	Oid			relid;
	int64		rows;
} RowCount;

typedef struct Frame
{
	int			n;
	int			cap;
	RowCount   *counts;			/* in TopMemoryContext, kept for reuse */
	/* the last statement that used the frame, for rule actions after it */
	const char *source;			/* its query text (NULL: none may continue it) */
	bool		tagged;			/* it set the command tag (canSetTag) */
	bool		group_tagged;	/* so did one of the statements it continued */
	QueryDesc  *qd;				/* its executor state, for its ExecutorFinish */
} Frame;

static Frame *frames = NULL;
static int	nframes = 0;		/* allocated */
static int	depth = 0;			/* the current statement's frame */

/* Make room for the frame one deeper than the current one. */
static void
reserve_frame(void)
{
	if (depth + 1 >= nframes)
	{
		int			n = nframes * 2;

		frames = repalloc(frames, sizeof(Frame) * n);
		memset(frames + nframes, 0, sizeof(Frame) * (n - nframes));
		nframes = n;
	}
}

/* A new statement: a fresh frame nothing may continue. */
static void
push_frame(void)
{
	reserve_frame();
	depth++;
	frames[depth].n = 0;
	frames[depth].source = NULL;
	frames[depth].tagged = frames[depth].group_tagged = false;
	frames[depth].qd = NULL;
}

/*
 * Is qd a rule action (or the rule's original statement) after the
 * statement that last used the next frame, and so part of the same
 * statement?  The rewriter turns one statement into its rules' actions and
 * itself, all planned together, of which at most one sets the command tag
 * (canSetTag); the executor runs them one after another from one query
 * text.  A client's statement is run by its portal, whose statement list
 * is exactly what the rewriter made: every one but the first continues.
 * One a function runs (SPI) has no portal of its own: it continues the
 * statement before it when both have the same query text and either is a
 * rule action, unless the two would make two command-tag statements in one.
 * A loop that runs a rule-rewritten statement again then begins anew at its
 * tagged statement; two statements of a SQL function whose rules make only
 * untagged actions can be counted together (more strictly, never less).
 */
static bool
continues_statement(QueryDesc *qd)
{
	PlannedStmt *ps = qd->plannedstmt;
	Frame	   *prev;
	int			i;

	if (ps == NULL || depth + 1 >= nframes)
		return false;
	prev = &frames[depth + 1];
	if (ActivePortal && ActivePortal->stmts)
		for (i = 0; i < list_length(ActivePortal->stmts); i++)
			if (list_nth(ActivePortal->stmts, i) == ps)
				return i > 0 && prev->source != NULL;
	if (prev->source == NULL || prev->source != qd->sourceText)
		return false;
	if (!ps->canSetTag)
		return true;
	return !prev->tagged && !prev->group_tagged;
}

/* Continue the next frame's count (a rule action), or begin a new one. */
static void
enter_statement(QueryDesc *qd)
{
	bool		tagged = qd->plannedstmt && qd->plannedstmt->canSetTag;

	if (continues_statement(qd))
	{
		Frame	   *f = &frames[++depth];

		f->group_tagged = f->group_tagged || f->tagged;
		f->tagged = tagged;
		f->qd = qd;
		return;
	}
	push_frame();
	frames[depth].source = qd->sourceText;
	frames[depth].tagged = tagged;
	frames[depth].qd = qd;
}

/* See cmodel.h. */
int64
cmodel_statement_count_row(Oid relid)
{
	Frame	   *f = &frames[depth];
	int			i;

	for (i = 0; i < f->n; i++)
		if (f->counts[i].relid == relid)
			return ++f->counts[i].rows;
	if (f->n == f->cap)
	{
		f->cap = f->cap ? f->cap * 2 : 4;
		f->counts = f->counts ? repalloc(f->counts, sizeof(RowCount) * f->cap) :
			MemoryContextAlloc(TopMemoryContext, sizeof(RowCount) * f->cap);
	}
	f->counts[f->n].relid = relid;
	f->counts[f->n].rows = 1;
	return f->counts[f->n++].rows;
}

/* Can this statement write rows? */
static bool
may_write(QueryDesc *qd)
{
	return qd->operation != CMD_SELECT ||
		(qd->plannedstmt && qd->plannedstmt->hasModifyingCTE);
}

static void
stmt_executor_run(QueryDesc *qd, ScanDirection direction, uint64 count, bool execute_once)
{
	volatile int outer = depth;

	if (may_write(qd))
		enter_statement(qd);
	PG_TRY();
	{
		if (prev_executor_run)
			prev_executor_run(qd, direction, count, execute_once);
		else
			standard_ExecutorRun(qd, direction, count, execute_once);
	}
	PG_FINALLY();
	{
		depth = outer;
	}
	PG_END_TRY();
}

/*
 * A writing statement's AFTER triggers fire here, and the data-modifying
 * WITH queries its main query did not read run here: in the statement's
 * own frame again, so that those count with it and what the triggers run
 * is a level below it (leaving the frame for a rule action after it).  A
 * statement that began before this library was loaded had no frame of its
 * own: it goes on counting where it did.
 */
static void
stmt_executor_finish(QueryDesc *qd)
{
	volatile int outer = depth;

	if (depth + 1 < nframes && frames[depth + 1].qd == qd)
		depth++;
	PG_TRY();
	{
		if (prev_executor_finish)
			prev_executor_finish(qd);
		else
			standard_ExecutorFinish(qd);
	}
	PG_FINALLY();
	{
		depth = outer;
	}
	PG_END_TRY();
}

static void
stmt_process_utility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
					 ProcessUtilityContext context, ParamListInfo params,
					 QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	volatile int outer = depth;

	if (IsA(pstmt->utilityStmt, CopyStmt) && ((CopyStmt *) pstmt->utilityStmt)->is_from)
		push_frame();
	PG_TRY();
	{
		if (prev_process_utility)
			prev_process_utility(pstmt, queryString, readOnlyTree, context, params,
								 queryEnv, dest, qc);
		else
			standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
									queryEnv, dest, qc);
	}
	PG_FINALLY();
	{
		depth = outer;
	}
	PG_END_TRY();
}

/* Is attribute att among the columns cols (an updated-columns set)? */
static inline bool
in_cols(Bitmapset *cols, AttrNumber att)
{
	return bms_is_member(att - FirstLowInvalidHeapAttributeNumber, cols);
}

/* Does an UPDATE that sets cols give the write trigger anything to do? */
static bool
update_needs_trigger(const CmRelInfo *info, Bitmapset *cols)
{
	int			i;

	for (i = 0; i < info->nauto; i++)
		if (info->auto_on_update[i])
			return true;
	for (i = 0; i < info->nlimited; i++)
		if (in_cols(cols, info->limited_atts[i]))
			return true;
	return info->hub_store &&
		(in_cols(cols, info->hub_type_att) || in_cols(cols, info->hub_id_att) ||
		 in_cols(cols, info->hub_attrs_att));
}

/*
 * Clear the BEFORE UPDATE row flag of one result relation's TriggerDesc
 * when cmodel_write is its only enabled BEFORE UPDATE row trigger and the
 * statement's updated columns give it nothing to do.
 */
static void
leave_out_write_trigger(ResultRelInfo *rri, EState *estate)
{
	TriggerDesc *td = rri->ri_TrigDesc;
	bool		write = false;
	int			i;

	if (td == NULL || !td->trig_update_before_row)
		return;
	for (i = 0; i < td->numtriggers; i++)
	{
		Trigger    *t = &td->triggers[i];

		if (t->tgenabled == TRIGGER_DISABLED ||
			!TRIGGER_TYPE_MATCHES(t->tgtype, TRIGGER_TYPE_ROW, TRIGGER_TYPE_BEFORE,
								  TRIGGER_TYPE_UPDATE))
			continue;
		if (write || !cmodel_is_write_function(t->tgfoid))
			return;				/* another BEFORE UPDATE row trigger: it must run */
		write = true;
	}
	if (!write)
		return;
	if (update_needs_trigger(cmodel_relinfo(rri->ri_RelationDesc),
							 ExecGetAllUpdatedCols(rri, estate)))
		return;
	td->trig_update_before_row = false;
}

static void
stmt_executor_start(QueryDesc *qd, int eflags)
{
	ListCell   *lc;

	if (prev_executor_start)
		prev_executor_start(qd, eflags);
	else
		standard_ExecutorStart(qd, eflags);
	if (!may_write(qd) || qd->operation == CMD_DELETE || qd->estate == NULL)
		return;
	foreach(lc, qd->estate->es_opened_result_relations)
	{
		ResultRelInfo *rri = (ResultRelInfo *) lfirst(lc);

		/* a plain INSERT updates nothing: no need to look */
		if (qd->operation == CMD_INSERT && rri->ri_onConflict == NULL)
			continue;
		leave_out_write_trigger(rri, qd->estate);
	}
}

/* Frame 0 holds only what statements begun before loading inserted. */
static void
stmt_xact_callback(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
		event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT ||
		event == XACT_EVENT_PREPARE)
		frames[0].n = 0;
}

/* See cmodel.h. */
void
cmodel_write_stmt_init(void)
{
	nframes = 8;
	frames = MemoryContextAllocZero(TopMemoryContext, sizeof(Frame) * nframes);
	prev_executor_start = ExecutorStart_hook;
	ExecutorStart_hook = stmt_executor_start;
	prev_executor_run = ExecutorRun_hook;
	ExecutorRun_hook = stmt_executor_run;
	prev_executor_finish = ExecutorFinish_hook;
	ExecutorFinish_hook = stmt_executor_finish;
	prev_process_utility = ProcessUtility_hook;
	ProcessUtility_hook = stmt_process_utility;
	RegisterXactCallback(stmt_xact_callback, NULL);
}

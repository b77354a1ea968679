/*-------------------------------------------------------------------------
 *
 * core_host.c
 *	  The server as the core's host: PostgreSQL's quoting, the server's
 *	  memory, and the core's errors raised as PostgreSQL errors.
 *
 * The core (src/core) knows nothing of the server; it calls back through
 * CmEnv to quote identifiers and literals, and through CmMemory for every
 * byte it (and jansson) allocates.  Here those come from the server's
 * memory, in a context under the transaction's, for as long as a use of the
 * core lasts (cmodel_core_begin .. cmodel_core_end): a core call that fails
 * halfway (any ERROR, including running out of memory inside jansson)
 * leaves nothing behind, and running out of memory is PostgreSQL's
 * ordinary ERRCODE_OUT_OF_MEMORY error, never an abort() that would restart
 * every session.
 *
 * src/server/core_host.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "cmodel.h"

/* ------------------------------------------------------------------------
 * Quoting
 * ------------------------------------------------------------------------
 */

/* Quote with PostgreSQL's rules (only when needed). */
static void
server_quote_ident(CmBuf *out, const char *ident)
{
	cm_buf_puts(out, quote_identifier(ident));
}

/* Quote a value as an SQL literal, E'' form when needed. */
static void
server_quote_literal(CmBuf *out, const char *literal)
{
	char	   *q = quote_literal_cstr(literal);

	cm_buf_puts(out, q);
	pfree(q);
}

const CmEnv cmodel_core_env = {server_quote_ident, server_quote_literal};

/* ------------------------------------------------------------------------
 * Memory
 * ------------------------------------------------------------------------
 */

/*
 * While the core runs (cmodel_core_begin .. cmodel_core_end, nested calls
 * counted), its memory and jansson's come from this context, a child of
 * the transaction's.  jansson's allocator belongs to the whole process, so
 * it is the server's only for that while and is put back afterwards.
 */
static MemoryContext core_cxt = NULL;
static int	core_depth = 0;
static CmMemorySave core_saved;

static void *
server_alloc(size_t size)
{
	return MemoryContextAllocExtended(core_cxt, size, MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
}

static void
server_release(void *ptr)
{
	pfree(ptr);
}

static void
server_out_of_memory(size_t size)
{
	ereport(ERROR,
			(errcode(ERRCODE_OUT_OF_MEMORY),
			 errmsg("out of memory"),
			 errdetail("cmodel could not allocate %zu bytes while reading or planning model descriptors.",
					   size),
			 errhint("Register fewer or smaller descriptors at a time, or give the server more memory.")));
}

static const CmMemory server_memory = {server_alloc, server_release, server_out_of_memory};

/*
 * See cmodel.h: an arena for a use of the core, with the server's memory
 * installed.  Every call is paired with cmodel_core_end, also on error
 * (PG_FINALLY).
 */
CmArena *
cmodel_core_begin(void)
{
	if (core_depth == 0)
	{
		if (TopTransactionContext == NULL)
			elog(ERROR, "cmodel: descriptors are only planned inside a transaction");
		core_cxt = AllocSetContextCreate(TopTransactionContext, "cmodel core",
										 ALLOCSET_DEFAULT_SIZES);
		cm_memory_push(&server_memory, &core_saved);
	}
	core_depth++;
	return cm_arena_new();
}

/* See cmodel.h: free the arena; the outermost end gives jansson back. */
void
cmodel_core_end(CmArena *arena)
{
	cm_arena_free(arena);
	if (--core_depth == 0)
	{
		cm_memory_pop(&core_saved);
		MemoryContextDelete(core_cxt);
		core_cxt = NULL;
	}
}

/*
 * A transaction that ends while the core is in use (an error that skipped
 * cmodel_core_end) gives jansson back here; the context goes with
 * TopTransactionContext.
 */
static void
core_xact_callback(XactEvent event, void *arg)
{
	if (core_depth > 0 &&
		(event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
		 event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT ||
		 event == XACT_EVENT_PREPARE))
	{
		cm_memory_pop(&core_saved);
		core_depth = 0;
		core_cxt = NULL;
	}
}

/* See cmodel.h; called from _PG_init. */
void
cmodel_core_host_init(void)
{
	RegisterXactCallback(core_xact_callback, NULL);
}

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------
 */

/* See cmodel.h: map a core error to its SQLSTATE and raise it. */
void
cmodel_report_core_error(const CmError *err)
{
	int			code;

	switch (err->kind)
	{
		case CM_ERR_JSON:
			code = ERRCODE_INVALID_JSON_TEXT;
			break;
		case CM_ERR_UNDEFINED:
			code = ERRCODE_UNDEFINED_OBJECT;
			break;
		case CM_ERR_DUPLICATE:
			code = ERRCODE_DUPLICATE_OBJECT;
			break;
		case CM_ERR_RESERVED:
			code = ERRCODE_RESERVED_NAME;
			break;
		case CM_ERR_NOT_ALLOWED:
			code = ERRCODE_FEATURE_NOT_SUPPORTED;
			break;
		default:
			code = ERRCODE_INVALID_OBJECT_DEFINITION;
			break;
	}
	ereport(ERROR,
			(errcode(code),
			 errmsg("%s", err->message),
			 err->detail ? errdetail("%s", err->detail) : 0,
			 err->hint ? errhint("%s", err->hint) : 0));
}

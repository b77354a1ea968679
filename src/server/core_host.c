/*-------------------------------------------------------------------------
 *
 * core_host.c
 *	  The server as the core's host: PostgreSQL's quoting, the server's
 *	  memory, and the core's errors raised as PostgreSQL errors.
 *
 * The core (src/core) knows nothing of the server; it calls back through
 * CmEnv to quote identifiers and literals, and through CmMemory for every
 * byte it (and jansson) allocates.  Here those come from the server's
 * memory, in a context under the transaction's: a core call that fails
 * halfway (any ERROR, including running out of memory inside jansson)
 * leaves nothing behind once the transaction ends, and running out of
 * memory is PostgreSQL's ordinary ERRCODE_OUT_OF_MEMORY error, never an
 * abort() that would restart every session.
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

/* The current transaction's context for the core, made on first use. */
static MemoryContext core_cxt = NULL;

static void *
server_alloc(size_t size)
{
	if (core_cxt == NULL)
		core_cxt = AllocSetContextCreate(TopTransactionContext, "cmodel core",
										 ALLOCSET_DEFAULT_SIZES);
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

/* The context goes with TopTransactionContext at the end of a transaction. */
static void
core_xact_callback(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
		event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT ||
		event == XACT_EVENT_PREPARE)
		core_cxt = NULL;
}

/* See cmodel.h; called from _PG_init. */
void
cmodel_core_host_init(void)
{
	cm_set_memory(&server_memory);
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

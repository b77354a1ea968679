/*-------------------------------------------------------------------------
 *
 * standby.c
 *	  Where cmodel's writing functions may run: on the primary, in a
 *	  read-write transaction, and with Citus on the coordinator.
 *
 * Every function that writes says so itself before PostgreSQL would,
 * with SQLSTATE 25006 and a message naming what it was asked to do:
 * on a hot standby registration would otherwise fail deep inside with
 * "cannot execute SELECT FOR UPDATE in a read-only transaction".  The
 * reading functions never call this; they work on a standby.
 *
 * src/server/standby.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"

#include "cmodel.h"

/* See cmodel.h: "what" completes "cannot ...", e.g. "register models into namespace \"x\"". */
void
cmodel_require_primary(const char *what)
{
	if (RecoveryInProgress())
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("cannot %s on a hot standby", what),
				 errdetail("A standby replays the primary's changes and accepts none of its own; cmodel's reading functions work here, its writing ones need the primary."),
				 errhint("Run it on the primary server.")));
	if (XactReadOnly)
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("cannot %s in a read-only transaction", what),
				 errdetail("It writes cmodel's registry or a namespace's tables."),
				 errhint("Run it in a read-write transaction (SET TRANSACTION READ WRITE, or default_transaction_read_only = off).")));
	cmodel_citus_require_coordinator(what);
}

/*-------------------------------------------------------------------------
 *
 * cmodel.c
 *	  Module entry point of the cmodel extension.
 *
 * _PG_init only reserves the "cmodel." settings prefix and hands over to
 * each subsystem's own init function; the subsystems define their settings
 * themselves.
 *
 * src/server/cmodel.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "cmodel.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* Load-time initialization. */
void
_PG_init(void)
{
	cmodel_core_host_init();
	cmodel_guard_report_init();
	cmodel_guard_init();
	cmodel_relinfo_init();
	cmodel_cascade_init();
	cmodel_write_init();
	cmodel_write_stmt_init();
	MarkGUCPrefixReserved("cmodel");
}

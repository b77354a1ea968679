/*-------------------------------------------------------------------------
 *
 * registry_lock.c
 *	  The scope cmodel's own registry writes run in, which the registry's
 *	  lock (guard_registry.c) lets through.
 *
 * Every registry write of cmodel's runs between cmodel_registry_unlock and
 * cmodel_registry_relock (cmodel_registry_exec in exec.c does both around
 * one statement); the trigger that refuses every other change to the
 * registry asks cmodel_registry_writing.  No code but cmodel's runs inside
 * the scope: the registry tables can have no triggers, rules or policies of
 * anyone else's (the guard refuses them).  A counter, not a flag, so that a
 * scope opened inside another restores what it found.
 *
 * src/server/registry_lock.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "cmodel.h"

/* How many of cmodel's own registry writes are running. */
static int	writing = 0;

/* See cmodel.h: let cmodel's own registry writes through until relocked. */
int
cmodel_registry_unlock(void)
{
	return writing++;
}

/* See cmodel.h: back to the depth cmodel_registry_unlock returned. */
void
cmodel_registry_relock(int depth)
{
	writing = depth;
}

/* See cmodel.h: is one of cmodel's own registry writes running? */
bool
cmodel_registry_writing(void)
{
	return writing > 0;
}


/*-------------------------------------------------------------------------
 *
 * cmodel.h
 *	  Declarations shared by cmodel's server-side files.
 *
 * The server side wraps the core (cm_core.h): catalog.c reads the registry
 * and the system catalogs into a CmSnapshot and writes the registry back,
 * register.c holds the SQL-callable registration functions.
 *
 * src/cmodel.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CMODEL_H
#define CMODEL_H

#include "cm_core.h"

/* catalog.c */
extern void cmodel_load_snapshot(CmArena *arena, const char *ns, CmSnapshot *snap,
								 bool for_update);
extern bool cmodel_write_registry(CmArena *arena, const CmSnapshot *snap,
								  const CmPlan *plan, const char *plugin,
								  const char *hash);
extern void cmodel_notify_ready(const char *ns, const char *plugin, const char *hash);
extern char *cmodel_call_hash(const char *ns, bool is_array, const char *plugin,
							  const char *json);
extern bool cmodel_cached_noop(const char *ns, const char *call_hash,
							   const char *plugin, char **plugin_hash);
extern void cmodel_record_applied(const char *ns, const char *call_hash, bool changed);
extern void cmodel_check_adoptable(const char *ns, Oid caller);
extern char *cmodel_models_hash(CmArena *arena, const char *json);

/* register.c */
extern void cmodel_register_init(void);

#endif							/* CMODEL_H */

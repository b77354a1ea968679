/*-------------------------------------------------------------------------
 *
 * upgrade.c
 *	  Helpers the upgrade scripts call once, for what SQL alone cannot do.
 *
 * cmodel--0.2.0--0.3.0.sql creates cmodel.install_rules(), calls it and
 * drops it again: models registered before 0.3.0 get the triggers and the
 * column defaults that registration gives models since.
 * cmodel--0.4.0--0.5.0.sql does the same with cmodel.install_hub_stores():
 * namespaces made before 0.5.0 get their hub store.  The symbols stay in
 * the library for as long as those upgrade steps are shipped.
 *
 * src/server/upgrade.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "commands/extension.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "nodes/pg_list.h"

#include "cmodel.h"

/*
 * The triggers and column defaults of one namespace's registered models,
 * planned as a registration of them would, with every column default taken
 * as unknown: only those actions run, and the registry is not written.
 */
static void
install_rules(const char *ns, const char *json)
{
	CmArena    *arena = cmodel_core_begin();

	PG_TRY();
	{
		CmSnapshot	snap;
		CmPlan		plan;
		CmError		err = {0};
		int			i;

		cmodel_lock_namespace(ns);
		cmodel_load_snapshot(arena, ns, &snap, true);
		for (i = 0; i < snap.nfields; i++)
			snap.fields[i].default_unknown = true;
		if (!cm_plan_text(arena, &cmodel_core_env, &snap, json, true, NULL, &plan, &err))
			cmodel_report_core_error(&err);
		cmodel_guard_registration(ns);
		for (i = 0; i < plan.nactions; i++)
		{
			CmAction   *a = &plan.actions[i];

			/* the models' own: the hub store comes with a later step */
			if ((a->kind != CM_ACT_CREATE_TRIGGER || a->model == NULL) &&
				a->kind != CM_ACT_SET_DEFAULT)
				a->sql = NULL;
		}
		cmodel_apply_plan(&plan);
		cmodel_relinfo_invalidate_namespace(ns);
		cmodel_node_catalog_refresh(ns);
	}
	PG_FINALLY();
	{
		cmodel_guard_registration(NULL);
		cmodel_core_end(arena);
	}
	PG_END_TRY();
}

/*
 * A namespace's hub store, planned as registering no models would plan it.
 * The tables an extension script creates would become members of the
 * extension (left out of pg_dump, dropped with it); the store is the
 * namespace's like every table registration creates, so it is made as
 * registration makes it, outside the script's membership.
 */
static void
install_hub_store(const char *ns)
{
	CmArena    *arena = cmodel_core_begin();
	bool		was_creating = creating_extension;
	Oid			extension = CurrentExtensionObject;

	PG_TRY();
	{
		CmSnapshot	snap;
		CmPlan		plan;
		CmError		err = {0};

		cmodel_lock_namespace(ns);
		cmodel_load_snapshot(arena, ns, &snap, true);
		if (!cm_plan(arena, &cmodel_core_env, &snap, 0, NULL, NULL, &plan, &err))
			cmodel_report_core_error(&err);
		cmodel_guard_registration(ns);
		creating_extension = false;
		CurrentExtensionObject = InvalidOid;
		cmodel_apply_plan(&plan);
	}
	PG_FINALLY();
	{
		creating_extension = was_creating;
		CurrentExtensionObject = extension;
		cmodel_guard_registration(NULL);
		cmodel_core_end(arena);
	}
	PG_END_TRY();
}

/* The registered namespaces, in name order. */
static List *
registered_namespaces(void)
{
	List	   *names = NIL;
	uint64		r;

	if (SPI_execute("SELECT namespace FROM cmodel.reg_namespace ORDER BY namespace", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "cmodel: could not read the registered namespaces");
	for (r = 0; r < SPI_processed; r++)
		names = lappend(names, SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1));
	return names;
}

static void
bump_generations(void)
{
	if (SPI_execute("UPDATE cmodel.reg_namespace SET generation = generation OPERATOR(pg_catalog.+) 1",
					false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "cmodel: could not move the namespace generations");
}

/*
 * cmodel.install_hub_stores(): give every namespace made before version
 * 0.5.0 its hub store (the upgrade script calls it once).
 */
PG_FUNCTION_INFO_V1(cmodel_install_hub_stores);
Datum
cmodel_install_hub_stores(PG_FUNCTION_ARGS)
{
	ListCell   *lc;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "cmodel: SPI_connect failed");
	foreach(lc, registered_namespaces())
		install_hub_store(lfirst(lc));
	bump_generations();
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * cmodel.install_rules(): give the tables of models registered before
 * version 0.3.0 their triggers and column defaults (the upgrade script
 * calls it once).
 */
PG_FUNCTION_INFO_V1(cmodel_install_rules);
Datum
cmodel_install_rules(PG_FUNCTION_ARGS)
{
	List	   *names = NIL;
	List	   *jsons = NIL;
	ListCell   *a,
			   *b;
	uint64		r;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "cmodel: SPI_connect failed");
	if (SPI_execute("SELECT namespace, pg_catalog.json_agg(descriptor ORDER BY name)::pg_catalog.text"
					"  FROM cmodel.reg_model WHERE NOT retired GROUP BY namespace ORDER BY namespace",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "cmodel: could not read the registered models");
	for (r = 0; r < SPI_processed; r++)
	{
		names = lappend(names, SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1));
		jsons = lappend(jsons, SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2));
	}
	forboth(a, names, b, jsons)
		install_rules(lfirst(a), lfirst(b));
	bump_generations();
	SPI_finish();
	PG_RETURN_VOID();
}

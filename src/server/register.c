/*-------------------------------------------------------------------------
 *
 * register.c
 *	  SQL-callable registration: cmodel_register_model(s),
 *	  cmodel_plan_model(s) and cmodel_create_namespace.
 *
 * Every call follows the same path: validate the namespace name, answer
 * from the no-op cache when the same call is already applied
 * (noop_cache.c), take the namespace's lock (namespace.c), read a snapshot
 * (snapshot.c), let the core parse, resolve and plan, check the plan's
 * values (value_check.c), then run the planned DDL (apply.c) and write the
 * registry (registry.c).  It all happens inside the caller's transaction,
 * so any error leaves tables and registry as they were.  The plan
 * functions stop after the value checks and change nothing.
 *
 * src/server/register.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "cmodel.h"

/* One result row per planned action. */
static void
emit_actions(FunctionCallInfo fcinfo, const CmPlan *plan)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			i;

	if (rsinfo == NULL)
		return;					/* cmodel_create_namespace returns void */
	for (i = 0; i < plan->nactions; i++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = CStringGetTextDatum(cm_action_name(plan->actions[i].kind));
		values[1] = CStringGetTextDatum(plan->actions[i].object);
		if (plan->actions[i].sql)
		{
			StringInfoData sql;
			int			t;

			initStringInfo(&sql);
			appendStringInfoString(&sql, plan->actions[i].sql);
			for (t = 0; plan->actions[i].then[t]; t++)
				appendStringInfo(&sql, "; %s", plan->actions[i].then[t]);
			values[2] = CStringGetTextDatum(sql.data);
		}
		else
			nulls[2] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

/*
 * The full path: lock (when applying), read the snapshot, parse, resolve and
 * plan, check values, then run the DDL and record the registry and the
 * no-op cache entry.  json NULL plans no models (cmodel_create_namespace).
 */
static void
plan_and_apply(FunctionCallInfo fcinfo, CmArena *arena, const char *ns,
			   const char *json, bool is_array, const char *plugin,
			   const char *call_hash, bool apply, Oid caller, int rules)
{
	CmSnapshot	snap;
	CmPlan		plan;
	CmError		err = {0};
	bool		ok;

	if (apply)
		cmodel_lock_namespace(ns);
	cmodel_load_snapshot(arena, ns, &snap, apply);
	if (rules >= 0)
	{
		if (snap.namespace_registered && snap.rules != (CmRules) rules)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("namespace \"%s\" already exists with the %s rule set", ns, cm_rules_name(snap.rules)),
					 errdetail("A namespace's rule set is chosen when it is created and never changes: its registered models were validated by it."),
					 errhint("Create a new namespace with cmodel_create_namespace(name, '%s'), or call cmodel_create_namespace('%s') without a rule set.",
							 cm_rules_name((CmRules) rules), ns)));
		snap.rules = (CmRules) rules;
	}
	if (snap.schema_exists && !snap.namespace_registered)
		cmodel_check_adoptable(ns, caller);
	if (json == NULL)
		ok = cm_plan(arena, &cmodel_core_env, &snap, 0, NULL, NULL, &plan, &err);
	else
		ok = cm_plan_text(arena, &cmodel_core_env, &snap, json, is_array, plugin, &plan, &err);
	if (!ok)
		cmodel_report_core_error(&err);
	cmodel_check_adoptions(&snap, &plan, caller);
	if (apply)
		cmodel_access_check_models(caller, &snap, &plan, plugin);
	cmodel_check_values(arena, &plan);
	if (apply)
	{
		char	   *hash = plugin ? cmodel_models_hash(arena, json) : NULL;
		bool		changed;

		if (!snap.namespace_registered)
			cmodel_access_record_creator(ns, caller);
		cmodel_guard_registration(ns);
		cmodel_apply_plan(&plan);
		changed = cmodel_write_registry(arena, &snap, &plan, plugin, hash,
										cmodel_access_deployer(caller));
		if (changed)
		{
			cmodel_relinfo_invalidate_namespace(ns);
			cmodel_node_catalog_refresh(ns);
		}
		if (call_hash)
			cmodel_record_applied(ns, call_hash, changed);
	}
	emit_actions(fcinfo, &plan);
}

/*
 * The shared body of the register and plan functions.  All core memory
 * lives in one arena, freed however the call ends.  The plan functions run
 * as their caller; registration checks the caller's rights (access.c) and
 * then runs as the extension's owner, who owns the namespaces' schemas and
 * tables and writes the registry.
 */
static void
run_registration(FunctionCallInfo fcinfo, const char *ns, const char *json,
				 bool is_array, const char *plugin, bool apply, int rules)
{
	CmArena    *arena = cmodel_core_begin();
	Oid			caller = GetUserId();
	CmUserSave	save;
	volatile bool as_owner = false;

	PG_TRY();
	{
		char	   *call_hash = NULL;

		cmodel_check_namespace_name(arena, ns);
		if (apply)
			cmodel_require_primary(psprintf("register models into namespace \"%s\"", ns));
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "cmodel: SPI_connect failed");
		if (apply)
		{
			cmodel_access_check_register(ns, caller, plugin);
			cmodel_owner_enter(&save);
			as_owner = true;
		}
		if (json)
			call_hash = cmodel_call_hash(ns, is_array, plugin, json);
		if (call_hash == NULL || !cmodel_noop_answer(ns, call_hash, plugin, apply))
			plan_and_apply(fcinfo, arena, ns, json, is_array, plugin, call_hash, apply, caller, rules);
		SPI_finish();
	}
	PG_FINALLY();
	{
		if (as_owner)
			cmodel_owner_leave(&save);
		cmodel_guard_registration(NULL);
		cmodel_core_end(arena);
	}
	PG_END_TRY();
}

static char *
required_text(FunctionCallInfo fcinfo, int argno, const char *what)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", what),
				 errdetail("cmodel registers nothing without a namespace and descriptors."),
				 errhint("Pass a namespace name and a JSON array of model descriptors.")));
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

/* The argument order shared by every *_model(s) function. */
static Datum
registration_entry(FunctionCallInfo fcinfo, bool is_array, bool apply)
{
	char	   *ns;
	char	   *json;
	char	   *plugin = NULL;

	InitMaterializedSRF(fcinfo, 0);
	ns = required_text(fcinfo, 0, "namespace");
	json = required_text(fcinfo, 1, is_array ? "descriptors" : "descriptor");
	if (is_array && PG_NARGS() > 2 && !PG_ARGISNULL(2))
	{
		plugin = text_to_cstring(PG_GETARG_TEXT_PP(2));
		if (*plugin == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("plugin name must not be empty"),
					 errdetail("The plugin name keys the recorded model-set hash and owns the models it registers."),
					 errhint("Pass the plugin's name, or NULL to register without a plugin.")));
	}
	run_registration(fcinfo, ns, json, is_array, plugin, apply, -1);
	return (Datum) 0;
}

/* ------------------------------------------------------------------------
 * SQL-callable functions
 * ------------------------------------------------------------------------
 */

/*
 * cmodel_register_model(namespace text, descriptor json|text)
 * One model; returns the actions taken.
 */
PG_FUNCTION_INFO_V1(cmodel_register_model);
Datum
cmodel_register_model(PG_FUNCTION_ARGS)
{
	return registration_entry(fcinfo, false, true);
}

/*
 * cmodel_register_models(namespace text, descriptors json|text, plugin text)
 * A list of models, all or nothing.
 */
PG_FUNCTION_INFO_V1(cmodel_register_models);
Datum
cmodel_register_models(PG_FUNCTION_ARGS)
{
	return registration_entry(fcinfo, true, true);
}

/* cmodel_plan_model(namespace text, descriptor json|text): no changes. */
PG_FUNCTION_INFO_V1(cmodel_plan_model);
Datum
cmodel_plan_model(PG_FUNCTION_ARGS)
{
	return registration_entry(fcinfo, false, false);
}

/* cmodel_plan_models(namespace text, descriptors json|text, plugin text): no changes. */
PG_FUNCTION_INFO_V1(cmodel_plan_models);
Datum
cmodel_plan_models(PG_FUNCTION_ARGS)
{
	return registration_entry(fcinfo, true, false);
}

/*
 * cmodel_create_namespace(namespace text, rules text DEFAULT NULL): create
 * and register the schema, with the rule set named ('canvas' or 'django';
 * NULL: Canvas's for a new namespace, any for one that exists).
 */
PG_FUNCTION_INFO_V1(cmodel_create_namespace);
Datum
cmodel_create_namespace(PG_FUNCTION_ARGS)
{
	char	   *ns = required_text(fcinfo, 0, "namespace");
	int			rules = -1;

	if (PG_NARGS() > 1 && !PG_ARGISNULL(1))
	{
		char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(1));
		CmRules		r;

		if (!cm_rules_parse(name, &r))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown rule set \"%s\" for namespace \"%s\"", name, ns),
					 errdetail("A namespace validates its models with Canvas's rules or Django's."),
					 errhint("Pass 'canvas' (the default) or 'django'.")));
		rules = (int) r;
	}
	run_registration(fcinfo, ns, NULL, false, NULL, true, rules);
	PG_RETURN_VOID();
}


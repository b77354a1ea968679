/*-------------------------------------------------------------------------
 *
 * register.c
 *	  SQL-callable registration: cmodel_register_model(s),
 *	  cmodel_plan_model(s) and cmodel_create_namespace.
 *
 * Every call follows the same path: validate the namespace name, take the
 * namespace's advisory lock (registrations that change something serialize
 * per namespace, so concurrent deploys never fail because another ran),
 * read a snapshot, let the core parse, resolve and plan, then run the
 * planned DDL and write the registry.  It all happens inside the caller's
 * transaction, so any error leaves tables and registry as they were.
 * The plan functions stop after planning and change nothing.
 *
 * src/server/register.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/transam.h"
#include "access/xact.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "parser/parse_type.h"
#include "utils/lsyscache.h"

#include "cm_internal.h"
#include "cmodel.h"

typedef struct ActionErrorContext
{
	const char *action;
	const char *object;
	const char *sql;
} ActionErrorContext;

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

static const CmEnv server_env = {server_quote_ident, server_quote_literal};

/* Map a core error to SQLSTATE and raise it. */
static void
report_core_error(const CmError *err)
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

/* Error context: which planned action was running. */
static void
action_error_callback(void *arg)
{
	ActionErrorContext *ctx = (ActionErrorContext *) arg;

	errcontext("cmodel action \"%s\" on %s: %s", ctx->action, ctx->object, ctx->sql);
}

/*
 * Run fn(arg) in a subtransaction.  Returns NULL when it succeeded, or the
 * error it raised, caught and rolled back, so the caller can decide what to
 * report while its own transaction stays usable.
 */
static ErrorData *
run_caught(void (*fn) (void *), void *arg)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	ErrorData  *volatile edata = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcontext);
	PG_TRY();
	{
		fn(arg);
		ReleaseCurrentSubTransaction();
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
	}
	PG_END_TRY();
	MemoryContextSwitchTo(oldcontext);
	CurrentResourceOwner = oldowner;
	return edata;
}

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
	ErrorData  *edata = run_caught(execute_action, (void *) a);

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

typedef struct ValueInput
{
	const char *value;
	Oid			infunc;
	Oid			ioparam;
	int32		typmod;
} ValueInput;

static void
parse_value(void *arg)
{
	ValueInput *in = (ValueInput *) arg;

	(void) OidInputFunctionCall(in->infunc, (char *) in->value, in->ioparam, in->typmod);
}

/*
 * Does value parse as the SQL type?  Returns NULL if so, else the input
 * function's message.
 */
static char *
value_error(const char *value, const char *type)
{
	ValueInput	in;
	Oid			typid;
	ErrorData  *edata;

	in.value = value;
	parseTypeString(type, &typid, &in.typmod, false);
	/* input functions run with the extension owner's rights: built-in only */
	if (typid >= FirstNormalObjectId)
		return psprintf("values of type %s are not checked (it is not a built-in type)", type);
	getTypeInputInfo(typid, &in.infunc, &in.ioparam);
	edata = run_caught(parse_value, &in);
	return edata ? edata->message : NULL;
}

/*
 * Date/time input words whose meaning depends on when they are read: as a
 * recorded default or an index predicate they would silently freeze.
 */
static bool
is_moving_time_word(const char *value, const char *type)
{
	static const char *const words[] = {"now", "today", "tomorrow", "yesterday", NULL};
	const char *const *w;

	if (strncmp(type, "date", 4) != 0 && strncmp(type, "time", 4) != 0)
		return false;
	while (*value == ' ')
		value++;
	for (w = words; *w; w++)
		if (pg_strncasecmp(value, *w, strlen(*w)) == 0)
			return true;
	return false;
}

/*
 * Every scalar of a JSON value (one, or each of an in-list) must be a valid
 * input of the column type; otherwise report it at the given JSON path.
 */
static void
check_json_values(CmArena *arena, const CmModel *m, const char *field,
				  const char *path, const char *json, const char *type,
				  const char *what, const char *hint)
{
	char	  **vals;
	int			n = cm_json_scalars(arena, json, &vals);
	int			k;

	for (k = 0; k < n; k++)
	{
		char	   *msg = vals[k] ? value_error(vals[k], type) : NULL;
		CmError		err = {0};

		if (msg == NULL && vals[k] && is_moving_time_word(vals[k], type))
			msg = "a special value such as \"now\" or \"today\" is read once and then frozen";
		if (msg == NULL)
			continue;
		cm_model_error(&err, arena, CM_ERR_INVALID, m, field, path,
					   cm_printf(arena, "As a value of type %s: %s.", type, msg), hint,
					   "%s %s is not a valid %s", what, json, type);
		report_core_error(&err);
	}
}

/*
 * Check that every default and every index condition value of the models
 * being recorded is a valid value of its column's type, so a typo fails
 * registration with the JSON path instead of failing some later INSERT or
 * the CREATE INDEX with a bare input error.
 */
static void
check_values(CmArena *arena, const CmPlan *plan)
{
	int			i,
				j,
				k;

	for (i = 0; i < plan->nmodels; i++)
	{
		CmModel    *m = plan->models[i];

		if (!plan->record[i] || m->kind != CM_MODEL_CONCRETE)
			continue;
		for (j = 0; j < m->nall_fields; j++)
		{
			CmField    *f = m->all_fields[j];

			if (f->default_json == NULL || f->column == NULL || f->type == CM_F_JSON ||
				(f->type == CM_F_UUID && strcmp(f->default_json, "\"uuid4\"") == 0))
				continue;
			check_json_values(arena, m, f->name, cm_printf(arena, "%s.default", f->path),
							  f->default_json, f->column_type, "default",
							  "Use a default of the field's type.");
		}
		for (j = 0; j < m->nall_indexes; j++)
		{
			CmIndex    *ix = m->all_indexes[j];

			for (k = 0; k < ix->nconds; k++)
			{
				CmCond	   *c = &ix->conds[k];

				if (c->lookup == CM_LK_ISNULL || strcmp(c->column_type, "jsonb") == 0)
					continue;
				check_json_values(arena, m, NULL,
								  cm_printf(arena, "%s.condition.%s", ix->path, c->key),
								  c->value_json, c->column_type, "condition value",
								  "Compare the field with a value of its type.");
			}
		}
	}
}

/* Run the DDL of a plan, in order. */
static void
apply_plan(const CmPlan *plan)
{
	ActionErrorContext ctx;
	ErrorContextCallback cb;
	int			i;

	cb.callback = action_error_callback;
	cb.arg = &ctx;
	cb.previous = error_context_stack;
	error_context_stack = &cb;
	for (i = 0; i < plan->nactions; i++)
	{
		const CmAction *a = &plan->actions[i];
		int			rc;

		if (a->sql == NULL)
			continue;
		ctx.action = a->action;
		ctx.object = a->object;
		ctx.sql = a->sql;
		if (strcmp(a->action, "create unique index") == 0)
		{
			create_unique_index(a);
			continue;
		}
		rc = SPI_execute(a->sql, false, 0);
		if (rc < 0)
			elog(ERROR, "cmodel: SPI_execute failed (%s): %s", SPI_result_code_string(rc), a->sql);
	}
	error_context_stack = cb.previous;
}

/* Serialize registrations that change a namespace. */
static void
lock_namespace(const char *ns)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(ns)};

	if (SPI_execute_with_args("SELECT pg_catalog.pg_advisory_xact_lock("
							  "pg_catalog.hashtext('cmodel'), pg_catalog.hashtext($1))",
							  1, types, values, NULL, false, 0) < 0)
		elog(ERROR, "cmodel: could not lock namespace \"%s\"", ns);
}

static void
check_namespace(CmArena *arena, const char *ns)
{
	CmError		err = {0};

	if (!cm_valid_namespace(ns, arena, &err))
		ereport(ERROR,
				(errcode(err.kind == CM_ERR_RESERVED ? ERRCODE_RESERVED_NAME : ERRCODE_INVALID_SCHEMA_NAME),
				 errmsg("%s", err.message),
				 errdetail("%s", err.detail),
				 errhint("%s", err.hint)));
}

/*
 * Answer a call from the no-op cache when it can: the same call was applied
 * at the namespace's current generation, so it would plan nothing.  A
 * plugin's listeners are still notified.
 */
static bool
answer_from_cache(const char *ns, const char *call_hash, const char *plugin, bool apply)
{
	char	   *plugin_hash = NULL;

	if (!cmodel_cached_noop(ns, call_hash, plugin, &plugin_hash))
		return false;
	if (apply && plugin && plugin_hash)
		cmodel_notify_ready(ns, plugin, plugin_hash);
	return true;
}

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

		values[0] = CStringGetTextDatum(plan->actions[i].action);
		values[1] = CStringGetTextDatum(plan->actions[i].object);
		if (plan->actions[i].sql)
			values[2] = CStringGetTextDatum(plan->actions[i].sql);
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
			   const char *call_hash, bool apply)
{
	CmSnapshot	snap;
	CmPlan		plan;
	CmError		err = {0};
	bool		ok;

	if (apply)
		lock_namespace(ns);
	cmodel_load_snapshot(arena, ns, &snap, apply);
	if (snap.schema_exists && !snap.namespace_registered)
		cmodel_check_adoptable(ns, GetOuterUserId());
	if (json == NULL)
		ok = cm_plan(arena, &server_env, &snap, 0, NULL, NULL, &plan, &err);
	else
		ok = cm_plan_text(arena, &server_env, &snap, json, is_array, plugin, &plan, &err);
	if (!ok)
		report_core_error(&err);
	check_values(arena, &plan);
	if (apply)
	{
		char	   *hash = plugin ? cmodel_models_hash(arena, json) : NULL;
		bool		changed;

		cmodel_guard_registration(ns);
		apply_plan(&plan);
		changed = cmodel_write_registry(arena, &snap, &plan, plugin, hash);
		if (changed)
			cmodel_invalidate_rules(ns);
		if (call_hash)
			cmodel_record_applied(ns, call_hash, changed);
	}
	emit_actions(fcinfo, &plan);
}

/*
 * The shared body of the register and plan functions.  All core memory
 * lives in one arena, freed however the call ends.
 */
static void
run_registration(FunctionCallInfo fcinfo, const char *ns, const char *json,
				 bool is_array, const char *plugin, bool apply)
{
	CmArena    *arena = cm_arena_new();

	PG_TRY();
	{
		char	   *call_hash = NULL;

		check_namespace(arena, ns);
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "cmodel: SPI_connect failed");
		if (json)
			call_hash = cmodel_call_hash(ns, is_array, plugin, json);
		if (call_hash == NULL || !answer_from_cache(ns, call_hash, plugin, apply))
			plan_and_apply(fcinfo, arena, ns, json, is_array, plugin, call_hash, apply);
		SPI_finish();
	}
	PG_FINALLY();
	{
		cmodel_guard_registration(NULL);
		cm_arena_free(arena);
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
	run_registration(fcinfo, ns, json, is_array, plugin, apply);
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

/* cmodel_create_namespace(namespace text): create and register the schema. */
PG_FUNCTION_INFO_V1(cmodel_create_namespace);
Datum
cmodel_create_namespace(PG_FUNCTION_ARGS)
{
	char	   *ns = required_text(fcinfo, 0, "namespace");

	run_registration(fcinfo, ns, NULL, false, NULL, true);
	PG_RETURN_VOID();
}

/*
 * The triggers and column defaults of one namespace's registered models,
 * planned as a registration of them would, with every column default taken
 * as unknown: only those actions run, and the registry is not written.
 */
static void
install_rules(const char *ns, const char *json)
{
	CmArena    *arena = cm_arena_new();

	PG_TRY();
	{
		CmSnapshot	snap;
		CmPlan		plan;
		CmError		err = {0};
		int			i;

		lock_namespace(ns);
		cmodel_load_snapshot(arena, ns, &snap, true);
		for (i = 0; i < snap.nfields; i++)
			snap.fields[i].default_unknown = true;
		if (!cm_plan_text(arena, &server_env, &snap, json, true, NULL, &plan, &err))
			report_core_error(&err);
		cmodel_guard_registration(ns);
		for (i = 0; i < plan.nactions; i++)
		{
			CmAction   *a = &plan.actions[i];

			if (strcmp(a->action, "create trigger") != 0 && strcmp(a->action, "set default") != 0)
				a->sql = NULL;
		}
		apply_plan(&plan);
		cmodel_invalidate_rules(ns);
	}
	PG_FINALLY();
	{
		cmodel_guard_registration(NULL);
		cm_arena_free(arena);
	}
	PG_END_TRY();
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
	if (SPI_execute("UPDATE cmodel.reg_namespace SET generation = generation OPERATOR(pg_catalog.+) 1",
					false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "cmodel: could not move the namespace generations");
	SPI_finish();
	PG_RETURN_VOID();
}

/* Registration has no settings yet; the hook keeps _PG_init uniform. */
void
cmodel_register_init(void)
{
}

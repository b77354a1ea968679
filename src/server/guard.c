/*-------------------------------------------------------------------------
 *
 * guard.c
 *	  The lifecycle guard: event triggers that keep namespaces additive-only
 *	  for every client.
 *
 * Three C event triggers see every DDL statement in the database:
 *
 *	ddl_command_start	reads the statement's parse tree (guard_rules.c) and
 *						rejects what would drop, rename, alter, rewrite or
 *						rescan namespace objects before any of it runs;
 *	sql_drop			catches drops that reach namespace objects without
 *						naming them (CASCADE, DROP OWNED, a dropped type or
 *						function), from PostgreSQL's list of dropped objects;
 *	table_rewrite		catches any rewrite of a namespace table the first
 *						two missed (a volatile default, a recursing ALTER).
 *
 * An error in any of them aborts the statement's transaction, so nothing is
 * changed.  Statements the guard lets through that touch a namespace, or a
 * core table, move the namespace's generation so the no-op cache of
 * registration never vouches for a changed schema.
 *
 * An object-access hook, installed when the library loads (the
 * ddl_command_start trigger loads it before any drop runs), sees every
 * object before it is dropped.  It keeps the "drop watch" that lets
 * sql_drop skip PostgreSQL's dropped-object list when nothing of a
 * namespace went, and it refuses to drop the registry while namespaces
 * exist: the event triggers are dropped together with the extension, so a
 * drop that takes the extension down with it (DROP SCHEMA ... CASCADE,
 * DROP OWNED) never reaches sql_drop.
 *
 * Break-glass: a superuser may SET cmodel.allow_destructive_ddl = on for the
 * session; every statement it lets through is logged.  The setting is
 * PGC_SUSET, and the guard checks superuser() again when it is on, so a
 * value a non-superuser set as a placeholder before the library was loaded
 * (or through ALTER ROLE ... SET) opens nothing.
 *
 * src/server/guard.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/objectaccess.h"
#include "access/xact.h"
#include "catalog/pg_attrdef.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_trigger.h"
#include "commands/event_trigger.h"
#include "executor/executor.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"

#include "cmodel.h"

static bool allow_destructive_ddl = false;
static object_access_hook_type prev_object_access_hook = NULL;

/* The namespace a registration is changing right now, or NULL. */
static const char *registering_ns = NULL;

/*
 * The statement whose break-glass use the ddl_command_start trigger logged
 * last, so its sql_drop and table_rewrite triggers do not log it again.
 * Every statement fires ddl_command_start first, which resets it.
 */
static Node *logged_statement = NULL;

/*
 * The drop watch.  The object-access hook sees every object a statement
 * drops, before it goes, for the price of a syscache lookup, and notes when
 * one belongs to a namespace (or is a core table).  The sql_drop trigger
 * reads PostgreSQL's list of dropped objects only then, so ordinary drops
 * elsewhere cost almost nothing.  The watch counts once a ddl_command_start
 * trigger has run in this backend: the hook was installed before that
 * statement's drops began.  A hit lasts until the transaction ends, so no
 * statement nested in another (an event trigger's own DDL) can clear it.
 */
static bool drop_watch_armed = false;
static bool drop_watch_hit = false;

/*
 * Namespace indexes this transaction dropped that hold nothing (invalid
 * ones, those of materialized views): the hook sees what they were, the
 * sql_drop trigger only that they are gone.
 */
static List *drop_exempt = NIL;

/* ------------------------------------------------------------------------
 * Rules and reporting
 * ------------------------------------------------------------------------
 */

/* Detail (with the namespace for %s) and hint of each rule. */
static const struct
{
	const char *detail;
	const char *hint;
}			guard_rules[] =
{
	[CM_GUARD_DROP_MODEL] = {
		"Namespace \"%s\" is additive-only: its tables are never dropped, renamed or moved to another schema (lifecycle rule \"Drop Model\").",
		"Remove the model from the plugin; its table is kept and ignored."
	},
	[CM_GUARD_DROP_FIELD] = {
		"Namespace \"%s\" is additive-only: its columns are never dropped or renamed (lifecycle rule \"Drop Field\").",
		"Remove the field from the descriptor; its column is kept and ignored."
	},
	[CM_GUARD_ALTER_FIELD] = {
		"Namespace \"%s\" is additive-only: a column's type, nullability, default and identity never change (lifecycle rule \"Alter Field\").",
		"Add a new field with the new definition and copy the data from the old one."
	},
	[CM_GUARD_ADD_FIELD] = {
		"Columns are added to namespace \"%s\" nullable, without identity or generated values, so that adding one never rewrites or scans a table (lifecycle rule \"Add Field\").",
		"Add the column as nullable, then fill it with UPDATE."
	},
	[CM_GUARD_DROP_INDEX] = {
		"Namespace \"%s\" is additive-only: its indexes and constraints are never dropped or renamed (lifecycle rules \"Drop Index\" and \"Drop UniqueConstraint\").",
		"Remove the index or constraint from the descriptor; it is kept and ignored."
	},
	[CM_GUARD_CONSTRAINT] = {
		"Constraints other than UNIQUE are never added in namespace \"%s\": they scan the table and can reject rows the plugin's models allow (lifecycle rule \"Alter Model\").",
		"Validate the values in the plugin, or add a UniqueConstraint to the descriptor."
	},
	[CM_GUARD_REWRITE] = {
		"Tables in namespace \"%s\" are never rewritten, rescanned or moved to other storage (lifecycle rule \"Alter Model\").",
		"Create a new model with the new definition and copy the data."
	},
	[CM_GUARD_SEQUENCE] = {
		"The sequences in namespace \"%s\" number its tables' rows; they are never dropped, renamed, moved or altered.",
		"Leave the sequence as it is; a new model gets a sequence of its own."
	},
	[CM_GUARD_STANDALONE] = {
		"Tables in namespace \"%s\" stand alone (no inheritance, partitions, rules or unlogged storage), so their rows are exactly the rows the plugin wrote and every replica sees them.",
		"Create a separate table and copy the rows, or use a view."
	},
	[CM_GUARD_TRIGGERS] = {
		"Triggers on tables in namespace \"%s\" enforce the plugin's semantics for every client.",
		"Disable a trigger you created yourself by its name."
	},
	[CM_GUARD_NAMESPACE] = {
		"Schema \"%s\" is a cmodel namespace holding plugin data; it is never dropped or renamed.",
		"To remove a namespace on purpose, a superuser can SET cmodel.allow_destructive_ddl = on for the session."
	},
	[CM_GUARD_EXTENSION] = {
		"Namespaces exist (%s): without the extension their tables would lose the lifecycle guard and the registry that describes them.",
		"Keep the extension installed; to remove it on purpose, a superuser can SET cmodel.allow_destructive_ddl = on for the session."
	},
	[CM_GUARD_DATA_TRIGGER] = {
		"cmodel's triggers on table %s apply on_delete and the SDK's write-time rules for every client; without them deletes would leave orphans.",
		"Leave cmodel's triggers in place; change a relation's on_delete by registering the model again."
	},
};

/* Remember a namespace the statement touches (once). */
void
cmodel_guard_touch(CmGuardScope *scope, const char *ns)
{
	ListCell   *lc;

	foreach(lc, scope->namespaces)
		if (strcmp((char *) lfirst(lc), ns) == 0)
			return;
	scope->namespaces = lappend(scope->namespaces, pstrdup(ns));
}

/*
 * Record that the statement breaks a rule.  The first violation is the one
 * reported; the namespace is touched either way (break-glass lets it run).
 */
void
cmodel_guard_violation(CmGuardScope *scope, CmGuardRule rule, const char *ns,
					   const char *hint, const char *fmt,...)
{
	va_list		args;
	StringInfoData buf;

	if (rule != CM_GUARD_EXTENSION)
		cmodel_guard_touch(scope, ns);
	if (scope->violated)
		return;
	initStringInfo(&buf);
	for (;;)
	{
		int			needed;

		va_start(args, fmt);
		needed = appendStringInfoVA(&buf, fmt, args);
		va_end(args);
		if (needed == 0)
			break;
		enlargeStringInfo(&buf, needed);
	}
	scope->violated = true;
	scope->rule = rule;
	scope->ns = pstrdup(ns);
	scope->message = buf.data;
	scope->hint = hint;
}

/*
 * Removing the extension (or its objects) is a violation while namespaces
 * exist; the detail lists them.
 */
void
cmodel_guard_extension_violation(CmGuardScope *scope, const char *what)
{
	List	   *names = cmodel_probe_namespaces();
	StringInfoData list;
	ListCell   *lc;

	if (names == NIL)
		return;
	initStringInfo(&list);
	foreach(lc, names)
	{
		if (foreach_current_index(lc) == 5)
		{
			appendStringInfo(&list, ", and %d more", list_length(names) - 5);
			break;
		}
		appendStringInfo(&list, "%s%s", foreach_current_index(lc) > 0 ? ", " : "",
						 (char *) lfirst(lc));
	}
	cmodel_guard_violation(scope, CM_GUARD_EXTENSION, list.data, NULL,
						   "cannot %s while namespaces exist", what);
}

/* Is break-glass open for the statement's role? */
static bool
guard_open(void)
{
	return allow_destructive_ddl && superuser();
}

/*
 * The end of every trigger: reject the violation (or log it under
 * break-glass), then move the generations of what the statement touched.
 */
static void
guard_conclude(CmGuardScope *scope, Node *statement, bool at_start)
{
	if (scope->violated)
	{
		if (!guard_open())
		{
			StringInfoData detail;

			initStringInfo(&detail);
			if (scope->extra)
				appendStringInfo(&detail, "%s ", scope->extra);
			appendStringInfo(&detail, guard_rules[scope->rule].detail, scope->ns);
			ereport(ERROR,
					(errcode(scope->rule == CM_GUARD_EXTENSION ?
							 ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST :
							 ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("%s", scope->message),
					 errdetail("%s", detail.data),
					 errhint("%s", scope->hint ? scope->hint : guard_rules[scope->rule].hint)));
		}
		if (at_start || statement == NULL || statement != logged_statement)
			ereport(LOG,
					(errmsg("cmodel.allow_destructive_ddl let through: %s", scope->message),
					 errdetail("Role \"%s\" ran: %s",
							   GetUserNameFromId(GetUserId(), false),
							   debug_query_string ? debug_query_string : "(unknown)")));
	}
	if (at_start)
		logged_statement = scope->violated ? statement : NULL;
	if (registering_ns)
	{
		ListCell   *lc;

		foreach(lc, scope->namespaces)
			if (strcmp((char *) lfirst(lc), registering_ns) == 0)
				scope->namespaces = foreach_delete_current(scope->namespaces, lc);
	}
	cmodel_probe_bump(scope->namespaces, scope->core);
}

/*
 * Registration runs DDL of its own, which passes the guard like anyone's
 * but need not move the generation statement by statement: registration
 * records the new generation itself.  NULL ends it.
 */
void
cmodel_guard_registration(const char *ns)
{
	registering_ns = ns;
}

/* Is a registration of namespace ns running its DDL right now? */
bool
cmodel_guard_registering(const char *ns)
{
	return registering_ns != NULL && ns != NULL && strcmp(registering_ns, ns) == 0;
}

/* ------------------------------------------------------------------------
 * Event triggers
 * ------------------------------------------------------------------------
 */

static EventTriggerData *
event_data(FunctionCallInfo fcinfo, const char *name)
{
	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"%s\" must be fired by an event trigger", name)));
	return (EventTriggerData *) fcinfo->context;
}

/* ddl_command_start: judge the statement from its parse tree. */
/*
 * Removing the extension takes cmodel's data triggers with it (on namespace
 * and core tables alike): they call its functions, and a DROP EXTENSION
 * that is allowed should not need CASCADE for objects cmodel made itself.
 */
static void
drop_data_triggers(void)
{
	Oid			cmodel_schema = get_namespace_oid("cmodel", true);
	ObjectAddresses *targets = new_object_addresses();
	Relation	tgrel;
	SysScanDesc scan;
	HeapTuple	tup;

	if (!OidIsValid(cmodel_schema))
		return;
	tgrel = table_open(TriggerRelationId, AccessShareLock);
	scan = systable_beginscan(tgrel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_trigger t = (Form_pg_trigger) GETSTRUCT(tup);
		ObjectAddress addr;

		if (t->tgisinternal || get_func_namespace(t->tgfoid) != cmodel_schema)
			continue;
		ObjectAddressSet(addr, TriggerRelationId, t->oid);
		add_exact_object_address(&addr, targets);
	}
	systable_endscan(scan);
	table_close(tgrel, AccessShareLock);
	performMultipleDeletions(targets, DROP_RESTRICT, PERFORM_DELETION_INTERNAL);
}

static bool
drops_cmodel(Node *stmt)
{
	ListCell   *lc;

	if (!IsA(stmt, DropStmt) || ((DropStmt *) stmt)->removeType != OBJECT_EXTENSION)
		return false;
	foreach(lc, ((DropStmt *) stmt)->objects)
		if (strcmp(strVal(lfirst(lc)), "cmodel") == 0)
			return true;
	return false;
}

PG_FUNCTION_INFO_V1(cmodel_guard_ddl_command_start);
Datum
cmodel_guard_ddl_command_start(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata = event_data(fcinfo, "cmodel.guard_ddl_command_start");
	CmGuardScope scope = {0};

	logged_statement = NULL;
	drop_watch_armed = true;
	cmodel_guard_inspect(trigdata->parsetree, &scope);
	guard_conclude(&scope, trigdata->parsetree, true);
	if (drops_cmodel(trigdata->parsetree))
		drop_data_triggers();
	PG_RETURN_VOID();
}

/*
 * pg_event_trigger_dropped_objects(), called directly in materialize mode:
 * the trigger runs for every DROP, and SPI would cost more than the check.
 */
static Tuplestorestate *
dropped_objects(TupleDesc *desc)
{
	FmgrInfo	flinfo;
	LOCAL_FCINFO(fcinfo, 0);
	ReturnSetInfo rsinfo = {0};

	fmgr_info(F_PG_EVENT_TRIGGER_DROPPED_OBJECTS, &flinfo);
	rsinfo.type = T_ReturnSetInfo;
	rsinfo.econtext = CreateStandaloneExprContext();
	rsinfo.allowedModes = (int) SFRM_Materialize;
	InitFunctionCallInfoData(*fcinfo, &flinfo, 0, InvalidOid, NULL, (Node *) &rsinfo);
	(void) FunctionCallInvoke(fcinfo);
	*desc = rsinfo.setDesc;
	return rsinfo.setResult;
}

/* Text of a dropped-object column, or NULL. */
static char *
slot_text(TupleTableSlot *slot, int attno)
{
	bool		isnull;
	Datum		d = slot_getattr(slot, attno, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/* Columns of pg_event_trigger_dropped_objects(). */
#define DROPPED_CLASSID 1
#define DROPPED_OBJID 2
#define DROPPED_OBJSUBID 3
#define DROPPED_IS_TEMPORARY 6
#define DROPPED_OBJECT_TYPE 7
#define DROPPED_SCHEMA_NAME 8
#define DROPPED_OBJECT_NAME 9
#define DROPPED_OBJECT_IDENTITY 10

/* Judge one dropped object. */
static void
judge_dropped(CmGuardScope *scope, TupleTableSlot *slot)
{
	bool		isnull;
	Oid			classid = DatumGetObjectId(slot_getattr(slot, DROPPED_CLASSID, &isnull));
	Oid			objid = DatumGetObjectId(slot_getattr(slot, DROPPED_OBJID, &isnull));
	int			subid = DatumGetInt32(slot_getattr(slot, DROPPED_OBJSUBID, &isnull));
	char	   *type = slot_text(slot, DROPPED_OBJECT_TYPE);
	char	   *schema = slot_text(slot, DROPPED_SCHEMA_NAME);
	char	   *identity = slot_text(slot, DROPPED_OBJECT_IDENTITY);

	if (DatumGetBool(slot_getattr(slot, DROPPED_IS_TEMPORARY, &isnull)) || type == NULL)
		return;
	if (strcmp(type, "schema") == 0)
	{
		char	   *name = slot_text(slot, DROPPED_OBJECT_NAME);

		if (name && cmodel_probe_is_namespace(name))
			cmodel_guard_violation(scope, CM_GUARD_NAMESPACE, name, NULL,
								   "cannot drop namespace schema \"%s\"", name);
		return;
	}
	if (schema && cmodel_probe_is_namespace(schema))
	{
		if (strcmp(type, "table") == 0)
			cmodel_guard_violation(scope, CM_GUARD_DROP_MODEL, schema, NULL,
								   "cannot drop table \"%s\"", identity);
		else if (strcmp(type, "table column") == 0)
			cmodel_guard_violation(scope, CM_GUARD_DROP_FIELD, schema, NULL,
								   "cannot drop column \"%s\"", identity);
		else if (strcmp(type, "index") == 0 && !list_member_oid(drop_exempt, objid))
			cmodel_guard_violation(scope, CM_GUARD_DROP_INDEX, schema, NULL,
								   "cannot drop index \"%s\"", identity);
		else if (strcmp(type, "table constraint") == 0)
			cmodel_guard_violation(scope, CM_GUARD_DROP_INDEX, schema, NULL,
								   "cannot drop constraint %s", identity);
		else if (strcmp(type, "sequence") == 0)
			cmodel_guard_violation(scope, CM_GUARD_SEQUENCE, schema, NULL,
								   "cannot drop sequence \"%s\"", identity);
		else if (strcmp(type, "default value") == 0 && !cmodel_guard_registering(schema))
			cmodel_guard_violation(scope, CM_GUARD_ALTER_FIELD, schema, NULL,
								   "cannot drop the default value %s", identity);
		else
			cmodel_guard_touch(scope, schema);
		return;
	}
	/*
	 * A core table, however it was dropped.  (A dropped index of a core
	 * table is noticed by ddl_command_start, which can still see its table.)
	 */
	if (classid == RelationRelationId && subid == 0 && strcmp(type, "table") == 0 &&
		cmodel_probe_is_core_table(objid))
		scope->core = true;
}

/* sql_drop: judge everything the statement dropped, however it got there. */
PG_FUNCTION_INFO_V1(cmodel_guard_sql_drop);
Datum
cmodel_guard_sql_drop(PG_FUNCTION_ARGS)
{
	CmGuardScope scope = {0};
	EventTriggerData *trigdata = event_data(fcinfo, "cmodel.guard_sql_drop");
	TupleDesc	desc;
	Tuplestorestate *dropped;
	TupleTableSlot *slot;

	if (drop_watch_armed && !drop_watch_hit)
		PG_RETURN_VOID();
	dropped = dropped_objects(&desc);
	slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	while (tuplestore_gettupleslot(dropped, true, false, slot))
		judge_dropped(&scope, slot);
	ExecDropSingleTupleTableSlot(slot);
	tuplestore_end(dropped);
	guard_conclude(&scope, trigdata->parsetree, false);
	PG_RETURN_VOID();
}

/* What a table_rewrite reason means, for the detail. */
static char *
rewrite_reason(int reason)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "The statement would rewrite every row");
	if (reason & AT_REWRITE_COLUMN_REWRITE)
		appendStringInfoString(&buf, ", changing a column's type");
	else if (reason & AT_REWRITE_DEFAULT_VAL)
		appendStringInfoString(&buf, ", filling a new column with a volatile default");
	else if (reason & AT_REWRITE_ALTER_PERSISTENCE)
		appendStringInfoString(&buf, ", changing whether it is logged");
	else if (reason & AT_REWRITE_ACCESS_METHOD)
		appendStringInfoString(&buf, ", changing its access method");
	appendStringInfoChar(&buf, '.');
	return buf.data;
}

/* table_rewrite: no namespace table is ever rewritten. */
PG_FUNCTION_INFO_V1(cmodel_guard_table_rewrite);
Datum
cmodel_guard_table_rewrite(PG_FUNCTION_ARGS)
{
	CmGuardScope scope = {0};
	LOCAL_FCINFO(call, 0);
	Oid			relid;
	int			reason;
	char	   *qualname;
	bool		guarded;
	char	   *ns;
	EventTriggerData *trigdata = event_data(fcinfo, "cmodel.guard_table_rewrite");

	InitFunctionCallInfoData(*call, NULL, 0, InvalidOid, NULL, NULL);
	relid = DatumGetObjectId(pg_event_trigger_table_rewrite_oid(call));
	reason = DatumGetInt32(pg_event_trigger_table_rewrite_reason(call));
	ns = cmodel_guard_rel_namespace(relid, &qualname, &guarded);
	if (ns && guarded)
	{
		cmodel_guard_violation(&scope, CM_GUARD_REWRITE, ns, NULL,
							   "cannot rewrite table \"%s\"", qualname);
		scope.extra = rewrite_reason(reason);
	}
	else if (ns)
		cmodel_guard_touch(&scope, ns);
	else if (cmodel_probe_is_core_table(relid))
		scope.core = true;
	guard_conclude(&scope, trigdata->parsetree, false);
	PG_RETURN_VOID();
}

/* ------------------------------------------------------------------------
 * The extension itself
 * ------------------------------------------------------------------------
 */

/*
 * Does dropping this object concern the guard: an object of a namespace (a
 * relation or column, a constraint, a default, the schema) or a core table?
 * A namespace index that holds nothing goes on the exempt list.
 */
static bool
drop_concerns_guard(Oid classId, Oid objectId, int subId)
{
	Oid			nspid = InvalidOid;
	HeapTuple	tuple;

	switch (classId)
	{
		case RelationRelationId:
			tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(objectId));
			if (HeapTupleIsValid(tuple))
			{
				char		relkind = ((Form_pg_class) GETSTRUCT(tuple))->relkind;
				bool		in_ns;

				nspid = ((Form_pg_class) GETSTRUCT(tuple))->relnamespace;
				ReleaseSysCache(tuple);
				in_ns = cmodel_probe_schema_namespace(nspid) != NULL;
				if (subId != 0)
					return in_ns;
				if (in_ns && (relkind == RELKIND_INDEX || relkind == RELKIND_PARTITIONED_INDEX) &&
					!cmodel_guard_relation_guarded(objectId))
				{
					MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);

					drop_exempt = lappend_oid(drop_exempt, objectId);
					MemoryContextSwitchTo(old);
				}
				if (!in_ns && (relkind == RELKIND_RELATION || relkind == RELKIND_PARTITIONED_TABLE))
					return cmodel_probe_is_core_table(objectId);
				return in_ns;
			}
			break;
		case NamespaceRelationId:
			nspid = objectId;
			break;
		case ConstraintRelationId:
			tuple = SearchSysCache1(CONSTROID, ObjectIdGetDatum(objectId));
			if (HeapTupleIsValid(tuple))
			{
				nspid = ((Form_pg_constraint) GETSTRUCT(tuple))->connamespace;
				ReleaseSysCache(tuple);
			}
			break;
		case AttrDefaultRelationId:
			nspid = get_rel_namespace(GetAttrDefaultColumnAddress(objectId).objectId);
			break;
		default:
			return false;
	}
	return OidIsValid(nspid) && cmodel_probe_schema_namespace(nspid) != NULL;
}

/*
 * Is the object the registry's reg_namespace table?  Dropping the extension
 * drops its members first, the registry among them, so this is where a drop
 * that takes the extension along (DROP SCHEMA public CASCADE, DROP OWNED) is
 * caught: sql_drop never fires once the event triggers are gone.
 */
static bool
is_registry(Oid classId, Oid objectId, int subId)
{
	char	   *name;

	if (classId != RelationRelationId || subId != 0 ||
		get_rel_relkind(objectId) != RELKIND_RELATION)
		return false;
	name = get_rel_name(objectId);
	return name && strcmp(name, "reg_namespace") == 0 &&
		strcmp(get_namespace_name(get_rel_namespace(objectId)), "cmodel") == 0;
}

/*
 * Every object about to be dropped passes here: keep the drop watch, and
 * refuse to drop the registry while namespaces exist.  Internal drops
 * (REINDEX CONCURRENTLY, rewrites) are consequences of statements the
 * triggers already judged.
 */
static void
guard_object_access(ObjectAccessType access, Oid classId, Oid objectId,
					int subId, void *arg)
{
	if (prev_object_access_hook)
		prev_object_access_hook(access, classId, objectId, subId, arg);
	if (access != OAT_DROP ||
		(((ObjectAccessDrop *) arg)->dropflags & PERFORM_DELETION_INTERNAL))
		return;
	if (drop_concerns_guard(classId, objectId, subId))
		drop_watch_hit = true;
	if (is_registry(classId, objectId, subId))
	{
		CmGuardScope scope = {0};

		cmodel_guard_extension_violation(&scope, "drop extension \"cmodel\"");
		if (scope.violated)
			guard_conclude(&scope, NULL, false);
	}
}

/* A transaction's end ends its drop-watch hit. */
static void
guard_xact_callback(XactEvent event, void *arg)
{
	if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
		event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT ||
		event == XACT_EVENT_PREPARE)
	{
		drop_watch_hit = false;
		drop_exempt = NIL;		/* freed with TopTransactionContext */
	}
}

/* Settings and the object-access hook; called from _PG_init. */
void
cmodel_guard_init(void)
{
	DefineCustomBoolVariable("cmodel.allow_destructive_ddl",
							 gettext_noop("Lets this session's destructive DDL through the lifecycle guard."),
							 gettext_noop("Superusers only; every statement it lets through is logged."),
							 &allow_destructive_ddl,
							 false,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);
	prev_object_access_hook = object_access_hook;
	object_access_hook = guard_object_access;
	RegisterXactCallback(guard_xact_callback, NULL);
}

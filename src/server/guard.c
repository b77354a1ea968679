/*-------------------------------------------------------------------------
 *
 * guard.c
 *	  The lifecycle guard: event triggers that keep namespaces additive-only
 *	  for every client.
 *
 * Four C event triggers see every DDL statement in the database:
 *
 *	ddl_command_start	reads the statement's parse tree (guard_rules.c) and
 *						rejects what would drop, rename, alter, rewrite or
 *						rescan namespace objects before any of it runs;
 *	sql_drop			catches drops that reach namespace objects without
 *						naming them (CASCADE, DROP OWNED, a dropped type or
 *						function), from PostgreSQL's list of dropped objects;
 *	table_rewrite		catches any rewrite of a namespace table the first
 *						two missed (a volatile default, a recursing ALTER);
 *	ddl_command_end		refuses what the statement made depend on a
 *						temporary object when something of a namespace
 *						would go with it at the session's end (guard_temp.c),
 *						objects made in or moved into schema cmodel, and a
 *						new column's default over the value limit, which
 *						existing rows take without being written; puts
 *						cmodel's triggers back after ENABLE TRIGGER ALL.
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
 * What a trigger found is refused or, under break-glass, logged by
 * guard_report.c; what a statement's parse tree does to namespaces is
 * guard_rules.c.
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

static object_access_hook_type prev_object_access_hook = NULL;

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

/*
 * cmodel's triggers this transaction is dropping, as the hook saw them
 * (the sql_drop trigger only learns that a trigger went, not whose it was):
 * one may go only with its table, and the on_delete triggers of a table
 * outside namespaces not even then.
 */
typedef struct DroppedTrigger
{
	Oid			trigoid;
	int			bit;
	char	   *name;
	CmGuardRel	table;
} DroppedTrigger;

static List *dropped_triggers = NIL;

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

/* Is the statement DROP EXTENSION cmodel (possibly among others)? */
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

/*
 * ddl_command_start: judge the statement from its parse tree.  An allowed
 * DROP EXTENSION cmodel takes cmodel's triggers on every table with it.
 */
PG_FUNCTION_INFO_V1(cmodel_guard_ddl_command_start);
Datum
cmodel_guard_ddl_command_start(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata = event_data(fcinfo, "cmodel.guard_ddl_command_start");
	CmGuardScope scope = {0};

	cmodel_guard_statement_start();
	drop_watch_armed = true;
	cmodel_guard_inspect(trigdata->parsetree, &scope);
	cmodel_guard_conclude(&scope, trigdata->parsetree, true);
	if (drops_cmodel(trigdata->parsetree))
		cmodel_drop_triggers(InvalidOid);
	PG_RETURN_VOID();
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

/*
 * cmodel's triggers the statement dropped: one whose table stays would
 * leave it without on_delete or the write rules; one whose table went
 * with it is fine, unless the table was outside namespaces and relations
 * point at it (their children would be orphaned).
 */
static void
judge_dropped_triggers(CmGuardScope *scope, List *rels, List *triggers)
{
	ListCell   *lc;

	foreach(lc, dropped_triggers)
	{
		DroppedTrigger *d = lfirst(lc);

		if (!list_member_oid(triggers, d->trigoid) || d->table.relname == NULL)
			continue;
		if (!list_member_oid(rels, d->table.relid))
			cmodel_guard_trigger_violation(scope, &d->table, "drop", d->name);
		else if (d->table.ns == NULL && !d->table.citus_stale && (d->bit & CM_TRIG_DELETE))
			cmodel_guard_violation(scope, CM_GUARD_CORE_PARENT, d->table.qualname, NULL,
								   "cannot drop table \"%s\": CASCADE or SET_NULL relations point at it",
								   d->table.qualname);
	}
}

/* Judge one dropped object; note the relations and triggers that went. */
static void
judge_dropped(CmGuardScope *scope, TupleTableSlot *slot, List **rels, List **triggers)
{
	bool		isnull;
	Oid			classid = DatumGetObjectId(slot_getattr(slot, DROPPED_CLASSID, &isnull));
	Oid			objid = DatumGetObjectId(slot_getattr(slot, DROPPED_OBJID, &isnull));
	int			subid = DatumGetInt32(slot_getattr(slot, DROPPED_OBJSUBID, &isnull));
	char	   *type = slot_text(slot, DROPPED_OBJECT_TYPE);
	char	   *schema = slot_text(slot, DROPPED_SCHEMA_NAME);
	char	   *identity = slot_text(slot, DROPPED_OBJECT_IDENTITY);

	if (classid == RelationRelationId && subid == 0)
		*rels = lappend_oid(*rels, objid);
	else if (classid == TriggerRelationId)
		*triggers = lappend_oid(*triggers, objid);

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
	List	   *rels = NIL;
	List	   *triggers = NIL;

	if (drop_watch_armed && !drop_watch_hit)
		PG_RETURN_VOID();
	dropped = cmodel_event_trigger_rows(F_PG_EVENT_TRIGGER_DROPPED_OBJECTS, &desc);
	slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	while (tuplestore_gettupleslot(dropped, true, false, slot))
		judge_dropped(&scope, slot, &rels, &triggers);
	ExecDropSingleTupleTableSlot(slot);
	tuplestore_end(dropped);
	judge_dropped_triggers(&scope, rels, triggers);
	cmodel_guard_conclude(&scope, trigdata->parsetree, false);
	PG_RETURN_VOID();
}

/*
 * ddl_command_end: nothing the statement created or changed may make
 * namespace objects depend on a temporary object (guard_temp.c), nothing
 * but cmodel's scripts may create objects in schema cmodel
 * (guard_registry.c), and a new column's default must be within the value
 * limit (guard_alter.c).  cmodel's own scripts are not judged.  A renamed
 * or moved core table takes its name in the node catalog along
 * (node_catalog.c).
 */
PG_FUNCTION_INFO_V1(cmodel_guard_ddl_command_end);
Datum
cmodel_guard_ddl_command_end(PG_FUNCTION_ARGS)
{
	CmGuardScope scope = {0};
	EventTriggerData *trigdata = event_data(fcinfo, "cmodel.guard_ddl_command_end");
	TupleDesc	desc;
	Tuplestorestate *commands;
	TupleTableSlot *slot;
	Oid		   *classids;
	Oid		   *objids;
	int			n = 0;
	int			cap = 8;
	bool		creates;

	if (cmodel_probe_own_script())
		PG_RETURN_VOID();
	commands = cmodel_event_trigger_rows(F_PG_EVENT_TRIGGER_DDL_COMMANDS, &desc);
	slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	classids = palloc(sizeof(Oid) * cap);
	objids = palloc(sizeof(Oid) * cap);
	while (tuplestore_gettupleslot(commands, true, false, slot))
	{
		bool		isnull1,
					isnull2;
		Datum		classid = slot_getattr(slot, 1, &isnull1);
		Datum		objid = slot_getattr(slot, 2, &isnull2);

		if (isnull1 || isnull2 || !OidIsValid(DatumGetObjectId(objid)))
			continue;
		if (n == cap)
		{
			cap *= 2;
			classids = repalloc(classids, sizeof(Oid) * cap);
			objids = repalloc(objids, sizeof(Oid) * cap);
		}
		classids[n] = DatumGetObjectId(classid);
		objids[n++] = DatumGetObjectId(objid);
	}
	ExecDropSingleTupleTableSlot(slot);
	tuplestore_end(commands);
	creates = strncmp(GetCommandTagName(trigdata->tag), "CREATE", 6) == 0 ||
		trigdata->tag == CMDTAG_SELECT_INTO;
	if (IsA(trigdata->parsetree, AlterTableStmt))
	{
		cmodel_guard_check_new_defaults((AlterTableStmt *) trigdata->parsetree);
		cmodel_guard_restore_trigger_modes((AlterTableStmt *) trigdata->parsetree);
	}
	cmodel_guard_check_registry_schema(&scope, creates ? "create" :
									   IsA(trigdata->parsetree, AlterObjectSchemaStmt) ? "move" : NULL,
									   n, classids, objids);
	cmodel_guard_check_temp_objects(&scope, creates ? "create" : "change", n, classids, objids);
	cmodel_guard_conclude(&scope, trigdata->parsetree, false);
	if ((IsA(trigdata->parsetree, RenameStmt) &&
		 (((RenameStmt *) trigdata->parsetree)->renameType == OBJECT_TABLE ||
		  ((RenameStmt *) trigdata->parsetree)->renameType == OBJECT_SCHEMA)) ||
		(IsA(trigdata->parsetree, AlterObjectSchemaStmt) &&
		 ((AlterObjectSchemaStmt *) trigdata->parsetree)->objectType == OBJECT_TABLE))
		cmodel_node_catalog_follow_renames();
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
	cmodel_guard_conclude(&scope, trigdata->parsetree, false);
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
		case TriggerRelationId:
			{
				Oid			relid = InvalidOid;
				char	   *name = NULL;
				int			bit = cmodel_trigger_by_oid(objectId, &relid, &name);
				MemoryContext old;
				DroppedTrigger *d;

				if (bit == 0)
					return false;
				old = MemoryContextSwitchTo(TopTransactionContext);
				d = palloc0(sizeof(DroppedTrigger));
				d->trigoid = objectId;
				d->bit = bit;
				d->name = pstrdup(name);
				if (!cmodel_guard_describe_rel(relid, &d->table))
					d->table.relid = relid;
				dropped_triggers = lappend(dropped_triggers, d);
				MemoryContextSwitchTo(old);
				return true;
			}
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
	if (classId == RelationRelationId && subId == 0 &&
		get_rel_namespace(objectId) == get_namespace_oid("cmodel", true))
		cmodel_probe_set_registry_going(true);
	if (drop_concerns_guard(classId, objectId, subId))
		drop_watch_hit = true;
	if (is_registry(classId, objectId, subId))
	{
		CmGuardScope scope = {0};

		cmodel_guard_extension_violation(&scope, "drop extension \"cmodel\"");
		if (scope.violated)
			cmodel_guard_conclude(&scope, NULL, false);
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
		dropped_triggers = NIL;
		cmodel_probe_set_registry_going(false);
	}
}

/* Settings and the object-access hook; called from _PG_init. */
void
cmodel_guard_init(void)
{
	prev_object_access_hook = object_access_hook;
	object_access_hook = guard_object_access;
	RegisterXactCallback(guard_xact_callback, NULL);
}

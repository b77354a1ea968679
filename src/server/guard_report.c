/*-------------------------------------------------------------------------
 *
 * guard_report.c
 *	  What the lifecycle guard found in a statement, and what it does
 *	  about it: refuse it, or log it under break-glass.
 *
 * The guard's triggers (guard.c) and the statement rules (guard_rules.c)
 * record into a CmGuardScope which namespaces a statement touches and the
 * first lifecycle rule it breaks; this file owns the rules' details and
 * hints, the break-glass setting cmodel.allow_destructive_ddl, and the end
 * of every trigger: refuse with the rule's message, or log what
 * break-glass let through, then move the generations of every namespace
 * the statement touched so the no-op cache never vouches for a changed
 * schema.  Registration's own DDL passes here too: it records its new
 * generation itself, so it does not move it statement by statement.
 *
 * Break-glass is PGC_SUSET and is checked against superuser() again at
 * use, so a value a non-superuser set as a placeholder before the library
 * was loaded (or through ALTER ROLE ... SET) opens nothing.
 *
 * src/server/guard_report.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "nodes/pg_list.h"
#include "tcop/tcopprot.h"
#include "utils/guc.h"

#include "cmodel.h"

static bool allow_destructive_ddl = false;

/* The namespace a registration is changing right now, or NULL. */
static const char *registering_ns = NULL;

/*
 * The statement whose break-glass use the ddl_command_start trigger logged
 * last, so its sql_drop and table_rewrite triggers do not log it again.
 * Every statement fires ddl_command_start first, which resets it.
 */
static Node *logged_statement = NULL;


/* Detail (with the namespace for %s) and hint of each rule. */
static const struct
{
	const char *detail;
	const char *hint;
}			guard_rules[] =
{
	[CM_GUARD_DROP_MODEL] = {
		"Namespace \"%s\" is additive-only: its tables are never dropped, renamed or moved to another schema (lifecycle rule \"Drop Model\").",
		"Remove the model from the plugin; its table is kept and ignored. To empty a table or the hub store, delete its rows."
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
		"Columns are added to namespace \"%s\" nullable (or NOT NULL with a constant default, which fills the rows that exist without touching them), without identity or generated values, so that adding one never rewrites or scans a table (lifecycle rule \"Add Field\").",
		"Add the column as nullable, then fill it with UPDATE; or give it a constant default."
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
		"cmodel's triggers on table %s apply on_delete and the SDK's write-time rules for every client, in replica mode too; without them deletes would leave orphans.",
		"Leave cmodel's triggers in place and firing as cmodel made them; change a relation's on_delete by registering the model again."
	},
	[CM_GUARD_TRIGGER_ORDER] = {
		"BEFORE row triggers of one kind fire in name order; cmodel's write trigger on table %s must fire last, or a later one could store values over the size limit or overwrite auto_now fields after cmodel checked and set them.",
		"Name the trigger so that it sorts before \"cmodel_write\"."
	},
	[CM_GUARD_REGISTRY] = {
		"cmodel's registry (schema \"%s\") records every namespace's models and is what the lifecycle guard judges by; only cmodel's own functions and scripts change it, so a registration always records what it did.",
		"Read the registry through cmodel's views; change it only through cmodel's functions."
	},
	[CM_GUARD_TEMP] = {
		"Temporary objects are dropped when their session ends, without any event trigger; whatever of namespace \"%s\" depended on one would be dropped with it, and its data lost.",
		"Create the type, function, operator or collation in a permanent schema and use that one."
	},
	[CM_GUARD_PUBLIC] = {
		"PUBLIC has no privileges in namespace \"%s\": each role's access to a plugin's data is a level recorded in cmodel's registry.",
		"Give the roles that need it a level with cmodel_grant_access(namespace, role, level)."
	},
	[CM_GUARD_CORE_PARENT] = {
		"CASCADE or SET_NULL relations of namespace models point at table %s: cmodel applies their on_delete through its triggers on this table, which an inheritance child, unlogged storage, the table's drop or a change to its key column would bypass, lose or break, leaving the children orphaned.",
		"Keep the table as it is; register the models without relations to it first if it must go."
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

	if (rule != CM_GUARD_EXTENSION && rule != CM_GUARD_REGISTRY && rule != CM_GUARD_CORE_PARENT &&
		rule != CM_GUARD_TRIGGER_ORDER)
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

/* The first namespace schema of the list the role does not own, for 42501. */
static char *
denied_schemas(List *namespaces)
{
	ListCell   *lc;

	foreach(lc, namespaces)
	{
		Oid			nspid = get_namespace_oid((char *) lfirst(lc), true);

		if (OidIsValid(nspid) && !pg_namespace_ownercheck(nspid, GetUserId()))
			return psprintf("schema %s", quote_identifier((char *) lfirst(lc)));
	}
	return NULL;
}

/* Is break-glass open for the statement's role? */
static bool
guard_open(void)
{
	return allow_destructive_ddl && superuser();
}

/* See cmodel.h: break-glass, for what is judged outside the event triggers. */
bool
cmodel_guard_break_glass(void)
{
	return guard_open();
}

/*
 * See cmodel.h.  The end of every trigger: reject the violation (or log it
 * under break-glass; on a Citus worker, let through the statements Citus
 * sends there, which the coordinator judged or which are its own shard
 * maintenance), then move the generations of what the statement touched.
 */
void
cmodel_guard_conclude(CmGuardScope *scope, Node *statement, bool at_start)
{
	if (scope->violated && cmodel_citus_own_connection())
		ereport(LOG,
				(errmsg("cmodel let through Citus's own statement on a worker: %s", scope->message),
				 errdetail("Citus ran: %s", debug_query_string ? debug_query_string : "(unknown)")));
	else if (scope->violated)
	{
		if (!guard_open())
		{
			StringInfoData detail;

			initStringInfo(&detail);
			if (scope->extra)
				appendStringInfo(&detail, "%s ", scope->extra);
			appendStringInfo(&detail, guard_rules[scope->rule].detail, scope->ns);
			if (scope->rule == CM_GUARD_NAMESPACE && scope->denied == NULL)
				scope->denied = denied_schemas(scope->namespaces);
			/* what PostgreSQL would refuse the role anyway is refused as its privileges */
			if (scope->denied)
				ereport(ERROR,
						(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
						 errmsg("must be owner of %s", scope->denied),
						 errdetail("Role \"%s\" does not own it; cmodel's guard would refuse its owner too (%s).",
								   GetUserNameFromId(GetUserId(), false), scope->message),
						 errhint("%s", scope->hint ? scope->hint : guard_rules[scope->rule].hint)));
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

/* See cmodel.h: a new statement; nothing of it is logged yet. */
void
cmodel_guard_statement_start(void)
{
	logged_statement = NULL;
	/* break-glass also lets a superuser through a missing registry, to put it back */
	cmodel_probe_set_lenient(guard_open());
}

/* See cmodel.h: the break-glass setting; called from _PG_init. */
void
cmodel_guard_report_init(void)
{
	DefineCustomBoolVariable("cmodel.allow_destructive_ddl",
							 gettext_noop("Lets this session's destructive DDL through the lifecycle guard."),
							 gettext_noop("Superusers only; every statement it lets through is logged."),
							 &allow_destructive_ddl,
							 false,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);
}

/*-------------------------------------------------------------------------
 *
 * guard_registry.c
 *	  Only cmodel changes its registry: the statement trigger on every
 *	  registry table.
 *
 * The lifecycle guard decides what a schema is from the registry, so a
 * registry a superuser emptied by hand would leave every namespace
 * unguarded, and a registration whose rows a DELETE took back would be
 * forgotten.  Every registry table has a BEFORE ... FOR EACH STATEMENT
 * trigger, cmodel_registry_lock, that refuses UPDATE, DELETE and TRUNCATE
 * (and INSERT into the no-op cache, which no dump restores) unless the
 * statement is one of cmodel's own writes (registry_lock.c), part of
 * cmodel's own install or update script, or run by a superuser under
 * break-glass (and then logged).  INSERT into the other tables stays open:
 * pg_restore loads the registry with COPY.  A logical replication apply
 * worker fires row triggers only, so the same function also runs as the
 * BEFORE ... FOR EACH ROW trigger cmodel_registry_lock_row, which a
 * subscription writing a registry table runs into.  The triggers fire ALWAYS, so
 * session_replication_role = replica does not switch them off, and the
 * guard refuses dropping, renaming, replacing or disabling them (they are
 * cmodel's triggers on registry relations).
 *
 * src/server/guard_registry.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/namespace.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_class.h"
#include "catalog/pg_trigger.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "tcop/tcopprot.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "cmodel.h"

static const char *
event_name(TriggerEvent event)
{
	if (TRIGGER_FIRED_BY_INSERT(event))
		return "insert into";
	if (TRIGGER_FIRED_BY_UPDATE(event))
		return "update";
	if (TRIGGER_FIRED_BY_DELETE(event))
		return "delete from";
	return "truncate";
}

/*
 * cmodel.registry_lock(): BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE FOR
 * EACH STATEMENT, and BEFORE UPDATE OR DELETE (INSERT too on the cache) FOR
 * EACH ROW, on the registry tables.
 */
PG_FUNCTION_INFO_V1(cmodel_registry_lock);

Datum
cmodel_registry_lock(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	Relation	rel;
	const char *what;
	Datum		pass = PointerGetDatum(NULL);

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function cmodel.registry_lock() must be fired BEFORE"),
				 errdetail("cmodel's install script creates this trigger on its registry tables."),
				 errhint("Do not create cmodel's triggers by hand.")));
	/* what a row trigger lets through: the row as it was given */
	if (TRIGGER_FIRED_FOR_ROW(td->tg_event))
		pass = PointerGetDatum(TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : td->tg_trigtuple);
	if (cmodel_registry_writing() || cmodel_probe_own_script())
		return pass;

	rel = td->tg_relation;
	what = event_name(td->tg_event);
	if (cmodel_guard_break_glass())
	{
		ereport(LOG,
				(errmsg("cmodel.allow_destructive_ddl let through: %s cmodel's registry table \"%s.%s\"",
						what, get_namespace_name(RelationGetNamespace(rel)),
						RelationGetRelationName(rel)),
				 errdetail("Role \"%s\" ran: %s", GetUserNameFromId(GetUserId(), false),
						   debug_query_string ? debug_query_string : "(unknown)")));
		return pass;
	}
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("cannot %s cmodel's registry table \"%s.%s\"", what,
					get_namespace_name(RelationGetNamespace(rel)), RelationGetRelationName(rel)),
			 errdetail("The registry records every namespace and its models, and the lifecycle guard judges DDL by it; a row changed or removed by hand would leave tables unguarded or registrations forgotten."),
			 errhint("Change it through cmodel's functions (registration, cmodel_grant_access and the rest); to repair it on purpose, a superuser can SET cmodel.allow_destructive_ddl = on for the session.")));
	return PointerGetDatum(NULL);	/* not reached */
}

/*
 * See cmodel.h: at the end of a statement, nothing but cmodel's own scripts
 * may create objects in (verb "create") or move them into ("move") schema
 * cmodel (verb NULL: the statement does neither), but Citus, which places
 * a copy of the node catalog on every node there: a function
 * there counts as cmodel's (its triggers are protected as cmodel's), and a
 * table there would be dumped and dropped with the extension.
 */
void
cmodel_guard_check_registry_schema(CmGuardScope *scope, const char *verb, int n,
								   const Oid *classids, const Oid *objids)
{
	Oid			cmodel = get_namespace_oid("cmodel", true);
	int			i;

	if (verb == NULL || !OidIsValid(cmodel))
		return;
	for (i = 0; i < n && !scope->violated; i++)
	{
		ObjectAddress addr;
		Oid			relid = InvalidOid;
		char	   *trigger;

		/* Citus's placements of cmodel's own tables, and their triggers, are Citus's */
		if (classids[i] == RelationRelationId)
			relid = objids[i];
		else if (classids[i] == TriggerRelationId)
			(void) cmodel_trigger_by_oid(objids[i], &relid, &trigger);
		if (OidIsValid(relid) && cmodel_citus_own_shard(relid))
			continue;
		ObjectAddressSet(addr, classids[i], objids[i]);
		if (is_objectclass_supported(classids[i]) && get_object_namespace(&addr) == cmodel)
			cmodel_guard_violation(scope, CM_GUARD_REGISTRY, "cmodel", NULL,
								   "cannot %s %s %s cmodel's registry schema", verb,
								   getObjectDescription(&addr, true),
								   strcmp(verb, "move") == 0 ? "into" : "in");
	}
}

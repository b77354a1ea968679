/*-------------------------------------------------------------------------
 *
 * adopt.c
 *	  What an existing table must be for cmodel to adopt it as a model
 *	  table or a namespace's hub store.
 *
 * Adopting a table lets registration extend it, as the extension's owner,
 * and makes it one of cmodel's: the guard, the write rules and on_delete
 * then answer for its rows.  So a table is adopted only when it is what
 * the guard lets a namespace table become, and only for a role that could
 * change it itself:
 *	- a caller that is not a superuser must have its owner's privileges;
 *	- it is logged, neither partitioned nor an inheritance parent or child;
 *	- it has no generated columns (computed after cmodel's write rules);
 *	- it has no rules and no triggers but cmodel's (a trigger of its maker
 *	  would run as every role that writes, and could change rows after
 *	  cmodel's write rules);
 *	- nothing of it (a column's type, a default, an index, a constraint)
 *	  depends on a temporary object, which would vanish with its session.
 * The plan functions check the same, so a plan shows the refusal.
 *
 * src/server/adopt.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "cmodel.h"

static void
refuse(const char *qualname, const char *what, const char *detail, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("cannot adopt table %s: %s", qualname, what),
			 errdetail("%s", detail),
			 errhint("%s", hint)));
}

/* A trigger on the table that is not cmodel's, or NULL. */
static char *
foreign_trigger(Oid relid)
{
	const char *args[1] = {psprintf("%u", relid)};
	uint64		i;

	cmodel_exec("SELECT t.tgname::pg_catalog.text FROM pg_catalog.pg_trigger t"
				" WHERE t.tgrelid OPERATOR(pg_catalog.=) $1::pg_catalog.oid AND NOT t.tgisinternal"
				" ORDER BY 1", 1, args, true);
	for (i = 0; i < SPI_processed; i++)
	{
		char	   *name = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);

		if (!cmodel_is_cmodel_trigger(relid, name))
			return name;
	}
	return NULL;
}

/* A generated column of the table, or NULL. */
static char *
generated_column(Oid relid)
{
	const char *args[1] = {psprintf("%u", relid)};

	cmodel_exec("SELECT a.attname::pg_catalog.text FROM pg_catalog.pg_attribute a"
				" WHERE a.attrelid OPERATOR(pg_catalog.=) $1::pg_catalog.oid AND a.attnum > 0"
				"   AND NOT a.attisdropped AND a.attgenerated <> '' ORDER BY a.attnum LIMIT 1",
				1, args, true);
	return SPI_processed > 0 ? SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1) : NULL;
}

/* Judge one existing table the plan adopts. */
static void
check_table(Oid relid, const char *qualname, Oid caller)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Form_pg_class form;
	char	   *name;

	if (!HeapTupleIsValid(tup))
		return;
	form = (Form_pg_class) GETSTRUCT(tup);
	if (!superuser_arg(caller) && !has_privs_of_role(caller, form->relowner))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to adopt table %s", qualname),
				 errdetail("Adopting a table lets cmodel extend it as the extension's owner; role \"%s\" does not own it.",
						   GetUserNameFromId(caller, false)),
				 errhint("Have the table's owner or a superuser register the model, or give the model another name.")));
	if (form->relpersistence == RELPERSISTENCE_UNLOGGED)
		refuse(qualname, "it is unlogged",
			   "An unlogged table is emptied after a crash and never reaches a standby.",
			   "Make it logged (ALTER TABLE ... SET LOGGED), then register again.");
	if (form->relkind == RELKIND_PARTITIONED_TABLE || form->relispartition || form->relhassubclass ||
		has_superclass(relid))
		refuse(qualname, "it is partitioned or takes part in inheritance",
			   "A namespace table stands alone, so that its rows are exactly the rows the plugin wrote and on_delete reaches them.",
			   "Copy the rows into a table of its own, then register it.");
	if (form->relhasrules)
		refuse(qualname, "it has rules",
			   "A rule can rewrite or swallow the plugin's writes without an error.",
			   "Drop the rules, then register again.");
	ReleaseSysCache(tup);
	if ((name = generated_column(relid)) != NULL)
		refuse(qualname, psprintf("column \"%s\" is generated", name),
			   "A generated value is computed after every BEFORE trigger, so cmodel's write rules (the value limit) never see it.",
			   "Make it a plain column filled by the plugin, then register again.");
	if ((name = foreign_trigger(relid)) != NULL)
		refuse(qualname, psprintf("it has trigger \"%s\"", name),
			   "A trigger of the table's maker runs as every role that writes to it, and can change rows after cmodel's write rules checked them.",
			   "Drop the trigger, register, then create it again if it is still wanted (the guard judges it then).");
	if ((name = cmodel_temp_dependency(relid)) != NULL)
		refuse(qualname, psprintf("it depends on temporary %s", name),
			   "Temporary objects are dropped when their session ends, without any event trigger, and what depends on them with them.",
			   "Use a type, function or collation of a permanent schema, then register again.");
}

/* See cmodel.h: judge every existing table the plan adopts (and the hub store of an adopted schema). */
void
cmodel_check_adoptions(const CmSnapshot *snap, const CmPlan *plan, Oid caller)
{
	Oid			nspid;
	int			i;

	if (!snap->schema_exists)
		return;
	nspid = get_namespace_oid(snap->namespace, true);
	if (!OidIsValid(nspid))
		return;
	for (i = 0; i < plan->nactions; i++)
	{
		const CmAction *a = &plan->actions[i];
		Oid			relid;

		if (a->kind != CM_ACT_ADOPT_MODEL || a->model == NULL)
			continue;
		relid = get_relname_relid(a->model->table, nspid);
		if (OidIsValid(relid))
			check_table(relid, quote_qualified_identifier(snap->namespace, a->model->table), caller);
	}
	if (!snap->namespace_registered)
	{
		Oid			store = get_relname_relid(CM_HUB_STORE, nspid);

		if (OidIsValid(store))
			check_table(store, quote_qualified_identifier(snap->namespace, CM_HUB_STORE), caller);
	}
}

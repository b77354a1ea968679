/*-------------------------------------------------------------------------
 *
 * access.c
 *	  Who may do what to a namespace: the access levels in the registry,
 *	  the reporting role, plugin deployers, and the registration rights
 *	  they give.
 *
 * Levels are recorded by role name in cmodel.reg_access and are ordinary
 * privileges (grants.c).  Managing them takes a superuser or a role with
 * the privileges of the namespace schema's owner, the roles PostgreSQL
 * itself lets grant on the schema.  Registering takes, for a role that is
 * not a superuser:
 *	- into a registered namespace: the register level (held directly or
 *	  through a role it has the privileges of), or the schema owner's
 *	  privileges;
 *	- a new namespace: CREATE on the database, as CREATE SCHEMA would; its
 *	  creator gets the register level on it;
 *	- an existing schema: ownership of it (namespace.c);
 *	- as a plugin: the plugin is new to the namespace, or the role has the
 *	  privileges of the plugin's deployer (the role that first registered
 *	  it), and it changes no other plugin's models.
 *
 * src/server/access.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "commands/dbcommands.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/syscache.h"

#include "cmodel.h"

/* The name of a role by OID, for messages and the registry. */
static char *
role_name(Oid roleid)
{
	return GetUserNameFromId(roleid, false);
}

/* The owner of the namespace's schema, or InvalidOid when there is none. */
static Oid
schema_owner(const char *ns)
{
	HeapTuple	tup = SearchSysCache1(NAMESPACENAME, CStringGetDatum(ns));
	Oid			owner;

	if (!HeapTupleIsValid(tup))
		return InvalidOid;
	owner = ((Form_pg_namespace) GETSTRUCT(tup))->nspowner;
	ReleaseSysCache(tup);
	return owner;
}

/* May the role manage the namespace's levels and deployers? */
static bool
is_namespace_admin(Oid roleid, const char *ns)
{
	Oid			owner = schema_owner(ns);

	return superuser_arg(roleid) || (OidIsValid(owner) && has_privs_of_role(roleid, owner));
}

static char *
required_arg(FunctionCallInfo fcinfo, int argno, const char *what)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", what),
				 errdetail("cmodel's access functions take a namespace, a role and a level."),
				 errhint("Pass the %s by name.", what)));
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

/*
 * The namespace argument of a writing function: a registered namespace,
 * checked once the node may write at all (on a standby or a Citus worker
 * no namespace is registered, and that is not what to report).  what
 * completes "cannot ...", with %s for the namespace.
 */
static char *
namespace_arg(FunctionCallInfo fcinfo, int argno, const char *what)
{
	char	   *ns = required_arg(fcinfo, argno, "namespace");

	cmodel_require_primary(psprintf(what, ns));
	if (!cmodel_probe_is_namespace(ns))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_SCHEMA),
				 errmsg("namespace \"%s\" does not exist", ns),
				 errdetail("cmodel.namespaces lists the registered namespaces; names are case-sensitive."),
				 errhint("Create it with cmodel_create_namespace() or by registering a model into it first.")));
	return ns;
}

/* A role argument: an existing role, never PUBLIC. */
static Oid
role_arg(const char *role)
{
	Oid			roleid;

	if (strcmp(role, "public") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("PUBLIC cannot be given access to a namespace"),
				 errdetail("PUBLIC has no privileges on any namespace: every role's access is a level of its own."),
				 errhint("Give each role that needs it a level, or make them members of one role that has it.")));
	roleid = get_role_oid(role, true);
	if (!OidIsValid(roleid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("role \"%s\" does not exist", role),
				 errdetail("Role names are case-sensitive; pg_roles lists the roles."),
				 errhint("Create the role first (CREATE ROLE), or check the name's spelling and case.")));
	return roleid;
}

static void
require_admin(const char *ns, const char *what)
{
	if (!is_namespace_admin(GetUserId(), ns))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to %s on namespace \"%s\"", what, ns),
				 errdetail("Only a superuser or a role with the privileges of the namespace schema's owner may; role \"%s\" is neither.",
						   role_name(GetUserId())),
				 errhint("Ask a superuser to do it.")));
}

/* ------------------------------------------------------------------------
 * Levels
 * ------------------------------------------------------------------------
 */

/*
 * Rows of roles dropped since (DROP OWNED, then DROP ROLE) name nobody; they
 * go, so that a later role cannot meet an old OID's level.
 */
static void
forget_dropped_roles(void)
{
	cmodel_registry_exec("DELETE FROM cmodel.reg_access a WHERE NOT EXISTS"
						 " (SELECT 1 FROM pg_catalog.pg_roles o WHERE o.oid OPERATOR(pg_catalog.=) a.role::pg_catalog.oid)",
						 0, NULL);
}

/*
 * cmodel_grant_access(namespace, role, level): give the role exactly this
 * level on the namespace, now and on relations created later.
 */
PG_FUNCTION_INFO_V1(cmodel_grant_access);
Datum
cmodel_grant_access(PG_FUNCTION_ARGS)
{
	char	   *ns = namespace_arg(fcinfo, 0, "grant access to namespace \"%s\"");
	char	   *role = required_arg(fcinfo, 1, "role");
	char	   *level_text = required_arg(fcinfo, 2, "level");
	CmLevel		level = cmodel_level_parse(level_text);
	const char *args[3] = {ns, NULL, level_text};
	Oid			roleid;
	CmUserSave	save;

	if (level == CM_LEVEL_NONE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown access level \"%s\" for namespace \"%s\"", level_text, ns),
				 errdetail("The levels are read, read_write and register (each includes the one before)."),
				 errhint("Pass one of them; cmodel_revoke_access() takes a level away.")));
	roleid = role_arg(role);
	args[1] = psprintf("%u", roleid);
	require_admin(ns, "grant access");
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "cmodel: SPI_connect failed");
	cmodel_owner_enter(&save);
	cmodel_lock_namespace(ns);
	forget_dropped_roles();
	cmodel_registry_exec("INSERT INTO cmodel.reg_access AS a (namespace, role, level)"
						 " VALUES ($1, $2::pg_catalog.oid::pg_catalog.regrole, $3)"
						 " ON CONFLICT ON CONSTRAINT reg_access_pkey DO UPDATE SET"
						 " level = excluded.level, granted_at = pg_catalog.now()", 3, args);
	cmodel_grants_set(ns, role, cmodel_effective_level(ns, roleid));
	cmodel_owner_leave(&save);
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * cmodel_revoke_access(namespace, role) → boolean: take the role's level
 * and its privileges on the namespace away (it keeps the reporting role's
 * read if it is that role).  A role dropped since keeps no registry row.
 */
PG_FUNCTION_INFO_V1(cmodel_revoke_access);
Datum
cmodel_revoke_access(PG_FUNCTION_ARGS)
{
	char	   *ns = namespace_arg(fcinfo, 0, "revoke access to namespace \"%s\"");
	char	   *role = required_arg(fcinfo, 1, "role");
	const char *args[2] = {ns, NULL};
	Oid			roleid;
	bool		had;
	CmUserSave	save;

	roleid = role_arg(role);
	args[1] = psprintf("%u", roleid);
	require_admin(ns, "revoke access");
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "cmodel: SPI_connect failed");
	cmodel_owner_enter(&save);
	cmodel_lock_namespace(ns);
	forget_dropped_roles();
	cmodel_registry_exec("DELETE FROM cmodel.reg_access"
						 " WHERE namespace = $1 AND role OPERATOR(pg_catalog.=) $2::pg_catalog.oid",
						 2, args);
	had = SPI_processed > 0;
	cmodel_grants_set(ns, role, cmodel_effective_level(ns, roleid));
	cmodel_owner_leave(&save);
	SPI_finish();
	PG_RETURN_BOOL(had);
}

/* ------------------------------------------------------------------------
 * The reporting role
 * ------------------------------------------------------------------------
 */

/* Set every namespace's privileges of the role to its level there. */
static void
regrant_everywhere(Oid roleid)
{
	List	   *names = cmodel_probe_namespaces();
	char	   *role = OidIsValid(roleid) ? GetUserNameFromId(roleid, true) : NULL;
	ListCell   *lc;

	if (role == NULL)
		return;					/* none, or dropped since */
	foreach(lc, names)
	{
		const char *ns = (const char *) lfirst(lc);

		cmodel_lock_namespace(ns);
		cmodel_grants_set(ns, role, cmodel_effective_level(ns, roleid));
	}
}

/*
 * cmodel_set_reporting_role(role): the role that reads every namespace
 * (NULL: none).  The role it replaces keeps only its own levels.
 */
PG_FUNCTION_INFO_V1(cmodel_set_reporting_role);
Datum
cmodel_set_reporting_role(PG_FUNCTION_ARGS)
{
	char	   *role = PG_ARGISNULL(0) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(0));
	Oid			roleid = InvalidOid;
	Oid			old = InvalidOid;
	const char *args[1] = {NULL};
	CmUserSave	save;

	cmodel_require_primary("set the reporting role");
	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to set the reporting role"),
				 errdetail("The reporting role reads every namespace; only a superuser may name it."),
				 errhint("Ask a superuser to run cmodel_set_reporting_role().")));
	if (role)
		roleid = role_arg(role);
	args[0] = psprintf("%u", roleid);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "cmodel: SPI_connect failed");
	cmodel_owner_enter(&save);
	cmodel_lock_reporting_role();
	cmodel_registry_exec("DELETE FROM cmodel.reg_reporting RETURNING role::pg_catalog.oid", 0, NULL);
	if (SPI_processed > 0)
		old = cmodel_cell_oid(0, 1);
	if (role)
		cmodel_registry_exec("INSERT INTO cmodel.reg_reporting (role) VALUES ($1::pg_catalog.oid::pg_catalog.regrole)",
							 1, args);
	if (OidIsValid(old) && old != roleid)
		regrant_everywhere(old);
	regrant_everywhere(roleid);
	cmodel_owner_leave(&save);
	SPI_finish();
	PG_RETURN_VOID();
}

/* ------------------------------------------------------------------------
 * Plugin deployers
 * ------------------------------------------------------------------------
 */

/*
 * cmodel_set_plugin_deployer(namespace, plugin, role): the role that may
 * register the plugin from now on (NULL: superusers only).
 */
PG_FUNCTION_INFO_V1(cmodel_set_plugin_deployer);
Datum
cmodel_set_plugin_deployer(PG_FUNCTION_ARGS)
{
	char	   *ns = namespace_arg(fcinfo, 0, "hand over plugins of namespace \"%s\"");
	char	   *plugin = required_arg(fcinfo, 1, "plugin");
	char	   *role = PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2));
	const char *args[3] = {ns, plugin, NULL};
	CmUserSave	save;

	if (role)
		args[2] = psprintf("%u", role_arg(role));
	require_admin(ns, "hand over plugins");
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "cmodel: SPI_connect failed");
	cmodel_owner_enter(&save);
	cmodel_lock_namespace(ns);
	cmodel_registry_exec("UPDATE cmodel.reg_plugin SET deployer = $3::pg_catalog.oid::pg_catalog.regrole"
						 " WHERE namespace = $1 AND plugin = $2", 3, args);
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("plugin \"%s\" is not registered in namespace \"%s\"", plugin, ns),
				 errdetail("cmodel.plugins lists the plugins of each namespace."),
				 errhint("Check the plugin's name; a plugin is registered by cmodel_register_models() with its name.")));
	cmodel_owner_leave(&save);
	SPI_finish();
	PG_RETURN_VOID();
}

/* ------------------------------------------------------------------------
 * Registration rights
 * ------------------------------------------------------------------------
 */

/* Does the role hold the register level on the namespace, itself or through another role? */
static bool
has_register_level(Oid caller, const char *ns)
{
	const char *args[1] = {ns};
	uint64		i;

	cmodel_exec("SELECT a.role::pg_catalog.oid FROM cmodel.reg_access a"
				" WHERE a.namespace = $1 AND a.level = 'register'", 1, args, true);
	for (i = 0; i < SPI_processed; i++)
	{
		/* a dropped role's OID is nobody's: no role has its privileges */
		if (has_privs_of_role(caller, cmodel_cell_oid((int) i, 1)))
			return true;
	}
	return false;
}

/*
 * See cmodel.h: may the caller register into the namespace (as the
 * plugin)?  Checked before anything is read or answered from the no-op
 * cache; connected to SPI.
 */
void
cmodel_access_check_register(const char *ns, Oid caller, const char *plugin)
{
	const char *args[2] = {ns, plugin};
	Oid			owner;

	if (superuser_arg(caller))
		return;
	owner = schema_owner(ns);
	if (cmodel_probe_is_namespace(ns))
	{
		if (!has_register_level(caller, ns) && !has_privs_of_role(caller, owner))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to register models into namespace \"%s\"", ns),
					 errdetail("Registering into a namespace takes the register level on it; role \"%s\" does not have it.",
							   role_name(caller)),
					 errhint("Ask the namespace's owner or a superuser to run cmodel_grant_access('%s', '%s', 'register').",
							 ns, role_name(caller))));
	}
	else if (!OidIsValid(owner) &&
			 pg_database_aclcheck(MyDatabaseId, caller, ACL_CREATE) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to create namespace \"%s\"", ns),
				 errdetail("Creating a namespace takes CREATE on database \"%s\", as CREATE SCHEMA does; role \"%s\" does not have it.",
						   get_database_name(MyDatabaseId), role_name(caller)),
				 errhint("Ask a superuser to create it with cmodel_create_namespace('%s') and give this role the register level with cmodel_grant_access().",
						 ns)));
	if (plugin == NULL)
		return;
	cmodel_exec("SELECT p.deployer::pg_catalog.oid FROM cmodel.reg_plugin p"
				" WHERE p.namespace = $1 AND p.plugin = $2", 2, args, true);
	if (SPI_processed > 0)
	{
		Oid			deployer_id = cmodel_cell_oid(0, 1);
		char	   *deployer = OidIsValid(deployer_id) ? GetUserNameFromId(deployer_id, true) : NULL;

		if (deployer == NULL)
			deployer_id = InvalidOid;

		if (!OidIsValid(deployer_id) || !has_privs_of_role(caller, deployer_id))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to register plugin \"%s\" of namespace \"%s\"", plugin, ns),
					 deployer ?
					 errdetail("Plugin \"%s\" is deployed by role \"%s\"; role \"%s\" may not register, change or retire its models.",
							   plugin, deployer, role_name(caller)) :
					 errdetail("Plugin \"%s\" was registered by a superuser and has no deployer; role \"%s\" may not register, change or retire its models.",
							   plugin, role_name(caller)),
					 errhint("Register under the plugin's deployer, or ask the namespace's owner to hand the plugin over with cmodel_set_plugin_deployer().")));
	}
}

/*
 * See cmodel.h: a caller that is not a superuser may change only models
 * of its own plugin (or of none): the plan must not touch a model another
 * plugin registered.
 */
void
cmodel_access_check_models(Oid caller, const CmSnapshot *snap, const CmPlan *plan,
						   const char *plugin)
{
	int			i,
				j;

	if (superuser_arg(caller))
		return;
	for (i = 0; i < plan->nmodels; i++)
	{
		if (!plan->record[i])
			continue;
		for (j = 0; j < snap->nmodels; j++)
		{
			const CmRegModel *r = &snap->models[j];

			if (strcmp(r->name, plan->models[i]->name) != 0 || r->plugin == NULL)
				continue;
			if (plugin == NULL || strcmp(plugin, r->plugin) != 0)
				ereport(ERROR,
						(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
						 errmsg("permission denied to change model \"%s\" of namespace \"%s\": it belongs to plugin \"%s\"",
								r->name, snap->namespace, r->plugin),
						 errdetail("In a namespace several plugins share, one plugin's deployer may not change another plugin's models."),
						 errhint("Register it as plugin \"%s\" by its deployer, or give the new model another name.",
								 r->plugin)));
		}
	}
}

/*
 * See cmodel.h: the role that creates or adopts a namespace (not a
 * superuser) gets the register level on it, recorded before the schema is
 * made so that everything created gets its grants.
 */
void
cmodel_access_record_creator(const char *ns, Oid caller)
{
	const char *args[2] = {ns, NULL};

	if (superuser_arg(caller))
		return;
	args[1] = psprintf("%u", caller);
	cmodel_registry_exec("INSERT INTO cmodel.reg_access (namespace, role, level)"
						 " VALUES ($1, $2::pg_catalog.oid::pg_catalog.regrole, 'register')"
						 " ON CONFLICT DO NOTHING", 2, args);
}

/* See cmodel.h: the deployer a registration records for a new plugin (its OID as text). */
char *
cmodel_access_deployer(Oid caller)
{
	return superuser_arg(caller) ? NULL : psprintf("%u", caller);
}

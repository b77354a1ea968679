/*-------------------------------------------------------------------------
 *
 * guard_grant.c
 *	  GRANT and ALTER DEFAULT PRIVILEGES in namespaces: PUBLIC gets
 *	  nothing.
 *
 * A namespace's access is the levels granted with cmodel_grant_access(),
 * so that every role's reach is in the registry.  Granting to PUBLIC on a
 * namespace's schema or relations, or making it a default there, would
 * give every role of the cluster a plugin's data; the guard refuses it.
 * (Default privileges granted to PUBLIC outside namespaces are taken back
 * from each new namespace relation at its creation, see grants.c.)
 *
 * src/server/guard_grant.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "nodes/parsenodes.h"

#include "cmodel.h"

/* Does the role list name PUBLIC? */
static bool
names_public(List *grantees)
{
	ListCell   *lc;

	foreach(lc, grantees)
		if (((RoleSpec *) lfirst(lc))->roletype == ROLESPEC_PUBLIC)
			return true;
	return false;
}

static void
public_violation(CmGuardScope *scope, const char *ns, const char *what)
{
	cmodel_guard_violation(scope, CM_GUARD_PUBLIC, ns, NULL,
						   "cannot grant privileges on %s to PUBLIC", what);
}

/* A schema name from a GRANT's object list, when it is a namespace. */
static void
check_schema(CmGuardScope *scope, const char *schema, bool all_in)
{
	if (cmodel_probe_is_namespace(schema))
		public_violation(scope, schema,
						 psprintf(all_in ? "the relations of namespace \"%s\"" : "namespace \"%s\"", schema));
}

/* See cmodel.h: GRANT ... TO PUBLIC on a namespace or what is in it. */
void
cmodel_guard_inspect_grant(CmGuardScope *scope, GrantStmt *stmt)
{
	ListCell   *lc;

	if (!stmt->is_grant || !names_public(stmt->grantees))
		return;
	if (stmt->targtype == ACL_TARGET_ALL_IN_SCHEMA)
	{
		foreach(lc, stmt->objects)
			check_schema(scope, strVal(lfirst(lc)), true);
		return;
	}
	if (stmt->targtype != ACL_TARGET_OBJECT)
		return;
	if (stmt->objtype == OBJECT_SCHEMA)
	{
		foreach(lc, stmt->objects)
			check_schema(scope, strVal(lfirst(lc)), false);
		return;
	}
	if (stmt->objtype != OBJECT_TABLE && stmt->objtype != OBJECT_SEQUENCE)
		return;
	foreach(lc, stmt->objects)
	{
		CmGuardRel	r;

		if (cmodel_guard_lookup_rv((RangeVar *) lfirst(lc), &r) && r.ns)
			public_violation(scope, r.ns, psprintf("%s %s", cmodel_guard_kind_word(r.relkind),
												   r.qualname));
	}
}

/* See cmodel.h: ALTER DEFAULT PRIVILEGES IN SCHEMA <namespace> ... TO PUBLIC. */
void
cmodel_guard_inspect_default_privileges(CmGuardScope *scope, AlterDefaultPrivilegesStmt *stmt)
{
	ListCell   *lc;

	if (!stmt->action->is_grant || !names_public(stmt->action->grantees))
		return;
	foreach(lc, stmt->options)
	{
		DefElem    *opt = (DefElem *) lfirst(lc);
		ListCell   *s;

		if (strcmp(opt->defname, "schemas") != 0)
			continue;
		foreach(s, (List *) opt->arg)
			if (cmodel_probe_is_namespace(strVal(lfirst(s))))
				public_violation(scope, strVal(lfirst(s)),
								 psprintf("objects created later in namespace \"%s\"", strVal(lfirst(s))));
	}
}

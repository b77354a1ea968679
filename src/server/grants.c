/*-------------------------------------------------------------------------
 *
 * grants.c
 *	  The privileges behind the access levels: what each level is in
 *	  GRANTs, setting a role's level on a whole namespace, and giving every
 *	  relation created in a namespace the namespace's grants at creation.
 *
 * A level is ordinary PostgreSQL privileges, so PostgreSQL itself decides
 * every access (42501), on any path, and pg_dump keeps them:
 *
 *	read		USAGE on the schema; SELECT on every table, view and the
 *				hub store
 *	read_write	and INSERT, UPDATE, DELETE on them; USAGE and SELECT on
 *				the sequences (the tables' keys)
 *	register	the same privileges; registration checks the level itself
 *				(access.c)
 *
 * The reporting role has read on every namespace.  A relation created
 * later (or moved into the namespace), by registration or by hand and by
 * any role, gets the grants from
 * the event trigger cmodel_grant_new_objects at ddl_command_end, run as
 * the extension's owner, never from ALTER DEFAULT PRIVILEGES (which only
 * covers objects of the roles it names).  PUBLIC gets nothing: a new
 * relation that default privileges gave PUBLIC something loses it.
 *
 * The same event trigger is where a namespace table that CREATE TABLE AS,
 * ALTER TABLE or CREATE INDEX left depending on a temporary object is
 * refused: only at ddl_command_end does pg_depend show what the statement
 * made (the dependency walk itself is guard_temp.c's).
 *
 * Every statement here is built from quote_identifier()d names only.
 *
 * src/server/grants.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_class.h"
#include "catalog/pg_namespace.h"
#include "commands/event_trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "executor/tuptable.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

#include "cmodel.h"

static const char *const level_names[] = {
	[CM_LEVEL_NONE] = "none",
	[CM_LEVEL_READ] = "read",
	[CM_LEVEL_READ_WRITE] = "read_write",
	[CM_LEVEL_REGISTER] = "register",
};

/* See cmodel.h: a level by its name; CM_LEVEL_NONE for an unknown one. */
CmLevel
cmodel_level_parse(const char *name)
{
	int			i;

	for (i = CM_LEVEL_READ; i <= CM_LEVEL_REGISTER; i++)
		if (strcmp(name, level_names[i]) == 0)
			return (CmLevel) i;
	return CM_LEVEL_NONE;
}

const char *
cmodel_level_name(CmLevel level)
{
	return level_names[level];
}

/* The privileges of a level on a table-like relation, or on a sequence. */
static const char *
level_privileges(CmLevel level, bool sequence)
{
	if (level == CM_LEVEL_NONE)
		return NULL;
	if (sequence)
		return level == CM_LEVEL_READ ? NULL : "USAGE, SELECT";
	return level == CM_LEVEL_READ ? "SELECT" : "SELECT, INSERT, UPDATE, DELETE";
}

/* Run one GRANT or REVOKE built here. */
static void
run_acl(StringInfo sql)
{
	int			rc = SPI_execute(sql->data, false, 0);

	if (rc != SPI_OK_UTILITY)
		elog(ERROR, "cmodel: %s failed (%s)", sql->data, SPI_result_code_string(rc));
	resetStringInfo(sql);
}

/*
 * See cmodel.h: the role's level on the namespace, from the registry: its
 * granted level, or read when it is the reporting role (whichever is
 * higher).  A role's membership in other roles is PostgreSQL's business.
 */
CmLevel
cmodel_effective_level(const char *ns, Oid roleid)
{
	const char *args[2] = {ns, psprintf("%u", roleid)};
	CmLevel		level = CM_LEVEL_NONE;
	uint64		i;

	cmodel_exec("SELECT a.level FROM cmodel.reg_access a"
				" WHERE a.namespace = $1 AND a.role OPERATOR(pg_catalog.=) $2::pg_catalog.oid"
				" UNION ALL SELECT 'read' FROM cmodel.reg_reporting r"
				" WHERE r.role OPERATOR(pg_catalog.=) $2::pg_catalog.oid",
				2, args, false);
	for (i = 0; i < SPI_processed; i++)
	{
		char	   *v = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		CmLevel		l = cmodel_level_parse(v);

		if (l > level)
			level = l;
	}
	return level;
}

/*
 * See cmodel.h: give the role exactly this level on every relation of the
 * namespace and its schema (CM_LEVEL_NONE: nothing).  Privileges the role
 * held there beyond the level, granted by hand, are revoked with the rest.
 * Runs as the extension's owner, connected to SPI.
 */
void
cmodel_grants_set(const char *ns, const char *role, CmLevel level)
{
	const char *qns = quote_identifier(ns);
	const char *qrole = quote_identifier(role);
	const char *tables = level_privileges(level, false);
	const char *sequences = level_privileges(level, true);
	StringInfoData sql;

	initStringInfo(&sql);
	appendStringInfo(&sql, "REVOKE ALL ON ALL TABLES IN SCHEMA %s FROM %s", qns, qrole);
	run_acl(&sql);
	appendStringInfo(&sql, "REVOKE ALL ON ALL SEQUENCES IN SCHEMA %s FROM %s", qns, qrole);
	run_acl(&sql);
	appendStringInfo(&sql, "REVOKE ALL ON SCHEMA %s FROM %s", qns, qrole);
	run_acl(&sql);
	if (level == CM_LEVEL_NONE)
		return;
	appendStringInfo(&sql, "GRANT USAGE ON SCHEMA %s TO %s", qns, qrole);
	run_acl(&sql);
	appendStringInfo(&sql, "GRANT %s ON ALL TABLES IN SCHEMA %s TO %s", tables, qns, qrole);
	run_acl(&sql);
	if (sequences)
	{
		appendStringInfo(&sql, "GRANT %s ON ALL SEQUENCES IN SCHEMA %s TO %s", sequences, qns, qrole);
		run_acl(&sql);
	}
}

/* ------------------------------------------------------------------------
 * Grants at creation
 * ------------------------------------------------------------------------
 */

/* One relation or schema a statement created in a namespace. */
typedef struct NewObject
{
	char	   *ns;
	char	   *qualname;		/* quoted; the schema itself for 'n' */
	char		kind;			/* pg_class relkind, or 'n' for the schema */
	bool		public_acl;		/* PUBLIC holds something on it */
} NewObject;

/* Serialize with registrations, grants and the reporting role's changes. */
static void
lock_for_grants(const char *ns)
{
	cmodel_lock_namespace(ns);
	if (SPI_execute("SELECT pg_catalog.pg_advisory_xact_lock_shared("
					"pg_catalog.hashtext('cmodel'), pg_catalog.hashtext('cmodel reporting role'))",
					false, 0) != SPI_OK_SELECT)
		elog(ERROR, "cmodel: could not lock the reporting role");
}

/* See cmodel.h: the lock cmodel_set_reporting_role() takes against the above. */
void
cmodel_lock_reporting_role(void)
{
	if (SPI_execute("SELECT pg_catalog.pg_advisory_xact_lock("
					"pg_catalog.hashtext('cmodel'), pg_catalog.hashtext('cmodel reporting role'))",
					false, 0) != SPI_OK_SELECT)
		elog(ERROR, "cmodel: could not lock the reporting role");
}

/* The namespace's grants on one new object, and PUBLIC's taken away. */
static void
grant_new_object(const NewObject *o)
{
	const char *args[1] = {o->ns};
	StringInfoData sql;
	const char *what = o->kind == 'n' ? "SCHEMA" : o->kind == RELKIND_SEQUENCE ? "SEQUENCE" : "TABLE";
	int			nroles;
	char	  **roles;
	CmLevel    *levels;
	int			i;

	lock_for_grants(o->ns);
	cmodel_exec("SELECT o.rolname, pg_catalog.max(CASE x.level WHEN 'read' THEN 1 WHEN 'read_write' THEN 2"
				"                                              WHEN 'register' THEN 3 END)"
				"  FROM (SELECT a.role, a.level FROM cmodel.reg_access a WHERE a.namespace = $1"
				"        UNION ALL SELECT r.role, 'read' FROM cmodel.reg_reporting r) x"
				"  JOIN pg_catalog.pg_roles o ON o.oid OPERATOR(pg_catalog.=) x.role::pg_catalog.oid"
				" GROUP BY o.rolname ORDER BY o.rolname", 1, args, false);
	nroles = (int) SPI_processed;
	roles = palloc(sizeof(char *) * (nroles + 1));
	levels = palloc(sizeof(CmLevel) * (nroles + 1));
	for (i = 0; i < nroles; i++)
	{
		bool		isnull;

		roles[i] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		levels[i] = (CmLevel) DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[i],
														  SPI_tuptable->tupdesc, 2, &isnull));
	}

	initStringInfo(&sql);
	if (o->public_acl)
	{
		appendStringInfo(&sql, "REVOKE ALL ON %s %s FROM PUBLIC", what, o->qualname);
		run_acl(&sql);
	}
	for (i = 0; i < nroles; i++)
	{
		const char *privs = o->kind == 'n' ? "USAGE" :
			level_privileges(levels[i], o->kind == RELKIND_SEQUENCE);

		if (privs == NULL)
			continue;
		if (o->kind == RELKIND_MATVIEW)
			privs = "SELECT";
		appendStringInfo(&sql, "GRANT %s ON %s %s TO %s", privs, what, o->qualname,
						 quote_identifier(roles[i]));
		run_acl(&sql);
	}
}

/*
 * The relations and schemas the statement created that are in a namespace
 * (or in the one a registration is creating right now).
 */
static List *
new_namespace_objects(void)
{
	List	   *objects = NIL;
	uint64		i;

	if (SPI_execute("SELECT n.nspname, c.relname, c.relkind::pg_catalog.text,"
					"       EXISTS (SELECT 1 FROM pg_catalog.aclexplode(c.relacl) a WHERE a.grantee = 0)"
					"  FROM pg_catalog.pg_event_trigger_ddl_commands() d"
					"  JOIN pg_catalog.pg_class c ON c.oid = d.objid"
					"  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
					" WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
					"   AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')"
					"   AND (d.command_tag LIKE 'CREATE %' OR d.command_tag LIKE 'ALTER %'"
					"        OR d.command_tag IN ('SELECT INTO', 'IMPORT FOREIGN SCHEMA'))"
					" UNION ALL "	/* the sequences a table moved in took along */
					"SELECT n.nspname, s.relname, 'S',"
					"       EXISTS (SELECT 1 FROM pg_catalog.aclexplode(s.relacl) a WHERE a.grantee = 0)"
					"  FROM pg_catalog.pg_event_trigger_ddl_commands() d"
					"  JOIN pg_catalog.pg_depend p ON p.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
					"   AND p.refobjid = d.objid AND p.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
					"   AND p.deptype IN ('a', 'i')"
					"  JOIN pg_catalog.pg_class s ON s.oid = p.objid AND s.relkind = 'S'"
					"  JOIN pg_catalog.pg_namespace n ON n.oid = s.relnamespace"
					" WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.command_tag LIKE 'ALTER %'"
					" UNION ALL "
					"SELECT n.nspname, NULL, 'n',"
					"       EXISTS (SELECT 1 FROM pg_catalog.aclexplode(n.nspacl) a WHERE a.grantee = 0)"
					"  FROM pg_catalog.pg_event_trigger_ddl_commands() d"
					"  JOIN pg_catalog.pg_namespace n ON n.oid = d.objid"
					" WHERE d.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass",
					false, 0) != SPI_OK_SELECT)
		elog(ERROR, "cmodel: could not read the statement's new objects");
	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *ns = SPI_getvalue(tup, desc, 1);
		char	   *rel = SPI_getvalue(tup, desc, 2);
		bool		isnull;
		NewObject  *o;

		if (!cmodel_guard_registering(ns) && !cmodel_probe_is_namespace(ns))
			continue;
		o = palloc(sizeof(NewObject));
		o->ns = ns;
		o->kind = SPI_getvalue(tup, desc, 3)[0];
		o->qualname = rel ? quote_qualified_identifier(ns, rel) : (char *) quote_identifier(ns);
		o->public_acl = DatumGetBool(SPI_getbinval(tup, desc, 4, &isnull));
		objects = lappend(objects, o);
	}
	return objects;
}

/*
 * Did the statement create (or move) a relation or schema in a namespace?
 * Read from pg_event_trigger_ddl_commands() directly, so statements
 * outside namespaces cost no query.
 */
static bool
touches_namespace(void)
{
	TupleDesc	desc;
	Tuplestorestate *commands = cmodel_event_trigger_rows(F_PG_EVENT_TRIGGER_DDL_COMMANDS, &desc);
	TupleTableSlot *slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	bool		found = false;

	while (!found && tuplestore_gettupleslot(commands, true, false, slot))
	{
		bool		isnull1,
					isnull2;
		Oid			classid = DatumGetObjectId(slot_getattr(slot, 1, &isnull1));
		Oid			objid = DatumGetObjectId(slot_getattr(slot, 2, &isnull2));
		Oid			nspid = InvalidOid;
		char	   *name;

		if (isnull1 || isnull2)
			continue;
		if (classid == RelationRelationId)
			nspid = get_rel_namespace(objid);
		else if (classid == NamespaceRelationId)
			nspid = objid;
		name = OidIsValid(nspid) ? get_namespace_name(nspid) : NULL;
		found = name && (cmodel_guard_registering(name) || cmodel_probe_is_namespace(name));
	}
	ExecDropSingleTupleTableSlot(slot);
	tuplestore_end(commands);
	return found;
}

/*
 * cmodel.grant_new_objects(): the event trigger at ddl_command_end of the
 * statements that create relations.  Statements outside namespaces cost
 * no query.
 */
PG_FUNCTION_INFO_V1(cmodel_grant_new_objects);
Datum
cmodel_grant_new_objects(PG_FUNCTION_ARGS)
{
	List	   *objects;
	ListCell   *lc;
	CmUserSave	save;
	const char *tag;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("cmodel.grant_new_objects() is an event trigger function"),
				 errdetail("It runs at ddl_command_end."),
				 errhint("Do not call it directly.")));
	/* ALTER TABLE (but a move into another schema) and CREATE INDEX make no new relation */
	tag = GetCommandTagName(((EventTriggerData *) fcinfo->context)->tag);
	if (strcmp(tag, "CREATE INDEX") == 0 || (strncmp(tag, "ALTER ", 6) == 0 &&
		!IsA(((EventTriggerData *) fcinfo->context)->parsetree, AlterObjectSchemaStmt)))
		PG_RETURN_VOID();
	if (!touches_namespace())
		PG_RETURN_VOID();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "cmodel: SPI_connect failed");
	objects = new_namespace_objects();
	if (objects != NIL)
	{
		cmodel_owner_enter(&save);
		foreach(lc, objects)
			grant_new_object((NewObject *) lfirst(lc));
		cmodel_owner_leave(&save);
	}
	SPI_finish();
	PG_RETURN_VOID();
}

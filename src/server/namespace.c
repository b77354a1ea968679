/*-------------------------------------------------------------------------
 *
 * namespace.c
 *	  The namespace a registration works in: its name, its lock, and who
 *	  may make cmodel adopt an existing schema as one.
 *
 * Registrations that change a namespace serialize on an advisory lock of
 * its own (then on the namespace's registry row, see snapshot.c), so
 * concurrent deploys never fail because another ran.
 *
 * src/server/namespace.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "cmodel.h"

/* See cmodel.h: a namespace name is one cmodel may create and own. */
void
cmodel_check_namespace_name(CmArena *arena, const char *ns)
{
	CmError		err = {0};

	if (!cm_valid_namespace(ns, arena, &err))
		ereport(ERROR,
				(errcode(err.kind == CM_ERR_RESERVED ? ERRCODE_RESERVED_NAME : ERRCODE_INVALID_SCHEMA_NAME),
				 errmsg("%s", err.message),
				 errdetail("%s", err.detail),
				 errhint("%s", err.hint)));
}

/* See cmodel.h: serialize registrations that change a namespace. */
void
cmodel_lock_namespace(const char *ns)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(ns)};

	if (SPI_execute_with_args("SELECT pg_catalog.pg_advisory_xact_lock("
							  "pg_catalog.hashtext('cmodel'), pg_catalog.hashtext($1))",
							  1, types, values, NULL, false, 0) < 0)
		elog(ERROR, "cmodel: could not lock namespace \"%s\"", ns);
}

/*
 * See cmodel.h.  May the calling role make cmodel adopt an existing schema
 * that is not yet a namespace?  Only its owner or a superuser may, and
 * never a schema that holds a core model's table: adoption lets cmodel
 * extend the schema's tables with its own privileges.
 */
void
cmodel_check_adoptable(const char *ns, Oid caller)
{
	const char *args[1] = {ns};
	Oid			owner;
	bool		has_core;

	cmodel_exec("SELECT n.nspowner,"
				"       EXISTS (SELECT 1 FROM cmodel.reg_core_model c"
				"                 JOIN pg_catalog.pg_class t ON t.oid = c.tbl"
				"                WHERE t.relnamespace = n.oid)"
				"  FROM pg_catalog.pg_namespace n WHERE n.nspname = $1", 1, args, true);
	if (SPI_processed == 0)
		return;
	owner = cmodel_cell_oid(0, 1);
	has_core = cmodel_cell_bool(0, 2);
	if (has_core)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_SCHEMA_NAME),
				 errmsg("schema \"%s\" holds core model tables and cannot become a namespace", ns),
				 errdetail("A namespace's tables are extended by plugin registrations; the platform's own tables must not be."),
				 errhint("Choose another namespace name.")));
	if (owner != caller && !superuser_arg(caller))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("schema \"%s\" exists and is not a namespace: only its owner or a superuser may adopt it", ns),
				 errdetail("Adopting an existing schema lets cmodel extend its tables with the extension owner's privileges."),
				 errhint("Ask the schema's owner or a superuser to register it first, or choose another namespace name.")));
}

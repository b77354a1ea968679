/*-------------------------------------------------------------------------
 *
 * citus.c
 *	  What cmodel needs to know of Citus, and asks of it: which node this
 *	  is, which schemas are distributed, placing a new namespace table in
 *	  its schema's colocation group, which relation is a shard of which
 *	  table and where its placements are, and Citus's own sessions.
 *
 * Citus is optional: nothing here runs unless the extension "citus" is
 * installed in the database, and everything reads Citus's own metadata
 * (pg_dist_local_group, pg_dist_node, pg_dist_schema, pg_dist_partition,
 * pg_dist_shard, pg_dist_placement) through SPI, as of now, so cmodel
 * neither links against Citus nor depends on its headers.  A shard is the
 * relation Citus's shard_name() gives for a shard id.
 *
 * The registry lives on the coordinator (group 0): registration, access
 * levels and the other registry writers refuse to run on a worker, naming
 * the coordinator instead.  A namespace that is a distributed schema (made
 * with citus_schema_distribute, or created while
 * citus.enable_schema_based_sharding is on) gets every table registration
 * creates as a tenant table of the schema: Citus converts only a top-level
 * CREATE TABLE, and registration's run through SPI.  The first table of an
 * empty distributed schema is placed by distributing the schema again
 * (citus_schema_undistribute before the table is made, then
 * citus_schema_distribute), which gives it a group of its own; later ones
 * are colocated with a table already there.  Tables made before the namespace was distributed are the user's to
 * distribute (citus_schema_distribute does all of them).
 * cmodel's own triggers on Citus tables need citus.enable_unsafe_triggers,
 * which registration sets for the length of its own DDL only
 * (cmodel_citus_local_settings).
 *
 * src/server/citus.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/dependency.h"
#include "catalog/index.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"

#include "cmodel.h"

/*
 * Is the citus extension installed in this database?  Asked once per
 * transaction: the hub functions ask on every call.
 */
bool
cmodel_citus_present(void)
{
	static LocalTransactionId checked = InvalidLocalTransactionId;
	static bool present = false;

	if (checked != MyProc->lxid || !LocalTransactionIdIsValid(checked))
	{
		present = OidIsValid(get_extension_oid("citus", true));
		checked = MyProc->lxid;
	}
	return present;
}

/*
 * The snapshot Citus's metadata is read with: the latest, as catalog
 * lookups read the catalogs (a REPEATABLE READ transaction still sees a
 * table another session distributed since), but the active one in a
 * parallel worker, which cannot take a new one.
 */
static void
push_metadata_snapshot(void)
{
	PushActiveSnapshot(IsInParallelMode() ? GetActiveSnapshot() : GetLatestSnapshot());
}

/*
 * Become the bootstrap superuser for a metadata read: finding a shard by
 * name (to_regclass) needs USAGE on its schema, which the role whose
 * DELETE cascades into it need not have.  The reads are fixed queries.
 */
static void
metadata_user_enter(Oid *save_user, int *save_sec)
{
	GetUserIdAndSecContext(save_user, save_sec);
	SetUserIdAndSecContext(BOOTSTRAP_SUPERUSERID,
						   *save_sec | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
}

/*
 * One value of a one-row statement with text parameters, or NULL (in the
 * caller's memory): Citus's metadata read as of now (metadata), or one of
 * Citus's functions called.
 */
static char *
run_value(const char *sql, int nargs, const char **args, bool metadata)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2];
	char		nulls[2] = {' ', ' '};
	char	   *result = NULL;
	MemoryContext caller = CurrentMemoryContext;
	int			i;
	int			rc;
	Oid			save_user = InvalidOid;
	int			save_sec = 0;

	Assert(nargs <= 2);
	for (i = 0; i < nargs; i++)
		values[i] = CStringGetTextDatum(args[i]);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "cmodel: SPI_connect failed");
	if (metadata)
	{
		metadata_user_enter(&save_user, &save_sec);
		push_metadata_snapshot();
	}
	rc = SPI_execute_with_args(sql, nargs, types, values, nulls, metadata, 1);
	if (metadata)
	{
		PopActiveSnapshot();
		SetUserIdAndSecContext(save_user, save_sec);
	}
	if (rc < 0)
		elog(ERROR, "cmodel: Citus metadata query failed: %s", sql);
	if (SPI_processed > 0)
	{
		char	   *v = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);

		if (v)
			result = MemoryContextStrdup(caller, v);
	}
	SPI_finish();
	return result;
}

/* One value of Citus's metadata, as of now. */
static char *
meta_value(const char *sql, int nargs, const char **args)
{
	return run_value(sql, nargs, args, true);
}

/* Call one of Citus's functions. */
static char *
call_value(const char *sql, int nargs, const char **args)
{
	return run_value(sql, nargs, args, false);
}

/*
 * This node's Citus group (0: the coordinator, or a node not yet in a
 * cluster, which has none), read once per transaction: the guard asks for
 * every relation it judges.
 */
static int
local_group(void)
{
	static LocalTransactionId checked = InvalidLocalTransactionId;
	static int	group = 0;

	if (checked != MyProc->lxid || !LocalTransactionIdIsValid(checked))
	{
		char	   *value = meta_value("SELECT groupid FROM pg_catalog.pg_dist_local_group", 0, NULL);

		group = value ? atoi(value) : 0;
		checked = MyProc->lxid;
	}
	return group;
}

/* See cmodel.h: is this node a Citus worker (a group other than the coordinator's)? */
bool
cmodel_citus_worker(void)
{
	return cmodel_citus_present() && local_group() != 0;
}

/*
 * See cmodel.h: refuse "what" (completing "cannot ...") on a Citus worker,
 * naming the coordinator.  A node that is not yet in a cluster (no local
 * group, or group 0) is a coordinator.
 */
void
cmodel_citus_require_coordinator(const char *what)
{
	char	   *coordinator;

	if (!cmodel_citus_worker())
		return;
	coordinator = meta_value("SELECT nodename OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) nodeport"
							  "  FROM pg_catalog.pg_dist_node WHERE groupid OPERATOR(pg_catalog.=) 0"
							  "   AND noderole OPERATOR(pg_catalog.=) 'primary' LIMIT 1", 0, NULL);
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("cannot %s on a Citus worker node", what),
			 errdetail("This node is a worker (group %d) of a Citus cluster; cmodel's registry lives on the coordinator, which registers models and places their tables on the workers.",
					   local_group()),
			 coordinator ?
			 errhint("Connect to the coordinator (%s) and run it there.", coordinator) :
			 errhint("Connect to the coordinator and run it there.")));
}

/*
 * See cmodel.h: is relid a Citus table (distributed, reference or Citus
 * local), whose rows are in shards rather than in the relation itself?
 */
bool
cmodel_citus_table(Oid relid)
{
	const char *args[1];

	if (!cmodel_citus_present())
		return false;
	args[0] = psprintf("%u", relid);
	return meta_value("SELECT 1 FROM pg_catalog.pg_dist_partition"
					   " WHERE logicalrelid OPERATOR(pg_catalog.=) $1::pg_catalog.oid", 1, args) != NULL;
}

/*
 * See cmodel.h: does a TRUNCATE of a Citus table now remove only the rows
 * the node keeps in the table itself, not the table's rows?  So it is with
 * citus.enable_ddl_propagation off: what
 * truncate_local_data_after_distributing_table() does to the rows
 * create_distributed_table() or create_reference_table() copied to the
 * shards and left behind.  The shards keep the rows, so their children
 * keep theirs.
 */
bool
cmodel_citus_truncates_local_only(void)
{
	const char *propagation = GetConfigOption("citus.enable_ddl_propagation", true, false);

	return propagation && strcmp(propagation, "off") == 0;
}

/*
 * See cmodel.h: is this session on a worker one that Citus opened from
 * another node (its application_name says so, as Citus itself asks), as a
 * superuser?  DDL there is Citus's: statements the coordinator already
 * judged, passed on to the shards, and Citus's own shard maintenance.  A
 * role that is not a superuser is judged however it names its session.
 */
bool
cmodel_citus_own_connection(void)
{
	return application_name != NULL && superuser() &&
		(strncmp(application_name, "citus_internal gpid=", 20) == 0 ||
		 strncmp(application_name, "citus_rebalancer gpid=", 22) == 0) &&
		cmodel_citus_worker();
}

/* See cmodel.h: is relid a Citus reference table (a placement on every node)? */
bool
cmodel_citus_reference_table(Oid relid)
{
	const char *args[1];

	if (!cmodel_citus_present())
		return false;
	args[0] = psprintf("%u", relid);
	return meta_value("SELECT 1 FROM pg_catalog.pg_dist_partition"
					   " WHERE logicalrelid OPERATOR(pg_catalog.=) $1::pg_catalog.oid"
					   "   AND partmethod OPERATOR(pg_catalog.=) 'n'"
					   "   AND repmodel OPERATOR(pg_catalog.=) 't'", 1, args) != NULL;
}

/*
 * Split a relation's name as Citus names a shard, <table>_<shard id>: the
 * table's name and the shard id (in the caller's memory), or false for a
 * name of any other form.
 */
static bool
shard_name_parts(Oid relid, char **table, char **shardid)
{
	char	   *name = get_rel_name(relid);
	char	   *digits = name ? strrchr(name, '_') : NULL;

	if (digits == NULL || digits == name || digits[1] == '\0' ||
		strspn(digits + 1, "0123456789") != strlen(digits + 1))
		return false;
	*shardid = pstrdup(digits + 1);
	*digits = '\0';
	*table = name;
	return true;
}

/*
 * See cmodel.h: the logical table a Citus shard stands for.  A shard is
 * named <table>_<shard id> (with the table's name shortened and hashed
 * where the whole would be too long), and the node's pg_dist_shard (synced
 * to every node) names the table of that shard id: the relation is its
 * shard when Citus's own shard_name() of the two names it.  Fills *relname
 * with the table's name and returns true, or returns false for any other
 * relation.
 */
bool
cmodel_citus_shard_of(Oid relid, char **relname)
{
	char	   *table;
	const char *args[2];
	char	   *logical;

	if (!shard_name_parts(relid, &table, (char **) &args[0]) || !cmodel_citus_present())
		return false;
	args[1] = psprintf("%u", relid);
	logical = meta_value("SELECT c.relname FROM pg_catalog.pg_dist_shard s"
						 "  JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) s.logicalrelid"
						 " WHERE s.shardid OPERATOR(pg_catalog.=) $1::pg_catalog.int8"
						 "   AND pg_catalog.to_regclass(pg_catalog.shard_name(s.logicalrelid, s.shardid))"
						 "       ::pg_catalog.oid OPERATOR(pg_catalog.=) $2::pg_catalog.oid", 2, args);
	if (logical == NULL)
		return false;
	*relname = logical;
	return true;
}

/*
 * See cmodel.h: is relid a shard of a Citus table (as cmodel_citus_shard_of
 * knows one) with no placement on this node?  So is a shard Citus moved
 * away, and drops later, and one it is still copying here: Citus's to make
 * and drop, and no rows of the table's that this node holds are in it.
 */
bool
cmodel_citus_stale_shard(Oid relid)
{
	char	   *table;
	const char *args[2];

	if (!shard_name_parts(relid, &table, (char **) &args[0]) || !cmodel_citus_present())
		return false;
	args[1] = psprintf("%u", relid);
	return meta_value("SELECT 1 FROM pg_catalog.pg_dist_shard s"
					  " WHERE s.shardid OPERATOR(pg_catalog.=) $1::pg_catalog.int8"
					  "   AND pg_catalog.to_regclass(pg_catalog.shard_name(s.logicalrelid, s.shardid))"
					  "       ::pg_catalog.oid OPERATOR(pg_catalog.=) $2::pg_catalog.oid"
					  "   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_placement pl"
					  "        WHERE pl.shardid OPERATOR(pg_catalog.=) s.shardid"
					  "          AND pl.groupid OPERATOR(pg_catalog.=)"
					  "              (SELECT groupid FROM pg_catalog.pg_dist_local_group))", 2, args) != NULL;
}

/* See cmodel.h: does group 0 (the coordinator) hold a placement of Citus table relid? */
bool
cmodel_citus_on_coordinator(Oid relid)
{
	const char *args[1] = {psprintf("%u", relid)};

	return cmodel_citus_present() &&
		meta_value("SELECT 1 FROM pg_catalog.pg_dist_shard s"
				   "  JOIN pg_catalog.pg_dist_placement p ON p.shardid OPERATOR(pg_catalog.=) s.shardid"
				   " WHERE s.logicalrelid OPERATOR(pg_catalog.=) $1::pg_catalog.oid"
				   "   AND p.groupid OPERATOR(pg_catalog.=) 0 LIMIT 1", 1, args) != NULL;
}

/* Set while cmodel itself makes one of its tables a reference table. */
static bool making_reference = false;

/*
 * See cmodel.h: is relid a Citus placement of one of cmodel's own tables
 * (the node catalog), or an index of one, being made by Citus?  Citus
 * creates them as <table>_<shard id> in schema cmodel, on the coordinator
 * inside cmodel's own create_reference_table() call and on the other nodes
 * through its own sessions, before its metadata there knows the shard.
 */
bool
cmodel_citus_own_shard(Oid relid)
{
	Oid			table = relid;
	char	   *name;
	char	   *shardid;
	Oid			base;
	Oid			ext;

	if (!making_reference && !cmodel_citus_own_connection())
		return false;
	if (get_rel_relkind(relid) == RELKIND_INDEX)
		table = IndexGetRelation(relid, true);
	if (!OidIsValid(table) || !shard_name_parts(table, &name, &shardid))
		return false;
	base = get_relname_relid(name, get_rel_namespace(table));
	ext = get_extension_oid("cmodel", true);
	return OidIsValid(base) && OidIsValid(ext) &&
		getExtensionOfObject(RelationRelationId, base) == ext;
}

/* See cmodel.h: is namespace ns a Citus distributed (tenant) schema? */
bool
cmodel_citus_tenant_schema(const char *ns)
{
	const char *args[1] = {ns};

	if (!cmodel_citus_present())
		return false;
	return meta_value("SELECT 1 FROM pg_catalog.pg_dist_schema s"
					   "  JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) s.schemaid"
					   " WHERE n.nspname OPERATOR(pg_catalog.=) $1", 1, args) != NULL;
}

/* The first table of namespace ns that Citus distributes, or NULL. */
static char *
distributed_table_of(const char *ns)
{
	const char *args[1] = {ns};

	return meta_value("SELECT p.logicalrelid::pg_catalog.text FROM pg_catalog.pg_dist_partition p"
					   "  JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) p.logicalrelid"
					   "  JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace"
					   " WHERE n.nspname OPERATOR(pg_catalog.=) $1"
					   " ORDER BY c.oid LIMIT 1", 1, args);
}

/* Run a Citus function on namespace ns, its notices kept from the caller. */
static void
schema_call(const char *sql, const char *ns)
{
	int			level = NewGUCNestLevel();

	(void) set_config_option("client_min_messages", "warning", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	call_value(sql, 1, &ns);
	AtEOXact_GUC(true, level);
}

/*
 * See cmodel.h: before registration creates a table in namespace ns.  A
 * distributed schema without tables yet (just created while
 * citus.enable_schema_based_sharding is on) has a colocation group but
 * nothing to colocate with, and Citus converts only top-level CREATE
 * TABLE: the schema is undistributed now and distributed again, with the
 * new table, by cmodel_citus_after_table.
 */
CmCitusPlacement
cmodel_citus_before_table(const char *ns)
{
	if (!cmodel_citus_tenant_schema(ns))
		return CM_CITUS_LOCAL;
	if (distributed_table_of(ns))
		return CM_CITUS_COLOCATE;
	schema_call("SELECT pg_catalog.citus_schema_undistribute(pg_catalog.quote_ident($1)::pg_catalog.regnamespace)",
				ns);
	return CM_CITUS_DISTRIBUTE_SCHEMA;
}

/*
 * See cmodel.h: after registration created table in namespace ns, make it
 * a tenant table of the namespace's schema as cmodel_citus_before_table
 * decided.
 */
void
cmodel_citus_after_table(const char *ns, const char *table, CmCitusPlacement placement)
{
	const char *args[2];

	switch (placement)
	{
		case CM_CITUS_LOCAL:
			break;
		case CM_CITUS_COLOCATE:
			args[0] = quote_qualified_identifier(ns, table);
			args[1] = distributed_table_of(ns);
			call_value("SELECT pg_catalog.create_distributed_table($1::pg_catalog.regclass, NULL,"
						" colocate_with => $2)", 2, args);
			break;
		case CM_CITUS_DISTRIBUTE_SCHEMA:
			schema_call("SELECT pg_catalog.citus_schema_distribute(pg_catalog.quote_ident($1)::pg_catalog.regnamespace)",
						ns);
			break;
	}
}

/*
 * See cmodel.h: the Citus settings cmodel's own DDL needs, set at a new
 * GUC nesting level that the caller closes with AtEOXact_GUC(true, level)
 * (returned; 0 when Citus is absent, and nothing to close).  cmodel's
 * triggers on distributed and reference tables need
 * citus.enable_unsafe_triggers.
 */
int
cmodel_citus_local_settings(void)
{
	int			level;

	if (!cmodel_citus_present())
		return 0;
	level = NewGUCNestLevel();
	(void) set_config_option("citus.enable_unsafe_triggers", "on",
							 superuser() ? PGC_SUSET : PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	return level;
}

/*
 * See cmodel.h: the shards of Citus table relid placed on this node, as
 * relations here (in the caller's memory); *all_here says whether every
 * shard of the table has a placement on this node.
 */
List *
cmodel_citus_local_shards(Oid relid, bool *all_here)
{
	Oid			types[1] = {OIDOID};
	Datum		values[1] = {ObjectIdGetDatum(relid)};
	MemoryContext caller = CurrentMemoryContext;
	List	   *shards = NIL;
	bool		missing = false;
	uint64		r;
	int			rc;
	Oid			save_user;
	int			save_sec;

	*all_here = true;
	if (!cmodel_citus_present())
		return NIL;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "cmodel: SPI_connect failed");
	metadata_user_enter(&save_user, &save_sec);
	push_metadata_snapshot();
	rc = SPI_execute_with_args("SELECT pg_catalog.to_regclass(pg_catalog.shard_name(s.logicalrelid, s.shardid))"
							  "         ::pg_catalog.oid,"
							  "       pg_catalog.bool_or(p.groupid OPERATOR(pg_catalog.=)"
							  "         (SELECT groupid FROM pg_catalog.pg_dist_local_group))"
							  "  FROM pg_catalog.pg_dist_shard s"
							  "  JOIN pg_catalog.pg_dist_placement p ON p.shardid OPERATOR(pg_catalog.=) s.shardid"
							  " WHERE s.logicalrelid OPERATOR(pg_catalog.=) $1"
							  " GROUP BY s.logicalrelid, s.shardid ORDER BY s.shardid",
							  1, types, values, NULL, true, 0);
	PopActiveSnapshot();
	SetUserIdAndSecContext(save_user, save_sec);
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "cmodel: Citus metadata query failed for the shards of relation %u", relid);
	for (r = 0; r < SPI_processed; r++)
	{
		bool		isnull;
		Datum		shard = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &isnull);
		bool		here = !isnull && DatumGetBool(SPI_getbinval(SPI_tuptable->vals[r],
																 SPI_tuptable->tupdesc, 2, &isnull));

		if (here)
		{
			MemoryContext old = MemoryContextSwitchTo(caller);

			shards = lappend_oid(shards, DatumGetObjectId(shard));
			MemoryContextSwitchTo(old);
		}
		else
			missing = true;
	}
	SPI_finish();
	*all_here = !missing;
	return shards;
}

/* See cmodel.h: does Citus's metadata list an active primary node to place tables on? */
bool
cmodel_citus_has_nodes(void)
{
	return cmodel_citus_present() &&
		meta_value("SELECT 1 FROM pg_catalog.pg_dist_node WHERE isactive"
					"   AND noderole OPERATOR(pg_catalog.=) 'primary' LIMIT 1", 0, NULL) != NULL;
}

/*
 * See cmodel.h: make relid (one of cmodel's own tables) a reference table,
 * its notices kept from the caller.  Its triggers need
 * citus.enable_unsafe_triggers, which the caller has set
 * (cmodel_citus_local_settings).
 */
void
cmodel_citus_make_reference(Oid relid)
{
	const char *args[1] = {psprintf("%u", relid)};
	int			level = NewGUCNestLevel();

	(void) set_config_option("client_min_messages", "warning", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	making_reference = true;
	PG_TRY();
	{
		call_value("SELECT pg_catalog.create_reference_table($1::pg_catalog.oid::pg_catalog.regclass)", 1, args);
	}
	PG_FINALLY();
	{
		making_reference = false;
	}
	PG_END_TRY();
	AtEOXact_GUC(true, level);
}

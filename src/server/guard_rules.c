/*-------------------------------------------------------------------------
 *
 * guard_rules.c
 *	  What a DDL statement does to namespaces, judged from its parse tree.
 *
 * Called by the ddl_command_start trigger before the statement runs.  Names
 * are resolved the way the statement will resolve them (the session's
 * search_path, no locks taken), and every relation a statement reaches is
 * looked at, including inheritance children an ALTER TABLE recurses to.
 *
 * The rules are an allow-list for tables, indexes and sequences in a
 * namespace ("guarded" relations): creating things, adding nullable columns
 * and UNIQUE constraints, and settings that neither change data nor scan or
 * rewrite a table are allowed; every other ALTER TABLE form is rejected,
 * including ones PostgreSQL adds later.  Views, functions and types in a
 * namespace hold no plugin data and are left alone.  Drops that do not name
 * their victims are left to the sql_drop trigger (guard.c), rewrites nobody
 * foresaw to the table_rewrite trigger.
 *
 * One exception serves restores: pg_dump adds primary keys after loading
 * data, so adding a primary key to a namespace table that has none is
 * allowed.  (CHECK and exclusion constraints, which pg_dump also adds after
 * the data, are therefore refused when a namespace table is created.)  The
 * types, domains and enums namespace columns use, and cmodel's own
 * registry, are kept too.
 *
 * src/server/guard_rules.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/index.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_index.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "commands/tablespace.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/parsenodes.h"
#include "parser/parse_type.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "cmodel.h"

/* The object types of statements that name a relation (case labels). */
#define RELATION_OBJECT_TYPES \
	OBJECT_TABLE: \
	case OBJECT_INDEX: \
	case OBJECT_SEQUENCE: \
	case OBJECT_VIEW: \
	case OBJECT_MATVIEW: \
	case OBJECT_FOREIGN_TABLE

/* What the guard knows of one relation a statement reaches. */
typedef struct GuardRel
{
	Oid			relid;
	char		relkind;
	Oid			nspid;
	char	   *ns;				/* its namespace, or NULL */
	char	   *relname;
	char	   *qualname;		/* schema.relname, for messages */
	bool		guarded;		/* a table, index or sequence in a namespace */
	bool		registry;		/* one of cmodel's own registry relations */
} GuardRel;

static bool
guarded_relkind(char relkind)
{
	return relkind == RELKIND_RELATION || relkind == RELKIND_PARTITIONED_TABLE ||
		relkind == RELKIND_INDEX || relkind == RELKIND_PARTITIONED_INDEX ||
		relkind == RELKIND_SEQUENCE;
}

static bool
is_index(char relkind)
{
	return relkind == RELKIND_INDEX || relkind == RELKIND_PARTITIONED_INDEX;
}

/*
 * An index is guarded when it is valid and on a table: an index a failed
 * CREATE INDEX CONCURRENTLY left behind holds nothing, nor does one of a
 * materialized view.
 */
static bool
index_guarded(Oid indexoid)
{
	HeapTuple	tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
	Form_pg_index form;
	bool		valid;
	char		table_kind;

	if (!HeapTupleIsValid(tuple))
		return false;
	form = (Form_pg_index) GETSTRUCT(tuple);
	valid = form->indisvalid;
	table_kind = get_rel_relkind(form->indrelid);
	ReleaseSysCache(tuple);
	return valid && (table_kind == RELKIND_RELATION || table_kind == RELKIND_PARTITIONED_TABLE);
}

/* Fill *r for a relation; false if it does not exist. */
static bool
describe_rel(Oid relid, GuardRel *r)
{
	HeapTuple	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Form_pg_class form;

	if (!HeapTupleIsValid(tuple))
		return false;
	form = (Form_pg_class) GETSTRUCT(tuple);
	r->relid = relid;
	r->relkind = form->relkind;
	r->nspid = form->relnamespace;
	r->relname = pstrdup(NameStr(form->relname));
	ReleaseSysCache(tuple);
	r->ns = cmodel_probe_schema_namespace(r->nspid);
	r->qualname = psprintf("%s.%s", r->ns ? r->ns : get_namespace_name(r->nspid), r->relname);
	r->guarded = r->ns != NULL && guarded_relkind(r->relkind) &&
		(!is_index(r->relkind) || index_guarded(relid));
	/* An extension script may change the registry; nothing else may. */
	r->registry = !creating_extension && r->nspid == get_namespace_oid("cmodel", true);
	return true;
}

/* Is the relation one the guard keeps (for the drop watch)? */
bool
cmodel_guard_relation_guarded(Oid relid)
{
	GuardRel	r;

	return describe_rel(relid, &r) && r.guarded;
}

/* The namespace of a relation (NULL if none), for the other triggers. */
char *
cmodel_guard_rel_namespace(Oid relid, char **qualname, bool *guarded)
{
	GuardRel	r;

	if (!describe_rel(relid, &r))
		return NULL;
	*qualname = r.qualname;
	*guarded = r.guarded;
	return r.ns;
}

/* Resolve a RangeVar as the statement will, without locking. */
static bool
lookup_rv(RangeVar *rv, GuardRel *r)
{
	Oid			relid;

	if (rv == NULL)
		return false;
	relid = RangeVarGetRelidExtended(rv, NoLock, RVR_MISSING_OK, NULL, NULL);
	return OidIsValid(relid) && describe_rel(relid, r);
}

/*
 * Note that the statement reaches a relation: its namespace is touched, or,
 * outside namespaces, a core table (or an index on one) moves every
 * namespace's generation.
 */
static void
note_rel(CmGuardScope *scope, GuardRel *r)
{
	Oid			table = r->relid;

	if (r->ns)
	{
		cmodel_guard_touch(scope, r->ns);
		return;
	}
	if (scope->core)
		return;
	if (is_index(r->relkind))
		table = IndexGetRelation(r->relid, true);
	if (cmodel_probe_is_core_table(table))
		scope->core = true;
}

/* The creation schema of a new relation, or InvalidOid for temporary ones. */
static Oid
creation_schema(RangeVar *rv)
{
	if (rv->relpersistence == RELPERSISTENCE_TEMP)
		return InvalidOid;
	return RangeVarGetCreationNamespace(rv);
}

/* "table", "index" or "sequence", for messages. */
static const char *
kind_word(char relkind)
{
	if (is_index(relkind))
		return "index";
	if (relkind == RELKIND_SEQUENCE)
		return "sequence";
	return "table";
}

static void check_type_change(CmGuardScope *scope, Oid typid, CmGuardRule rule,
							  const char *what);

/* The rule for dropping, renaming or moving a guarded relation. */
static CmGuardRule
drop_rule(char relkind)
{
	if (is_index(relkind))
		return CM_GUARD_DROP_INDEX;
	if (relkind == RELKIND_SEQUENCE)
		return CM_GUARD_SEQUENCE;
	return CM_GUARD_DROP_MODEL;
}

/* ------------------------------------------------------------------------
 * Columns and constraints
 * ------------------------------------------------------------------------
 */

static const char *const fk_hint =
"Declare a ForeignKey in the descriptor: cmodel applies its on_delete without a REFERENCES constraint.";

/* A REFERENCES constraint whose target is a guarded table. */
static void
check_reference(CmGuardScope *scope, Constraint *c, const char *from)
{
	GuardRel	target;

	if (c->contype == CONSTR_FOREIGN && lookup_rv(c->pktable, &target) && target.guarded)
		cmodel_guard_violation(scope, CM_GUARD_CONSTRAINT, target.ns, fk_hint,
							   "cannot make table \"%s\" reference table \"%s\"",
							   from, target.qualname);
}

/*
 * ADD CONSTRAINT name UNIQUE USING INDEX index renames the index to the
 * constraint's name.
 */
static void
check_using_index(CmGuardScope *scope, GuardRel *r, Constraint *c)
{
	if (c->indexname && c->conname && strcmp(c->indexname, c->conname) != 0)
		cmodel_guard_violation(scope, CM_GUARD_DROP_INDEX, r->ns, NULL,
							   "cannot rename index \"%s.%s\" to \"%s\" by adding a constraint over it",
							   r->ns, c->indexname, c->conname);
}

/* A constraint added to a guarded table (ALTER TABLE ADD, or on a column). */
static void
check_new_constraint(CmGuardScope *scope, GuardRel *r, Constraint *c)
{
	switch (c->contype)
	{
		case CONSTR_UNIQUE:
			check_using_index(scope, r, c);
			break;
		case CONSTR_NULL:
		case CONSTR_DEFAULT:
		case CONSTR_ATTR_DEFERRABLE:
		case CONSTR_ATTR_NOT_DEFERRABLE:
		case CONSTR_ATTR_DEFERRED:
		case CONSTR_ATTR_IMMEDIATE:
			break;
		case CONSTR_PRIMARY:
			/* A restore adds the keys of the tables it loaded. */
			check_using_index(scope, r, c);
			if (!cmodel_probe_has_primary_key(r->relid))
				break;
			cmodel_guard_violation(scope, CM_GUARD_CONSTRAINT, r->ns,
								   "A model's primary key is fixed when its table is created; create a new model with the new key and copy the data.",
								   "cannot add a primary key to table \"%s\"", r->qualname);
			break;
		case CONSTR_CHECK:
			cmodel_guard_violation(scope, CM_GUARD_CONSTRAINT, r->ns, NULL,
								   "cannot add a CHECK constraint to table \"%s\"", r->qualname);
			break;
		case CONSTR_FOREIGN:
			cmodel_guard_violation(scope, CM_GUARD_CONSTRAINT, r->ns, fk_hint,
								   "cannot add a REFERENCES constraint to table \"%s\"", r->qualname);
			break;
		case CONSTR_EXCLUSION:
			cmodel_guard_violation(scope, CM_GUARD_CONSTRAINT, r->ns, NULL,
								   "cannot add an exclusion constraint to table \"%s\"", r->qualname);
			break;
		default:
			cmodel_guard_violation(scope, CM_GUARD_CONSTRAINT, r->ns, NULL,
								   "cannot add this kind of constraint to table \"%s\"", r->qualname);
			break;
	}
}

/* serial, bigserial and smallserial imply NOT NULL and a sequence default. */
static bool
is_serial(TypeName *tn)
{
	const char *name;

	if (tn == NULL || tn->names == NIL || list_length(tn->names) > 2 || tn->arrayBounds)
		return false;
	name = strVal(llast(tn->names));
	return strcmp(name, "serial") == 0 || strcmp(name, "serial4") == 0 ||
		strcmp(name, "bigserial") == 0 || strcmp(name, "serial8") == 0 ||
		strcmp(name, "smallserial") == 0 || strcmp(name, "serial2") == 0;
}

/* ALTER TABLE ... ADD COLUMN on a guarded table. */
static void
check_new_column(CmGuardScope *scope, GuardRel *r, ColumnDef *cd)
{
	bool		plain = !(cd->is_not_null || cd->identity || cd->generated ||
						  is_serial(cd->typeName));
	ListCell   *lc;

	foreach(lc, cd->constraints)
	{
		Constraint *c = lfirst_node(Constraint, lc);

		if (c->contype == CONSTR_NOTNULL || c->contype == CONSTR_IDENTITY ||
			c->contype == CONSTR_GENERATED)
			plain = false;
		else
			check_new_constraint(scope, r, c);
	}
	if (!plain)
		cmodel_guard_violation(scope, CM_GUARD_ADD_FIELD, r->ns, NULL,
							   "cannot add column \"%s.%s\" as NOT NULL, identity, serial or generated",
							   r->qualname, cd->colname);
}

/* ------------------------------------------------------------------------
 * ALTER TABLE
 * ------------------------------------------------------------------------
 */

/* One subcommand applied to a guarded relation. */
static void
check_alter_cmd(CmGuardScope *scope, GuardRel *r, AlterTableCmd *cmd)
{
	const char *col = cmd->name ? cmd->name : "?";

	switch (cmd->subtype)
	{
			/* Additive, or settings that neither change data nor scan it. */
		case AT_SetStatistics:
		case AT_SetOptions:
		case AT_ResetOptions:
		case AT_SetStorage:
		case AT_SetCompression:
		case AT_ChangeOwner:
		case AT_ClusterOn:
		case AT_DropCluster:
		case AT_DropOids:
		case AT_SetRelOptions:
		case AT_ResetRelOptions:
		case AT_ReplaceRelOptions:
		case AT_EnableTrig:
		case AT_EnableAlwaysTrig:
		case AT_EnableReplicaTrig:
		case AT_DisableTrig:
		case AT_EnableTrigAll:
		case AT_EnableTrigUser:
		case AT_EnableRule:
		case AT_EnableAlwaysRule:
		case AT_EnableReplicaRule:
		case AT_DisableRule:
		case AT_ReplicaIdentity:
		case AT_EnableRowSecurity:
		case AT_DisableRowSecurity:
		case AT_ForceRowSecurity:
		case AT_NoForceRowSecurity:
		case AT_GenericOptions:
		case AT_AlterColumnGenericOptions:
			break;
		case AT_AddColumn:
		case AT_AddColumnRecurse:
			check_new_column(scope, r, castNode(ColumnDef, cmd->def));
			break;
		case AT_AddConstraint:
		case AT_AddConstraintRecurse:
			check_new_constraint(scope, r, castNode(Constraint, cmd->def));
			break;
		case AT_DropColumn:
		case AT_DropColumnRecurse:
			cmodel_guard_violation(scope, CM_GUARD_DROP_FIELD, r->ns, NULL,
								   "cannot drop column \"%s.%s\"", r->qualname, col);
			break;
		case AT_AlterColumnType:
			cmodel_guard_violation(scope, CM_GUARD_ALTER_FIELD, r->ns, NULL,
								   "cannot change the type of column \"%s.%s\"", r->qualname, col);
			break;
		case AT_SetNotNull:
		case AT_CheckNotNull:
		case AT_DropNotNull:
			cmodel_guard_violation(scope, CM_GUARD_ALTER_FIELD, r->ns, NULL,
								   "cannot change whether column \"%s.%s\" is nullable", r->qualname, col);
			break;
		case AT_ColumnDefault:
		case AT_CookedColumnDefault:
			/* registration sets a field's default (new rows only) */
			if (cmodel_guard_registering(r->ns))
				break;
			cmodel_guard_violation(scope, CM_GUARD_ALTER_FIELD, r->ns, NULL,
								   "cannot change the default of column \"%s.%s\"", r->qualname, col);
			break;
		case AT_AddIdentity:
		case AT_SetIdentity:
		case AT_DropIdentity:
		case AT_DropExpression:
			cmodel_guard_violation(scope, CM_GUARD_ALTER_FIELD, r->ns, NULL,
								   "cannot change how column \"%s.%s\" is generated", r->qualname, col);
			break;
		case AT_DropConstraint:
		case AT_DropConstraintRecurse:
			cmodel_guard_violation(scope, CM_GUARD_DROP_INDEX, r->ns, NULL,
								   "cannot drop constraint \"%s\" of table \"%s\"", col, r->qualname);
			break;
		case AT_AlterConstraint:
		case AT_ValidateConstraint:
		case AT_ValidateConstraintRecurse:
			cmodel_guard_violation(scope, CM_GUARD_CONSTRAINT, r->ns, NULL,
								   "cannot alter or validate constraints of table \"%s\"", r->qualname);
			break;
		case AT_SetLogged:
		case AT_SetUnLogged:
			cmodel_guard_violation(scope, CM_GUARD_REWRITE, r->ns, NULL,
								   "cannot change whether %s \"%s\" is logged",
								   kind_word(r->relkind), r->qualname);
			break;
		case AT_SetAccessMethod:
		case AT_SetTableSpace:
			cmodel_guard_violation(scope, CM_GUARD_REWRITE, r->ns, NULL,
								   "cannot move %s \"%s\" to another access method or tablespace",
								   kind_word(r->relkind), r->qualname);
			break;
		case AT_AddInherit:
		case AT_DropInherit:
		case AT_AddOf:
		case AT_DropOf:
		case AT_AttachPartition:
		case AT_DetachPartition:
		case AT_DetachPartitionFinalize:
			cmodel_guard_violation(scope, CM_GUARD_STANDALONE, r->ns, NULL,
								   "cannot change the inheritance, partitions or row type of %s \"%s\"",
								   kind_word(r->relkind), r->qualname);
			break;
		case AT_DisableTrigAll:
		case AT_DisableTrigUser:
			cmodel_guard_violation(scope, CM_GUARD_TRIGGERS, r->ns, NULL,
								   "cannot disable all triggers of table \"%s\"", r->qualname);
			break;
		default:
			cmodel_guard_violation(scope, CM_GUARD_REWRITE, r->ns, NULL,
								   "cannot apply this form of ALTER TABLE to %s \"%s\"",
								   kind_word(r->relkind), r->qualname);
			break;
	}
}

static void
trigger_violation(CmGuardScope *scope, GuardRel *r, const char *what, const char *name)
{
	cmodel_guard_violation(scope, CM_GUARD_DATA_TRIGGER, r->qualname, NULL,
						   name ? "cannot %s trigger \"%s\" of table \"%s\"" : "cannot %s%s triggers of table \"%s\"",
						   what, name ? name : "", r->qualname);
}

/*
 * Subcommands of an ALTER on any table that reach a guarded one: inherit
 * from it, attach or detach it as a partition, or reference it.
 */
static void
check_alter_reach(CmGuardScope *scope, GuardRel *r, AlterTableCmd *cmd)
{
	GuardRel	other;

	switch (cmd->subtype)
	{
		case AT_AddInherit:
		case AT_DropInherit:
			if (lookup_rv(castNode(RangeVar, cmd->def), &other) && other.guarded)
				cmodel_guard_violation(scope, CM_GUARD_STANDALONE, other.ns, NULL,
									   "cannot change whether table \"%s\" inherits from table \"%s\"",
									   r->qualname, other.qualname);
			break;
		case AT_AttachPartition:
		case AT_DetachPartition:
		case AT_DetachPartitionFinalize:
			if (lookup_rv(castNode(PartitionCmd, cmd->def)->name, &other) && other.guarded)
				cmodel_guard_violation(scope, CM_GUARD_STANDALONE, other.ns, NULL,
									   "cannot attach or detach %s \"%s\" as a partition",
									   kind_word(other.relkind), other.qualname);
			break;
		case AT_AddConstraint:
		case AT_AddConstraintRecurse:
			check_reference(scope, castNode(Constraint, cmd->def), r->qualname);
			break;
		case AT_AddColumn:
		case AT_AddColumnRecurse:
			{
				ListCell   *lc;

				foreach(lc, castNode(ColumnDef, cmd->def)->constraints)
					check_reference(scope, lfirst_node(Constraint, lc), r->qualname);
			}
			break;
		case AT_DisableTrig:
		case AT_EnableReplicaTrig:
			if (cmodel_is_cmodel_trigger(r->relid, cmd->name))
				trigger_violation(scope, r, "disable", cmd->name);
			break;
		case AT_DisableTrigAll:
		case AT_DisableTrigUser:
			/* namespace tables refuse it anyway; this covers core tables */
			if (!r->guarded && cmodel_is_cmodel_trigger(r->relid, NULL))
				trigger_violation(scope, r, "disable all", NULL);
			break;
		case AT_DropColumn:
		case AT_DropColumnRecurse:
		case AT_AlterColumnType:
			/* A composite type's attribute, or a table's row type, in use. */
			if (!r->guarded)
				check_type_change(scope, get_rel_type_id(r->relid), CM_GUARD_ALTER_FIELD,
								  "drop or retype an attribute of");
			break;
		default:
			break;
	}
}

static void
inspect_alter_table(CmGuardScope *scope, AlterTableStmt *stmt)
{
	GuardRel	top;
	List	   *rels;
	ListCell   *lc;
	ListCell   *cc;

	if (!lookup_rv(stmt->relation, &top))
		return;
	if (top.registry)
		cmodel_guard_extension_violation(scope, psprintf("alter cmodel's registry relation \"%s\"",
														  top.qualname));
	foreach(cc, stmt->cmds)
		check_alter_reach(scope, &top, lfirst_node(AlterTableCmd, cc));
	rels = list_make1_oid(top.relid);
	if (stmt->relation->inh && has_subclass(top.relid))
		rels = find_all_inheritors(top.relid, NoLock, NULL);
	foreach(lc, rels)
	{
		GuardRel	r;

		if (!describe_rel(lfirst_oid(lc), &r))
			continue;
		note_rel(scope, &r);
		if (!r.guarded)
			continue;
		foreach(cc, stmt->cmds)
			check_alter_cmd(scope, &r, lfirst_node(AlterTableCmd, cc));
	}
}

/* Does ALTER ... ALL IN TABLESPACE of this object type move a guarded relkind? */
static bool
moved_by(ObjectType objtype, char relkind)
{
	if (objtype == OBJECT_TABLE)
		return relkind == RELKIND_RELATION || relkind == RELKIND_PARTITIONED_TABLE;
	if (objtype == OBJECT_INDEX)
		return is_index(relkind);
	return false;
}

/* Is the owner among the roles (an empty list means any)? */
static bool
owned_by(List *roles, Oid owner)
{
	ListCell   *lc;

	if (roles == NIL)
		return true;
	foreach(lc, roles)
		if (get_rolespec_oid(lfirst(lc), true) == owner)
			return true;
	return false;
}

/* ALTER TABLE ALL IN TABLESPACE: does it move any guarded relation? */
static void
inspect_move_all(CmGuardScope *scope, AlterTableMoveAllStmt *stmt)
{
	Oid			tablespace = get_tablespace_oid(stmt->orig_tablespacename, true);
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	GuardRel	first = {0};

	if (!OidIsValid(tablespace))
		return;
	if (tablespace == MyDatabaseTableSpace)
		tablespace = InvalidOid;
	rel = table_open(RelationRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_class_reltablespace, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(tablespace));
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 1, &key);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_class form = (Form_pg_class) GETSTRUCT(tuple);
		GuardRel	r;

		if (!moved_by(stmt->objtype, form->relkind) ||
			!owned_by(stmt->roles, form->relowner) ||
			cmodel_probe_schema_namespace(form->relnamespace) == NULL ||
			!describe_rel(form->oid, &r))
			continue;
		/* Name the first in name order, whatever order the scan found. */
		if (first.qualname == NULL || strcmp(r.qualname, first.qualname) < 0)
			first = r;
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	if (first.qualname)
		cmodel_guard_violation(scope, CM_GUARD_REWRITE, first.ns, NULL,
							   "cannot move %s \"%s\" to another tablespace",
							   kind_word(first.relkind), first.qualname);
}

/* ------------------------------------------------------------------------
 * CREATE
 * ------------------------------------------------------------------------
 */

static void
inspect_create(CmGuardScope *scope, CreateStmt *stmt)
{
	Oid			nspid = creation_schema(stmt->relation);
	char	   *ns = cmodel_probe_schema_namespace(nspid);
	char	   *qualname = psprintf("%s.%s",
									OidIsValid(nspid) ? get_namespace_name(nspid) : "pg_temp",
									stmt->relation->relname);
	ListCell   *lc;

	if (ns)
	{
		cmodel_guard_touch(scope, ns);
		if (stmt->relation->relpersistence == RELPERSISTENCE_UNLOGGED)
			cmodel_guard_violation(scope, CM_GUARD_STANDALONE, ns, NULL,
								   "cannot create unlogged table \"%s\"", qualname);
		if (stmt->inhRelations || stmt->partbound || stmt->partspec || stmt->ofTypename)
			cmodel_guard_violation(scope, CM_GUARD_STANDALONE, ns, NULL,
								   "cannot create table \"%s\" as an inheritance child, partition or typed table",
								   qualname);
	}
	foreach(lc, stmt->inhRelations)
	{
		GuardRel	parent;

		if (lookup_rv(lfirst_node(RangeVar, lc), &parent) && parent.guarded)
			cmodel_guard_violation(scope, CM_GUARD_STANDALONE, parent.ns, NULL,
								   "cannot create table \"%s\" as a child or partition of table \"%s\"",
								   qualname, parent.qualname);
	}
	foreach(lc, stmt->tableElts)
	{
		Node	   *elt = lfirst(lc);
		List	   *constraints = NIL;
		ListCell   *cc;

		if (IsA(elt, ColumnDef))
			constraints = ((ColumnDef *) elt)->constraints;
		else if (IsA(elt, Constraint))
			constraints = list_make1(elt);
		foreach(cc, constraints)
		{
			Constraint *c = lfirst_node(Constraint, cc);

			if (ns && c->contype == CONSTR_FOREIGN)
				cmodel_guard_violation(scope, CM_GUARD_CONSTRAINT, ns, fk_hint,
									   "cannot create table \"%s\" with a REFERENCES constraint",
									   qualname);
			/* pg_dump adds these after the data, which the guard would refuse. */
			if (ns && (c->contype == CONSTR_CHECK || c->contype == CONSTR_EXCLUSION))
				cmodel_guard_violation(scope, CM_GUARD_CONSTRAINT, ns, NULL,
									   "cannot create table \"%s\" with a CHECK or exclusion constraint",
									   qualname);
			check_reference(scope, c, qualname);
		}
	}
}

/* CREATE TABLE AS, SELECT INTO, CREATE MATERIALIZED VIEW. */
static void
inspect_create_as(CmGuardScope *scope, CreateTableAsStmt *stmt)
{
	RangeVar   *rv = stmt->into->rel;
	char	   *ns = cmodel_probe_schema_namespace(creation_schema(rv));

	if (ns == NULL)
		return;
	cmodel_guard_touch(scope, ns);
	if (rv->relpersistence == RELPERSISTENCE_UNLOGGED && stmt->objtype == OBJECT_TABLE)
		cmodel_guard_violation(scope, CM_GUARD_STANDALONE, ns, NULL,
							   "cannot create unlogged table \"%s.%s\"", ns, rv->relname);
}

/* Statements that only create in a schema: touch it if it is a namespace. */
static void
touch_schema(CmGuardScope *scope, Oid nspid)
{
	char	   *ns = cmodel_probe_schema_namespace(nspid);

	if (ns)
		cmodel_guard_touch(scope, ns);
}

static void
touch_schema_name(CmGuardScope *scope, const char *name)
{
	if (name && cmodel_probe_is_namespace(name))
		cmodel_guard_touch(scope, name);
}

/* ------------------------------------------------------------------------
 * DROP, RENAME, SET SCHEMA
 * ------------------------------------------------------------------------
 */

static void
inspect_drop(CmGuardScope *scope, DropStmt *stmt)
{
	ListCell   *lc;

	foreach(lc, stmt->objects)
	{
		switch (stmt->removeType)
		{
			case RELATION_OBJECT_TYPES:
				{
					GuardRel	r;

					if (!lookup_rv(makeRangeVarFromNameList(lfirst(lc)), &r))
						break;
					if (r.guarded)
						cmodel_guard_violation(scope, drop_rule(r.relkind), r.ns, NULL,
											   "cannot drop %s \"%s\"",
											   kind_word(r.relkind), r.qualname);
					else if (r.ns == NULL && is_index(r.relkind))
						note_rel(scope, &r);	/* perhaps a core table's key */
				}
				break;
			case OBJECT_SCHEMA:
				{
					const char *name = strVal(lfirst(lc));

					if (cmodel_probe_is_namespace(name) && OidIsValid(get_namespace_oid(name, true)))
						cmodel_guard_violation(scope, CM_GUARD_NAMESPACE, name, NULL,
											   "cannot drop namespace schema \"%s\"", name);
				}
				break;
			case OBJECT_EXTENSION:
				if (strcmp(strVal(lfirst(lc)), "cmodel") == 0)
					cmodel_guard_extension_violation(scope, "drop extension \"cmodel\"");
				break;
			case OBJECT_TRIGGER:
				{
					List	   *names = lfirst(lc);
					const char *trigger = strVal(llast(names));
					GuardRel	r;

					if (lookup_rv(makeRangeVarFromNameList(list_truncate(list_copy(names),
																		 list_length(names) - 1)), &r) &&
						cmodel_is_cmodel_trigger(r.relid, trigger))
						trigger_violation(scope, &r, "drop", trigger);
				}
				break;
			default:
				/* Whatever else a drop reaches, sql_drop sees. */
				return;
		}
	}
}

static void
inspect_rename(CmGuardScope *scope, RenameStmt *stmt)
{
	GuardRel	r;

	switch (stmt->renameType)
	{
		case RELATION_OBJECT_TYPES:
			if (!lookup_rv(stmt->relation, &r))
				return;
			note_rel(scope, &r);
			if (r.guarded)
				cmodel_guard_violation(scope, drop_rule(r.relkind), r.ns, NULL,
									   "cannot rename %s \"%s\"", kind_word(r.relkind), r.qualname);
			if (r.registry)
				cmodel_guard_extension_violation(scope, psprintf("rename cmodel's registry relation \"%s\"",
																  r.qualname));
			break;
		case OBJECT_COLUMN:
		case OBJECT_ATTRIBUTE:
			{
				List	   *rels;
				ListCell   *lc;

				if (!lookup_rv(stmt->relation, &r))
					return;
				rels = list_make1_oid(r.relid);
				if (stmt->relation->inh && has_subclass(r.relid))
					rels = find_all_inheritors(r.relid, NoLock, NULL);
				foreach(lc, rels)
				{
					GuardRel	child;

					if (!describe_rel(lfirst_oid(lc), &child))
						continue;
					note_rel(scope, &child);
					if (child.guarded)
						cmodel_guard_violation(scope, CM_GUARD_DROP_FIELD, child.ns, NULL,
											   "cannot rename column \"%s.%s\"",
											   child.qualname, stmt->subname);
					else if (child.registry)
						cmodel_guard_extension_violation(scope,
														 psprintf("rename a column of cmodel's registry relation \"%s\"",
																  child.qualname));
					else
						check_type_change(scope, get_rel_type_id(child.relid),
										  CM_GUARD_ALTER_FIELD, "rename an attribute of");
				}
			}
			break;
		case OBJECT_TABCONSTRAINT:
			if (!lookup_rv(stmt->relation, &r))
				return;
			note_rel(scope, &r);
			if (r.guarded)
				cmodel_guard_violation(scope, CM_GUARD_DROP_INDEX, r.ns, NULL,
									   "cannot rename constraint \"%s\" of table \"%s\"",
									   stmt->subname, r.qualname);
			break;
		case OBJECT_SCHEMA:
			if (cmodel_probe_is_namespace(stmt->subname))
				cmodel_guard_violation(scope, CM_GUARD_NAMESPACE, stmt->subname, NULL,
									   "cannot rename namespace schema \"%s\"", stmt->subname);
			else if (strcmp(stmt->subname, "cmodel") == 0 && !creating_extension)
				cmodel_guard_extension_violation(scope, "rename cmodel's registry schema");
			break;
		case OBJECT_TRIGGER:
			if (lookup_rv(stmt->relation, &r))
			{
				note_rel(scope, &r);
				/* a renamed trigger's name could be taken by another one */
				if (cmodel_is_cmodel_trigger(r.relid, stmt->subname))
					trigger_violation(scope, &r, "rename", stmt->subname);
			}
			break;
		case OBJECT_RULE:
		case OBJECT_POLICY:
			if (lookup_rv(stmt->relation, &r))
				note_rel(scope, &r);
			break;
		default:
			break;
	}
}

/* The schema an extension's objects live in, or InvalidOid. */
static Oid
extension_schema(const char *name)
{
	Relation	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	Oid			nspid = InvalidOid;

	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber,
				F_NAMEEQ, CStringGetDatum(name));
	scan = systable_beginscan(rel, ExtensionNameIndexId, true, NULL, 1, &key);
	if (HeapTupleIsValid(tuple = systable_getnext(scan)))
		nspid = ((Form_pg_extension) GETSTRUCT(tuple))->extnamespace;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return nspid;
}

static void
inspect_set_schema(CmGuardScope *scope, AlterObjectSchemaStmt *stmt)
{
	GuardRel	r;

	touch_schema_name(scope, stmt->newschema);
	if (stmt->objectType == OBJECT_EXTENSION)
	{
		/* Its member objects move out of the schema with it. */
		char	   *ns = cmodel_probe_schema_namespace(extension_schema(strVal(stmt->object)));

		if (ns)
			cmodel_guard_violation(scope, CM_GUARD_DROP_MODEL, ns, NULL,
								   "cannot move extension \"%s\" out of namespace \"%s\"",
								   strVal(stmt->object), ns);
		return;
	}
	if (stmt->relation == NULL || !lookup_rv(stmt->relation, &r))
		return;
	note_rel(scope, &r);
	if (r.guarded)
		cmodel_guard_violation(scope, drop_rule(r.relkind), r.ns, NULL,
							   "cannot move %s \"%s\" to schema \"%s\"",
							   kind_word(r.relkind), r.qualname, stmt->newschema);
	if (r.registry)
		cmodel_guard_extension_violation(scope, psprintf("move cmodel's registry relation \"%s\"",
														  r.qualname));
}

/* ------------------------------------------------------------------------
 * Sequences, domains, rules, dependencies, the extension
 * ------------------------------------------------------------------------
 */

/*
 * Is the type used by a column of a guarded table, directly or through
 * domains over it and arrays of it?  Fills *r and *attnum with the first
 * such column.
 */
static bool
type_in_namespace_column(Oid typid, GuardRel *r, AttrNumber *attnum, int depth)
{
	Relation	rel;
	ScanKeyData keys[2];
	SysScanDesc scan;
	HeapTuple	tuple;
	bool		found = false;

	if (depth > 8)
		return false;
	rel = table_open(DependRelationId, AccessShareLock);
	ScanKeyInit(&keys[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(TypeRelationId));
	ScanKeyInit(&keys[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(typid));
	scan = systable_beginscan(rel, DependReferenceIndexId, true, NULL, 2, keys);
	while (!found && HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tuple);

		if (dep->classid == RelationRelationId && dep->objsubid > 0)
		{
			found = describe_rel(dep->objid, r) && r->guarded;
			*attnum = dep->objsubid;
		}
		else if (dep->classid == TypeRelationId && dep->objid != typid)
			found = type_in_namespace_column(dep->objid, r, attnum, depth + 1);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return found;
}

/*
 * A change to a type outside namespaces that changes the values or the
 * definition of namespace columns using it.
 */
static void
check_type_change(CmGuardScope *scope, Oid typid, CmGuardRule rule, const char *what)
{
	GuardRel	r;
	AttrNumber	attnum;

	if (OidIsValid(typid) && type_in_namespace_column(typid, &r, &attnum, 0))
		cmodel_guard_violation(scope, rule, r.ns, NULL,
							   "cannot %s type \"%s\" used by column \"%s.%s\"",
							   what, format_type_be(typid), r.qualname,
							   get_attname(r.relid, attnum, false));
}

static Oid
type_by_name(List *names)
{
	Type		type = LookupTypeName(NULL, makeTypeNameFromNameList(names), NULL, true);
	Oid			typid;

	if (type == NULL)
		return InvalidOid;
	typid = typeTypeId(type);
	ReleaseSysCache(type);
	return typid;
}

/*
 * ALTER DOMAIN on a domain namespace columns use: SET NOT NULL, ADD and
 * VALIDATE CONSTRAINT scan them; SET/DROP DEFAULT and DROP NOT NULL change
 * their definition.  Dropping a constraint only relaxes.
 */
static void
inspect_domain(CmGuardScope *scope, AlterDomainStmt *stmt)
{
	if (stmt->subtype == 'O' || stmt->subtype == 'C' || stmt->subtype == 'V')
		check_type_change(scope, type_by_name(stmt->typeName), CM_GUARD_CONSTRAINT,
						  "add or validate a constraint of");
	else if (stmt->subtype == 'T' || stmt->subtype == 'N')
		check_type_change(scope, type_by_name(stmt->typeName), CM_GUARD_ALTER_FIELD,
						  "change the default or nullability of");
}

/* Relations a statement names directly: sequences, rules, dependencies. */
static void
inspect_named_rel(CmGuardScope *scope, RangeVar *rv, CmGuardRule rule, const char *what)
{
	GuardRel	r;

	if (!lookup_rv(rv, &r))
		return;
	note_rel(scope, &r);
	if (r.guarded && what)
		cmodel_guard_violation(scope, rule, r.ns, NULL, "cannot %s %s \"%s\"",
							   what, kind_word(r.relkind), r.qualname);
}

/*
 * ALTER EXTENSION ... ADD of a namespace object or schema: pg_dump leaves
 * extension members out of backups, and the extension's drop takes them.
 */
static void
inspect_extension_add(CmGuardScope *scope, AlterExtensionContentsStmt *stmt)
{
	static const char *const hint =
	"Keep namespace objects out of extensions: pg_dump leaves extension members out of backups.";
	GuardRel	r;

	switch (stmt->objtype)
	{
		case RELATION_OBJECT_TYPES:
			if (lookup_rv(makeRangeVarFromNameList(castNode(List, stmt->object)), &r) && r.guarded)
				cmodel_guard_violation(scope, drop_rule(r.relkind), r.ns, hint,
									   "cannot add %s \"%s\" to extension \"%s\"",
									   kind_word(r.relkind), r.qualname, stmt->extname);
			break;
		case OBJECT_SCHEMA:
			if (cmodel_probe_is_namespace(strVal(stmt->object)))
				cmodel_guard_violation(scope, CM_GUARD_NAMESPACE, strVal(stmt->object), hint,
									   "cannot add namespace schema \"%s\" to extension \"%s\"",
									   strVal(stmt->object), stmt->extname);
			break;
		default:
			break;
	}
}

/* DROP OWNED BY the extension's owner would take the extension with it. */
static void
inspect_drop_owned(CmGuardScope *scope, DropOwnedStmt *stmt)
{
	Oid			owner = cmodel_probe_registry_owner();
	ListCell   *lc;

	foreach(lc, stmt->roles)
		if (get_rolespec_oid(lfirst(lc), true) == owner)
			cmodel_guard_extension_violation(scope,
											 "drop the objects of the role that owns extension \"cmodel\"");
}

/* ------------------------------------------------------------------------
 * Entry point
 * ------------------------------------------------------------------------
 */

/* Judge one DDL statement before it runs. */
void
cmodel_guard_inspect(Node *stmt, CmGuardScope *scope)
{
	if (stmt == NULL)
		return;
	switch (nodeTag(stmt))
	{
		case T_AlterTableStmt:
			inspect_alter_table(scope, (AlterTableStmt *) stmt);
			break;
		case T_AlterTableMoveAllStmt:
			inspect_move_all(scope, (AlterTableMoveAllStmt *) stmt);
			break;
		case T_CreateStmt:
			inspect_create(scope, (CreateStmt *) stmt);
			break;
		case T_CreateForeignTableStmt:
			inspect_create(scope, &((CreateForeignTableStmt *) stmt)->base);
			break;
		case T_AlterEnumStmt:
			if (((AlterEnumStmt *) stmt)->oldVal)
				check_type_change(scope, type_by_name(((AlterEnumStmt *) stmt)->typeName),
								  CM_GUARD_ALTER_FIELD, "rename a value of");
			break;
		case T_CreateFunctionStmt:
			{
				CreateFunctionStmt *f = (CreateFunctionStmt *) stmt;

				if (f->replace && !creating_extension && list_length(f->funcname) > 1 &&
					strcmp(strVal(linitial(f->funcname)), "cmodel") == 0)
					cmodel_guard_extension_violation(scope, "replace a function of cmodel's registry schema");
			}
			break;
		case T_CreateTableAsStmt:
			inspect_create_as(scope, (CreateTableAsStmt *) stmt);
			break;
		case T_DropStmt:
			inspect_drop(scope, (DropStmt *) stmt);
			break;
		case T_RenameStmt:
			inspect_rename(scope, (RenameStmt *) stmt);
			break;
		case T_AlterObjectSchemaStmt:
			inspect_set_schema(scope, (AlterObjectSchemaStmt *) stmt);
			break;
		case T_AlterDomainStmt:
			inspect_domain(scope, (AlterDomainStmt *) stmt);
			break;
		case T_AlterSeqStmt:
			inspect_named_rel(scope, ((AlterSeqStmt *) stmt)->sequence,
							  CM_GUARD_SEQUENCE, "alter");
			break;
		case T_RuleStmt:
			inspect_named_rel(scope, ((RuleStmt *) stmt)->relation,
							  CM_GUARD_STANDALONE, "create a rule on");
			break;
		case T_CreateTrigStmt:
			{
				CreateTrigStmt *ct = (CreateTrigStmt *) stmt;
				GuardRel	r;

				inspect_named_rel(scope, ct->relation, 0, NULL);
				/* CREATE OR REPLACE TRIGGER would swap the function */
				if (ct->replace && lookup_rv(ct->relation, &r) &&
					cmodel_is_cmodel_trigger(r.relid, ct->trigname))
					trigger_violation(scope, &r, "replace", ct->trigname);
			}
			break;
		case T_AlterObjectDependsStmt:
			/* An index that depends on an extension is dropped with it. */
			if (((AlterObjectDependsStmt *) stmt)->objectType == OBJECT_INDEX)
				inspect_named_rel(scope, ((AlterObjectDependsStmt *) stmt)->relation,
								  CM_GUARD_DROP_INDEX, "make an extension own");
			break;
		case T_IndexStmt:
			inspect_named_rel(scope, ((IndexStmt *) stmt)->relation, 0, NULL);
			break;
		case T_CreateSeqStmt:
			{
				RangeVar   *rv = ((CreateSeqStmt *) stmt)->sequence;
				char	   *ns = cmodel_probe_schema_namespace(creation_schema(rv));

				if (ns && rv->relpersistence == RELPERSISTENCE_UNLOGGED)
					cmodel_guard_violation(scope, CM_GUARD_STANDALONE, ns, NULL,
										   "cannot create unlogged sequence \"%s.%s\"", ns, rv->relname);
				else if (ns)
					cmodel_guard_touch(scope, ns);
			}
			break;
		case T_ViewStmt:
			touch_schema(scope, creation_schema(((ViewStmt *) stmt)->view));
			break;
		case T_CreateSchemaStmt:
			touch_schema_name(scope, ((CreateSchemaStmt *) stmt)->schemaname);
			break;
		case T_ImportForeignSchemaStmt:
			touch_schema_name(scope, ((ImportForeignSchemaStmt *) stmt)->local_schema);
			break;
		case T_DropOwnedStmt:
			inspect_drop_owned(scope, (DropOwnedStmt *) stmt);
			break;
		case T_AlterExtensionContentsStmt:
			{
				AlterExtensionContentsStmt *s = (AlterExtensionContentsStmt *) stmt;

				if (s->action < 0 && strcmp(s->extname, "cmodel") == 0)
					cmodel_guard_extension_violation(scope,
													 "remove objects from extension \"cmodel\"");
				else if (s->action > 0)
					inspect_extension_add(scope, s);
			}
			break;
		default:
			break;
	}
}

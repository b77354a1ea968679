/*-------------------------------------------------------------------------
 *
 * guard_alter.c
 *	  The lifecycle guard's rules for ALTER TABLE, and for the columns and
 *	  constraints a statement adds to a namespace table.
 *
 * An allow-list: adding nullable columns (with a constant default if
 * wanted) and UNIQUE constraints, and settings that neither change data nor
 * scan or rewrite a table, are allowed on guarded relations; every other
 * ALTER TABLE form is refused, including ones PostgreSQL adds later.
 * Subcommands of an ALTER on any table that reach a guarded one (inherit
 * from it, attach it, reference it) are refused too, and so is moving a
 * namespace's relations with ALTER ... ALL IN TABLESPACE.
 *
 * One exception serves restores: pg_dump adds primary keys after loading
 * data, so adding a primary key to a namespace table that has none is
 * allowed.
 *
 * src/server/guard_alter.c
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
#include "catalog/pg_constraint.h"
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

/* A REFERENCES constraint whose target is a guarded table. */
void
cmodel_guard_check_reference(CmGuardScope *scope, Constraint *c, const char *from)
{
	CmGuardRel	target;

	if (c->contype != CONSTR_FOREIGN || !cmodel_guard_lookup_rv(c->pktable, &target))
		return;
	if (target.guarded)
		cmodel_guard_violation(scope, CM_GUARD_CONSTRAINT, target.ns, CM_GUARD_FK_HINT,
							   "cannot make table \"%s\" reference table \"%s\"",
							   from, target.qualname);
	/*
	 * The foreign key's actions would run other code (and its triggers)
	 * inside cmodel's own registry writes, which the registry's lock lets
	 * through.
	 */
	else if (target.registry)
		cmodel_guard_violation(scope, CM_GUARD_REGISTRY, "cmodel", NULL,
							   "cannot make table \"%s\" reference cmodel's registry table \"%s\"",
							   from, target.qualname);
}

/*
 * ADD CONSTRAINT name UNIQUE USING INDEX index renames the index to the
 * constraint's name.
 */
static void
check_using_index(CmGuardScope *scope, CmGuardRel *r, Constraint *c)
{
	if (c->indexname && c->conname && strcmp(c->indexname, c->conname) != 0)
		cmodel_guard_violation(scope, CM_GUARD_DROP_INDEX, r->ns, NULL,
							   "cannot rename index \"%s.%s\" to \"%s\" by adding a constraint over it",
							   r->ns, c->indexname, c->conname);
}

/*
 * CREATE TABLE ... (LIKE source INCLUDING CONSTRAINTS | INDEXES | ALL) in a
 * namespace: the source's CHECK constraints (INCLUDING CONSTRAINTS) and
 * exclusion constraints (INCLUDING INDEXES) would come along, which the
 * guard refuses when they are written out (and a dump could not restore).
 */
void
cmodel_guard_check_like(CmGuardScope *scope, const char *ns, const char *qualname,
						TableLikeClause *like)
{
	Oid			source = RangeVarGetRelidExtended(like->relation, NoLock, RVR_MISSING_OK,
												  NULL, NULL);
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;

	if (!OidIsValid(source) ||
		!(like->options & (CREATE_TABLE_LIKE_CONSTRAINTS | CREATE_TABLE_LIKE_INDEXES)))
		return;
	rel = table_open(ConstraintRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_constraint_conrelid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(source));
	scan = systable_beginscan(rel, ConstraintRelidTypidNameIndexId, true, NULL, 1, &key);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tuple);

		if ((con->contype == CONSTRAINT_CHECK && (like->options & CREATE_TABLE_LIKE_CONSTRAINTS)) ||
			(con->contype == CONSTRAINT_EXCLUSION && (like->options & CREATE_TABLE_LIKE_INDEXES)))
		{
			cmodel_guard_violation(scope, CM_GUARD_CONSTRAINT, ns,
								   "Leave the constraints out: CREATE TABLE ... (LIKE ... INCLUDING ALL EXCLUDING CONSTRAINTS EXCLUDING INDEXES), then add UNIQUE indexes by name.",
								   "cannot create table \"%s\" with %s constraint \"%s\" copied from table \"%s\"",
								   qualname, con->contype == CONSTRAINT_CHECK ? "CHECK" : "exclusion",
								   NameStr(con->conname), get_rel_name(source));
			break;
		}
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
}

/* A constraint added to a guarded table (ALTER TABLE ADD, or on a column). */
void
cmodel_guard_check_new_constraint(CmGuardScope *scope, CmGuardRel *r, Constraint *c)
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
			cmodel_guard_violation(scope, CM_GUARD_CONSTRAINT, r->ns, CM_GUARD_FK_HINT,
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

/*
 * Is the column's default a constant (a literal, possibly cast)?  Then
 * PostgreSQL records it for the rows that exist instead of rewriting the
 * table, and a NOT NULL with it needs no scan: what Django's rules add.
 */
static bool
constant_default(ColumnDef *cd)
{
	Node	   *e = cd->raw_default;
	ListCell   *lc;

	foreach(lc, cd->constraints)
	{
		Constraint *c = lfirst_node(Constraint, lc);

		if (c->contype == CONSTR_DEFAULT)
			e = c->raw_expr;
	}
	while (e && IsA(e, TypeCast))
		e = ((TypeCast *) e)->arg;
	return e != NULL && IsA(e, A_Const) && !((A_Const *) e)->isnull;
}

/* ALTER TABLE ... ADD COLUMN on a guarded table. */
void
cmodel_guard_check_new_column(CmGuardScope *scope, CmGuardRel *r, ColumnDef *cd)
{
	bool		not_null = cd->is_not_null;
	bool		plain = !(cd->identity || cd->generated || is_serial(cd->typeName));
	ListCell   *lc;

	foreach(lc, cd->constraints)
	{
		Constraint *c = lfirst_node(Constraint, lc);

		if (c->contype == CONSTR_NOTNULL)
			not_null = true;
		else if (c->contype == CONSTR_IDENTITY || c->contype == CONSTR_GENERATED)
			plain = false;
		else
			cmodel_guard_check_new_constraint(scope, r, c);
	}
	if (not_null && !constant_default(cd))
		plain = false;
	if (!plain)
		cmodel_guard_violation(scope, CM_GUARD_ADD_FIELD, r->ns, NULL,
							   "cannot add column \"%s.%s\" as NOT NULL without a constant default, identity, serial or generated",
							   r->qualname, cd->colname);
	cmodel_guard_check_temp_column(scope, r->ns, r->qualname, cd);
}

/* One subcommand applied to a guarded relation. */
static void
check_alter_cmd(CmGuardScope *scope, CmGuardRel *r, AlterTableCmd *cmd)
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
			cmodel_guard_check_new_column(scope, r, castNode(ColumnDef, cmd->def));
			break;
		case AT_AddConstraint:
		case AT_AddConstraintRecurse:
			cmodel_guard_check_new_constraint(scope, r, castNode(Constraint, cmd->def));
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
								   cmodel_guard_kind_word(r->relkind), r->qualname);
			break;
		case AT_SetAccessMethod:
		case AT_SetTableSpace:
			cmodel_guard_violation(scope, CM_GUARD_REWRITE, r->ns, NULL,
								   "cannot move %s \"%s\" to another access method or tablespace",
								   cmodel_guard_kind_word(r->relkind), r->qualname);
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
								   cmodel_guard_kind_word(r->relkind), r->qualname);
			break;
		case AT_DisableTrigAll:
		case AT_DisableTrigUser:
			cmodel_guard_violation(scope, CM_GUARD_TRIGGERS, r->ns, NULL,
								   "cannot disable all triggers of table \"%s\"", r->qualname);
			break;
		default:
			cmodel_guard_violation(scope, CM_GUARD_REWRITE, r->ns, NULL,
								   "cannot apply this form of ALTER TABLE to %s \"%s\"",
								   cmodel_guard_kind_word(r->relkind), r->qualname);
			break;
	}
}

/*
 * ALTER COLUMN ... TYPE to the type, modifier and collation the column has,
 * with no USING but the column itself: a migration tool's no-op.
 */
static bool
same_type(CmGuardRel *r, AlterTableCmd *cmd)
{
	ColumnDef  *def = castNode(ColumnDef, cmd->def);
	AttrNumber	attnum = get_attnum(r->relid, cmd->name);
	Oid			typid;
	int32		typmod;
	Oid			cur_type;
	int32		cur_typmod;
	Oid			cur_coll;
	Type		tup;

	if (attnum == InvalidAttrNumber || def->collClause ||
		(def->raw_default && !(IsA(def->raw_default, ColumnRef) &&
							   list_length(((ColumnRef *) def->raw_default)->fields) == 1 &&
							   IsA(linitial(((ColumnRef *) def->raw_default)->fields), String) &&
							   strcmp(strVal(linitial(((ColumnRef *) def->raw_default)->fields)), cmd->name) == 0)))
		return false;
	tup = LookupTypeName(NULL, def->typeName, &typmod, true);
	if (tup == NULL)
		return false;
	typid = typeTypeId(tup);
	ReleaseSysCache(tup);
	get_atttypetypmodcoll(r->relid, attnum, &cur_type, &cur_typmod, &cur_coll);
	return typid == cur_type && typmod == cur_typmod;
}

/*
 * Subcommands of an ALTER on any table that reach a guarded one: inherit
 * from it, attach or detach it as a partition, or reference it; and those
 * that would bypass the on_delete of a table relations point at.
 */
static void
check_alter_reach(CmGuardScope *scope, CmGuardRel *r, AlterTableCmd *cmd)
{
	CmGuardRel	other = {0};

	switch (cmd->subtype)
	{
		case AT_AddInherit:
		case AT_DropInherit:
			if (cmodel_guard_lookup_rv(castNode(RangeVar, cmd->def), &other) && other.guarded)
				cmodel_guard_violation(scope, CM_GUARD_STANDALONE, other.ns, NULL,
									   "cannot change whether table \"%s\" inherits from table \"%s\"",
									   r->qualname, other.qualname);
			else if (cmd->subtype == AT_AddInherit && other.relid != InvalidOid)
				cmodel_guard_check_core_parent(scope, &other, "add an inheritance child to");
			/* a DELETE of the new parent's rows would skip this table's on_delete */
			if (cmd->subtype == AT_AddInherit)
				cmodel_guard_check_core_parent(scope, r, "change the inheritance of");
			break;
		case AT_SetUnLogged:
			cmodel_guard_check_core_parent(scope, r, "make unlogged");
			break;
		case AT_AttachPartition:
			cmodel_guard_check_core_parent(scope, r, "attach a partition to");
			/* FALLTHROUGH */
		case AT_DetachPartition:
		case AT_DetachPartitionFinalize:
			if (cmodel_guard_lookup_rv(castNode(PartitionCmd, cmd->def)->name, &other) && other.guarded)
				cmodel_guard_violation(scope, CM_GUARD_STANDALONE, other.ns, NULL,
									   "cannot attach or detach %s \"%s\" as a partition",
									   cmodel_guard_kind_word(other.relkind), other.qualname);
			else if (cmd->subtype == AT_AttachPartition && other.relid != InvalidOid)
				cmodel_guard_check_core_parent(scope, &other, "attach as a partition the");
			break;
		case AT_AddConstraint:
		case AT_AddConstraintRecurse:
			cmodel_guard_check_reference(scope, castNode(Constraint, cmd->def), r->qualname);
			break;
		case AT_AddColumn:
		case AT_AddColumnRecurse:
			{
				ListCell   *lc;

				foreach(lc, castNode(ColumnDef, cmd->def)->constraints)
					cmodel_guard_check_reference(scope, lfirst_node(Constraint, lc), r->qualname);
			}
			break;
		case AT_EnableReplicaTrig:
			/* the row twin of cmodel_on_delete is made REPLICA (on a Citus shard too, named <name>_<shard>) */
			if (cmd->name && cmodel_trigger_bit(r->relid, cmd->name) == CM_TRIG_DELETE_ROW)
				break;
			/* FALLTHROUGH */
		case AT_DisableTrig:
			if (cmodel_is_cmodel_trigger(r->relid, cmd->name))
				cmodel_guard_trigger_violation(scope, r, "disable", cmd->name);
			break;
		case AT_EnableTrig:
			/* ENABLE (ORIGIN) would let session_replication_role = replica skip it */
			if (cmodel_is_cmodel_trigger(r->relid, cmd->name))
				cmodel_guard_trigger_violation(scope, r, "ENABLE (ORIGIN)", cmd->name);
			break;
		case AT_DisableTrigAll:
		case AT_DisableTrigUser:
			/* namespace tables refuse it anyway; this covers core tables */
			if (!r->guarded && cmodel_is_cmodel_trigger(r->relid, NULL))
				cmodel_guard_trigger_violation(scope, r, "disable all", NULL);
			break;
		case AT_EnableTrigAll:
		case AT_EnableTrigUser:
			/* passes: cmodel_guard_restore_trigger_modes puts cmodel's back afterwards */
			break;
		case AT_DropColumn:
		case AT_DropColumnRecurse:
		case AT_AlterColumnType:
			/* A composite type's attribute, or a table's row type, in use. */
			if (!r->guarded)
				cmodel_guard_check_type_change(scope, get_rel_type_id(r->relid), CM_GUARD_ALTER_FIELD,
								  "drop or retype an attribute of");
			if (!r->guarded && cmd->name &&
				!(cmd->subtype == AT_AlterColumnType && same_type(r, cmd)))
				cmodel_guard_check_core_key_column(scope, r, cmd->name,
												   cmd->subtype == AT_AlterColumnType ? "change the type of" : "drop");
			break;
		case AT_DropConstraint:
		case AT_DropConstraintRecurse:
			if (!r->guarded && cmd->name)
			{
				Oid			con = get_relation_constraint_oid(r->relid, cmd->name, true);

				if (OidIsValid(con) && OidIsValid(get_constraint_index(con)))
					cmodel_guard_check_core_key_index(scope, get_constraint_index(con));
			}
			break;
		default:
			break;
	}
}

void
cmodel_guard_inspect_alter_table(CmGuardScope *scope, AlterTableStmt *stmt)
{
	CmGuardRel	top;
	List	   *rels;
	ListCell   *lc;
	ListCell   *cc;

	if (!cmodel_guard_lookup_rv(stmt->relation, &top))
		return;
	if (top.registry)
		cmodel_guard_violation(scope, CM_GUARD_REGISTRY, "cmodel", NULL,
							   "cannot alter cmodel's registry relation \"%s\"", top.qualname);
	foreach(cc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, cc);

		check_alter_reach(scope, &top, cmd);
		/*
		 * ALTER TYPE ... ADD ATTRIBUTE of a type namespace columns use, or
		 * ALTER TABLE ... ADD COLUMN of a table whose row type they use
		 */
		if ((cmd->subtype == AT_AddColumn || cmd->subtype == AT_AddColumnRecurse) && !top.guarded)
			cmodel_guard_check_temp_attribute(scope, get_rel_type_id(top.relid),
											  castNode(ColumnDef, cmd->def));
	}
	rels = list_make1_oid(top.relid);
	if (stmt->relation->inh && has_subclass(top.relid))
		rels = find_all_inheritors(top.relid, NoLock, NULL);
	foreach(lc, rels)
	{
		CmGuardRel	r;

		if (!cmodel_guard_describe_rel(lfirst_oid(lc), &r))
			continue;
		cmodel_guard_note_rel(scope, &r);
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
		return cmodel_guard_is_index(relkind);
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
void
cmodel_guard_inspect_move_all(CmGuardScope *scope, AlterTableMoveAllStmt *stmt)
{
	Oid			tablespace = get_tablespace_oid(stmt->orig_tablespacename, true);
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	CmGuardRel	first = {0};

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
		CmGuardRel	r;

		if (!moved_by(stmt->objtype, form->relkind) ||
			!owned_by(stmt->roles, form->relowner) ||
			cmodel_probe_schema_namespace(form->relnamespace) == NULL ||
			!cmodel_guard_describe_rel(form->oid, &r))
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
							   cmodel_guard_kind_word(first.relkind), first.qualname);
}

/*
 * See cmodel.h: after ALTER TABLE ... ADD COLUMN ... DEFAULT on a model
 * table.  A non-volatile default is stored once (pg_attribute's
 * attmissingval) and every existing row has it without being written, so
 * cmodel_write never sees it: a default over the value limit is refused
 * here.  (A volatile one rewrites the table, which the guard refuses.)
 */
void
cmodel_guard_check_new_defaults(AlterTableStmt *stmt)
{
	Oid			relid = RangeVarGetRelidExtended(stmt->relation, NoLock, RVR_MISSING_OK, NULL, NULL);
	Relation	rel;
	ListCell   *lc;

	if (!OidIsValid(relid) || !(cmodel_triggers_of(relid, NULL) & CM_TRIG_WRITE))
		return;
	rel = table_open(relid, NoLock);	/* the ALTER holds its lock */
	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);
		ColumnDef  *cd;
		AttrNumber	attnum;
		Form_pg_attribute att;
		CmLimitKind kind;
		bool		isnull;
		Datum		value;
		int64		size;

		if ((cmd->subtype != AT_AddColumn && cmd->subtype != AT_AddColumnRecurse) ||
			(cd = castNode(ColumnDef, cmd->def))->colname == NULL ||
			(attnum = get_attnum(relid, cd->colname)) == InvalidAttrNumber)
			continue;
		att = TupleDescAttr(RelationGetDescr(rel), attnum - 1);
		if (!att->atthasmissing || !cmodel_limit_kind(att->atttypid, &kind))
			continue;
		value = getmissingattr(RelationGetDescr(rel), attnum, &isnull);
		if (isnull || (size = cmodel_value_size(kind, value)) <= CM_VALUE_LIMIT)
			continue;
		ereport(ERROR,
				(errcode(ERRCODE_STRING_DATA_RIGHT_TRUNCATION),
				 errmsg("default of new column \"%s\" of table \"%s.%s\" is too long: " INT64_FORMAT " %s",
						cd->colname, get_namespace_name(RelationGetNamespace(rel)),
						RelationGetRelationName(rel), size, cmodel_limit_unit(kind)),
				 errdetail("%s Every existing row would hold the default without being written.",
						   cmodel_limit_rule(kind)),
				 errhint("Add the column with a shorter default, or none."),
				 errtablecol(rel, attnum)));
	}
	table_close(rel, NoLock);
}

/*
 * See cmodel.h: after ALTER TABLE ... ENABLE TRIGGER ALL | USER, which
 * PostgreSQL carries out by making every trigger ENABLE (ORIGIN): cmodel's
 * triggers of the table (and of its inheritors) are put back to the modes
 * cmodel made them with, so replica mode still does not skip them.
 */
void
cmodel_guard_restore_trigger_modes(AlterTableStmt *stmt)
{
	ListCell   *lc;
	Oid			relid = RangeVarGetRelidExtended(stmt->relation, NoLock, RVR_MISSING_OK, NULL, NULL);
	bool		enables = false;

	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);

		enables |= cmd->subtype == AT_EnableTrigAll || cmd->subtype == AT_EnableTrigUser;
	}
	if (!enables || !OidIsValid(relid))
		return;
	foreach(lc, stmt->relation->inh && has_subclass(relid) ?
			find_all_inheritors(relid, NoLock, NULL) : list_make1_oid(relid))
		cmodel_restore_trigger_modes(lfirst_oid(lc));
}

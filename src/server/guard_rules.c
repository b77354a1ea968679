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
 * namespace ("guarded" relations, guard_rel.c): creating things and the
 * additive ALTER TABLE forms (guard_alter.c) are allowed, dropping,
 * renaming and moving them is not.  Views, functions and types in a
 * namespace hold no plugin data and are left alone.  Drops that do not name
 * their victims are left to the sql_drop trigger (guard.c), rewrites nobody
 * foresaw to the table_rewrite trigger.  CHECK and exclusion constraints,
 * which pg_dump adds after the data, are refused when a namespace table is
 * created (a restore adds its primary key later, see guard_alter.c).  The
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
#include "access/relation.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/index.h"
#include "catalog/namespace.h"
#include "catalog/objectaddress.h"
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
#include "parser/parse_func.h"
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

/* The creation schema of a new relation, or InvalidOid for temporary ones. */
static Oid
creation_schema(RangeVar *rv)
{
	if (rv->relpersistence == RELPERSISTENCE_TEMP)
		return InvalidOid;
	return RangeVarGetCreationNamespace(rv);
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
		CmGuardRel	parent;

		if (!cmodel_guard_lookup_rv(lfirst_node(RangeVar, lc), &parent))
			continue;
		if (parent.guarded)
			cmodel_guard_violation(scope, CM_GUARD_STANDALONE, parent.ns, NULL,
								   "cannot create table \"%s\" as a child or partition of table \"%s\"",
								   qualname, parent.qualname);
		else if (parent.registry)
			/* cmodel's reads of the parent would read the child's rows too */
			cmodel_guard_violation(scope, CM_GUARD_REGISTRY, "cmodel", NULL,
								   "cannot create table \"%s\" as a child of cmodel's registry table \"%s\"",
								   qualname, parent.qualname);
		else
			cmodel_guard_check_core_parent(scope, &parent, "add an inheritance child or partition to");
	}
	foreach(lc, stmt->tableElts)
	{
		Node	   *elt = lfirst(lc);
		List	   *constraints = NIL;
		ListCell   *cc;

		if (IsA(elt, ColumnDef))
		{
			constraints = ((ColumnDef *) elt)->constraints;
			if (ns)
				cmodel_guard_check_temp_column(scope, ns, qualname, (ColumnDef *) elt);
		}
		else if (IsA(elt, Constraint))
			constraints = list_make1(elt);
		else if (IsA(elt, TableLikeClause) && ns)
		{
			cmodel_guard_check_like(scope, ns, qualname, (TableLikeClause *) elt);
			cmodel_guard_check_temp_like(scope, ns, qualname, (TableLikeClause *) elt);
		}
		foreach(cc, constraints)
		{
			Constraint *c = lfirst_node(Constraint, cc);

			if (ns && c->contype == CONSTR_FOREIGN)
				cmodel_guard_violation(scope, CM_GUARD_CONSTRAINT, ns, CM_GUARD_FK_HINT,
									   "cannot create table \"%s\" with a REFERENCES constraint",
									   qualname);
			/* pg_dump adds these after the data, which the guard would refuse. */
			if (ns && (c->contype == CONSTR_CHECK || c->contype == CONSTR_EXCLUSION))
				cmodel_guard_violation(scope, CM_GUARD_CONSTRAINT, ns, NULL,
									   "cannot create table \"%s\" with a CHECK or exclusion constraint",
									   qualname);
			cmodel_guard_check_reference(scope, c, qualname);
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
					CmGuardRel	r;

					if (!cmodel_guard_lookup_rv(makeRangeVarFromNameList(lfirst(lc)), &r))
						break;
					if (r.guarded)
						cmodel_guard_note_rel(scope, &r);
					if (r.guarded)
						cmodel_guard_violation(scope, cmodel_guard_drop_rule(r.relkind), r.ns, NULL,
											   "cannot drop %s \"%s\"",
											   cmodel_guard_kind_word(r.relkind), r.qualname);
					else if (r.ns == NULL && cmodel_guard_is_index(r.relkind))
					{
						cmodel_guard_note_rel(scope, &r);	/* perhaps a core table's key */
						cmodel_guard_check_core_key_index(scope, r.relid);
					}
					else if (r.ns == NULL)
						cmodel_guard_check_core_parent(scope, &r, "drop");
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
					CmGuardRel	r;

					if (cmodel_guard_lookup_rv(makeRangeVarFromNameList(list_truncate(list_copy(names),
																		 list_length(names) - 1)), &r) &&
						cmodel_is_cmodel_trigger(r.relid, trigger))
						cmodel_guard_trigger_violation(scope, &r, "drop", trigger);
				}
				break;
			default:
				/* Whatever else a drop reaches, sql_drop sees. */
				return;
		}
	}
}

/*
 * A BEFORE row trigger on INSERT or UPDATE named name, on a table with
 * cmodel's write trigger, must sort before it: triggers of one kind fire in
 * name order, and one after cmodel_write could change a row after cmodel
 * checked it.
 */
static void
check_write_order(CmGuardScope *scope, CmGuardRel *r, const char *name, const char *what)
{
	const char *write_name = cm_trigger_name(CM_TRIG_WRITE);

	if (strcmp(name, write_name) <= 0 || !(cmodel_triggers_of(r->relid, NULL) & CM_TRIG_WRITE))
		return;
	cmodel_guard_violation(scope, CM_GUARD_TRIGGER_ORDER, r->qualname,
						   psprintf("Name the trigger so that it sorts before \"%s\", for example \"a_%s\".",
									write_name, name),
						   "cannot %s BEFORE row trigger \"%s\" of table \"%s\" to fire after \"%s\"",
						   what, name, r->qualname, write_name);
}

/*
 * A change to one of cmodel's own functions (its settings, name, schema or
 * owner) from outside cmodel's scripts: ALTER FUNCTION cmodel.on_write()
 * SET cmodel.max_bulk_rows = 0 would switch a limit off for every client.
 */
static void
check_cmodel_function(CmGuardScope *scope, ObjectType type, ObjectWithArgs *func, const char *what)
{
	Oid			fn;

	if (func == NULL || cmodel_probe_own_script())
		return;
	fn = LookupFuncWithArgs(type, func, true);
	if (!OidIsValid(fn) || get_func_namespace(fn) != get_namespace_oid("cmodel", true))
		return;
	cmodel_guard_violation(scope, CM_GUARD_REGISTRY, "cmodel", NULL,
						   "cannot %s function \"%s\" of cmodel's registry schema",
						   what, NameListToString(func->objname));
}

static void
inspect_rename(CmGuardScope *scope, RenameStmt *stmt)
{
	CmGuardRel	r;

	switch (stmt->renameType)
	{
		case OBJECT_FUNCTION:
		case OBJECT_PROCEDURE:
		case OBJECT_ROUTINE:
			check_cmodel_function(scope, stmt->renameType, castNode(ObjectWithArgs, stmt->object), "rename");
			break;
		case RELATION_OBJECT_TYPES:
			if (!cmodel_guard_lookup_rv(stmt->relation, &r))
				return;
			cmodel_guard_note_rel(scope, &r);
			if (r.guarded)
				cmodel_guard_violation(scope, cmodel_guard_drop_rule(r.relkind), r.ns, NULL,
									   "cannot rename %s \"%s\"", cmodel_guard_kind_word(r.relkind), r.qualname);
			if (r.registry)
				cmodel_guard_violation(scope, CM_GUARD_REGISTRY, "cmodel", NULL,
									   "cannot rename cmodel's registry relation \"%s\"", r.qualname);
			break;
		case OBJECT_COLUMN:
		case OBJECT_ATTRIBUTE:
			{
				List	   *rels;
				ListCell   *lc;

				if (!cmodel_guard_lookup_rv(stmt->relation, &r))
					return;
				rels = list_make1_oid(r.relid);
				if (stmt->relation->inh && has_subclass(r.relid))
					rels = find_all_inheritors(r.relid, NoLock, NULL);
				foreach(lc, rels)
				{
					CmGuardRel	child;

					if (!cmodel_guard_describe_rel(lfirst_oid(lc), &child))
						continue;
					cmodel_guard_note_rel(scope, &child);
					if (child.guarded)
						cmodel_guard_violation(scope, CM_GUARD_DROP_FIELD, child.ns, NULL,
											   "cannot rename column \"%s.%s\"",
											   child.qualname, stmt->subname);
					else if (child.registry)
						cmodel_guard_violation(scope, CM_GUARD_REGISTRY, "cmodel", NULL,
											   "cannot rename a column of cmodel's registry relation \"%s\"",
											   child.qualname);
					else
						cmodel_guard_check_type_change(scope, get_rel_type_id(child.relid),
										  CM_GUARD_ALTER_FIELD, "rename an attribute of");
				}
			}
			break;
		case OBJECT_TABCONSTRAINT:
			if (!cmodel_guard_lookup_rv(stmt->relation, &r))
				return;
			cmodel_guard_note_rel(scope, &r);
			if (r.guarded)
				cmodel_guard_violation(scope, CM_GUARD_DROP_INDEX, r.ns, NULL,
									   "cannot rename constraint \"%s\" of table \"%s\"",
									   stmt->subname, r.qualname);
			break;
		case OBJECT_SCHEMA:
			if (cmodel_probe_is_namespace(stmt->subname))
				cmodel_guard_violation(scope, CM_GUARD_NAMESPACE, stmt->subname, NULL,
									   "cannot rename namespace schema \"%s\"", stmt->subname);
			else if (strcmp(stmt->subname, "cmodel") == 0 && !cmodel_probe_own_script())
				cmodel_guard_violation(scope, CM_GUARD_REGISTRY, "cmodel", NULL,
									   "cannot rename cmodel's registry schema \"cmodel\"");
			break;
		case OBJECT_TRIGGER:
			if (cmodel_guard_lookup_rv(stmt->relation, &r))
			{
				cmodel_guard_note_rel(scope, &r);
				/* a renamed trigger's name could be taken by another one */
				if (cmodel_is_cmodel_trigger(r.relid, stmt->subname))
					cmodel_guard_trigger_violation(scope, &r, "rename", stmt->subname);
				else
				{
					int			type = cmodel_trigger_type(r.relid, stmt->subname);

					if (type >= 0 && TRIGGER_FOR_ROW(type) && TRIGGER_FOR_BEFORE(type) &&
						(TRIGGER_FOR_INSERT(type) || TRIGGER_FOR_UPDATE(type)))
						check_write_order(scope, &r, stmt->newname, "rename to");
				}
			}
			break;
		case OBJECT_RULE:
		case OBJECT_POLICY:
			if (cmodel_guard_lookup_rv(stmt->relation, &r))
				cmodel_guard_note_rel(scope, &r);
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
	CmGuardRel	r;

	touch_schema_name(scope, stmt->newschema);
	if (stmt->objectType == OBJECT_FUNCTION || stmt->objectType == OBJECT_PROCEDURE ||
		stmt->objectType == OBJECT_ROUTINE)
		check_cmodel_function(scope, stmt->objectType, castNode(ObjectWithArgs, stmt->object), "move");
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
	if (stmt->relation == NULL || !cmodel_guard_lookup_rv(stmt->relation, &r))
		return;
	cmodel_guard_note_rel(scope, &r);
	if (r.guarded)
		cmodel_guard_violation(scope, cmodel_guard_drop_rule(r.relkind), r.ns, NULL,
							   "cannot move %s \"%s\" to schema \"%s\"",
							   cmodel_guard_kind_word(r.relkind), r.qualname, stmt->newschema);
	if (r.registry)
		cmodel_guard_violation(scope, CM_GUARD_REGISTRY, "cmodel", NULL,
							   "cannot move cmodel's registry relation \"%s\"", r.qualname);
}

/* ------------------------------------------------------------------------
 * Sequences, domains, rules, dependencies, the extension
 * ------------------------------------------------------------------------
 */

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
		cmodel_guard_check_type_change(scope, type_by_name(stmt->typeName), CM_GUARD_CONSTRAINT,
						  "add or validate a constraint of");
	else if (stmt->subtype == 'T' || stmt->subtype == 'N')
		cmodel_guard_check_type_change(scope, type_by_name(stmt->typeName), CM_GUARD_ALTER_FIELD,
						  "change the default or nullability of");
}

/*
 * Relations a statement names directly: sequences, rules, triggers,
 * policies, indexes, dependencies.  what (NULL: allowed) is refused on a
 * guarded relation; on the registry every such statement is refused, as
 * one that would "create a trigger on" (and so on) it.
 */
static bool
inspect_named_rel(CmGuardScope *scope, RangeVar *rv, CmGuardRule rule, const char *what,
				  const char *on_registry, CmGuardRel *r)
{
	if (!cmodel_guard_lookup_rv(rv, r))
		return false;
	cmodel_guard_note_rel(scope, r);
	if (r->guarded && what)
		cmodel_guard_violation(scope, rule, r->ns, NULL, "cannot %s %s \"%s\"",
							   what, cmodel_guard_kind_word(r->relkind), r->qualname);
	if (r->registry)
		cmodel_guard_violation(scope, CM_GUARD_REGISTRY, "cmodel", NULL,
							   "cannot %s cmodel's registry relation \"%s\"",
							   on_registry, r->qualname);
	return true;
}


/*
 * CREATE TRIGGER: CREATE OR REPLACE of one of cmodel's triggers would swap
 * its function; a BEFORE row trigger on INSERT or UPDATE of a table with
 * cmodel's write trigger must fire before it (triggers of one kind fire in
 * name order), or it could change a row after cmodel checked it.
 */
static void
inspect_create_trigger(CmGuardScope *scope, CreateTrigStmt *ct)
{
	CmGuardRel	r;

	if (!inspect_named_rel(scope, ct->relation, 0, NULL, "create a trigger on", &r))
		return;
	if (ct->replace && cmodel_is_cmodel_trigger(r.relid, ct->trigname))
		cmodel_guard_trigger_violation(scope, &r, "replace", ct->trigname);
	else if (ct->row && ct->timing == TRIGGER_TYPE_BEFORE &&
			 (ct->events & (TRIGGER_TYPE_INSERT | TRIGGER_TYPE_UPDATE)))
		check_write_order(scope, &r, ct->trigname, "create");
	/* a trigger on a temporary function would vanish with its session */
	if (r.ns)
	{
		Oid			fn = LookupFuncName(ct->funcname, 0, NULL, true);

		if (OidIsValid(fn) && isAnyTempNamespace(get_func_namespace(fn)))
			cmodel_guard_violation(scope, CM_GUARD_TEMP, r.ns, NULL,
								   "cannot create trigger \"%s\" on table \"%s\": its function %s is temporary",
								   ct->trigname, r.qualname, NameListToString(ct->funcname));
	}
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
	CmGuardRel	r;

	switch (stmt->objtype)
	{
		case RELATION_OBJECT_TYPES:
			if (!cmodel_guard_lookup_rv(makeRangeVarFromNameList(castNode(List, stmt->object)), &r))
				break;
			if (r.guarded)
				cmodel_guard_violation(scope, cmodel_guard_drop_rule(r.relkind), r.ns, hint,
									   "cannot add %s \"%s\" to extension \"%s\"",
									   cmodel_guard_kind_word(r.relkind), r.qualname, stmt->extname);
			else
				/* a dump would leave the table out, and its children orphaned on restore */
				cmodel_guard_check_core_parent(scope, &r, psprintf("add to extension \"%s\" the", stmt->extname));
			break;
		case OBJECT_SCHEMA:
			if (cmodel_probe_is_namespace(strVal(stmt->object)))
				cmodel_guard_violation(scope, CM_GUARD_NAMESPACE, strVal(stmt->object), hint,
									   "cannot add namespace schema \"%s\" to extension \"%s\"",
									   strVal(stmt->object), stmt->extname);
			break;
		default:
			{
				/* a type, function or other object of a namespace's schema */
				Relation	rel = NULL;
				ObjectAddress addr = get_object_address(stmt->objtype, stmt->object, &rel,
														AccessShareLock, true);
				Oid			nspid;
				char	   *nsname;

				if (rel)
					relation_close(rel, AccessShareLock);
				if (!OidIsValid(addr.objectId) || !is_objectclass_supported(addr.classId))
					break;
				nspid = get_object_namespace(&addr);
				nsname = OidIsValid(nspid) ? get_namespace_name(nspid) : NULL;
				if (nsname && cmodel_probe_is_namespace(nsname))
					cmodel_guard_violation(scope, CM_GUARD_NAMESPACE, nsname, hint,
										   "cannot add %s to extension \"%s\"",
										   getObjectDescription(&addr, true), stmt->extname);
			}
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

/*
 * ALTER ... DEPENDS ON EXTENSION: what depends on an extension is dropped
 * with it, silently.  A namespace index or one of cmodel's triggers must
 * not; NO DEPENDS is always allowed.
 */
static void
inspect_depends(CmGuardScope *scope, AlterObjectDependsStmt *stmt)
{
	CmGuardRel	r;

	if (stmt->remove)
		return;
	if (stmt->objectType == OBJECT_INDEX)
		inspect_named_rel(scope, stmt->relation, CM_GUARD_DROP_INDEX, "make an extension own",
						  "make an extension own an index of", &r);
	else if (stmt->objectType == OBJECT_TRIGGER &&
			 inspect_named_rel(scope, stmt->relation, 0, NULL, "make an extension own a trigger of", &r))
	{
		const char *name = strVal(llast(castNode(List, stmt->object)));

		if (cmodel_is_cmodel_trigger(r.relid, name))
			cmodel_guard_trigger_violation(scope, &r, "make an extension own", name);
	}
}

/* Judge one DDL statement before it runs. */
void
cmodel_guard_inspect(Node *stmt, CmGuardScope *scope)
{
	CmGuardRel	r;

	if (stmt == NULL)
		return;
	switch (nodeTag(stmt))
	{
		case T_AlterTableStmt:
			cmodel_guard_inspect_alter_table(scope, (AlterTableStmt *) stmt);
			break;
		case T_AlterTableMoveAllStmt:
			cmodel_guard_inspect_move_all(scope, (AlterTableMoveAllStmt *) stmt);
			break;
		case T_CreateStmt:
			inspect_create(scope, (CreateStmt *) stmt);
			break;
		case T_CreateForeignTableStmt:
			inspect_create(scope, &((CreateForeignTableStmt *) stmt)->base);
			break;
		case T_AlterEnumStmt:
			if (((AlterEnumStmt *) stmt)->oldVal)
				cmodel_guard_check_type_change(scope, type_by_name(((AlterEnumStmt *) stmt)->typeName),
								  CM_GUARD_ALTER_FIELD, "rename a value of");
			break;
		case T_CreateFunctionStmt:
			{
				CreateFunctionStmt *f = (CreateFunctionStmt *) stmt;

				if (f->replace && !cmodel_probe_own_script() && list_length(f->funcname) > 1 &&
					strcmp(strVal(linitial(f->funcname)), "cmodel") == 0)
					cmodel_guard_violation(scope, CM_GUARD_REGISTRY, "cmodel", NULL,
										   "cannot replace function \"%s\" of cmodel's registry schema",
										   NameListToString(f->funcname));
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
							  CM_GUARD_SEQUENCE, "alter", "alter", &r);
			break;
		case T_RuleStmt:
			inspect_named_rel(scope, ((RuleStmt *) stmt)->relation,
							  CM_GUARD_STANDALONE, "create a rule on", "create a rule on", &r);
			break;
		case T_CreateTrigStmt:
			inspect_create_trigger(scope, (CreateTrigStmt *) stmt);
			break;
		case T_CreatePolicyStmt:
			inspect_named_rel(scope, ((CreatePolicyStmt *) stmt)->table, 0, NULL,
							  "create a policy on", &r);
			break;
		case T_AlterPolicyStmt:
			inspect_named_rel(scope, ((AlterPolicyStmt *) stmt)->table, 0, NULL,
							  "alter a policy on", &r);
			break;
		case T_AlterObjectDependsStmt:
			inspect_depends(scope, (AlterObjectDependsStmt *) stmt);
			break;
		case T_IndexStmt:
			if (inspect_named_rel(scope, ((IndexStmt *) stmt)->relation, 0, NULL,
								  "create an index on", &r) && r.ns)
				cmodel_guard_check_temp_index(scope, r.ns, (IndexStmt *) stmt);
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
		case T_AlterFunctionStmt:
			check_cmodel_function(scope, ((AlterFunctionStmt *) stmt)->objtype,
								  ((AlterFunctionStmt *) stmt)->func, "alter");
			break;
		case T_AlterOwnerStmt:
			if (((AlterOwnerStmt *) stmt)->objectType == OBJECT_SCHEMA && !cmodel_probe_own_script() &&
				strcmp(strVal(((AlterOwnerStmt *) stmt)->object), "cmodel") == 0)
				cmodel_guard_violation(scope, CM_GUARD_REGISTRY, "cmodel", NULL,
									   "cannot change the owner of cmodel's registry schema \"cmodel\"");
			else if (((AlterOwnerStmt *) stmt)->objectType == OBJECT_FUNCTION)
				check_cmodel_function(scope, OBJECT_FUNCTION,
									  castNode(ObjectWithArgs, ((AlterOwnerStmt *) stmt)->object), "change the owner of");
			break;
		case T_GrantStmt:
			cmodel_guard_inspect_grant(scope, (GrantStmt *) stmt);
			break;
		case T_AlterDefaultPrivilegesStmt:
			cmodel_guard_inspect_default_privileges(scope, (AlterDefaultPrivilegesStmt *) stmt);
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

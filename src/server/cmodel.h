/*-------------------------------------------------------------------------
 *
 * cmodel.h
 *	  Declarations shared by cmodel's server-side files (src/server).
 *
 * The server side wraps the backend-free core (src/core, cm_core.h) and
 * owns everything that needs PostgreSQL.  Its files, one concern each:
 *
 *	cmodel.c		_PG_init: hands over to each subsystem's init
 *	core_host.c		the core's host: quoting, server memory, core errors
 *	exec.c			kept plans of fixed queries, result cells, caught
 *					subtransactions
 *  registration	register.c (SQL entry points), namespace.c (name, lock,
 *					adoption), noop_cache.c, snapshot.c (what the planner
 *					reads), value_check.c, apply.c (the plan's DDL),
 *					registry.c (what it writes), upgrade.c
 *	access.c		access levels, the reporting role, plugin deployers and
 *					who may register; grants.c the privileges behind the
 *					levels, given to every new namespace relation
 *	adopt.c			what an existing table must be for cmodel to adopt it
 *	standby.c		writing functions need the primary (25006)
 *	triggers.c		cmodel's own triggers on a table
 *	relinfo.c		per-table rules of the data triggers, cached
 *	cascade.c		on_delete for DELETE and TRUNCATE; keyset.c its keys;
 *					preview.c cmodel_delete_preview()
 *	write.c			the write trigger: auto_now, value and row limits;
 *					write_stmt.c the statements it counts rows in, and the
 *					UPDATEs it is left out of
 *	hub_io.c		the attribute hub type cmodel.hub: its value format, input
 *					and output; hub_op.c reading and changing attributes;
 *					hub_query.c find conditions and @@; hub_gin.c the GIN
 *					operator class; hub_store.c every namespace's hub store
 *					and the functions on it
 *					(their shared declarations are hub.h)
 *	guard.c			the lifecycle guard's event triggers and drop watch;
 *					guard_rules.c what a statement does to namespaces, with
 *					guard_alter.c (ALTER TABLE, new columns and constraints)
 *					and guard_rel.c (the relations and types it reaches);
 *					guard_temp.c (nothing may depend on temporary objects);
 *					guard_grant.c (PUBLIC gets nothing in a namespace);
 *					guard_report.c refusing, break-glass, generations
 *	probe.c			fast registry reads for the guard
 *	citus.c			Citus: which node this is, distributed schemas, placing
 *					new tables in a namespace's colocation group, shards
 *	node_catalog.c	the registry's rules by table name, for shards on any
 *					node (a Citus reference table)
 *	registry_lock.c	the scope of cmodel's own registry writes, which
 *					guard_registry.c (the registry tables' trigger) lets
 *					through
 *
 * Nothing here includes the core's internal headers (cm_internal.h,
 * cm_json.h); test/check_layout.py proves it.
 *
 * src/server/cmodel.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CMODEL_H
#define CMODEL_H

#include "cm_core.h"
#include "executor/spi.h"
#include "nodes/parsenodes.h"
#include "nodes/pg_list.h"
#include "utils/array.h"
#include "utils/rel.h"
#include "utils/snapshot.h"

/*
 * The SDK's write-time limits: text and JSON values of at most
 * CM_VALUE_LIMIT characters (cm_core.h), and cmodel.max_bulk_rows rows per
 * statement and table.
 */
extern int	cmodel_max_bulk_rows;

/* core_host.c */
extern const CmEnv cmodel_core_env;
extern void cmodel_core_host_init(void);
extern CmArena *cmodel_core_begin(void);
extern void cmodel_core_end(CmArena *arena);
extern void cmodel_report_core_error(const CmError *err) pg_attribute_noreturn();

/* exec.c */
extern int	cmodel_exec(const char *sql, int nargs, const char **args, bool read_only);
extern int	cmodel_registry_exec(const char *sql, int nargs, const char **args);
extern int	cmodel_exec_snapshot(const char *sql, int nargs, const char **args,
								 Snapshot snapshot, bool read_only);
extern Snapshot cmodel_query_snapshot(bool read_only);
extern char *cmodel_cell_text(CmArena *arena, int row, int col);
extern bool cmodel_cell_bool(int row, int col);
extern Oid	cmodel_cell_oid(int row, int col);
extern ErrorData *cmodel_run_caught(void (*fn) (void *), void *arg);

/* registry_lock.c: the scope of cmodel's own registry writes */
extern int	cmodel_registry_unlock(void);
extern void cmodel_registry_relock(int depth);
extern bool cmodel_registry_writing(void);

/* exec.c: running as the extension's owner */
typedef struct CmUserSave
{
	Oid			userid;
	int			sec_context;
} CmUserSave;
extern void cmodel_owner_enter(CmUserSave *save);
extern void cmodel_owner_leave(const CmUserSave *save);

/* standby.c */
extern void cmodel_require_primary(const char *what);

/* citus.c: Citus's nodes and distributed schemas */
extern bool cmodel_citus_present(void);
extern void cmodel_citus_require_coordinator(const char *what);
extern bool cmodel_citus_table(Oid relid);
extern bool cmodel_citus_truncates_local_only(void);
extern bool cmodel_citus_worker(void);
extern bool cmodel_citus_own_connection(void);
extern bool cmodel_citus_reference_table(Oid relid);
extern bool cmodel_citus_shard_of(Oid relid, char **relname);
extern bool cmodel_citus_own_shard(Oid relid);
extern bool cmodel_citus_stale_shard(Oid relid);
extern bool cmodel_citus_on_coordinator(Oid relid);
extern List *cmodel_citus_local_shards(Oid relid, bool *all_here);
extern bool cmodel_citus_has_nodes(void);
extern void cmodel_citus_make_reference(Oid relid);
extern bool cmodel_citus_tenant_schema(const char *ns);
typedef enum CmCitusPlacement
{
	CM_CITUS_LOCAL,				/* not a distributed schema */
	CM_CITUS_COLOCATE,			/* with the schema's tables */
	CM_CITUS_DISTRIBUTE_SCHEMA	/* its first table: distribute the schema again */
} CmCitusPlacement;
extern CmCitusPlacement cmodel_citus_before_table(const char *ns);
extern void cmodel_citus_after_table(const char *ns, const char *table,
									 CmCitusPlacement placement);
extern int	cmodel_citus_local_settings(void);

/* node_catalog.c: the registry's rules by table name, on every node */
extern Oid	cmodel_node_catalog_here(void);
extern void cmodel_node_catalog_refresh(const char *ns);
extern void cmodel_node_catalog_follow_renames(void);
extern bool cmodel_node_catalog_has_namespace(const char *name);
extern List *cmodel_node_catalog_core_keys(const char *schema, const char *table);

/* grants.c: the privileges of the access levels */
typedef enum CmLevel
{
	CM_LEVEL_NONE,
	CM_LEVEL_READ,
	CM_LEVEL_READ_WRITE,
	CM_LEVEL_REGISTER
} CmLevel;
extern CmLevel cmodel_level_parse(const char *name);
extern const char *cmodel_level_name(CmLevel level);
extern CmLevel cmodel_effective_level(const char *ns, Oid roleid);
extern void cmodel_grants_set(const char *ns, const char *role, CmLevel level);
extern void cmodel_lock_reporting_role(void);

/* adopt.c: what an existing table must be to be adopted */
extern void cmodel_check_adoptions(const CmSnapshot *snap, const CmPlan *plan, Oid caller);

/* access.c: who may register */
extern void cmodel_access_check_register(const char *ns, Oid caller, const char *plugin);
extern void cmodel_access_check_models(Oid caller, const CmSnapshot *snap, const CmPlan *plan,
									   const char *plugin);
extern void cmodel_access_record_creator(const char *ns, Oid caller);
extern char *cmodel_access_deployer(Oid caller);

/* namespace.c */
extern void cmodel_check_namespace_name(CmArena *arena, const char *ns);
extern void cmodel_lock_namespace(const char *ns);
extern void cmodel_check_adoptable(const char *ns, Oid caller);

/* noop_cache.c */
extern char *cmodel_call_hash(const char *ns, bool is_array, const char *plugin,
							  const char *json);
extern bool cmodel_noop_answer(const char *ns, const char *call_hash,
							   const char *plugin, bool apply);
extern void cmodel_record_applied(const char *ns, const char *call_hash, bool changed);

/* snapshot.c */
extern void cmodel_load_snapshot(CmArena *arena, const char *ns, CmSnapshot *snap,
								 bool for_update);

/* value_check.c */
extern void cmodel_check_values(CmArena *arena, const CmPlan *plan);

/* apply.c */
extern void cmodel_apply_plan(const CmPlan *plan);

/* registry.c */
extern bool cmodel_write_registry(CmArena *arena, const CmSnapshot *snap,
								  const CmPlan *plan, const char *plugin,
								  const char *hash, const char *deployer);
extern void cmodel_notify_ready(const char *ns, const char *plugin, const char *hash);
extern char *cmodel_models_hash(CmArena *arena, const char *json);

/* triggers.c */
extern int	cmodel_triggers_of(Oid relid, Snapshot snapshot);
extern bool cmodel_trigger_function_exists(int which);
extern int	cmodel_trigger_bit(Oid relid, const char *name);
extern void cmodel_restore_trigger_modes(Oid relid);
extern bool cmodel_is_cmodel_trigger(Oid relid, const char *name);
extern bool cmodel_is_write_function(Oid fnoid);
extern int	cmodel_trigger_type(Oid relid, const char *name);
extern int	cmodel_trigger_by_oid(Oid trigoid, Oid *relid, char **name);
extern void cmodel_add_triggers(Oid relid, int bits);
extern void cmodel_drop_triggers(Oid relid);

/*
 * One on_delete relation, seen from its parent table: rows of the child
 * whose column matches a deleted parent's key are deleted (CASCADE) or get
 * NULL (SET_NULL).
 */
typedef struct CmDeleteRule
{
	Oid			child;
	Oid			child_owner;
	char	   *child_name;		/* schema-qualified, quoted */
	char	   *column;			/* quoted */
	int			key;			/* index into CmRelInfo.key_atts */
	bool		set_null;
	SPIPlanPtr	plan;			/* kept: the statement, for any key array */
} CmDeleteRule;

/*
 * What cmodel's triggers need to know about one table, built from the
 * registry on first use and rebuilt after a relcache invalidation of the
 * table or of a child (registration sends one for every table it changes
 * rules for).  Entries live as long as the backend and never move.
 */
/* How the value limit measures a column (relinfo.c decides, write.c checks). */
typedef enum CmLimitKind
{
	CM_LIMIT_TEXT,				/* text, varchar, char, json, xml, string types */
	CM_LIMIT_JSONB,				/* jsonb and cmodel.hub: their text form */
	CM_LIMIT_TEXT_ARRAY,		/* an array of text-like values (or of arrays of
								 * them): all together */
	CM_LIMIT_JSONB_ARRAY,		/* an array of jsonb or hubs: all together */
	CM_LIMIT_BYTES				/* any other variable-length type but numeric:
								 * its bytes */
} CmLimitKind;

/* relinfo.c: is a column of the type limited, and how is it measured? */
extern bool cmodel_limit_kind(Oid type, CmLimitKind *kind);

/* write.c: a value's size as its kind is measured, the unit, the rule's words */
extern int64 cmodel_value_size(CmLimitKind kind, Datum d);
extern const char *cmodel_limit_unit(CmLimitKind kind);
extern const char *cmodel_limit_rule(CmLimitKind kind);

typedef struct CmRelInfo
{
	Oid			relid;			/* hash key */
	bool		valid;
	bool		built;
	MemoryContext cxt;			/* everything the entry points to */
	char	   *qualname;		/* schema-qualified and quoted, for queries */
	char	   *shown;			/* "schema.table" for messages: a Citus
								 * shard's logical table */
	char	   *label;			/* the model's Django label, for previews */
	bool		citus_shell;	/* a Citus table: its rows, and its triggers'
								 * work, are in its shards */
	Oid			catalog_rel;	/* a shard: the node catalog relation its rules
								 * came from (node_catalog.c) */

	/* on_delete: rules whose parent is this table */
	int			nrules;
	CmDeleteRule *rules;
	char	   *missing_key;		/* a column relations point at that is gone */
	char	   *unreachable;	/* a shard: a child table with shards on other
								 * nodes */
	int			nwatch;
	Oid		   *watch;			/* a shard: its table and its children's tables,
								 * whose relcache Citus invalidates when their
								 * placements change */
	int			nkeys;
	AttrNumber *key_atts;		/* distinct parent columns the rules match */
	Oid		   *key_types;
	int16	   *key_typlens;
	bool	   *key_byvals;

	/* write-time rules (namespace model tables) */
	int			nlimited;
	AttrNumber *limited_atts;	/* text-like and jsonb columns, and arrays of them */
	CmLimitKind *limited_kinds;
	int			nauto;
	int		   *auto_cols;		/* auto_now / auto_now_add columns */
	Oid		   *auto_types;
	bool	   *auto_on_update;	/* auto_now: also on UPDATE */

	/* a namespace's hub store (CM_HUB_STORE): its keys and its hubs */
	bool		hub_store;
	char	   *ns;				/* the namespace, for messages */
	AttrNumber	hub_type_att;
	AttrNumber	hub_id_att;
	AttrNumber	hub_attrs_att;
} CmRelInfo;

/* relinfo.c */
extern void cmodel_relinfo_init(void);
extern CmRelInfo *cmodel_relinfo(Relation rel);
extern CmRelInfo *cmodel_relinfo_oid(Oid relid);
extern bool cmodel_relinfo_hold(bool hold);
extern void cmodel_relinfo_check_keys(const CmRelInfo *info);
extern void cmodel_relinfo_invalidate_namespace(const char *ns);

/* keyset.c: distinct key values of one column, as a sorted array */
typedef struct CmKeySet
{
	int			n;
	int			cap;
	Datum	   *values;
	int16		typlen;
	bool		typbyval;
} CmKeySet;

extern CmKeySet *cmodel_keysets(const CmRelInfo *info);
extern void cmodel_keyset_add(CmKeySet *ks, Datum d);
extern ArrayType *cmodel_keyset_array(CmKeySet *ks, Oid type);

/* cascade.c */
extern void cmodel_cascade_init(void);
extern bool cmodel_cascade_setting_null(Oid relid);

/* write.c */
extern void cmodel_write_init(void);

/* write_stmt.c */
extern void cmodel_write_stmt_init(void);
extern int64 cmodel_statement_count_row(Oid relid);

/* probe.c */
extern void cmodel_probe_set_registry_going(bool going);
extern void cmodel_probe_set_lenient(bool lenient);
extern bool cmodel_probe_own_script(void);
extern Oid	cmodel_probe_registry_owner(void);
extern bool cmodel_probe_is_namespace(const char *name);
extern char *cmodel_probe_schema_namespace(Oid nspid);
extern List *cmodel_probe_namespaces(void);
extern bool cmodel_probe_is_core_table(Oid relid);
extern List *cmodel_probe_core_keys(Oid relid);
extern bool cmodel_probe_has_primary_key(Oid relid);
extern void cmodel_probe_bump(List *names, bool all);

/*
 * The lifecycle rules a DDL statement can break, each with its own detail
 * and hint (the rows of the SDK's lifecycle table, and a few more).
 */
typedef enum CmGuardRule
{
	CM_GUARD_DROP_MODEL,		/* drop, rename or move a table */
	CM_GUARD_DROP_FIELD,		/* drop or rename a column */
	CM_GUARD_ALTER_FIELD,		/* change a column's definition */
	CM_GUARD_ADD_FIELD,			/* add a column that is not nullable-plain */
	CM_GUARD_DROP_INDEX,		/* drop or rename an index or constraint */
	CM_GUARD_CONSTRAINT,		/* add a constraint other than UNIQUE */
	CM_GUARD_REWRITE,			/* rewrite, rescan or move a table's storage */
	CM_GUARD_SEQUENCE,			/* drop, rename, move or alter a sequence */
	CM_GUARD_STANDALONE,		/* inheritance, partitions, rules, unlogged */
	CM_GUARD_TRIGGERS,			/* disable all triggers of a table */
	CM_GUARD_NAMESPACE,			/* drop or rename a namespace's schema */
	CM_GUARD_EXTENSION,			/* remove cmodel while namespaces exist */
	CM_GUARD_DATA_TRIGGER,		/* drop or disable one of cmodel's triggers */
	CM_GUARD_TRIGGER_ORDER,		/* a BEFORE row trigger that fires after cmodel_write */
	CM_GUARD_REGISTRY,			/* change cmodel's registry from outside cmodel */
	CM_GUARD_TEMP,				/* make namespace objects depend on temporary ones */
	CM_GUARD_CORE_PARENT,		/* bypass on_delete of a table relations point at */
	CM_GUARD_PUBLIC				/* grant PUBLIC privileges in a namespace */
} CmGuardRule;

/* What one DDL statement touches, and the first rule it breaks. */
typedef struct CmGuardScope
{
	List	   *namespaces;		/* namespaces it touches (char *) */
	bool		core;			/* it touches a core table */
	bool		violated;
	CmGuardRule rule;
	char	   *ns;				/* the namespace (or names) for the detail */
	char	   *denied;			/* a namespace object the role may not change */
	char	   *message;
	char	   *extra;			/* a sentence before the rule's detail */
	const char *hint;			/* NULL: the rule's hint */
} CmGuardScope;

/* guard_report.c */
extern void cmodel_guard_report_init(void);
extern void cmodel_guard_statement_start(void);
extern void cmodel_guard_touch(CmGuardScope *scope, const char *ns);
extern void cmodel_guard_violation(CmGuardScope *scope, CmGuardRule rule,
								   const char *ns, const char *hint,
								   const char *fmt,...) pg_attribute_printf(5, 6);
extern void cmodel_guard_extension_violation(CmGuardScope *scope, const char *what);
extern void cmodel_guard_conclude(CmGuardScope *scope, Node *statement, bool at_start);
extern void cmodel_guard_registration(const char *ns);
extern bool cmodel_guard_registering(const char *ns);
extern bool cmodel_guard_break_glass(void);

/* guard.c */
extern void cmodel_guard_init(void);

/* guard_rules.c: what a statement does to namespaces */
extern void cmodel_guard_inspect(Node *stmt, CmGuardScope *scope);

/* guard_rel.c: the relations and types a statement reaches */
/* What the guard knows of one relation a statement reaches. */
typedef struct CmGuardRel
{
	Oid			relid;
	char		relkind;
	Oid			nspid;
	char	   *ns;				/* its namespace, or NULL */
	char	   *relname;
	char	   *qualname;		/* schema.relname, for messages */
	bool		guarded;		/* a table, index or sequence in a namespace */
	bool		registry;		/* one of cmodel's own registry relations */
	bool		citus_stale;	/* a Citus shard this node does not hold (yet,
								 * or any more): Citus's to make and drop */
} CmGuardRel;

extern bool cmodel_guard_describe_rel(Oid relid, CmGuardRel *r);
extern bool cmodel_guard_lookup_rv(RangeVar *rv, CmGuardRel *r);
extern bool cmodel_guard_relation_guarded(Oid relid);
extern char *cmodel_guard_rel_namespace(Oid relid, char **qualname, bool *guarded);
extern void cmodel_guard_note_rel(CmGuardScope *scope, CmGuardRel *r);
extern bool cmodel_guard_is_index(char relkind);
extern const char *cmodel_guard_kind_word(char relkind);
extern CmGuardRule cmodel_guard_drop_rule(char relkind);
extern void cmodel_guard_trigger_violation(CmGuardScope *scope, CmGuardRel *r,
										   const char *what, const char *name);
extern void cmodel_guard_check_core_parent(CmGuardScope *scope, CmGuardRel *r,
										   const char *what);
extern void cmodel_guard_check_core_key_index(CmGuardScope *scope, Oid indexoid);
extern void cmodel_guard_check_new_defaults(AlterTableStmt *stmt);
extern void cmodel_guard_restore_trigger_modes(AlterTableStmt *stmt);
extern void cmodel_guard_check_core_key_column(CmGuardScope *scope, CmGuardRel *r, const char *column,
											   const char *what);
extern bool cmodel_guard_type_in_namespace_column(Oid typid, CmGuardRel *r, AttrNumber *attnum);
extern void cmodel_guard_check_type_change(CmGuardScope *scope, Oid typid,
										   CmGuardRule rule, const char *what);

/* guard_alter.c: ALTER TABLE, and new columns and constraints */
#define CM_GUARD_FK_HINT \
	"Declare a ForeignKey in the descriptor: cmodel applies its on_delete without a REFERENCES constraint."
extern void cmodel_guard_check_reference(CmGuardScope *scope, Constraint *c, const char *from);
extern void cmodel_guard_check_like(CmGuardScope *scope, const char *ns, const char *qualname,
									TableLikeClause *like);
extern void cmodel_guard_check_new_constraint(CmGuardScope *scope, CmGuardRel *r, Constraint *c);
extern void cmodel_guard_check_new_column(CmGuardScope *scope, CmGuardRel *r, ColumnDef *cd);
extern void cmodel_guard_inspect_alter_table(CmGuardScope *scope, AlterTableStmt *stmt);
extern void cmodel_guard_inspect_move_all(CmGuardScope *scope, AlterTableMoveAllStmt *stmt);

/* guard_grant.c: PUBLIC gets nothing in a namespace */
extern void cmodel_guard_inspect_grant(CmGuardScope *scope, GrantStmt *stmt);
extern void cmodel_guard_inspect_default_privileges(CmGuardScope *scope,
													AlterDefaultPrivilegesStmt *stmt);

/* guard_temp.c: nothing of a namespace depends on temporary objects */
extern void cmodel_guard_check_temp_type(CmGuardScope *scope, const char *ns, const char *what,
										 TypeName *tn);
extern void cmodel_guard_check_temp_expr(CmGuardScope *scope, const char *ns, const char *what,
										 Node *raw);
extern void cmodel_guard_check_temp_column(CmGuardScope *scope, const char *ns,
										   const char *qualname, ColumnDef *cd);
extern void cmodel_guard_check_temp_like(CmGuardScope *scope, const char *ns,
										 const char *qualname, TableLikeClause *like);
extern void cmodel_guard_check_temp_index(CmGuardScope *scope, const char *ns, IndexStmt *stmt);
extern void cmodel_guard_check_temp_attribute(CmGuardScope *scope, Oid typid, ColumnDef *cd);
extern char *cmodel_temp_dependency(Oid relid);
extern void cmodel_guard_check_registry_schema(CmGuardScope *scope, const char *verb, int n,
											   const Oid *classids, const Oid *objids);
extern Tuplestorestate *cmodel_event_trigger_rows(Oid function, TupleDesc *desc);
extern void cmodel_guard_check_temp_objects(CmGuardScope *scope, const char *verb, int n,
											const Oid *classids, const Oid *objids);

#endif							/* CMODEL_H */

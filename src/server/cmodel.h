/*-------------------------------------------------------------------------
 *
 * cmodel.h
 *	  Declarations shared by cmodel's server-side files.
 *
 * The server side wraps the core (cm_core.h): catalog.c reads the registry
 * and the system catalogs into a CmSnapshot and writes the registry back,
 * register.c holds the SQL-callable registration functions.  The lifecycle
 * guard is guard.c (event triggers, break-glass setting, reporting) and
 * guard_rules.c (what each DDL statement does to namespaces), reading the
 * registry through probe.c.
 *
 * src/server/cmodel.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CMODEL_H
#define CMODEL_H

#include "cm_core.h"
#include "executor/spi.h"
#include "nodes/pg_list.h"
#include "utils/rel.h"

/*
 * The SDK's write-time limits: text and JSON values of at most this many
 * characters (JSON on its text form), and cmodel.max_bulk_rows rows per
 * INSERT statement.
 */
#define CM_VALUE_LIMIT 1048576
extern int	cmodel_max_bulk_rows;

/* catalog.c */
extern void cmodel_load_snapshot(CmArena *arena, const char *ns, CmSnapshot *snap,
								 bool for_update);
extern bool cmodel_write_registry(CmArena *arena, const CmSnapshot *snap,
								  const CmPlan *plan, const char *plugin,
								  const char *hash);
extern void cmodel_notify_ready(const char *ns, const char *plugin, const char *hash);
extern char *cmodel_call_hash(const char *ns, bool is_array, const char *plugin,
							  const char *json);
extern bool cmodel_cached_noop(const char *ns, const char *call_hash,
							   const char *plugin, char **plugin_hash);
extern void cmodel_record_applied(const char *ns, const char *call_hash, bool changed);
extern void cmodel_check_adoptable(const char *ns, Oid caller);
extern char *cmodel_models_hash(CmArena *arena, const char *json);

extern void cmodel_invalidate_rules(const char *ns);

/* register.c */
extern void cmodel_register_init(void);

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
typedef struct CmRelInfo
{
	Oid			relid;			/* hash key */
	bool		valid;
	bool		built;
	MemoryContext cxt;			/* everything the entry points to */
	char	   *qualname;		/* schema-qualified, for messages */
	char	   *label;			/* the model's Django label, for previews */

	/* on_delete: rules whose parent is this table */
	int			nrules;
	CmDeleteRule *rules;
	char	   *missing_key;		/* a column relations point at that is gone */
	int			nkeys;
	AttrNumber *key_atts;		/* distinct parent columns the rules match */
	Oid		   *key_types;
	int16	   *key_typlens;
	bool	   *key_byvals;

	/* write-time rules (namespace model tables) */
	int			nlimited;
	AttrNumber *limited_atts;	/* text-like and jsonb columns */
	bool	   *limited_jsonb;
	int			nauto;
	int		   *auto_cols;		/* auto_now / auto_now_add columns */
	Oid		   *auto_types;
	bool	   *auto_on_update;	/* auto_now: also on UPDATE */
} CmRelInfo;

/* relinfo.c */
extern void cmodel_relinfo_init(void);
extern CmRelInfo *cmodel_relinfo(Relation rel);
extern CmRelInfo *cmodel_relinfo_oid(Oid relid);

/* cascade.c */
extern void cmodel_cascade_init(void);
extern bool cmodel_cascade_running(void);
extern bool cmodel_cascade_setting_null(Oid relid);

/* write.c */
extern void cmodel_write_init(void);

/* probe.c */
extern Oid	cmodel_probe_registry_owner(void);
extern bool cmodel_probe_is_namespace(const char *name);
extern char *cmodel_probe_schema_namespace(Oid nspid);
extern List *cmodel_probe_namespaces(void);
extern bool cmodel_probe_is_core_table(Oid relid);
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
	CM_GUARD_DATA_TRIGGER		/* drop or disable one of cmodel's triggers */
} CmGuardRule;

/* What one DDL statement touches, and the first rule it breaks. */
typedef struct CmGuardScope
{
	List	   *namespaces;		/* namespaces it touches (char *) */
	bool		core;			/* it touches a core table */
	bool		violated;
	CmGuardRule rule;
	char	   *ns;				/* the namespace (or names) for the detail */
	char	   *message;
	char	   *extra;			/* a sentence before the rule's detail */
	const char *hint;			/* NULL: the rule's hint */
} CmGuardScope;

/* guard.c */
extern void cmodel_guard_init(void);
extern void cmodel_guard_touch(CmGuardScope *scope, const char *ns);
extern void cmodel_guard_violation(CmGuardScope *scope, CmGuardRule rule,
								   const char *ns, const char *hint,
								   const char *fmt,...) pg_attribute_printf(5, 6);
extern void cmodel_guard_extension_violation(CmGuardScope *scope, const char *what);
extern void cmodel_guard_registration(const char *ns);
extern bool cmodel_guard_registering(const char *ns);

/* guard_rules.c */
extern void cmodel_guard_inspect(Node *stmt, CmGuardScope *scope);
extern char *cmodel_guard_rel_namespace(Oid relid, char **qualname, bool *guarded);
extern bool cmodel_guard_relation_guarded(Oid relid);

#endif							/* CMODEL_H */

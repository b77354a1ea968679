/*-------------------------------------------------------------------------
 *
 * cm_core.h
 *	  The server-independent core of cmodel: descriptor parsing, validation
 *	  and DDL planning.
 *
 * Nothing declared here depends on PostgreSQL backend headers, so the core
 * builds into the extension, into the unit tests (test/unit) and into the
 * libFuzzer target (test/fuzz) alike.  All memory the core hands out comes
 * from a CmArena and is released in one go with cm_arena_free(); the core
 * never throws, it reports problems through a CmError.  The calls back into
 * the host are the identifier/literal quoting hooks in CmEnv, so the server
 * can use quote_identifier() and quote_literal_cstr(), and the allocator of
 * cm_set_memory(), so that inside the server every byte the core (and
 * jansson) uses comes from the server's memory, and running out of it is
 * the server's ordinary out-of-memory error.
 *
 * src/core/cm_core.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CM_CORE_H
#define CM_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CM_NAMEDATALEN 64		/* PostgreSQL identifiers: at most 63 bytes */
#define CM_MAX_IDENT (CM_NAMEDATALEN - 1)

/* ------------------------------------------------------------------------
 * Memory, arena and string buffer
 * ------------------------------------------------------------------------
 */

/*
 * Where the core's memory comes from.  alloc returns NULL when it has none;
 * the core then calls out_of_memory, which must not return (the server
 * raises its out-of-memory error, a test jumps back to itself).  The
 * default is libc's malloc and free, and out_of_memory aborts: what a
 * standalone tool wants, never what the server wants.
 */
typedef struct CmMemory
{
	void	   *(*alloc) (size_t size);
	void		(*release) (void *ptr);
	void		(*out_of_memory) (size_t size);
} CmMemory;

/* Install the allocator (jansson's too); NULL restores the default. */
extern void cm_set_memory(const CmMemory *mem);

/*
 * The same for a while: push installs mem for the core and jansson and
 * saves what was installed before, pop puts that back.  jansson's allocator
 * belongs to the whole process, so a host that shares it with other code
 * installs its own only while the core runs.
 */
typedef struct CmMemorySave
{
	const CmMemory *memory;
	void	   *(*json_alloc) (size_t size);
	void		(*json_free) (void *ptr);
} CmMemorySave;

extern void cm_memory_push(const CmMemory *mem, CmMemorySave *save);
extern void cm_memory_pop(const CmMemorySave *save);

typedef struct CmArena CmArena;

extern CmArena *cm_arena_new(void);
extern void cm_arena_free(CmArena *arena);
extern void *cm_alloc(CmArena *arena, size_t size);	/* zeroed */
extern char *cm_strdup(CmArena *arena, const char *s);
extern char *cm_strndup(CmArena *arena, const char *s, size_t n);
extern char *cm_printf(CmArena *arena, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));

typedef struct CmBuf
{
	CmArena    *arena;
	char	   *data;
	size_t		len;
	size_t		cap;
} CmBuf;

extern void cm_buf_init(CmBuf *buf, CmArena *arena);
extern void cm_buf_puts(CmBuf *buf, const char *s);
extern void cm_buf_putn(CmBuf *buf, const char *s, size_t n);
extern void cm_buf_printf(CmBuf *buf, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------
 */
typedef enum CmErrorKind
{
	CM_OK = 0,
	CM_ERR_JSON,				/* malformed JSON text */
	CM_ERR_INVALID,				/* descriptor breaks a validation rule */
	CM_ERR_UNDEFINED,			/* a referenced model/field does not exist */
	CM_ERR_DUPLICATE,			/* a name is used twice */
	CM_ERR_RESERVED,			/* a reserved name */
	CM_ERR_NOT_ALLOWED			/* a change the additive lifecycle forbids */
} CmErrorKind;

typedef struct CmError
{
	CmErrorKind kind;
	char	   *message;
	char	   *detail;
	char	   *hint;
} CmError;

/*
 * Host hooks.  The quoting hooks append the quoted form of their argument to
 * a buffer; the server uses PostgreSQL's quoting, the tests a simpler one.
 */
typedef struct CmEnv
{
	void		(*quote_ident) (CmBuf *out, const char *ident);
	void		(*quote_literal) (CmBuf *out, const char *literal);
} CmEnv;

extern const CmEnv cm_default_env;	/* always-quote, for tests and tools */

/* ------------------------------------------------------------------------
 * Descriptors
 * ------------------------------------------------------------------------
 */
typedef enum CmFieldType
{
	CM_F_TEXT,
	CM_F_CHAR,
	CM_F_EMAIL,
	CM_F_URL,
	CM_F_SLUG,
	CM_F_INTEGER,
	CM_F_BIGINT,
	CM_F_SMALLINT,
	CM_F_FLOAT,
	CM_F_DECIMAL,
	CM_F_BOOLEAN,
	CM_F_DATE,
	CM_F_DATETIME,
	CM_F_TIME,
	CM_F_DURATION,
	CM_F_UUID,
	CM_F_JSON,
	CM_F_AUTO,					/* AutoField, BigAutoField, SmallAutoField: */
	CM_F_BIGAUTO,				/* a primary key the database numbers */
	CM_F_SMALLAUTO,				/* (Django's rules only) */
	CM_F_FOREIGNKEY,
	CM_F_ONETOONE,
	CM_F_MANYTOMANY,
	CM_F_COUNT					/* not a type: how many there are */
} CmFieldType;

/*
 * A namespace's rule set, chosen when it is created: Canvas's (the SDK's:
 * every model keyed by dbid, no unique=True, every column nullable and
 * text-like fields text) or Django's (as a Django project's migrations
 * make tables: any primary key, unique=True, NOT NULL unless null=True,
 * CharField as varchar(max_length)).
 */
typedef enum CmRules
{
	CM_RULES_CANVAS = 0,
	CM_RULES_DJANGO,
	CM_RULES_COUNT
} CmRules;

typedef enum CmOnDelete
{
	CM_OD_NONE = 0,
	CM_OD_CASCADE,
	CM_OD_SET_NULL,
	CM_OD_DO_NOTHING,
	CM_OD_COUNT
} CmOnDelete;

typedef struct CmModel CmModel;

typedef struct CmField
{
	char	   *name;
	CmFieldType type;
	char	   *path;			/* JSON path for messages: "fields[2]" */
	char	   *owner;			/* model that declared it (for inherited) */

	int			max_length;		/* -1 when absent */
	int			max_digits;
	int			decimal_places;
	char	   *default_json;	/* compact JSON text or NULL */
	bool		auto_now;
	bool		auto_now_add;
	bool		db_index;
	bool		primary_key;
	bool		unique;
	int			null_opt;		/* -1 absent, 0 false, 1 true */
	int			blank_opt;
	char	   *verbose_name;
	char	   *help_text;
	char	   *choices_json;	/* Django's choices, recorded: compact JSON or NULL */

	/* relations */
	char	   *to;
	char	   *to_field;
	CmOnDelete	on_delete;
	char	   *related_name;	/* as written */
	char	   *related_query_name;
	char	   *through;
	char	   *through_fields[2];
	int			symmetrical;	/* ManyToMany: -1 absent, 0 false, 1 true */

	/* resolved */
	char	   *column;			/* NULL for ManyToMany */
	char	   *column_type;	/* SQL type text */
	bool		not_null;		/* Django's rules, null not true: NOT NULL */
	CmModel    *target;			/* resolved concrete model, or NULL */
	struct CmCoreModel *target_core;	/* resolved core model, or NULL */
	char	   *target_name;	/* name as resolved (proxy or model) */
	char	   *target_column;	/* resolved to_field column */
	char	   *related_name_expanded;
	bool		inherited;
} CmField;

typedef enum CmIndexKind
{
	CM_IDX_BTREE,
	CM_IDX_GIN,
	CM_IDX_UNIQUE,
	CM_IDX_COUNT
} CmIndexKind;

/* Where an index came from: a Meta key, or a field that needs one. */
typedef enum CmIndexOrigin
{
	CM_ORIGIN_INDEXES,			/* Meta.indexes */
	CM_ORIGIN_CONSTRAINTS,		/* Meta.constraints */
	CM_ORIGIN_UNIQUE_TOGETHER,
	CM_ORIGIN_INDEX_TOGETHER,
	CM_ORIGIN_RELATION,			/* a ForeignKey or OneToOneField column */
	CM_ORIGIN_DB_INDEX,			/* db_index or unique on a field */
	CM_ORIGIN_COUNT
} CmIndexOrigin;

typedef enum CmLookup
{
	CM_LK_EXACT,
	CM_LK_GT,
	CM_LK_GTE,
	CM_LK_LT,
	CM_LK_LTE,
	CM_LK_ISNULL,
	CM_LK_IN,
	CM_LK_COUNT
} CmLookup;

typedef struct CmCond
{
	char	   *key;			/* as written: "age__gte" */
	char	   *field;
	CmLookup	lookup;
	char	   *value_json;		/* compact JSON text */
	char	   *column;			/* resolved */
	char	   *column_type;
} CmCond;

typedef struct CmIndex
{
	char	   *name;			/* Django name, or NULL when auto-named */
	CmIndexKind kind;
	CmIndexOrigin origin;
	char	   *path;
	int			nfields;
	char	  **fields;
	bool	   *desc;
	int			nconds;
	CmCond	   *conds;
	bool		automatic;		/* created for a relation, not declared */

	/* resolved */
	char	  **columns;
	char	   *base_name;		/* name before namespacing */
	char	   *pg_name;		/* final index name, <= 63 bytes */
	char	   *definition;		/* CREATE statement, the canonical form */
} CmIndex;

typedef enum CmModelKind
{
	CM_MODEL_CONCRETE,
	CM_MODEL_ABSTRACT,
	CM_MODEL_PROXY,
	CM_MODEL_COUNT
} CmModelKind;

struct CmModel
{
	char	   *name;
	char	   *app_label;		/* NULL: the namespace name */
	char	   *path;			/* "" or "[3]" prefix for batch items */
	CmModelKind kind;
	int			nbases;
	char	  **bases;
	int			nfields;
	CmField    *fields;			/* own fields, as declared */
	bool		has_meta;

	/* Meta, own */
	int			nindexes;
	CmIndex    *indexes;		/* indexes + constraints + *_together */
	char	   *ordering_json;
	int			nordering;
	char	  **ordering;
	char	   *verbose_name;
	char	   *verbose_name_plural;

	/* resolved */
	int			state;			/* bases: 0 new, 1 expanding, 2 expanded */
	int			pk_state;		/* 1 while its key type is being derived */
	bool		fields_done;	/* columns and indexes resolved */
	bool		registered;		/* came from the registry, not the call */
	char	   *table;
	char	   *proxy_for;		/* concrete model or core model name */
	CmModel    *proxy_target;
	struct CmCoreModel *proxy_core;
	int			nall_fields;
	CmField   **all_fields;		/* inherited + own, in column order */
	int			nall_indexes;
	CmIndex   **all_indexes;	/* declared + automatic */
	CmField    *pk_field;		/* OneToOne primary key, or NULL for dbid */
	char	   *pk_column;
	char	   *pk_type;
	char	   *normalized;		/* normalized descriptor JSON text */
};

/*
 * The type of a value in an attribute hub (the server's hub type): what it
 * was set as, which decides how it reads back and compares.
 */
typedef enum CmHubType
{
	CM_HUB_NONE,				/* Python's None: set, but without a value */
	CM_HUB_TEXT,
	CM_HUB_BIGINT,
	CM_HUB_NUMERIC,
	CM_HUB_BOOLEAN,
	CM_HUB_DATE,
	CM_HUB_TIMESTAMPTZ,
	CM_HUB_JSON,
	CM_HUB_COUNT
} CmHubType;

/*
 * Every namespace's attribute hub store: a table of hubs keyed by (type,
 * id), at most CM_HUB_MAX_KEY characters each, whose attrs column is a hub.
 * Its name starts with "cmodel_", which no model's table may.
 */
#define CM_HUB_STORE		"cmodel_hubs"
#define CM_HUB_MAX_KEY		100

/* ------------------------------------------------------------------------
 * What the host knows: core models, the registry, the physical schema
 * ------------------------------------------------------------------------
 */
typedef struct CmColumn
{
	char	   *name;
	char	   *type;			/* format_type() text */
	bool		unique;			/* has a single-column unique index */
	bool		not_null;		/* attnotnull */
	bool		user_type;		/* of a type that is not built in */
} CmColumn;

/*
 * The SDK's limit on one text or JSON value (JSON on its text form), in
 * characters: the write trigger applies it to every value, registration to
 * every default.
 */
#define CM_VALUE_LIMIT 1048576

/*
 * cmodel's triggers on a table, as a bit mask: the row trigger that applies
 * defaults of time fields and the write-time limits, and the statement
 * triggers that apply on_delete to children on DELETE and TRUNCATE.
 */
#define CM_TRIG_WRITE		0x01
#define CM_TRIG_DELETE		0x02
#define CM_TRIG_TRUNCATE	0x04
#define CM_TRIG_DELETE_ROW	0x08	/* made with CM_TRIG_DELETE: replica only */
#define CM_TRIG_COUNT		4

typedef struct CmCoreModel
{
	char	   *name;
	char	   *schema;
	char	   *table;
	char	   *key;
	int			ncolumns;
	CmColumn   *columns;
	int			triggers;		/* CM_TRIG_* present on the table */
} CmCoreModel;

typedef struct CmTableState
{
	char	   *name;
	int			ncolumns;
	CmColumn   *columns;
	char	   *pk_column;		/* single-column primary key, or NULL */
	int			triggers;		/* CM_TRIG_* present on the table */
} CmTableState;

typedef struct CmIndexState
{
	char	   *name;
	char	   *table;
	bool		unique;
	char	   *method;
	int			ncolumns;
	char	  **columns;		/* NULL entry for expression columns */
	bool	   *desc;
	bool		partial;
	bool		nondefault;		/* opclass, collation, NULLS order, INCLUDE, ... */
	bool		valid;			/* indisvalid and indisready */
} CmIndexState;

typedef struct CmRegModel
{
	char	   *name;
	char	   *descriptor;		/* normalized descriptor text */
	char	   *plugin;
	CmModelKind kind;
	bool		retired;
} CmRegModel;

typedef struct CmRegField
{
	char	   *model;
	char	   *name;
	char	   *column;
	char	   *column_type;
	char	   *default_json;	/* the recorded default, or NULL */
	bool		default_unknown;	/* the column's default may differ from it */
	bool		retired;
} CmRegField;

typedef struct CmRegIndex
{
	char	   *model;
	char	   *pg_name;
	char	   *definition;
	bool		retired;
} CmRegIndex;

typedef struct CmSnapshot
{
	const char *namespace;
	bool		schema_exists;
	bool		namespace_registered;
	CmRules		rules;			/* the namespace's, or the one it is created with */
	int			ncores;
	CmCoreModel *cores;
	int			nmodels;
	CmRegModel *models;
	int			nfields;
	CmRegField *fields;
	int			nindexes;
	CmRegIndex *indexes;
	int			ntables;
	CmTableState *tables;
	int			npgindexes;
	CmIndexState *pgindexes;
	int			nrelnames;		/* every relation name in the schema */
	char	  **relnames;
	bool		no_triggers;	/* the installed SQL predates cmodel's data triggers */
	bool		no_hub_type;	/* the installed SQL predates the hub type */
} CmSnapshot;

/* ------------------------------------------------------------------------
 * Plans
 * ------------------------------------------------------------------------
 */
typedef enum CmActionKind
{
	CM_ACT_CREATE_NAMESPACE,
	CM_ACT_ADOPT_NAMESPACE,
	CM_ACT_CREATE_HUB_STORE,
	CM_ACT_REGISTER_PROXY,
	CM_ACT_REGISTER_ABSTRACT,
	CM_ACT_UPDATE_PROXY,
	CM_ACT_UPDATE_ABSTRACT,
	CM_ACT_CREATE_MODEL,
	CM_ACT_ADOPT_MODEL,
	CM_ACT_REVIVE_MODEL,
	CM_ACT_UPDATE_MODEL,
	CM_ACT_RETIRE_MODEL,
	CM_ACT_ADD_FIELD,
	CM_ACT_REVIVE_FIELD,
	CM_ACT_RETIRE_FIELD,
	CM_ACT_SET_DEFAULT,
	CM_ACT_DROP_DEFAULT,
	CM_ACT_CREATE_INDEX,
	CM_ACT_CREATE_UNIQUE_INDEX,
	CM_ACT_ADOPT_INDEX,
	CM_ACT_REVIVE_INDEX,
	CM_ACT_RETIRE_INDEX,
	CM_ACT_CREATE_TRIGGER,
	CM_ACT_COUNT
} CmActionKind;

typedef struct CmAction
{
	CmActionKind kind;
	char	   *object;			/* namespace.table[.column] */
	char	   *sql;			/* DDL to run, or NULL for registry-only */
	char	   *then[4];		/* more statements to run after it, each on
								 * its own (Citus sends a reference table's
								 * DDL to the workers as one statement),
								 * NULL-terminated */
	CmModel    *model;
} CmAction;

typedef struct CmPlan
{
	int			nactions;
	int			cap;
	CmAction   *actions;
	int			nmodels;
	CmModel   **models;			/* batch models, resolved */
	bool	   *record;			/* per batch model: registry must be written */
	int			nretire;
	char	  **retire_models;	/* registered models of the plugin not in batch */
	bool		register_namespace;
} CmPlan;

/* ------------------------------------------------------------------------
 * Entry points
 * ------------------------------------------------------------------------
 */

/* names.c */
extern bool cm_valid_namespace(const char *ns, CmArena *arena, CmError *err);
extern bool cm_namespace_name_ok(const char *ns);
extern char *cm_index_name(CmArena *arena, const char *ns, const char *table,
						   const char *name);

/* kinds.c: the text of each enumeration */
extern const char *cm_field_type_name(CmFieldType t);
extern bool cm_is_relation(CmFieldType t);
extern const char *cm_on_delete_name(CmOnDelete od);	/* NULL for CM_OD_NONE */
extern const char *cm_model_kind_name(CmModelKind k);
extern bool cm_model_kind_parse(const char *name, CmModelKind *out);
extern const char *cm_index_kind_name(CmIndexKind k);
extern const char *cm_index_method(CmIndexKind k);
extern const char *cm_index_origin_name(CmIndexOrigin o);
extern const char *cm_action_name(CmActionKind k);
extern const char *cm_hub_type_name(CmHubType t);
extern const char *cm_rules_name(CmRules r);
extern bool cm_rules_parse(const char *name, CmRules *out);
extern bool cm_hub_type_parse(const char *name, size_t len, CmHubType *out);

/*
 * cmodel's triggers (CM_TRIG_*): the trigger's name, its function (in schema
 * cmodel), the CREATE TRIGGER on a quoted table and the ALTER TABLE that
 * then makes it fire ALWAYS (REPLICA for CM_TRIG_DELETE_ROW), and which one
 * calls the function cmodel.<function> (0 for none).
 */
extern const char *cm_trigger_name(int which);
extern const char *cm_trigger_function(int which);
extern char *cm_trigger_sql(CmArena *arena, const char *qualname, int which);
extern char *cm_trigger_enable_sql(CmArena *arena, const char *qualname, int which);
extern int	cm_trigger_by_function(const char *function);

/* descriptor.c: JSON text -> models.  is_array: a list of descriptors. */
extern bool cm_parse_descriptors(CmArena *arena, const char *json, bool is_array,
								 int *nmodels, CmModel ***models, CmError *err);
extern char *cm_normalize_model(CmArena *arena, const CmModel *m);
extern bool cm_json_text_equal(const char *a, const char *b);
extern char *cm_field_json_text(CmArena *arena, const CmField *f);
extern char *cm_json_string_array(CmArena *arena, int n, char **items);
extern int	cm_json_scalars(CmArena *arena, const char *json, char ***out);
extern int	cm_json_elements(CmArena *arena, const char *json, char ***out);

/* validate.c: resolve bases, relations, indexes; check every rule */
extern bool cm_resolve(CmArena *arena, const CmEnv *env, const CmSnapshot *snap,
					   int nmodels, CmModel **models, CmError *err);

/* plan.c: compare with the snapshot and produce the actions */
extern bool cm_plan(CmArena *arena, const CmEnv *env, const CmSnapshot *snap,
					int nmodels, CmModel **models, const char *plugin,
					CmPlan *plan, CmError *err);

/*
 * values.c: the defaults and condition values of a plan's models, which the
 * host checks against their column types (the core cannot parse SQL
 * values), and the error that names the model, field and JSON path of one.
 */
typedef struct CmValueCheck
{
	const CmModel *model;
	const char *field;			/* NULL for an index condition */
	const char *path;			/* JSON path of the value */
	const char *json;			/* the value, or an in-list, as JSON text */
	const char *type;			/* the column's SQL type */
	const char *what;			/* "default", "condition value" */
	const char *hint;
} CmValueCheck;

extern int	cm_plan_values(CmArena *arena, const CmPlan *plan, CmValueCheck **out);
extern const char *cm_value_frozen(const char *value, const char *type);
extern bool cm_value_error(CmError *err, CmArena *arena, const CmValueCheck *check,
						   const char *reason);

/*
 * isotime.c: ISO 8601 dates and timestamps as hubs store them.  A date is
 * days since 2000-01-01, a timestamp microseconds since 2000-01-01 UTC (as
 * PostgreSQL counts them); parsing is strict and formatting canonical, and
 * both are false outside the years 1..9999.
 */
#define CM_ISO_DATE_LEN 10		/* YYYY-MM-DD */
#define CM_ISO_TIMESTAMP_LEN 32 /* YYYY-MM-DDTHH:MM:SS.ffffff+00:00 */

extern bool cm_iso_date_parse(const char *s, size_t len, int32_t *date);
extern bool cm_iso_date_format(int32_t date, char out[CM_ISO_DATE_LEN + 1]);
extern bool cm_iso_timestamp_parse(const char *s, size_t len, int64_t *ts);
extern bool cm_iso_timestamp_format(int64_t ts, char out[CM_ISO_TIMESTAMP_LEN + 1]);

/* all three, for tests and the fuzzer */
extern bool cm_plan_text(CmArena *arena, const CmEnv *env, const CmSnapshot *snap,
						 const char *json, bool is_array, const char *plugin,
						 CmPlan *plan, CmError *err);

extern bool cm_set_error(CmError *err, CmArena *arena, CmErrorKind kind,
						 const char *detail, const char *hint,
						 const char *fmt,...)
			__attribute__((format(printf, 6, 7)));

#endif							/* CM_CORE_H */

/*-------------------------------------------------------------------------
 *
 * kinds.c
 *	  The text of every enumeration of the core, each written once.
 *
 * Descriptors name field types, on_delete actions, index types and
 * condition lookups in Django's words; the registry stores model kinds,
 * index kinds and origins as text; registrations report their actions by
 * name; cmodel's triggers have names, functions and timings.  Each of those
 * facts is one row of one table here, indexed by its enum, and every other
 * file (core or server) asks this one for the text or for the enum that a
 * text names.  Adding a value to an enum without a row here fails to
 * compile (the tables are sized by the enums' _COUNT members).
 *
 * src/core/kinds.c
 *
 *-------------------------------------------------------------------------
 */
#include "cm_internal.h"

#include <string.h>

#define LENGTHOF(a) ((int) (sizeof(a) / sizeof((a)[0])))
#define STATIC_ASSERT_COUNT(table, count) \
	_Static_assert(sizeof(table) / sizeof((table)[0]) == (count), #table " must have one row per value")

/*
 * The index of the name in a table of names (NULL rows never match), or
 * -1 when it is none of them.
 */
static int
find_name(const char *const *names, int n, const char *name)
{
	int			i;

	for (i = 0; name && i < n; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* ------------------------------------------------------------------------
 * Field types: the Django class name and the column type it stores
 * ------------------------------------------------------------------------
 */
static const struct
{
	const char *name;
	const char *column_type;	/* NULL: relations and DecimalField */
}			field_types[] = {
	[CM_F_TEXT] = {"TextField", "text"},
	[CM_F_CHAR] = {"CharField", "text"},
	[CM_F_EMAIL] = {"EmailField", "text"},
	[CM_F_URL] = {"URLField", "text"},
	[CM_F_SLUG] = {"SlugField", "text"},
	[CM_F_INTEGER] = {"IntegerField", "integer"},
	[CM_F_BIGINT] = {"BigIntegerField", "bigint"},
	[CM_F_SMALLINT] = {"SmallIntegerField", "smallint"},
	[CM_F_FLOAT] = {"FloatField", "double precision"},
	[CM_F_DECIMAL] = {"DecimalField", NULL},
	[CM_F_BOOLEAN] = {"BooleanField", "boolean"},
	[CM_F_DATE] = {"DateField", "date"},
	[CM_F_DATETIME] = {"DateTimeField", "timestamp with time zone"},
	[CM_F_TIME] = {"TimeField", "time without time zone"},
	[CM_F_DURATION] = {"DurationField", "interval"},
	[CM_F_UUID] = {"UUIDField", "uuid"},
	[CM_F_JSON] = {"JSONField", "jsonb"},
	[CM_F_AUTO] = {"AutoField", "integer"},
	[CM_F_BIGAUTO] = {"BigAutoField", "bigint"},
	[CM_F_SMALLAUTO] = {"SmallAutoField", "smallint"},
	[CM_F_FOREIGNKEY] = {"ForeignKey", NULL},
	[CM_F_ONETOONE] = {"OneToOneField", NULL},
	[CM_F_MANYTOMANY] = {"ManyToManyField", NULL},
};

STATIC_ASSERT_COUNT(field_types, CM_F_COUNT);

/* See cm_core.h. */
const char *
cm_field_type_name(CmFieldType t)
{
	return field_types[t].name;
}

/* See cm_internal.h. */
bool
cm_field_type_parse(const char *name, CmFieldType *out)
{
	int			i;

	for (i = 0; i < CM_F_COUNT; i++)
		if (strcmp(field_types[i].name, name) == 0)
		{
			*out = (CmFieldType) i;
			return true;
		}
	return false;
}

/* See cm_internal.h. */
char *
cm_field_type_list(CmArena *arena)
{
	CmBuf		b;
	int			i;

	cm_buf_init(&b, arena);
	for (i = 0; i < CM_F_COUNT; i++)
		cm_buf_printf(&b, "%s%s", i == 0 ? "" : ", ", field_types[i].name);
	return b.data;
}

/* See cm_core.h. */
bool
cm_is_relation(CmFieldType t)
{
	return t == CM_F_FOREIGNKEY || t == CM_F_ONETOONE || t == CM_F_MANYTOMANY;
}

/*
 * Django's default max_length of the text fields that have one (CharField
 * has none: Django requires it), for Django's rules.
 */
int
cm_django_max_length(CmFieldType t)
{
	switch (t)
	{
		case CM_F_EMAIL:
			return 254;
		case CM_F_URL:
			return 200;
		case CM_F_SLUG:
			return 50;
		default:
			return -1;
	}
}

/* See cm_internal.h. */
const char *
cm_column_type(CmArena *arena, const CmField *f, CmRules rules)
{
	if (f->type == CM_F_DECIMAL)
		return cm_printf(arena, "numeric(%d,%d)", f->max_digits, f->decimal_places);
	if (rules == CM_RULES_DJANGO && f->type != CM_F_TEXT &&
		strcmp(field_types[f->type].column_type ? field_types[f->type].column_type : "", "text") == 0)
	{
		int			len = f->max_length > 0 ? f->max_length : cm_django_max_length(f->type);

		if (len > 0)
			return cm_printf(arena, "character varying(%d)", len);
	}
	return field_types[f->type].column_type ? field_types[f->type].column_type : "text";
}

/* ------------------------------------------------------------------------
 * on_delete
 * ------------------------------------------------------------------------
 */
static const char *const on_delete_names[] = {
	[CM_OD_NONE] = NULL,
	[CM_OD_CASCADE] = "CASCADE",
	[CM_OD_SET_NULL] = "SET_NULL",
	[CM_OD_DO_NOTHING] = "DO_NOTHING",
};

STATIC_ASSERT_COUNT(on_delete_names, CM_OD_COUNT);

/* See cm_core.h. */
const char *
cm_on_delete_name(CmOnDelete od)
{
	return on_delete_names[od];
}

/* See cm_internal.h. */
bool
cm_on_delete_parse(const char *name, CmOnDelete *out)
{
	int			i = find_name(on_delete_names, LENGTHOF(on_delete_names), name);

	if (i < 0)
		return false;
	*out = (CmOnDelete) i;
	return true;
}

/* ------------------------------------------------------------------------
 * Model kinds, as the registry stores them
 * ------------------------------------------------------------------------
 */
static const char *const model_kind_names[] = {
	[CM_MODEL_CONCRETE] = "model",
	[CM_MODEL_ABSTRACT] = "abstract",
	[CM_MODEL_PROXY] = "proxy",
};

STATIC_ASSERT_COUNT(model_kind_names, CM_MODEL_COUNT);

/* See cm_core.h. */
const char *
cm_model_kind_name(CmModelKind k)
{
	return model_kind_names[k];
}

/* See cm_core.h. */
bool
cm_model_kind_parse(const char *name, CmModelKind *out)
{
	int			i = find_name(model_kind_names, LENGTHOF(model_kind_names), name);

	if (i < 0)
		return false;
	*out = (CmModelKind) i;
	return true;
}

/* ------------------------------------------------------------------------
 * Index kinds: the registry's name, the access method, the Django class,
 * and the suffix of an automatically named index
 * ------------------------------------------------------------------------
 */
static const struct
{
	const char *name;
	const char *method;
	const char *django_class;
	const char *suffix;
}			index_kinds[] = {
	[CM_IDX_BTREE] = {"btree", "btree", "Index", "idx"},
	[CM_IDX_GIN] = {"gin", "gin", "GinIndex", "gin"},
	[CM_IDX_UNIQUE] = {"unique", "btree", "UniqueConstraint", "uniq"},
};

STATIC_ASSERT_COUNT(index_kinds, CM_IDX_COUNT);

/* See cm_core.h. */
const char *
cm_index_kind_name(CmIndexKind k)
{
	return index_kinds[k].name;
}

/* See cm_core.h. */
const char *
cm_index_method(CmIndexKind k)
{
	return index_kinds[k].method;
}

/* See cm_internal.h. */
const char *
cm_index_class(CmIndexKind k)
{
	return index_kinds[k].django_class;
}

/* See cm_internal.h. */
const char *
cm_index_suffix(CmIndexKind k)
{
	return index_kinds[k].suffix;
}

/* ------------------------------------------------------------------------
 * Where an index came from (the Meta key, or why it was made)
 * ------------------------------------------------------------------------
 */
static const char *const index_origin_names[] = {
	[CM_ORIGIN_INDEXES] = "indexes",
	[CM_ORIGIN_CONSTRAINTS] = "constraints",
	[CM_ORIGIN_UNIQUE_TOGETHER] = "unique_together",
	[CM_ORIGIN_INDEX_TOGETHER] = "index_together",
	[CM_ORIGIN_RELATION] = "relation",
	[CM_ORIGIN_DB_INDEX] = "db_index",
};

STATIC_ASSERT_COUNT(index_origin_names, CM_ORIGIN_COUNT);

/* See cm_core.h. */
const char *
cm_index_origin_name(CmIndexOrigin o)
{
	return index_origin_names[o];
}

/* ------------------------------------------------------------------------
 * Condition lookups ("field__lookup")
 * ------------------------------------------------------------------------
 */
static const char *const lookup_names[] = {
	[CM_LK_EXACT] = "exact",
	[CM_LK_GT] = "gt",
	[CM_LK_GTE] = "gte",
	[CM_LK_LT] = "lt",
	[CM_LK_LTE] = "lte",
	[CM_LK_ISNULL] = "isnull",
	[CM_LK_IN] = "in",
};

STATIC_ASSERT_COUNT(lookup_names, CM_LK_COUNT);

/* See cm_internal.h. */
bool
cm_lookup_parse(const char *name, CmLookup *out)
{
	int			i = find_name(lookup_names, LENGTHOF(lookup_names), name);

	if (i < 0)
		return false;
	*out = (CmLookup) i;
	return true;
}

/* See cm_internal.h. */
char *
cm_lookup_list(CmArena *arena)
{
	CmBuf		b;
	int			i;

	cm_buf_init(&b, arena);
	for (i = 0; i < CM_LK_COUNT; i++)
		cm_buf_printf(&b, "%s%s", i == 0 ? "" : ", ", lookup_names[i]);
	return b.data;
}

/* ------------------------------------------------------------------------
 * Plan actions, as registrations report them
 * ------------------------------------------------------------------------
 */
static const char *const action_names[] = {
	[CM_ACT_CREATE_NAMESPACE] = "create namespace",
	[CM_ACT_CREATE_HUB_STORE] = "create hub store",
	[CM_ACT_ADOPT_NAMESPACE] = "adopt namespace",
	[CM_ACT_REGISTER_PROXY] = "register proxy",
	[CM_ACT_REGISTER_ABSTRACT] = "register abstract",
	[CM_ACT_UPDATE_PROXY] = "update proxy",
	[CM_ACT_UPDATE_ABSTRACT] = "update abstract",
	[CM_ACT_CREATE_MODEL] = "create model",
	[CM_ACT_ADOPT_MODEL] = "adopt model",
	[CM_ACT_REVIVE_MODEL] = "revive model",
	[CM_ACT_UPDATE_MODEL] = "update model",
	[CM_ACT_RETIRE_MODEL] = "retire model",
	[CM_ACT_ADD_FIELD] = "add field",
	[CM_ACT_REVIVE_FIELD] = "revive field",
	[CM_ACT_RETIRE_FIELD] = "retire field",
	[CM_ACT_SET_DEFAULT] = "set default",
	[CM_ACT_DROP_DEFAULT] = "drop default",
	[CM_ACT_CREATE_INDEX] = "create index",
	[CM_ACT_CREATE_UNIQUE_INDEX] = "create unique index",
	[CM_ACT_ADOPT_INDEX] = "adopt index",
	[CM_ACT_REVIVE_INDEX] = "revive index",
	[CM_ACT_RETIRE_INDEX] = "retire index",
	[CM_ACT_CREATE_TRIGGER] = "create trigger",
};

STATIC_ASSERT_COUNT(action_names, CM_ACT_COUNT);

/* See cm_core.h. */
const char *
cm_action_name(CmActionKind k)
{
	return action_names[k];
}

/* ------------------------------------------------------------------------
 * Attribute hub value types, as a hub's "$types" map names them
 * ------------------------------------------------------------------------
 */
static const char *const hub_type_names[] = {
	[CM_HUB_NONE] = "none",
	[CM_HUB_TEXT] = "text",
	[CM_HUB_BIGINT] = "bigint",
	[CM_HUB_NUMERIC] = "numeric",
	[CM_HUB_BOOLEAN] = "boolean",
	[CM_HUB_DATE] = "date",
	[CM_HUB_TIMESTAMPTZ] = "timestamptz",
	[CM_HUB_JSON] = "json",
};

STATIC_ASSERT_COUNT(hub_type_names, CM_HUB_COUNT);

/* See cm_core.h. */
const char *
cm_hub_type_name(CmHubType t)
{
	return hub_type_names[t];
}

/* See cm_core.h: name is not NUL-terminated (a JSON string's bytes). */
bool
cm_hub_type_parse(const char *name, size_t len, CmHubType *out)
{
	int			i;

	for (i = 0; i < CM_HUB_COUNT; i++)
		if (strlen(hub_type_names[i]) == len && memcmp(hub_type_names[i], name, len) == 0)
		{
			*out = (CmHubType) i;
			return true;
		}
	return false;
}

/* ------------------------------------------------------------------------
 * cmodel's triggers: name, function (in schema cmodel) and when it fires
 * ------------------------------------------------------------------------
 */
static const struct
{
	int			bit;
	const char *name;
	const char *function;
	const char *timing;			/* CREATE TRIGGER's clauses before EXECUTE */
}			triggers[] = {
	{CM_TRIG_WRITE, "cmodel_write", "on_write",
	"BEFORE INSERT OR UPDATE ON %s FOR EACH ROW"},
	{CM_TRIG_DELETE, "cmodel_on_delete", "on_delete",
	"AFTER DELETE ON %s REFERENCING OLD TABLE AS cmodel_deleted FOR EACH STATEMENT"},
	{CM_TRIG_TRUNCATE, "cmodel_on_truncate", "on_truncate",
	"BEFORE TRUNCATE ON %s FOR EACH STATEMENT"},
	{CM_TRIG_DELETE_ROW, "cmodel_on_delete_row", "on_delete_row",
	"AFTER DELETE ON %s FOR EACH ROW"},
};

STATIC_ASSERT_COUNT(triggers, CM_TRIG_COUNT);

static int
trigger_row(int which)
{
	int			i;

	for (i = 0; i < CM_TRIG_COUNT; i++)
		if (triggers[i].bit == which)
			return i;
	return 0;					/* callers pass one CM_TRIG_* bit */
}

/* See cm_core.h. */
const char *
cm_trigger_name(int which)
{
	return triggers[trigger_row(which)].name;
}

/* See cm_core.h. */
const char *
cm_trigger_function(int which)
{
	return triggers[trigger_row(which)].function;
}

/* See cm_core.h. */
int
cm_trigger_by_function(const char *function)
{
	int			i;

	for (i = 0; i < CM_TRIG_COUNT; i++)
		if (strcmp(triggers[i].function, function) == 0)
			return triggers[i].bit;
	return 0;
}

/* See cm_core.h. */
char *
cm_trigger_sql(CmArena *arena, const char *qualname, int which)
{
	int			i = trigger_row(which);
	CmBuf		b;

	cm_buf_init(&b, arena);
	cm_buf_printf(&b, "CREATE TRIGGER %s ", triggers[i].name);
	cm_buf_printf(&b, triggers[i].timing, qualname);
	cm_buf_printf(&b, " EXECUTE FUNCTION cmodel.%s()", triggers[i].function);
	return b.data;
}

/*
 * See cm_core.h: ALWAYS, so that session_replication_role = replica does
 * not switch it off; the row trigger of deletes REPLICA, since it only
 * stands in for the statement trigger where a logical replication apply
 * worker fires no statement triggers.
 */
char *
cm_trigger_enable_sql(CmArena *arena, const char *qualname, int which)
{
	return cm_printf(arena, "ALTER TABLE %s ENABLE %s TRIGGER %s", qualname,
					 which == CM_TRIG_DELETE_ROW ? "REPLICA" : "ALWAYS",
					 triggers[trigger_row(which)].name);
}

/* ------------------------------------------------------------------------
 * Rule sets, as the registry stores them
 * ------------------------------------------------------------------------
 */
static const char *const rules_names[] = {
	[CM_RULES_CANVAS] = "canvas",
	[CM_RULES_DJANGO] = "django",
};

STATIC_ASSERT_COUNT(rules_names, CM_RULES_COUNT);

/* See cm_core.h. */
const char *
cm_rules_name(CmRules r)
{
	return rules_names[r];
}

/* See cm_core.h. */
bool
cm_rules_parse(const char *name, CmRules *out)
{
	int			i = find_name(rules_names, LENGTHOF(rules_names), name);

	if (i < 0)
		return false;
	*out = (CmRules) i;
	return true;
}

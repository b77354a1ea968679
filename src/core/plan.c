/*-------------------------------------------------------------------------
 *
 * plan.c
 *	  Compare resolved models with the registry and the physical schema and
 *	  list the actions that make the database match them, additively.
 *
 * The planner is the lifecycle's rulebook: it only ever creates schemas,
 * tables, columns and indexes, and it records what disappeared from a
 * descriptor as retired instead of dropping it.  Anything else the new
 * descriptors would need (a column whose type changes, an index whose
 * definition changes under the same name, a primary key that changes) is an
 * error with a hint, raised before a single statement runs.  The physical
 * catalog decides what exists, so tables the SDK built are adopted as they
 * are, and a second registration of the same descriptors plans nothing.
 *
 * src/core/plan.c
 *
 *-------------------------------------------------------------------------
 */
#include "cm_internal.h"

#include <string.h>

typedef struct PlanCtx
{
	CmArena    *a;
	const CmEnv *env;
	const CmSnapshot *snap;
	CmError    *err;
	CmPlan	   *plan;
	const char *plugin;			/* the registering plugin, or NULL */
	int			nnames;			/* index and table names this plan creates */
	int			capnames;
	char	  **names;
	CmModel   **name_owner;
} PlanCtx;

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------
 */
static CmAction *
add_action(PlanCtx *c, CmActionKind kind, char *object, char *sql, CmModel *m)
{
	CmPlan	   *p = c->plan;
	CmAction   *act;

	if (p->nactions == p->cap)
	{
		CmAction   *grown;

		p->cap = p->cap * 2 + 16;
		grown = cm_alloc(c->a, sizeof(CmAction) * p->cap);
		if (p->nactions)
			memcpy(grown, p->actions, sizeof(CmAction) * p->nactions);
		p->actions = grown;
	}
	act = &p->actions[p->nactions++];
	act->kind = kind;
	act->object = object;
	act->sql = sql;
	memset(act->then, 0, sizeof(act->then));
	act->model = m;
	return act;
}

static char *
qualified(PlanCtx *c, const char *rel)
{
	CmBuf		b;

	cm_buf_init(&b, c->a);
	c->env->quote_ident(&b, c->snap->namespace);
	cm_buf_puts(&b, ".");
	c->env->quote_ident(&b, rel);
	return b.data;
}

static CmRegModel *
reg_model(PlanCtx *c, const char *name)
{
	int			i;

	for (i = 0; i < c->snap->nmodels; i++)
		if (strcmp(c->snap->models[i].name, name) == 0)
			return &c->snap->models[i];
	return NULL;
}

static CmTableState *
table_state(PlanCtx *c, const char *name)
{
	int			i;

	for (i = 0; i < c->snap->ntables; i++)
		if (strcmp(c->snap->tables[i].name, name) == 0)
			return &c->snap->tables[i];
	return NULL;
}

static CmColumn *
column_state(CmTableState *t, const char *name)
{
	int			i;

	for (i = 0; i < t->ncolumns; i++)
		if (strcmp(t->columns[i].name, name) == 0)
			return &t->columns[i];
	return NULL;
}

static CmRegField *
reg_field(PlanCtx *c, const char *model, const char *name)
{
	int			i;

	for (i = 0; i < c->snap->nfields; i++)
		if (strcmp(c->snap->fields[i].model, model) == 0 &&
			strcmp(c->snap->fields[i].name, name) == 0)
			return &c->snap->fields[i];
	return NULL;
}

static CmRegIndex *
reg_index(PlanCtx *c, const char *pg_name)
{
	int			i;

	for (i = 0; i < c->snap->nindexes; i++)
		if (strcmp(c->snap->indexes[i].pg_name, pg_name) == 0)
			return &c->snap->indexes[i];
	return NULL;
}

static CmIndexState *
index_state(PlanCtx *c, const char *name)
{
	int			i;

	for (i = 0; i < c->snap->npgindexes; i++)
		if (strcmp(c->snap->pgindexes[i].name, name) == 0)
			return &c->snap->pgindexes[i];
	return NULL;
}

static bool
relname_exists(PlanCtx *c, const char *name)
{
	int			i;

	for (i = 0; i < c->snap->nrelnames; i++)
		if (strcmp(c->snap->relnames[i], name) == 0)
			return true;
	return false;
}

/*
 * Claim a relation name this plan will create; a second claim by another
 * model (two long names truncated alike, or "a"+"b_c" vs "a_b"+"c") is an
 * error rather than a silent collision.
 */
static bool
claim_name(PlanCtx *c, CmModel *m, const char *name, const char *path)
{
	int			i;

	for (i = 0; i < c->nnames; i++)
		if (strcmp(c->names[i], name) == 0)
			return cm_model_error(c->err, c->a, CM_ERR_DUPLICATE, m, NULL, path,
								  cm_printf(c->a, "Relation name \"%s\" would be created twice in namespace \"%s\" (also by model \"%s\").",
											name, c->snap->namespace, c->name_owner[i]->name),
								  "Rename the model, index or constraint.",
								  "relation name \"%s\" collides", name);
	if (c->nnames == c->capnames)
	{
		char	  **n;
		CmModel   **o;

		c->capnames = c->capnames * 2 + 16;
		n = cm_alloc(c->a, sizeof(char *) * c->capnames);
		o = cm_alloc(c->a, sizeof(CmModel *) * c->capnames);
		if (c->nnames)
		{
			memcpy(n, c->names, sizeof(char *) * c->nnames);
			memcpy(o, c->name_owner, sizeof(CmModel *) * c->nnames);
		}
		c->names = n;
		c->name_owner = o;
	}
	c->names[c->nnames] = (char *) name;
	c->name_owner[c->nnames++] = m;
	return true;
}

/*
 * Does an existing index have the structure of the planned one?  For an
 * index cmodel registered, the predicate was fixed by the registry's
 * definition, so only its presence is compared.  An unregistered partial
 * index or one with a non-default operator class never matches: predicates
 * cannot be compared safely as text, and the SDK builds neither.
 */
static bool
same_structure(const CmIndexState *s, const CmIndex *ix, const char *table, bool registered)
{
	int			i;
	bool		partial_ok = registered ? s->partial == (ix->nconds > 0) :
	(!s->partial && ix->nconds == 0);

	if (strcmp(s->table, table) != 0 || s->unique != (ix->kind == CM_IDX_UNIQUE) ||
		strcmp(s->method, cm_index_method(ix->kind)) != 0 ||
		s->ncolumns != ix->nfields || !partial_ok || s->nondefault || !s->valid)
		return false;
	for (i = 0; i < s->ncolumns; i++)
		if (s->columns[i] == NULL || strcmp(s->columns[i], ix->columns[i]) != 0 ||
			s->desc[i] != ix->desc[i])
			return false;
	return true;
}

/* ------------------------------------------------------------------------
 * Tables and columns
 * ------------------------------------------------------------------------
 */

/* See cm_internal.h: "default": "uuid4" is the SDK's uuid.uuid4, per row. */
bool
cm_default_draws_uuid(const CmField *f)
{
	return f->type == CM_F_UUID && f->default_json != NULL &&
		strcmp(f->default_json, "\"uuid4\"") == 0;
}

/*
 * The column default that gives new rows a field's default, or NULL.  The
 * value is a literal cast to the column type, so it is evaluated once per
 * row and never rewrites a table; "uuid4" is the SDK's uuid.uuid4.
 */
static char *
default_sql(PlanCtx *c, const CmField *f)
{
	CmBuf		b;
	char	  **vals;

	if (f->default_json == NULL || f->column == NULL || strcmp(f->default_json, "null") == 0)
		return NULL;
	if (cm_default_draws_uuid(f))
		return "pg_catalog.gen_random_uuid()";
	cm_buf_init(&b, c->a);
	if (f->type == CM_F_JSON)
		c->env->quote_literal(&b, f->default_json);
	else if (cm_json_scalars(c->a, f->default_json, &vals) == 1 && vals[0] != NULL)
		c->env->quote_literal(&b, vals[0]);
	else
		return NULL;
	cm_buf_printf(&b, "::%s", f->column_type);
	return b.data;
}

static void
add_set_default(PlanCtx *c, CmModel *m, const CmField *f, const char *expr)
{
	CmBuf		b;

	cm_buf_init(&b, c->a);
	cm_buf_printf(&b, "ALTER TABLE %s ALTER COLUMN ", qualified(c, m->table));
	c->env->quote_ident(&b, f->column);
	if (expr)
		cm_buf_printf(&b, " SET DEFAULT %s", expr);
	else
		cm_buf_puts(&b, " DROP DEFAULT");
	add_action(c, expr ? CM_ACT_SET_DEFAULT : CM_ACT_DROP_DEFAULT,
			   cm_printf(c->a, "%s.%s.%s", c->snap->namespace, m->table, f->column), b.data, m);
}

/*
 * cmodel's triggers, created with the table (or added to an existing one):
 * CM_TRIG_WRITE on every model table, CM_TRIG_DELETE and CM_TRIG_TRUNCATE
 * on every table a CASCADE or SET_NULL relation points at.
 */
static void
add_trigger(PlanCtx *c, CmModel *m, const char *qualname, int which)
{
	CmAction   *act = add_action(c, CM_ACT_CREATE_TRIGGER,
									 cm_printf(c->a, "%s on %s", cm_trigger_name(which), qualname),
									 cm_trigger_sql(c->a, qualname, which), m);

	act->then[0] = cm_trigger_enable_sql(c->a, qualname, which);
	/* the delete trigger's row twin, for logical replication apply workers */
	if (which == CM_TRIG_DELETE)
	{
		act->then[1] = cm_trigger_sql(c->a, qualname, CM_TRIG_DELETE_ROW);
		act->then[2] = cm_trigger_enable_sql(c->a, qualname, CM_TRIG_DELETE_ROW);
	}
}

/* Is the existing relation named CM_HUB_STORE a hub store? */
static bool
is_hub_store(PlanCtx *c)
{
	CmTableState *t = table_state(c, CM_HUB_STORE);
	CmColumn   *type,
			   *id,
			   *attrs;

	if (t == NULL)
		return false;
	type = column_state(t, "type");
	id = column_state(t, "id");
	attrs = column_state(t, "attrs");
	/* the hub type is qualified unless cmodel's schema is on the search_path */
	return type && id && attrs && strcmp(type->type, "text") == 0 && strcmp(id->type, "text") == 0 &&
		(strcmp(attrs->type, "cmodel.hub") == 0 || strcmp(attrs->type, "hub") == 0);
}

/*
 * The namespace's hub store, created with the namespace (or for one that
 * predates it), with the write trigger that keeps its limits.  Its keys
 * compare bytewise (COLLATE "C": ids are identifiers, and an operating
 * system's collation update cannot reorder the key index); its one GIN
 * index answers finds on any attribute (cmodel.hub_ops).
 * A relation of that name that is something else is an error: the hub
 * functions would read it as a store.
 */
static bool
plan_hub_store(PlanCtx *c)
{
	CmBuf		b;
	char	   *store;

	if (c->snap->no_hub_type)
		return true;
	if (relname_exists(c, CM_HUB_STORE))
	{
		if (is_hub_store(c))
			return true;
		return cm_set_error(c->err, c->a, CM_ERR_DUPLICATE,
							cm_printf(c->a, "A namespace's hub store is its table %s (type text, id text, attrs cmodel.hub); the relation of that name in schema \"%s\" is something else.",
									  CM_HUB_STORE, c->snap->namespace),
							"Rename or move that relation (names starting with \"cmodel_\" are cmodel's), then register again.",
							"relation \"%s.%s\" is not a hub store", c->snap->namespace, CM_HUB_STORE);
	}
	store = qualified(c, CM_HUB_STORE);
	cm_buf_init(&b, c->a);
	cm_buf_printf(&b, "CREATE TABLE %s (type text COLLATE \"C\" NOT NULL, id text COLLATE \"C\" NOT NULL,"
				  " attrs cmodel.hub NOT NULL DEFAULT '{}',"
				  " CONSTRAINT " CM_HUB_STORE "_pkey PRIMARY KEY (type, id));"
				  " CREATE INDEX " CM_HUB_STORE "_attrs_idx ON %s USING gin (attrs cmodel.hub_ops)",
				  store, store);
	add_action(c, CM_ACT_CREATE_HUB_STORE, cm_printf(c->a, "%s.%s", c->snap->namespace, CM_HUB_STORE),
			   b.data, NULL);
	if (!c->snap->no_triggers)
		add_trigger(c, NULL, store, CM_TRIG_WRITE);
	return true;
}

static char *
create_table_sql(PlanCtx *c, CmModel *m)
{
	CmBuf		b;
	int			i;

	cm_buf_init(&b, c->a);
	cm_buf_printf(&b, "CREATE TABLE %s (", qualified(c, m->table));
	c->env->quote_ident(&b, m->pk_column);
	if (m->pk_field == NULL || cm_is_auto_field(m->pk_field->type))
		cm_buf_printf(&b, " %s GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", m->pk_type);
	else
	{
		char	   *dflt = default_sql(c, m->pk_field);

		cm_buf_printf(&b, " %s PRIMARY KEY", m->pk_type);
		if (dflt)
			cm_buf_printf(&b, " DEFAULT %s", dflt);
	}
	for (i = 0; i < m->nall_fields; i++)
	{
		CmField    *f = m->all_fields[i];
		char	   *dflt;

		if (f->column == NULL || f == m->pk_field)
			continue;
		cm_buf_puts(&b, ", ");
		c->env->quote_ident(&b, f->column);
		cm_buf_printf(&b, " %s", f->column_type);
		if (f->not_null)
			cm_buf_puts(&b, " NOT NULL");
		dflt = default_sql(c, f);
		if (dflt)
			cm_buf_printf(&b, " DEFAULT %s", dflt);
	}
	cm_buf_puts(&b, ")");
	return b.data;
}

/* Columns of an existing table: add what is missing, refuse type changes. */
static bool
plan_columns(PlanCtx *c, CmModel *m, CmTableState *t, CmRegModel *reg)
{
	int			i;
	CmColumn   *pk = t->pk_column ? column_state(t, t->pk_column) : NULL;

	if (t->pk_column == NULL || strcmp(t->pk_column, m->pk_column) != 0 ||
		pk == NULL || strcmp(pk->type, m->pk_type) != 0)
		return cm_model_error(c->err, c->a, CM_ERR_NOT_ALLOWED, m, NULL, NULL,
							  cm_printf(c->a, "Table %s.%s has primary key %s; the descriptor needs %s %s. Changing a primary key would rewrite the table (Alter Model).",
										c->snap->namespace, m->table,
										t->pk_column ? cm_printf(c->a, "%s %s", t->pk_column, pk ? pk->type : "?") : "(none)",
										m->pk_column, m->pk_type),
							  "Create a new model with the new key and copy the data.",
							  "primary key of table \"%s\" cannot change", m->table);
	for (i = 0; i < m->nall_fields; i++)
	{
		CmField    *f = m->all_fields[i];
		CmColumn   *col;
		CmRegField *rf;
		char	   *dflt;
		bool		known;

		if (f->column == NULL || f == m->pk_field)
			continue;
		dflt = default_sql(c, f);
		col = column_state(t, f->column);
		rf = reg ? reg_field(c, m->name, f->name) : NULL;
		if (rf && rf->column && strcmp(rf->column, f->column) != 0)
			return cm_model_error(c->err, c->a, CM_ERR_NOT_ALLOWED, m, f->name, f->path,
								  cm_printf(c->a, "Field \"%s\" is registered with column \"%s\"; as a %s it would use column \"%s\" (Alter Field).",
											f->name, rf->column, cm_field_type_name(f->type), f->column),
								  "Add a new field under another name; remove the old one from the descriptor and it will be kept, ignored.",
								  "field \"%s\" cannot change its column", f->name);
		if (col && strcmp(col->type, f->column_type) != 0)
			return cm_model_error(c->err, c->a, CM_ERR_NOT_ALLOWED, m, f->name, f->path,
								  cm_printf(c->a, "Column %s.%s.%s is %s; the descriptor needs %s. Changing a column's type would rewrite the table (Alter Field).",
											c->snap->namespace, m->table, f->column, col->type, f->column_type),
								  "Add a new field with the new type and copy the data; remove the old field from the descriptor and it will be kept, ignored.",
								  "type of field \"%s\" cannot change from %s to %s",
								  f->name, col->type, f->column_type);
		if (col == NULL)
		{
			CmBuf		b;

			if (f->not_null && (dflt == NULL || cm_default_draws_uuid(f)))
				return cm_model_error(c->err, c->a, CM_ERR_NOT_ALLOWED, m, f->name, f->path,
									  cm_printf(c->a, "Table %s.%s exists, so its rows need a value for the new NOT NULL column \"%s\"; %s.",
												c->snap->namespace, m->table, f->column,
												dflt ? "a default drawn per row would rewrite the table" : "the field has no default"),
									  "Add \"null\": true, or give the field a constant default (as Django's makemigrations asks for one).",
									  "field \"%s\" cannot be added as NOT NULL without a constant default", f->name);
			cm_buf_init(&b, c->a);
			cm_buf_printf(&b, "ALTER TABLE %s ADD COLUMN ", qualified(c, m->table));
			c->env->quote_ident(&b, f->column);
			cm_buf_printf(&b, " %s", f->column_type);
			/*
			 * Django's rules: a NOT NULL column fills the rows that exist
			 * with its constant default, which PostgreSQL records without
			 * rewriting the table.
			 */
			if (f->not_null)
				cm_buf_printf(&b, " NOT NULL DEFAULT %s", dflt);
			add_action(c, CM_ACT_ADD_FIELD, cm_printf(c->a, "%s.%s.%s", c->snap->namespace, m->table, f->column),
					   b.data, m);
			/* a separate step: ADD COLUMN ... DEFAULT would fill existing rows */
			if (dflt && !f->not_null)
				add_set_default(c, m, f, dflt);
			continue;
		}
		if (c->snap->rules == CM_RULES_DJANGO && col->not_null != f->not_null)
			return cm_model_error(c->err, c->a, CM_ERR_NOT_ALLOWED, m, f->name, f->path,
								  cm_printf(c->a, "Column %s.%s.%s is %s; the descriptor makes it %s. %s",
											c->snap->namespace, m->table, f->column,
											col->not_null ? "NOT NULL" : "nullable",
											f->not_null ? "NOT NULL" : "nullable",
											f->not_null ? "Making it NOT NULL would scan the table and fail on NULLs (Alter Field)." :
											"Allowing NULLs in a column other clients rely on is a change of contract (Alter Field)."),
								  "Keep the field's \"null\" as it was registered, or add a new field and copy the data.",
								  "null of field \"%s\" cannot change", f->name);
		if (rf && rf->retired)
			add_action(c, CM_ACT_REVIVE_FIELD, cm_printf(c->a, "%s.%s.%s", c->snap->namespace, m->table, f->column),
					   NULL, m);

		/*
		 * An existing column's default: changed or dropped when the recorded
		 * one differs, set when none is recorded (adoption, upgrade).
		 */
		known = rf != NULL && !rf->default_unknown;
		if (known ? !(rf->default_json == NULL ? f->default_json == NULL :
					  f->default_json != NULL && cm_json_text_equal(rf->default_json, f->default_json))
			: dflt != NULL)
			add_set_default(c, m, f, dflt);
	}
	/* fields the descriptor no longer has: kept, marked retired */
	for (i = 0; reg && i < c->snap->nfields; i++)
	{
		CmRegField *rf = &c->snap->fields[i];
		int			j;
		bool		present = false;

		if (rf->retired || strcmp(rf->model, m->name) != 0)
			continue;
		for (j = 0; j < m->nall_fields && !present; j++)
			present = strcmp(m->all_fields[j]->name, rf->name) == 0;
		if (!present)
			add_action(c, CM_ACT_RETIRE_FIELD,
					   cm_printf(c->a, "%s.%s.%s", c->snap->namespace, m->table,
								 rf->column ? rf->column : rf->name), NULL, m);
	}
	return true;
}

/* ------------------------------------------------------------------------
 * Indexes
 * ------------------------------------------------------------------------
 */
static bool
plan_indexes(PlanCtx *c, CmModel *m, CmRegModel *reg)
{
	int			i;

	for (i = 0; i < m->nall_indexes; i++)
	{
		CmIndex    *ix = m->all_indexes[i];
		CmRegIndex *ri = reg_index(c, ix->pg_name);
		CmIndexState *st = index_state(c, ix->pg_name);
		char	   *object = cm_printf(c->a, "%s.%s", c->snap->namespace, ix->pg_name);

		if (!claim_name(c, m, ix->pg_name, ix->path))
			return false;
		if (ri && strcmp(ri->model, m->name) != 0)
			return cm_model_error(c->err, c->a, CM_ERR_DUPLICATE, m, NULL, ix->path,
								  cm_printf(c->a, "Index \"%s\" is registered for model \"%s\".", ix->pg_name, ri->model),
								  "Rename the index or constraint.",
								  "index name \"%s\" collides", ix->pg_name);
		if (ri && strcmp(ri->definition, ix->definition) != 0)
			return cm_model_error(c->err, c->a, CM_ERR_NOT_ALLOWED, m, NULL, ix->path,
								  cm_printf(c->a, "Index \"%s\" is registered as: %s. The descriptor now needs: %s.",
											ix->pg_name, ri->definition, ix->definition),
								  "Indexes are never altered: give the changed index or constraint a new name; the old one will be kept and ignored.",
								  "definition of index \"%s\" cannot change",
								  ix->base_name);
		if (st && ri && !same_structure(st, ix, m->table, true))
			return cm_model_error(c->err, c->a, CM_ERR_NOT_ALLOWED, m, NULL, ix->path,
								  cm_printf(c->a, st->valid ? "Index \"%s\" in the database no longer has its registered definition: %s." :
											"Index \"%s\" is invalid (a failed CREATE or DROP INDEX CONCURRENTLY); it should be: %s.",
											ix->pg_name, ix->definition),
								  "Restore the index (drop the impostor so cmodel recreates it), or give the index a new name.",
								  "index \"%s\" was changed outside cmodel", ix->pg_name);
		if (st)
		{
			if (ri == NULL && !same_structure(st, ix, m->table, false))
				return cm_model_error(c->err, c->a, CM_ERR_DUPLICATE, m, NULL, ix->path,
									  (st->partial || st->nondefault || !st->valid) ?
									  cm_printf(c->a, "An unregistered index named \"%s\" already exists in namespace \"%s\"; it is partial, invalid, or has options beyond columns and order (operator class, collation, NULLS, INCLUDE), so cmodel cannot adopt it.",
												ix->pg_name, c->snap->namespace) :
									  cm_printf(c->a, "An index named \"%s\" already exists in namespace \"%s\" with another definition.",
												ix->pg_name, c->snap->namespace),
									  "Give the index or constraint another name.",
									  "index name \"%s\" is taken", ix->pg_name);
			if (ri == NULL)
				add_action(c, CM_ACT_ADOPT_INDEX, object, NULL, m);
			else if (ri->retired)
				add_action(c, CM_ACT_REVIVE_INDEX, object, NULL, m);
			continue;
		}
		if (relname_exists(c, ix->pg_name))
			return cm_model_error(c->err, c->a, CM_ERR_DUPLICATE, m, NULL, ix->path,
								  cm_printf(c->a, "A relation named \"%s\" already exists in namespace \"%s\".",
											ix->pg_name, c->snap->namespace),
								  "Give the index or constraint another name.",
								  "index name \"%s\" is taken", ix->pg_name);
		add_action(c, ix->kind == CM_IDX_UNIQUE ? CM_ACT_CREATE_UNIQUE_INDEX : CM_ACT_CREATE_INDEX,
				   object, ix->definition, m);
	}
	for (i = 0; reg && i < c->snap->nindexes; i++)
	{
		CmRegIndex *ri = &c->snap->indexes[i];
		int			j;
		bool		present = false;

		if (ri->retired || strcmp(ri->model, m->name) != 0)
			continue;
		for (j = 0; j < m->nall_indexes && !present; j++)
			present = strcmp(m->all_indexes[j]->pg_name, ri->pg_name) == 0;
		if (!present)
			add_action(c, CM_ACT_RETIRE_INDEX, cm_printf(c->a, "%s.%s", c->snap->namespace, ri->pg_name),
					   NULL, m);
	}
	return true;
}

/* ------------------------------------------------------------------------
 * Models
 * ------------------------------------------------------------------------
 */
static bool
plan_model(PlanCtx *c, CmModel *m, int idx)
{
	CmRegModel *reg = reg_model(c, m->name);
	bool		changed = reg == NULL || reg->retired ||
	!cm_json_text_equal(reg->descriptor, m->normalized) ||
	(c->plugin && (reg->plugin == NULL || strcmp(reg->plugin, c->plugin) != 0));
	int			before = c->plan->nactions;
	CmTableState *t;

	if (reg && reg->kind == CM_MODEL_CONCRETE && m->kind != CM_MODEL_CONCRETE)
		return cm_model_error(c->err, c->a, CM_ERR_NOT_ALLOWED, m, NULL, "meta",
							  cm_printf(c->a, "Model \"%s\" is registered with a table; it cannot become %s (Alter Model).",
										m->name, m->kind == CM_MODEL_PROXY ? "a proxy" : "an abstract model"),
							  "Create a new model under another name; remove this one from the plugin and it will be kept, ignored.",
							  "model \"%s\" cannot change kind", m->name);
	if (m->kind != CM_MODEL_CONCRETE)
	{
		if (changed)
			add_action(c, m->kind == CM_MODEL_PROXY ?
					   (reg && !reg->retired ? CM_ACT_UPDATE_PROXY : CM_ACT_REGISTER_PROXY) :
					   (reg && !reg->retired ? CM_ACT_UPDATE_ABSTRACT : CM_ACT_REGISTER_ABSTRACT),
					   cm_printf(c->a, "%s.%s", c->snap->namespace, m->name), NULL, m);
		c->plan->record[idx] = changed;
		return true;
	}

	t = table_state(c, m->table);
	if (!claim_name(c, m, m->table, "name"))
		return false;
	if (t == NULL)
	{
		if (relname_exists(c, m->table))
			return cm_model_error(c->err, c->a, CM_ERR_DUPLICATE, m, NULL, "name",
								  cm_printf(c->a, "A relation named \"%s\" that is not a table already exists in namespace \"%s\".",
											m->table, c->snap->namespace),
								  "Rename the model.", "table name \"%s\" is taken", m->table);
		/* the names PostgreSQL gives the key's index and identity sequence */
		if (strlen(m->table) + 5 <= CM_MAX_IDENT &&
			!claim_name(c, m, cm_printf(c->a, "%s_pkey", m->table), "name"))
			return false;
		if ((m->pk_field == NULL || cm_is_auto_field(m->pk_field->type)) &&
			strlen(m->table) + strlen(m->pk_column) + 5 <= CM_MAX_IDENT &&
			!claim_name(c, m, cm_printf(c->a, "%s_%s_seq", m->table, m->pk_column), "name"))
			return false;
		add_action(c, CM_ACT_CREATE_MODEL, cm_printf(c->a, "%s.%s", c->snap->namespace, m->table),
				   create_table_sql(c, m), m);
	}
	else
	{
		if (reg == NULL)
			add_action(c, CM_ACT_ADOPT_MODEL, cm_printf(c->a, "%s.%s", c->snap->namespace, m->table), NULL, m);
		else if (reg->retired)
			add_action(c, CM_ACT_REVIVE_MODEL, cm_printf(c->a, "%s.%s", c->snap->namespace, m->table), NULL, m);
		if (!plan_columns(c, m, t, reg))
			return false;
	}
	if ((t == NULL || !(t->triggers & CM_TRIG_WRITE)) && !c->snap->no_triggers)
		add_trigger(c, m, qualified(c, m->table), CM_TRIG_WRITE);
	if (!plan_indexes(c, m, reg))
		return false;
	if (changed && c->plan->nactions == before)
		add_action(c, CM_ACT_UPDATE_MODEL, cm_printf(c->a, "%s.%s", c->snap->namespace, m->table), NULL, m);
	c->plan->record[idx] = changed || c->plan->nactions > before;
	return true;
}

/*
 * Every table that a CASCADE or SET_NULL relation of the batch points at
 * needs the on_delete triggers; add those it lacks, once per table, after
 * all tables exist.
 */
static void
plan_delete_triggers(PlanCtx *c)
{
	int			i,
				j,
				k;
	int			ndone = 0;
	char	  **done;

	if (c->snap->no_triggers)
		return;
	done = cm_alloc(c->a, sizeof(char *) * 2 * (c->snap->ncores + c->snap->ntables + c->plan->nmodels + 1));

	for (i = 0; i < c->plan->nmodels; i++)
	{
		CmModel    *m = c->plan->models[i];

		if (m->kind != CM_MODEL_CONCRETE)
			continue;
		for (j = 0; j < m->nall_fields; j++)
		{
			CmField    *f = m->all_fields[j];
			char	   *target;
			int			have = 0;
			bool		seen = false;

			if (f->column == NULL || (f->on_delete != CM_OD_CASCADE && f->on_delete != CM_OD_SET_NULL))
				continue;
			if (f->target_core)
			{
				CmBuf		b;

				cm_buf_init(&b, c->a);
				c->env->quote_ident(&b, f->target_core->schema);
				cm_buf_puts(&b, ".");
				c->env->quote_ident(&b, f->target_core->table);
				target = b.data;
				have = f->target_core->triggers;
			}
			else if (f->target)
			{
				CmTableState *t = table_state(c, f->target->table);

				target = qualified(c, f->target->table);
				have = t ? t->triggers : 0;
			}
			else
				continue;
			for (k = 0; k < ndone && !seen; k++)
				seen = strcmp(done[k], target) == 0;
			if (seen)
				continue;
			done[ndone++] = target;
			if (!(have & CM_TRIG_DELETE))
				add_trigger(c, m, target, CM_TRIG_DELETE);
			if (!(have & CM_TRIG_TRUNCATE))
				add_trigger(c, m, target, CM_TRIG_TRUNCATE);
		}
	}
}

/* See cm_core.h. */
bool
cm_plan(CmArena *arena, const CmEnv *env, const CmSnapshot *snap,
		int nmodels, CmModel **models, const char *plugin,
		CmPlan *plan, CmError *err)
{
	PlanCtx		c;
	int			i,
				j;

	memset(&c, 0, sizeof(c));
	memset(plan, 0, sizeof(*plan));
	c.a = arena;
	c.env = env;
	c.snap = snap;
	c.err = err;
	c.plan = plan;
	c.plugin = plugin;
	plan->nmodels = nmodels;
	plan->models = models;
	plan->record = cm_alloc(arena, sizeof(bool) * (nmodels + 1));
	plan->retire_models = cm_alloc(arena, sizeof(char *) * (snap->nmodels + 1));

	if (!snap->schema_exists)
	{
		CmBuf		b;

		cm_buf_init(&b, arena);
		cm_buf_puts(&b, "CREATE SCHEMA ");
		env->quote_ident(&b, snap->namespace);
		add_action(&c, CM_ACT_CREATE_NAMESPACE, cm_strdup(arena, snap->namespace), b.data, NULL);
	}
	else if (!snap->namespace_registered)
		add_action(&c, CM_ACT_ADOPT_NAMESPACE, cm_strdup(arena, snap->namespace), NULL, NULL);
	plan->register_namespace = !snap->namespace_registered;
	if (!plan_hub_store(&c))
		return false;

	for (i = 0; i < nmodels; i++)
		if (!plan_model(&c, models[i], i))
			return false;
	plan_delete_triggers(&c);

	/* models the plugin registered before and no longer describes */
	for (i = 0; plugin && i < snap->nmodels; i++)
	{
		CmRegModel *r = &snap->models[i];
		bool		present = false;

		if (r->retired || r->plugin == NULL || strcmp(r->plugin, plugin) != 0)
			continue;
		for (j = 0; j < nmodels && !present; j++)
			present = strcmp(models[j]->name, r->name) == 0;
		if (present)
			continue;
		plan->retire_models[plan->nretire++] = r->name;
		add_action(&c, CM_ACT_RETIRE_MODEL, cm_printf(arena, "%s.%s", snap->namespace, r->name), NULL, NULL);
	}
	return true;
}

/* See cm_core.h. */
bool
cm_plan_text(CmArena *arena, const CmEnv *env, const CmSnapshot *snap,
			 const char *json, bool is_array, const char *plugin,
			 CmPlan *plan, CmError *err)
{
	int			n;
	CmModel   **models;

	return cm_parse_descriptors(arena, json, is_array, &n, &models, err) &&
		cm_resolve(arena, env, snap, n, models, err) &&
		cm_plan(arena, env, snap, n, models, plugin, plan, err);
}

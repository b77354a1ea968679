/*-------------------------------------------------------------------------
 *
 * validate.c
 *	  Resolve parsed descriptors against each other, the registry and the
 *	  core models, and enforce the SDK's model rules.
 *
 * A "universe" holds the models of the call (the batch), the models already
 * registered in the namespace (parsed again from their stored normalized
 * descriptors) and the platform's core models.  Resolution is lazy and
 * order-independent, so relations between the models of one call may point
 * either way; per-model state flags turn inheritance and primary-key cycles
 * into errors instead of infinite recursion.  Everything here is pure
 * computation on the arena: no I/O, no server calls.
 *
 * src/core/validate.c
 *
 *-------------------------------------------------------------------------
 */
#include "cm_internal.h"

#include <ctype.h>
#include <string.h>


typedef struct Target
{
	CmModel    *model;			/* the model named (may be a proxy) */
	CmModel    *concrete;		/* the custom table, or NULL for core */
	CmCoreModel *core;
} Target;

static bool expand_model(VCtx *v, CmModel *m);
static bool resolve_model(VCtx *v, CmModel *m);

/* ------------------------------------------------------------------------
 * Lookups
 * ------------------------------------------------------------------------
 */
static CmModel *
find_model(VCtx *v, const char *name)
{
	int			i;

	for (i = 0; i < v->nb; i++)
		if (strcmp(v->batch[i]->name, name) == 0)
			return v->batch[i];
	for (i = 0; i < v->nr; i++)
		if (strcmp(v->reg[i]->name, name) == 0)
			return v->reg[i];
	return NULL;
}

static CmCoreModel *
find_core(VCtx *v, const char *name)
{
	int			i;

	for (i = 0; i < v->snap->ncores; i++)
		if (strcmp(v->snap->cores[i].name, name) == 0)
			return &v->snap->cores[i];
	return NULL;
}

static CmColumn *
core_column(CmCoreModel *c, const char *name)
{
	int			i;

	for (i = 0; i < c->ncolumns; i++)
		if (strcmp(c->columns[i].name, name) == 0)
			return &c->columns[i];
	return NULL;
}

/* ------------------------------------------------------------------------
 * Field names
 * ------------------------------------------------------------------------
 */
static const char *const reserved_field_names[] = {
	/* Python keywords */
	"False", "None", "True", "and", "as", "assert", "async", "await", "break",
	"class", "continue", "def", "del", "elif", "else", "except", "finally",
	"for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
	"not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
	/* Django model API */
	"pk", "check", "clean", "clean_fields", "delete", "save", "save_base",
	"objects", "full_clean", "validate_unique", "validate_constraints",
	"refresh_from_db", "from_db", "get_deferred_fields", "serializable_value",
	"DoesNotExist", "MultipleObjectsReturned", "_meta", "_state",
	NULL
};

/* Model names that relations or Python could never use. */
static bool
is_reserved_model_name(const char *name)
{
	const char *const *r;

	if (strcmp(name, "self") == 0 || strstr(name, "__") != NULL)
		return true;
	/* the Python keywords open the list of reserved field names */
	for (r = reserved_field_names; strcmp(*r, "pk") != 0; r++)
		if (strcmp(*r, name) == 0)
			return true;
	return false;
}

/* Django's field name rules, plus PostgreSQL's 63-byte column limit. */
static bool
check_field_name(VCtx *v, CmModel *m, CmField *f)
{
	const char *const *r;
	size_t		len = strlen(f->name);
	const char *path = cm_printf(v->a, "%s.name", f->path);

	if (!cm_is_identifier(f->name))
		return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, f->name, path,
							  "A field name must be an ASCII identifier of at most 63 bytes.",
							  "Rename the field.", "invalid field name");
	if (strstr(f->name, "__"))
		return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, f->name, path,
							  "Django uses \"__\" to separate lookups, so a field name cannot contain it.",
							  "Rename the field without a double underscore.",
							  "field name contains \"__\"");
	if (f->name[len - 1] == '_')
		return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, f->name, path,
							  "Django does not allow a field name to end with an underscore.",
							  "Rename the field.", "field name ends with \"_\"");
	for (r = reserved_field_names; *r; r++)
		if (strcmp(*r, f->name) == 0)
			return cm_model_error(v->err, v->a, CM_ERR_RESERVED, m, f->name, path,
								  "The name is a Python keyword or part of the Django model API.",
								  "Rename the field.", "field name \"%s\" is reserved", f->name);
	return true;
}

/* ------------------------------------------------------------------------
 * Inheritance: flatten fields and Meta from abstract bases, find proxies
 * ------------------------------------------------------------------------
 */
static bool
add_field(VCtx *v, CmModel *m, CmField *f, int *cap)
{
	int			i;

	for (i = 0; i < m->nall_fields; i++)
	{
		if (strcmp(m->all_fields[i]->name, f->name) != 0)
			continue;
		if (!m->all_fields[i]->inherited)
			return cm_model_error(v->err, v->a, CM_ERR_DUPLICATE, m, f->name, f->path,
								  "Each field name may appear once in a model.",
								  "Rename or remove one of the fields.", "duplicate field name");
		/* own field overrides an inherited one, as Django allows for abstract bases */
		if ((int) f->type < 0)
		{
			memmove(&m->all_fields[i], &m->all_fields[i + 1],
					sizeof(CmField *) * (m->nall_fields - i - 1));
			m->nall_fields--;
		}
		else
			m->all_fields[i] = f;
		return true;
	}
	if ((int) f->type < 0)
		return cm_model_error(v->err, v->a, CM_ERR_UNDEFINED, m, f->name, f->path,
							  "\"type\": null removes a field inherited from an abstract base, and no base has this field.",
							  "Remove the entry.", "no inherited field to remove");
	if (m->nall_fields >= *cap)
	{
		CmField   **grown;

		*cap = *cap * 2 + 8;
		grown = cm_alloc(v->a, sizeof(CmField *) * *cap);
		if (m->nall_fields)
			memcpy(grown, m->all_fields, sizeof(CmField *) * m->nall_fields);
		m->all_fields = grown;
	}
	m->all_fields[m->nall_fields++] = f;
	return true;
}

/*
 * Resolve bases: abstract bases contribute fields (and Meta, when the model
 * declares none); a proxy names exactly one concrete model, proxy or core
 * model; anything else would be multi-table inheritance.
 */
static bool
resolve_bases(VCtx *v, CmModel *m)
{
	int			cap = 0;
	int			i,
				j;
	CmIndex    *inherited_ix = NULL;
	int			ninherited = 0;

	for (i = 0; i < m->nbases; i++)
	{
		const char *bpath = cm_printf(v->a, "bases[%d]", i);
		CmModel    *b = find_model(v, m->bases[i]);
		CmCoreModel *core = b ? NULL : find_core(v, m->bases[i]);

		if (b == m)
			return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, NULL, bpath,
								  "A model cannot inherit from itself.", "Remove the base.",
								  "model inherits from itself");
		if (b == NULL && core == NULL)
			return cm_model_error(v->err, v->a, CM_ERR_UNDEFINED, m, NULL, bpath,
								  "A base must be an abstract model, a model or proxy of this namespace, or a core model.",
								  "Register the base first or include it in the same call.",
								  "base \"%s\" does not exist", m->bases[i]);
		if (b && !expand_model(v, b))
			return false;
		if (b && b->kind == CM_MODEL_ABSTRACT)
		{
			if (m->kind == CM_MODEL_PROXY && b->nall_fields > 0)
				return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, NULL, bpath,
									  "A proxy may inherit from abstract models only when they declare no fields.",
									  "Remove the abstract base or make the model concrete.",
									  "proxy inherits fields from \"%s\"", b->name);
			for (j = 0; j < b->nall_fields; j++)
			{
				CmField    *f = cm_alloc(v->a, sizeof(CmField));

				*f = *b->all_fields[j];
				f->inherited = true;
				if (!b->all_fields[j]->inherited)
					f->path = cm_printf(v->a, "%s (inherited from %s)", f->path, b->name);
				if (!add_field(v, m, f, &cap))
					return false;
			}
			if (!m->has_meta && b->nall_indexes > 0 && inherited_ix == NULL)
			{
				inherited_ix = cm_alloc(v->a, sizeof(CmIndex) * b->nall_indexes);
				for (j = 0; j < b->nall_indexes; j++)
					inherited_ix[ninherited++] = *b->all_indexes[j];
			}
			continue;
		}
		if (m->kind != CM_MODEL_PROXY)
			return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, NULL, bpath,
								  "cmodel supports abstract bases and proxies, not multi-table inheritance.",
								  "Make the base abstract, set meta.proxy, or add a OneToOneField with \"primary_key\": true.",
								  "multi-table inheritance from \"%s\" is not supported", m->bases[i]);
		if (m->proxy_for)
			return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, NULL, bpath,
								  "A proxy must inherit from exactly one non-abstract model.",
								  "Keep one concrete base.", "proxy has more than one concrete base");
		if (b)
		{
			m->proxy_for = b->kind == CM_MODEL_PROXY ? b->proxy_for : b->name;
			m->proxy_target = b->kind == CM_MODEL_PROXY ? b->proxy_target : b;
			m->proxy_core = b->kind == CM_MODEL_PROXY ? b->proxy_core : NULL;
		}
		else
		{
			m->proxy_for = core->name;
			m->proxy_core = core;
		}
	}
	if (m->kind == CM_MODEL_PROXY)
	{
		if (m->proxy_for == NULL)
			return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, NULL, "bases", 
								  "A proxy names the model it stands for in \"bases\".",
								  "Add \"bases\": [\"Staff\"] (a core model or a model of this namespace).",
								  "proxy has no concrete base");
		if (m->nfields > 0 || m->nindexes > 0)
			return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, NULL, m->nfields ? "fields" : "meta",
								  "A proxy shares its base's table, so it cannot add fields, indexes or constraints.",
								  "Declare a separate model with a OneToOneField to the base instead.",
								  "proxy declares fields or indexes");
	}
	for (i = 0; i < m->nfields; i++)
		if (!add_field(v, m, &m->fields[i], &cap))
			return false;
	/* Meta: own, or inherited from the first abstract base with any */
	m->all_indexes = cm_alloc(v->a, sizeof(CmIndex *) * (m->nindexes + ninherited + 2 * m->nall_fields + 1));
	m->nall_indexes = 0;
	for (i = 0; i < ninherited; i++)
	{
		CmIndex    *ix = cm_alloc(v->a, sizeof(CmIndex));

		*ix = inherited_ix[i];
		m->all_indexes[m->nall_indexes++] = ix;
	}
	for (i = 0; i < m->nindexes; i++)
		m->all_indexes[m->nall_indexes++] = &m->indexes[i];
	return true;
}

/* ------------------------------------------------------------------------
 * Keys and relations
 * ------------------------------------------------------------------------
 */

/* Resolve what a relation points at; proxies lead to their concrete table. */
static bool
resolve_target(VCtx *v, CmModel *m, CmField *f, Target *t)
{
	const char *name = f->to;
	const char *dot = strchr(name, '.');
	const char *path = cm_printf(v->a, "%s.to", f->path);

	memset(t, 0, sizeof(*t));
	if (dot)
	{
		/* "app_label.Model" is accepted for this namespace's app label only */
		if (strncmp(name, m->app_label, (size_t) (dot - name)) != 0 ||
			strlen(m->app_label) != (size_t) (dot - name))
			return cm_model_error(v->err, v->a, CM_ERR_UNDEFINED, m, f->name, path,
								  "Relations may point only to models of the same namespace, proxies and core models.",
								  "Register a core model or share the namespace with the other plugin.",
								  "relation to \"%s\" leaves the namespace", name);
		name = dot + 1;
	}
	if (strcmp(name, "self") == 0)
		t->model = m;
	else
		t->model = find_model(v, name);
	if (t->model == NULL && dot)
		return cm_model_error(v->err, v->a, CM_ERR_UNDEFINED, m, f->name, path,
							  cm_printf(v->a, "\"%s\" names a model of app \"%s\", and it has no model \"%s\"; core models are named without an app label.",
										f->to, m->app_label, name),
							  "Write the core model's name alone, or register the model.",
							  "related model \"%s\" does not exist", f->to);
	if (t->model == NULL)
	{
		t->core = find_core(v, name);
		if (t->core == NULL)
			return cm_model_error(v->err, v->a, CM_ERR_UNDEFINED, m, f->name, path,
								  "The target must be a model of this namespace (registered or in the same call), \"self\", a proxy, or a core model registered with cmodel_register_core_model().",
								  "Register the target model first, include it in the same call, or correct the name.",
								  "related model \"%s\" does not exist", name);
		return true;
	}
	if (t->model != m && !expand_model(v, t->model))
		return false;
	if (t->model->kind == CM_MODEL_ABSTRACT)
		return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, f->name, path,
							  "An abstract model has no table to point at.",
							  "Point the relation at a concrete model.",
							  "relation to abstract model \"%s\"", name);
	if (t->model->kind == CM_MODEL_PROXY)
	{
		t->concrete = t->model->proxy_target;
		t->core = t->model->proxy_core;
	}
	else
		t->concrete = t->model;
	return true;
}

static bool model_key(VCtx *v, CmModel *m);

/*
 * The column and type a relation stores: the target's key, or to_field,
 * which must be unique in the target.
 */
static bool
relation_column(VCtx *v, CmModel *m, CmField *f, Target *t)
{
	const char *path = cm_printf(v->a, "%s.to_field", f->path);

	if (t->core)
	{
		CmColumn   *col;

		if (f->to_field == NULL)
			f->to_field = t->core->key;
		col = core_column(t->core, f->to_field);
		if (col == NULL)
			return cm_model_error(v->err, v->a, CM_ERR_UNDEFINED, m, f->name, path,
								  cm_printf(v->a, "Core model \"%s\" is table %s.%s, which has no such column.",
											t->core->name, t->core->schema, t->core->table),
								  "Use the core model's key column or another unique column.",
								  "to_field \"%s\" does not exist", f->to_field);
		if (strcmp(col->name, t->core->key) != 0 && !col->unique)
			return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, f->name, path,
								  "to_field must be unique in the target, so each row points at one parent.",
								  "Use the key column or a column with a unique index.",
								  "to_field \"%s\" is not unique in \"%s\"", f->to_field, t->core->name);
		if (col->user_type)
			return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, f->name, path,
								  cm_printf(v->a, "Column \"%s\" of core model \"%s\" is of type %s, which is not built in; relation columns copy the target's type.",
											col->name, t->core->name, col->type),
								  "Point the relation at a column of a built-in type.",
								  "to_field \"%s\" has a type that is not built in", col->name);
		f->target_column = col->name;
		f->column_type = col->type;
		return true;
	}
	if (!model_key(v, t->concrete))
		return false;
	if (f->to_field == NULL)
		f->to_field = t->concrete->pk_field ? t->concrete->pk_field->name : "dbid";
	if (strcmp(f->to_field, t->concrete->pk_field ? t->concrete->pk_field->name : "dbid") == 0 ||
		strcmp(f->to_field, t->concrete->pk_column) == 0)
	{
		f->target_column = t->concrete->pk_column;
		f->column_type = t->concrete->pk_type;
		return true;
	}
	else
	{
		CmField    *tf = cm_find_field(t->concrete, f->to_field);
		bool		unique = false;
		int			i;

		if (tf == NULL || tf->type == CM_F_MANYTOMANY)
			return cm_model_error(v->err, v->a, CM_ERR_UNDEFINED, m, f->name, path,
								  "to_field names a field of the target model.",
								  cm_printf(v->a, "Use the target's key (\"%s\") or a field with a single-field UniqueConstraint.",
											t->concrete->pk_field ? t->concrete->pk_field->name : "dbid"),
								  "to_field \"%s\" is not a field of \"%s\"", f->to_field, t->concrete->name);
		unique = tf->type == CM_F_ONETOONE || tf->unique;
		for (i = 0; !unique && i < t->concrete->nall_indexes; i++)
		{
			CmIndex    *ix = t->concrete->all_indexes[i];

			unique = ix->kind == CM_IDX_UNIQUE && ix->nfields == 1 && ix->nconds == 0 &&
				strcmp(ix->fields[0], tf->name) == 0;
		}
		if (!unique)
			return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, f->name, path,
								  "to_field must be unique in the target, so each row points at one parent.",
								  "Add a single-field UniqueConstraint on it to the target, or use \"dbid\".",
								  "to_field \"%s\" is not unique in \"%s\"", f->to_field, t->concrete->name);
		if (cm_is_relation(tf->type))
		{
			Target		t2;

			if (tf->column_type == NULL)
			{
				bool		ok;

				if (++v->depth > 16)
					return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, f->name, path,
										  "to_field points at a relation that points at a relation, too many times over.",
										  "Point to_field at a key or a plain unique field.",
										  "to_field chain too long");
				ok = resolve_target(v, t->concrete, tf, &t2) && relation_column(v, t->concrete, tf, &t2);
				v->depth--;
				if (!ok)
					return false;
			}
			f->target_column = cm_printf(v->a, "%s_id", tf->name);
			f->column_type = tf->column_type;
		}
		else
		{
			f->target_column = tf->name;
			f->column_type = (char *) cm_column_type(v->a, tf, v->snap->rules);
		}
	}
	return true;
}

/*
 * A model's primary key: dbid bigint, or the column of a OneToOneField with
 * primary_key, typed as that relation's target key (which may itself be such
 * a column: chains are followed, cycles reported).
 */
static bool
model_key(VCtx *v, CmModel *m)
{
	int			i;
	CmField    *pk = NULL;
	Target		t;

	if (m->pk_type)
		return true;
	if (m->pk_state == 1)
		return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, NULL, NULL,
							  "OneToOneField primary keys refer to each other in a cycle, so no key type can be derived.",
							  "Give one of the models the automatic dbid key.",
							  "primary key cycle");
	for (i = 0; i < m->nall_fields; i++)
		if (m->all_fields[i]->primary_key)
		{
			if (pk)
				return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, m->all_fields[i]->name,
									  m->all_fields[i]->path, "A model has one primary key.",
									  "Keep primary_key on one field.", "second primary key");
			pk = m->all_fields[i];
		}
	if (pk == NULL)
	{
		m->pk_column = "dbid";
		m->pk_type = "bigint";
		/* adopt the key type of a table that exists (the SDK used serial) */
		for (i = 0; i < v->snap->ntables; i++)
		{
			CmTableState *t = &v->snap->tables[i];
			int			j;

			if (m->table == NULL || strcmp(t->name, m->table) != 0 ||
				t->pk_column == NULL || strcmp(t->pk_column, "dbid") != 0)
				continue;
			/* only the SDK's integer keys: a domain would run its owner's code */
			for (j = 0; j < t->ncolumns; j++)
				if (strcmp(t->columns[j].name, "dbid") == 0 &&
					(strcmp(t->columns[j].type, "integer") == 0 ||
					 strcmp(t->columns[j].type, "bigint") == 0))
					m->pk_type = t->columns[j].type;
		}
		return true;
	}
	if (!cm_check_key_rules(v, m, pk))
		return false;
	if (!cm_is_relation(pk->type))
	{
		/* Django's rules: the field's own column is the key */
		m->pk_field = pk;
		m->pk_column = pk->name;
		m->pk_type = (char *) cm_column_type(v->a, pk, v->snap->rules);
		return true;
	}
	m->pk_state = 1;
	{
		if (!resolve_target(v, m, pk, &t))
			return false;
		if (t.concrete == m)
			return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, pk->name, pk->path,
								  "A primary key cannot point at its own table.",
								  "Point it at another model.", "self-referencing primary key");
		if (!relation_column(v, m, pk, &t))
			return false;
	}
	m->pk_state = 0;
	m->pk_field = pk;
	m->pk_column = cm_printf(v->a, "%s_id", pk->name);
	m->pk_type = pk->column_type;
	return true;
}

/* related_name rules: identifier or "+"-suffixed; namespaced for core targets. */
static bool
check_related_name(VCtx *v, CmModel *m, CmField *f, Target *t)
{
	const char *path = cm_printf(v->a, "%s.related_name", f->path);
	const char *rn = f->related_name_expanded;
	size_t		len = rn ? strlen(rn) : 0;
	bool		hidden = len > 0 && rn[len - 1] == '+';

	if (rn && !hidden && !cm_is_identifier(rn))
		return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, f->name, path,
							  "related_name must be a valid identifier, or end with \"+\" to have no reverse relation.",
							  "Correct the related_name.", "invalid related_name \"%s\"", rn);
	if (t->core && (t->model == NULL || t->model->kind != CM_MODEL_PROXY) &&
		cm_core_related_names_namespaced(v))
	{
		size_t		al = strlen(m->app_label);
		bool		ok = rn && (hidden ||
								strncmp(f->related_name, "%(app_label)s", 13) == 0 ||
								(strncmp(rn, m->app_label, al) == 0 && rn[al] == '_'));

		if (!ok)
			return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, f->name, path,
								  cm_printf(v->a, "Reverse accessors on core model \"%s\" are shared by every plugin, so they must carry the plugin's app label.", t->core->name),
								  cm_printf(v->a, "Use \"related_name\": \"%%(app_label)s_...\", a \"%s_\" prefix or \"+\", or point the relation at a proxy (ModelExtension).", m->app_label),
								  "related_name on a relation to core model \"%s\" is not namespaced", t->core->name);
	}
	return true;
}

/* Check every field of a concrete model and give it a column. */
static bool
resolve_fields(VCtx *v, CmModel *m)
{
	int			i,
				j;

	if (!model_key(v, m))
		return false;
	if (m->nall_fields > 1599)
		return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, NULL, "fields",
							  cm_printf(v->a, "The model has %d fields; a PostgreSQL table holds at most 1600 columns, one of them the key.",
										m->nall_fields),
							  "Split the model.", "too many fields");
	for (i = 0; i < m->nall_fields; i++)
	{
		CmField    *f = m->all_fields[i];
		Target		t;

		if (!check_field_name(v, m, f) || !cm_check_field_rules(v, m, f))
			return false;
		f->related_name_expanded = cm_expand_name(v->a, m, f->related_name);
		if (!cm_is_relation(f->type))
		{
			f->column = f->name;
			f->column_type = (char *) cm_column_type(v->a, f, v->snap->rules);
		}
		else
		{
			if (!resolve_target(v, m, f, &t))
				return false;
			f->target = t.concrete;
			f->target_core = t.core;
			f->target_name = t.model ? t.model->name : t.core->name;
			if (!check_related_name(v, m, f, &t))
				return false;
			if (f->type != CM_F_MANYTOMANY)
			{
				if (f != m->pk_field && !relation_column(v, m, f, &t))
					return false;
				f->column = cm_printf(v->a, "%s_id", f->name);
			}
		}
		f->not_null = cm_column_not_null(v, m, f);
		if (f->column && strlen(f->column) > CM_MAX_IDENT)
			return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, f->name, f->path,
								  cm_printf(v->a, "Column \"%s\" would be longer than PostgreSQL's 63-byte limit, and cmodel never truncates names.", f->column),
								  "Use a shorter field name.", "column name too long");
		if (f->column && m->pk_field == NULL && strcmp(f->column, "dbid") == 0)
			return cm_model_error(v->err, v->a, CM_ERR_RESERVED, m, f->name, f->path,
								  "dbid is the automatic primary key column.",
								  "Rename the field.", "field clashes with the primary key \"dbid\"");
		for (j = 0; f->column && j < i; j++)
			if (m->all_fields[j]->column && strcmp(m->all_fields[j]->column, f->column) == 0)
				return cm_model_error(v->err, v->a, CM_ERR_DUPLICATE, m, f->name, f->path,
									  cm_printf(v->a, "Fields \"%s\" and \"%s\" would both use column \"%s\".",
												m->all_fields[j]->name, f->name, f->column),
									  "Rename one of the fields.", "column name clash");
	}
	return true;
}

/* ------------------------------------------------------------------------
 * Models
 * ------------------------------------------------------------------------
 */

/*
 * Phase one: bases, app label, table name.  Enough to use the model as a
 * relation target or a base; detects inheritance cycles.
 */
static bool
expand_model(VCtx *v, CmModel *m)
{
	if (m->state == 2)
		return true;
	if (m->state == 1)
		return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, NULL, "bases",
							  "Models inherit from each other in a cycle.",
							  "Remove one of the bases.", "inheritance cycle");
	m->state = 1;
	if (!cm_is_identifier(m->name) || is_reserved_model_name(m->name))
		return cm_model_error(v->err, v->a, CM_ERR_RESERVED, m, NULL, "name",
							  "A model name is a Python class name: not \"self\", a Python keyword or a name with \"__\".",
							  "Rename the model.", "model name \"%s\" is reserved", m->name);
	if (m->app_label == NULL)
		m->app_label = cm_strdup(v->a, v->snap->namespace);
	if (!resolve_bases(v, m))
		return false;
	if (m->kind == CM_MODEL_CONCRETE)
	{
		m->table = cm_lower_dup(v->a, m->name);
		if (strncmp(m->table, "cmodel_", 7) == 0)
			return cm_model_error(v->err, v->a, CM_ERR_RESERVED, m, NULL, "name",
								  "Tables whose names start with \"cmodel_\" are reserved for cmodel's own objects in a namespace.",
								  "Rename the model.", "model name is reserved");
	}
	m->state = 2;
	return true;
}

/* Meta.ordering names fields of the model (Django check models.E015). */
static bool
check_ordering(VCtx *v, CmModel *m)
{
	int			i;

	for (i = 0; i < m->nordering; i++)
	{
		const char *o = m->ordering[i];
		const char *sep;
		char	   *name;

		if (strcmp(o, "?") == 0)
			continue;
		if (*o == '-')
			o++;
		sep = strstr(o, "__");
		name = sep ? cm_strndup(v->a, o, (size_t) (sep - o)) : cm_strdup(v->a, o);
		if (strcmp(name, "pk") == 0 || strcmp(name, m->pk_column) == 0 ||
			(m->pk_field && strcmp(name, m->pk_field->name) == 0))
			continue;
		if (cm_find_field(m, name) == NULL)
		{
			int			j;
			bool		column = false;

			for (j = 0; j < m->nall_fields && !column; j++)
				column = m->all_fields[j]->column && strcmp(m->all_fields[j]->column, name) == 0;
			if (!column)
				return cm_model_error(v->err, v->a, CM_ERR_UNDEFINED, m, NULL,
									  cm_printf(v->a, "meta.ordering[%d]", i),
									  "ordering refers to fields of the model, optionally with \"-\" for descending (Django check models.E015).",
									  "Correct the field name.", "ordering refers to nonexistent field \"%s\"", name);
		}
	}
	return true;
}

/* Phase two: columns, relations and indexes of a concrete model. */
static bool
resolve_model(VCtx *v, CmModel *m)
{
	int			i;

	if (!expand_model(v, m))
		return false;
	if (m->fields_done)
		return true;
	m->fields_done = true;
	if (m->kind == CM_MODEL_CONCRETE)
		return resolve_fields(v, m) && check_ordering(v, m) && cm_resolve_indexes(v, m);
	for (i = 0; i < m->nall_fields; i++)
		if (!check_field_name(v, m, m->all_fields[i]))
			return false;
	return true;
}

/* The reverse accessor Django gives a relation, or NULL when hidden. */
static const char *
reverse_accessor(VCtx *v, CmModel *m, CmField *f)
{
	const char *rn = f->related_name_expanded;

	if (rn)
		return rn[strlen(rn) - 1] == '+' ? NULL : rn;
	if (f->type == CM_F_ONETOONE)
		return cm_lower_dup(v->a, m->name);
	return cm_printf(v->a, "%s_set", cm_lower_dup(v->a, m->name));
}

/* Django's E302-E305: reverse accessors must not clash. */
static bool
check_accessors(VCtx *v, int nall, CmModel **all)
{
	int			i,
				j,
				k,
				l;

	for (i = 0; i < nall; i++)
	{
		CmModel    *m = all[i];

		if (m->kind != CM_MODEL_CONCRETE || m->registered)
			continue;
		for (j = 0; j < m->nall_fields; j++)
		{
			CmField    *f = m->all_fields[j];
			const char *acc;
			CmModel    *tm;

			if (!cm_is_relation(f->type) || (acc = reverse_accessor(v, m, f)) == NULL)
				continue;
			tm = find_model(v, f->target_name);
			if (tm && tm->kind == CM_MODEL_CONCRETE && cm_find_field(tm, acc))
				return cm_model_error(v->err, v->a, CM_ERR_DUPLICATE, m, f->name, f->path,
									  cm_printf(v->a, "Reverse accessor \"%s.%s\" clashes with field \"%s.%s\".",
												f->target_name, acc, tm->name, acc),
									  "Add or change a related_name argument to the definition of this field.",
									  "reverse accessor \"%s\" clashes with a field", acc);
			for (k = 0; k < nall; k++)
			{
				CmModel    *o = all[k];

				if (o->kind != CM_MODEL_CONCRETE)
					continue;
				for (l = 0; l < o->nall_fields; l++)
				{
					CmField    *g = o->all_fields[l];
					const char *oacc;

					if (g == f || !cm_is_relation(g->type) || g->target_name == NULL ||
						strcmp(g->target_name, f->target_name) != 0 ||
						(oacc = reverse_accessor(v, o, g)) == NULL || strcmp(oacc, acc) != 0)
						continue;
					return cm_model_error(v->err, v->a, CM_ERR_DUPLICATE, m, f->name, f->path,
										  cm_printf(v->a, "Reverse accessor \"%s.%s\" for \"%s.%s\" clashes with the one for \"%s.%s\".",
													f->target_name, acc, m->name, f->name, o->name, g->name),
										  "Add or change a related_name argument to the definition of one of the fields.",
										  "reverse accessor \"%s\" clashes", acc);
				}
			}
		}
	}
	return true;
}

/* A ManyToManyField's through model must link both sides with ForeignKeys. */
static bool
check_through(VCtx *v, CmModel *m, CmField *f)
{
	const char *path = cm_printf(v->a, "%s.through", f->path);
	CmModel    *t = find_model(v, f->through);
	CmModel    *src = m;
	int			i,
				nsrc = 0,
				ndst = 0;

	if (t == NULL || t->kind != CM_MODEL_CONCRETE)
		return cm_model_error(v->err, v->a, CM_ERR_UNDEFINED, m, f->name, path,
							  "The through model must be a concrete model of this namespace.",
							  "Declare the through model in the same call or register it first.",
							  "through model \"%s\" does not exist", f->through);
	if (!resolve_model(v, t))
		return false;
	if (f->through_fields[0])
	{
		for (i = 0; i < 2; i++)
		{
			CmField    *tf = cm_find_field(t, f->through_fields[i]);
			bool		ok = tf && tf->type == CM_F_FOREIGNKEY &&
			(i == 0 ? (tf->target == src)
			 : (tf->target == f->target && tf->target_core == f->target_core));

			if (!ok)
				return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, f->name,
									  cm_printf(v->a, "%s.through_fields[%d]", f->path, i),
									  cm_printf(v->a, "through_fields[%d] must be a ForeignKey of \"%s\" to \"%s\".",
												i, t->name, i == 0 ? m->name : f->target_name),
									  "Name the right ForeignKey fields of the through model.",
									  "invalid through_fields entry \"%s\"", f->through_fields[i]);
		}
		return true;
	}
	for (i = 0; i < t->nall_fields; i++)
	{
		CmField    *tf = t->all_fields[i];

		if (tf->type != CM_F_FOREIGNKEY)
			continue;
		if (tf->target == src && tf->target_core == NULL)
			nsrc++;
		if (tf->target == f->target && tf->target_core == f->target_core)
			ndst++;
	}
	if ((f->target == src && f->target_core == NULL) ? nsrc != 2 : (nsrc != 1 || ndst != 1))
		return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, f->name, path,
							  cm_printf(v->a, "\"%s\" has %d ForeignKey(s) to \"%s\" and %d to \"%s\"; exactly one to each side is required.",
										t->name, nsrc, m->name, ndst, f->target_name),
							  "Fix the through model's ForeignKeys, or name them in \"through_fields\".",
							  "through model \"%s\" does not link both sides", t->name);
	return true;
}

/* See cm_core.h. */
bool
cm_resolve(CmArena *arena, const CmEnv *env, const CmSnapshot *snap,
		   int nmodels, CmModel **models, CmError *err)
{
	VCtx		v;
	int			i,
				j;
	CmModel   **all;
	int			nall = 0;

	memset(&v, 0, sizeof(v));
	v.a = arena;
	v.env = env;
	v.snap = snap;
	v.err = err;
	v.nb = nmodels;
	v.batch = models;

	for (i = 0; i < nmodels; i++)
	{
		for (j = 0; j < i; j++)
			if (strcmp(models[i]->name, models[j]->name) == 0)
				return cm_model_error(err, arena, CM_ERR_DUPLICATE, models[i], NULL, "name",
									  "A call may describe each model once.",
									  "Remove the duplicate descriptor.", "model is described twice");
	}

	/* registered models the call does not replace */
	v.reg = cm_alloc(arena, sizeof(CmModel *) * (snap->nmodels + 1));
	for (i = 0; i < snap->nmodels; i++)
	{
		int			n;
		CmModel   **parsed;
		bool		replaced = false;

		if (snap->models[i].retired)
			continue;
		for (j = 0; j < nmodels; j++)
			replaced |= strcmp(models[j]->name, snap->models[i].name) == 0;
		if (replaced)
			continue;
		if (!cm_parse_descriptors(arena, snap->models[i].descriptor, false, &n, &parsed, err))
			return false;
		parsed[0]->registered = true;
		parsed[0]->path = cm_printf(arena, "registered model %s: ", snap->models[i].name);
		v.reg[v.nr++] = parsed[0];
	}

	all = cm_alloc(arena, sizeof(CmModel *) * (nmodels + v.nr + 1));
	for (i = 0; i < nmodels; i++)
		all[nall++] = models[i];
	for (i = 0; i < v.nr; i++)
		all[nall++] = v.reg[i];
	for (i = 0; i < nall; i++)
		if (!resolve_model(&v, all[i]))
			return false;

	/* tables are lower-cased names: distinct names may still collide */
	for (i = 0; i < nall; i++)
		for (j = 0; j < i; j++)
			if (all[i]->table && all[j]->table && strcmp(all[i]->table, all[j]->table) == 0)
				return cm_model_error(err, arena, CM_ERR_DUPLICATE, all[i]->registered ? all[j] : all[i],
									  NULL, "name",
									  cm_printf(arena, "Models \"%s\" and \"%s\" would both be table \"%s\".",
												all[j]->name, all[i]->name, all[i]->table),
									  "Rename one of the models.", "table name clash");

	for (i = 0; i < nmodels; i++)
	{
		CmModel    *m = models[i];

		if (m->kind != CM_MODEL_CONCRETE)
			continue;
		for (j = 0; j < m->nall_fields; j++)
			if (m->all_fields[j]->type == CM_F_MANYTOMANY &&
				!check_through(&v, m, m->all_fields[j]))
				return false;
	}
	if (!check_accessors(&v, nall, all))
		return false;
	for (i = 0; i < nmodels; i++)
		models[i]->normalized = cm_normalize_model(arena, models[i]);
	return true;
}

/*-------------------------------------------------------------------------
 *
 * indexes.c
 *	  Resolve a model's indexes and unique constraints: columns, the SDK's
 *	  index rules, names, and the canonical CREATE INDEX statement.
 *
 * Every index a model gets (automatic ones for ForeignKey, OneToOneField
 * and db_index; Meta.indexes, Meta.constraints, unique_together and
 * index_together) ends up here with a database name of at most 63 bytes and
 * a definition that is the exact statement cmodel would run, so comparing
 * definitions is comparing strings.  Condition values become literals of
 * the column's type through the host's quoting hook, never raw text.
 *
 * src/core/indexes.c
 *
 *-------------------------------------------------------------------------
 */
#include "cm_internal.h"

#include <string.h>

/* The column a Meta field reference means ("staff" -> "staff_id"). */
static CmField *
index_field(CmModel *m, const char *name, const char **column)
{
	int			i;

	for (i = 0; i < m->nall_fields; i++)
	{
		CmField    *f = m->all_fields[i];

		if (f->column && (strcmp(f->name, name) == 0 || strcmp(f->column, name) == 0))
		{
			*column = f->column;
			return f;
		}
	}
	return NULL;
}

static bool
is_numeric_type(const char *t)
{
	return strcmp(t, "integer") == 0 || strcmp(t, "bigint") == 0 ||
		strcmp(t, "smallint") == 0 || strcmp(t, "double precision") == 0 ||
		strncmp(t, "numeric", 7) == 0;
}

/* One JSON scalar as an SQL literal of the column's type. */
static void
render_value(VCtx *v, CmBuf *b, const char *json, const char *type)
{
	bool		is_string = json[0] == '"';
	bool		is_bool = strcmp(json, "true") == 0 || strcmp(json, "false") == 0;

	/* a JSONField compares with the JSON value itself */
	if (strcmp(type, "jsonb") == 0)
	{
		v->env->quote_literal(b, json);
		cm_buf_puts(b, "::jsonb");
		return;
	}
	if ((!is_string && !is_bool && is_numeric_type(type)) ||
		(is_bool && strcmp(type, "boolean") == 0))
	{
		cm_buf_puts(b, json);
		return;
	}
	if (is_string)
	{
		char	  **decoded;

		/* the JSON string's contents, as the parser decoded them */
		cm_json_scalars(v->a, json, &decoded);
		v->env->quote_literal(b, decoded[0]);
	}
	else
		v->env->quote_literal(b, json);
	cm_buf_printf(b, "::%s", type);
}

/* A condition as an SQL predicate, conditions ANDed. */
static void
render_condition(VCtx *v, CmBuf *b, CmIndex *ix)
{
	static const char *const ops[] = {"=", ">", ">=", "<", "<="};
	int			i;

	for (i = 0; i < ix->nconds; i++)
	{
		CmCond	   *c = &ix->conds[i];

		cm_buf_puts(b, i ? " AND " : "");
		v->env->quote_ident(b, c->column);
		if (c->lookup == CM_LK_EXACT && strcmp(c->value_json, "null") == 0 &&
			strcmp(c->column_type, "jsonb") == 0)
			cm_buf_puts(b, " = 'null'::jsonb");	/* Django: JSONField=None is JSON null */
		else if (c->lookup == CM_LK_ISNULL || (c->lookup == CM_LK_EXACT && strcmp(c->value_json, "null") == 0))
			cm_buf_puts(b, (c->lookup == CM_LK_EXACT || strcmp(c->value_json, "true") == 0) ?
						" IS NULL" : " IS NOT NULL");
		else if (c->lookup == CM_LK_IN)
		{
			char	  **elems;
			int			n = cm_json_elements(v->a, c->value_json, &elems);
			int			k;

			cm_buf_puts(b, " IN (");
			for (k = 0; k < n; k++)
			{
				cm_buf_puts(b, k ? ", " : "");
				render_value(v, b, elems[k], c->column_type);
			}
			cm_buf_puts(b, ")");
		}
		else
		{
			cm_buf_printf(b, " %s ", ops[c->lookup]);
			render_value(v, b, c->value_json, c->column_type);
		}
	}
}

/* Build the canonical CREATE INDEX statement of an index. */
static void
index_definition(VCtx *v, CmModel *m, CmIndex *ix)
{
	CmBuf		b;
	int			i;

	cm_buf_init(&b, v->a);
	cm_buf_puts(&b, ix->kind == CM_IDX_UNIQUE ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
	v->env->quote_ident(&b, ix->pg_name);
	cm_buf_puts(&b, " ON ");
	v->env->quote_ident(&b, v->snap->namespace);
	cm_buf_puts(&b, ".");
	v->env->quote_ident(&b, m->table);
	cm_buf_printf(&b, " USING %s (", cm_index_method(ix->kind));
	for (i = 0; i < ix->nfields; i++)
	{
		cm_buf_puts(&b, i ? ", " : "");
		v->env->quote_ident(&b, ix->columns[i]);
		if (ix->desc[i])
			cm_buf_puts(&b, " DESC");
	}
	cm_buf_puts(&b, ")");
	if (ix->nconds > 0)
	{
		cm_buf_puts(&b, " WHERE ");
		render_condition(v, &b, ix);
	}
	ix->definition = b.data;
}

/* An index created for a relation or db_index. */
static CmIndex *
auto_index(VCtx *v, CmField *f, CmIndexKind kind)
{
	CmIndex    *ix = cm_alloc(v->a, sizeof(CmIndex));

	ix->kind = kind;
	ix->origin = f->type == CM_F_FOREIGNKEY || f->type == CM_F_ONETOONE ?
		CM_ORIGIN_RELATION : CM_ORIGIN_DB_INDEX;
	ix->path = f->path;
	ix->nfields = 1;
	ix->fields = cm_alloc(v->a, sizeof(char *));
	ix->fields[0] = f->name;
	ix->desc = cm_alloc(v->a, sizeof(bool));
	ix->columns = cm_alloc(v->a, sizeof(char *));
	ix->columns[0] = f->column;
	ix->automatic = true;
	ix->base_name = cm_printf(v->a, "%s_%s", f->column, cm_index_suffix(kind));
	return ix;
}

/* Resolve one declared index: columns, rules, name, definition. */
static bool
resolve_index(VCtx *v, CmModel *m, CmIndex *ix)
{
	int			i;
	const char *suffix = cm_index_suffix(ix->kind);
	bool		together = ix->origin == CM_ORIGIN_UNIQUE_TOGETHER ||
		ix->origin == CM_ORIGIN_INDEX_TOGETHER;

	if (ix->nfields > 32)
		return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, NULL, ix->path,
							  "PostgreSQL indexes hold at most 32 columns.",
							  "Index fewer fields.", "index has %d fields", ix->nfields);
	ix->columns = cm_alloc(v->a, sizeof(char *) * ix->nfields);
	for (i = 0; i < ix->nfields; i++)
	{
		const char *path = cm_printf(v->a, together ? "%s[%d]" : "%s.fields[%d]",
									 ix->path, i);
		CmField    *f = NULL;

		if (strcmp(ix->fields[i], "dbid") == 0 && m->pk_field == NULL)
			ix->columns[i] = "dbid";
		else if ((f = index_field(m, ix->fields[i], (const char **) &ix->columns[i])) == NULL)
			return cm_model_error(v->err, v->a, CM_ERR_UNDEFINED, m, NULL, path,
								  "Index and constraint fields are Django field names of this model (a ManyToManyField has no column).",
								  "Correct the field name.", "field \"%s\" does not exist", ix->fields[i]);
		if (ix->kind == CM_IDX_GIN && ix->desc[i])
			return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, NULL, path,
								  "A GIN index has no column order.",
								  "Remove the leading \"-\".", "descending field \"%s\" in a GinIndex", ix->fields[i]);
		if (ix->kind == CM_IDX_GIN && (f == NULL || f->type != CM_F_JSON))
			return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, NULL, path,
								  "A GinIndex is supported only on JSONField columns.",
								  "Use a regular Index for this field.",
								  "GinIndex on non-JSON field \"%s\"", ix->fields[i]);
		if (ix->nfields == 1 && ix->nconds == 0 &&
			(f == NULL || f->type == CM_F_FOREIGNKEY || f->type == CM_F_ONETOONE))
			return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, NULL, path,
								  cm_printf(v->a, "Column \"%s\" is indexed automatically.", ix->columns[i]),
								  "Remove this single-column index or constraint; combine the column with others if a composite index is needed.",
								  "duplicate index on automatically indexed field \"%s\"", ix->fields[i]);
	}
	for (i = 0; i < ix->nconds; i++)
	{
		CmCond	   *c = &ix->conds[i];
		CmField    *f = index_field(m, c->field, (const char **) &c->column);

		if (f == NULL && m->pk_field == NULL &&
			(strcmp(c->field, "dbid") == 0 || strcmp(c->field, "pk") == 0))
		{
			c->column = "dbid";
			c->column_type = m->pk_type;
			continue;
		}
		if (f == NULL)
			return cm_model_error(v->err, v->a, CM_ERR_UNDEFINED, m, NULL,
								  cm_printf(v->a, "%s.condition.%s", ix->path, c->key),
								  "Condition lookups name fields of this model.",
								  "Correct the field name.", "field \"%s\" does not exist", c->field);
		c->column_type = f->column_type;
	}
	if (ix->name)
	{
		ix->base_name = cm_expand_name(v->a, m, ix->name);
		if (!cm_is_identifier(ix->base_name))
			return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, NULL, cm_printf(v->a, "%s.name", ix->path),
								  "Index and constraint names are ASCII identifiers.",
								  "Rename it.", "invalid name \"%s\"", ix->base_name);
	}
	else
	{
		CmBuf		b;

		cm_buf_init(&b, v->a);
		for (i = 0; i < ix->nfields; i++)
			cm_buf_printf(&b, "%s%s", ix->columns[i], ix->desc[i] ? "_desc_" : "_");
		cm_buf_puts(&b, suffix);
		ix->base_name = b.data;
	}
	return true;
}

/* All indexes of a concrete model, automatic ones first (see cm_internal.h). */
bool
cm_resolve_indexes(VCtx *v, CmModel *m)
{
	int			i,
				j;
	CmIndex   **declared = m->all_indexes;
	int			ndeclared = m->nall_indexes;

	m->all_indexes = cm_alloc(v->a, sizeof(CmIndex *) * (ndeclared + m->nall_fields + 1));
	m->nall_indexes = 0;
	for (i = 0; i < m->nall_fields; i++)
	{
		CmField    *f = m->all_fields[i];

		if (f->type == CM_F_FOREIGNKEY)
			m->all_indexes[m->nall_indexes++] = auto_index(v, f, f->unique ? CM_IDX_UNIQUE : CM_IDX_BTREE);
		else if (f->type == CM_F_ONETOONE && !f->primary_key)
			m->all_indexes[m->nall_indexes++] = auto_index(v, f, CM_IDX_UNIQUE);
		else if (f->unique && !f->primary_key && f->column)	/* Django's rules */
			m->all_indexes[m->nall_indexes++] = auto_index(v, f, CM_IDX_UNIQUE);
		else if (f->db_index && !f->primary_key && f->column)
			m->all_indexes[m->nall_indexes++] = auto_index(v, f, CM_IDX_BTREE);
	}
	for (i = 0; i < ndeclared; i++)
	{
		CmIndex    *ix = cm_alloc(v->a, sizeof(CmIndex));

		*ix = *declared[i];
		if (!resolve_index(v, m, ix))
			return false;
		m->all_indexes[m->nall_indexes++] = ix;
	}
	for (i = 0; i < m->nall_indexes; i++)
	{
		CmIndex    *ix = m->all_indexes[i];

		ix->pg_name = cm_index_name(v->a, v->snap->namespace, m->table, ix->base_name);
		index_definition(v, m, ix);
		for (j = 0; j < i; j++)
		{
			CmIndex    *o = m->all_indexes[j];

			if (strcmp(o->pg_name, ix->pg_name) != 0)
				continue;
			if (strcmp(o->definition, ix->definition) == 0)
			{
				/* the same index declared twice: keep one */
				m->all_indexes[i--] = m->all_indexes[--m->nall_indexes];
				break;
			}
			return cm_model_error(v->err, v->a, CM_ERR_DUPLICATE, m, NULL, ix->path,
								  cm_printf(v->a, "Both would be index \"%s\", with different definitions.", ix->pg_name),
								  "Give the indexes distinct names.",
								  "index name \"%s\" is used twice", ix->base_name);
		}
	}
	return true;
}


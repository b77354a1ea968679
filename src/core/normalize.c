/*-------------------------------------------------------------------------
 *
 * normalize.c
 *	  Write models back out as normalized JSON, and small JSON helpers.
 *
 * The normalized form is what the registry stores and describe returns: the
 * same descriptor with defaults made explicit and keys in a fixed order, so
 * normalize(parse(normalize(x))) == normalize(x) and registering a described
 * model again is a no-op.  The JSON helpers let the server-side code hand
 * lists and values across without including jansson (whose json_object()
 * clashes with PostgreSQL's).
 *
 * src/core/normalize.c
 *
 *-------------------------------------------------------------------------
 */
#include "cm_internal.h"
#include "cm_json.h"

#include <stdlib.h>
#include <string.h>

/* Compact JSON text of a value, copied into the arena. */
char *
cm_json_dump(CmArena *a, json_t *v)
{
	char	   *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
	char	   *r;

	if (s == NULL)
		return cm_strdup(a, "null");
	r = cm_strdup(a, s);
	cm_mem_release(s);			/* jansson allocated it through cm_mem_alloc */
	return r;
}

/*
 * An empty JSON object.  The postgres executable exports a json_object()
 * of its own (the SQL function), and the dynamic linker binds our calls to
 * that one instead of jansson's; json_pack's internal call stays inside
 * libjansson, so it is the safe way to get an object in the server.
 */
json_t *
cm_json_object(void)
{
	return json_pack("{}");
}

/* ------------------------------------------------------------------------
 * Normalized form
 * ------------------------------------------------------------------------
 */
static void
set_str(json_t *o, const char *k, const char *v)
{
	if (v)
		json_object_set_new(o, k, json_string(v));
}

static void
set_raw(json_t *o, const char *k, const char *jtext)
{
	if (jtext)
		json_object_set_new(o, k, json_loads(jtext, JSON_DECODE_ANY, NULL));
}

static json_t *
str_array(int n, char **v, bool *desc)
{
	json_t	   *a = json_array();
	int			i;

	for (i = 0; i < n; i++)
	{
		if (desc && desc[i])
			json_array_append_new(a, json_sprintf("-%s", v[i]));
		else
			json_array_append_new(a, json_string(v[i]));
	}
	return a;
}

static json_t *
field_json(const CmField *f)
{
	json_t	   *o = cm_json_object();

	set_str(o, "name", f->name);
	if ((int) f->type < 0)
	{
		json_object_set_new(o, "type", json_null());
		return o;
	}
	set_str(o, "type", cm_field_type_name(f->type));
	if (f->max_length >= 0)
		json_object_set_new(o, "max_length", json_integer(f->max_length));
	if (f->type == CM_F_DECIMAL)
	{
		json_object_set_new(o, "max_digits", json_integer(f->max_digits));
		json_object_set_new(o, "decimal_places", json_integer(f->decimal_places));
	}
	set_raw(o, "default", f->default_json);
	if (f->auto_now)
		json_object_set_new(o, "auto_now", json_true());
	if (f->auto_now_add)
		json_object_set_new(o, "auto_now_add", json_true());
	if (f->db_index)
		json_object_set_new(o, "db_index", json_true());
	if (f->null_opt >= 0)
		json_object_set_new(o, "null", json_boolean(f->null_opt));
	if (f->blank_opt >= 0)
		json_object_set_new(o, "blank", json_boolean(f->blank_opt));
	set_str(o, "verbose_name", f->verbose_name);
	set_str(o, "help_text", f->help_text);
	set_raw(o, "choices", f->choices_json);
	set_str(o, "to", f->to);
	if (f->type != CM_F_MANYTOMANY)
		set_str(o, "to_field", f->to_field);
	set_str(o, "on_delete", cm_on_delete_name(f->on_delete));
	if (f->primary_key)
		json_object_set_new(o, "primary_key", json_true());
	if (f->unique)
		json_object_set_new(o, "unique", json_true());
	set_str(o, "related_name", f->related_name);
	set_str(o, "related_query_name", f->related_query_name);
	set_str(o, "through", f->through);
	if (f->symmetrical >= 0)
		json_object_set_new(o, "symmetrical", json_boolean(f->symmetrical));
	if (f->through_fields[0])
		json_object_set_new(o, "through_fields", str_array(2, (char **) f->through_fields, NULL));
	return o;
}

static json_t *
index_json(const CmIndex *ix)
{
	json_t	   *o = cm_json_object();
	int			i;

	set_str(o, "type", cm_index_class(ix->kind));
	json_object_set_new(o, "fields", str_array(ix->nfields, ix->fields, ix->desc));
	set_str(o, "name", ix->name);
	if (ix->nconds > 0)
	{
		json_t	   *cond = cm_json_object();

		for (i = 0; i < ix->nconds; i++)
			set_raw(cond, ix->conds[i].key, ix->conds[i].value_json);
		json_object_set_new(o, "condition", cond);
	}
	return o;
}

/*
 * The normalized descriptor: own fields and Meta as declared, with defaults
 * made explicit (app_label, to_field, Decimal precision) and keys sorted.
 */
char *
cm_normalize_model(CmArena *arena, const CmModel *m)
{
	json_t	   *o = cm_json_object();
	json_t	   *meta = cm_json_object();
	json_t	   *fields = json_array();
	json_t	   *idx = json_array();
	json_t	   *cons = json_array();
	json_t	   *ut = json_array();
	json_t	   *it = json_array();
	char	   *out;
	int			i;

	set_str(o, "name", m->name);
	set_str(o, "app_label", m->app_label);
	if (m->nbases > 0)
		json_object_set_new(o, "bases", str_array(m->nbases, m->bases, NULL));
	for (i = 0; i < m->nfields; i++)
		json_array_append_new(fields, field_json(&m->fields[i]));
	json_object_set_new(o, "fields", fields);

	for (i = 0; i < m->nindexes; i++)
	{
		const CmIndex *ix = &m->indexes[i];

		if (ix->origin == CM_ORIGIN_UNIQUE_TOGETHER)
			json_array_append_new(ut, str_array(ix->nfields, ix->fields, NULL));
		else if (ix->origin == CM_ORIGIN_INDEX_TOGETHER)
			json_array_append_new(it, str_array(ix->nfields, ix->fields, NULL));
		else if (ix->origin == CM_ORIGIN_CONSTRAINTS)
			json_array_append_new(cons, index_json(ix));
		else
			json_array_append_new(idx, index_json(ix));
	}
	if (m->kind == CM_MODEL_ABSTRACT)
		json_object_set_new(meta, "abstract", json_true());
	if (m->kind == CM_MODEL_PROXY)
		json_object_set_new(meta, "proxy", json_true());
	if (json_array_size(idx))
		json_object_set(meta, cm_index_origin_name(CM_ORIGIN_INDEXES), idx);
	if (json_array_size(cons))
		json_object_set(meta, cm_index_origin_name(CM_ORIGIN_CONSTRAINTS), cons);
	if (json_array_size(ut))
		json_object_set(meta, cm_index_origin_name(CM_ORIGIN_UNIQUE_TOGETHER), ut);
	if (json_array_size(it))
		json_object_set(meta, cm_index_origin_name(CM_ORIGIN_INDEX_TOGETHER), it);
	set_raw(meta, "ordering", m->ordering_json);
	set_str(meta, "verbose_name", m->verbose_name);
	set_str(meta, "verbose_name_plural", m->verbose_name_plural);
	if (m->has_meta || json_object_size(meta) > 0)
		json_object_set(o, "meta", meta);
	json_decref(idx);
	json_decref(cons);
	json_decref(ut);
	json_decref(it);
	json_decref(meta);

	out = cm_json_dump(arena, o);
	json_decref(o);
	return out;
}

/* Deep equality of two JSON texts (key order and spacing ignored). */
bool
cm_json_text_equal(const char *a, const char *b)
{
	json_t	   *ja = json_loads(a, JSON_DECODE_ANY, NULL);
	json_t	   *jb = json_loads(b, JSON_DECODE_ANY, NULL);
	bool		eq = ja && jb && json_equal(ja, jb);

	json_decref(ja);
	json_decref(jb);
	return eq;
}

/* One field's normalized options, as the registry stores them. */
char *
cm_field_json_text(CmArena *arena, const CmField *f)
{
	json_t	   *o = field_json(f);
	char	   *out = cm_json_dump(arena, o);

	json_decref(o);
	return out;
}

/* A JSON array of strings, for handing lists to SQL as one parameter. */
char *
cm_json_string_array(CmArena *arena, int n, char **items)
{
	json_t	   *a = str_array(n, items, NULL);
	char	   *out = cm_json_dump(arena, a);

	json_decref(a);
	return out;
}

/*
 * The items of a JSON text: each element of an array, or a non-array value
 * as its only item.  As scalars, strings are their text, a JSON null a NULL
 * entry and anything else its compact JSON; otherwise every item is its
 * compact JSON text.  Malformed text has no items.
 */
static int
json_items(CmArena *arena, const char *json, bool as_scalars, char ***out)
{
	json_t	   *v = json_loads(json, JSON_DECODE_ANY, NULL);
	size_t		n;
	size_t		i;

	if (v == NULL)
	{
		*out = NULL;
		return 0;
	}
	n = json_is_array(v) ? json_array_size(v) : 1;
	*out = cm_alloc(arena, sizeof(char *) * (n + 1));
	for (i = 0; i < n; i++)
	{
		json_t	   *e = json_is_array(v) ? json_array_get(v, i) : v;

		if (as_scalars && json_is_string(e))
			(*out)[i] = cm_strndup(arena, json_string_value(e), json_string_length(e));
		else if (!as_scalars || !json_is_null(e))
			(*out)[i] = cm_json_dump(arena, e);
	}
	json_decref(v);
	return (int) n;
}

/*
 * The scalar values of a JSON text as SQL input strings: one for a scalar,
 * one per element for an array; a JSON null gives a NULL entry.
 */
int
cm_json_scalars(CmArena *arena, const char *json, char ***out)
{
	return json_items(arena, json, true, out);
}

/*
 * The elements of a JSON array as compact JSON texts (a non-array value is
 * its own single element), so callers can look at each one's kind.
 */
int
cm_json_elements(CmArena *arena, const char *json, char ***out)
{
	return json_items(arena, json, false, out);
}

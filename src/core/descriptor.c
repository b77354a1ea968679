/*-------------------------------------------------------------------------
 *
 * descriptor.c
 *	  Parse JSON model descriptors into CmModel structs, and write the
 *	  normalized form back out.
 *
 * Together with normalize.c, the only code that touches jansson.  Parsing
 * is strict: every
 * key of a descriptor, a field or Meta must be known and apply to the field
 * type it sits on, and every value must have the right JSON type, because a
 * typo silently ignored is exactly the SDK failure cmodel exists to remove.
 * Checks that need more than one descriptor (relations, bases, clashes) are
 * left to validate.c.  jansson objects never outlive a call: everything kept
 * is copied into the arena.
 *
 * The normalized form, written back out, is normalize.c.
 *
 * src/core/descriptor.c
 *
 *-------------------------------------------------------------------------
 */
#include "cm_internal.h"
#include "cm_json.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct PCtx
{
	CmArena    *a;
	CmError    *err;
	CmModel    *m;
	const char *prefix;			/* "" or "[3]." */
} PCtx;

/* ------------------------------------------------------------------------
 * Field types and options
 * ------------------------------------------------------------------------
 */
/* Options and the field types they apply to (bit masks of CmFieldType). */
#define T(x) (1u << (x))
#define ALL_TYPES ((1u << CM_F_COUNT) - 1)
#define ALL_COLUMN (ALL_TYPES & ~T(CM_F_MANYTOMANY))

_Static_assert(CM_F_COUNT <= 32, "an option's field types are a 32-bit mask");
#define TEXTS (T(CM_F_TEXT) | T(CM_F_CHAR) | T(CM_F_EMAIL) | T(CM_F_URL) | T(CM_F_SLUG))
#define TEMPORAL (T(CM_F_DATE) | T(CM_F_DATETIME) | T(CM_F_TIME))
#define FKS (T(CM_F_FOREIGNKEY) | T(CM_F_ONETOONE))
#define RELS (FKS | T(CM_F_MANYTOMANY))

static const struct
{
	const char *name;
	unsigned int types;
}			field_options[] = {
	{"name", ALL_TYPES}, {"type", ALL_TYPES},
	{"verbose_name", ALL_TYPES}, {"help_text", ALL_TYPES}, {"choices", ALL_COLUMN},
	{"null", ALL_COLUMN}, {"blank", ALL_TYPES},
	{"default", ALL_COLUMN}, {"db_index", ALL_COLUMN},
	{"unique", ALL_COLUMN}, {"primary_key", ALL_COLUMN},
	{"max_length", TEXTS},
	{"max_digits", T(CM_F_DECIMAL)}, {"decimal_places", T(CM_F_DECIMAL)},
	{"auto_now", TEMPORAL}, {"auto_now_add", TEMPORAL},
	{"to", RELS}, {"related_name", RELS}, {"related_query_name", RELS},
	{"to_field", FKS}, {"on_delete", FKS},
	{"through", T(CM_F_MANYTOMANY)}, {"through_fields", T(CM_F_MANYTOMANY)},
	{"symmetrical", T(CM_F_MANYTOMANY)},
};

#define NFIELDOPTIONS (sizeof(field_options) / sizeof(field_options[0]))

/* The list of options a field type accepts, for error details. */
static char *
options_for(CmArena *a, CmFieldType t)
{
	CmBuf		b;
	size_t		i;

	cm_buf_init(&b, a);
	for (i = 0; i < NFIELDOPTIONS; i++)
		if (field_options[i].types & T(t))
			cm_buf_printf(&b, "%s%s", b.len ? ", " : "", field_options[i].name);
	return b.data;
}

static bool
ferr(PCtx *c, const CmField *f, const char *path, CmErrorKind kind,
	 const char *detail, const char *hint, const char *msg)
{
	return cm_model_error(c->err, c->a, kind, c->m, f ? f->name : NULL, path,
						  detail, hint, "%s", msg);
}

/* Get a JSON string or fail with a typed error. */
static bool
get_string(PCtx *c, const CmField *f, json_t *v, const char *path, char **out)
{
	if (!json_is_string(v))
		return ferr(c, f, path, CM_ERR_INVALID, "The value must be a JSON string.",
					"Write the value in double quotes.",
					cm_printf(c->a, "\"%s\" must be a string", path));
	*out = cm_strndup(c->a, json_string_value(v), json_string_length(v));
	if (strlen(*out) != json_string_length(v))
		return ferr(c, f, path, CM_ERR_INVALID, "The string contains a NUL character.",
					"Remove the \\u0000 escape.",
					cm_printf(c->a, "\"%s\" must not contain NUL", path));
	return true;
}

static bool
get_bool(PCtx *c, const CmField *f, json_t *v, const char *path, bool *out)
{
	if (!json_is_boolean(v))
		return ferr(c, f, path, CM_ERR_INVALID, "The value must be true or false.",
					"Use a JSON boolean, without quotes.",
					cm_printf(c->a, "\"%s\" must be a boolean", path));
	*out = json_is_true(v);
	return true;
}

static bool
get_int(PCtx *c, const CmField *f, json_t *v, const char *path, int lo, int hi, int *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return ferr(c, f, path, CM_ERR_INVALID,
					cm_printf(c->a, "The value must be an integer from %d to %d.", lo, hi),
					"Use a JSON integer in that range.",
					cm_printf(c->a, "\"%s\" must be an integer from %d to %d", path, lo, hi));
	*out = (int) json_integer_value(v);
	return true;
}

/* An array of strings, with at least min entries. */
static bool
get_string_array(PCtx *c, const CmField *f, json_t *v, const char *path, int min,
				 int *n, char ***out)
{
	size_t		i;

	if (!json_is_array(v) || (int) json_array_size(v) < min)
		return ferr(c, f, path, CM_ERR_INVALID,
					cm_printf(c->a, "The value must be an array of at least %d string%s.",
							  min, min == 1 ? "" : "s"),
					"Write a JSON array of names, for example [\"first_name\", \"last_name\"].",
					cm_printf(c->a, "\"%s\" must be an array of strings", path));
	*n = (int) json_array_size(v);
	*out = cm_alloc(c->a, sizeof(char *) * (*n + 1));
	for (i = 0; i < json_array_size(v); i++)
		if (!get_string(c, f, json_array_get(v, i),
						cm_printf(c->a, "%s[%zu]", path, i), &(*out)[i]))
			return false;
	return true;
}

/* Characters of a UTF-8 string (bytes that do not continue a sequence). */
static size_t
utf8_chars(const char *s)
{
	size_t		n = 0;

	for (; *s; s++)
		n += ((unsigned char) *s & 0xC0) != 0x80;
	return n;
}

/*
 * A default longer than the write-time value limit would make every INSERT
 * that uses it fail: refuse it at registration.
 */
static bool
check_default_size(PCtx *c, CmField *f, size_t chars, const char *path)
{
	if (chars <= CM_VALUE_LIMIT)
		return true;
	return ferr(c, f, path, CM_ERR_INVALID,
				cm_printf(c->a, "The default has %zu characters; values in namespace tables may have at most %d (the SDK's 1 MB limit), so every row that used it would be refused.",
						  chars, CM_VALUE_LIMIT),
				"Use a shorter default, or none, and set the value when the row is written.",
				"default is longer than the value limit");
}

/*
 * Check a default value's JSON type against the field type.  Formats of
 * dates and the like are left to the server's input functions.
 */
static bool
check_default(PCtx *c, CmField *f, json_t *v, const char *path)
{
	bool		ok = true;
	const char *want = NULL;

	if (json_is_null(v))
		return true;
	if (f->type == CM_F_JSON)
	{
		/* measured on its text form, spaced as the server prints JSON */
		char	   *text = json_dumps(v, JSON_ENCODE_ANY);
		size_t		chars = text ? utf8_chars(text) : 0;

		cm_mem_release(text);	/* jansson allocated it through cm_mem_alloc */
		return check_default_size(c, f, chars, path);
	}
	switch (f->type)
	{
		case CM_F_INTEGER:
		case CM_F_BIGINT:
		case CM_F_SMALLINT:
			ok = json_is_integer(v);
			want = "an integer";
			break;
		case CM_F_FLOAT:
		case CM_F_DECIMAL:
			ok = json_is_number(v) || json_is_string(v);
			want = "a number";
			break;
		case CM_F_BOOLEAN:
			ok = json_is_boolean(v);
			want = "true or false";
			break;
		case CM_F_FOREIGNKEY:
		case CM_F_ONETOONE:
			ok = json_is_integer(v) || json_is_string(v);
			want = "a key value";
			break;
		default:
			ok = json_is_string(v);
			want = "a string";
			break;
	}
	if (!ok)
		return ferr(c, f, path, CM_ERR_INVALID,
					cm_printf(c->a, "The default of a %s must be %s.",
							  cm_field_type_name(f->type), want),
					"Change the default to a value of the field's type.",
					"default does not match the field type");
	return json_is_string(v) ? check_default_size(c, f, utf8_chars(json_string_value(v)), path) : true;
}

/* ------------------------------------------------------------------------
 * Fields
 * ------------------------------------------------------------------------
 */
static bool
parse_field(PCtx *c, json_t *jf, int idx, CmField *f)
{
	const char *key;
	json_t	   *v;
	json_t	   *jt;
	char	   *fpath = cm_printf(c->a, "fields[%d]", idx);
	char	   *tname = NULL;
	size_t		i;

	f->path = fpath;
	f->max_length = -1;
	f->symmetrical = -1;
	f->null_opt = -1;
	f->blank_opt = -1;
	f->owner = c->m->name;
	if (!json_is_object(jf))
		return ferr(c, NULL, fpath, CM_ERR_INVALID, "Each field is a JSON object with \"name\" and \"type\".",
					"Write the field as {\"name\": \"title\", \"type\": \"TextField\"}.",
					"field must be an object");
	v = json_object_get(jf, "name");
	if (v == NULL)
		return ferr(c, NULL, fpath, CM_ERR_INVALID, "Every field needs a \"name\".",
					"Add \"name\" with the Django field name.", "field has no name");
	if (!get_string(c, NULL, v, cm_printf(c->a, "%s.name", fpath), &f->name))
		return false;

	jt = json_object_get(jf, "type");
	if (jt == NULL)
		return ferr(c, f, cm_printf(c->a, "%s.type", fpath), CM_ERR_INVALID,
					"Every field needs a \"type\", the Django field class name.",
					"Add \"type\", for example \"TextField\".", "field has no type");
	if (json_is_null(jt))
	{
		/* Django's "field = None": removes a field inherited from an abstract base */
		if (json_object_size(jf) != 2)
			return ferr(c, f, fpath, CM_ERR_INVALID,
						"A field with \"type\": null removes an inherited field and takes no options.",
						"Remove the other options.", "removed field has options");
		f->type = (CmFieldType) -1;
		return true;
	}
	if (!get_string(c, f, jt, cm_printf(c->a, "%s.type", fpath), &tname))
		return false;
	if (!cm_field_type_parse(tname, &f->type))
		return ferr(c, f, cm_printf(c->a, "%s.type", fpath), CM_ERR_INVALID,
					cm_printf(c->a, "Supported types: %s.", cm_field_type_list(c->a)),
					"Use one of the supported Django field classes.",
					cm_printf(c->a, "unknown field type \"%s\"", tname));
	if (f->type == CM_F_DECIMAL)
	{
		f->max_digits = 20;
		f->decimal_places = 10;
	}

	json_object_foreach(jf, key, v)
	{
		char	   *p = cm_printf(c->a, "%s.%s", fpath, key);

		for (i = 0; i < NFIELDOPTIONS; i++)
			if (strcmp(field_options[i].name, key) == 0)
				break;
		if (i == NFIELDOPTIONS || !(field_options[i].types & T(f->type)))
			return ferr(c, f, p, CM_ERR_INVALID,
						cm_printf(c->a, "%s accepts: %s.", tname, options_for(c->a, f->type)),
						"Remove the option or correct its spelling.",
						cm_printf(c->a, i == NFIELDOPTIONS ? "unknown option \"%s\"" :
								  "option \"%s\" does not apply to %s", key, tname));

		if (strcmp(key, "name") == 0 || strcmp(key, "type") == 0)
			continue;
		else if (strcmp(key, "verbose_name") == 0)
		{
			if (!get_string(c, f, v, p, &f->verbose_name))
				return false;
		}
		else if (strcmp(key, "help_text") == 0)
		{
			if (!get_string(c, f, v, p, &f->help_text))
				return false;
		}
		else if (strcmp(key, "choices") == 0)
		{
			/* Django's (value, label) pairs, or named groups of them: recorded */
			size_t		i;

			if (!json_is_array(v))
				return ferr(c, f, p, CM_ERR_INVALID,
							"choices is a list of [value, label] pairs (or of [group, pairs]), as Django takes them.",
							"Write \"choices\": [[\"NEW\", \"New\"], ...].", "choices must be an array");
			for (i = 0; i < json_array_size(v); i++)
				if (!json_is_array(json_array_get(v, i)) || json_array_size(json_array_get(v, i)) != 2)
					return ferr(c, f, cm_printf(c->a, "%s[%zu]", p, i), CM_ERR_INVALID,
								"Each choice is a [value, label] pair, or a [group, pairs] group.",
								"Write the choice as a two-element array.", "choice is not a pair");
			f->choices_json = cm_json_dump(c->a, v);
		}
		else if (strcmp(key, "null") == 0 || strcmp(key, "blank") == 0)
		{
			bool		b;

			if (!get_bool(c, f, v, p, &b))
				return false;
			if (key[0] == 'n')
				f->null_opt = b;
			else
				f->blank_opt = b;
		}
		else if (strcmp(key, "default") == 0)
		{
			if (!check_default(c, f, v, p))
				return false;
			f->default_json = cm_json_dump(c->a, v);
		}
		else if (strcmp(key, "db_index") == 0)
		{
			if (!get_bool(c, f, v, p, &f->db_index))
				return false;
			if (!f->db_index && (f->type == CM_F_FOREIGNKEY || f->type == CM_F_ONETOONE))
				return ferr(c, f, p, CM_ERR_INVALID,
							"cmodel always indexes ForeignKey and OneToOneField columns, as the SDK does.",
							"Remove \"db_index\": false.",
							"db_index false is not supported on relations");
		}
		else if (strcmp(key, "symmetrical") == 0)
		{
			bool		b;

			if (!get_bool(c, f, v, p, &b))
				return false;
			f->symmetrical = b ? 1 : 0;
		}
		else if (strcmp(key, "unique") == 0)
		{
			/* what a namespace's rule set allows is the validator's to say */
			if (!get_bool(c, f, v, p, &f->unique))
				return false;
		}
		else if (strcmp(key, "primary_key") == 0)
		{
			if (!get_bool(c, f, v, p, &f->primary_key))
				return false;
		}
		else if (strcmp(key, "max_length") == 0)
		{
			if (!get_int(c, f, v, p, 1, INT_MAX, &f->max_length))
				return false;
		}
		else if (strcmp(key, "max_digits") == 0)
		{
			if (!get_int(c, f, v, p, 1, 1000, &f->max_digits))
				return false;
		}
		else if (strcmp(key, "decimal_places") == 0)
		{
			if (!get_int(c, f, v, p, 0, 1000, &f->decimal_places))
				return false;
		}
		else if (strcmp(key, "auto_now") == 0)
		{
			if (!get_bool(c, f, v, p, &f->auto_now))
				return false;
		}
		else if (strcmp(key, "auto_now_add") == 0)
		{
			if (!get_bool(c, f, v, p, &f->auto_now_add))
				return false;
		}
		else if (strcmp(key, "to") == 0)
		{
			if (!get_string(c, f, v, p, &f->to))
				return false;
		}
		else if (strcmp(key, "to_field") == 0)
		{
			if (!get_string(c, f, v, p, &f->to_field))
				return false;
		}
		else if (strcmp(key, "related_name") == 0)
		{
			if (!get_string(c, f, v, p, &f->related_name))
				return false;
		}
		else if (strcmp(key, "related_query_name") == 0)
		{
			if (!get_string(c, f, v, p, &f->related_query_name))
				return false;
		}
		else if (strcmp(key, "through") == 0)
		{
			if (!get_string(c, f, v, p, &f->through))
				return false;
		}
		else if (strcmp(key, "through_fields") == 0)
		{
			int			n;
			char	  **tf;

			if (!get_string_array(c, f, v, p, 2, &n, &tf))
				return false;
			if (n != 2)
				return ferr(c, f, p, CM_ERR_INVALID,
							"through_fields names the through model's ForeignKey to this model, then the one to the target.",
							"Give exactly two field names.", "through_fields must have two entries");
			f->through_fields[0] = tf[0];
			f->through_fields[1] = tf[1];
		}
		else if (strcmp(key, "on_delete") == 0)
		{
			char	   *od;

			if (!get_string(c, f, v, p, &od))
				return false;
			if (!cm_on_delete_parse(od, &f->on_delete))
				return ferr(c, f, p, CM_ERR_INVALID,
							"on_delete must be CASCADE, SET_NULL or DO_NOTHING; PROTECT, RESTRICT, SET_DEFAULT and SET() are not supported.",
							"Use CASCADE, SET_NULL or DO_NOTHING.",
							cm_printf(c->a, "unsupported on_delete \"%s\"", od));
		}
	}

	if ((f->auto_now ? 1 : 0) + (f->auto_now_add ? 1 : 0) + (f->default_json ? 1 : 0) > 1)
		return ferr(c, f, fpath, CM_ERR_INVALID,
					"auto_now, auto_now_add and default each set the value themselves (Django check fields.E160).",
					"Keep only one of auto_now, auto_now_add and default.",
					"auto_now, auto_now_add and default are mutually exclusive");
	if (f->type == CM_F_DECIMAL && f->decimal_places > f->max_digits)
		return ferr(c, f, cm_printf(c->a, "%s.decimal_places", fpath), CM_ERR_INVALID,
					cm_printf(c->a, "decimal_places (%d) is greater than max_digits (%d).",
							  f->decimal_places, f->max_digits),
					"Make max_digits at least decimal_places.",
					"decimal_places exceeds max_digits");
	if (cm_is_relation(f->type) && f->to == NULL)
		return ferr(c, f, cm_printf(c->a, "%s.to", fpath), CM_ERR_INVALID,
					"A relation needs the name of the model it points to.",
					"Add \"to\": a model of this namespace, \"self\", a proxy or a core model.",
					"relation has no \"to\"");
	if ((f->type == CM_F_FOREIGNKEY || f->type == CM_F_ONETOONE) && f->on_delete == CM_OD_NONE)
		return ferr(c, f, cm_printf(c->a, "%s.on_delete", fpath), CM_ERR_INVALID,
					"on_delete is required on ForeignKey and OneToOneField.",
					"Add \"on_delete\": \"CASCADE\", \"SET_NULL\" or \"DO_NOTHING\".",
					"on_delete is missing");
	if (f->on_delete == CM_OD_SET_NULL && (f->primary_key || f->null_opt == 0))
		return ferr(c, f, cm_printf(c->a, "%s.on_delete", fpath), CM_ERR_INVALID,
					f->primary_key ? "A primary key can never be set to NULL." :
					"The field says \"null\": false, so SET_NULL could not apply (Django check fields.E320).",
					"Use CASCADE or DO_NOTHING, or allow null.",
					"on_delete SET_NULL on a field that cannot be null");
	if (f->type == CM_F_MANYTOMANY && f->through == NULL)
		return ferr(c, f, cm_printf(c->a, "%s.through", fpath), CM_ERR_INVALID,
					"cmodel does not create implicit join tables; every table is a model with a managed lifecycle.",
					"Declare a through model with a ForeignKey to each side and name it in \"through\".",
					"ManyToManyField requires \"through\"");
	return true;
}

/* ------------------------------------------------------------------------
 * Meta
 * ------------------------------------------------------------------------
 */
static int
cond_cmp(const void *a, const void *b)
{
	return strcmp(((const CmCond *) a)->key, ((const CmCond *) b)->key);
}

/* A condition: {"field__lookup": value, ...}, all ANDed. */
static bool
parse_condition(PCtx *c, json_t *jc, const char *path, CmIndex *ix)
{
	const char *key;
	json_t	   *v;
	int			i = 0;

	if (!json_is_object(jc) || json_object_size(jc) == 0)
		return ferr(c, NULL, path, CM_ERR_INVALID,
					"A condition is a non-empty object of Django lookups, ANDed together.",
					"Write it as {\"is_active\": true, \"age__gte\": 18}.",
					"condition must be a non-empty object");
	ix->nconds = (int) json_object_size(jc);
	ix->conds = cm_alloc(c->a, sizeof(CmCond) * ix->nconds);
	json_object_foreach(jc, key, v)
	{
		CmCond	   *cd = &ix->conds[i++];
		const char *sep = strstr(key, "__");

		cd->key = cm_strdup(c->a, key);
		cd->lookup = CM_LK_EXACT;
		if (sep)
		{
			cd->field = cm_strndup(c->a, key, (size_t) (sep - key));
			if (!cm_lookup_parse(sep + 2, &cd->lookup))
				return ferr(c, NULL, cm_printf(c->a, "%s.%s", path, key), CM_ERR_INVALID,
							cm_printf(c->a, "Supported lookups: %s.", cm_lookup_list(c->a)),
							"Use one of the supported lookups, or no lookup for equality.",
							cm_printf(c->a, "unsupported lookup \"%s\"", sep + 2));
		}
		else
			cd->field = cm_strdup(c->a, key);
		if ((cd->lookup == CM_LK_ISNULL && !json_is_boolean(v)) ||
			(cd->lookup == CM_LK_IN && (!json_is_array(v) || json_array_size(v) == 0)) ||
			(cd->lookup != CM_LK_IN && (json_is_array(v) || json_is_object(v))) ||
			(cd->lookup != CM_LK_EXACT && cd->lookup != CM_LK_ISNULL && json_is_null(v)))
			return ferr(c, NULL, cm_printf(c->a, "%s.%s", path, key), CM_ERR_INVALID,
						"isnull takes true or false, in takes a non-empty array of values, the others a single non-null value.",
						"Correct the value of the lookup.",
						cm_printf(c->a, "invalid value for lookup \"%s\"", key));
		if (cd->lookup == CM_LK_IN)
		{
			size_t		j;

			for (j = 0; j < json_array_size(v); j++)
			{
				json_t	   *e = json_array_get(v, j);

				if (json_is_array(e) || json_is_object(e) || json_is_null(e))
					return ferr(c, NULL, cm_printf(c->a, "%s.%s[%zu]", path, key, j),
								CM_ERR_INVALID, "Values of an in lookup are scalars.",
								"Remove nested arrays, objects and nulls.",
								"invalid value in lookup");
			}
		}
		cd->value_json = cm_json_dump(c->a, v);
	}
	/* lookups are ANDed, so their order means nothing: keep them sorted */
	qsort(ix->conds, (size_t) ix->nconds, sizeof(CmCond), cond_cmp);
	return true;
}

/* Index(...)/GinIndex(...) in meta.indexes or UniqueConstraint(...) in meta.constraints. */
static bool
parse_index(PCtx *c, json_t *ji, const char *path, bool in_constraints, CmIndex *ix)
{
	const char *key;
	json_t	   *v;
	char	   *type = NULL;
	size_t		i;

	ix->path = cm_strdup(c->a, path);
	ix->origin = in_constraints ? CM_ORIGIN_CONSTRAINTS : CM_ORIGIN_INDEXES;
	if (!json_is_object(ji))
		return ferr(c, NULL, path, CM_ERR_INVALID, "Each entry is a JSON object.",
					"Write it as {\"fields\": [\"name\"], \"name\": \"idx_name\"}.",
					"entry must be an object");
	v = json_object_get(ji, "type");
	if (v && !get_string(c, NULL, v, cm_printf(c->a, "%s.type", path), &type))
		return false;
	if (in_constraints)
	{
		if (type && strcmp(type, cm_index_class(CM_IDX_UNIQUE)) != 0)
			return ferr(c, NULL, cm_printf(c->a, "%s.type", path), CM_ERR_INVALID,
						"Only UniqueConstraint is supported in meta.constraints; CheckConstraint and others would scan or rewrite existing tables.",
						"Enforce the rule in plugin code, or use a UniqueConstraint.",
						cm_printf(c->a, "constraint type \"%s\" is not supported", type));
		ix->kind = CM_IDX_UNIQUE;
	}
	else
	{
		if (type && strcmp(type, cm_index_class(CM_IDX_UNIQUE)) == 0)
			return ferr(c, NULL, cm_printf(c->a, "%s.type", path), CM_ERR_INVALID,
						"A UniqueConstraint in meta.indexes would create a non-unique index.",
						"Move it to meta.constraints.",
						"UniqueConstraint belongs in meta.constraints");
		if (type == NULL || strcmp(type, cm_index_class(CM_IDX_BTREE)) == 0)
			ix->kind = CM_IDX_BTREE;
		else if (strcmp(type, cm_index_class(CM_IDX_GIN)) == 0)
			ix->kind = CM_IDX_GIN;
		else
			return ferr(c, NULL, cm_printf(c->a, "%s.type", path), CM_ERR_INVALID,
						"Supported index types: Index, GinIndex.",
						"Use Index or GinIndex.",
						cm_printf(c->a, "index type \"%s\" is not supported", type));
	}
	json_object_foreach(ji, key, v)
	{
		char	   *p = cm_printf(c->a, "%s.%s", path, key);

		if (strcmp(key, "type") == 0)
			continue;
		else if (strcmp(key, "name") == 0)
		{
			if (!get_string(c, NULL, v, p, &ix->name))
				return false;
		}
		else if (strcmp(key, "fields") == 0)
		{
			if (!get_string_array(c, NULL, v, p, 1, &ix->nfields, &ix->fields))
				return false;
		}
		else if (strcmp(key, "condition") == 0)
		{
			if (!parse_condition(c, v, p, ix))
				return false;
		}
		else
			return ferr(c, NULL, p, CM_ERR_INVALID,
						in_constraints ? "A UniqueConstraint accepts: type, fields, name, condition." :
						"An index accepts: type, fields, name, condition.",
						"Remove the option or correct its spelling.",
						cm_printf(c->a, "unknown option \"%s\"", key));
	}
	if (ix->nfields == 0)
		return ferr(c, NULL, path, CM_ERR_INVALID, "An index or constraint needs \"fields\".",
					"Add \"fields\" with one or more field names.", "\"fields\" is missing");
	if (in_constraints && ix->name == NULL)
		return ferr(c, NULL, path, CM_ERR_INVALID, "Django requires a name on every UniqueConstraint.",
					"Add a \"name\" that does not collide with the plugin's other constraints.",
					"UniqueConstraint has no name");
	if (ix->nconds > 0 && ix->name == NULL)
		return ferr(c, NULL, path, CM_ERR_INVALID, "An index with a condition must be named (as in Django).",
					"Add a \"name\".", "conditional index has no name");
	ix->desc = cm_alloc(c->a, sizeof(bool) * ix->nfields);
	for (i = 0; i < (size_t) ix->nfields; i++)
	{
		if (ix->fields[i][0] == '-')
		{
			if (in_constraints)
				return ferr(c, NULL, cm_printf(c->a, "%s.fields[%zu]", path, i), CM_ERR_INVALID,
							"A UniqueConstraint has no column order.",
							"Remove the leading \"-\".",
							cm_printf(c->a, "descending field \"%s\" in a UniqueConstraint", ix->fields[i]));
			ix->desc[i] = true;
			ix->fields[i]++;
		}
	}
	return true;
}

/* unique_together / index_together: [["a","b"], ...] or ["a","b"]. */
static bool
parse_together(PCtx *c, json_t *v, const char *path, CmIndexKind kind,
			   CmIndexOrigin origin, CmIndex **out, int *nout)
{
	size_t		i;
	json_t	   *list = v;
	json_t	   *wrap = NULL;
	bool		ok = true;

	if (!json_is_array(v))
		return ferr(c, NULL, path, CM_ERR_INVALID, "The value is a list of lists of field names.",
					"Write it as [[\"a\", \"b\"]].", cm_printf(c->a, "%s must be an array", cm_index_origin_name(origin)));
	if (json_array_size(v) > 0 && json_is_string(json_array_get(v, 0)))
	{
		wrap = json_array();
		json_array_append(wrap, v);
		list = wrap;
	}
	*out = cm_alloc(c->a, sizeof(CmIndex) * (json_array_size(list) + 1));
	*nout = 0;
	for (i = 0; ok && i < json_array_size(list); i++)
	{
		CmIndex    *ix = &(*out)[(*nout)++];
		char	   *p = wrap ? cm_strdup(c->a, path) : cm_printf(c->a, "%s[%zu]", path, i);

		ix->kind = kind;
		ix->origin = origin;
		ix->path = p;
		ok = get_string_array(c, NULL, json_array_get(list, i), p, 1, &ix->nfields, &ix->fields);
		if (ok)
			ix->desc = cm_alloc(c->a, sizeof(bool) * ix->nfields);
	}
	if (wrap)
		json_decref(wrap);
	return ok;
}

static bool
parse_meta(PCtx *c, json_t *jm)
{
	CmModel    *m = c->m;
	const char *key;
	json_t	   *v;
	CmIndex    *all = NULL;
	int			nall = 0;
	int			cap = 0;

	if (!json_is_object(jm))
		return ferr(c, NULL, "meta", CM_ERR_INVALID, "meta is a JSON object of Django Meta options.",
					"Write it as {\"indexes\": [...], \"constraints\": [...]}.", "meta must be an object");
	m->has_meta = true;
	json_object_foreach(jm, key, v)
	{
		char	   *p = cm_printf(c->a, "meta.%s", key);
		CmIndex    *more = NULL;
		int			nmore = 0;
		size_t		i;

		if (strcmp(key, "indexes") == 0 || strcmp(key, "constraints") == 0)
		{
			bool		cons = key[0] == 'c';

			if (!json_is_array(v))
				return ferr(c, NULL, p, CM_ERR_INVALID, "The value is an array of objects.",
							"Write it as [{\"fields\": [...], \"name\": \"...\"}].",
							cm_printf(c->a, "%s must be an array", key));
			nmore = (int) json_array_size(v);
			more = cm_alloc(c->a, sizeof(CmIndex) * (nmore + 1));
			for (i = 0; i < json_array_size(v); i++)
				if (!parse_index(c, json_array_get(v, i), cm_printf(c->a, "%s[%zu]", p, i),
								 cons, &more[i]))
					return false;
		}
		else if (strcmp(key, "unique_together") == 0)
		{
			if (!parse_together(c, v, p, CM_IDX_UNIQUE, CM_ORIGIN_UNIQUE_TOGETHER, &more, &nmore))
				return false;
		}
		else if (strcmp(key, "index_together") == 0)
		{
			if (!parse_together(c, v, p, CM_IDX_BTREE, CM_ORIGIN_INDEX_TOGETHER, &more, &nmore))
				return false;
		}
		else if (strcmp(key, "ordering") == 0)
		{
			int			n;
			char	  **o;

			if (!get_string_array(c, NULL, v, p, 0, &n, &o))
				return false;
			m->ordering_json = cm_json_dump(c->a, v);
			m->nordering = n;
			m->ordering = o;
		}
		else if (strcmp(key, "verbose_name") == 0)
		{
			if (!get_string(c, NULL, v, p, &m->verbose_name))
				return false;
		}
		else if (strcmp(key, "verbose_name_plural") == 0)
		{
			if (!get_string(c, NULL, v, p, &m->verbose_name_plural))
				return false;
		}
		else if (strcmp(key, "abstract") == 0 || strcmp(key, "proxy") == 0)
		{
			bool		b;

			if (!get_bool(c, NULL, v, p, &b))
				return false;
			if (b && m->kind != CM_MODEL_CONCRETE)
				return ferr(c, NULL, p, CM_ERR_INVALID, "A model cannot be both abstract and a proxy.",
							"Set only one of meta.abstract and meta.proxy.", "abstract proxy");
			if (b)
				m->kind = key[0] == 'a' ? CM_MODEL_ABSTRACT : CM_MODEL_PROXY;
		}
		else
			return ferr(c, NULL, p, CM_ERR_INVALID,
						"Supported Meta options: indexes, constraints, unique_together, index_together, ordering, verbose_name, verbose_name_plural, abstract, proxy.",
						"Remove the option or correct its spelling.",
						cm_printf(c->a, "unknown Meta option \"%s\"", key));
		if (nmore > 0)
		{
			if (nall + nmore > cap)
			{
				CmIndex    *grown;

				cap = (nall + nmore) * 2;
				grown = cm_alloc(c->a, sizeof(CmIndex) * cap);
				if (nall)
					memcpy(grown, all, sizeof(CmIndex) * nall);
				all = grown;
			}
			memcpy(all + nall, more, sizeof(CmIndex) * nmore);
			nall += nmore;
		}
	}
	m->indexes = all;
	m->nindexes = nall;
	return true;
}

/* ------------------------------------------------------------------------
 * Models
 * ------------------------------------------------------------------------
 */
static bool
parse_model(PCtx *c, json_t *jm)
{
	CmModel    *m = c->m;
	const char *key;
	json_t	   *v;
	json_t	   *jfields = NULL;
	json_t	   *jmeta = NULL;
	size_t		i;

	if (!json_is_object(jm))
		return cm_set_error(c->err, c->a, CM_ERR_INVALID,
							"A model descriptor is a JSON object with \"name\" and \"fields\".",
							"Pass {\"name\": \"MyModel\", \"fields\": [...]}.",
							"model descriptor%s%s must be a JSON object",
							*c->prefix ? " at " : "", cm_strndup(c->a, c->prefix, strlen(c->prefix) ? strlen(c->prefix) - 1 : 0));
	v = json_object_get(jm, "name");
	if (v == NULL || !json_is_string(v) || !cm_is_identifier(json_string_value(v)) ||
		strlen(json_string_value(v)) != json_string_length(v))
		return cm_set_error(c->err, c->a, CM_ERR_INVALID,
							"\"name\" is the Django model class name: an ASCII identifier of at most 63 bytes.",
							"Add a \"name\" such as \"StaffCertification\".",
							"model descriptor%s%s has no valid \"name\"",
							*c->prefix ? " at " : "", cm_strndup(c->a, c->prefix, strlen(c->prefix) ? strlen(c->prefix) - 1 : 0));
	m->name = cm_strdup(c->a, json_string_value(v));
	m->path = cm_strdup(c->a, c->prefix);

	json_object_foreach(jm, key, v)
	{
		if (strcmp(key, "name") == 0)
			continue;
		else if (strcmp(key, "app_label") == 0)
		{
			if (!get_string(c, NULL, v, "app_label", &m->app_label))
				return false;
			if (!cm_is_identifier(m->app_label))
				return ferr(c, NULL, "app_label", CM_ERR_INVALID,
							"app_label is expanded into related names and index names, so it must be an ASCII identifier.",
							"Use the plugin's name, for example \"my_plugin\".",
							"invalid app_label");
		}
		else if (strcmp(key, "fields") == 0)
			jfields = v;
		else if (strcmp(key, "meta") == 0)
			jmeta = v;
		else if (strcmp(key, "bases") == 0)
		{
			if (!get_string_array(c, NULL, v, "bases", 0, &m->nbases, &m->bases))
				return false;
		}
		else
			return ferr(c, NULL, key, CM_ERR_INVALID,
						"A model descriptor accepts: name, app_label, bases, fields, meta.",
						"Remove the key or correct its spelling.",
						cm_printf(c->a, "unknown key \"%s\"", key));
	}
	/* meta first: proxy/abstract changes what fields may be */
	if (jmeta && !parse_meta(c, jmeta))
		return false;
	/* the SDK's ModelExtension marks a proxy of a core model */
	for (i = 0; i < (size_t) m->nbases; i++)
		if (strcmp(m->bases[i], "ModelExtension") == 0)
		{
			if (m->kind == CM_MODEL_ABSTRACT)
				return ferr(c, NULL, "bases", CM_ERR_INVALID, "A ModelExtension is a proxy and cannot be abstract.",
							"Remove meta.abstract.", "abstract ModelExtension");
			m->kind = CM_MODEL_PROXY;
			memmove(&m->bases[i], &m->bases[i + 1], sizeof(char *) * (m->nbases - i - 1));
			m->nbases--;
			i--;
		}
	if (jfields)
	{
		if (!json_is_array(jfields))
			return ferr(c, NULL, "fields", CM_ERR_INVALID, "fields is an ordered array of field objects.",
						"Write it as [{\"name\": \"title\", \"type\": \"TextField\"}].",
						"fields must be an array");
		m->nfields = (int) json_array_size(jfields);
		m->fields = cm_alloc(c->a, sizeof(CmField) * (m->nfields + 1));
		for (i = 0; i < json_array_size(jfields); i++)
			if (!parse_field(c, json_array_get(jfields, i), (int) i, &m->fields[i]))
				return false;
	}
	return true;
}

/*
 * Parse one descriptor (is_array false: a JSON object) or a list of them.
 * Malformed JSON is reported with its line and column.
 */
bool
cm_parse_descriptors(CmArena *arena, const char *json, bool is_array,
					 int *nmodels, CmModel ***models, CmError *err)
{
	json_error_t jerr;
	json_t	   *root;
	PCtx		c;
	bool		ok = true;
	size_t		i;

	c.a = arena;
	c.err = err;
	root = json_loads(json, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (root == NULL)
		return cm_set_error(err, arena, CM_ERR_JSON,
							cm_printf(arena, "The parser stopped at line %d, column %d (character %d).",
									  jerr.line, jerr.column, jerr.position),
							"Fix the JSON text at that position.",
							"malformed model descriptor JSON at line %d, column %d: %s",
							jerr.line, jerr.column, jerr.text);
	if (!is_array)
	{
		*nmodels = 1;
		*models = cm_alloc(arena, sizeof(CmModel *));
		(*models)[0] = cm_alloc(arena, sizeof(CmModel));
		c.m = (*models)[0];
		c.prefix = "";
		ok = parse_model(&c, root);
	}
	else if (!json_is_array(root))
		ok = cm_set_error(err, arena, CM_ERR_INVALID,
						  "cmodel_register_models takes a JSON array of model descriptors.",
						  "Wrap the descriptors in [ ].",
						  "model descriptors must be a JSON array");
	else
	{
		*nmodels = (int) json_array_size(root);
		*models = cm_alloc(arena, sizeof(CmModel *) * (*nmodels + 1));
		for (i = 0; ok && i < json_array_size(root); i++)
		{
			(*models)[i] = cm_alloc(arena, sizeof(CmModel));
			c.m = (*models)[i];
			c.prefix = cm_printf(arena, "[%zu].", i);
			ok = parse_model(&c, json_array_get(root, i));
		}
	}
	json_decref(root);
	return ok;
}

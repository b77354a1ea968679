/*-------------------------------------------------------------------------
 *
 * rules.c
 *	  What a namespace's rule set decides: Canvas's or Django's.
 *
 * A namespace chooses its rule set when it is created (CmRules), and every
 * rule that differs between the two is here, and only here:
 *
 *	- the primary key: Canvas's rules key every model by dbid, or by a
 *	  OneToOneField with primary_key; Django's let primary_key sit on any
 *	  field that has a column of its own (a UUIDField, a CharField, an
 *	  AutoField...);
 *	- unique=True: Canvas's rules refuse it (the SDK asks for a
 *	  UniqueConstraint); under Django's it is a unique index on the column;
 *	- AutoField, BigAutoField, SmallAutoField: Django's rules only, and
 *	  only as the primary key (Django's check fields.E100);
 *	- reverse accessors on core models: Canvas's rules want them to carry
 *	  the plugin's app label (every plugin shares the core models); Django's
 *	  leave related_name to the model, as Django does;
 *	- NOT NULL: Canvas's columns are all nullable; under Django's rules a
 *	  column is NOT NULL unless the field says "null": true, and SET_NULL
 *	  needs that (fields.E320); a CharField needs max_length (fields.E120),
 *	  and the text-like fields with a length are varchar(max_length) (see
 *	  cm_column_type).
 *
 * Everything else (names, relations, indexes, the additive lifecycle) is
 * the same under both.
 *
 * src/core/rules.c
 *
 *-------------------------------------------------------------------------
 */
#include "cm_internal.h"

#include <string.h>

/* See cm_internal.h. */
bool
cm_is_auto_field(CmFieldType t)
{
	return t == CM_F_AUTO || t == CM_F_BIGAUTO || t == CM_F_SMALLAUTO;
}

/* The hint that names the other rule set, for Canvas's refusals. */
static const char *
django_rules_hint(VCtx *v, const char *instead)
{
	return cm_printf(v->a, "%s; or register the model into a new namespace created with Django's rules, cmodel_create_namespace(name, 'django') (namespace \"%s\" has Canvas's).",
					 instead, v->snap->namespace);
}

/* See cm_internal.h. */
bool
cm_check_field_rules(VCtx *v, CmModel *m, CmField *f)
{
	const char *tname = cm_field_type_name(f->type);

	if (v->snap->rules == CM_RULES_CANVAS)
	{
		if (f->unique)
			return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, f->name, cm_printf(v->a, "%s.unique", f->path),
								  "Canvas's rules have no unique=True (the SDK refuses it): uniqueness is a UniqueConstraint in Meta, which the additive lifecycle can add later.",
								  django_rules_hint(v, cm_printf(v->a, "Add {\"type\": \"UniqueConstraint\", \"fields\": [\"%s\"], \"name\": \"...\"} to meta.constraints instead", f->name)),
								  "unique=True is not supported");
		if (cm_is_auto_field(f->type))
			return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, f->name, f->path,
								  "Under Canvas's rules every model's key is dbid, a bigint identity; the field would be a second key.",
								  django_rules_hint(v, "Remove the field and use dbid"),
								  "%s is not supported", tname);
		return true;
	}

	/* Django's rules */
	if (cm_is_auto_field(f->type) && !f->primary_key)
		return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, f->name, f->path,
							  cm_printf(v->a, "%s is always its model's primary key (Django's check fields.E100).", tname),
							  "Add \"primary_key\": true, or use an IntegerField or BigIntegerField.",
							  "%s must set primary_key", tname);
	if (cm_is_auto_field(f->type) && f->default_json)
		return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, f->name, cm_printf(v->a, "%s.default", f->path),
							  "The database numbers an automatic key itself.",
							  "Remove the default.", "%s cannot have a default", tname);
	if (f->primary_key && f->null_opt == 1)
		return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, f->name, cm_printf(v->a, "%s.null", f->path),
							  "A primary key is never NULL (Django's check fields.E007).",
							  "Remove \"null\": true.", "primary key cannot be null");
	if (f->unique && f->type == CM_F_MANYTOMANY)
		return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, f->name, cm_printf(v->a, "%s.unique", f->path),
							  "A ManyToManyField has no column to make unique.",
							  "Remove unique, or add a UniqueConstraint to the through model.",
							  "unique=True is not supported on ManyToManyField");
	if (f->type == CM_F_CHAR && f->max_length < 0)
		return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, f->name, f->path,
							  "Under Django's rules a CharField is varchar(max_length), and Django requires max_length (fields.E120).",
							  "Add \"max_length\", or use a TextField.", "CharField requires max_length");
	if (f->on_delete == CM_OD_SET_NULL && f->null_opt != 1)
		return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, f->name, cm_printf(v->a, "%s.on_delete", f->path),
							  "Under Django's rules a column is NOT NULL unless the field allows null, so SET_NULL could not apply (Django's check fields.E320).",
							  "Add \"null\": true, or use CASCADE or DO_NOTHING.",
							  "on_delete SET_NULL on a field that cannot be null");
	return true;
}

/* See cm_internal.h. */
bool
cm_check_key_rules(VCtx *v, CmModel *m, CmField *pk)
{
	const char *tname = cm_field_type_name(pk->type);

	if (pk->type == CM_F_ONETOONE)
		return true;
	if (v->snap->rules == CM_RULES_CANVAS)
		return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, pk->name, cm_printf(v->a, "%s.primary_key", pk->path),
							  "Under Canvas's rules only a OneToOneField can replace the automatic dbid primary key.",
							  django_rules_hint(v, "Use a OneToOneField with \"primary_key\": true, or remove primary_key"),
							  "primary_key is not supported on %s", tname);
	if (cm_is_relation(pk->type))
		return cm_model_error(v->err, v->a, CM_ERR_INVALID, m, pk->name, cm_printf(v->a, "%s.primary_key", pk->path),
							  cm_printf(v->a, "A %s cannot be the primary key: a key that is a relation is a OneToOneField.", tname),
							  "Use a OneToOneField with \"primary_key\": true.",
							  "primary_key is not supported on %s", tname);
	return true;
}

/* See cm_internal.h. */
bool
cm_column_not_null(const VCtx *v, const CmModel *m, const CmField *f)
{
	return v->snap->rules == CM_RULES_DJANGO && f->column != NULL && f != m->pk_field &&
		f->null_opt != 1;
}

/* See cm_internal.h. */
bool
cm_core_related_names_namespaced(const VCtx *v)
{
	return v->snap->rules == CM_RULES_CANVAS;
}

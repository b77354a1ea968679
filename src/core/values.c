/*-------------------------------------------------------------------------
 *
 * values.c
 *	  The values of a plan that must be valid values of their columns'
 *	  types, and the error that points at one that is not.
 *
 * A field's default and an index condition's values are written into the
 * database as literals of their column's type (plan.c), so a typo would
 * otherwise fail some later INSERT, or the CREATE INDEX with a bare input
 * error.  The core cannot parse SQL values; it lists what must be checked,
 * with the model, field and JSON path of each, the host runs the type's
 * input function, and the core builds the error from what the host found.
 * Date and time words whose meaning depends on when they are read ("now",
 * "today") parse, but would be frozen at registration: the core rejects
 * those itself.
 *
 * src/core/values.c
 *
 *-------------------------------------------------------------------------
 */
#include "cm_internal.h"

#include <string.h>

/* Append one check, growing the array in the arena. */
static void
add_check(CmArena *arena, CmValueCheck **checks, int *n, int *cap, CmValueCheck check)
{
	if (*n == *cap)
	{
		CmValueCheck *grown;

		*cap = *cap * 2 + 8;
		grown = cm_alloc(arena, sizeof(CmValueCheck) * (size_t) *cap);
		if (*n)
			memcpy(grown, *checks, sizeof(CmValueCheck) * (size_t) *n);
		*checks = grown;
	}
	(*checks)[(*n)++] = check;
}

/* See cm_core.h. */
int
cm_plan_values(CmArena *arena, const CmPlan *plan, CmValueCheck **out)
{
	int			n = 0,
				cap = 0;
	int			i,
				j,
				k;

	*out = NULL;
	for (i = 0; i < plan->nmodels; i++)
	{
		CmModel    *m = plan->models[i];

		if (!plan->record[i] || m->kind != CM_MODEL_CONCRETE)
			continue;
		for (j = 0; j < m->nall_fields; j++)
		{
			CmField    *f = m->all_fields[j];
			CmValueCheck check = {0};

			if (f->default_json == NULL || f->column == NULL || f->type == CM_F_JSON ||
				cm_default_draws_uuid(f))
				continue;
			check.model = m;
			check.field = f->name;
			check.path = cm_printf(arena, "%s.default", f->path);
			check.json = f->default_json;
			check.type = f->column_type;
			check.what = "default";
			check.hint = "Use a default of the field's type.";
			add_check(arena, out, &n, &cap, check);
		}
		for (j = 0; j < m->nall_indexes; j++)
		{
			CmIndex    *ix = m->all_indexes[j];

			for (k = 0; k < ix->nconds; k++)
			{
				CmCond	   *c = &ix->conds[k];
				CmValueCheck check = {0};

				if (c->lookup == CM_LK_ISNULL || strcmp(c->column_type, "jsonb") == 0)
					continue;
				check.model = m;
				check.path = cm_printf(arena, "%s.condition.%s", ix->path, c->key);
				check.json = c->value_json;
				check.type = c->column_type;
				check.what = "condition value";
				check.hint = "Compare the field with a value of its type.";
				add_check(arena, out, &n, &cap, check);
			}
		}
	}
	return n;
}

/* ASCII case-insensitive: does s start with word? */
static bool
starts_with_word(const char *s, const char *word)
{
	for (; *word; s++, word++)
	{
		char		a = (*s >= 'A' && *s <= 'Z') ? (char) (*s + 'a' - 'A') : *s;

		if (a != *word)
			return false;
	}
	return true;
}

/* See cm_core.h: the reason a value would be frozen, or NULL. */
const char *
cm_value_frozen(const char *value, const char *type)
{
	static const char *const words[] = {"now", "today", "tomorrow", "yesterday", NULL};
	const char *const *w;

	if (strncmp(type, "date", 4) != 0 && strncmp(type, "time", 4) != 0)
		return NULL;
	while (*value == ' ')
		value++;
	for (w = words; *w; w++)
		if (starts_with_word(value, *w))
			return "a special value such as \"now\" or \"today\" is read once and then frozen";
	return NULL;
}

/* See cm_core.h. */
bool
cm_value_error(CmError *err, CmArena *arena, const CmValueCheck *check, const char *reason)
{
	return cm_model_error(err, arena, CM_ERR_INVALID, check->model, check->field, check->path,
						  cm_printf(arena, "As a value of type %s: %s.", check->type, reason),
						  check->hint, "%s %s is not a valid %s", check->what, check->json,
						  check->type);
}

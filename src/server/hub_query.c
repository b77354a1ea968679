/*-------------------------------------------------------------------------
 *
 * hub_query.c
 *	  Find conditions on hubs: the type cmodel.hubquery, its constructors,
 *	  and hub @@ hubquery, the operator the hub index answers.
 *
 * A condition names one attribute and either a value it must equal or a
 * range it must lie in:
 *
 *	{"attr": "score", "type": "number", "ge": 500, "lt": 700}
 *
 * Equality works for every type (text, number, boolean, date, timestamptz,
 * json, none); ranges for numbers, dates and timestamps.  bigint and
 * numeric attributes are both numbers, compared exactly as numerics, so
 * 650 equals 650.0.  An attribute of another type, or a missing one, never
 * matches, and nothing raises: a find over hubs of mixed shapes answers
 * for those it can.  Like a hub, a condition is stored as canonical jsonb
 * (dates and timestamps in their ISO form).
 *
 * src/server/hub_query.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "hub.h"

/* The names of the classes in a condition's "type". */
static const struct
{
	CmHubClass	cls;
	const char *name;
}			classes[] = {
	{CM_HCLASS_NUMBER, "number"}, {CM_HCLASS_TEXT, "text"}, {CM_HCLASS_BOOLEAN, "boolean"},
	{CM_HCLASS_DATE, "date"}, {CM_HCLASS_TIMESTAMPTZ, "timestamptz"}, {CM_HCLASS_JSON, "json"},
	{CM_HCLASS_NONE, "none"},
};

#define NCLASSES ((int) lengthof(classes))

static const char *
class_name(CmHubClass c)
{
	int			i;

	for (i = 0; i < NCLASSES; i++)
		if (classes[i].cls == c)
			return classes[i].name;
	return "?";
}

/* See hub.h: how an attribute of a type compares. */
CmHubClass
cmodel_hub_class(CmHubType t)
{
	switch (t)
	{
		case CM_HUB_TEXT:
			return CM_HCLASS_TEXT;
		case CM_HUB_BIGINT:
		case CM_HUB_NUMERIC:
			return CM_HCLASS_NUMBER;
		case CM_HUB_BOOLEAN:
			return CM_HCLASS_BOOLEAN;
		case CM_HUB_DATE:
			return CM_HCLASS_DATE;
		case CM_HUB_TIMESTAMPTZ:
			return CM_HCLASS_TIMESTAMPTZ;
		case CM_HUB_JSON:
			return CM_HCLASS_JSON;
		default:
			return CM_HCLASS_NONE;
	}
}

static void
bad_query(const char *msg, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid hub query: %s", msg),
			 errdetail("%s", detail),
			 errhint("Write it as {\"attr\": \"score\", \"ge\": 500} (eq, lt, le, gt, ge), with \"type\" for dates and timestamps, or build it with cmodel.hub_query().")));
}

/* The operator keys of a condition. */
static const char *const op_keys[] = {"eq", "lt", "le", "gt", "ge"};

/* Is the value of the class's JSON kind?  Dates and timestamps are made canonical. */
static bool
value_fits(CmHubClass cls, JsonbValue *v, bool eq)
{
	switch (cls)
	{
		case CM_HCLASS_NUMBER:
			return v->type == jbvNumeric && !numeric_is_nan(v->val.numeric) &&
				!numeric_is_inf(v->val.numeric);
		case CM_HCLASS_TEXT:
			return eq && v->type == jbvString;
		case CM_HCLASS_BOOLEAN:
			return eq && v->type == jbvBool;
		case CM_HCLASS_NONE:
			return eq && v->type == jbvNull;
		case CM_HCLASS_JSON:
			return eq;
		case CM_HCLASS_DATE:
			{
				int32_t		d;
				char	   *out = palloc(CM_ISO_DATE_LEN + 1);

				if (v->type != jbvString || !cm_iso_date_parse(v->val.string.val, v->val.string.len, &d) ||
					!cm_iso_date_format(d, out))
					return false;
				v->val.string.val = out;
				v->val.string.len = CM_ISO_DATE_LEN;
				return true;
			}
		case CM_HCLASS_TIMESTAMPTZ:
			{
				int64_t		t;
				char	   *out = palloc(CM_ISO_TIMESTAMP_LEN + 1);

				if (v->type != jbvString ||
					!cm_iso_timestamp_parse(v->val.string.val, v->val.string.len, &t) ||
					!cm_iso_timestamp_format(t, out))
					return false;
				v->val.string.val = out;
				v->val.string.len = (int) strlen(out);
				return true;
			}
	}
	return false;
}

/* The class a value implies when the condition names no type. */
static CmHubClass
implied_class(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNumeric:
			return CM_HCLASS_NUMBER;
		case jbvString:
			return CM_HCLASS_TEXT;
		case jbvBool:
			return CM_HCLASS_BOOLEAN;
		case jbvNull:
			return CM_HCLASS_NONE;
		default:
			return CM_HCLASS_JSON;
	}
}

/*
 * See hub.h: a condition from jsonb, validated and made canonical.  Used
 * for input (validate every part) and for stored conditions alike: they
 * are canonical, so checking again finds nothing.
 */
void
cmodel_hub_query_unpack(Jsonb *q, CmHubQuery *out)
{
	JsonbValue	v;
	JsonbValue	vals[lengthof(op_keys)];
	bool		has[lengthof(op_keys)];
	int			i,
				nops = 0;
	JsonbIterator *it;
	JsonbIteratorToken tok;

	memset(out, 0, sizeof(*out));
	if (!JB_ROOT_IS_OBJECT(q))
		bad_query("not a JSON object", "A hub query is an object naming an attribute and a value or range.");
	it = JsonbIteratorInit(&q->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		bool		known;

		if (tok != WJB_KEY)
			continue;
		known = (v.val.string.len == 4 && memcmp(v.val.string.val, "attr", 4) == 0) ||
			(v.val.string.len == 4 && memcmp(v.val.string.val, "type", 4) == 0);
		for (i = 0; i < (int) lengthof(op_keys); i++)
			known |= v.val.string.len == 2 && memcmp(v.val.string.val, op_keys[i], 2) == 0;
		if (!known)
			bad_query(psprintf("unknown key \"%.*s\"", v.val.string.len, v.val.string.val),
					  "A hub query has the keys attr, type, eq, lt, le, gt and ge.");
	}
	if (getKeyJsonValueFromContainer(&q->root, "attr", 4, &v) == NULL || v.type != jbvString)
		bad_query("no \"attr\"", "A hub query names the attribute it compares, as a string.");
	cmodel_hub_check_name(v.val.string.val, v.val.string.len);
	out->attr = v.val.string.val;
	out->attrlen = v.val.string.len;
	for (i = 0; i < (int) lengthof(op_keys); i++)
	{
		has[i] = getKeyJsonValueFromContainer(&q->root, op_keys[i], 2, &vals[i]) != NULL;
		nops += has[i];
	}
	if (nops == 0)
		bad_query("no comparison", "A hub query has eq, or a range of lt or le and gt or ge.");
	if ((has[0] && nops > 1) || (has[1] && has[2]) || (has[3] && has[4]))
		bad_query("conflicting comparisons",
				  "eq stands alone; a range has at most one upper (lt, le) and one lower (gt, ge) bound.");
	if (getKeyJsonValueFromContainer(&q->root, "type", 4, &v) != NULL)
	{
		bool		found = false;

		if (v.type == jbvString)
			for (i = 0; i < NCLASSES && !found; i++)
				if ((int) strlen(classes[i].name) == v.val.string.len &&
					memcmp(classes[i].name, v.val.string.val, v.val.string.len) == 0)
				{
					out->cls = classes[i].cls;
					found = true;
				}
		if (!found && v.type == jbvString &&
			((v.val.string.len == 6 && memcmp(v.val.string.val, "bigint", 6) == 0) ||
			 (v.val.string.len == 7 && memcmp(v.val.string.val, "numeric", 7) == 0)))
		{
			out->cls = CM_HCLASS_NUMBER;
			found = true;
		}
		if (!found)
			bad_query("unknown \"type\"",
					  "The types are number (bigint and numeric), text, boolean, date, timestamptz, json and none.");
	}
	else
		for (i = 0; i < (int) lengthof(op_keys); i++)
			if (has[i])
			{
				out->cls = implied_class(&vals[i]);
				break;
			}
	for (i = 0; i < (int) lengthof(op_keys); i++)
		if (has[i] && !value_fits(out->cls, &vals[i], i == 0))
			bad_query(psprintf("%s does not fit a %s comparison", op_keys[i], class_name(out->cls)),
					  i == 0 ? "The value must be of the type compared: a number, a string, true or false, null, or any JSON for json; dates and timestamps in ISO form." :
					  "Ranges compare numbers, dates (YYYY-MM-DD) and timestamps (ISO 8601 with offset).");
	out->has_eq = has[0];
	out->eq = vals[0];
	out->has_hi = has[1] || has[2];
	out->hi_incl = has[2];
	out->hi = has[1] ? vals[1] : vals[2];
	out->has_lo = has[3] || has[4];
	out->lo_incl = has[4];
	out->lo = has[3] ? vals[3] : vals[4];
}

/* Push a key and a value. */
static void
push_pair(JsonbParseState **st, const char *key, JsonbValue *val)
{
	JsonbValue	k;

	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = (int) strlen(key);
	pushJsonbValue(st, WJB_KEY, &k);
	pushJsonbValue(st, WJB_VALUE, val);
}

/* The canonical jsonb of a condition. */
static Jsonb *
query_pack(const CmHubQuery *q)
{
	JsonbParseState *st = NULL;
	JsonbValue	v;
	JsonbValue	copy;

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	v.type = jbvString;
	v.val.string.val = q->attr;
	v.val.string.len = q->attrlen;
	push_pair(&st, "attr", &v);
	v.val.string.val = (char *) class_name(q->cls);
	v.val.string.len = (int) strlen(v.val.string.val);
	push_pair(&st, "type", &v);
	if (q->has_eq)
	{
		copy = q->eq;
		push_pair(&st, "eq", &copy);
	}
	if (q->has_lo)
	{
		copy = q->lo;
		push_pair(&st, q->lo_incl ? "ge" : "gt", &copy);
	}
	if (q->has_hi)
	{
		copy = q->hi;
		push_pair(&st, q->hi_incl ? "le" : "lt", &copy);
	}
	return JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_OBJECT, NULL));
}

/* Compare two values of a number, date or timestamp class. */
static int
compare_values(CmHubClass cls, const JsonbValue *a, const JsonbValue *b)
{
	if (cls == CM_HCLASS_NUMBER)
		return DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(a->val.numeric),
												 NumericGetDatum(b->val.numeric)));
	/* canonical ISO dates and UTC timestamps of one length order as text */
	if (a->val.string.len != b->val.string.len && cls == CM_HCLASS_TIMESTAMPTZ)
	{
		int64_t		x,
					y;

		cm_iso_timestamp_parse(a->val.string.val, a->val.string.len, &x);
		cm_iso_timestamp_parse(b->val.string.val, b->val.string.len, &y);
		return x < y ? -1 : x > y;
	}
	return memcmp(a->val.string.val, b->val.string.val, Min(a->val.string.len, b->val.string.len));
}

/* See hub.h: does the hub satisfy the condition? */
bool
cmodel_hub_matches(Jsonb *hub, const CmHubQuery *q)
{
	CmHubAttr	a;
	int			c;

	if (!cmodel_hub_lookup(hub, q->attr, q->attrlen, &a) || cmodel_hub_class(a.type) != q->cls)
		return false;
	if (q->has_eq)
	{
		switch (q->cls)
		{
			case CM_HCLASS_NONE:
				return true;
			case CM_HCLASS_BOOLEAN:
				return a.value.val.boolean == q->eq.val.boolean;
			case CM_HCLASS_TEXT:
				return a.value.val.string.len == q->eq.val.string.len &&
					memcmp(a.value.val.string.val, q->eq.val.string.val, a.value.val.string.len) == 0;
			case CM_HCLASS_JSON:
				{
					JsonbValue	x = a.value,
								y = q->eq;
					Jsonb	   *jx = JsonbValueToJsonb(&x);
					Jsonb	   *jy = JsonbValueToJsonb(&y);

					return compareJsonbContainers(&jx->root, &jy->root) == 0;
				}
			default:
				return compare_values(q->cls, &a.value, &q->eq) == 0;
		}
	}
	if (q->has_lo)
	{
		c = compare_values(q->cls, &a.value, &q->lo);
		if (c < 0 || (c == 0 && !q->lo_incl))
			return false;
	}
	if (q->has_hi)
	{
		c = compare_values(q->cls, &a.value, &q->hi);
		if (c > 0 || (c == 0 && !q->hi_incl))
			return false;
	}
	return true;
}

/* ------------------------------------------------------------------------
 * SQL-callable
 * ------------------------------------------------------------------------
 */

/* cmodel.hubquery_in(cstring): a condition's JSON text, validated. */
PG_FUNCTION_INFO_V1(cmodel_hubquery_in);
Datum
cmodel_hubquery_in(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, PG_GETARG_DATUM(0)));
	CmHubQuery	q;

	cmodel_hub_query_unpack(jb, &q);
	PG_RETURN_POINTER(query_pack(&q));
}

/* cmodel.hubquery_out(hubquery): its canonical text. */
PG_FUNCTION_INFO_V1(cmodel_hubquery_out);
Datum
cmodel_hubquery_out(PG_FUNCTION_ARGS)
{
	return DirectFunctionCall1(jsonb_out, PG_GETARG_DATUM(0));
}

/* The JSON value and class a SQL value compares as. */
static void
bound_of(FunctionCallInfo fcinfo, int argno, const char *attr, CmHubClass *cls, JsonbValue *v)
{
	CmHubAttr	a;

	cmodel_hub_attr_of_datum(&a, attr, PG_GETARG_DATUM(argno),
							 get_fn_expr_argtype(fcinfo->flinfo, argno), PG_ARGISNULL(argno));
	*cls = cmodel_hub_class(a.type);
	*v = a.value;
}

/* The attribute name argument of a constructor. */
static char *
attr_arg(FunctionCallInfo fcinfo)
{
	char	   *attr;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the attribute and the comparison of a hub query must not be null"),
				 errdetail("A hub query compares one named attribute."),
				 errhint("Pass the attribute's name and one of =, <, <=, >, >=.")));
	attr = text_to_cstring(PG_GETARG_TEXT_PP(0));
	cmodel_hub_check_name(attr, (int) strlen(attr));
	return attr;
}

/*
 * The constructors remember their last arguments and result per call site.
 * A bitmap heap scan rechecks "attrs @@ cmodel.hub_between('score', $1, $2)"
 * for every row it visits, evaluating the constructor again each time (its
 * arguments are parameters, so nothing folds it); the same arguments give
 * the same condition, so it is built once.  A representation the bytes do
 * not match (a compressed text, say) only misses the cache.
 */
#define CTOR_MAX_ARGS 3

typedef struct CtorCache
{
	bool		valid;
	int			nargs;
	bool		nulls[CTOR_MAX_ARGS];
	Datum		args[CTOR_MAX_ARGS];
	int16		typlen[CTOR_MAX_ARGS];
	bool		typbyval[CTOR_MAX_ARGS];
	Datum		result;
} CtorCache;

/* The call site's cache, or NULL when the argument types are not known. */
static CtorCache *
ctor_cache(FunctionCallInfo fcinfo)
{
	CtorCache  *c = (CtorCache *) fcinfo->flinfo->fn_extra;
	int			i;

	if (c)
		return c;
	if (PG_NARGS() > CTOR_MAX_ARGS)
		return NULL;
	c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(CtorCache));
	c->nargs = PG_NARGS();
	for (i = 0; i < c->nargs; i++)
	{
		Oid			type = get_fn_expr_argtype(fcinfo->flinfo, i);

		if (!OidIsValid(type))
		{
			pfree(c);
			return NULL;
		}
		get_typlenbyval(type, &c->typlen[i], &c->typbyval[i]);
	}
	fcinfo->flinfo->fn_extra = c;
	return c;
}

/* The condition the last call with these arguments built, if any. */
static bool
ctor_cached(FunctionCallInfo fcinfo, CtorCache *c, Datum *result)
{
	int			i;

	if (c == NULL || !c->valid)
		return false;
	for (i = 0; i < c->nargs; i++)
	{
		if (PG_ARGISNULL(i) != c->nulls[i])
			return false;
		if (!c->nulls[i] &&
			!datumIsEqual(PG_GETARG_DATUM(i), c->args[i], c->typbyval[i], c->typlen[i]))
			return false;
	}
	*result = c->result;
	return true;
}

/* Remember this call's arguments and the condition it built. */
static Datum
ctor_remember(FunctionCallInfo fcinfo, CtorCache *c, Jsonb *result)
{
	MemoryContext old;
	int			i;

	if (c == NULL)
		return PointerGetDatum(result);
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	if (c->valid)
	{
		for (i = 0; i < c->nargs; i++)
			if (!c->nulls[i] && !c->typbyval[i])
				pfree(DatumGetPointer(c->args[i]));
		pfree(DatumGetPointer(c->result));
	}
	for (i = 0; i < c->nargs; i++)
	{
		c->nulls[i] = PG_ARGISNULL(i);
		c->args[i] = c->nulls[i] ? (Datum) 0 :
			datumCopy(PG_GETARG_DATUM(i), c->typbyval[i], c->typlen[i]);
	}
	c->result = datumCopy(PointerGetDatum(result), false, -1);
	c->valid = true;
	MemoryContextSwitchTo(old);
	return c->result;
}

/*
 * cmodel.hub_query(attr text, op text, value anyelement) → hubquery: attr
 * op value, op one of = < <= > >=; the value's SQL type gives the type
 * compared (NULL: the attribute is None).  Not STRICT for that NULL.
 */
PG_FUNCTION_INFO_V1(cmodel_hub_query);
Datum
cmodel_hub_query(PG_FUNCTION_ARGS)
{
	CmHubQuery	q;
	char	   *op;
	JsonbValue	v;
	CtorCache  *cache = ctor_cache(fcinfo);
	Datum		cached;

	if (ctor_cached(fcinfo, cache, &cached))
		return cached;
	memset(&q, 0, sizeof(q));
	q.attr = attr_arg(fcinfo);
	q.attrlen = (int) strlen(q.attr);
	op = text_to_cstring(PG_GETARG_TEXT_PP(1));
	bound_of(fcinfo, 2, q.attr, &q.cls, &v);
	if (strcmp(op, "=") == 0)
	{
		q.has_eq = true;
		q.eq = v;
	}
	else if ((op[0] == '<' || op[0] == '>') && (op[1] == '\0' || (op[1] == '=' && op[2] == '\0')))
	{
		if (q.cls != CM_HCLASS_NUMBER && q.cls != CM_HCLASS_DATE && q.cls != CM_HCLASS_TIMESTAMPTZ)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("hub query \"%s %s\" needs a number, a date or a timestamp, not %s",
							q.attr, op, class_name(q.cls)),
					 errdetail("Ranges compare numbers, dates and timestamps; other values compare by equality."),
					 errhint("Use = for this value.")));
		if (op[0] == '<')
		{
			q.has_hi = true;
			q.hi_incl = op[1] == '=';
			q.hi = v;
		}
		else
		{
			q.has_lo = true;
			q.lo_incl = op[1] == '=';
			q.lo = v;
		}
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown hub query comparison \"%s\"", op),
				 errdetail("A hub query compares with =, <, <=, > or >=."),
				 errhint("Use one of them, or cmodel.hub_between() for a range.")));
	return ctor_remember(fcinfo, cache, query_pack(&q));
}

/*
 * cmodel.hub_between(attr text, low anyelement, high anyelement) →
 * hubquery: low <= attr <= high, for numbers, dates and timestamps.
 */
PG_FUNCTION_INFO_V1(cmodel_hub_between);
Datum
cmodel_hub_between(PG_FUNCTION_ARGS)
{
	CmHubQuery	q;
	CmHubClass	hi_cls;
	CtorCache  *cache = ctor_cache(fcinfo);
	Datum		cached;

	if (ctor_cached(fcinfo, cache, &cached))
		return cached;
	memset(&q, 0, sizeof(q));
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the attribute and the bounds of a hub range must not be null"),
				 errdetail("cmodel.hub_between(attr, low, high) finds low <= attr <= high."),
				 errhint("Use cmodel.hub_query(attr, '>=', low) for a range open at the top.")));
	q.attr = text_to_cstring(PG_GETARG_TEXT_PP(0));
	q.attrlen = (int) strlen(q.attr);
	cmodel_hub_check_name(q.attr, q.attrlen);
	bound_of(fcinfo, 1, q.attr, &q.cls, &q.lo);
	bound_of(fcinfo, 2, q.attr, &hi_cls, &q.hi);
	if (hi_cls != q.cls)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("hub range on \"%s\" has bounds of two types, %s and %s",
						q.attr, class_name(q.cls), class_name(hi_cls)),
				 errdetail("Both bounds of a range compare as one type."),
				 errhint("Cast both bounds to one type.")));
	if (q.cls != CM_HCLASS_NUMBER && q.cls != CM_HCLASS_DATE && q.cls != CM_HCLASS_TIMESTAMPTZ)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("hub range on \"%s\" needs numbers, dates or timestamps, not %s",
						q.attr, class_name(q.cls)),
				 errdetail("Ranges compare numbers, dates and timestamps; other values compare by equality."),
				 errhint("Use cmodel.hub_query(attr, '=', value).")));
	q.has_lo = q.lo_incl = q.has_hi = q.hi_incl = true;
	return ctor_remember(fcinfo, cache, query_pack(&q));
}

/* A condition unpacked once for all the rows a statement compares with it. */
typedef struct MatchCache
{
	MemoryContext cxt;
	Jsonb	   *query;			/* the condition the unpacked one is of */
	CmHubQuery	q;
} MatchCache;

/* The unpacked condition, from the call site's cache when it is the same one. */
static const CmHubQuery *
cached_query(FunctionCallInfo fcinfo, Jsonb *qj)
{
	MatchCache *c = (MatchCache *) fcinfo->flinfo->fn_extra;
	MemoryContext old;

	if (c && VARSIZE(c->query) == VARSIZE(qj) && memcmp(c->query, qj, VARSIZE(qj)) == 0)
		return &c->q;
	if (c == NULL)
	{
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(MatchCache));
		c->cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "cmodel hub query",
									   ALLOCSET_SMALL_SIZES);
		fcinfo->flinfo->fn_extra = c;
	}
	else
		MemoryContextReset(c->cxt);
	c->query = NULL;
	old = MemoryContextSwitchTo(c->cxt);
	{
		Jsonb	   *copy = palloc(VARSIZE(qj));

		memcpy(copy, qj, VARSIZE(qj));
		cmodel_hub_query_unpack(copy, &c->q);
		c->query = copy;
	}
	MemoryContextSwitchTo(old);
	return &c->q;
}

/* hub @@ hubquery: does the hub satisfy the condition? */
PG_FUNCTION_INFO_V1(cmodel_hub_match);
Datum
cmodel_hub_match(PG_FUNCTION_ARGS)
{
	const CmHubQuery *q = cached_query(fcinfo, PG_GETARG_JSONB_P(1));

	PG_RETURN_BOOL(cmodel_hub_matches(PG_GETARG_HUB_P(0), q));
}

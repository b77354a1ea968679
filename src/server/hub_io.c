/*-------------------------------------------------------------------------
 *
 * hub_io.c
 *	  The attribute hub type's value format: input and output, binary send
 *	  and receive, the cast from jsonb, unpacking a hub into typed
 *	  attributes and packing it back (hub.h describes the format), and the
 *	  rule for the keys (type, id) a hub store files hubs under.
 *
 * Every way into a hub value (text input, binary input, a jsonb cast to
 * hub) validates and canonicalizes it: an attribute whose value is not what
 * its type says is an error naming the attribute, dates and timestamps get
 * their one ISO form, and the "$types" map lists exactly the types JSON
 * cannot show.  So two hubs with the same attributes are the same jsonb,
 * and what a hub function reads back is what was set.
 *
 * src/server/hub_io.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "hub.h"

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------
 */

/* A value as JSON text for a message, cut after 60 characters. */
static char *
value_text(const JsonbValue *v)
{
	JsonbValue	copy = *v;
	Jsonb	   *jb = JsonbValueToJsonb(&copy);
	char	   *s = JsonbToCString(NULL, &jb->root, VARSIZE(jb));
	int			len = pg_mbcliplen(s, strlen(s), 60);

	return len < (int) strlen(s) ? psprintf("%.*s...", len, s) : s;
}

/* What a value of each type looks like, for the detail of an error. */
static const char *
type_detail(CmHubType t)
{
	switch (t)
	{
		case CM_HUB_NONE:
			return "None is written null.";
		case CM_HUB_TEXT:
			return "A text value is a JSON string.";
		case CM_HUB_BIGINT:
			return "A bigint is a whole number from -9223372036854775808 to 9223372036854775807, written without a decimal point.";
		case CM_HUB_NUMERIC:
			return "A numeric value is a JSON number; its scale is kept (1.50 stays 1.50).";
		case CM_HUB_BOOLEAN:
			return "A boolean is true or false.";
		case CM_HUB_DATE:
			return "A date in a hub is a string YYYY-MM-DD, between the years 1 and 9999.";
		case CM_HUB_TIMESTAMPTZ:
			return "A timestamp in a hub is an ISO 8601 string with its offset, such as 2024-05-01T12:00:00+02:00 or 2024-05-01T10:00:00Z, between the years 1 and 9999.";
		case CM_HUB_JSON:
		case CM_HUB_COUNT:
			break;
	}
	return "A JSON value may be any JSON.";
}

static void
bad_value(const char *name, int len, CmHubType t, const JsonbValue *v)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("attribute \"%.*s\" of the hub is not a valid %s: %s",
					len, name, cm_hub_type_name(t), value_text(v)),
			 errdetail("%s", type_detail(t)),
			 errhint("Write the value as its type says, or give the attribute another type in \"%s\".",
					 CM_HUB_TYPES_KEY)));
}

/* See hub.h: attribute names are 1 to 100 characters, not starting with "$". */
void
cmodel_hub_check_name(const char *name, int len)
{
	if (len == 0 || name[0] == '$' || pg_mbstrlen_with_len(name, len) > CM_HUB_MAX_NAME)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("attribute name \"%.*s\" is not valid in a hub", len > 120 ? 120 : len, name),
				 errdetail("Attribute names are 1 to %d characters long and do not start with \"$\", which cmodel reserves.",
						   CM_HUB_MAX_NAME),
				 errhint("Rename the attribute.")));
}

/* ------------------------------------------------------------------------
 * Values
 * ------------------------------------------------------------------------
 */

/* Is a JSON number a bigint: no decimal point, within 64 bits? */
static bool
is_bigint(Numeric n)
{
	static Numeric max = NULL,
				min = NULL;		/* bigint's bounds, made once per backend */
	Datum		d = NumericGetDatum(n);

	if (max == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		min = int64_to_numeric(PG_INT64_MIN);
		max = int64_to_numeric(PG_INT64_MAX);
		MemoryContextSwitchTo(old);
	}
	if (DatumGetInt32(DirectFunctionCall1(numeric_scale, d)) != 0)
		return false;
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, d, NumericGetDatum(max))) <= 0 &&
		DatumGetInt32(DirectFunctionCall2(numeric_cmp, d, NumericGetDatum(min))) >= 0;
}

/* The type a canonical hub's value has when "$types" does not name one. */
static CmHubType
implied_type(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return CM_HUB_NONE;
		case jbvString:
			return CM_HUB_TEXT;
		case jbvNumeric:
			return CM_HUB_BIGINT;
		case jbvBool:
			return CM_HUB_BOOLEAN;
		default:
			return CM_HUB_JSON;
	}
}

/* The type of an untyped value as given: a number is bigint only if it is one. */
static CmHubType
inferred_type(const JsonbValue *v)
{
	if (v->type == jbvNumeric && !is_bigint(v->val.numeric))
		return CM_HUB_NUMERIC;
	return implied_type(v);
}

/* A string JsonbValue of a C string. */
static void
set_string(JsonbValue *v, char *s)
{
	v->type = jbvString;
	v->val.string.val = s;
	v->val.string.len = (int) strlen(s);
}

/*
 * Check that a value is what its type says, and make it canonical (the one
 * ISO form of a date or timestamp).
 */
static void
canonical_value(const char *name, int len, CmHubType t, JsonbValue *v)
{
	bool		ok;

	switch (t)
	{
		case CM_HUB_NONE:
			ok = v->type == jbvNull;
			break;
		case CM_HUB_TEXT:
			ok = v->type == jbvString;
			break;
		case CM_HUB_BIGINT:
			ok = v->type == jbvNumeric && is_bigint(v->val.numeric);
			break;
		case CM_HUB_NUMERIC:
			ok = v->type == jbvNumeric;
			break;
		case CM_HUB_BOOLEAN:
			ok = v->type == jbvBool;
			break;
		case CM_HUB_DATE:
			{
				int32_t		date;
				char	   *out = palloc(CM_ISO_DATE_LEN + 1);

				ok = v->type == jbvString &&
					cm_iso_date_parse(v->val.string.val, v->val.string.len, &date) &&
					cm_iso_date_format(date, out);
				if (ok)
					set_string(v, out);
				break;
			}
		case CM_HUB_TIMESTAMPTZ:
			{
				int64_t		ts;
				char	   *out = palloc(CM_ISO_TIMESTAMP_LEN + 1);

				ok = v->type == jbvString &&
					cm_iso_timestamp_parse(v->val.string.val, v->val.string.len, &ts) &&
					cm_iso_timestamp_format(ts, out);
				if (ok)
					set_string(v, out);
				break;
			}
		default:
			ok = true;
			break;
	}
	if (!ok)
		bad_value(name, len, t, v);
}

/* The type "$types" names for an attribute, or false if it names none. */
static bool
declared_type(JsonbValue *types, const char *name, int len, CmHubType *out)
{
	JsonbValue	tv;

	if (types == NULL ||
		getKeyJsonValueFromContainer(types->val.binary.data, name, len, &tv) == NULL)
		return false;
	if (tv.type != jbvString || !cm_hub_type_parse(tv.val.string.val, tv.val.string.len, out))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("attribute \"%.*s\" of the hub has an unknown type: %s", len, name,
						value_text(&tv)),
				 errdetail("The types are none, text, bigint, numeric, boolean, date, timestamptz and json."),
				 errhint("Name one of them in \"%s\".", CM_HUB_TYPES_KEY)));
	return true;
}

/* ------------------------------------------------------------------------
 * Unpacking and packing
 * ------------------------------------------------------------------------
 */

/* See hub.h: append an attribute the list does not have yet. */
void
cmodel_hub_append(CmHubAttrs *attrs, const CmHubAttr *attr)
{
	if (attrs->n == attrs->cap)
	{
		attrs->cap = attrs->cap ? attrs->cap * 2 : 16;
		attrs->attrs = attrs->attrs ? repalloc(attrs->attrs, sizeof(CmHubAttr) * attrs->cap) :
			palloc(sizeof(CmHubAttr) * attrs->cap);
	}
	attrs->attrs[attrs->n++] = *attr;
}

/* See hub.h: add or replace an attribute. */
void
cmodel_hub_put(CmHubAttrs *attrs, const CmHubAttr *attr)
{
	CmHubAttr  *have = cmodel_hub_find(attrs, attr->name, attr->len);

	if (have)
		*have = *attr;
	else
		cmodel_hub_append(attrs, attr);
}

/* See hub.h: an attribute by name, or NULL. */
CmHubAttr *
cmodel_hub_find(CmHubAttrs *attrs, const char *name, int len)
{
	int			i;

	for (i = 0; i < attrs->n; i++)
		if (attrs->attrs[i].len == len && memcmp(attrs->attrs[i].name, name, len) == 0)
			return &attrs->attrs[i];
	return NULL;
}

static bool
is_types_key(const char *name, int len)
{
	return len == (int) strlen(CM_HUB_TYPES_KEY) && memcmp(name, CM_HUB_TYPES_KEY, len) == 0;
}

/*
 * See hub.h: the attributes of a hub.  With validate, the hub is any jsonb
 * (text input, a cast): its names and values are checked and made
 * canonical, and "$types" entries of attributes it does not have are
 * dropped.  Without, it is a stored hub, already canonical.
 */
void
cmodel_hub_unpack(Jsonb *hub, bool validate, CmHubAttrs *out)
{
	JsonbValue	typesv;
	JsonbValue *types = NULL;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;

	memset(out, 0, sizeof(*out));
	if (!JB_ROOT_IS_OBJECT(hub))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("a hub must be a JSON object"),
				 errdetail("A hub maps attribute names to values, such as {\"pager_number\": \"555-1234\"}."),
				 errhint("Wrap the value in an object under an attribute name.")));
	if (getKeyJsonValueFromContainer(&hub->root, CM_HUB_TYPES_KEY, strlen(CM_HUB_TYPES_KEY), &typesv))
	{
		if (typesv.type != jbvBinary || !JsonContainerIsObject(typesv.val.binary.data))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("\"%s\" of a hub must be an object", CM_HUB_TYPES_KEY),
					 errdetail("\"%s\" maps attribute names to their types, such as {\"since\": \"date\"}.",
							   CM_HUB_TYPES_KEY),
					 errhint("Name the types of the attributes JSON cannot tell apart: numeric, date, timestamptz and json.")));
		types = &typesv;
	}

	it = JsonbIteratorInit(&hub->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		CmHubAttr	attr;
		bool		typed;

		if (tok != WJB_KEY)
			continue;
		attr.name = v.val.string.val;
		attr.len = v.val.string.len;
		tok = JsonbIteratorNext(&it, &attr.value, true);
		Assert(tok == WJB_VALUE);
		if (is_types_key(attr.name, attr.len))
			continue;
		if (validate)
			cmodel_hub_check_name(attr.name, attr.len);
		typed = declared_type(types, attr.name, attr.len, &attr.type);
		if (validate)
		{
			if (!typed)
				attr.type = inferred_type(&attr.value);
			canonical_value(attr.name, attr.len, attr.type, &attr.value);
		}
		else if (!typed)
			attr.type = implied_type(&attr.value);
		cmodel_hub_append(out, &attr);	/* jsonb keys are unique */
	}
}

/* Push a string key. */
static void
push_key(JsonbParseState **st, const char *name, int len)
{
	JsonbValue	k;

	k.type = jbvString;
	k.val.string.val = (char *) name;
	k.val.string.len = len;
	pushJsonbValue(st, WJB_KEY, &k);
}

/* Does the type need naming in "$types"? */
static bool
named_type(CmHubType t)
{
	return t == CM_HUB_NUMERIC || t == CM_HUB_DATE || t == CM_HUB_TIMESTAMPTZ || t == CM_HUB_JSON;
}

/* See hub.h: the canonical hub of a set of attributes. */
Jsonb *
cmodel_hub_pack(const CmHubAttrs *attrs)
{
	JsonbParseState *st = NULL;
	JsonbValue *res;
	int			i;
	int			nnamed = 0;

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	for (i = 0; i < attrs->n; i++)
	{
		const CmHubAttr *a = &attrs->attrs[i];
		JsonbValue	v = a->value;

		push_key(&st, a->name, a->len);
		pushJsonbValue(&st, WJB_VALUE, &v);
		nnamed += named_type(a->type);
	}
	if (nnamed > 0)
	{
		push_key(&st, CM_HUB_TYPES_KEY, strlen(CM_HUB_TYPES_KEY));
		pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
		for (i = 0; i < attrs->n; i++)
		{
			const CmHubAttr *a = &attrs->attrs[i];
			JsonbValue	t;

			if (!named_type(a->type))
				continue;
			push_key(&st, a->name, a->len);
			set_string(&t, (char *) cm_hub_type_name(a->type));
			pushJsonbValue(&st, WJB_VALUE, &t);
		}
		pushJsonbValue(&st, WJB_END_OBJECT, NULL);
	}
	res = pushJsonbValue(&st, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(res);
}

/* See hub.h: one attribute of a stored hub; false when it has none of that name. */
bool
cmodel_hub_lookup(Jsonb *hub, const char *name, int len, CmHubAttr *out)
{
	JsonbValue	typesv;
	bool		has_types;

	if (!JB_ROOT_IS_OBJECT(hub) || is_types_key(name, len) ||
		getKeyJsonValueFromContainer(&hub->root, name, len, &out->value) == NULL)
		return false;
	out->name = (char *) name;
	out->len = len;
	has_types = getKeyJsonValueFromContainer(&hub->root, CM_HUB_TYPES_KEY,
											 strlen(CM_HUB_TYPES_KEY), &typesv) != NULL &&
		typesv.type == jbvBinary;
	if (!declared_type(has_types ? &typesv : NULL, name, len, &out->type))
		out->type = implied_type(&out->value);
	return true;
}

/* See hub.h: the canonical hub of any jsonb, validated. */
Jsonb *
cmodel_hub_canonical(Jsonb *in)
{
	CmHubAttrs	attrs;

	cmodel_hub_unpack(in, true, &attrs);
	return cmodel_hub_pack(&attrs);
}

/* See hub.h: a hub's type or id is at most CM_HUB_MAX_KEY characters. */
void
cmodel_hub_check_key(const char *ns, const char *what, const char *s, int len)
{
	int			chars;

	/* a character takes at least one byte */
	if (len <= CM_HUB_MAX_KEY)
		return;
	chars = pg_mbstrlen_with_len(s, len);
	if (chars <= CM_HUB_MAX_KEY)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_STRING_DATA_RIGHT_TRUNCATION),
			 errmsg("hub %s in namespace \"%s\" is too long: %d characters", what, ns, chars),
			 errdetail("A hub's type and id have at most %d characters each; cmodel never truncates them.",
					   CM_HUB_MAX_KEY),
			 errhint("Use a shorter %s, for example a hash of the long one.", what)));
}

/* ------------------------------------------------------------------------
 * SQL-callable I/O
 * ------------------------------------------------------------------------
 */

/* cmodel.hub_in(cstring): jsonb text, validated and made canonical. */
PG_FUNCTION_INFO_V1(cmodel_hub_in);
Datum
cmodel_hub_in(PG_FUNCTION_ARGS)
{
	Datum		jb = DirectFunctionCall1(jsonb_in, PG_GETARG_DATUM(0));

	PG_RETURN_HUB_P(cmodel_hub_canonical(DatumGetJsonbP(jb)));
}

/* cmodel.hub_out(hub): the canonical text, as jsonb writes it. */
PG_FUNCTION_INFO_V1(cmodel_hub_out);
Datum
cmodel_hub_out(PG_FUNCTION_ARGS)
{
	return DirectFunctionCall1(jsonb_out, PG_GETARG_DATUM(0));
}

/* cmodel.hub_recv(internal): jsonb's binary input, validated. */
PG_FUNCTION_INFO_V1(cmodel_hub_recv);
Datum
cmodel_hub_recv(PG_FUNCTION_ARGS)
{
	Datum		jb = DirectFunctionCall1(jsonb_recv, PG_GETARG_DATUM(0));

	PG_RETURN_HUB_P(cmodel_hub_canonical(DatumGetJsonbP(jb)));
}

/* cmodel.hub_send(hub): jsonb's binary output. */
PG_FUNCTION_INFO_V1(cmodel_hub_send);
Datum
cmodel_hub_send(PG_FUNCTION_ARGS)
{
	return DirectFunctionCall1(jsonb_send, PG_GETARG_DATUM(0));
}

/* cmodel.hub(jsonb): the cast from jsonb, validated. */
PG_FUNCTION_INFO_V1(cmodel_hub_from_jsonb);
Datum
cmodel_hub_from_jsonb(PG_FUNCTION_ARGS)
{
	PG_RETURN_HUB_P(cmodel_hub_canonical(PG_GETARG_JSONB_P(0)));
}

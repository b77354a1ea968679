/*-------------------------------------------------------------------------
 *
 * hub_op.c
 *	  Reading and changing the attributes of a hub value: get (as jsonb or
 *	  as its exact SQL type), its type, has, set, delete, merge, each.
 *
 * These work on hub values, wherever they are stored; they are IMMUTABLE
 * and parallel safe.  A typed read gives the attribute's exact SQL type
 * (text, bigint, numeric, boolean, date, timestamptz, or jsonb for JSON)
 * and asking for another is an error (42804), never a silent conversion.
 * A missing attribute reads as SQL NULL; a stored None reads as SQL NULL
 * typed, and as JSON null from cmodel.hub_get(hub, name).  Setting takes a
 * SQL value and stores it with its type; NULL stores None.  Merging and
 * deleting keep the "$types" map right, which jsonb's own || and - would
 * not.
 *
 * src/server/hub_op.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

#include "hub.h"

/* The SQL type that reads an attribute of each hub type exactly. */
static Oid
sql_type(CmHubType t)
{
	switch (t)
	{
		case CM_HUB_TEXT:
			return TEXTOID;
		case CM_HUB_BIGINT:
			return INT8OID;
		case CM_HUB_NUMERIC:
			return NUMERICOID;
		case CM_HUB_BOOLEAN:
			return BOOLOID;
		case CM_HUB_DATE:
			return DATEOID;
		case CM_HUB_TIMESTAMPTZ:
			return TIMESTAMPTZOID;
		case CM_HUB_JSON:
			return JSONBOID;
		default:
			return InvalidOid;	/* None is NULL of any type */
	}
}

/* The name argument, required. */
static text *
name_arg(FunctionCallInfo fcinfo, int argno)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("attribute name must not be null"),
				 errdetail("Every attribute of a hub has a name."),
				 errhint("Pass the attribute's name.")));
	return PG_GETARG_TEXT_PP(argno);
}

/* See hub.h: a JSON value as jsonb (a scalar as a raw scalar, as jsonb does). */
Jsonb *
cmodel_hub_value_jsonb(const JsonbValue *v)
{
	JsonbValue	copy = *v;

	return JsonbValueToJsonb(&copy);
}

/* ------------------------------------------------------------------------
 * Reading
 * ------------------------------------------------------------------------
 */

/* cmodel.hub_get(hub, name text) → jsonb: SQL NULL when missing, null for None. */
PG_FUNCTION_INFO_V1(cmodel_hub_get);
Datum
cmodel_hub_get(PG_FUNCTION_ARGS)
{
	Jsonb	   *hub = PG_GETARG_HUB_P(0);
	text	   *name = PG_GETARG_TEXT_PP(1);
	CmHubAttr	attr;

	if (!cmodel_hub_lookup(hub, VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name), &attr))
		PG_RETURN_NULL();
	PG_RETURN_JSONB_P(cmodel_hub_value_jsonb(&attr.value));
}

/* cmodel.hub_type(hub, name text) → text: the attribute's type, NULL when missing. */
PG_FUNCTION_INFO_V1(cmodel_hub_type);
Datum
cmodel_hub_type(PG_FUNCTION_ARGS)
{
	Jsonb	   *hub = PG_GETARG_HUB_P(0);
	text	   *name = PG_GETARG_TEXT_PP(1);
	CmHubAttr	attr;

	if (!cmodel_hub_lookup(hub, VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name), &attr))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(cm_hub_type_name(attr.type)));
}

/* cmodel.hub_has(hub, name text) → boolean: set (None included)? */
PG_FUNCTION_INFO_V1(cmodel_hub_has);
Datum
cmodel_hub_has(PG_FUNCTION_ARGS)
{
	Jsonb	   *hub = PG_GETARG_HUB_P(0);
	text	   *name = PG_GETARG_TEXT_PP(1);
	CmHubAttr	attr;

	PG_RETURN_BOOL(cmodel_hub_lookup(hub, VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name), &attr));
}

/*
 * The SQL value of an attribute, of its exact type.  The value is
 * canonical, so dates and timestamps parse.
 */
static Datum
attr_datum(const CmHubAttr *attr)
{
	const JsonbValue *v = &attr->value;

	switch (attr->type)
	{
		case CM_HUB_TEXT:
			return PointerGetDatum(cstring_to_text_with_len(v->val.string.val, v->val.string.len));
		case CM_HUB_BIGINT:
			return DirectFunctionCall1(numeric_int8, NumericGetDatum(v->val.numeric));
		case CM_HUB_NUMERIC:
			return DirectFunctionCall1(numeric_uplus, NumericGetDatum(v->val.numeric));
		case CM_HUB_BOOLEAN:
			return BoolGetDatum(v->val.boolean);
		case CM_HUB_DATE:
			{
				int32_t		date;

				if (!cm_iso_date_parse(v->val.string.val, v->val.string.len, &date))
					elog(ERROR, "cmodel: stored hub date is not canonical");
				return DateADTGetDatum(date);
			}
		case CM_HUB_TIMESTAMPTZ:
			{
				int64_t		ts;

				if (!cm_iso_timestamp_parse(v->val.string.val, v->val.string.len, &ts))
					elog(ERROR, "cmodel: stored hub timestamp is not canonical");
				return TimestampTzGetDatum(ts);
			}
		default:
			return JsonbPGetDatum(cmodel_hub_value_jsonb(v));
	}
}

/* See hub.h: may attributes be read as type want? */
void
cmodel_hub_check_read_type(Oid want)
{
	if (want != TEXTOID && want != INT8OID && want != NUMERICOID && want != BOOLOID &&
		want != DATEOID && want != TIMESTAMPTZOID && want != JSONBOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("hub attributes cannot be read as type %s", format_type_be(want)),
				 errdetail("A hub keeps text, bigint, numeric, boolean, date, timestamptz and JSON values."),
				 errhint("Read the attribute as one of text, bigint, numeric, boolean, date, timestamptz or jsonb, then cast it.")));
}

/*
 * See hub.h: the attribute named name of hub as its exact SQL type want
 * (checked by cmodel_hub_check_read_type); missing and None read as NULL,
 * another type is an error (42804).
 */
Datum
cmodel_hub_read_typed(Jsonb *hub, text *name, Oid want, bool *isnull)
{
	CmHubAttr	attr;
	Oid			have;

	*isnull = true;
	if (!cmodel_hub_lookup(hub, VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name), &attr) ||
		attr.type == CM_HUB_NONE)
		return (Datum) 0;
	have = sql_type(attr.type);
	if (have != want)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("attribute \"%s\" of the hub is %s, not %s", text_to_cstring(name),
						format_type_be(have), format_type_be(want)),
				 errdetail("A hub attribute reads back as the type it was set as."),
				 errhint("Read it as %s, or as jsonb with cmodel.hub_get(hub, name).",
						 format_type_be(have))));
	*isnull = false;
	return attr_datum(&attr);
}

/*
 * cmodel.hub_get(hub, name text, as anyelement) → anyelement: the value as
 * its exact SQL type, given by the third argument's type (its value is not
 * used: pass NULL::bigint).  Not STRICT: that argument is NULL.
 */
PG_FUNCTION_INFO_V1(cmodel_hub_get_typed);
Datum
cmodel_hub_get_typed(PG_FUNCTION_ARGS)
{
	Oid			want = get_fn_expr_argtype(fcinfo->flinfo, 2);
	Datum		d;
	bool		isnull;

	cmodel_hub_check_read_type(want);
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	d = cmodel_hub_read_typed(PG_GETARG_HUB_P(0), name_arg(fcinfo, 1), want, &isnull);
	if (isnull)
		PG_RETURN_NULL();
	return d;
}

/*
 * cmodel.hub_each(hub) → setof (name text, type text, value jsonb): every
 * attribute, in the hub's key order.
 */
PG_FUNCTION_INFO_V1(cmodel_hub_each);
Datum
cmodel_hub_each(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CmHubAttrs	attrs;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	cmodel_hub_unpack(PG_GETARG_HUB_P(0), false, &attrs);
	for (i = 0; i < attrs.n; i++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = PointerGetDatum(cstring_to_text_with_len(attrs.attrs[i].name, attrs.attrs[i].len));
		values[1] = PointerGetDatum(cstring_to_text(cm_hub_type_name(attrs.attrs[i].type)));
		values[2] = JsonbPGetDatum(cmodel_hub_value_jsonb(&attrs.attrs[i].value));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* ------------------------------------------------------------------------
 * Changing
 * ------------------------------------------------------------------------
 */

/* A string JsonbValue of a C string. */
static void
string_value(JsonbValue *v, char *s)
{
	v->type = jbvString;
	v->val.string.val = s;
	v->val.string.len = (int) strlen(s);
}

/* A numeric that a hub can hold (JSON has no NaN or infinity). */
static void
numeric_value(JsonbValue *v, Numeric n, const char *name)
{
	if (numeric_is_nan(n) || numeric_is_inf(n))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("attribute \"%s\" cannot hold %s", name, numeric_normalize(n)),
				 errdetail("A hub keeps numbers as JSON numbers, which have no NaN or infinity."),
				 errhint("Store a finite number, or None.")));
	v->type = jbvNumeric;
	v->val.numeric = n;
}

static void
out_of_range(const char *name, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
			 errmsg("attribute \"%s\" cannot hold %s", name, what),
			 errdetail("A hub keeps dates and timestamps from the year 1 to 9999, without infinity."),
			 errhint("Store a date or timestamp within those years, or None.")));
}

/*
 * See hub.h: the attribute a SQL value of type typid sets (isnull: None).
 * Every value is copied into the current memory context.
 */
void
cmodel_hub_attr_of_datum(CmHubAttr *attr, const char *name, Datum d, Oid typid, bool isnull)
{
	JsonbValue *v = &attr->value;

	if (isnull)
	{
		attr->type = CM_HUB_NONE;
		v->type = jbvNull;
		return;
	}
	switch (typid)
	{
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
		case NAMEOID:
			attr->type = CM_HUB_TEXT;
			if (typid == NAMEOID)
				string_value(v, pstrdup(NameStr(*DatumGetName(d))));
			else
				string_value(v, TextDatumGetCString(d));
			break;
		case INT2OID:
		case INT4OID:
		case INT8OID:
			attr->type = CM_HUB_BIGINT;
			v->type = jbvNumeric;
			v->val.numeric = int64_to_numeric(typid == INT2OID ? DatumGetInt16(d) :
											  typid == INT4OID ? DatumGetInt32(d) : DatumGetInt64(d));
			break;
		case NUMERICOID:
			attr->type = CM_HUB_NUMERIC;
			numeric_value(v, DatumGetNumericCopy(d), name);
			break;
		case FLOAT4OID:
		case FLOAT8OID:
			attr->type = CM_HUB_NUMERIC;
			numeric_value(v, DatumGetNumeric(DirectFunctionCall1(typid == FLOAT4OID ? float4_numeric : float8_numeric, d)),
						  name);
			break;
		case BOOLOID:
			attr->type = CM_HUB_BOOLEAN;
			v->type = jbvBool;
			v->val.boolean = DatumGetBool(d);
			break;
		case DATEOID:
			{
				char	   *out = palloc(CM_ISO_DATE_LEN + 1);

				attr->type = CM_HUB_DATE;
				if (!cm_iso_date_format(DatumGetDateADT(d), out))
					out_of_range(name, DatumGetCString(DirectFunctionCall1(date_out, d)));
				string_value(v, out);
				break;
			}
		case TIMESTAMPTZOID:
			{
				char	   *out = palloc(CM_ISO_TIMESTAMP_LEN + 1);

				attr->type = CM_HUB_TIMESTAMPTZ;
				if (!cm_iso_timestamp_format(DatumGetTimestampTz(d), out))
					out_of_range(name, DatumGetCString(DirectFunctionCall1(timestamptz_out, d)));
				string_value(v, out);
				break;
			}
		case JSONBOID:
		case JSONOID:
			{
				Jsonb	   *jb = typid == JSONBOID ? DatumGetJsonbPCopy(d) :
				DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
												   CStringGetDatum(TextDatumGetCString(d))));

				attr->type = CM_HUB_JSON;
				if (!JsonbExtractScalar(&jb->root, v))
				{
					v->type = jbvBinary;
					v->val.binary.data = &jb->root;
					v->val.binary.len = VARSIZE(jb) - VARHDRSZ;
				}
				break;
			}
		case TIMESTAMPOID:
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("attribute \"%s\" cannot hold a timestamp without time zone", name),
					 errdetail("A timestamp without its zone means a different moment in every session."),
					 errhint("Cast it to timestamptz, stating its zone, for example ts AT TIME ZONE 'UTC'.")));
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("attribute \"%s\" cannot hold a value of type %s", name, format_type_be(typid)),
					 errdetail("A hub keeps text, bigint, numeric, boolean, date, timestamptz and JSON values."),
					 errhint("Cast the value to one of text, bigint, numeric, boolean, date, timestamptz or jsonb.")));
	}
}

/* The hub argument; NULL is the empty hub (nothing is lost by filling it). */
static void
hub_arg(FunctionCallInfo fcinfo, int argno, CmHubAttrs *attrs)
{
	if (PG_ARGISNULL(argno))
		memset(attrs, 0, sizeof(*attrs));
	else
		cmodel_hub_unpack(PG_GETARG_HUB_P(argno), false, attrs);
}

/*
 * cmodel.hub_set(hub, name text, value anyelement) → hub, and the text
 * overload that takes string literals: the hub with the attribute set to
 * the value, with its type; NULL sets None.  A NULL hub is the empty one.
 */
PG_FUNCTION_INFO_V1(cmodel_hub_set);
Datum
cmodel_hub_set(PG_FUNCTION_ARGS)
{
	CmHubAttrs	attrs;
	CmHubAttr	attr;
	text	   *name = name_arg(fcinfo, 1);
	char	   *cname = text_to_cstring(name);

	hub_arg(fcinfo, 0, &attrs);
	attr.name = cname;
	attr.len = (int) strlen(cname);
	cmodel_hub_check_name(attr.name, attr.len);
	cmodel_hub_attr_of_datum(&attr, cname, PG_GETARG_DATUM(2), get_fn_expr_argtype(fcinfo->flinfo, 2),
				  PG_ARGISNULL(2));
	cmodel_hub_put(&attrs, &attr);
	PG_RETURN_HUB_P(cmodel_hub_pack(&attrs));
}

/* cmodel.hub_delete(hub, name text) → hub, also hub - name: without the attribute. */
PG_FUNCTION_INFO_V1(cmodel_hub_delete);
Datum
cmodel_hub_delete(PG_FUNCTION_ARGS)
{
	CmHubAttrs	attrs;
	text	   *name = PG_GETARG_TEXT_PP(1);
	CmHubAttr  *attr;

	cmodel_hub_unpack(PG_GETARG_HUB_P(0), false, &attrs);
	attr = cmodel_hub_find(&attrs, VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name));
	if (attr == NULL)
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	*attr = attrs.attrs[--attrs.n];
	PG_RETURN_HUB_P(cmodel_hub_pack(&attrs));
}

/*
 * cmodel.hub_merge(a hub, b hub) → hub, also a || b: the attributes of
 * both, b's where both have one, each with its type.  A NULL side is the
 * empty hub, so NULL || b is b (jsonb's || would give NULL).
 */
PG_FUNCTION_INFO_V1(cmodel_hub_merge);
Datum
cmodel_hub_merge(PG_FUNCTION_ARGS)
{
	CmHubAttrs	a,
				b;
	Jsonb	   *bhub;
	int			i;

	if (PG_ARGISNULL(0) && PG_ARGISNULL(1))
		PG_RETURN_NULL();
	if (PG_ARGISNULL(1))
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	if (PG_ARGISNULL(0))
		PG_RETURN_DATUM(PG_GETARG_DATUM(1));
	bhub = PG_GETARG_HUB_P(1);
	hub_arg(fcinfo, 0, &a);
	cmodel_hub_unpack(bhub, false, &b);
	/* a's attributes b does not replace (looked up in b's sorted keys), then b's */
	for (i = 0; i < a.n; i++)
	{
		CmHubAttr	have;

		if (!cmodel_hub_lookup(bhub, a.attrs[i].name, a.attrs[i].len, &have))
			cmodel_hub_append(&b, &a.attrs[i]);
	}
	PG_RETURN_HUB_P(cmodel_hub_pack(&b));
}

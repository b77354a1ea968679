/*-------------------------------------------------------------------------
 *
 * hub_gin.c
 *	  The GIN operator class cmodel.hub_ops: one index on a hub column
 *	  answers equality and range finds (hub @@ hubquery) on any attribute,
 *	  without an index per attribute.
 *
 * Every attribute of a hub is one key: 8 bytes of a hash of its name, a
 * byte for its class (number, date, timestamp, text, boolean, json, none),
 * and a value encoded so that byte order is value order where ranges need
 * it: numbers as order-preserving float8 (bigint and numeric alike, so 650
 * and 650.0 meet), dates as order-preserving int32, timestamps as
 * order-preserving int64; text and JSON as a hash of the value, booleans as
 * a byte, None as nothing.  Keys compare with byteacmp.  An equality find
 * looks up one key; a range find is a partial match that starts at the key
 * of its lower bound (or at the smallest value of the class) and stops past
 * the upper bound or the class.  Hashes collide and float8 rounds, so every
 * match is rechecked against the hub itself (the @@ operator), which is
 * exact: the index only has to find a superset, which the encodings
 * guarantee because they never reverse two values' order.
 *
 * src/server/hub_gin.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/gin.h"
#include "access/stratnum.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"

#include "hub.h"

#define PREFIX_LEN 9			/* name hash + class */
#define MAX_KEY_LEN (PREFIX_LEN + 8)

/* Big-endian bytes of a 64-bit value. */
static void
put_u64(uint8 *out, uint64 v)
{
	int			i;

	for (i = 7; i >= 0; i--)
	{
		out[i] = (uint8) (v & 0xFF);
		v >>= 8;
	}
}

/* The encoded value of a key's class; returns its length. */
static int
encode_value(CmHubClass cls, const JsonbValue *v, uint8 *out)
{
	switch (cls)
	{
		case CM_HCLASS_NUMBER:
			{
				float8		f = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
																   NumericGetDatum(v->val.numeric)));
				uint64		bits;

				if (f == 0)
					f = 0;		/* -0 and 0 are one number */
				memcpy(&bits, &f, sizeof(bits));
				bits = (bits & UINT64CONST(0x8000000000000000)) ? ~bits :
					bits | UINT64CONST(0x8000000000000000);
				put_u64(out, bits);
				return 8;
			}
		case CM_HCLASS_DATE:
			{
				int32_t		d = 0;
				uint32		u;

				cm_iso_date_parse(v->val.string.val, v->val.string.len, &d);
				u = (uint32) d ^ 0x80000000u;
				out[0] = (uint8) (u >> 24);
				out[1] = (uint8) (u >> 16);
				out[2] = (uint8) (u >> 8);
				out[3] = (uint8) u;
				return 4;
			}
		case CM_HCLASS_TIMESTAMPTZ:
			{
				int64_t		t = 0;

				cm_iso_timestamp_parse(v->val.string.val, v->val.string.len, &t);
				put_u64(out, (uint64) t ^ UINT64CONST(0x8000000000000000));
				return 8;
			}
		case CM_HCLASS_TEXT:
			put_u64(out, hash_bytes_extended((const unsigned char *) v->val.string.val,
											 v->val.string.len, 0));
			return 8;
		case CM_HCLASS_JSON:
			{
				JsonbValue	copy = *v;
				Jsonb	   *jb = JsonbValueToJsonb(&copy);

				put_u64(out, DatumGetUInt64(DirectFunctionCall2(jsonb_hash_extended,
																JsonbPGetDatum(jb), Int64GetDatum(0))));
				return 8;
			}
		case CM_HCLASS_BOOLEAN:
			out[0] = v->val.boolean ? 1 : 0;
			return 1;
		case CM_HCLASS_NONE:
			break;
	}
	return 0;
}

/* The name hash and class of a key. */
static void
encode_prefix(const char *name, int len, CmHubClass cls, uint8 *out)
{
	put_u64(out, hash_bytes_extended((const unsigned char *) name, len, 0));
	out[8] = (uint8) cls;
}

/* A key as bytea. */
static Datum
make_key(const uint8 *bytes, int len)
{
	bytea	   *b = palloc(VARHDRSZ + len);

	SET_VARSIZE(b, VARHDRSZ + len);
	memcpy(VARDATA(b), bytes, len);
	return PointerGetDatum(b);
}

/* cmodel.hub_gin_extract_value(hub, internal, internal): one key per attribute. */
PG_FUNCTION_INFO_V1(cmodel_hub_gin_extract_value);
Datum
cmodel_hub_gin_extract_value(PG_FUNCTION_ARGS)
{
	Jsonb	   *hub = PG_GETARG_HUB_P(0);
	int32	   *nentries = (int32 *) PG_GETARG_POINTER(1);
	CmHubAttrs	attrs;
	Datum	   *keys;
	int			i;

	cmodel_hub_unpack(hub, false, &attrs);
	keys = palloc(sizeof(Datum) * (attrs.n + 1));
	for (i = 0; i < attrs.n; i++)
	{
		uint8		key[MAX_KEY_LEN];
		CmHubClass	cls = cmodel_hub_class(attrs.attrs[i].type);

		encode_prefix(attrs.attrs[i].name, attrs.attrs[i].len, cls, key);
		keys[i] = make_key(key, PREFIX_LEN + encode_value(cls, &attrs.attrs[i].value, key + PREFIX_LEN));
	}
	*nentries = attrs.n;
	PG_RETURN_POINTER(keys);
}

/* What a range scan needs to know where to stop. */
typedef struct RangeEnd
{
	bool		has_hi;
	int			len;			/* of the encoded upper bound */
	uint8		hi[8];
} RangeEnd;

/*
 * cmodel.hub_gin_extract_query(hubquery, internal, int2, internal, internal,
 * internal, internal): the one key of a condition, a partial match for a
 * range.
 */
PG_FUNCTION_INFO_V1(cmodel_hub_gin_extract_query);
Datum
cmodel_hub_gin_extract_query(PG_FUNCTION_ARGS)
{
	Jsonb	   *qj = PG_GETARG_JSONB_P(0);
	int32	   *nentries = (int32 *) PG_GETARG_POINTER(1);
	bool	  **partial = (bool **) PG_GETARG_POINTER(3);
	Pointer   **extra = (Pointer **) PG_GETARG_POINTER(4);
	CmHubQuery	q;
	uint8		key[MAX_KEY_LEN];
	int			len;
	Datum	   *keys = palloc(sizeof(Datum));

	cmodel_hub_query_unpack(qj, &q);
	encode_prefix(q.attr, q.attrlen, q.cls, key);
	*nentries = 1;
	if (q.has_eq)
	{
		len = PREFIX_LEN + encode_value(q.cls, &q.eq, key + PREFIX_LEN);
		keys[0] = make_key(key, len);
		PG_RETURN_POINTER(keys);
	}
	else
	{
		RangeEnd   *end = palloc0(sizeof(RangeEnd));
		int			width = q.cls == CM_HCLASS_DATE ? 4 : 8;

		/* from the lower bound, or the smallest value of the class */
		if (q.has_lo)
			len = PREFIX_LEN + encode_value(q.cls, &q.lo, key + PREFIX_LEN);
		else
		{
			memset(key + PREFIX_LEN, 0, width);
			len = PREFIX_LEN + width;
		}
		if (q.has_hi)
		{
			uint8		hi[MAX_KEY_LEN];

			end->has_hi = true;
			end->len = encode_value(q.cls, &q.hi, hi + PREFIX_LEN);
			memcpy(end->hi, hi + PREFIX_LEN, end->len);
		}
		keys[0] = make_key(key, len);
		*partial = palloc(sizeof(bool));
		(*partial)[0] = true;
		*extra = palloc(sizeof(Pointer));
		(*extra)[0] = (Pointer) end;
	}
	PG_RETURN_POINTER(keys);
}

/*
 * cmodel.hub_gin_compare_partial(bytea, bytea, int2, internal): 0 while an
 * index key is in the range (inclusive: the recheck is exact), > 0 once it
 * is past the upper bound or the class.
 */
PG_FUNCTION_INFO_V1(cmodel_hub_gin_compare_partial);
Datum
cmodel_hub_gin_compare_partial(PG_FUNCTION_ARGS)
{
	bytea	   *partial = PG_GETARG_BYTEA_PP(0);
	bytea	   *key = PG_GETARG_BYTEA_PP(1);
	RangeEnd   *end = (RangeEnd *) PG_GETARG_POINTER(3);
	const uint8 *k = (const uint8 *) VARDATA_ANY(key);
	int			klen = VARSIZE_ANY_EXHDR(key);

	if (klen < PREFIX_LEN || memcmp(k, VARDATA_ANY(partial), PREFIX_LEN) != 0)
		PG_RETURN_INT32(1);
	if (end && end->has_hi &&
		memcmp(k + PREFIX_LEN, end->hi, Min(end->len, klen - PREFIX_LEN)) > 0)
		PG_RETURN_INT32(1);
	PG_RETURN_INT32(0);
}

/*
 * cmodel.hub_gin_consistent(internal, int2, hubquery, int4, internal,
 * internal, internal, internal): the one key found; always rechecked.
 */
PG_FUNCTION_INFO_V1(cmodel_hub_gin_consistent);
Datum
cmodel_hub_gin_consistent(PG_FUNCTION_ARGS)
{
	bool	   *check = (bool *) PG_GETARG_POINTER(0);
	bool	   *recheck = (bool *) PG_GETARG_POINTER(5);

	*recheck = true;
	PG_RETURN_BOOL(check[0]);
}

/*-------------------------------------------------------------------------
 *
 * write.c
 *	  The SDK's write-time semantics for every client: auto_now and
 *	  auto_now_add, the 1,048,576-character limit on text and JSON values,
 *	  and the limit on rows per INSERT statement (cmodel.max_bulk_rows).
 *
 * One BEFORE INSERT OR UPDATE row trigger on each model table does all
 * three; on a namespace's hub store it also keeps the store's rules (keys
 * of at most 100 characters, the value limit per attribute).  Field defaults need no trigger: they are column defaults, which
 * apply to new rows only.  The trigger runs for every written row, so its
 * common path is a few comparisons: the table's rules come from a cache
 * entry remembered across the rows of a statement, and a value whose
 * stored size is within the limit is never detoasted or counted.
 *
 * Rows are counted per statement and table (write_stmt.c keeps the
 * count), so nested statements and writes made per row neither reset nor
 * share it; an UPDATE that gives the trigger nothing to do does not fire
 * it (write_stmt.c again).
 *
 * src/server/write.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/detoast.h"
#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "cmodel.h"
#include "hub.h"

PG_FUNCTION_INFO_V1(cmodel_on_write);

int			cmodel_max_bulk_rows = 10000;

/* See cmodel.h. */
void
cmodel_write_init(void)
{
	DefineCustomIntVariable("cmodel.max_bulk_rows",
							"Most rows one INSERT or COPY statement may write into a namespace table.",
							"The SDK limits bulk operations to 10,000 rows; 0 means no limit.",
							&cmodel_max_bulk_rows,
							10000, 0, INT_MAX,
							PGC_SUSET, 0,
							NULL, NULL, NULL);
}

/* ------------------------------------------------------------------------
 * Sizes
 * ------------------------------------------------------------------------
 */

/* Is the value stored in place, neither compressed nor a TOAST pointer? */
static inline bool
is_plain(Datum d)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(d);

	return VARATT_IS_4B_U(v) || (VARATT_IS_1B(v) && !VARATT_IS_1B_E(v));
}

/* Bytes of a value's data, without detoasting it. */
static Size
stored_size(Datum d)
{
	if (is_plain(d))
		return VARSIZE_ANY_EXHDR(DatumGetPointer(d));
	return toast_raw_datum_size(d) - VARHDRSZ;
}

/*
 * Most characters the text form of a numeric can have, from its header:
 * sign, integer digits (four per base-10000 digit of weight), point and
 * fraction digits.  The header layout is numeric's on-disk format: a short
 * header (top bits 10) packs sign, a 6-bit display scale and a 7-bit
 * weight into 16 bits; a long header (top bit 0) has 14 bits of scale and
 * a separate 16-bit weight; top bits 11 are NaN and the infinities.
 */
static uint64
numeric_text_bound(const char *data)
{
	uint16		header;
	int			weight;
	int			scale;

	memcpy(&header, VARDATA_ANY(data), sizeof(header));
	if ((header & 0xC000) == 0xC000)
		return 9;				/* "-Infinity" */
	if (header & 0x8000)
	{
		scale = (header & 0x1F80) >> 7;
		weight = (header & 0x0040) ? (int) (header & 0x003F) - 64 : (int) (header & 0x003F);
	}
	else
	{
		int16		w;

		memcpy(&w, VARDATA_ANY(data) + sizeof(uint16), sizeof(w));
		scale = header & 0x3FFF;
		weight = w;
	}
	return 2 + (weight >= 0 ? (uint64) (weight + 1) * 4 : 1) + scale;
}

/*
 * Most characters the text form of a jsonb container can have: strings
 * escape at most six characters per byte, and each member adds quotes,
 * separators and brackets.  Reads only the entry headers (jsonb's on-disk
 * layout from utils/jsonb.h), never the strings.
 */
static uint64
container_text_bound(const char *jc)
{
	uint32		header;
	uint32		count;
	uint32		nchildren;
	const char *base;
	uint32		offset = 0;
	uint64		total;
	uint32		i;

	/* read with memcpy: a value with a short header is not aligned */
	memcpy(&header, jc, sizeof(header));
	count = header & JB_CMASK;
	nchildren = (header & JB_FOBJECT) ? count * 2 : count;
	base = jc + sizeof(uint32) + nchildren * sizeof(JEntry);
	total = 2 + (uint64) nchildren * 4;
	for (i = 0; i < nchildren; i++)
	{
		JEntry		e;
		uint32		end;

		memcpy(&e, jc + sizeof(uint32) + i * sizeof(JEntry), sizeof(e));
		end = JBE_HAS_OFF(e) ? JBE_OFFLENFLD(e) : offset + JBE_OFFLENFLD(e);
		if (JBE_ISSTRING(e))
			total += (uint64) (end - offset) * 6 + 2;
		else if (JBE_ISNUMERIC(e))
			total += numeric_text_bound(base + INTALIGN(offset));
		else if (JBE_ISCONTAINER(e))
			total += container_text_bound(base + INTALIGN(offset));
		else
			total += 5;			/* true, false, null */
		offset = end;
	}
	return total;
}

/* See cmodel.h: the unit of a measured size, and what the limit says of the kind. */
const char *
cmodel_limit_unit(CmLimitKind kind)
{
	return kind == CM_LIMIT_BYTES ? "bytes" : "characters";
}

const char *
cmodel_limit_rule(CmLimitKind kind)
{
	switch (kind)
	{
		case CM_LIMIT_JSONB:
			return "JSON values in namespace tables may have at most 1,048,576 characters, measured on their text form (the SDK's 1 MB limit).";
		case CM_LIMIT_TEXT:
			return "Text values in namespace tables may have at most 1,048,576 characters (the SDK's 1 MB limit).";
		case CM_LIMIT_BYTES:
			return "Values of other variable-length types (composites, ranges, hstore, bytea, arrays of them and the like) in namespace tables may have at most 1,048,576 bytes (the SDK's 1 MB limit).";
		default:
			return "Array values of text or JSON in namespace tables may have at most 1,048,576 characters, their elements' together (the SDK's 1 MB limit).";
	}
}

static void
too_long(const CmRelInfo *info, Relation rel, AttrNumber att, int64 size, CmLimitKind kind)
{
	ereport(ERROR,
			(errcode(ERRCODE_STRING_DATA_RIGHT_TRUNCATION),
			 errmsg("value of column \"%s\" of table \"%s\" is too long: " INT64_FORMAT " %s",
					NameStr(TupleDescAttr(RelationGetDescr(rel), att - 1)->attname),
					info->shown, size, cmodel_limit_unit(kind)),
			 errdetail("%s", cmodel_limit_rule(kind)),
			 errhint("Keep large content outside the row, for example in a file store, and store a reference to it."),
			 errtablecol(rel, att)));
}

/* Is this datum the same stored value as the old row's (an unchanged column)? */
static bool
same_stored_value(Datum d, TupleTableSlot *old, AttrNumber att)
{
	bool		isnull;
	Datum		o = slot_getattr(old, att, &isnull);
	struct varlena *a = (struct varlena *) DatumGetPointer(d);
	struct varlena *b;

	if (isnull)
		return false;
	b = (struct varlena *) DatumGetPointer(o);
	return a == b || (VARSIZE_ANY(a) == VARSIZE_ANY(b) && memcmp(a, b, VARSIZE_ANY(a)) == 0);
}

/* Characters of a text value; at least one byte each, so a short one is not read. */
static int64
text_chars(Datum d, Size size)
{
	text	   *t;

	if (size <= CM_VALUE_LIMIT || pg_database_encoding_max_length() == 1)
		return size;
	t = DatumGetTextPP(d);
	return pg_mbstrlen_with_len(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

/* Characters of a jsonb value's text form; only counted when its bound is over the limit. */
static int64
jsonb_chars(Datum d)
{
	Jsonb	   *jb;
	char	   *s;
	int64		chars;

	/* a plain value is read in place */
	if (is_plain(d) && container_text_bound(VARDATA_ANY(DatumGetPointer(d))) <= CM_VALUE_LIMIT)
		return 0;
	jb = DatumGetJsonbP(d);
	if (container_text_bound((const char *) &jb->root) <= CM_VALUE_LIMIT)
		return 0;
	s = JsonbToCString(NULL, &jb->root, VARSIZE(jb));
	chars = pg_mbstrlen(s);
	pfree(s);
	return chars;
}

/*
 * Characters of an array of text-like or jsonb values (or of arrays of
 * them, through a domain over an array): its elements' together.  Its
 * elements take no more bytes than the array, so an array of text within
 * the limit in bytes is not read.
 */
static int64
array_chars(Datum d, bool jsonb)
{
	ArrayType  *arr;
	ArrayIterator it;
	Datum		elem;
	bool		isnull;
	bool		nested;
	int64		chars = 0;

	if (!jsonb && stored_size(d) <= CM_VALUE_LIMIT)
		return 0;
	arr = DatumGetArrayTypeP(d);
	nested = type_is_array(getBaseType(ARR_ELEMTYPE(arr)));
	it = array_create_iterator(arr, 0, NULL);
	while (array_iterate(it, &elem, &isnull))
		if (!isnull)
			chars += nested ? array_chars(elem, jsonb) :
				jsonb ? jsonb_chars(elem) : text_chars(elem, stored_size(elem));
	array_free_iterator(it);
	return chars;
}

/*
 * See cmodel.h: a value's size as the limit measures its kind, or 0 when
 * it is known to be within the limit without counting.
 */
int64
cmodel_value_size(CmLimitKind kind, Datum d)
{
	switch (kind)
	{
		case CM_LIMIT_TEXT:
			return text_chars(d, stored_size(d));
		case CM_LIMIT_JSONB:
			return jsonb_chars(d);
		case CM_LIMIT_BYTES:
			return stored_size(d);
		default:
			return array_chars(d, kind == CM_LIMIT_JSONB_ARRAY);
	}
}

/* Reject a value longer than the limit. */
static void
check_value(const CmRelInfo *info, Relation rel, AttrNumber att, CmLimitKind kind, Datum d,
			TupleTableSlot *old)
{
	int64		size;

	/* an unchanged value was checked when it was written */
	if (old && !is_plain(d) && same_stored_value(d, old, att))
		return;
	if ((size = cmodel_value_size(kind, d)) > CM_VALUE_LIMIT)
		too_long(info, rel, att, size, kind);
}

/* ------------------------------------------------------------------------
 * Hub stores: keys of at most 100 characters, each value within the limit
 * ------------------------------------------------------------------------
 */

/* Characters of one hub value as the limit counts them. */
static int64
hub_value_chars(const CmHubAttr *attr)
{
	const JsonbValue *v = &attr->value;
	char	   *s;
	int64		chars;

	/* text on its characters; dates and timestamps are short */
	if (v->type == jbvString && attr->type != CM_HUB_JSON)
		return pg_mbstrlen_with_len(v->val.string.val, v->val.string.len);
	if (v->type == jbvBinary)
	{
		if (container_text_bound((const char *) v->val.binary.data) <= CM_VALUE_LIMIT)
			return 0;
		s = JsonbToCString(NULL, v->val.binary.data, v->val.binary.len);
	}
	else
		s = JsonbToCString(NULL, &cmodel_hub_value_jsonb(v)->root, 0);
	chars = pg_mbstrlen(s);
	pfree(s);
	return chars;
}

static void
hub_value_too_long(const CmRelInfo *info, TupleTableSlot *slot, const CmHubAttr *attr, int64 chars)
{
	bool		isnull;
	char	   *type = TextDatumGetCString(slot_getattr(slot, info->hub_type_att, &isnull));
	char	   *id = TextDatumGetCString(slot_getattr(slot, info->hub_id_att, &isnull));

	ereport(ERROR,
			(errcode(ERRCODE_STRING_DATA_RIGHT_TRUNCATION),
			 errmsg("value of attribute \"%.*s\" of hub (\"%s\", \"%s\") in namespace \"%s\" is too long: " INT64_FORMAT " characters",
					attr->len, attr->name, type, id, info->ns, chars),
			 errdetail("Each hub value may have at most 1,048,576 characters (text on its characters, JSON on its text form); the limit is per value, not per hub."),
			 errhint("Keep large content outside the hub, for example in a file store, and store a reference to it.")));
}

/*
 * A hub store's row: its type and id within CM_HUB_MAX_KEY characters, each
 * attribute's value within the limit.  A hub whose whole text form is
 * within the limit needs no look at its values; an unchanged one was
 * checked when it was written.
 */
static void
check_hub_row(const CmRelInfo *info, TupleTableSlot *slot, TupleTableSlot *old)
{
	bool		isnull;
	Datum		d;
	Jsonb	   *hub;
	CmHubAttrs	attrs;
	int			i;

	for (i = 0; i < 2; i++)
	{
		AttrNumber	att = i == 0 ? info->hub_type_att : info->hub_id_att;
		text	   *t;

		d = slot_getattr(slot, att, &isnull);
		if (isnull)
			return;				/* NOT NULL refuses the row after this trigger */
		t = DatumGetTextPP(d);
		cmodel_hub_check_key(info->ns, i == 0 ? "type" : "id", VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	}
	d = slot_getattr(slot, info->hub_attrs_att, &isnull);
	if (isnull)
		return;
	if (is_plain(d))
	{
		if (container_text_bound(VARDATA_ANY(DatumGetPointer(d))) <= CM_VALUE_LIMIT)
			return;
	}
	else if (old && same_stored_value(d, old, info->hub_attrs_att))
		return;
	hub = DatumGetHubP(d);
	if (container_text_bound((const char *) &hub->root) <= CM_VALUE_LIMIT)
		return;
	cmodel_hub_unpack(hub, false, &attrs);
	for (i = 0; i < attrs.n; i++)
	{
		int64		chars = hub_value_chars(&attrs.attrs[i]);

		if (chars > CM_VALUE_LIMIT)
			hub_value_too_long(info, slot, &attrs.attrs[i], chars);
	}
}

/* ------------------------------------------------------------------------
 * The trigger
 * ------------------------------------------------------------------------
 */

/* What the trigger keeps for the rest of its statement. */
typedef struct WriteState
{
	CmRelInfo  *info;			/* the table's rules (checked for staleness per row) */
} WriteState;

static void
count_row(const CmRelInfo *info, Relation rel)
{
	if (cmodel_statement_count_row(RelationGetRelid(rel)) > cmodel_max_bulk_rows)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("insert into table \"%s\" exceeds %d rows in one statement",
						info->shown, cmodel_max_bulk_rows),
				 errdetail("One statement (an INSERT with its rules' actions, a COPY, or all of a statement's data-modifying WITH queries together) may write at most cmodel.max_bulk_rows rows into a namespace table (the SDK's bulk operation limit)."),
				 errhint("Insert in batches of at most %d rows, or have a superuser raise cmodel.max_bulk_rows (0 means no limit).",
						 cmodel_max_bulk_rows),
				 errtable(rel)));
}

/* The current statement's time as a value of a time column's type. */
static Datum
auto_now_value(Oid type, TimestampTz now)
{
	switch (type)
	{
		case DATEOID:
			return DirectFunctionCall1(timestamptz_date, TimestampTzGetDatum(now));
		case TIMEOID:
			return DirectFunctionCall1(timestamptz_time, TimestampTzGetDatum(now));
		case TIMESTAMPOID:
			return DirectFunctionCall1(timestamptz_timestamp, TimestampTzGetDatum(now));
		default:
			return TimestampTzGetDatum(now);
	}
}

/*
 * BEFORE INSERT OR UPDATE FOR EACH ROW on every model table.
 */
Datum
cmodel_on_write(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	WriteState *ws;
	CmRelInfo  *info;
	Relation	rel;
	HeapTuple	tuple;
	TupleTableSlot *slot;
	TupleTableSlot *old = NULL;
	bool		insert;
	bool		replica;
	int			i;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_ROW(td->tg_event) ||
		!TRIGGER_FIRED_BEFORE(td->tg_event) ||
		!(TRIGGER_FIRED_BY_INSERT(td->tg_event) || TRIGGER_FIRED_BY_UPDATE(td->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function cmodel.on_write() must be fired BEFORE INSERT OR UPDATE FOR EACH ROW"),
				 errdetail("cmodel creates this trigger itself on every model table."),
				 errhint("Register the models with cmodel_register_model; do not create cmodel's triggers by hand.")));
	rel = td->tg_relation;
	insert = TRIGGER_FIRED_BY_INSERT(td->tg_event);
	tuple = insert ? td->tg_trigtuple : td->tg_newtuple;

	/* the entry is looked up once per statement, then only checked */
	ws = (WriteState *) fcinfo->flinfo->fn_extra;
	if (ws == NULL)
		fcinfo->flinfo->fn_extra = ws =
			MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(WriteState));
	if (ws->info == NULL || !ws->info->valid)
		ws->info = cmodel_relinfo(rel);
	info = ws->info;

	/* cmodel's own SET_NULL: Django's update() neither checks nor stamps */
	if (cmodel_cascade_setting_null(info->relid))
		return PointerGetDatum(tuple);

	/*
	 * session_replication_role = replica: the rows are copied from another
	 * server (a logical replication apply worker, a data-only restore) that
	 * counted its statements and stamped auto_now itself; the value limits
	 * still hold.
	 */
	replica = SessionReplicationRole == SESSION_REPLICATION_ROLE_REPLICA;
	if (insert && cmodel_max_bulk_rows > 0 && !replica)
		count_row(info, rel);

	slot = insert ? td->tg_trigslot : td->tg_newslot;
	if (!insert)
		old = td->tg_trigslot;
	if (info->hub_store)
		check_hub_row(info, slot, old);
	for (i = 0; i < info->nlimited; i++)
	{
		bool		isnull;
		Datum		d = slot_getattr(slot, info->limited_atts[i], &isnull);

		if (!isnull)
			check_value(info, rel, info->limited_atts[i], info->limited_kinds[i], d, old);
	}

	if (info->nauto > 0 && !replica)
	{
		TimestampTz now = GetCurrentStatementStartTimestamp();
		Datum	   *values = palloc(sizeof(Datum) * info->nauto);
		bool	   *nulls = palloc0(sizeof(bool) * info->nauto);
		int		   *cols = palloc(sizeof(int) * info->nauto);
		int			n = 0;

		for (i = 0; i < info->nauto; i++)
		{
			if (!insert && !info->auto_on_update[i])
				continue;
			cols[n] = info->auto_cols[i];
			values[n++] = auto_now_value(info->auto_types[i], now);
		}
		if (n > 0)
			tuple = heap_modify_tuple_by_cols(tuple, RelationGetDescr(rel), n, cols, values, nulls);
	}
	return PointerGetDatum(tuple);
}

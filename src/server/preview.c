/*-------------------------------------------------------------------------
 *
 * preview.c
 *	  cmodel_delete_preview(): what deleting some rows would delete through
 *	  CASCADE, counted per model as Django's delete() reports it.
 *
 * The preview walks the same rules as a cascade (relinfo.c) breadth first,
 * one query per step, and counts every row once however many paths reach
 * it, so cycles end.  It only reads, and it reads as its caller: a table
 * the caller may not read is an error, and rows its row security hides are
 * not counted (the DELETE itself runs the cascade as the children's
 * owners, so it can delete more than the preview counts).
 *
 * src/server/preview.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/itemptr.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"

#include "cmodel.h"

typedef struct SeenRow
{
	Oid			relid;
	ItemPointerData tid;
} SeenRow;

typedef struct Counted
{
	Oid			relid;
	int64		count;
	char	   *label;
} Counted;

/* Rows of a table to look for: those whose column matches the keys. */
typedef struct PreviewStep
{
	Oid			relid;
	const char *qualname;
	const char *column;
	ArrayType  *keys;
	Oid			keytype;
} PreviewStep;

static PreviewStep *
preview_step(Oid relid, const char *qualname, const char *column,
			 ArrayType *keys, Oid keytype)
{
	PreviewStep *s = palloc(sizeof(PreviewStep));

	s->relid = relid;
	s->qualname = qualname;
	s->column = column;
	s->keys = keys;
	s->keytype = keytype;
	return s;
}

/*
 * The preview reads what a DELETE would reach, as its caller: a child in a
 * namespace the caller cannot read is refused with cmodel's message (the
 * DELETE itself would cascade there, as its owner).
 */
static void
check_readable(const PreviewStep *step)
{
	Oid			nspid = get_rel_namespace(step->relid);

	if (pg_namespace_aclcheck(nspid, GetUserId(), ACL_USAGE) == ACLCHECK_OK &&
		pg_class_aclcheck(step->relid, GetUserId(), ACL_SELECT) == ACLCHECK_OK)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied to preview deletes reaching table %s", step->qualname),
			 errdetail("The preview counts the rows a DELETE would reach through CASCADE; role \"%s\" cannot read table %s.",
					   GetUserNameFromId(GetUserId(), false), step->qualname),
			 errhint("Preview as a role that reads every namespace the children are in, such as the reporting role.")));
}

/*
 * Count the rows a step finds that were not counted yet, and return the
 * steps for their CASCADE children.  The seen set ends cycles.
 */
static List *
preview_rows(HTAB *seen, HTAB *counts, PreviewStep *step, MemoryContext keep)
{
	CmRelInfo  *info = cmodel_relinfo_oid(step->relid);
	StringInfoData sql;
	Oid			argtype = get_array_type(step->keytype);
	Datum		values[1] = {PointerGetDatum(step->keys)};
	CmKeySet   *sets = cmodel_keysets(info);
	List	   *next = NIL;
	Counted    *c;
	uint64		r;
	int			k;
	bool		found;

	cmodel_relinfo_check_keys(info);
	check_readable(step);
	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT ctid");
	for (k = 0; k < info->nkeys; k++)
		appendStringInfo(&sql, ", %s",
						 quote_identifier(get_attname(step->relid, info->key_atts[k], false)));
	appendStringInfo(&sql, " FROM ONLY %s WHERE %s OPERATOR(pg_catalog.=) ANY ($1)",
					 step->qualname, step->column);
	if (SPI_execute_with_args(sql.data, 1, &argtype, values, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "cmodel: preview query failed: %s", sql.data);

	c = hash_search(counts, &step->relid, HASH_ENTER, &found);
	if (!found)
	{
		c->count = 0;
		c->label = MemoryContextStrdup(keep, info->label);
	}
	for (r = 0; r < SPI_processed; r++)
	{
		HeapTuple	tup = SPI_tuptable->vals[r];
		SeenRow		key;
		bool		isnull;

		memset(&key, 0, sizeof(key));
		key.relid = step->relid;
		key.tid = *(ItemPointer) DatumGetPointer(SPI_getbinval(tup, SPI_tuptable->tupdesc, 1, &isnull));
		hash_search(seen, &key, HASH_ENTER, &found);
		if (found)
			continue;
		c->count++;
		for (k = 0; k < info->nkeys; k++)
		{
			Datum		d = SPI_getbinval(tup, SPI_tuptable->tupdesc, k + 2, &isnull);

			if (!isnull)
				cmodel_keyset_add(&sets[k], d);
		}
	}
	SPI_freetuptable(SPI_tuptable);
	for (k = 0; k < info->nrules; k++)
	{
		CmDeleteRule *rule = &info->rules[k];
		ArrayType  *keys;

		if (rule->set_null || sets[rule->key].n == 0)
			continue;
		keys = cmodel_keyset_array(&sets[rule->key], info->key_types[rule->key]);
		next = lappend(next, preview_step(rule->child, rule->child_name,
										  rule->column, keys, info->key_types[rule->key]));
	}
	return next;
}

static int
compare_counted(const void *a, const void *b)
{
	return strcmp((*(Counted *const *) a)->label, (*(Counted *const *) b)->label);
}

/*
 * cmodel_delete_preview(tbl regclass, keys anyarray, OUT total bigint,
 * OUT per_model jsonb): what deleting the rows of tbl whose key is in keys
 * would delete, counted per model as Django's delete() reports it.  It
 * reads as its caller, so privileges and row security hold: a table the
 * caller may not read is an error, and rows hidden from it are not counted.
 */
PG_FUNCTION_INFO_V1(cmodel_delete_preview);
Datum
cmodel_delete_preview(PG_FUNCTION_ARGS)
{
	Oid			relid;
	ArrayType  *keys;
	Relation	rel;
	HASHCTL		ctl;
	HTAB	   *seen;
	HTAB	   *counts;
	HASH_SEQ_STATUS hs;
	Counted    *c;
	Counted   **sorted;
	int			n = 0,
				i;
	int64		total = 0;
	StringInfoData json;
	TupleDesc	tupdesc;
	Datum		result[2];
	bool		nulls[2] = {false, false};
	char	   *keycol;
	Oid			keytype;
	AclResult	acl;
	MemoryContext keep = CurrentMemoryContext;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("table and keys of cmodel_delete_preview must not be null"),
				 errdetail("The preview counts what deleting the rows with these keys would delete."),
				 errhint("Pass the table and an array of its key values, for example ARRAY[1, 2].")));
	relid = PG_GETARG_OID(0);
	keys = PG_GETARG_ARRAYTYPE_P(1);
	/* a worker has neither the registry nor a way to count the coordinator's children */
	cmodel_citus_require_coordinator("preview a delete");
	rel = table_open(relid, AccessShareLock);
	acl = pg_class_aclcheck(relid, GetUserId(), ACL_SELECT);
	if (acl != ACLCHECK_OK)
		aclcheck_error(acl, get_relkind_objtype(rel->rd_rel->relkind), RelationGetRelationName(rel));

	/* the key: a registered core model's key column, else the primary key */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "cmodel: SPI_connect failed");
	{
		Oid			types[1] = {OIDOID};
		Datum		values[1] = {ObjectIdGetDatum(relid)};

		if (SPI_execute_with_args("SELECT key_column::pg_catalog.text FROM cmodel.reg_core_model"
								  " WHERE tbl::pg_catalog.oid OPERATOR(pg_catalog.=) $1"
								  " UNION ALL"
								  " SELECT a.attname::pg_catalog.text FROM pg_catalog.pg_index i"
								  "   JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid"
								  "    AND a.attnum = i.indkey[0]"
								  "  WHERE i.indrelid = $1 AND i.indisprimary AND i.indnkeyatts = 1",
								  1, types, values, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "cmodel: could not read the key of %s", RelationGetRelationName(rel));
		if (SPI_processed == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("table \"%s.%s\" has no single-column key to preview deletes by",
							get_namespace_name(RelationGetNamespace(rel)), RelationGetRelationName(rel)),
					 errdetail("The preview finds the rows to delete by their primary key, or by a core model's key column."),
					 errhint("Preview a model's table or a registered core model.")));
		keycol = pstrdup(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
	}
	MemoryContextSwitchTo(keep);
	if (get_attnum(relid, keycol) == InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("key column \"%s\" of table \"%s.%s\" does not exist", keycol,
						get_namespace_name(RelationGetNamespace(rel)), RelationGetRelationName(rel)),
				 errdetail("The core model registered for this table names column \"%s\" as its key.", keycol),
				 errhint("Rename the column back, or register the core model again with its new key column.")));
	keytype = get_atttype(relid, get_attnum(relid, keycol));
	if (ARR_ELEMTYPE(keys) != keytype)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("keys of table \"%s.%s\" are %s, not %s",
						get_namespace_name(RelationGetNamespace(rel)), RelationGetRelationName(rel),
						format_type_be(keytype), format_type_be(ARR_ELEMTYPE(keys))),
				 errdetail("The keys are matched against column \"%s\".", keycol),
				 errhint("Cast the array, for example ARRAY[1, 2]::%s[].", format_type_be(keytype))));

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(SeenRow);
	ctl.entrysize = sizeof(SeenRow);
	ctl.hcxt = CurrentMemoryContext;
	seen = hash_create("cmodel preview rows", 1024, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(Counted);
	counts = hash_create("cmodel preview counts", 16, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	{
		List	   *queue = list_make1(preview_step(relid,
													quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
																			   RelationGetRelationName(rel)),
													quote_identifier(keycol), keys, keytype));

		while (queue != NIL)
		{
			PreviewStep *step = linitial(queue);

			CHECK_FOR_INTERRUPTS();
			queue = list_concat(list_delete_first(queue), preview_rows(seen, counts, step, keep));
		}
	}
	SPI_finish();
	table_close(rel, AccessShareLock);

	sorted = palloc(sizeof(Counted *) * (hash_get_num_entries(counts) + 1));
	hash_seq_init(&hs, counts);
	while ((c = hash_seq_search(&hs)) != NULL)
		if (c->count > 0)
			sorted[n++] = c;
	qsort(sorted, n, sizeof(Counted *), compare_counted);
	initStringInfo(&json);
	appendStringInfoChar(&json, '{');
	for (i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoString(&json, ", ");
		escape_json(&json, sorted[i]->label);
		appendStringInfo(&json, ": " INT64_FORMAT, sorted[i]->count);
		total += sorted[i]->count;
	}
	appendStringInfoChar(&json, '}');

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "cmodel: cmodel_delete_preview must return a record");
	result[0] = Int64GetDatum(total);
	result[1] = DirectFunctionCall1(jsonb_in, CStringGetDatum(json.data));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), result, nulls)));
}

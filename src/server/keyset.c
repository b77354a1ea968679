/*-------------------------------------------------------------------------
 *
 * keyset.c
 *	  Sets of key values: the deleted parents' keys of one key column,
 *	  collected and handed over as one sorted array without duplicates.
 *
 * A cascade and a preview both turn rows into one array per parent key
 * column and match children with "= ANY (array)": sorted keys make the
 * child index scans sequential, and duplicates are dropped before they
 * cost a lookup.  Types without an ordering are kept as they come.
 *
 * src/server/keyset.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "utils/array.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/sortsupport.h"
#include "utils/typcache.h"

#include "cmodel.h"

/* See cmodel.h: one empty set per key column of a table's rules. */
CmKeySet *
cmodel_keysets(const CmRelInfo *info)
{
	CmKeySet   *sets = palloc0(sizeof(CmKeySet) * (info->nkeys + 1));
	int			k;

	for (k = 0; k < info->nkeys; k++)
	{
		sets[k].typlen = info->key_typlens[k];
		sets[k].typbyval = info->key_byvals[k];
	}
	return sets;
}

/* Order two keys with the type's sort support. */
static int
compare_datums(const void *a, const void *b, void *arg)
{
	return ApplySortComparator(*(const Datum *) a, false, *(const Datum *) b, false,
							   (SortSupport) arg);
}

/* See cmodel.h: the keys as a sorted array without duplicates, or NULL when empty. */
ArrayType *
cmodel_keyset_array(CmKeySet *ks, Oid type)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	TypeCacheEntry *tc = lookup_type_cache(type, TYPECACHE_LT_OPR);

	if (ks->n == 0)
		return NULL;
	get_typlenbyvalalign(type, &typlen, &typbyval, &typalign);
	if (OidIsValid(tc->lt_opr) && ks->n > 1)
	{
		SortSupportData ssup;
		int			i,
					out = 1;

		memset(&ssup, 0, sizeof(ssup));
		ssup.ssup_cxt = CurrentMemoryContext;
		ssup.ssup_collation = DEFAULT_COLLATION_OID;
		PrepareSortSupportFromOrderingOp(tc->lt_opr, &ssup);
		qsort_arg(ks->values, ks->n, sizeof(Datum), compare_datums, &ssup);
		for (i = 1; i < ks->n; i++)
			if (compare_datums(&ks->values[i], &ks->values[out - 1], &ssup) != 0)
				ks->values[out++] = ks->values[i];
		ks->n = out;
	}
	return construct_array(ks->values, ks->n, type, typlen, typbyval, typalign);
}

/* See cmodel.h: add a copy of one key. */
void
cmodel_keyset_add(CmKeySet *ks, Datum d)
{
	if (ks->n == ks->cap)
	{
		ks->cap = ks->cap ? ks->cap * 2 : 64;
		ks->values = ks->values ? repalloc_huge(ks->values, sizeof(Datum) * ks->cap) :
			palloc(sizeof(Datum) * ks->cap);
	}
	ks->values[ks->n++] = datumCopy(d, ks->typbyval, ks->typlen);
}

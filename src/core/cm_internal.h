/*-------------------------------------------------------------------------
 *
 * cm_internal.h
 *	  Helpers shared by the core's parser, validator and planner only.
 *
 * src/core/cm_internal.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CM_INTERNAL_H
#define CM_INTERNAL_H

#include "cm_core.h"

#include <stdarg.h>

/*
 * Report a problem in a model descriptor.  The message always names the
 * model, the field when there is one, and the JSON path, so an author can
 * find the spot: model "X", field "y" (at [1].fields[2].on_delete): ...
 */
extern bool cm_model_error(CmError *err, CmArena *arena, CmErrorKind kind,
						   const CmModel *m, const char *field,
						   const char *path, const char *detail,
						   const char *hint, const char *fmt,...)
			__attribute__((format(printf, 9, 10)));

/* names.c */
extern bool cm_is_identifier(const char *s);
extern char *cm_lower_dup(CmArena *a, const char *s);
extern char *cm_expand_name(CmArena *a, const CmModel *m, const char *s);
extern CmField *cm_find_field(CmModel *m, const char *name);

/* kinds.c: parsing the words descriptors use, and lists of them for details */
extern bool cm_field_type_parse(const char *name, CmFieldType *out);
extern char *cm_field_type_list(CmArena *arena);
extern const char *cm_column_type(CmArena *arena, const CmField *f, CmRules rules);
extern int	cm_django_max_length(CmFieldType t);
extern bool cm_on_delete_parse(const char *name, CmOnDelete *out);
extern const char *cm_index_class(CmIndexKind k);
extern const char *cm_index_suffix(CmIndexKind k);
extern bool cm_lookup_parse(const char *name, CmLookup *out);
extern char *cm_lookup_list(CmArena *arena);

/* arena.c: the allocator for jansson (see cm_set_memory) */
extern void *cm_mem_alloc(size_t size);
extern void cm_mem_release(void *ptr);

/*
 * The validator's view of one call: the batch, the registered models it does
 * not replace, and the snapshot (validate.c; indexes.c resolves indexes in
 * the same context).
 */
typedef struct VCtx
{
	CmArena    *a;
	const CmEnv *env;
	const CmSnapshot *snap;
	CmError    *err;
	int			nb;
	CmModel   **batch;
	int			nr;
	CmModel   **reg;			/* active registered models not in the batch */
	int			depth;			/* to_field chain depth */
} VCtx;

/* rules.c: what a namespace's rule set decides */
extern bool cm_is_auto_field(CmFieldType t);
extern bool cm_check_field_rules(VCtx *v, CmModel *m, CmField *f);
extern bool cm_check_key_rules(VCtx *v, CmModel *m, CmField *pk);
extern bool cm_column_not_null(const VCtx *v, const CmModel *m, const CmField *f);
extern bool cm_core_related_names_namespaced(const VCtx *v);

/* plan.c */
extern bool cm_default_draws_uuid(const CmField *f);

/* indexes.c */
extern bool cm_resolve_indexes(VCtx *v, CmModel *m);

#endif							/* CM_INTERNAL_H */

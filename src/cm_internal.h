/*-------------------------------------------------------------------------
 *
 * cm_internal.h
 *	  Helpers shared by the core's parser, validator and planner only.
 *
 * src/cm_internal.h
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

extern bool cm_is_identifier(const char *s);
extern bool cm_is_text_type(CmFieldType t);
extern const char *cm_column_type(CmArena *arena, const CmField *f);
extern const char *cm_lookup_name(CmLookup lk);

#endif							/* CM_INTERNAL_H */

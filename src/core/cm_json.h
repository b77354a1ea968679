/*-------------------------------------------------------------------------
 *
 * cm_json.h
 *	  jansson helpers shared by descriptor.c and normalize.c.
 *
 * Only core files that already use jansson include this header; server
 * files must not, because jansson's json_object() clashes with the
 * PostgreSQL function of the same name (see cm_json_object()).
 *
 * src/core/cm_json.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CM_JSON_H
#define CM_JSON_H

#include "cm_core.h"

#include <jansson.h>

extern char *cm_json_dump(CmArena *arena, json_t *v);
extern json_t *cm_json_object(void);

#endif							/* CM_JSON_H */

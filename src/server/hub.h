/*-------------------------------------------------------------------------
 *
 * hub.h
 *	  The attribute hub type, cmodel.hub, shared by its files: hub_io.c
 *	  (the value format, input and output, the store's key rule), hub_op.c
 *	  (reading and changing attributes), hub_query.c and hub_gin.c (finds),
 *	  hub_store.c (each namespace's store and its functions).
 *
 * A hub is a jsonb object in jsonb's own binary form, so it casts to jsonb
 * for free and reads naturally ("attrs->>'pager_number'").  Each attribute
 * is a key with its value; the types JSON cannot tell apart are named in a
 * map under the reserved key "$types":
 *
 *	{"office_hours": {"monday": "9-5"}, "pager_number": "555-1234",
 *	 "since": "2024-01-01", "visits": 12, "rate": 1.50,
 *	 "$types": {"office_hours": "json", "rate": "numeric", "since": "date"}}
 *
 * A string is text, an integral number bigint, true/false boolean and null
 * None, unless the map says numeric, date, timestamptz or json (a JSON
 * value, null included).  The canonical form lists exactly those four in
 * the map; dates are "YYYY-MM-DD" and timestamps UTC ISO 8601 (isotime.c
 * in the core).  Attribute names are 1 to 100 characters and do not start
 * with "$".
 *
 * src/server/hub.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CMODEL_HUB_H
#define CMODEL_HUB_H

#include "cm_core.h"
#include "fmgr.h"
#include "utils/jsonb.h"

#define CM_HUB_TYPES_KEY "$types"
#define CM_HUB_MAX_NAME 100		/* characters in an attribute name */

/* One attribute of a hub, unpacked. */
typedef struct CmHubAttr
{
	char	   *name;			/* not NUL-terminated */
	int			len;			/* bytes */
	CmHubType	type;
	JsonbValue	value;			/* points into the hub it came from */
} CmHubAttr;

/* A hub's attributes, unpacked, in the hub's key order. */
typedef struct CmHubAttrs
{
	int			n;
	int			cap;
	CmHubAttr  *attrs;
} CmHubAttrs;

/* hub_io.c */
extern void cmodel_hub_unpack(Jsonb *hub, bool validate, CmHubAttrs *out);
extern Jsonb *cmodel_hub_pack(const CmHubAttrs *attrs);
extern void cmodel_hub_check_name(const char *name, int len);
extern CmHubAttr *cmodel_hub_find(CmHubAttrs *attrs, const char *name, int len);
extern void cmodel_hub_put(CmHubAttrs *attrs, const CmHubAttr *attr);
extern void cmodel_hub_append(CmHubAttrs *attrs, const CmHubAttr *attr);
extern bool cmodel_hub_lookup(Jsonb *hub, const char *name, int len, CmHubAttr *out);
extern Jsonb *cmodel_hub_canonical(Jsonb *in);
/* a hub store's key (type or id) longer than CM_HUB_MAX_KEY characters: 22001 */
extern void cmodel_hub_check_key(const char *ns, const char *what, const char *s, int len);

/* hub_op.c */
extern void cmodel_hub_attr_of_datum(CmHubAttr *attr, const char *name, Datum d,
									 Oid typid, bool isnull);
extern void cmodel_hub_check_read_type(Oid want);
extern Datum cmodel_hub_read_typed(Jsonb *hub, text *name, Oid want, bool *isnull);
extern Jsonb *cmodel_hub_value_jsonb(const JsonbValue *v);

/*
 * hub_query.c: a find condition on one attribute (cmodel.hubquery):
 * equality for every type, ranges for numbers, dates and timestamps.  A
 * bigint and a numeric are both numbers, so 650 equals 650.0.
 */
typedef enum CmHubClass
{
	CM_HCLASS_NONE = 'z',
	CM_HCLASS_TEXT = 's',
	CM_HCLASS_NUMBER = 'n',
	CM_HCLASS_BOOLEAN = 'b',
	CM_HCLASS_DATE = 'd',
	CM_HCLASS_TIMESTAMPTZ = 't',
	CM_HCLASS_JSON = 'j'
} CmHubClass;

typedef struct CmHubQuery
{
	char	   *attr;			/* not NUL-terminated */
	int			attrlen;
	CmHubClass	cls;
	bool		has_eq;
	JsonbValue	eq;
	bool		has_lo;
	bool		lo_incl;
	JsonbValue	lo;
	bool		has_hi;
	bool		hi_incl;
	JsonbValue	hi;
} CmHubQuery;

extern CmHubClass cmodel_hub_class(CmHubType t);
extern void cmodel_hub_query_unpack(Jsonb *q, CmHubQuery *out);
extern bool cmodel_hub_matches(Jsonb *hub, const CmHubQuery *q);


#define DatumGetHubP(d)		((Jsonb *) PG_DETOAST_DATUM(d))
#define PG_GETARG_HUB_P(n)	DatumGetHubP(PG_GETARG_DATUM(n))
#define PG_RETURN_HUB_P(x)	PG_RETURN_POINTER(x)

#endif							/* CMODEL_HUB_H */

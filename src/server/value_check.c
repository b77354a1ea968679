/*-------------------------------------------------------------------------
 *
 * value_check.c
 *	  Check a plan's defaults and condition values against their column
 *	  types, before any of its DDL runs.
 *
 * The core lists the values (cm_plan_values) with the model, field and JSON
 * path of each; here each scalar goes through its type's input function in
 * a subtransaction, and the first that fails, or that the core finds would
 * be frozen ("now", "today"), becomes the core's error for it.  Only
 * built-in types' input functions run: registration runs with the
 * extension owner's rights.
 *
 * src/server/value_check.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/transam.h"
#include "fmgr.h"
#include "parser/parse_type.h"
#include "utils/lsyscache.h"

#include "cmodel.h"

typedef struct ValueInput
{
	const char *value;
	Oid			infunc;
	Oid			ioparam;
	int32		typmod;
} ValueInput;

static void
parse_value(void *arg)
{
	ValueInput *in = (ValueInput *) arg;

	(void) OidInputFunctionCall(in->infunc, (char *) in->value, in->ioparam, in->typmod);
}

/*
 * Does value parse as the SQL type?  Returns NULL if so, else the input
 * function's message.
 */
static char *
value_error(const char *value, const char *type)
{
	ValueInput	in;
	Oid			typid;
	ErrorData  *edata;

	in.value = value;
	parseTypeString(type, &typid, &in.typmod, false);
	/* input functions run with the extension owner's rights: built-in only */
	if (typid >= FirstNormalObjectId)
		return psprintf("values of type %s are not checked (it is not a built-in type)", type);
	getTypeInputInfo(typid, &in.infunc, &in.ioparam);
	edata = cmodel_run_caught(parse_value, &in);
	return edata ? edata->message : NULL;
}

/* See cmodel.h. */
void
cmodel_check_values(CmArena *arena, const CmPlan *plan)
{
	CmValueCheck *checks;
	int			n = cm_plan_values(arena, plan, &checks);
	int			i,
				k;

	for (i = 0; i < n; i++)
	{
		char	  **vals;
		int			nvals = cm_json_scalars(arena, checks[i].json, &vals);

		for (k = 0; k < nvals; k++)
		{
			const char *reason;
			CmError		err = {0};

			if (vals[k] == NULL)
				continue;
			reason = value_error(vals[k], checks[i].type);
			if (reason == NULL)
				reason = cm_value_frozen(vals[k], checks[i].type);
			if (reason == NULL)
				continue;
			cm_value_error(&err, arena, &checks[i], reason);
			cmodel_report_core_error(&err);
		}
	}
}

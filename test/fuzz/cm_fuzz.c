/*-------------------------------------------------------------------------
 *
 * cm_fuzz.c
 *	  libFuzzer target for the descriptor core: parse, resolve and plan any
 *	  input, then check the idempotence property.
 *
 * Whatever the bytes, the core must not crash, leak (LeakSanitizer runs at
 * exit of each input's arena) or trip UBSan.  When an input is accepted, the
 * plan is "applied" to a simulated snapshot and planned again: the second
 * plan must be empty, exactly as a second registration must issue no DDL.
 *
 * test/fuzz/cm_fuzz.c
 *
 *-------------------------------------------------------------------------
 */
#include "cm_core.h"
#include "../cm_testlib.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CmArena    *a = cm_arena_new();
	char	   *text = cm_strndup(a, (const char *) data, size);
	bool		is_array = size > 0 && data[0] == '[';
	CmSnapshot	snap,
				applied;
	CmPlan		plan,
				again;
	CmError		err = {0};

	cm_test_base_snapshot(&snap, "fuzz_ns");
	if (cm_plan_text(a, &cm_default_env, &snap, text, is_array, "plugin", &plan, &err))
	{
		cm_test_applied_snapshot(a, &snap, &plan, "plugin", &applied);
		memset(&err, 0, sizeof(err));
		if (!cm_plan_text(a, &cm_default_env, &applied, text, is_array, "plugin", &again, &err) ||
			again.nactions != 0)
		{
			fprintf(stderr, "idempotence violated: %s\n",
					again.nactions ? cm_action_name(again.actions[0].kind) : err.message);
			abort();
		}
	}
	else if (err.message == NULL || err.detail == NULL || err.hint == NULL)
	{
		fprintf(stderr, "error without message, detail and hint\n");
		abort();
	}
	cm_arena_free(a);
	return 0;
}

/*-------------------------------------------------------------------------
 *
 * cm_fuzz_isotime.c
 *	  libFuzzer target for the hub's ISO date and timestamp parser
 *	  (src/core/isotime.c).
 *
 * Whatever the bytes, parsing must not crash or read past its input (the
 * input is copied into a buffer of exactly its size, so ASan sees any
 * overread).  What parses must format, and the canonical text must parse
 * back to the same value and format to itself: the hub stores only that
 * text, so a value that did not survive the round trip would change when
 * read.
 *
 * test/fuzz/cm_fuzz_isotime.c
 *
 *-------------------------------------------------------------------------
 */
#include "cm_core.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fail(const char *what, const char *text)
{
	fprintf(stderr, "isotime: %s: %s\n", what, text);
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *s = malloc(size ? size : 1);
	int32_t		date,
				date2;
	int64_t		ts,
				ts2;
	char		out[CM_ISO_TIMESTAMP_LEN + 1],
				again[CM_ISO_TIMESTAMP_LEN + 1];

	memcpy(s, data, size);
	if (cm_iso_date_parse(s, size, &date))
	{
		if (!cm_iso_date_format(date, out))
			fail("a parsed date does not format", out);
		if (!cm_iso_date_parse(out, strlen(out), &date2) || date2 != date)
			fail("a formatted date does not parse back", out);
		if (strlen(out) != size || memcmp(out, s, size) != 0)
			fail("a valid date is not its own canonical form", out);
	}
	if (cm_iso_timestamp_parse(s, size, &ts))
	{
		if (!cm_iso_timestamp_format(ts, out))
			fail("a parsed timestamp does not format", out);
		if (!cm_iso_timestamp_parse(out, strlen(out), &ts2) || ts2 != ts)
			fail("a formatted timestamp does not parse back", out);
		if (!cm_iso_timestamp_format(ts2, again) || strcmp(again, out) != 0)
			fail("a canonical timestamp formats differently", out);
	}
	free(s);
	return 0;
}

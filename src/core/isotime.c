/*-------------------------------------------------------------------------
 *
 * isotime.c
 *	  ISO 8601 dates and timestamps as attribute hubs store them: strict
 *	  parsing, and the one canonical text of each.
 *
 * A hub keeps a date as "YYYY-MM-DD" and a timestamp as
 * "YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00" (always UTC, fractional seconds
 * without trailing zeros), so the stored text is the same whatever the
 * session's DateStyle or TimeZone, and reads naturally as JSON.  Input is
 * ISO 8601 only: a date is "YYYY-MM-DD"; a timestamp is a date, "T" or a
 * space, "HH:MM" with optional ":SS" and up to six fractional digits, and a
 * zone that must be given ("Z", "+HH", "+HHMM" or "+HH:MM", at most 15:59
 * either way: the session's zone is never guessed).  Years run from 1 to
 * 9999 after the offset is applied.  Values are counted as PostgreSQL
 * counts them (days, or microseconds, since 2000-01-01 UTC, proleptic
 * Gregorian calendar), so the server converts them without any parsing.
 *
 * Nothing here allocates or needs the server: the unit tests and a fuzz
 * target exercise it alone.
 *
 * src/core/isotime.c
 *
 *-------------------------------------------------------------------------
 */
#include "cm_core.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define USECS_PER_SEC	INT64_C(1000000)
#define USECS_PER_DAY	(INT64_C(86400) * USECS_PER_SEC)

/* Days from 1970-01-01 to 2000-01-01. */
#define EPOCH_2000_DAYS 10957

/*
 * Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil; exact for every year this file accepts).
 */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t		era;
	int			yoe,
				doy,
				doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (int) (y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The civil date of a count of days since 1970-01-01. */
static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t		era;
	int			doe,
				yoe,
				doy,
				mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (int) (z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp + (mp < 10 ? 3 : -9);
	*y = (int) (yoe + era * 400) + (*m <= 2);
}

static bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* n decimal digits at s into *out; false unless all n are digits. */
static bool
digits(const char *s, size_t len, size_t at, int n, int *out)
{
	int			v = 0;
	int			i;

	if (at + (size_t) n > len)
		return false;
	for (i = 0; i < n; i++)
	{
		char		c = s[at + i];

		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*out = v;
	return true;
}

/* "YYYY-MM-DD" at s[0..10), as days since 1970-01-01. */
static bool
parse_ymd(const char *s, size_t len, int64_t *days)
{
	int			y,
				m,
				d;

	if (len < 10 || !digits(s, len, 0, 4, &y) || s[4] != '-' ||
		!digits(s, len, 5, 2, &m) || s[7] != '-' || !digits(s, len, 8, 2, &d))
		return false;
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return false;
	*days = days_from_civil(y, m, d);
	return true;
}

/* Days since 1970-01-01 within the years 1..9999? */
static bool
days_in_range(int64_t days)
{
	return days >= days_from_civil(1, 1, 1) && days <= days_from_civil(9999, 12, 31);
}

/* See cm_core.h. */
bool
cm_iso_date_parse(const char *s, size_t len, int32_t *date)
{
	int64_t		days;

	if (len != 10 || !parse_ymd(s, len, &days))
		return false;
	*date = (int32_t) (days - EPOCH_2000_DAYS);
	return true;
}

/* See cm_core.h. */
bool
cm_iso_date_format(int32_t date, char out[CM_ISO_DATE_LEN + 1])
{
	int64_t		days = (int64_t) date + EPOCH_2000_DAYS;
	int			y,
				m,
				d;

	if (!days_in_range(days))
		return false;
	civil_from_days(days, &y, &m, &d);
	snprintf(out, CM_ISO_DATE_LEN + 1, "%04d-%02d-%02d", y, m, d);
	return true;
}

/* See cm_core.h. */
bool
cm_iso_timestamp_parse(const char *s, size_t len, int64_t *ts)
{
	int64_t		days;
	int			hh,
				mi,
				ss = 0,
				oh = 0,
				om = 0;
	int64_t		frac = 0;
	size_t		at = 16;
	int			sign;
	int64_t		usecs;

	if (!parse_ymd(s, len, &days) || len < 16 || (s[10] != 'T' && s[10] != ' ') ||
		!digits(s, len, 11, 2, &hh) || s[13] != ':' || !digits(s, len, 14, 2, &mi))
		return false;
	if (at < len && s[at] == ':')
	{
		if (!digits(s, len, at + 1, 2, &ss))
			return false;
		at += 3;
		if (at < len && s[at] == '.')
		{
			int			n = 0;

			at++;
			while (at < len && s[at] >= '0' && s[at] <= '9')
			{
				if (++n > 6)
					return false;
				frac = frac * 10 + (s[at++] - '0');
			}
			if (n == 0)
				return false;
			for (; n < 6; n++)
				frac *= 10;
		}
	}
	if (hh > 23 || mi > 59 || ss > 59 || at >= len)
		return false;
	/* the zone: Z, +HH, +HHMM or +HH:MM */
	if (s[at] == 'Z' && at + 1 == len)
		sign = 0;
	else if (s[at] == '+' || s[at] == '-')
	{
		sign = s[at] == '+' ? 1 : -1;
		if (!digits(s, len, at + 1, 2, &oh))
			return false;
		at += 3;
		if (at < len)
		{
			if (s[at] == ':')
				at++;
			if (!digits(s, len, at, 2, &om))
				return false;
			at += 2;
		}
		if (at != len || oh > 15 || om > 59)
			return false;
	}
	else
		return false;
	usecs = days * USECS_PER_DAY + ((int64_t) hh * 3600 + mi * 60 + ss) * USECS_PER_SEC + frac;
	usecs -= (int64_t) sign * ((int64_t) oh * 3600 + om * 60) * USECS_PER_SEC;
	days = usecs >= 0 ? usecs / USECS_PER_DAY : -((-usecs + USECS_PER_DAY - 1) / USECS_PER_DAY);
	if (!days_in_range(days))
		return false;
	*ts = usecs - (int64_t) EPOCH_2000_DAYS * USECS_PER_DAY;
	return true;
}

/* See cm_core.h. */
bool
cm_iso_timestamp_format(int64_t ts, char out[CM_ISO_TIMESTAMP_LEN + 1])
{
	int64_t		usecs;
	int64_t		days;
	int64_t		rem;
	int			y,
				m,
				d;
	int			frac,
				n;

	/* 2000-01-01 based, beyond the years 1..9999 either way: refuse */
	if (ts < -INT64_C(4000000) * USECS_PER_DAY || ts > INT64_C(4000000) * USECS_PER_DAY)
		return false;
	usecs = ts + (int64_t) EPOCH_2000_DAYS * USECS_PER_DAY;
	days = usecs >= 0 ? usecs / USECS_PER_DAY : -((-usecs + USECS_PER_DAY - 1) / USECS_PER_DAY);
	if (!days_in_range(days))
		return false;
	rem = usecs - days * USECS_PER_DAY;
	civil_from_days(days, &y, &m, &d);
	n = snprintf(out, CM_ISO_TIMESTAMP_LEN + 1, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d,
				 (int) (rem / (3600 * USECS_PER_SEC)), (int) (rem / (60 * USECS_PER_SEC) % 60),
				 (int) (rem / USECS_PER_SEC % 60));
	frac = (int) (rem % USECS_PER_SEC);
	if (frac)
	{
		int			width = 6;

		while (frac % 10 == 0)
		{
			frac /= 10;
			width--;
		}
		n += snprintf(out + n, (size_t) (CM_ISO_TIMESTAMP_LEN + 1 - n), ".%0*d", width, frac);
	}
	snprintf(out + n, (size_t) (CM_ISO_TIMESTAMP_LEN + 1 - n), "+00:00");
	return true;
}

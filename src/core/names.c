/*-------------------------------------------------------------------------
 *
 * names.c
 *	  The naming rules of namespaces, identifiers and indexes.
 *
 * A namespace is a schema name cmodel creates and owns; model, field and
 * index names are ASCII identifiers of at most 63 bytes; index names are
 * the SDK's <namespace>_<table>_<name>, shortened with a hash when they
 * would not fit, so a name is never truncated silently and two names never
 * collide.  Django's %(app_label)s and %(class)s placeholders are expanded
 * here too, for the validator and the index resolver alike.
 *
 * src/core/names.c
 *
 *-------------------------------------------------------------------------
 */
#include "cm_internal.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Namespaces and indexes
 * ------------------------------------------------------------------------
 */

/* The characters and length a namespace name may have. */
static bool
namespace_chars_ok(const char *ns)
{
	size_t		len = strlen(ns);
	const char *p;

	if (len == 0 || len > CM_MAX_IDENT || !((ns[0] >= 'a' && ns[0] <= 'z') || ns[0] == '_'))
		return false;
	for (p = ns; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

/* Schemas that are never namespaces. */
static bool
namespace_reserved(const char *ns)
{
	return strcmp(ns, "public") == 0 || strcmp(ns, "cmodel") == 0 ||
		strcmp(ns, "information_schema") == 0 || strncmp(ns, "pg_", 3) == 0;
}

/*
 * A namespace is a schema name we create and own: lower-case ASCII
 * identifier, at most 63 bytes, none of the reserved schemas.
 */
bool
cm_valid_namespace(const char *ns, CmArena *arena, CmError *err)
{
	if (!namespace_chars_ok(ns))
		return cm_set_error(err, arena, CM_ERR_INVALID,
							"A namespace name must match ^[a-z_][a-z0-9_]*$ and be at most 63 bytes long.",
							"Use the plugin's name in lower case, for example \"my_plugin\".",
							"invalid namespace name \"%s\"", ns);
	if (namespace_reserved(ns))
		return cm_set_error(err, arena, CM_ERR_RESERVED,
							"The schemas public, cmodel, information_schema and pg_* are reserved.",
							"Choose another namespace name, such as the plugin's name.",
							"namespace name \"%s\" is reserved", ns);
	return true;
}

/*
 * Could a schema of this name be a namespace?  The lifecycle guard asks for
 * every DDL statement before it looks at the registry.
 */
bool
cm_namespace_name_ok(const char *ns)
{
	return namespace_chars_ok(ns) && !namespace_reserved(ns);
}

/* FNV-1a, 64 bit: a stable hash for shortening long names. */
static uint64_t
cm_fnv1a(const char *s)
{
	uint64_t	h = 14695981039346656037ULL;

	for (; *s; s++)
	{
		h ^= (unsigned char) *s;
		h *= 1099511628211ULL;
	}
	return h;
}

/*
 * The database name of an index: the SDK's <namespace>_<table>_<name> when it
 * fits in 63 bytes, otherwise its first bytes followed by "_" and 8 hex
 * digits of a hash of the whole name, so distinct long names stay distinct
 * and the same name always maps to the same index.
 */
char *
cm_index_name(CmArena *arena, const char *ns, const char *table,
			  const char *name)
{
	char	   *full = cm_printf(arena, "%s_%s_%s", ns, table, name);
	size_t		len = strlen(full);
	uint64_t	h;
	size_t		keep = CM_MAX_IDENT - 9;

	if (len <= CM_MAX_IDENT)
		return full;
	h = cm_fnv1a(full);
	/* do not cut a multibyte character in half */
	while (keep > 0 && ((unsigned char) full[keep] & 0xC0) == 0x80)
		keep--;
	return cm_printf(arena, "%.*s_%08x", (int) keep, full,
					 (unsigned int) ((h >> 32) ^ (h & 0xffffffffu)));
}

/* ------------------------------------------------------------------------
 * Identifiers and model names
 * ------------------------------------------------------------------------
 */

/* ASCII identifier: [A-Za-z_][A-Za-z0-9_]*, at most 63 bytes. */
bool
cm_is_identifier(const char *s)
{
	const char *p;

	if (!s || !*s || strlen(s) > CM_MAX_IDENT)
		return false;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
		return false;
	for (p = s + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

/* A lower-case copy, as Django derives table names from class names. */
char *
cm_lower_dup(CmArena *a, const char *s)
{
	char	   *r = cm_strdup(a, s);
	char	   *p;

	for (p = r; *p; p++)
		*p = (char) tolower((unsigned char) *p);
	return r;
}

/* A field of a resolved model (own or inherited) by name, or NULL. */
CmField *
cm_find_field(CmModel *m, const char *name)
{
	int			i;

	for (i = 0; i < m->nall_fields; i++)
		if (strcmp(m->all_fields[i]->name, name) == 0)
			return m->all_fields[i];
	return NULL;
}

/* Expand %(app_label)s and %(class)s in a name, as Django does. */
char *
cm_expand_name(CmArena *a, const CmModel *m, const char *s)
{
	CmBuf		b;
	const char *p = s;

	if (s == NULL)
		return NULL;
	cm_buf_init(&b, a);
	while (*p)
	{
		if (strncmp(p, "%(app_label)s", 13) == 0)
		{
			cm_buf_puts(&b, m->app_label);
			p += 13;
		}
		else if (strncmp(p, "%(class)s", 9) == 0)
		{
			cm_buf_puts(&b, cm_lower_dup(a, m->name));
			p += 9;
		}
		else
			cm_buf_putn(&b, p++, 1);
	}
	return b.data;
}

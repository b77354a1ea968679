/*-------------------------------------------------------------------------
 *
 * cm_util.c
 *	  Arena allocation, string buffers, errors and naming for the core.
 *
 * The arena is a chain of malloc'd blocks; everything the core allocates
 * lives until cm_arena_free(), which makes the parser and planner leak-free
 * by construction even on error paths.  Naming rules shared by the validator
 * and the planner (namespace names, index names that never exceed 63 bytes)
 * live here too, with the error builder that names model, field and JSON
 * path, and the mapping from field types to column types.
 *
 * src/core/cm_util.c
 *
 *-------------------------------------------------------------------------
 */
#include "cm_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CM_BLOCK_SIZE 8192

typedef struct CmBlock
{
	struct CmBlock *next;
	size_t		used;
	size_t		size;
	/* data follows, max-aligned */
} CmBlock;

struct CmArena
{
	CmBlock    *head;
};

#define CM_ALIGN(n) (((n) + 15) & ~(size_t) 15)
#define BLOCK_DATA(b) ((char *) (b) + CM_ALIGN(sizeof(CmBlock)))

/*
 * Allocation failure cannot be reported through CmError from everywhere, so
 * it aborts; the backend never reaches this in practice (it would have run
 * out of memory in palloc first) and the fuzzer treats it as a crash.
 */
static void *
cm_xmalloc(size_t n)
{
	void	   *p = malloc(n);

	if (p == NULL)
	{
		fprintf(stderr, "cmodel core: out of memory\n");
		abort();
	}
	return p;
}

/* Create an empty arena. */
CmArena *
cm_arena_new(void)
{
	CmArena    *a = cm_xmalloc(sizeof(CmArena));

	a->head = NULL;
	return a;
}

/* Release an arena and everything allocated from it. */
void
cm_arena_free(CmArena *arena)
{
	CmBlock    *b;

	if (arena == NULL)
		return;
	b = arena->head;
	while (b)
	{
		CmBlock    *next = b->next;

		free(b);
		b = next;
	}
	free(arena);
}

/* Allocate zeroed memory from the arena. */
void *
cm_alloc(CmArena *arena, size_t size)
{
	CmBlock    *b = arena->head;
	void	   *p;

	size = CM_ALIGN(size ? size : 1);
	if (b == NULL || b->size - b->used < size)
	{
		size_t		bsize = size > CM_BLOCK_SIZE ? size : CM_BLOCK_SIZE;

		b = cm_xmalloc(CM_ALIGN(sizeof(CmBlock)) + bsize);
		b->used = 0;
		b->size = bsize;
		b->next = arena->head;
		arena->head = b;
	}
	p = BLOCK_DATA(b) + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

/* Copy a string into the arena (NULL stays NULL). */
char *
cm_strdup(CmArena *arena, const char *s)
{
	return s ? cm_strndup(arena, s, strlen(s)) : NULL;
}

/* Copy n bytes of a string into the arena, NUL-terminated. */
char *
cm_strndup(CmArena *arena, const char *s, size_t n)
{
	char	   *p = cm_alloc(arena, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* printf into a new arena string. */
char *
cm_printf(CmArena *arena, const char *fmt,...)
{
	CmBuf		buf;
	va_list		ap;
	int			n;

	cm_buf_init(&buf, arena);
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	buf.data = cm_alloc(arena, (size_t) n + 1);
	va_start(ap, fmt);
	vsnprintf(buf.data, (size_t) n + 1, fmt, ap);
	va_end(ap);
	return buf.data;
}

/* ------------------------------------------------------------------------
 * String buffers
 * ------------------------------------------------------------------------
 */

/* Start an empty buffer. */
void
cm_buf_init(CmBuf *buf, CmArena *arena)
{
	buf->arena = arena;
	buf->cap = 64;
	buf->len = 0;
	buf->data = cm_alloc(arena, buf->cap);
}

/* Append n bytes; old storage stays in the arena until it is freed. */
void
cm_buf_putn(CmBuf *buf, const char *s, size_t n)
{
	if (buf->len + n + 1 > buf->cap)
	{
		size_t		cap = buf->cap * 2;
		char	   *data;

		while (cap < buf->len + n + 1)
			cap *= 2;
		data = cm_alloc(buf->arena, cap);
		memcpy(data, buf->data, buf->len);
		buf->data = data;
		buf->cap = cap;
	}
	memcpy(buf->data + buf->len, s, n);
	buf->len += n;
	buf->data[buf->len] = '\0';
}

/* Append a string. */
void
cm_buf_puts(CmBuf *buf, const char *s)
{
	cm_buf_putn(buf, s, strlen(s));
}

/* Append formatted text. */
void
cm_buf_printf(CmBuf *buf, const char *fmt,...)
{
	va_list		ap;
	int			n;
	char	   *tmp;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	tmp = cm_alloc(buf->arena, (size_t) n + 1);
	va_start(ap, fmt);
	vsnprintf(tmp, (size_t) n + 1, fmt, ap);
	va_end(ap);
	cm_buf_putn(buf, tmp, (size_t) n);
}

/* ------------------------------------------------------------------------
 * Errors and default hooks
 * ------------------------------------------------------------------------
 */

/*
 * Fill *err and return false, so callers can write
 * "return cm_set_error(...)".  detail and hint are copied as given.
 */
bool
cm_set_error(CmError *err, CmArena *arena, CmErrorKind kind,
			 const char *detail, const char *hint, const char *fmt,...)
{
	va_list		ap;
	int			n;

	err->kind = kind;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	err->message = cm_alloc(arena, (size_t) n + 1);
	va_start(ap, fmt);
	vsnprintf(err->message, (size_t) n + 1, fmt, ap);
	va_end(ap);
	err->detail = cm_strdup(arena, detail);
	err->hint = cm_strdup(arena, hint);
	return false;
}

/* Always double-quote: correct for any identifier, if not the prettiest. */
static void
default_quote_ident(CmBuf *out, const char *ident)
{
	const char *p;

	cm_buf_puts(out, "\"");
	for (p = ident; *p; p++)
	{
		if (*p == '"')
			cm_buf_puts(out, "\"");
		cm_buf_putn(out, p, 1);
	}
	cm_buf_puts(out, "\"");
}

/* Standard-conforming literal, E'' form when backslashes are present. */
static void
default_quote_literal(CmBuf *out, const char *lit)
{
	const char *p;

	if (strchr(lit, '\\'))
		cm_buf_puts(out, "E");
	cm_buf_puts(out, "'");
	for (p = lit; *p; p++)
	{
		if (*p == '\'' || *p == '\\')
			cm_buf_putn(out, p, 1);
		cm_buf_putn(out, p, 1);
	}
	cm_buf_puts(out, "'");
}

const CmEnv cm_default_env = {default_quote_ident, default_quote_literal};

/* ------------------------------------------------------------------------
 * Naming
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

/* The Django class name of a field type. */
const char *
cm_field_type_name(CmFieldType t)
{
	static const char *const names[] = {
		"TextField", "CharField", "EmailField", "URLField", "SlugField",
		"IntegerField", "BigIntegerField", "SmallIntegerField", "FloatField",
		"DecimalField", "BooleanField", "DateField", "DateTimeField",
		"TimeField", "DurationField", "UUIDField", "JSONField", "ForeignKey",
		"OneToOneField", "ManyToManyField"
	};

	return names[t];
}

/* ------------------------------------------------------------------------
 * Model errors and field type helpers
 * ------------------------------------------------------------------------
 */

/* See cm_internal.h. */
bool
cm_model_error(CmError *err, CmArena *arena, CmErrorKind kind,
			   const CmModel *m, const char *field, const char *path,
			   const char *detail, const char *hint, const char *fmt,...)
{
	va_list		ap;
	int			n;
	char	   *msg;
	const char *mname = (m && m->name) ? m->name : "?";
	const char *prefix = (m && m->path) ? m->path : "";

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	msg = cm_alloc(arena, (size_t) n + 1);
	va_start(ap, fmt);
	vsnprintf(msg, (size_t) n + 1, fmt, ap);
	va_end(ap);

	if (field)
		return cm_set_error(err, arena, kind, detail, hint,
							"model \"%s\", field \"%s\" (at %s%s): %s",
							mname, field, prefix, path ? path : "", msg);
	if (path && *path)
		return cm_set_error(err, arena, kind, detail, hint,
							"model \"%s\" (at %s%s): %s", mname, prefix, path, msg);
	/* the batch prefix alone, "[2].", names the descriptor as "[2]" */
	return cm_set_error(err, arena, kind, detail, hint,
						"model \"%s\"%s%.*s%s: %s", mname,
						*prefix ? " (at " : "",
						(int) (strlen(prefix) - (*prefix && prefix[strlen(prefix) - 1] == '.')),
						prefix, *prefix ? ")" : "", msg);
}

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

/* Fields that point at another model. */
bool
cm_is_relation(CmFieldType t)
{
	return t == CM_F_FOREIGNKEY || t == CM_F_ONETOONE || t == CM_F_MANYTOMANY;
}

/* Column type of a non-relation field. */
const char *
cm_column_type(CmArena *arena, const CmField *f)
{
	switch (f->type)
	{
		case CM_F_INTEGER:
			return "integer";
		case CM_F_BIGINT:
			return "bigint";
		case CM_F_SMALLINT:
			return "smallint";
		case CM_F_FLOAT:
			return "double precision";
		case CM_F_DECIMAL:
			return cm_printf(arena, "numeric(%d,%d)", f->max_digits, f->decimal_places);
		case CM_F_BOOLEAN:
			return "boolean";
		case CM_F_DATE:
			return "date";
		case CM_F_DATETIME:
			return "timestamp with time zone";
		case CM_F_TIME:
			return "time without time zone";
		case CM_F_DURATION:
			return "interval";
		case CM_F_UUID:
			return "uuid";
		case CM_F_JSON:
			return "jsonb";
		default:
			return "text";
	}
}

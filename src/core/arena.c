/*-------------------------------------------------------------------------
 *
 * arena.c
 *	  The core's memory: the host's allocator, arenas, string buffers, and
 *	  the errors the core reports.
 *
 * Every byte the core uses comes from the host's allocator (cm_set_memory,
 * or cm_memory_push while the core runs), jansson's included: inside the
 * server that is the server's memory, and running out of it is the server's
 * ordinary out-of-memory error (the allocator hook raises it and never
 * returns).  Standalone tools keep
 * libc's malloc, and abort when it fails.  The arena is a chain of blocks;
 * everything the core allocates lives until cm_arena_free(), which makes
 * the parser and planner leak-free by construction even on error paths.
 *
 * src/core/arena.c
 *
 *-------------------------------------------------------------------------
 */
#include "cm_internal.h"

#include <jansson.h>
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

/* No single request may be this large: its size would overflow. */
#define CM_MAX_REQUEST (SIZE_MAX / 4)

/* ------------------------------------------------------------------------
 * The host's allocator
 * ------------------------------------------------------------------------
 */

/* Standalone: libc, and a failure ends the process with a message. */
static void
default_out_of_memory(size_t size)
{
	fprintf(stderr, "cmodel core: out of memory (%zu bytes requested)\n", size);
	abort();
}

static const CmMemory default_memory = {malloc, free, default_out_of_memory};
static const CmMemory *memory = &default_memory;

/* See cm_core.h. */
void
cm_set_memory(const CmMemory *mem)
{
	memory = mem ? mem : &default_memory;
	json_set_alloc_funcs(cm_mem_alloc, cm_mem_release);
}

/* See cm_core.h. */
void
cm_memory_push(const CmMemory *mem, CmMemorySave *save)
{
	save->memory = memory;
	json_get_alloc_funcs(&save->json_alloc, &save->json_free);
	memory = mem;
	json_set_alloc_funcs(cm_mem_alloc, cm_mem_release);
}

/* See cm_core.h. */
void
cm_memory_pop(const CmMemorySave *save)
{
	memory = save->memory;
	json_set_alloc_funcs(save->json_alloc, save->json_free);
}

/*
 * Allocate from the host; never returns NULL (the host's out_of_memory does
 * not return).  jansson allocates through here too.
 */
void *
cm_mem_alloc(size_t size)
{
	void	   *p = size <= CM_MAX_REQUEST ? memory->alloc(size ? size : 1) : NULL;

	if (p == NULL)
	{
		memory->out_of_memory(size);
		abort();				/* an out_of_memory hook that returns is a bug */
	}
	return p;
}

/* Give memory from cm_mem_alloc back to the host. */
void
cm_mem_release(void *ptr)
{
	if (ptr)
		memory->release(ptr);
}

/* ------------------------------------------------------------------------
 * Arenas
 * ------------------------------------------------------------------------
 */

/* Create an empty arena. */
CmArena *
cm_arena_new(void)
{
	CmArena    *a = cm_mem_alloc(sizeof(CmArena));

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

		cm_mem_release(b);
		b = next;
	}
	cm_mem_release(arena);
}

/* Allocate zeroed memory from the arena. */
void *
cm_alloc(CmArena *arena, size_t size)
{
	CmBlock    *b = arena->head;
	void	   *p;

	if (size > CM_MAX_REQUEST)
		(void) cm_mem_alloc(size);	/* reports it and does not return */
	size = CM_ALIGN(size ? size : 1);
	if (b == NULL || b->size - b->used < size)
	{
		size_t		bsize = size > CM_BLOCK_SIZE ? size : CM_BLOCK_SIZE;

		b = cm_mem_alloc(CM_ALIGN(sizeof(CmBlock)) + bsize);
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
 * Model errors
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


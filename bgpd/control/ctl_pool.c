/* SPDX-License-Identifier: ISC */
/*
 * ctl_pool.c: see ctl_pool.h.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/control/ctl_pool.h"
#include "bgpd/util/log.h"

static void *
pool_keep(struct ctl_pool *p, void *item)
{
	if (p->n == p->cap) {
		p->cap = p->cap == 0 ? 64 : p->cap * 2;
		if ((p->items = reallocarray(p->items, p->cap,
		    sizeof(*p->items))) == NULL)
			fatal("reallocarray");
	}
	p->items[p->n++] = item;
	return item;
}

void *
pool_alloc(struct ctl_pool *p, size_t n)
{
	void	*item;

	if ((item = calloc(1, n == 0 ? 1 : n)) == NULL)
		fatal("calloc");
	return pool_keep(p, item);
}

char *
pool_str(struct ctl_pool *p, const char *s)
{
	char	*d;

	if ((d = strdup(s != NULL ? s : "")) == NULL)
		fatal("strdup");
	return pool_keep(p, d);
}

char *
pool_printf(struct ctl_pool *p, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	return pool_keep(p, s);
}

void
pool_free(struct ctl_pool *p)
{
	size_t	i;

	for (i = 0; i < p->n; i++)
		free(p->items[i]);
	free(p->items);
	memset(p, 0, sizeof(*p));
}

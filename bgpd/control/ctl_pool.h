/* SPDX-License-Identifier: ISC */
/*
 * ctl_pool.h: the strings and sub-messages a reply points at live in a
 * pool freed at once when the reply has been sent.
 */
#ifndef VTB_CTL_POOL_H
#define VTB_CTL_POOL_H

#include <stddef.h>

struct ctl_pool {
	void	**items;
	size_t	  n;
	size_t	  cap;
};

/* n zeroed bytes, owned by the pool. */
void	*pool_alloc(struct ctl_pool *, size_t n);
/* A copy of s, or of the formatted text, owned by the pool. */
char	*pool_str(struct ctl_pool *, const char *s);
char	*pool_printf(struct ctl_pool *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 pool_free(struct ctl_pool *);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * privdrop.h: giving up root after start (config `user`).
 */
#ifndef VTB_PRIVDROP_H
#define VTB_PRIVDROP_H

#include <stddef.h>
#include <sys/types.h>

/* The uid and primary gid of user; -1 with why if none, or root. */
int	priv_lookup(const char *user, uid_t *uid, gid_t *gid, char *why,
	    size_t len);

/*
 * Become user (its primary group only), keeping CAP_NET_ADMIN,
 * CAP_NET_RAW and CAP_NET_BIND_SERVICE, nothing else, for good.  0, or
 * -1 with why (the process may then be half-way: exit).
 */
int	priv_drop(const char *user, char *why, size_t len);

#endif

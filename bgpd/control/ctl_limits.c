/* SPDX-License-Identifier: ISC */
/*
 * ctl_limits.c: who may connect to the control socket and how much its
 * clients may take, so that no local user can slow the routing or lock
 * out the operator (root and the members of the control group).
 *
 * Connections: max_clients in all, of which the last `reserved` only for
 * the operator; other uids at most per_uid each.  Memory: the buffers of
 * all clients (requests as they arrive, answers not yet read) share
 * mem_budget, of which mem_reserved only for the operator; a client whose
 * class is over its share is not read from until memory is freed.  Time:
 * control work takes at most slice_us per loop iteration (the routing
 * work of the iteration runs first: libev priorities).
 */
#include "config.h"

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>

#include "bgpd/control/ctl_server_impl.h"
#include "bgpd/util/clock.h"

void
ctl_limits_default(struct ctl_limits *l)
{
	l->max_clients = CTL_MAX_CLIENTS;
	l->reserved = CTL_RESERVED_CLIENTS;
	l->per_uid = CTL_MAX_CLIENTS_PER_UID;
	l->max_queue = CTL_MAX_QUEUE;
	l->idle_s = CTL_IDLE_S;
	l->mem_budget = CTL_MEM_BUDGET;
	l->mem_reserved = CTL_MEM_RESERVED;
	l->slice_us = CTL_SLICE_US;
}

/* ---- permissions -------------------------------------------------------- */

/* Is gid among the groups of user uid (primary and supplementary)? */
static bool
user_in_group(uid_t uid, gid_t gid)
{
	struct passwd	*pw;
	gid_t		*groups;
	int		 n = 16, i, prev;
	bool		 found = false;

	if ((pw = getpwuid(uid)) == NULL)
		return false;
	if (pw->pw_gid == gid)
		return true;
	for (;;) {
		if ((groups = calloc((size_t)n, sizeof(*groups))) == NULL)
			return false;
		prev = n;
		if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) != -1)
			break;
		free(groups);
		if (n <= prev)
			n = prev * 2;
		if (n > 65536)
			return false;
	}
	for (i = 0; i < n && !found; i++)
		found = groups[i] == gid;
	free(groups);
	return found;
}

bool
limits_may_change_state(const struct ctl_server *s, const struct ctl_peer *p)
{
	struct group	*gr;
	gid_t		 gid;

	if (p->uid == 0)
		return true;
	if (s->group == NULL || (gr = getgrnam(s->group)) == NULL)
		return false;
	gid = gr->gr_gid;
	return p->gid == gid || user_in_group(p->uid, gid);
}

/* ---- connections -------------------------------------------------------- */

static struct ctl_uid *
uid_get(struct ctl_server *s, const struct ctl_peer *p)
{
	struct ctl_uid	*u;

	LIST_FOREACH(u, &s->uids, entry)
		if (u->uid == p->uid)
			return u;
	if ((u = calloc(1, sizeof(*u))) == NULL)
		return NULL;
	u->uid = p->uid;
	u->operator = limits_may_change_state(s, p);
	LIST_INSERT_HEAD(&s->uids, u, entry);
	return u;
}

int
limits_admit(struct ctl_server *s, const struct ctl_peer *p,
    struct ctl_uid **who, char *why, size_t len)
{
	const struct ctl_limits	*l = &s->lim;
	struct ctl_uid		*u;

	if (s->n_clients >= l->max_clients) {
		s->st.refused_clients++;
		snprintf(why, len, "too many control clients (limit %u)",
		    l->max_clients);
		return -1;
	}
	if ((u = uid_get(s, p)) == NULL) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	if (!u->operator && s->n_clients + l->reserved >= l->max_clients) {
		s->st.refused_reserved++;
		snprintf(why, len, "too many control clients (limit %u; the "
		    "last %u are kept for root and the control group)",
		    l->max_clients, l->reserved);
	} else if (!u->operator && u->conns >= l->per_uid) {
		s->st.refused_per_uid++;
		snprintf(why, len, "too many control clients of uid %lu "
		    "(limit %u per user)", (unsigned long)p->uid, l->per_uid);
	} else {
		u->conns++;
		*who = u;
		return 0;
	}
	if (u->conns == 0)
		limits_leave(s, u);
	return -1;
}

void
limits_leave(struct ctl_server *s, struct ctl_uid *u)
{
	if (u->conns > 0)
		u->conns--;
	if (u->conns == 0) {
		LIST_REMOVE(u, entry);
		free(u);
	}
}

void
limits_regroup(struct ctl_server *s)
{
	struct ctl_peer	 p = { 0, 0, (gid_t)-1 };
	struct ctl_uid	*u;

	LIST_FOREACH(u, &s->uids, entry) {
		p.uid = u->uid;
		u->operator = limits_may_change_state(s, &p);
	}
}

/* ---- memory ------------------------------------------------------------- */

static size_t
mem_limit(const struct ctl_client *c)
{
	const struct ctl_limits	*l = &c->srv->lim;

	if (c->who->operator || l->mem_reserved >= l->mem_budget)
		return l->mem_budget;
	return l->mem_budget - l->mem_reserved;
}

bool
limits_mem_room(const struct ctl_client *c)
{
	return c->srv->mem_used < mem_limit(c);
}

int
limits_charge(struct ctl_client *c, size_t n, bool force)
{
	struct ctl_server	*s = c->srv;

	if (!force && s->mem_used + n > mem_limit(c))
		return -1;
	s->mem_used += n;
	c->mem += n;
	return 0;
}

void
limits_release(struct ctl_client *c, size_t n)
{
	c->mem -= n;
	c->srv->mem_used -= n;
	if (c->srv->n_paused > 0)
		ctl_server_kick(c->srv);
}

void
limits_resume(struct ctl_server *s)
{
	struct ctl_client	*c;

	if (s->n_paused == 0)
		return;
	TAILQ_FOREACH(c, &s->clients, entry) {
		if (!c->paused || !limits_mem_room(c))
			continue;
		c->paused = false;
		s->n_paused--;
		if (!c->closing && !c->dropped)
			ev_io_start(s->loop, &c->rio);
	}
}

/* ---- time --------------------------------------------------------------- */

bool
ctl_server_slice_left(struct ctl_server *s)
{
	unsigned	it = ev_iteration(s->loop);
	uint64_t	now = clock_mono_us();

	if (it != s->slice_iter || s->slice_start_us == 0) {
		s->slice_iter = it;
		s->slice_start_us = now;
		s->slice_spent = false;
		return true;
	}
	if (s->slice_spent)
		return false;
	if (now - s->slice_start_us < s->lim.slice_us)
		return true;
	s->slice_spent = true;
	s->st.slices_spent++;
	return false;
}

void
ctl_server_stats(const struct ctl_server *s, struct ctl_stats *st)
{
	const struct ctl_client	*c;

	*st = s->st;
	st->clients = s->n_clients;
	st->operator_clients = 0;
	TAILQ_FOREACH(c, &s->clients, entry)
		st->operator_clients += c->who->operator;
	st->memory = s->mem_used;
}

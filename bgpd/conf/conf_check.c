/* SPDX-License-Identifier: ISC */
/*
 * conf_check.c: defaults, cross-checks that need the whole file, and the
 * small helpers around struct conf (free, lookups, messages).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/conf/conf_impl.h"

static const struct conf_pos nowhere = { 0, 0 };

void
conf_set_defaults(struct conf *c)
{
	c->gr_time_s = 10;
	c->stalepath_s = 360;	/* as FRR and Cisco IOS */
	c->return_steering = true;
	if ((c->control_group = strdup("vtibgp")) == NULL)
		fatal("strdup");
	c->defaults.hold_s = 30;
	c->defaults.keepalive_s = 10;
	c->defaults.connect_retry_ms = 5000;
	c->import.max_prefix = CONF_MAX_PREFIX_DEFAULT;
	c->import.max_prefix_restart_ms = 60000;
	c->kernel.table = CONF_TABLE_MAIN;
	c->kernel.protocol = CONF_PROTO_BGP;
	c->kernel.metric = 20;
	c->kernel.nexthop_compat = CONF_COMPAT_OFF;
}

int
conf_errorf(struct conf_error *err, struct conf_pos pos, const char *fmt,
    ...)
{
	va_list	ap;

	err->pos = pos;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void
conf_warnf(struct conf *c, struct conf_pos pos, const char *fmt, ...)
{
	struct conf_warning	*w;
	va_list			 ap;

	if ((c->warnings = reallocarray(c->warnings, c->n_warnings + 1,
	    sizeof(*c->warnings))) == NULL)
		fatal("reallocarray");
	w = &c->warnings[c->n_warnings++];
	w->pos = pos;
	va_start(ap, fmt);
	if (vasprintf(&w->msg, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
}

char *
conf_warning_str(const struct conf_warning *w, const char *file, char *buf,
    size_t len)
{
	if (w->pos.line > 0)
		snprintf(buf, len, "%s:%d:%d: warning: %s", file, w->pos.line,
		    w->pos.col, w->msg);
	else
		snprintf(buf, len, "%s: warning: %s", file, w->msg);
	return buf;
}

char *
conf_error_str(const struct conf_error *err, char *buf, size_t len)
{
	if (err->pos.line > 0)
		snprintf(buf, len, "%s:%d:%d: %s", err->file, err->pos.line,
		    err->pos.col, err->msg);
	else
		snprintf(buf, len, "%s: %s", err->file, err->msg);
	return buf;
}

char *
conf_prefix_str(const struct conf_prefix *p, char *buf, size_t len)
{
	char	addr[INET6_ADDRSTRLEN];

	if (inet_ntop(p->af, &p->addr6, addr, sizeof(addr)) == NULL)
		snprintf(addr, sizeof(addr), "?");
	snprintf(buf, len, "%s/%u", addr, p->len);
	return buf;
}

char *
conf_neighbor_str(const struct conf_neighbor *n, bool local, char *buf,
    size_t len)
{
	if (inet_ntop(n->af, local ? &n->local_addr6 : &n->addr6, buf,
	    (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

bool
conf_prefix_eq(const struct conf_prefix *a, const struct conf_prefix *b)
{
	return a->af == b->af && a->len == b->len &&
	    memcmp(&a->addr6, &b->addr6, sizeof(a->addr6)) == 0;
}

size_t
conf_networks_count(const struct conf *c, uint8_t af)
{
	size_t	i, n = 0;

	for (i = 0; i < c->n_networks; i++)
		if (c->networks[i].af == af)
			n++;
	return n;
}

size_t
conf_export_count(const struct conf *c, uint8_t af)
{
	size_t	i, n = 0;

	for (i = 0; i < c->n_networks; i++) {
		if (c->networks[i].af != af)
			continue;
		n++;
		if (c->return_steering &&
		    c->networks[i].len < (af == AF_INET ? 32 : 128))
			n += 2;
	}
	return n;
}

size_t
conf_export_max(const struct conf *c)
{
	size_t	n4 = conf_export_count(c, AF_INET);
	size_t	n6 = conf_export_count(c, AF_INET6);

	return n4 > n6 ? n4 : n6;
}

const struct conf_neighbor *
conf_find_neighbor(const struct conf *c, struct in_addr addr)
{
	size_t	i;

	for (i = 0; i < c->n_neighbors; i++)
		if (c->neighbors[i].af == AF_INET &&
		    c->neighbors[i].addr.s_addr == addr.s_addr)
			return &c->neighbors[i];
	return NULL;
}

void
conf_free(struct conf *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n_neighbors; i++) {
		free(c->neighbors[i].description);
		free(c->neighbors[i].password);
	}
	for (i = 0; i < c->n_warnings; i++)
		free(c->warnings[i].msg);
	free(c->warnings);
	free(c->neighbors);
	free(c->networks);
	free(c->import.allow);
	free(c->user);
	free(c->control_group);
	free(c);
}

/*
 * At most CONF_MAX_EXPORT network lines, IPv4 and IPv6 together; with
 * return steering, what one neighbor gets (its family's networks and
 * their halves) must fit too.
 */
static int
check_export(struct conf *c, const struct conf_where *w,
    struct conf_error *err)
{
	size_t	n;
	uint8_t	af;

	if (c->n_networks > CONF_MAX_EXPORT)
		return conf_errorf(err, w->networks[CONF_MAX_EXPORT],
		    "more than %d networks: an AWS VGW accepts at most %d "
		    "prefixes", CONF_MAX_EXPORT, CONF_MAX_EXPORT);
	af = conf_export_count(c, AF_INET) >= conf_export_count(c,
	    AF_INET6) ? AF_INET : AF_INET6;
	if ((n = conf_export_count(c, af)) > CONF_MAX_EXPORT)
		return conf_errorf(err, w->networks[0],
		    "%zu %snetworks with return-steering on may announce %zu "
		    "prefixes (each network and its two halves), over the %d "
		    "an AWS VGW accepts: announce fewer networks or set "
		    "return-steering off", conf_networks_count(c, af),
		    conf_networks_count(c, af) == c->n_networks ? "" :
		    af == AF_INET ? "IPv4 " : "IPv6 ", n, CONF_MAX_EXPORT);
	if (c->n_networks == 0)
		conf_warnf(c, nowhere, "no network configured: nothing is "
		    "announced, so AWS has no route back to this site");
	return 0;
}

/* Merge the defaults into n's timers and check that they fit together. */
static int
check_timers(struct conf *c, struct conf_neighbor *n, const struct nbr_pos *np,
    struct conf_error *err)
{
	struct conf_timers	*t = &n->timers;
	struct conf_pos		 pos;
	const char		*from;

	if (!(t->set & CONF_TIMER_HOLD))
		t->hold_s = c->defaults.hold_s;
	if (!(t->set & CONF_TIMER_KEEPALIVE))
		t->keepalive_s = c->defaults.keepalive_s;
	if (!(t->set & CONF_TIMER_RETRY))
		t->connect_retry_ms = c->defaults.connect_retry_ms;
	if (!(t->set & CONF_TIMER_TTLSEC))
		t->ttl_security = c->defaults.ttl_security;
	if (t->hold_s == 0 || t->keepalive_s < t->hold_s)
		return 0;
	if (t->set & CONF_TIMER_KEEPALIVE) {
		pos = np->keepalive;
		from = "";
	} else {
		pos = np->hold;
		from = " (from defaults)";
	}
	return conf_errorf(err, pos, "keepalive %us%s must be below hold-time "
	    "%us", t->keepalive_s, from, t->hold_s);
}

static int
check_neighbor(struct conf *c, size_t i, const struct conf_where *w,
    struct conf_error *err)
{
	struct conf_neighbor	*n = &c->neighbors[i];
	const struct nbr_pos	*np = &w->nbrs[i];
	char			 addr[INET6_ADDRSTRLEN];
	size_t			 j;

	conf_neighbor_str(n, false, addr, sizeof(addr));
	if (n->ifname[0] == '\0')
		return conf_errorf(err, np->kw,
		    "neighbor %s: missing interface%s", addr,
		    n->af == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&n->addr6) ?
		    " (a link-local address is reachable only through its "
		    "interface)" : "");
	if (n->remote_as == 0)
		return conf_errorf(err, np->kw,
		    "neighbor %s: missing remote-as", addr);
	if (n->remote_as == c->local_as)
		return conf_errorf(err, np->remote_as, "neighbor %s: remote-as "
		    "%u equals local-as: only eBGP is supported", addr,
		    n->remote_as);
	if (n->has_local_addr && memcmp(&n->local_addr6, &n->addr6,
	    sizeof(n->addr6)) == 0)
		return conf_errorf(err, np->local_addr, "neighbor %s: "
		    "local-address is the neighbor's own address", addr);
	for (j = 0; j < i; j++)
		if (strcmp(c->neighbors[j].ifname, n->ifname) == 0)
			return conf_errorf(err, np->ifname, "neighbor %s: "
			    "interface %s is already used by the neighbor at "
			    "line %d", addr, n->ifname, w->nbrs[j].kw.line);
	return check_timers(c, n, np, err);
}

int
conf_check_runnable(const struct conf *c, struct conf_error *err)
{
	const struct conf_neighbor	*n;
	char				 addr[INET6_ADDRSTRLEN];
	size_t				 i;

	for (i = 0; i < c->n_neighbors; i++) {
		n = &c->neighbors[i];
		if (n->af == AF_INET6 && c->kernel.metric == 0)
			return conf_errorf(err, n->pos, "neighbor %s: IPv6 "
			    "routes cannot have metric 0 (the kernel makes "
			    "it 1024): set the kernel block's metric to 1 or "
			    "more",
			    conf_neighbor_str(n, false, addr, sizeof(addr)));
	}
	return 0;
}

int
conf_check(struct conf *c, const struct conf_where *w, struct conf_error *err)
{
	size_t	i;

	if (!w->has_router_id)
		return conf_errorf(err, w->eof, "missing router-id");
	if (!w->has_local_as)
		return conf_errorf(err, w->eof, "missing local-as");
	if (c->defaults.hold_s != 0 &&
	    c->defaults.keepalive_s >= c->defaults.hold_s)
		return conf_errorf(err,
		    (c->defaults.set & CONF_TIMER_KEEPALIVE) ?
		    w->defaults_keepalive : w->defaults_hold,
		    "keepalive %us must be below hold-time %us",
		    c->defaults.keepalive_s, c->defaults.hold_s);
	if (c->n_neighbors > CONF_MAX_NEIGHBORS)
		return conf_errorf(err, w->nbrs[CONF_MAX_NEIGHBORS].kw,
		    "more than %d neighbors", CONF_MAX_NEIGHBORS);
	for (i = 0; i < c->n_neighbors; i++)
		if (check_neighbor(c, i, w, err) == -1)
			return -1;
	if (check_export(c, w, err) == -1)
		return -1;
	if (c->n_neighbors == 0)
		conf_warnf(c, nowhere, "no neighbor configured");
	if (c->import.n_allow == 0)
		conf_warnf(c, nowhere, "no allow rule in import: no route "
		    "learned from AWS will be installed");
	return 0;
}

/* SPDX-License-Identifier: ISC */
/*
 * conf_keys.c: the keys of vtibgpd.conf, block by block (the top level,
 * timers, import, kernel, neighbor and its probe), each with a handler
 * that reads its values into struct conf, and the tables of the keys
 * each block takes (conf_parse.c reads the blocks).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/conf/conf_impl.h"

/* ---- top level ------------------------------------------------------ */

static int
key_router_id(struct parser *p, const struct token *key)
{
	struct conf_pos	pos;

	if (conf_get_addr(p, key, &p->conf->router_id, &pos) == -1)
		return -1;
	if (p->conf->router_id.s_addr == 0)
		return conf_errorf(p->err, pos,
		    "router-id 0.0.0.0 is not allowed");
	p->where.has_router_id = true;
	return 0;
}

static int
key_local_as(struct parser *p, const struct token *key)
{
	p->where.has_local_as = true;
	return conf_get_asn(p, key, &p->conf->local_as, NULL);
}

static int
key_user(struct parser *p, const struct token *key)
{
	return conf_get_name(p, key, &p->conf->user);
}

static int
key_control_group(struct parser *p, const struct token *key)
{
	return conf_get_name(p, key, &p->conf->control_group);
}

static int
key_return_steering(struct parser *p, const struct token *key)
{
	return conf_get_bool(p, key, &p->conf->return_steering);
}

static int
key_graceful_restart(struct parser *p, const struct token *key)
{
	struct token	t;

	if (lex_peek(&p->lx, &t) == -1)
		return -1;
	if (t.type == TOK_WORD && strcmp(t.text, "off") == 0) {
		(void)lex_next(&p->lx, &t);
		p->conf->gr_time_s = 0;
		return 0;
	}
	if (t.type == TOK_WORD && (strcmp(t.text, "0") == 0 ||
	    strcmp(t.text, "0s") == 0 || strcmp(t.text, "0ms") == 0))
		return conf_errorf(p->err, t.pos,
		    "graceful-restart: use 'off' to disable it, not '%s'",
		    t.text);
	return conf_get_seconds(p, key, 1, CONF_MAX_GR_TIME,
	    &p->conf->gr_time_s, NULL);
}

static int
key_stalepath_time(struct parser *p, const struct token *key)
{
	return conf_get_seconds(p, key, 1, CONF_MAX_STALEPATH,
	    &p->conf->stalepath_s, NULL);
}

static int
key_network(struct parser *p, const struct token *key)
{
	struct conf		*c = p->conf;
	struct conf_prefix	 pfx;
	struct conf_pos		 pos;
	size_t			 i;
	char			 buf[CONF_PREFIX_STRLEN];

	if (conf_get_prefix(p, key, &pfx, &pos) == -1)
		return -1;
	for (i = 0; i < c->n_networks; i++)
		if (conf_prefix_eq(&c->networks[i], &pfx))
			return conf_errorf(p->err, pos,
			    "duplicate network %s (first at line %d)",
			    conf_prefix_str(&pfx, buf, sizeof(buf)),
			    p->where.networks[i].line);
	c->networks = conf_grow(c->networks, c->n_networks, sizeof(pfx));
	p->where.networks = conf_grow(p->where.networks, c->n_networks,
	    sizeof(pos));
	c->networks[c->n_networks] = pfx;
	p->where.networks[c->n_networks++] = pos;
	return 0;
}

/* ---- timers: defaults block, or a neighbor's own ---------------------- */

static int
key_hold_time(struct parser *p, const struct token *key)
{
	struct conf_pos	*pos = p->npos != NULL ? &p->npos->hold :
			    &p->where.defaults_hold;
	struct token	 t;
	uint64_t	 ms;

	if (conf_get_duration(p, key, &ms, &t) == -1)
		return -1;
	if (ms % 1000 != 0)
		return conf_errorf(p->err, t.pos,
		    "hold-time must be whole seconds, got '%s'", t.text);
	if (ms == 1000 || ms == 2000 || ms > 65535 * 1000ULL)
		return conf_errorf(p->err, t.pos,
		    "hold-time must be 0 or 3s to 65535s (RFC 4271 4.2), "
		    "got '%s'", t.text);
	p->timers->hold_s = (uint32_t)(ms / 1000);
	p->timers->set |= CONF_TIMER_HOLD;
	*pos = t.pos;
	return 0;
}

static int
key_keepalive(struct parser *p, const struct token *key)
{
	struct conf_pos	*pos = p->npos != NULL ? &p->npos->keepalive :
			    &p->where.defaults_keepalive;

	if (conf_get_seconds(p, key, 1, 21845, &p->timers->keepalive_s,
	    pos) == -1)
		return -1;
	p->timers->set |= CONF_TIMER_KEEPALIVE;
	return 0;
}

static int
key_ttl_security(struct parser *p, const struct token *key)
{
	if (conf_get_bool(p, key, &p->timers->ttl_security) == -1)
		return -1;
	p->timers->set |= CONF_TIMER_TTLSEC;
	return 0;
}

static int
key_connect_retry(struct parser *p, const struct token *key)
{
	struct token	t;
	uint64_t	ms;

	if (conf_get_duration(p, key, &ms, &t) == -1)
		return -1;
	if (ms < 100 || ms > 3600 * 1000)
		return conf_errorf(p->err, t.pos,
		    "connect-retry must be 100ms to 3600s, got '%s'", t.text);
	p->timers->connect_retry_ms = (uint32_t)ms;
	p->timers->set |= CONF_TIMER_RETRY;
	return 0;
}

/* ---- import ----------------------------------------------------------- */

/* allow PREFIX [ge N] [le N], N up to the family's longest (32, 128) */
static int
key_allow(struct parser *p, const struct token *key)
{
	struct conf_import	*im = &p->conf->import;
	struct conf_allow	 a;
	struct conf_pos		 pos;
	struct token		 t;
	uint64_t		 v;
	uint8_t			 max;
	bool			 ge = false, le = false;

	if (conf_get_prefix(p, key, &a.pfx, &pos) == -1)
		return -1;
	max = a.pfx.af == AF_INET6 ? 128 : 32;
	a.ge = a.le = a.pfx.len;
	for (;;) {
		if (lex_peek(&p->lx, &t) == -1)
			return -1;
		if (t.type != TOK_WORD || (strcmp(t.text, "ge") != 0 &&
		    strcmp(t.text, "le") != 0))
			break;
		(void)lex_next(&p->lx, &t);
		if ((t.text[0] == 'g' && (ge || le)) || (t.text[0] == 'l' && le))
			return conf_errorf(p->err, t.pos,
			    "allow: '%s' repeated or after 'le'", t.text);
		if (conf_get_uint(p, &t, a.pfx.len, max, &v, &pos) == -1)
			return -1;
		if (t.text[0] == 'g') {
			ge = true;
			a.ge = (uint8_t)v;
			a.le = max;
		} else {
			le = true;
			if (v < a.ge)
				return conf_errorf(p->err, pos,
				    "allow: le %u is below ge %u",
				    (unsigned)v, a.ge);
			a.le = (uint8_t)v;
		}
	}
	im->allow = conf_grow(im->allow, im->n_allow, sizeof(a));
	im->allow[im->n_allow++] = a;
	return 0;
}

/* max-prefix N [restart DURATION] */
static int
key_max_prefix(struct parser *p, const struct token *key)
{
	struct conf_import	*im = &p->conf->import;
	struct token		 t, val;
	uint64_t		 v, ms;

	if (conf_get_uint(p, key, 1, UINT32_MAX, &v, NULL) == -1)
		return -1;
	im->max_prefix = (uint32_t)v;
	im->max_prefix_restart_ms = 0;
	if (lex_peek(&p->lx, &t) == -1)
		return -1;
	if (t.type != TOK_WORD || strcmp(t.text, "restart") != 0)
		return 0;
	(void)lex_next(&p->lx, &t);
	if (conf_get_duration(p, &t, &ms, &val) == -1)
		return -1;
	if (ms < 1000)
		return conf_errorf(p->err, val.pos,
		    "max-prefix restart must be at least 1s, got '%s'",
		    val.text);
	im->max_prefix_restart_ms = (uint32_t)ms;
	return 0;
}

/* ---- kernel ----------------------------------------------------------- */

static int
key_table(struct parser *p, const struct token *key)
{
	struct token	t;
	uint64_t	v;
	char		why[256];

	if (conf_want_value(p, key, "a table", false, &t) == -1)
		return -1;
	if (strcmp(t.text, "main") == 0) {
		p->conf->kernel.table = CONF_TABLE_MAIN;
		return 0;
	}
	if (conf_read_uint(t.text, UINT32_MAX, &v, why, sizeof(why)) == -1)
		return conf_errorf(p->err, t.pos,
		    "table: expected main or a number, got '%s'", t.text);
	if (v == 0 || v == 255)
		return conf_errorf(p->err, t.pos,
		    "table %llu is reserved (%s)", (unsigned long long)v,
		    v == 0 ? "unspecified" : "the kernel's local table");
	p->conf->kernel.table = (uint32_t)v;
	return 0;
}

static int
key_protocol(struct parser *p, const struct token *key)
{
	struct token	t;
	uint64_t	v;
	char		why[256];

	if (conf_want_value(p, key, "a protocol", false, &t) == -1)
		return -1;
	if (strcmp(t.text, "bgp") == 0) {
		p->conf->kernel.protocol = CONF_PROTO_BGP;
		return 0;
	}
	if (conf_read_uint(t.text, 255, &v, why, sizeof(why)) == -1)
		return conf_errorf(p->err, t.pos,
		    "protocol: expected bgp or a number 5-255, got '%s'",
		    t.text);
	if (v <= 4)
		return conf_errorf(p->err, t.pos,
		    "protocol %llu belongs to the kernel or to static routes; "
		    "use bgp or a number 5-255", (unsigned long long)v);
	p->conf->kernel.protocol = (uint8_t)v;
	return 0;
}

static int
key_metric(struct parser *p, const struct token *key)
{
	uint64_t	v;
	struct token	t;

	if (lex_peek(&p->lx, &t) == -1)
		return -1;
	if (conf_get_uint(p, key, 0, UINT32_MAX, &v, NULL) == -1)
		return -1;
	if (v == UINT32_MAX)
		return conf_errorf(p->err, t.pos,
		    "metric must be at most 4294967294 "
		    "(standby routes use metric + 1)");
	p->conf->kernel.metric = (uint32_t)v;
	return 0;
}

static int
key_ecmp(struct parser *p, const struct token *key)
{
	return conf_get_bool(p, key, &p->conf->kernel.ecmp);
}

static int
key_keep_routes(struct parser *p, const struct token *key)
{
	return conf_get_bool(p, key, &p->conf->kernel.keep_routes);
}

static int
key_compat(struct parser *p, const struct token *key)
{
	struct token	t;

	if (conf_want_value(p, key, "off or keep", false, &t) == -1)
		return -1;
	if (strcmp(t.text, "off") == 0)
		p->conf->kernel.nexthop_compat = CONF_COMPAT_OFF;
	else if (strcmp(t.text, "keep") == 0)
		p->conf->kernel.nexthop_compat = CONF_COMPAT_KEEP;
	else
		return conf_errorf(p->err, t.pos,
		    "nexthop-compat-mode: expected off or keep, got '%s'",
		    t.text);
	return 0;
}

/* ---- neighbor --------------------------------------------------------- */

static int
key_description(struct parser *p, const struct token *key)
{
	return conf_get_string(p, key, CONF_MAX_STRING, &p->nbr->description);
}

static int
key_interface(struct parser *p, const struct token *key)
{
	struct token	t;

	if (conf_want_value(p, key, "an interface name", false, &t) == -1)
		return -1;
	if (strlen(t.text) >= IF_NAMESIZE)
		return conf_errorf(p->err, t.pos,
		    "interface name '%s' is longer than %d bytes", t.text,
		    IF_NAMESIZE - 1);
	if (strpbrk(t.text, "/:") != NULL || strcmp(t.text, ".") == 0 ||
	    strcmp(t.text, "..") == 0)
		return conf_errorf(p->err, t.pos,
		    "invalid interface name '%s'", t.text);
	memcpy(p->nbr->ifname, t.text, strlen(t.text) + 1);
	p->npos->ifname = t.pos;
	return 0;
}

static int
key_remote_as(struct parser *p, const struct token *key)
{
	return conf_get_asn(p, key, &p->nbr->remote_as, &p->npos->remote_as);
}

/* local-address ADDR: of the neighbor's family. */
static int
key_local_address(struct parser *p, const struct token *key)
{
	struct conf_neighbor	*n = p->nbr;
	struct in6_addr		 a;
	uint8_t			 af;
	char			 buf[INET6_ADDRSTRLEN];
	char			 nb[INET6_ADDRSTRLEN];

	if (conf_get_unicast(p, key, &af, &a, &p->npos->local_addr) == -1)
		return -1;
	if (af != n->af)
		return conf_errorf(p->err, p->npos->local_addr,
		    "local-address %s is %s but neighbor %s is %s: use an "
		    "address of the same family", inet_ntop(af, &a, buf,
		    sizeof(buf)), af == AF_INET ? "IPv4" : "IPv6",
		    conf_neighbor_str(n, false, nb, sizeof(nb)),
		    n->af == AF_INET ? "IPv4" : "IPv6");
	n->has_local_addr = true;
	n->local_addr6 = a;
	return 0;
}

static int
key_preference(struct parser *p, const struct token *key)
{
	uint64_t	v;

	if (conf_get_uint(p, key, 0, UINT32_MAX, &v, NULL) == -1)
		return -1;
	p->nbr->preference = (uint32_t)v;
	return 0;
}

static int
key_prepend(struct parser *p, const struct token *key)
{
	uint64_t	v;

	if (conf_get_uint(p, key, 0, CONF_MAX_PREPEND, &v, NULL) == -1)
		return -1;
	p->nbr->prepend = (uint32_t)v;
	return 0;
}

static int
key_password(struct parser *p, const struct token *key)
{
	return conf_get_string(p, key, CONF_MAX_PASSWORD, &p->nbr->password);
}

static int
key_interval(struct parser *p, const struct token *key)
{
	struct token	t;
	uint64_t	ms;

	if (conf_get_duration(p, key, &ms, &t) == -1)
		return -1;
	if (ms < CONF_MIN_PROBE_MS || ms > CONF_MAX_PROBE_MS)
		return conf_errorf(p->err, t.pos,
		    "probe interval must be %dms to %ds, got '%s'",
		    CONF_MIN_PROBE_MS, CONF_MAX_PROBE_MS / 1000, t.text);
	p->nbr->probe.interval_ms = (uint32_t)ms;
	return 0;
}

static int
key_misses(struct parser *p, const struct token *key)
{
	uint64_t	v;

	if (conf_get_uint(p, key, 1, 255, &v, NULL) == -1)
		return -1;
	p->nbr->probe.misses = (uint32_t)v;
	return 0;
}

static const struct key probe_keys[] = {
	{ "interval", key_interval, false },
	{ "misses", key_misses, false },
};

static const struct block probe_block = {
	"probe", probe_keys, sizeof(probe_keys) / sizeof(probe_keys[0])
};

static int
key_probe(struct parser *p, const struct token *key)
{
	struct token	open;

	if (conf_want_lbrace(p, key, &open) == -1)
		return -1;
	p->nbr->probe.enabled = true;
	return conf_parse_body(p, &probe_block, &open);
}

static const struct key neighbor_keys[] = {
	{ "description", key_description, false },
	{ "interface", key_interface, false },
	{ "remote-as", key_remote_as, false },
	{ "local-address", key_local_address, false },
	{ "preference", key_preference, false },
	{ "prepend", key_prepend, false },
	{ "probe", key_probe, false },
	{ "password", key_password, false },
	{ "hold-time", key_hold_time, false },
	{ "keepalive", key_keepalive, false },
	{ "connect-retry", key_connect_retry, false },
	{ "ttl-security", key_ttl_security, false },
};

static const struct block neighbor_block = {
	"neighbor", neighbor_keys,
	sizeof(neighbor_keys) / sizeof(neighbor_keys[0])
};

static int
key_neighbor(struct parser *p, const struct token *key)
{
	struct conf		*c = p->conf;
	struct conf_neighbor	*n;
	struct nbr_pos		*np;
	struct token		 open;
	struct in6_addr		 addr;
	struct conf_pos		 pos;
	uint8_t			 af;
	size_t			 i;
	int			 rv;
	char			 buf[INET6_ADDRSTRLEN];

	if (conf_get_unicast(p, key, &af, &addr, &pos) == -1)
		return -1;
	for (i = 0; i < c->n_neighbors; i++)
		if (c->neighbors[i].af == af && memcmp(&c->neighbors[i].addr6,
		    &addr, sizeof(addr)) == 0)
			return conf_errorf(p->err, pos,
			    "duplicate neighbor %s (first at line %d)",
			    inet_ntop(af, &addr, buf, sizeof(buf)),
			    p->where.nbrs[i].kw.line);
	if (conf_want_lbrace(p, key, &open) == -1)
		return -1;
	c->neighbors = conf_grow(c->neighbors, c->n_neighbors, sizeof(*n));
	p->where.nbrs = conf_grow(p->where.nbrs, c->n_neighbors, sizeof(*np));
	n = &c->neighbors[c->n_neighbors];
	np = &p->where.nbrs[c->n_neighbors++];
	n->af = af;
	n->addr6 = addr;
	n->preference = 100;
	n->probe.interval_ms = 200;
	n->probe.misses = 3;
	n->pos = key->pos;
	np->kw = key->pos;
	np->addr = pos;
	p->nbr = n;
	p->npos = np;
	p->timers = &n->timers;
	rv = conf_parse_body(p, &neighbor_block, &open);
	p->nbr = NULL;
	p->npos = NULL;
	p->timers = &c->defaults;
	return rv;
}

/* ---- blocks ----------------------------------------------------------- */

static const struct key defaults_keys[] = {
	{ "hold-time", key_hold_time, false },
	{ "keepalive", key_keepalive, false },
	{ "connect-retry", key_connect_retry, false },
	{ "ttl-security", key_ttl_security, false },
};

static const struct block defaults_block = {
	"defaults", defaults_keys,
	sizeof(defaults_keys) / sizeof(defaults_keys[0])
};

static const struct key import_keys[] = {
	{ "allow", key_allow, true },
	{ "max-prefix", key_max_prefix, false },
};

static const struct block import_block = {
	"import", import_keys, sizeof(import_keys) / sizeof(import_keys[0])
};

static const struct key kernel_keys[] = {
	{ "table", key_table, false },
	{ "protocol", key_protocol, false },
	{ "metric", key_metric, false },
	{ "ecmp", key_ecmp, false },
	{ "keep-routes-on-exit", key_keep_routes, false },
	{ "nexthop-compat-mode", key_compat, false },
};

static const struct block kernel_block = {
	"kernel", kernel_keys, sizeof(kernel_keys) / sizeof(kernel_keys[0])
};

static int
key_sub_block(struct parser *p, const struct token *key,
    const struct block *b)
{
	struct token	open;

	if (conf_want_lbrace(p, key, &open) == -1)
		return -1;
	return conf_parse_body(p, b, &open);
}

static int
key_defaults(struct parser *p, const struct token *key)
{
	return key_sub_block(p, key, &defaults_block);
}

static int
key_import(struct parser *p, const struct token *key)
{
	p->where.has_import_block = true;
	return key_sub_block(p, key, &import_block);
}

static int
key_kernel(struct parser *p, const struct token *key)
{
	return key_sub_block(p, key, &kernel_block);
}

static const struct key top_keys[] = {
	{ "router-id", key_router_id, false },
	{ "local-as", key_local_as, false },
	{ "user", key_user, false },
	{ "graceful-restart", key_graceful_restart, false },
	{ "stalepath-time", key_stalepath_time, false },
	{ "return-steering", key_return_steering, false },
	{ "control-group", key_control_group, false },
	{ "network", key_network, true },
	{ "defaults", key_defaults, false },
	{ "import", key_import, false },
	{ "kernel", key_kernel, false },
	{ "neighbor", key_neighbor, true },
};

const struct block conf_top_block = {
	NULL, top_keys, sizeof(top_keys) / sizeof(top_keys[0])
};

/*
 * conf_parse.c: the grammar of vtibgpd.conf.
 *
 * Keyword driven: every block has a table of the keys it takes, each with
 * a handler that reads the key's values.  Newlines carry no meaning, so
 * `neighbor A { interface vti1 remote-as 64512 }` fits on one line.  The
 * first error stops the parse; conf_check() then does what needs the
 * whole file (required keys, timers against defaults, limits).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf_impl.h"
#include "conf/conf_lex.h"

#define CONF_MAX_FILE	(4 * 1024 * 1024)

struct parser {
	struct lexer		 lx;
	struct conf		*conf;
	struct conf_where	 where;
	struct conf_error	*err;
	/* the block being read */
	struct conf_neighbor	*nbr;
	struct nbr_pos		*npos;
	struct conf_timers	*timers;
};

struct key {
	const char	*name;
	int		(*fn)(struct parser *, const struct token *key);
	bool		 repeatable;
};

struct block {
	const char		*name;	/* NULL for the top level */
	const struct key	*keys;
	size_t			 nkeys;
};

static int	parse_body(struct parser *, const struct block *,
		    const struct token *open);

/* Read the next token; it must be a word (or a string if allowed). */
static int
want_value(struct parser *p, const struct token *key, const char *what,
    bool string_ok, struct token *t)
{
	char	desc[80];

	if (lex_next(&p->lx, t) == -1)
		return -1;
	if (t->type == TOK_WORD || (string_ok && t->type == TOK_STRING))
		return 0;
	return conf_errorf(p->err, t->pos, "expected %s after '%s', got %s",
	    what, key->text, lex_describe(t, desc, sizeof(desc)));
}

static int
want_lbrace(struct parser *p, const struct token *key, struct token *t)
{
	char	desc[80];

	if (lex_next(&p->lx, t) == -1)
		return -1;
	if (t->type == TOK_LBRACE)
		return 0;
	return conf_errorf(p->err, t->pos, "expected '{' after '%s', got %s",
	    key->text, lex_describe(t, desc, sizeof(desc)));
}

/* A number in [min, max] after key. */
static int
get_uint(struct parser *p, const struct token *key, uint64_t min,
    uint64_t max, uint64_t *v, struct conf_pos *pos)
{
	struct token	t;
	char		why[256];

	if (want_value(p, key, "a number", false, &t) == -1)
		return -1;
	if (conf_read_uint(t.text, max, v, why, sizeof(why)) == -1)
		return conf_errorf(p->err, t.pos, "%s: %s", key->text, why);
	if (*v < min)
		return conf_errorf(p->err, t.pos, "%s: %s is below %llu",
		    key->text, t.text, (unsigned long long)min);
	if (pos != NULL)
		*pos = t.pos;
	return 0;
}

static int
get_duration(struct parser *p, const struct token *key, uint64_t *ms,
    struct token *t)
{
	char	why[256];

	if (want_value(p, key, "a duration", false, t) == -1)
		return -1;
	if (conf_read_duration(t->text, ms, why, sizeof(why)) == -1)
		return conf_errorf(p->err, t->pos, "%s: %s", key->text, why);
	return 0;
}

/* A duration in whole seconds within [min, max]. */
static int
get_seconds(struct parser *p, const struct token *key, uint32_t min,
    uint32_t max, uint32_t *s, struct conf_pos *pos)
{
	struct token	t;
	uint64_t	ms;

	if (get_duration(p, key, &ms, &t) == -1)
		return -1;
	if (ms % 1000 != 0)
		return conf_errorf(p->err, t.pos,
		    "%s must be whole seconds, got '%s'", key->text, t.text);
	if (ms / 1000 < min || ms / 1000 > max)
		return conf_errorf(p->err, t.pos,
		    "%s must be %us to %us, got '%s'", key->text, min, max,
		    t.text);
	*s = (uint32_t)(ms / 1000);
	if (pos != NULL)
		*pos = t.pos;
	return 0;
}

static int
get_bool(struct parser *p, const struct token *key, bool *b)
{
	struct token	t;
	char		why[256];

	if (want_value(p, key, "on or off", false, &t) == -1)
		return -1;
	if (conf_read_bool(t.text, b, why, sizeof(why)) == -1)
		return conf_errorf(p->err, t.pos, "%s: %s", key->text, why);
	return 0;
}

static int
get_asn(struct parser *p, const struct token *key, uint32_t *asn,
    struct conf_pos *pos)
{
	struct token	t;
	char		why[256];

	if (want_value(p, key, "an AS number", false, &t) == -1)
		return -1;
	if (conf_read_asn(t.text, asn, why, sizeof(why)) == -1)
		return conf_errorf(p->err, t.pos, "%s: %s", key->text, why);
	if (pos != NULL)
		*pos = t.pos;
	return 0;
}

static int
get_addr(struct parser *p, const struct token *key, struct in_addr *a,
    struct conf_pos *pos)
{
	struct token	t;
	char		why[256];

	if (want_value(p, key, "an IPv4 address", false, &t) == -1)
		return -1;
	if (conf_read_addr(t.text, a, why, sizeof(why)) == -1)
		return conf_errorf(p->err, t.pos, "%s: %s", key->text, why);
	if (pos != NULL)
		*pos = t.pos;
	return 0;
}

/* An address a session can use: not 0.0.0.0, broadcast or multicast. */
static int
get_unicast(struct parser *p, const struct token *key, struct in_addr *a,
    struct conf_pos *pos)
{
	uint32_t	h;
	char		buf[INET_ADDRSTRLEN];

	if (get_addr(p, key, a, pos) == -1)
		return -1;
	h = ntohl(a->s_addr);
	if (h == 0 || h == 0xffffffffU || (h & 0xf0000000U) == 0xe0000000U)
		return conf_errorf(p->err, *pos,
		    "%s: %s is not a unicast address", key->text,
		    inet_ntop(AF_INET, a, buf, sizeof(buf)));
	return 0;
}

static int
get_prefix(struct parser *p, const struct token *key,
    struct conf_prefix *pfx, struct conf_pos *pos)
{
	struct token	t;
	char		why[256];

	if (want_value(p, key, "a prefix", false, &t) == -1)
		return -1;
	if (conf_read_prefix(t.text, pfx, why, sizeof(why)) == -1)
		return conf_errorf(p->err, t.pos, "%s: %s", key->text, why);
	*pos = t.pos;
	return 0;
}

/*
 * A quoted string or a word, 1..max bytes, printable.  Returns a new
 * string in *out (freeing what was there).
 */
static int
get_string(struct parser *p, const struct token *key, size_t max,
    char **out)
{
	struct token	t;
	size_t		len;

	if (want_value(p, key, "a string", true, &t) == -1)
		return -1;
	len = strlen(t.text);
	if (len == 0)
		return conf_errorf(p->err, t.pos, "%s must not be empty",
		    key->text);
	if (len > max)
		return conf_errorf(p->err, t.pos,
		    "%s is %zu bytes long, at most %zu are allowed",
		    key->text, len, max);
	free(*out);
	if ((*out = strdup(t.text)) == NULL)
		fatal("strdup");
	return 0;
}

/* A user or group name: what useradd accepts, [a-z_][a-z0-9_-]*[$]. */
static int
get_name(struct parser *p, const struct token *key, char **out)
{
	struct token	t;
	const char	*s;

	if (want_value(p, key, "a name", false, &t) == -1)
		return -1;
	for (s = t.text; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || *s == '_' ||
		    (s > t.text && ((*s >= '0' && *s <= '9') || *s == '-' ||
		    (*s == '$' && s[1] == '\0')))))
			return conf_errorf(p->err, t.pos,
			    "%s: invalid name '%s'", key->text, t.text);
	if (strlen(t.text) > 32)
		return conf_errorf(p->err, t.pos,
		    "%s: name '%s' is longer than 32 bytes", key->text, t.text);
	free(*out);
	if ((*out = strdup(t.text)) == NULL)
		fatal("strdup");
	return 0;
}

static void *
grow(void *arr, size_t n, size_t size)
{
	void	*p;

	if ((p = reallocarray(arr, n + 1, size)) == NULL)
		fatal("reallocarray");
	memset((char *)p + n * size, 0, size);
	return p;
}

/* ---- top level ------------------------------------------------------ */

static int
key_router_id(struct parser *p, const struct token *key)
{
	struct conf_pos	pos;

	if (get_addr(p, key, &p->conf->router_id, &pos) == -1)
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
	return get_asn(p, key, &p->conf->local_as, NULL);
}

static int
key_user(struct parser *p, const struct token *key)
{
	return get_name(p, key, &p->conf->user);
}

static int
key_control_group(struct parser *p, const struct token *key)
{
	return get_name(p, key, &p->conf->control_group);
}

static int
key_return_steering(struct parser *p, const struct token *key)
{
	return get_bool(p, key, &p->conf->return_steering);
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
	return get_seconds(p, key, 1, CONF_MAX_GR_TIME, &p->conf->gr_time_s,
	    NULL);
}

static int
key_stalepath_time(struct parser *p, const struct token *key)
{
	return get_seconds(p, key, 1, CONF_MAX_STALEPATH,
	    &p->conf->stalepath_s, NULL);
}

static int
key_network(struct parser *p, const struct token *key)
{
	struct conf		*c = p->conf;
	struct conf_prefix	 pfx;
	struct conf_pos		 pos;
	size_t			 i;
	char			 buf[32];

	if (get_prefix(p, key, &pfx, &pos) == -1)
		return -1;
	for (i = 0; i < c->n_networks; i++)
		if (c->networks[i].addr.s_addr == pfx.addr.s_addr &&
		    c->networks[i].len == pfx.len)
			return conf_errorf(p->err, pos,
			    "duplicate network %s (first at line %d)",
			    conf_prefix_str(&pfx, buf, sizeof(buf)),
			    p->where.networks[i].line);
	c->networks = grow(c->networks, c->n_networks, sizeof(pfx));
	p->where.networks = grow(p->where.networks, c->n_networks,
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

	if (get_duration(p, key, &ms, &t) == -1)
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

	if (get_seconds(p, key, 1, 21845, &p->timers->keepalive_s,
	    pos) == -1)
		return -1;
	p->timers->set |= CONF_TIMER_KEEPALIVE;
	return 0;
}

static int
key_ttl_security(struct parser *p, const struct token *key)
{
	if (get_bool(p, key, &p->timers->ttl_security) == -1)
		return -1;
	p->timers->set |= CONF_TIMER_TTLSEC;
	return 0;
}

static int
key_connect_retry(struct parser *p, const struct token *key)
{
	struct token	t;
	uint64_t	ms;

	if (get_duration(p, key, &ms, &t) == -1)
		return -1;
	if (ms < 100 || ms > 3600 * 1000)
		return conf_errorf(p->err, t.pos,
		    "connect-retry must be 100ms to 3600s, got '%s'", t.text);
	p->timers->connect_retry_ms = (uint32_t)ms;
	p->timers->set |= CONF_TIMER_RETRY;
	return 0;
}

/* ---- import ----------------------------------------------------------- */

/* allow PREFIX [ge N] [le N] */
static int
key_allow(struct parser *p, const struct token *key)
{
	struct conf_import	*im = &p->conf->import;
	struct conf_allow	 a;
	struct conf_pos		 pos;
	struct token		 t;
	uint64_t		 v;
	bool			 ge = false, le = false;

	if (get_prefix(p, key, &a.pfx, &pos) == -1)
		return -1;
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
		if (get_uint(p, &t, a.pfx.len, 32, &v, &pos) == -1)
			return -1;
		if (t.text[0] == 'g') {
			ge = true;
			a.ge = (uint8_t)v;
			a.le = 32;
		} else {
			le = true;
			if (v < a.ge)
				return conf_errorf(p->err, pos,
				    "allow: le %u is below ge %u",
				    (unsigned)v, a.ge);
			a.le = (uint8_t)v;
		}
	}
	im->allow = grow(im->allow, im->n_allow, sizeof(a));
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

	if (get_uint(p, key, 1, UINT32_MAX, &v, NULL) == -1)
		return -1;
	im->max_prefix = (uint32_t)v;
	im->max_prefix_restart_ms = 0;
	if (lex_peek(&p->lx, &t) == -1)
		return -1;
	if (t.type != TOK_WORD || strcmp(t.text, "restart") != 0)
		return 0;
	(void)lex_next(&p->lx, &t);
	if (get_duration(p, &t, &ms, &val) == -1)
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

	if (want_value(p, key, "a table", false, &t) == -1)
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

	if (want_value(p, key, "a protocol", false, &t) == -1)
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
	if (get_uint(p, key, 0, UINT32_MAX, &v, NULL) == -1)
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
	return get_bool(p, key, &p->conf->kernel.ecmp);
}

static int
key_keep_routes(struct parser *p, const struct token *key)
{
	return get_bool(p, key, &p->conf->kernel.keep_routes);
}

static int
key_compat(struct parser *p, const struct token *key)
{
	struct token	t;

	if (want_value(p, key, "off or keep", false, &t) == -1)
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
	return get_string(p, key, CONF_MAX_STRING, &p->nbr->description);
}

static int
key_interface(struct parser *p, const struct token *key)
{
	struct token	t;

	if (want_value(p, key, "an interface name", false, &t) == -1)
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
	return get_asn(p, key, &p->nbr->remote_as, &p->npos->remote_as);
}

static int
key_local_address(struct parser *p, const struct token *key)
{
	p->nbr->has_local_addr = true;
	return get_unicast(p, key, &p->nbr->local_addr,
	    &p->npos->local_addr);
}

static int
key_preference(struct parser *p, const struct token *key)
{
	uint64_t	v;

	if (get_uint(p, key, 0, UINT32_MAX, &v, NULL) == -1)
		return -1;
	p->nbr->preference = (uint32_t)v;
	return 0;
}

static int
key_prepend(struct parser *p, const struct token *key)
{
	uint64_t	v;

	if (get_uint(p, key, 0, CONF_MAX_PREPEND, &v, NULL) == -1)
		return -1;
	p->nbr->prepend = (uint32_t)v;
	return 0;
}

static int
key_password(struct parser *p, const struct token *key)
{
	return get_string(p, key, CONF_MAX_PASSWORD, &p->nbr->password);
}

static int
key_interval(struct parser *p, const struct token *key)
{
	struct token	t;
	uint64_t	ms;

	if (get_duration(p, key, &ms, &t) == -1)
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

	if (get_uint(p, key, 1, 255, &v, NULL) == -1)
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

	if (want_lbrace(p, key, &open) == -1)
		return -1;
	p->nbr->probe.enabled = true;
	return parse_body(p, &probe_block, &open);
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
	struct in_addr		 addr;
	struct conf_pos		 pos;
	size_t			 i;
	int			 rv;
	char			 buf[INET_ADDRSTRLEN];

	if (get_unicast(p, key, &addr, &pos) == -1)
		return -1;
	for (i = 0; i < c->n_neighbors; i++)
		if (c->neighbors[i].addr.s_addr == addr.s_addr)
			return conf_errorf(p->err, pos,
			    "duplicate neighbor %s (first at line %d)",
			    inet_ntop(AF_INET, &addr, buf, sizeof(buf)),
			    p->where.nbrs[i].kw.line);
	if (want_lbrace(p, key, &open) == -1)
		return -1;
	c->neighbors = grow(c->neighbors, c->n_neighbors, sizeof(*n));
	p->where.nbrs = grow(p->where.nbrs, c->n_neighbors, sizeof(*np));
	n = &c->neighbors[c->n_neighbors];
	np = &p->where.nbrs[c->n_neighbors++];
	n->addr = addr;
	n->preference = 100;
	n->probe.interval_ms = 200;
	n->probe.misses = 3;
	n->pos = key->pos;
	np->kw = key->pos;
	np->addr = pos;
	p->nbr = n;
	p->npos = np;
	p->timers = &n->timers;
	rv = parse_body(p, &neighbor_block, &open);
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

	if (want_lbrace(p, key, &open) == -1)
		return -1;
	return parse_body(p, b, &open);
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
static const struct block top_block = {
	NULL, top_keys, sizeof(top_keys) / sizeof(top_keys[0])
};

/* Levenshtein distance, for "did you mean" on unknown keys. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b), i, j, prev, tmp, best;
	size_t	row[64];

	if (la >= 64 || lb >= 64)
		return 64;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

static int
unknown_key(struct parser *p, const struct block *b, const struct token *t)
{
	const char	*hint = NULL;
	char		 where[40] = "";
	size_t		 i, d, best = 3;

	for (i = 0; i < b->nkeys; i++)
		if ((d = edit_distance(t->text, b->keys[i].name)) < best) {
			best = d;
			hint = b->keys[i].name;
		}
	if (b->name != NULL)
		snprintf(where, sizeof(where), " in %s block", b->name);
	if (hint != NULL)
		return conf_errorf(p->err, t->pos,
		    "unknown key '%.60s'%s (did you mean '%s'?)", t->text,
		    where, hint);
	return conf_errorf(p->err, t->pos, "unknown key '%.60s'%s", t->text,
	    where);
}

/*
 * Keys of block b until its closing brace (or the end of the file at the
 * top level).  Non-repeatable keys may appear once.
 */
static int
parse_body(struct parser *p, const struct block *b, const struct token *open)
{
	struct conf_pos	 seen[16];
	struct token	 t;
	char		 desc[80];
	size_t		 i;

	if (b->nkeys > sizeof(seen) / sizeof(seen[0]))
		fatalx("%s: block has too many keys", __func__);
	memset(seen, 0, sizeof(seen));
	for (;;) {
		if (lex_next(&p->lx, &t) == -1)
			return -1;
		if (t.type == TOK_EOF && b->name == NULL) {
			p->where.eof = t.pos;
			return 0;
		}
		if (t.type == TOK_EOF)
			return conf_errorf(p->err, t.pos,
			    "missing '}' to close the %s block opened at "
			    "line %d", b->name, open->pos.line);
		if (t.type == TOK_RBRACE && b->name != NULL)
			return 0;
		if (t.type != TOK_WORD)
			return conf_errorf(p->err, t.pos, "expected a key%s, "
			    "got %s", b->name != NULL ? " or '}'" : "",
			    lex_describe(&t, desc, sizeof(desc)));
		for (i = 0; i < b->nkeys; i++)
			if (strcmp(t.text, b->keys[i].name) == 0)
				break;
		if (i == b->nkeys)
			return unknown_key(p, b, &t);
		if (!b->keys[i].repeatable && seen[i].line != 0)
			return conf_errorf(p->err, t.pos,
			    "duplicate '%s' (first at line %d)", t.text,
			    seen[i].line);
		seen[i] = t.pos;
		if (b->keys[i].fn(p, &t) == -1)
			return -1;
	}
}

struct conf *
conf_parse_buffer(const char *name, const char *text, size_t len,
    struct conf_error *err)
{
	struct parser	p;
	struct conf	*c;
	int		 rv;

	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", name);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("calloc");
	conf_set_defaults(c);
	memset(&p, 0, sizeof(p));
	lex_init(&p.lx, text, len, err);
	p.conf = c;
	p.err = err;
	p.timers = &c->defaults;
	rv = parse_body(&p, &top_block, NULL);
	if (rv == 0)
		rv = conf_check(c, &p.where, err);
	free(p.where.networks);
	free(p.where.nbrs);
	if (rv == -1) {
		conf_free(c);
		return NULL;
	}
	return c;
}

struct conf *
conf_parse_file(const char *path, struct conf_error *err)
{
	struct conf	*c;
	struct stat	 st;
	char		*buf;
	ssize_t		 n;
	size_t		 off = 0;
	int		 fd;
	struct conf_pos	 none = { 0, 0 };

	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return conf_errorf(err, none, "%s", strerror(errno)), NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return conf_errorf(err, none, "not a regular file"), NULL;
	}
	if (st.st_size > CONF_MAX_FILE) {
		close(fd);
		return conf_errorf(err, none, "larger than %d bytes",
		    CONF_MAX_FILE), NULL;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		fatal("malloc");
	while (off < (size_t)st.st_size &&
	    (n = read(fd, buf + off, (size_t)st.st_size - off)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			conf_errorf(err, none, "read: %s", strerror(errno));
			free(buf);
			close(fd);
			return NULL;
		}
		off += (size_t)n;
	}
	close(fd);
	c = conf_parse_buffer(path, buf, off, err);
	free(buf);
	/* Trust before syntax: an untrusted file is refused whatever it
	 * says (the configured user it names may own it). */
	if (conf_trust_check(path, &st, c != NULL ? c->user : NULL,
	    err) == -1) {
		conf_free(c);
		return NULL;
	}
	return c;
}

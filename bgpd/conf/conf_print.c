/* SPDX-License-Identifier: ISC */
/*
 * conf_print.c: write a struct conf back as vtibgpd.conf text.  Every
 * setting is written, defaults included, so the output documents what
 * the daemon runs with; parsing it gives the same configuration.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>

#include "bgpd/conf/conf_impl.h"

static const char *
onoff(bool b)
{
	return b ? "on" : "off";
}

/* "3s" or "200ms" */
static const char *
duration(uint32_t ms, char *buf, size_t len)
{
	if (ms % 1000 == 0)
		snprintf(buf, len, "%us", ms / 1000);
	else
		snprintf(buf, len, "%ums", ms);
	return buf;
}

static const char *
addr_str(struct in_addr a, char *buf, size_t len)
{
	return inet_ntop(AF_INET, &a, buf, (socklen_t)len);
}

/* A string in double quotes, with \ and " escaped. */
static void
print_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void
print_timers(FILE *f, const struct conf_timers *t, bool all)
{
	char	buf[32];

	if (all || (t->set & CONF_TIMER_HOLD))
		fprintf(f, "\thold-time %u\n", t->hold_s);
	if (all || (t->set & CONF_TIMER_KEEPALIVE))
		fprintf(f, "\tkeepalive %u\n", t->keepalive_s);
	if (all || (t->set & CONF_TIMER_RETRY))
		fprintf(f, "\tconnect-retry %s\n",
		    duration(t->connect_retry_ms, buf, sizeof(buf)));
	if (all || (t->set & CONF_TIMER_TTLSEC))
		fprintf(f, "\tttl-security %s\n", onoff(t->ttl_security));
}

static void
print_allow(FILE *f, const struct conf_allow *a)
{
	char	buf[CONF_PREFIX_STRLEN];
	uint8_t	max = a->pfx.af == AF_INET6 ? 128 : 32;

	fprintf(f, "\tallow %s", conf_prefix_str(&a->pfx, buf, sizeof(buf)));
	if (a->ge != a->pfx.len && a->le == max)
		fprintf(f, " ge %u", a->ge);
	else if (a->ge != a->pfx.len)
		fprintf(f, " ge %u le %u", a->ge, a->le);
	else if (a->le != a->pfx.len)
		fprintf(f, " le %u", a->le);
	fputc('\n', f);
}

static void
print_top(FILE *f, const struct conf *c)
{
	char	buf[CONF_PREFIX_STRLEN];
	size_t	i;

	fprintf(f, "router-id %s\n", addr_str(c->router_id, buf, sizeof(buf)));
	fprintf(f, "local-as %u\n", c->local_as);
	if (c->user != NULL)
		fprintf(f, "user %s\n", c->user);
	if (c->gr_time_s == 0)
		fprintf(f, "graceful-restart off\n");
	else
		fprintf(f, "graceful-restart %us\n", c->gr_time_s);
	fprintf(f, "stalepath-time %us\n", c->stalepath_s);
	fprintf(f, "return-steering %s\n", onoff(c->return_steering));
	fprintf(f, "control-group %s\n", c->control_group);
	for (i = 0; i < c->n_networks; i++)
		fprintf(f, "network %s\n",
		    conf_prefix_str(&c->networks[i], buf, sizeof(buf)));
}

static void
print_blocks(FILE *f, const struct conf *c)
{
	const struct conf_kernel	*k = &c->kernel;
	char				 buf[32];
	size_t				 i;

	fprintf(f, "\ndefaults {\n");
	print_timers(f, &c->defaults, true);
	fprintf(f, "}\n\nimport {\n");
	for (i = 0; i < c->import.n_allow; i++)
		print_allow(f, &c->import.allow[i]);
	fprintf(f, "\tmax-prefix %u", c->import.max_prefix);
	if (c->import.max_prefix_restart_ms != 0)
		fprintf(f, " restart %s", duration(
		    c->import.max_prefix_restart_ms, buf, sizeof(buf)));
	fprintf(f, "\n}\n\nkernel {\n");
	if (k->table == CONF_TABLE_MAIN)
		fprintf(f, "\ttable main\n");
	else
		fprintf(f, "\ttable %u\n", k->table);
	if (k->protocol == CONF_PROTO_BGP)
		fprintf(f, "\tprotocol bgp\n");
	else
		fprintf(f, "\tprotocol %u\n", k->protocol);
	fprintf(f, "\tmetric %u\n\tecmp %s\n\tkeep-routes-on-exit %s\n"
	    "\tnexthop-compat-mode %s\n}\n", k->metric, onoff(k->ecmp),
	    onoff(k->keep_routes),
	    k->nexthop_compat == CONF_COMPAT_KEEP ? "keep" : "off");
}

static void
print_neighbor(FILE *f, const struct conf_neighbor *n)
{
	char	buf[INET6_ADDRSTRLEN];

	fprintf(f, "\nneighbor %s {\n", conf_neighbor_str(n, false, buf,
	    sizeof(buf)));
	if (n->description != NULL) {
		fprintf(f, "\tdescription ");
		print_quoted(f, n->description);
		fputc('\n', f);
	}
	fprintf(f, "\tinterface %s\n\tremote-as %u\n", n->ifname,
	    n->remote_as);
	if (n->has_local_addr)
		fprintf(f, "\tlocal-address %s\n",
		    conf_neighbor_str(n, true, buf, sizeof(buf)));
	fprintf(f, "\tpreference %u\n\tprepend %u\n", n->preference,
	    n->prepend);
	print_timers(f, &n->timers, false);
	if (n->probe.enabled)
		fprintf(f, "\tprobe { interval %s misses %u }\n",
		    duration(n->probe.interval_ms, buf, sizeof(buf)),
		    n->probe.misses);
	if (n->password != NULL) {
		fprintf(f, "\tpassword ");
		print_quoted(f, n->password);
		fputc('\n', f);
	}
	fprintf(f, "}\n");
}

int
conf_print(FILE *f, const struct conf *c)
{
	size_t	i;

	print_top(f, c);
	print_blocks(f, c);
	for (i = 0; i < c->n_neighbors; i++)
		print_neighbor(f, &c->neighbors[i]);
	return ferror(f) ? -1 : 0;
}

/* SPDX-License-Identifier: ISC */
/*
 * test_conf.c: the config parser (bgpd/conf/conf_*.c) against the contract of
 * DESIGN.md "Config file": every key and its defaults, one table of
 * invalid inputs with the exact message and position, print/parse round
 * trips, and the file checks of conf_parse_file().
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "bgpd/conf/conf.h"

/* The smallest valid file: what every row below starts from. */
#define NOBODY_UID	65534
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define H	"router-id 1.2.3.4\nlocal-as 65000\n"
/* A valid neighbor with room for more keys; they start at column 55. */
#define NB	"neighbor 169.254.0.1 { interface vti0 remote-as 64512 "
#define NBR(x)	NB x " }\n"

#define X10	"xxxxxxxxxx"
#define X80	X10 X10 X10 X10 X10 X10 X10 X10
#define X255	X80 X80 X80 "xxxxxxxxxxxxxxx"

#define IP4(a, b, c, d) \
	(((uint64_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))

static struct conf *
parse_len(const char *text, size_t len, struct conf_error *err)
{
	return conf_parse_buffer("test.conf", text, len, err);
}

/* Parse text that must be valid; fails the test with the message if not. */
static struct conf *
parse_ok(const char *text)
{
	struct conf_error	 err;
	struct conf		*c;
	char			 buf[1024];

	if ((c = parse_len(text, strlen(text), &err)) == NULL)
		fail_msg("unexpected error: %s\n--- input:\n%s",
		    conf_error_str(&err, buf, sizeof(buf)), text);
	return c;
}

/*
 * text followed by n4 lines "network 10.I.0.0/16" (or "192.0.2.I/32" if
 * host4) and n6 lines "network 2001:db8:I::/48", as a new string.
 */
static char *
networks(const char *text, int n4, bool host4, int n6)
{
	char	*out;
	size_t	 len;
	FILE	*f;
	int	 i;

	if ((f = open_memstream(&out, &len)) == NULL)
		fail_msg("open_memstream: %s", strerror(errno));
	fputs(text, f);
	for (i = 0; i < n4; i++)
		if (host4)
			fprintf(f, "network 192.0.2.%d/32\n", i);
		else
			fprintf(f, "network 10.%d.0.0/16\n", i);
	for (i = 0; i < n6; i++)
		fprintf(f, "network 2001:db8:%x::/48\n", i);
	fclose(f);
	return out;
}

static char *
with_networks(const char *text, int n, bool host)
{
	return networks(text, n, host, 0);
}

static char *
with_networks46(const char *text, int n4, int n6)
{
	return networks(text, n4, false, n6);
}

/* conf_print() into a new string. */
static char *
print_conf(const struct conf *c)
{
	char	*out;
	size_t	 len;
	FILE	*f;

	if ((f = open_memstream(&out, &len)) == NULL)
		fail_msg("open_memstream: %s", strerror(errno));
	assert_int_equal(conf_print(f, c), 0);
	fclose(f);
	return out;
}

static const struct conf_neighbor *
nbr0(const struct conf *c)
{
	assert_true(c->n_neighbors > 0);
	return &c->neighbors[0];
}

static const struct conf_allow *
allow0(const struct conf *c)
{
	assert_true(c->import.n_allow > 0);
	return &c->import.allow[0];
}

static const struct conf_prefix *
net0(const struct conf *c)
{
	assert_true(c->n_networks > 0);
	return &c->networks[0];
}

/* ---- valid values: one field of a parsed file ---------------------------- */

#define GETTER(name, expr)						\
static uint64_t								\
get_##name(const struct conf *c)					\
{									\
	return (uint64_t)(expr);					\
}

GETTER(router_id, ntohl(c->router_id.s_addr))
GETTER(local_as, c->local_as)
GETTER(gr_time, c->gr_time_s)
GETTER(stalepath, c->stalepath_s)
GETTER(steering, c->return_steering)
GETTER(n_networks, c->n_networks)
GETTER(net0_addr, ntohl(net0(c)->addr.s_addr))
GETTER(net0_len, net0(c)->len)
GETTER(hold, c->defaults.hold_s)
GETTER(keepalive, c->defaults.keepalive_s)
GETTER(retry, c->defaults.connect_retry_ms)
GETTER(timers_set, c->defaults.set)
GETTER(max_prefix, c->import.max_prefix)
GETTER(mp_restart, c->import.max_prefix_restart_ms)
GETTER(n_allow, c->import.n_allow)
GETTER(allow_addr, ntohl(allow0(c)->pfx.addr.s_addr))
GETTER(allow_len, allow0(c)->pfx.len)
GETTER(allow_ge, allow0(c)->ge)
GETTER(allow_le, allow0(c)->le)
GETTER(table, c->kernel.table)
GETTER(protocol, c->kernel.protocol)
GETTER(metric, c->kernel.metric)
GETTER(ecmp, c->kernel.ecmp)
GETTER(keep_routes, c->kernel.keep_routes)
GETTER(compat, c->kernel.nexthop_compat)
GETTER(n_neighbors, c->n_neighbors)
GETTER(n_addr, ntohl(nbr0(c)->addr.s_addr))
GETTER(n_remote_as, nbr0(c)->remote_as)
GETTER(n_has_local, nbr0(c)->has_local_addr)
GETTER(n_local, ntohl(nbr0(c)->local_addr.s_addr))
GETTER(n_pref, nbr0(c)->preference)
GETTER(n_prepend, nbr0(c)->prepend)
GETTER(n_probe, nbr0(c)->probe.enabled)
GETTER(n_interval, nbr0(c)->probe.interval_ms)
GETTER(n_misses, nbr0(c)->probe.misses)
GETTER(n_hold, nbr0(c)->timers.hold_s)
GETTER(n_keepalive, nbr0(c)->timers.keepalive_s)
GETTER(n_retry, nbr0(c)->timers.connect_retry_ms)
GETTER(n_set, nbr0(c)->timers.set)

struct value_case {
	const char	*text;
	uint64_t	(*get)(const struct conf *);
	uint64_t	 want;
};

static const struct value_case value_cases[] = {
	/* top level */
	{ H, get_local_as, 65000 },
	{ H, get_router_id, IP4(1, 2, 3, 4) },
	{ "router-id 1.2.3.4\nlocal-as 4294967295\n", get_local_as,
	    4294967295U },
	{ "local-as 1 router-id 10.0.0.1", get_router_id, IP4(10, 0, 0, 1) },
	{ "local-as 1 router-id 10.0.0.1", get_local_as, 1 },
	{ H "graceful-restart 200s\n", get_gr_time, 200 },
	{ H "graceful-restart 3s\n", get_gr_time, 3 },
	{ H "graceful-restart 4095\n", get_gr_time, 4095 },
	{ H "graceful-restart 1\n", get_gr_time, 1 },
	{ H "graceful-restart 4000ms\n", get_gr_time, 4 },
	{ H "graceful-restart off\n", get_gr_time, 0 },
	{ H, get_stalepath, 360 },
	{ H "stalepath-time 30s\n", get_stalepath, 30 },
	{ H "stalepath-time 4095\n", get_stalepath, 4095 },
	{ H "graceful-restart off stalepath-time 1\n", get_stalepath, 1 },
	{ H "return-steering off\n", get_steering, 0 },
	{ H "return-steering on\n", get_steering, 1 },
	{ H "network 172.100.0.0/16\n", get_net0_addr, IP4(172, 100, 0, 0) },
	{ H "network 172.100.0.0/16\n", get_net0_len, 16 },
	{ H "network 192.0.2.1/32 network 10.0.0.0/8", get_n_networks, 2 },
	{ H "network 192.0.2.1/32 network 10.0.0.0/8", get_net0_len, 32 },
	{ H "network 0.0.0.0/0\n", get_net0_len, 0 },
	/* defaults block */
	{ H "defaults { }\n", get_hold, 30 },
	{ H "defaults { }\n", get_timers_set, 0 },
	{ H "defaults { hold-time 3 keepalive 1 }\n", get_hold, 3 },
	{ H "defaults { hold-time 3 keepalive 1 }\n", get_keepalive, 1 },
	{ H "defaults { hold-time 3 keepalive 1 }\n", get_timers_set,
	    CONF_TIMER_HOLD | CONF_TIMER_KEEPALIVE },
	{ H "defaults { hold-time 0 }\n", get_hold, 0 },
	{ H "defaults { hold-time 0 }\n", get_keepalive, 10 },
	{ H "defaults { hold-time 65535s }\n", get_hold, 65535 },
	{ H "defaults { hold-time 90000ms }\n", get_hold, 90 },
	{ H "defaults { hold-time 0 keepalive 21845 }\n", get_keepalive,
	    21845 },
	{ H "defaults { keepalive 29 }\n", get_keepalive, 29 },
	{ H "defaults { connect-retry 200ms }\n", get_retry, 200 },
	{ H "defaults { connect-retry 3s }\n", get_retry, 3000 },
	{ H "defaults { connect-retry 7 }\n", get_retry, 7000 },
	{ H "defaults { connect-retry 7 }\n", get_timers_set,
	    CONF_TIMER_RETRY },
	{ H "defaults { connect-retry 100ms }\n", get_retry, 100 },
	{ H "defaults { connect-retry 3600s }\n", get_retry, 3600000 },
	/* import block */
	/* fits a TGW (10,000 routes); a VGW sends at most 1,000 */
	{ H "import { }\n", get_max_prefix, 10000 },
	{ H "import { }\n", get_mp_restart, 60000 },
	{ H "import { max-prefix 500 }\n", get_max_prefix, 500 },
	{ H "import { max-prefix 500 }\n", get_mp_restart, 0 },
	{ H "import { max-prefix 5 restart 1500ms }\n", get_mp_restart,
	    1500 },
	{ H "import { max-prefix 5 restart 30s }\n", get_mp_restart, 30000 },
	{ H "import { max-prefix 5 restart 2 }\n", get_mp_restart, 2000 },
	{ H "import { max-prefix 4294967295 }\n", get_max_prefix,
	    4294967295U },
	{ H "import { allow 10.10.0.0/16 }\n", get_allow_addr,
	    IP4(10, 10, 0, 0) },
	{ H "import { allow 10.10.0.0/16 }\n", get_allow_len, 16 },
	{ H "import { allow 10.10.0.0/16 }\n", get_allow_ge, 16 },
	{ H "import { allow 10.10.0.0/16 }\n", get_allow_le, 16 },
	{ H "import { allow 10.10.0.0/16 le 24 }\n", get_allow_ge, 16 },
	{ H "import { allow 10.10.0.0/16 le 24 }\n", get_allow_le, 24 },
	{ H "import { allow 10.10.0.0/16 ge 20 }\n", get_allow_ge, 20 },
	{ H "import { allow 10.10.0.0/16 ge 20 }\n", get_allow_le, 32 },
	{ H "import { allow 10.10.0.0/16 ge 20 le 24 }\n", get_allow_ge, 20 },
	{ H "import { allow 10.10.0.0/16 ge 20 le 24 }\n", get_allow_le, 24 },
	{ H "import { allow 10.10.0.0/16 ge 16 le 16 }\n", get_allow_le, 16 },
	{ H "import { allow 10.10.0.0/16 ge 24 le 24 }\n", get_allow_ge, 24 },
	{ H "import { allow 0.0.0.0/0 }\n", get_allow_le, 0 },
	{ H "import { allow 0.0.0.0/0 le 32 }\n", get_allow_le, 32 },
	{ H "import { allow 10.0.0.0/8 allow 10.0.0.0/16 }\n", get_n_allow,
	    2 },
	/* kernel block */
	{ H "kernel { }\n", get_table, CONF_TABLE_MAIN },
	{ H "kernel { table main }\n", get_table, 254 },
	{ H "kernel { table 100 }\n", get_table, 100 },
	{ H "kernel { table 1 }\n", get_table, 1 },
	{ H "kernel { table 4294967295 }\n", get_table, 4294967295U },
	{ H "kernel { protocol bgp }\n", get_protocol, 186 },
	{ H "kernel { protocol 5 }\n", get_protocol, 5 },
	{ H "kernel { protocol 255 }\n", get_protocol, 255 },
	{ H "kernel { metric 0 }\n", get_metric, 0 },
	{ H "kernel { metric 4294967294 }\n", get_metric, 4294967294U },
	{ H "kernel { ecmp on }\n", get_ecmp, 1 },
	{ H "kernel { ecmp off }\n", get_ecmp, 0 },
	{ H "kernel { keep-routes-on-exit on }\n", get_keep_routes, 1 },
	{ H "kernel { keep-routes-on-exit off }\n", get_keep_routes, 0 },
	{ H "kernel { nexthop-compat-mode keep }\n", get_compat,
	    CONF_COMPAT_KEEP },
	{ H "kernel { nexthop-compat-mode off }\n", get_compat,
	    CONF_COMPAT_OFF },
	/* neighbor */
	{ H NBR(""), get_n_neighbors, 1 },
	{ H NBR(""), get_n_addr, IP4(169, 254, 0, 1) },
	{ H NBR(""), get_n_remote_as, 64512 },
	{ H "neighbor 169.254.0.1 { interface vti0 remote-as 4294967295 }",
	    get_n_remote_as, 4294967295U },
	{ H NBR("local-address 169.254.0.2"), get_n_has_local, 1 },
	{ H NBR("local-address 169.254.0.2"), get_n_local,
	    IP4(169, 254, 0, 2) },
	{ H NBR("preference 0"), get_n_pref, 0 },
	{ H NBR("preference 4294967295"), get_n_pref, 4294967295U },
	{ H NBR("prepend 0"), get_n_prepend, 0 },
	{ H NBR("prepend 32"), get_n_prepend, 32 },
	{ H NBR("probe { }"), get_n_probe, 1 },
	{ H NBR("probe { }"), get_n_interval, 200 },
	{ H NBR("probe { }"), get_n_misses, 3 },
	{ H NBR("probe { interval 10ms }"), get_n_interval, 10 },
	{ H NBR("probe { interval 60s }"), get_n_interval, 60000 },
	{ H NBR("probe { interval 1 }"), get_n_interval, 1000 },
	{ H NBR("probe { misses 255 }"), get_n_misses, 255 },
	{ H NBR("probe {interval 50ms misses 1}"), get_n_misses, 1 },
	{ H NBR("hold-time 9 keepalive 3"), get_n_hold, 9 },
	{ H NBR("hold-time 9 keepalive 3"), get_n_keepalive, 3 },
	{ H NBR("hold-time 9 keepalive 3"), get_n_retry, 5000 },
	{ H NBR("hold-time 9 keepalive 3"), get_n_set,
	    CONF_TIMER_HOLD | CONF_TIMER_KEEPALIVE },
	{ H NBR("hold-time 0"), get_n_hold, 0 },
	{ H NBR("hold-time 0"), get_n_keepalive, 10 },
	{ H NBR("keepalive 29"), get_n_keepalive, 29 },
	{ H NBR("keepalive 29"), get_n_hold, 30 },
	{ H NBR("connect-retry 250ms"), get_n_retry, 250 },
	{ H NBR("connect-retry 250ms"), get_n_set, CONF_TIMER_RETRY },
	{ H "neighbor 169.254.249.61 { interface vti1 remote-as 64512 "
	    "prepend 2 }", get_n_prepend, 2 },
	{ H "neighbor 169.254.249.61{interface vti1 remote-as 64512}",
	    get_n_addr, IP4(169, 254, 249, 61) },
};

static void
test_values(void **state)
{
	const struct value_case	*vc;
	struct conf		*c;
	uint64_t		 got;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(value_cases) / sizeof(value_cases[0]); i++) {
		vc = &value_cases[i];
		c = parse_ok(vc->text);
		got = vc->get(c);
		conf_free(c);
		if (got != vc->want)
			fail_msg("value row %zu: got %llu, want %llu\n"
			    "--- input:\n%s", i, (unsigned long long)got,
			    (unsigned long long)vc->want, vc->text);
	}
}

/* ---- valid strings ------------------------------------------------------- */

static const char *
gets_user(const struct conf *c)
{
	return c->user;
}

static const char *
gets_group(const struct conf *c)
{
	return c->control_group;
}

static const char *
gets_descr(const struct conf *c)
{
	return nbr0(c)->description;
}

static const char *
gets_password(const struct conf *c)
{
	return nbr0(c)->password;
}

static const char *
gets_ifname(const struct conf *c)
{
	return nbr0(c)->ifname;
}

struct string_case {
	const char	*text;
	const char	*(*get)(const struct conf *);
	const char	*want;		/* NULL: must be NULL */
};

static const struct string_case string_cases[] = {
	{ H, gets_user, NULL },
	{ H "user vtibgp\n", gets_user, "vtibgp" },
	{ H "user _svc-1$\n", gets_user, "_svc-1$" },
	{ H "user abcdefghijklmnopqrstuvwxyz012345\n", gets_user,
	    "abcdefghijklmnopqrstuvwxyz012345" },
	{ H, gets_group, "vtibgp" },
	{ H "control-group wheel\n", gets_group, "wheel" },
	{ H NBR(""), gets_descr, NULL },
	{ H NBR(""), gets_password, NULL },
	{ H NBR(""), gets_ifname, "vti0" },
	{ H "neighbor 169.254.0.1 { interface abcdefghijklmno remote-as 1 }",
	    gets_ifname, "abcdefghijklmno" },
	{ H NBR("description \"VPC tunnel 1\""), gets_descr, "VPC tunnel 1" },
	{ H NBR("description tunnel1"), gets_descr, "tunnel1" },
	{ H NBR("description \"say \\\"hi\\\" \\\\o/\""), gets_descr,
	    "say \"hi\" \\o/" },
	{ H NBR("description \"# not a comment { }\""), gets_descr,
	    "# not a comment { }" },
	{ H NBR("description \"Z\xc3\xbcrich\ttab\""), gets_descr,
	    "Z\xc3\xbcrich\ttab" },
	{ H NBR("description \"" X255 "\""), gets_descr, X255 },
	{ H NBR("password \"se\\\"cret\""), gets_password, "se\"cret" },
	{ H NBR("password s3cret"), gets_password, "s3cret" },
	{ H NBR("password \"" X80 "\""), gets_password, X80 },
};

static void
test_strings(void **state)
{
	const struct string_case	*sc;
	struct conf			*c;
	const char			*got;
	size_t				 i;

	(void)state;
	for (i = 0; i < sizeof(string_cases) / sizeof(string_cases[0]);
	    i++) {
		sc = &string_cases[i];
		c = parse_ok(sc->text);
		got = sc->get(c);
		if ((got == NULL) != (sc->want == NULL) ||
		    (got != NULL && strcmp(got, sc->want) != 0))
			fail_msg("string row %zu: got %s%s%s, want %s%s%s\n"
			    "--- input:\n%s", i,
			    got ? "\"" : "", got ? got : "NULL",
			    got ? "\"" : "",
			    sc->want ? "\"" : "",
			    sc->want ? sc->want : "NULL",
			    sc->want ? "\"" : "", sc->text);
		conf_free(c);
	}
}

/* ---- whole files --------------------------------------------------------- */

/* Every default of DESIGN.md when only the required keys are given. */
static void
test_defaults(void **state)
{
	struct conf	*c;

	(void)state;
	c = parse_ok(H "neighbor 169.254.249.57 { interface vti0 "
	    "remote-as 64512 }\n");
	assert_int_equal(ntohl(c->router_id.s_addr), IP4(1, 2, 3, 4));
	assert_int_equal(c->local_as, 65000);
	assert_null(c->user);
	assert_int_equal(c->gr_time_s, 10);
	assert_true(c->return_steering);
	assert_string_equal(c->control_group, "vtibgp");
	assert_int_equal(c->n_networks, 0);
	assert_int_equal(c->defaults.hold_s, 30);
	assert_int_equal(c->defaults.keepalive_s, 10);
	assert_int_equal(c->defaults.connect_retry_ms, 5000);
	assert_false(c->defaults.ttl_security);	/* AWS sends TTL 1 */
	assert_int_equal(c->defaults.set, 0);
	assert_int_equal(c->import.n_allow, 0);
	assert_int_equal(c->import.max_prefix, CONF_MAX_PREFIX_DEFAULT);
	assert_int_equal(CONF_MAX_PREFIX_DEFAULT, 10000);
	assert_int_equal(c->import.max_prefix_restart_ms, 60000);
	assert_int_equal(c->kernel.table, 254);
	assert_int_equal(c->kernel.protocol, 186);
	assert_int_equal(c->kernel.metric, 20);
	assert_false(c->kernel.ecmp);
	assert_false(c->kernel.keep_routes);
	assert_int_equal(c->kernel.nexthop_compat, CONF_COMPAT_OFF);
	assert_int_equal(c->n_neighbors, 1);
	assert_int_equal(ntohl(c->neighbors[0].addr.s_addr),
	    IP4(169, 254, 249, 57));
	assert_string_equal(c->neighbors[0].ifname, "vti0");
	assert_int_equal(c->neighbors[0].remote_as, 64512);
	assert_null(c->neighbors[0].description);
	assert_false(c->neighbors[0].has_local_addr);
	assert_int_equal(c->neighbors[0].preference, 100);
	assert_int_equal(c->neighbors[0].prepend, 0);
	assert_false(c->neighbors[0].probe.enabled);
	assert_null(c->neighbors[0].password);
	assert_int_equal(c->neighbors[0].timers.hold_s, 30);
	assert_int_equal(c->neighbors[0].timers.keepalive_s, 10);
	assert_int_equal(c->neighbors[0].timers.connect_retry_ms, 5000);
	assert_false(c->neighbors[0].timers.ttl_security);
	assert_int_equal(c->neighbors[0].timers.set, 0);
	assert_int_equal(c->neighbors[0].pos.line, 3);
	assert_int_equal(c->neighbors[0].pos.col, 1);
	conf_free(c);
}

/* Every key set, with CRLF line ends and comments wherever they fit. */
static const char full_text[] =
    "# everything set\r\n"
    "router-id 172.100.0.200 # id\r\n"
    "local-as 65000#no space before the comment\r\n"
    "user vtibgp\r\n"
    "graceful-restart 120s stalepath-time 90s\r\n"
    "return-steering off\r\n"
    "control-group wheel\r\n"
    "network 172.100.0.0/16\r\n"
    "network 172.101.0.0/24 # second\r\n"
    "network 192.0.2.1/32\r\n"
    "defaults { # timers\r\n"
    "\thold-time 90\r\n"
    "\tkeepalive 30s\r\n"
    "\tconnect-retry 200ms\r\n"
    "\tttl-security on\r\n"
    "}\r\n"
    "import {\r\n"
    "\tallow 10.10.0.0/16 le 24\r\n"
    "\tallow 10.20.0.0/16 ge 20 # comment\r\n"
    "\tallow 10.30.0.0/16 ge 18 le 22\r\n"
    "\tallow 0.0.0.0/0\r\n"
    "\tmax-prefix 500 restart 2s\r\n"
    "}\r\n"
    "kernel\r\n"
    "{\r\n"
    "\ttable 100\r\n"
    "\tprotocol 99\r\n"
    "\tmetric 50\r\n"
    "\tecmp on\r\n"
    "\tkeep-routes-on-exit on\r\n"
    "\tnexthop-compat-mode keep\r\n"
    "}\r\n"
    "neighbor 169.254.249.57 {\r\n"
    "\tdescription \"VPC \\\"tunnel\\\" 1 # not a comment\"\r\n"
    "\tinterface vti0\r\n"
    "\tremote-as 64512 # the VGW\r\n"
    "\tlocal-address 169.254.249.58\r\n"
    "\tpreference 200\r\n"
    "\tprepend 0\r\n"
    "\tprobe { interval 200ms misses 5 } # fast\r\n"
    "\tpassword \"s3\\\"cr\\\\et\"\r\n"
    "\thold-time 9\r\n"
    "\tkeepalive 3\r\n"
    "\tconnect-retry 1s\r\n"
    "\tttl-security off\r\n"
    "}\r\n"
    "neighbor 169.254.249.61 { interface vti1 remote-as 4294967295 "
    "prepend 32 probe { interval 3s } }\r\n"
    "# last line, no line end";

static void
test_full(void **state)
{
	const struct conf_neighbor	*n;
	struct conf			*c;

	(void)state;
	c = parse_ok(full_text);
	assert_int_equal(ntohl(c->router_id.s_addr), IP4(172, 100, 0, 200));
	assert_int_equal(c->local_as, 65000);
	assert_string_equal(c->user, "vtibgp");
	assert_int_equal(c->gr_time_s, 120);
	assert_int_equal(c->stalepath_s, 90);
	assert_false(c->return_steering);
	assert_string_equal(c->control_group, "wheel");
	assert_int_equal(c->n_networks, 3);
	assert_int_equal(ntohl(c->networks[0].addr.s_addr),
	    IP4(172, 100, 0, 0));
	assert_int_equal(c->networks[0].len, 16);
	assert_int_equal(ntohl(c->networks[1].addr.s_addr),
	    IP4(172, 101, 0, 0));
	assert_int_equal(c->networks[1].len, 24);
	assert_int_equal(ntohl(c->networks[2].addr.s_addr),
	    IP4(192, 0, 2, 1));
	assert_int_equal(c->networks[2].len, 32);

	assert_int_equal(c->defaults.hold_s, 90);
	assert_int_equal(c->defaults.keepalive_s, 30);
	assert_int_equal(c->defaults.connect_retry_ms, 200);
	assert_true(c->defaults.ttl_security);
	assert_int_equal(c->defaults.set, CONF_TIMER_HOLD |
	    CONF_TIMER_KEEPALIVE | CONF_TIMER_RETRY | CONF_TIMER_TTLSEC);

	assert_int_equal(c->import.n_allow, 4);
	assert_int_equal(ntohl(c->import.allow[0].pfx.addr.s_addr),
	    IP4(10, 10, 0, 0));
	assert_int_equal(c->import.allow[0].pfx.len, 16);
	assert_int_equal(c->import.allow[0].ge, 16);
	assert_int_equal(c->import.allow[0].le, 24);
	assert_int_equal(ntohl(c->import.allow[1].pfx.addr.s_addr),
	    IP4(10, 20, 0, 0));
	assert_int_equal(c->import.allow[1].ge, 20);
	assert_int_equal(c->import.allow[1].le, 32);
	assert_int_equal(c->import.allow[2].ge, 18);
	assert_int_equal(c->import.allow[2].le, 22);
	assert_int_equal(c->import.allow[3].pfx.addr.s_addr, 0);
	assert_int_equal(c->import.allow[3].pfx.len, 0);
	assert_int_equal(c->import.allow[3].ge, 0);
	assert_int_equal(c->import.allow[3].le, 0);
	assert_int_equal(c->import.max_prefix, 500);
	assert_int_equal(c->import.max_prefix_restart_ms, 2000);

	assert_int_equal(c->kernel.table, 100);
	assert_int_equal(c->kernel.protocol, 99);
	assert_int_equal(c->kernel.metric, 50);
	assert_true(c->kernel.ecmp);
	assert_true(c->kernel.keep_routes);
	assert_int_equal(c->kernel.nexthop_compat, CONF_COMPAT_KEEP);

	assert_int_equal(c->n_neighbors, 2);
	n = &c->neighbors[0];
	assert_int_equal(ntohl(n->addr.s_addr), IP4(169, 254, 249, 57));
	assert_string_equal(n->description,
	    "VPC \"tunnel\" 1 # not a comment");
	assert_string_equal(n->ifname, "vti0");
	assert_int_equal(n->remote_as, 64512);
	assert_true(n->has_local_addr);
	assert_int_equal(ntohl(n->local_addr.s_addr), IP4(169, 254, 249, 58));
	assert_int_equal(n->preference, 200);
	assert_int_equal(n->prepend, 0);
	assert_true(n->probe.enabled);
	assert_int_equal(n->probe.interval_ms, 200);
	assert_int_equal(n->probe.misses, 5);
	assert_string_equal(n->password, "s3\"cr\\et");
	assert_int_equal(n->timers.hold_s, 9);
	assert_int_equal(n->timers.keepalive_s, 3);
	assert_int_equal(n->timers.connect_retry_ms, 1000);
	assert_false(n->timers.ttl_security);
	assert_int_equal(n->timers.set, CONF_TIMER_HOLD |
	    CONF_TIMER_KEEPALIVE | CONF_TIMER_RETRY | CONF_TIMER_TTLSEC);
	assert_int_equal(n->pos.line, 33);
	assert_int_equal(n->pos.col, 1);

	n = &c->neighbors[1];
	assert_int_equal(ntohl(n->addr.s_addr), IP4(169, 254, 249, 61));
	assert_null(n->description);
	assert_string_equal(n->ifname, "vti1");
	assert_int_equal(n->remote_as, 4294967295U);
	assert_false(n->has_local_addr);
	assert_int_equal(n->preference, 100);
	assert_int_equal(n->prepend, 32);
	assert_true(n->probe.enabled);
	assert_int_equal(n->probe.interval_ms, 3000);
	assert_int_equal(n->probe.misses, 3);
	assert_null(n->password);
	assert_int_equal(n->timers.hold_s, 90);
	assert_int_equal(n->timers.keepalive_s, 30);
	assert_int_equal(n->timers.connect_retry_ms, 200);
	assert_true(n->timers.ttl_security);	/* from the defaults */
	assert_int_equal(n->timers.set, 0);
	assert_int_equal(n->pos.line, 47);

	assert_int_equal(c->n_warnings, 0);
	assert_ptr_equal(conf_find_neighbor(c, c->neighbors[1].addr),
	    &c->neighbors[1]);
	conf_free(c);
}

/* The DESIGN.md example: neighbor blocks on one line each. */
static void
test_one_line_neighbors(void **state)
{
	struct conf	*c;

	(void)state;
	c = parse_ok("router-id 172.100.0.200 local-as 65000 "
	    "network 172.100.0.0/16 import { allow 10.10.0.0/16 le 24 }\n"
	    "neighbor 169.254.249.57 { interface vti0 remote-as 64512 }\n"
	    "neighbor 169.254.249.61 { interface vti1 remote-as 64512 "
	    "prepend 2 }\n");
	assert_int_equal(c->n_neighbors, 2);
	assert_string_equal(c->neighbors[0].ifname, "vti0");
	assert_int_equal(c->neighbors[0].remote_as, 64512);
	assert_int_equal(c->neighbors[0].prepend, 0);
	assert_int_equal(c->neighbors[0].pos.line, 2);
	assert_string_equal(c->neighbors[1].ifname, "vti1");
	assert_int_equal(c->neighbors[1].remote_as, 64512);
	assert_int_equal(c->neighbors[1].prepend, 2);
	assert_int_equal(c->neighbors[1].pos.line, 3);
	assert_int_equal(c->n_networks, 1);
	assert_int_equal(c->import.n_allow, 1);
	assert_int_equal(c->n_warnings, 0);
	conf_free(c);
}

/* A neighbor takes each timer it does not set from the defaults block. */
static void
test_timer_inheritance(void **state)
{
	static const struct {
		uint32_t	hold, keepalive, retry;
		unsigned	set;
	} want[] = {
		{ 90, 30, 2000, 0 },
		{ 9, 3, 2000, CONF_TIMER_HOLD | CONF_TIMER_KEEPALIVE },
		{ 90, 30, 500, CONF_TIMER_RETRY },
		{ 0, 30, 2000, CONF_TIMER_HOLD },
		{ 90, 89, 2000, CONF_TIMER_KEEPALIVE },
		{ 31, 30, 2000, CONF_TIMER_HOLD },
	};
	struct conf	*c;
	size_t		 i;

	(void)state;
	c = parse_ok(H "neighbor 169.254.0.1 { interface a remote-as 1 }\n"
	    "neighbor 169.254.0.2 { interface b remote-as 1 "
	    "hold-time 9 keepalive 3 }\n"
	    "neighbor 169.254.0.3 { interface c remote-as 1 "
	    "connect-retry 500ms }\n"
	    "neighbor 169.254.0.4 { interface d remote-as 1 hold-time 0 }\n"
	    "neighbor 169.254.0.5 { interface e remote-as 1 keepalive 89 }\n"
	    "neighbor 169.254.0.6 { interface f remote-as 1 hold-time 31 }\n"
	    /* after the neighbors: order does not matter */
	    "defaults { hold-time 90 keepalive 30 connect-retry 2 }\n");
	assert_int_equal(c->n_neighbors, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < c->n_neighbors; i++) {
		assert_int_equal(c->neighbors[i].timers.hold_s, want[i].hold);
		assert_int_equal(c->neighbors[i].timers.keepalive_s,
		    want[i].keepalive);
		assert_int_equal(c->neighbors[i].timers.connect_retry_ms,
		    want[i].retry);
		assert_int_equal(c->neighbors[i].timers.set, want[i].set);
	}
	assert_int_equal(c->defaults.hold_s, 90);
	assert_int_equal(c->defaults.keepalive_s, 30);
	assert_int_equal(c->defaults.connect_retry_ms, 2000);
	conf_free(c);
}

/* ttl-security: off unless set; a neighbor's own setting wins over the
 * defaults block's, whichever comes first in the file. */
static void
test_ttl_security(void **state)
{
	static const bool	want[] = { true, false, true };
	struct conf		*c;
	size_t			 i;

	(void)state;
	c = parse_ok(H "neighbor 169.254.0.1 { interface a remote-as 1 }\n"
	    "neighbor 169.254.0.2 { interface b remote-as 1 "
	    "ttl-security off }\n"
	    "neighbor 169.254.0.3 { interface c remote-as 1 "
	    "ttl-security on }\n"
	    "defaults { ttl-security on }\n");
	assert_int_equal(c->n_neighbors, 3);
	for (i = 0; i < c->n_neighbors; i++)
		assert_int_equal(c->neighbors[i].timers.ttl_security, want[i]);
	assert_int_equal(c->neighbors[0].timers.set, 0);
	assert_int_equal(c->neighbors[1].timers.set, CONF_TIMER_TTLSEC);
	conf_free(c);

	c = parse_ok(H "neighbor 169.254.0.1 { interface a remote-as 1 "
	    "ttl-security on }\n"
	    "neighbor 169.254.0.2 { interface b remote-as 1 }\n");
	assert_false(c->defaults.ttl_security);
	assert_true(c->neighbors[0].timers.ttl_security);
	assert_false(c->neighbors[1].timers.ttl_security);
	conf_free(c);
}

#define W_NETWORK	"no network configured: nothing is announced, " \
			"so AWS has no route back to this site"
#define W_NEIGHBOR	"no neighbor configured"
#define W_ALLOW		"no allow rule in import: no route learned " \
			"from AWS will be installed"

struct warning_case {
	const char	*text;
	size_t		 n;
	const char	*want[3];
};

static const struct warning_case warning_cases[] = {
	{ H, 3, { W_NETWORK, W_NEIGHBOR, W_ALLOW } },
	{ H "import { }\n", 3, { W_NETWORK, W_NEIGHBOR, W_ALLOW } },
	{ H "network 10.0.0.0/8\n", 2, { W_NEIGHBOR, W_ALLOW } },
	{ H NBR(""), 2, { W_NETWORK, W_ALLOW } },
	{ H "import { allow 10.0.0.0/8 }\n", 2, { W_NETWORK, W_NEIGHBOR } },
	{ H "network 10.0.0.0/8 import { allow 10.0.0.0/8 }\n" NBR(""), 0,
	    { NULL } },
};

static void
test_warnings(void **state)
{
	const struct warning_case	*wc;
	struct conf			*c;
	size_t				 i, j;
	char				 buf[512];

	(void)state;
	for (i = 0; i < sizeof(warning_cases) / sizeof(warning_cases[0]);
	    i++) {
		wc = &warning_cases[i];
		c = parse_ok(wc->text);
		if (c->n_warnings != wc->n)
			fail_msg("warning row %zu: %zu warnings, want %zu", i,
			    c->n_warnings, wc->n);
		for (j = 0; j < wc->n; j++) {
			assert_string_equal(c->warnings[j].msg, wc->want[j]);
			assert_int_equal(c->warnings[j].pos.line, 0);
		}
		conf_free(c);
	}
	c = parse_ok(H);
	assert_string_equal(conf_warning_str(&c->warnings[0], "f.conf", buf,
	    sizeof(buf)), "f.conf: warning: " W_NETWORK);
	c->warnings[0].pos.line = 7;
	c->warnings[0].pos.col = 3;
	assert_string_equal(conf_warning_str(&c->warnings[0], "f.conf", buf,
	    sizeof(buf)), "f.conf:7:3: warning: " W_NETWORK);
	conf_free(c);
}

/* The export limits that are met exactly, or avoided, are accepted. */
static void
test_network_limits(void **state)
{
	static const struct {
		const char	*head;
		int		 n;
		bool		 host;
		size_t		 export_max;
	} cases[] = {
		{ H "return-steering off\n", 100, false, 100 },
		{ H "return-steering off\n", 34, false, 34 },
		{ H, 33, false, 99 },
		{ H, 1, false, 3 },
		/* a /32 has no halves: 100 fit with return-steering on */
		{ H, 100, true, 100 },
	};
	struct conf	*c;
	char		*text;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		text = with_networks(cases[i].head, cases[i].n,
		    cases[i].host);
		c = parse_ok(text);
		assert_int_equal(c->n_networks, cases[i].n);
		assert_int_equal(conf_export_max(c), cases[i].export_max);
		conf_free(c);
		free(text);
	}
}

/* ---- invalid inputs: exact message and position -------------------------- */

struct bad_case {
	const char	*text;
	size_t		 len;		/* 0: strlen(text) */
	int		 nets;		/* "network" lines appended */
	int		 line;
	int		 col;
	const char	*msg;
};

#define BAD(t, l, c, m)		{ t, 0, 0, l, c, m }
#define BAD_BIN(t, l, c, m)	{ t, sizeof(t) - 1, 0, l, c, m }
#define BAD_NETS(t, n, l, c, m)	{ t, 0, n, l, c, m }

#define M_HOLD(v)	"hold-time must be 0 or 3s to 65535s " \
			"(RFC 4271 4.2), got '" v "'"
#define M_DUR(k, v)	k ": invalid duration '" v "': use a number of " \
			"seconds, or a number with ms or s"
#define M_PROTO(v)	"protocol " v " belongs to the kernel or to static " \
			"routes; use bgp or a number 5-255"
#define M_ESCAPE	"unknown escape in string: only \\\" and \\\\ are " \
			"allowed"
#define M_STEER34	"34 networks with return-steering on may announce " \
			"102 prefixes (each network and its two halves), " \
			"over the 100 an AWS VGW accepts: announce fewer " \
			"networks or set return-steering off"
#define M_NETS101	"more than 100 networks: an AWS VGW accepts at most " \
			"100 prefixes"

static const struct bad_case bad_cases[] = {
	/* unknown keys, with and without a suggestion, in every block */
	BAD(H "bogus 1\n", 3, 1, "unknown key 'bogus'"),
	BAD(H "router_id 1.2.3.4\n", 3, 1,
	    "unknown key 'router_id' (did you mean 'router-id'?)"),
	BAD(H "keepalive 10\n", 3, 1, "unknown key 'keepalive'"),
	BAD(H "defaults { hold 30 }\n", 3, 12,
	    "unknown key 'hold' in defaults block"),
	BAD(H "defaults {\n\tkeepalve 10\n}\n", 4, 2,
	    "unknown key 'keepalve' in defaults block "
	    "(did you mean 'keepalive'?)"),
	BAD(H "import { deny 10.0.0.0/8 }\n", 3, 10,
	    "unknown key 'deny' in import block"),
	BAD(H "import { max-prefixes 10 }\n", 3, 10,
	    "unknown key 'max-prefixes' in import block "
	    "(did you mean 'max-prefix'?)"),
	BAD(H "kernel { table main route-metric 5 }\n", 3, 21,
	    "unknown key 'route-metric' in kernel block"),
	BAD(H "kernel { ecmpp on }\n", 3, 10,
	    "unknown key 'ecmpp' in kernel block (did you mean 'ecmp'?)"),
	BAD(H NBR("multihop 2"), 3, 55,
	    "unknown key 'multihop' in neighbor block"),
	BAD(H "neighbor 169.254.0.1 { remote_as 64512 }\n", 3, 24,
	    "unknown key 'remote_as' in neighbor block "
	    "(did you mean 'remote-as'?)"),
	BAD(H NBR("probe { timeout 1s }"), 3, 63,
	    "unknown key 'timeout' in probe block"),
	BAD(H NBR("probe { intervall 1s }"), 3, 63,
	    "unknown key 'intervall' in probe block "
	    "(did you mean 'interval'?)"),
	/* duplicates */
	BAD(H NBR("") NBR(""), 4, 10,
	    "duplicate neighbor 169.254.0.1 (first at line 3)"),
	BAD(H "local-as 65001\n", 3, 1,
	    "duplicate 'local-as' (first at line 2)"),
	BAD(H "kernel { metric 1 metric 2 }\n", 3, 19,
	    "duplicate 'metric' (first at line 3)"),
	BAD(H NBR("probe { interval 200ms } probe { }"), 3, 80,
	    "duplicate 'probe' (first at line 3)"),
	BAD(H "import { }\nimport { }\n", 4, 1,
	    "duplicate 'import' (first at line 3)"),
	BAD(H "network 10.0.0.0/8\nnetwork 10.0.0.0/8\n", 4, 9,
	    "duplicate network 10.0.0.0/8 (first at line 3)"),
	/* required keys */
	BAD(H "neighbor 169.254.0.1 { remote-as 64512 }\n", 3, 1,
	    "neighbor 169.254.0.1: missing interface"),
	BAD(H "neighbor 169.254.0.1 { interface vti0 }\n", 3, 1,
	    "neighbor 169.254.0.1: missing remote-as"),
	BAD("local-as 65000\n", 2, 1, "missing router-id"),
	BAD("local-as 65000", 1, 15, "missing router-id"),
	BAD("router-id 1.2.3.4\n# no local-as\n", 3, 1, "missing local-as"),
	BAD("", 1, 1, "missing router-id"),
	/* timers */
	BAD(H "defaults { hold-time 1 }\n", 3, 22, M_HOLD("1")),
	BAD(H "defaults { hold-time 2 }\n", 3, 22, M_HOLD("2")),
	BAD(H "defaults { hold-time 65536 }\n", 3, 22, M_HOLD("65536")),
	BAD(H NBR("hold-time 1500ms"), 3, 65,
	    "hold-time must be whole seconds, got '1500ms'"),
	BAD(H "defaults { hold-time 30 keepalive 30 }\n", 3, 35,
	    "keepalive 30s must be below hold-time 30s"),
	BAD(H "defaults { hold-time 10 }\n", 3, 22,
	    "keepalive 10s must be below hold-time 10s"),
	BAD(H NBR("keepalive 40"), 3, 65,
	    "keepalive 40s must be below hold-time 30s"),
	BAD(H NBR("hold-time 6 keepalive 6"), 3, 77,
	    "keepalive 6s must be below hold-time 6s"),
	BAD(H NBR("hold-time 10"), 3, 65,
	    "keepalive 10s (from defaults) must be below hold-time 10s"),
	BAD(H "defaults { keepalive 5 }\n" NBR("hold-time 5"), 4, 65,
	    "keepalive 5s (from defaults) must be below hold-time 5s"),
	BAD(H "defaults { keepalive 0 }\n", 3, 22,
	    "keepalive must be 1s to 21845s, got '0'"),
	BAD(H "defaults { keepalive 2500ms }\n", 3, 22,
	    "keepalive must be whole seconds, got '2500ms'"),
	BAD(H NBR("connect-retry 50ms"), 3, 69,
	    "connect-retry must be 100ms to 3600s, got '50ms'"),
	BAD(H "defaults { connect-retry 3601s }\n", 3, 26,
	    "connect-retry must be 100ms to 3600s, got '3601s'"),
	/* durations */
	BAD(H "defaults { connect-retry 5m }\n", 3, 26,
	    M_DUR("connect-retry", "5m")),
	BAD(H "defaults { keepalive 1.5 }\n", 3, 22,
	    M_DUR("keepalive", "1.5")),
	BAD(H "defaults { keepalive -1 }\n", 3, 22, M_DUR("keepalive", "-1")),
	BAD(H "defaults { connect-retry s }\n", 3, 26,
	    M_DUR("connect-retry", "s")),
	BAD(H "defaults { keepalive 99999999999 }\n", 3, 22,
	    "keepalive: duration '99999999999' is too long"),
	/* prefixes */
	BAD(H "network 10.0.0.0\n", 3, 9,
	    "network: invalid prefix '10.0.0.0': missing /length"),
	BAD(H "network 10.0.0.0/33\n", 3, 9,
	    "network: invalid prefix '10.0.0.0/33': length above 32"),
	BAD(H "network 10.0.0/8\n", 3, 9,
	    "network: invalid prefix '10.0.0/8': bad address '10.0.0'"),
	BAD(H "network 10.0.0.0/x\n", 3, 9,
	    "network: invalid prefix '10.0.0.0/x': bad length"),
	BAD(H "network 10.0.0.0/8x\n", 3, 9,
	    "network: invalid prefix '10.0.0.0/8x': bad length"),
	BAD(H "network 172.100.0.1/16\n", 3, 9,
	    "network: invalid prefix '172.100.0.1/16': host bits set "
	    "(did you mean 172.100.0.0/16?)"),
	BAD(H "import { allow 10.0.0.1/8 }\n", 3, 16,
	    "allow: invalid prefix '10.0.0.1/8': host bits set "
	    "(did you mean 10.0.0.0/8?)"),
	/* AS numbers */
	BAD("local-as 0\n", 1, 10,
	    "local-as: AS number 0 is reserved (RFC 7607)"),
	BAD("local-as 23456\n", 1, 10,
	    "local-as: AS number 23456 is AS_TRANS (RFC 6793) and cannot be "
	    "used"),
	BAD("local-as 4294967296\n", 1, 10,
	    "local-as: AS number 4294967296 out of range (1-4294967295)"),
	BAD("local-as AS65000\n", 1, 10,
	    "local-as: invalid AS number 'AS65000'"),
	BAD(H "neighbor 169.254.0.1 { interface vti0 remote-as 23456 }\n",
	    3, 49, "remote-as: AS number 23456 is AS_TRANS (RFC 6793) and "
	    "cannot be used"),
	BAD(H "neighbor 169.254.0.1 { interface vti0 remote-as 1.10 }\n",
	    3, 49, "remote-as: invalid AS number '1.10'"),
	BAD(H "neighbor 169.254.0.1 { interface vti0 remote-as 65000 }\n",
	    3, 49, "neighbor 169.254.0.1: remote-as 65000 equals local-as: "
	    "only eBGP is supported"),
	/* graceful restart */
	BAD(H "graceful-restart 0\n", 3, 18,
	    "graceful-restart: use 'off' to disable it, not '0'"),
	BAD(H "graceful-restart 0ms\n", 3, 18,
	    "graceful-restart: use 'off' to disable it, not '0ms'"),
	BAD(H "graceful-restart 4096s\n", 3, 18,
	    "graceful-restart must be 1s to 4095s, got '4096s'"),
	BAD(H "graceful-restart 1500ms\n", 3, 18,
	    "graceful-restart must be whole seconds, got '1500ms'"),
	BAD(H "graceful-restart on\n", 3, 18,
	    M_DUR("graceful-restart", "on")),
	BAD(H "stalepath-time 0\n", 3, 16,
	    "stalepath-time must be 1s to 4095s, got '0'"),
	BAD(H "stalepath-time 4096s\n", 3, 16,
	    "stalepath-time must be 1s to 4095s, got '4096s'"),
	BAD(H "stalepath-time 2500ms\n", 3, 16,
	    "stalepath-time must be whole seconds, got '2500ms'"),
	/* kernel */
	BAD(H "kernel { table 0 }\n", 3, 16,
	    "table 0 is reserved (unspecified)"),
	BAD(H "kernel { table 255 }\n", 3, 16,
	    "table 255 is reserved (the kernel's local table)"),
	BAD(H "kernel { table foo }\n", 3, 16,
	    "table: expected main or a number, got 'foo'"),
	BAD(H "kernel { table 4294967296 }\n", 3, 16,
	    "table: expected main or a number, got '4294967296'"),
	BAD(H "kernel { protocol 0 }\n", 3, 19, M_PROTO("0")),
	BAD(H "kernel { protocol 1 }\n", 3, 19, M_PROTO("1")),
	BAD(H "kernel { protocol 2 }\n", 3, 19, M_PROTO("2")),
	BAD(H "kernel { protocol 3 }\n", 3, 19, M_PROTO("3")),
	BAD(H "kernel { protocol 4 }\n", 3, 19, M_PROTO("4")),
	BAD(H "kernel { protocol 256 }\n", 3, 19,
	    "protocol: expected bgp or a number 5-255, got '256'"),
	BAD(H "kernel { protocol foo }\n", 3, 19,
	    "protocol: expected bgp or a number 5-255, got 'foo'"),
	BAD(H "kernel { metric 4294967295 }\n", 3, 17,
	    "metric must be at most 4294967294 "
	    "(standby routes use metric + 1)"),
	BAD(H "kernel { metric -5 }\n", 3, 17, "metric: '-5' is not a number"),
	BAD(H "kernel { nexthop-compat-mode on }\n", 3, 30,
	    "nexthop-compat-mode: expected off or keep, got 'on'"),
	/* on/off */
	BAD(H "return-steering yes\n", 3, 17,
	    "return-steering: expected on or off, got 'yes'"),
	BAD(H "kernel { ecmp On }\n", 3, 15,
	    "ecmp: expected on or off, got 'On'"),
	BAD(H "defaults { ttl-security yes }\n", 3, 25,
	    "ttl-security: expected on or off, got 'yes'"),
	BAD(H NBR("ttl-security 255"), 3, 68,
	    "ttl-security: expected on or off, got '255'"),
	BAD(H "kernel { keep-routes-on-exit true }\n", 3, 30,
	    "keep-routes-on-exit: expected on or off, got 'true'"),
	/* import */
	BAD(H "import { allow 10.0.0.0/8 le 16 ge 12 }\n", 3, 33,
	    "allow: 'ge' repeated or after 'le'"),
	BAD(H "import { allow 10.0.0.0/8 ge 9 ge 10 }\n", 3, 32,
	    "allow: 'ge' repeated or after 'le'"),
	BAD(H "import { allow 10.0.0.0/8 le 9 le 10 }\n", 3, 32,
	    "allow: 'le' repeated or after 'le'"),
	BAD(H "import { allow 10.0.0.0/8 ge 24 le 16 }\n", 3, 36,
	    "allow: le 16 is below ge 24"),
	BAD(H "import { allow 10.0.0.0/8 ge 4 }\n", 3, 30, "ge: 4 is below 8"),
	BAD(H "import { allow 10.0.0.0/8 le 4 }\n", 3, 30, "le: 4 is below 8"),
	BAD(H "import { allow 10.0.0.0/8 le 33 }\n", 3, 30,
	    "le: 33 is above 32"),
	BAD(H "import { max-prefix 0 }\n", 3, 21, "max-prefix: 0 is below 1"),
	BAD(H "import { max-prefix 10 restart 500ms }\n", 3, 32,
	    "max-prefix restart must be at least 1s, got '500ms'"),
	BAD(H "import { max-prefix 10 restart }\n", 3, 32,
	    "expected a duration after 'restart', got '}'"),
	BAD(H "import { max-prefix 10 restart 5x }\n", 3, 32,
	    M_DUR("restart", "5x")),
	/* addresses */
	BAD("router-id 1.2.3\n", 1, 11,
	    "router-id: invalid IPv4 address '1.2.3'"),
	BAD("router-id 0.0.0.0\n", 1, 11, "router-id 0.0.0.0 is not allowed"),
	BAD(H "neighbor 169.254.0.256 { }\n", 3, 10,
	    "neighbor: invalid IPv4 address '169.254.0.256'"),
	BAD(H "neighbor 0.0.0.0 { interface vti0 remote-as 1 }\n", 3, 10,
	    "neighbor: 0.0.0.0 is not a unicast address"),
	BAD(H "neighbor 224.0.0.5 { interface vti0 remote-as 1 }\n", 3, 10,
	    "neighbor: 224.0.0.5 is not a unicast address"),
	BAD(H NBR("local-address foo"), 3, 69,
	    "local-address: invalid IPv4 address 'foo'"),
	BAD(H NBR("local-address 255.255.255.255"), 3, 69,
	    "local-address: 255.255.255.255 is not a unicast address"),
	BAD(H NBR("local-address 169.254.0.1"), 3, 69,
	    "neighbor 169.254.0.1: local-address is the neighbor's own "
	    "address"),
	/* interfaces */
	BAD(H "neighbor 169.254.0.1 { interface vti0123456789abc }\n", 3, 34,
	    "interface name 'vti0123456789abc' is longer than 15 bytes"),
	BAD(H "neighbor 169.254.0.1 { interface vti0:1 }\n", 3, 34,
	    "invalid interface name 'vti0:1'"),
	BAD(H "neighbor 169.254.0.1 { interface .. }\n", 3, 34,
	    "invalid interface name '..'"),
	BAD(H NBR("") "neighbor 169.254.0.5 { interface vti0 remote-as 1 }\n",
	    4, 34, "neighbor 169.254.0.5: interface vti0 is already used by "
	    "the neighbor at line 3"),
	/* other neighbor values */
	BAD(H NBR("prepend 33"), 3, 63, "prepend: 33 is above 32"),
	BAD(H NBR("preference high"), 3, 66,
	    "preference: 'high' is not a number"),
	BAD(H NBR("preference 4294967296"), 3, 66,
	    "preference: 4294967296 is above 4294967295"),
	BAD(H NBR("probe { interval 9ms }"), 3, 72,
	    "probe interval must be 10ms to 60s, got '9ms'"),
	BAD(H NBR("probe { interval 61s }"), 3, 72,
	    "probe interval must be 10ms to 60s, got '61s'"),
	BAD(H NBR("probe { misses 0 }"), 3, 70, "misses: 0 is below 1"),
	BAD(H NBR("probe { misses 256 }"), 3, 70, "misses: 256 is above 255"),
	BAD(H NBR("password \"\""), 3, 64, "password must not be empty"),
	BAD(H NBR("password \"" X80 "x\""), 3, 64,
	    "password is 81 bytes long, at most 80 are allowed"),
	BAD(H NBR("description \"" X255 "x\""), 3, 67,
	    "description is 256 bytes long, at most 255 are allowed"),
	/* strings */
	BAD(H NBR("description \"VPC"), 3, 67, "unterminated string"),
	BAD(H NB "description \"VPC\\\n}\n", 3, 67, "unterminated string"),
	BAD(H NB "description \"VPC\\", 3, 67, "unterminated string"),
	BAD(H NBR("description \"a\\qb\""), 3, 70, M_ESCAPE),
	BAD(H NBR("description \"C:\\temp\""), 3, 71, M_ESCAPE),
	/* braces and missing values */
	BAD(H "neighbor 169.254.0.1 interface vti0\n", 3, 22,
	    "expected '{' after 'neighbor', got 'interface'"),
	BAD(H "kernel metric 5\n", 3, 8,
	    "expected '{' after 'kernel', got 'metric'"),
	BAD(H NBR("probe interval 1s"), 3, 61,
	    "expected '{' after 'probe', got 'interval'"),
	BAD(H "defaults\n", 4, 1,
	    "expected '{' after 'defaults', got end of file"),
	BAD(H "}\n", 3, 1, "expected a key, got '}'"),
	BAD(H "kernel { }\n}\n", 4, 1, "expected a key, got '}'"),
	BAD(H "{\n", 3, 1, "expected a key, got '{'"),
	BAD(H "\"router-id\" 1.2.3.4\n", 3, 1,
	    "expected a key, got \"router-id\""),
	BAD(H NBR("\"interface\" vti0"), 3, 55,
	    "expected a key or '}', got \"interface\""),
	BAD(H "kernel {\n\tmetric 5\n", 5, 1,
	    "missing '}' to close the kernel block opened at line 3"),
	BAD(H "neighbor 169.254.0.1 {\n\tinterface vti0\n", 5, 1,
	    "missing '}' to close the neighbor block opened at line 3"),
	BAD(H NB "probe {", 3, 62,
	    "missing '}' to close the probe block opened at line 3"),
	BAD("router-id 1.2.3.4\nlocal-as", 2, 9,
	    "expected an AS number after 'local-as', got end of file"),
	BAD(H "kernel { metric", 3, 16,
	    "expected a number after 'metric', got end of file"),
	BAD(H "user {\n", 3, 6, "expected a name after 'user', got '{'"),
	BAD(H "neighbor {\n", 3, 10,
	    "expected an IPv4 or IPv6 address after 'neighbor', got '{'"),
	BAD(H NBR("description"), 3, 67,
	    "expected a string after 'description', got '}'"),
	BAD(H "import { max-prefix { }\n", 3, 21,
	    "expected a number after 'max-prefix', got '{'"),
	/* control characters */
	BAD_BIN(H "user vt\001bgp\n", 3, 8, "control character 0x01 in file"),
	BAD_BIN(H "# a\0b\n", 3, 4, "control character 0x00 in file"),
	BAD_BIN(H "\0", 3, 1, "control character 0x00 in file"),
	BAD_BIN(H "network 10.0.0.0/8\x7f\n", 3, 19,
	    "control character 0x7f in file"),
	BAD_BIN(H NBR("description \"a\033b\""), 3, 69,
	    "control character 0x1b in file"),
	/* positions: CRLF and tabs */
	BAD("router-id 1.2.3.4\r\nlocal-as 65000\r\nbogus 1\r\n", 3, 1,
	    "unknown key 'bogus'"),
	BAD("router-id 1.2.3.4\r\nlocal-as 65000\r\nkernel {\r\n"
	    "\tmetric x\r\n}\r\n", 4, 9, "metric: 'x' is not a number"),
	BAD(H "kernel {\n\t\tmetric x\n}\n", 4, 10,
	    "metric: 'x' is not a number"),
	/* export limits */
	BAD_NETS(H "return-steering off\n", 101, 104, 9, M_NETS101),
	BAD_NETS(H, 101, 103, 9, M_NETS101),
	BAD_NETS(H, 34, 3, 9, M_STEER34),
	/* IPv6 */
	BAD(H "network 2001:db8::1/32\n", 3, 9, "network: invalid prefix "
	    "'2001:db8::1/32': host bits set (did you mean 2001:db8::/32?)"),
	BAD(H "network 2001:db8:ff::/33\n", 3, 9, "network: invalid prefix "
	    "'2001:db8:ff::/33': host bits set (did you mean "
	    "2001:db8::/33?)"),
	BAD(H "network 2001:db8::/129\n", 3, 9, "network: invalid prefix "
	    "'2001:db8::/129': length above 128"),
	BAD(H "network 2001:db8::/1000\n", 3, 9, "network: invalid prefix "
	    "'2001:db8::/1000': length above 128"),
	BAD(H "network 2001:db8::g/32\n", 3, 9, "network: invalid prefix "
	    "'2001:db8::g/32': bad address '2001:db8::g'"),
	BAD(H "network 10.0.0.0/33\n", 3, 9, "network: invalid prefix "
	    "'10.0.0.0/33': length above 32"),
	BAD(H "network 2001:db8::/32\nnetwork 2001:db8:0::/32\n", 4, 9,
	    "duplicate network 2001:db8::/32 (first at line 3)"),
	BAD(H "import { allow 2001:db8::/32 le 129 }\n", 3, 33,
	    "le: 129 is above 128"),
	BAD(H "import { allow 2001:db8::/32 ge 16 }\n", 3, 33,
	    "ge: 16 is below 32"),
	BAD(H "import { allow 10.0.0.0/8 le 64 }\n", 3, 30,
	    "le: 64 is above 32"),
	BAD(H "import { allow 2001:db8::/32 ge 64 le 48 }\n", 3, 39,
	    "allow: le 48 is below ge 64"),
	BAD(H "neighbor fd00:1::1 { interface vti0 remote-as 64512 "
	    "local-address 169.254.0.2 }\n", 3, 67, "local-address "
	    "169.254.0.2 is IPv4 but neighbor fd00:1::1 is IPv6: use an "
	    "address of the same family"),
	BAD(H NBR("local-address fd00:1::2"), 3, 69, "local-address "
	    "fd00:1::2 is IPv6 but neighbor 169.254.0.1 is IPv4: use an "
	    "address of the same family"),
	BAD(H "neighbor fd00:1::1 { interface vti0 remote-as 64512 "
	    "local-address fd00:1:0::1 }\n", 3, 67, "neighbor fd00:1::1: "
	    "local-address is the neighbor's own address"),
	BAD(H "neighbor ff02::5 {\n", 3, 10,
	    "neighbor: ff02::5 is not a unicast address"),
	BAD(H "neighbor :: {\n", 3, 10,
	    "neighbor: :: is not a unicast address"),
	BAD(H "neighbor ::ffff:169.254.0.1 {\n", 3, 10,
	    "neighbor: ::ffff:169.254.0.1 is not a unicast address"),
	BAD(H "neighbor fd00::1::2 {\n", 3, 10,
	    "neighbor: invalid IPv6 address 'fd00::1::2'"),
	BAD(H "neighbor fe80::1 { remote-as 64512 }\n", 3, 1,
	    "neighbor fe80::1: missing interface (a link-local address is "
	    "reachable only through its interface)"),
	BAD(H "neighbor fd00:1::1 { remote-as 64512 }\n", 3, 1,
	    "neighbor fd00:1::1: missing interface"),
	BAD(H "neighbor fd00:1::1 { interface vti0 remote-as 64512 }\n"
	    "neighbor fd00:1:0:0::1 { interface vti1 remote-as 64512 }\n",
	    4, 10, "duplicate neighbor fd00:1::1 (first at line 3)"),
	BAD(H NBR("") "neighbor fd00:1::1 { interface vti0 "
	    "remote-as 64512 }\n", 4, 32, "neighbor fd00:1::1: interface "
	    "vti0 is already used by the neighbor at line 3"),
	/* user and group names */
	BAD(H "user Vtibgp\n", 3, 6, "user: invalid name 'Vtibgp'"),
	BAD(H "user 1vti\n", 3, 6, "user: invalid name '1vti'"),
	BAD(H "user vt.bgp\n", 3, 6, "user: invalid name 'vt.bgp'"),
	BAD(H "user \"vtibgp\"\n", 3, 6,
	    "expected a name after 'user', got \"vtibgp\""),
	BAD(H "user abcdefghijklmnopqrstuvwxyz0123456\n", 3, 6,
	    "user: name 'abcdefghijklmnopqrstuvwxyz0123456' is longer than "
	    "32 bytes"),
	BAD(H "control-group a$b\n", 3, 15,
	    "control-group: invalid name 'a$b'"),
};

static void
test_bad(void **state)
{
	const struct bad_case	*bc;
	struct conf_error	 err;
	struct conf		*c;
	const char		*text;
	char			*gen, want[1024], got[1024];
	size_t			 i, len;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		bc = &bad_cases[i];
		gen = NULL;
		text = bc->text;
		if (bc->nets != 0)
			text = gen = with_networks(bc->text, bc->nets, false);
		len = bc->len != 0 ? bc->len : strlen(text);
		memset(&err, 0x55, sizeof(err));
		c = parse_len(text, len, &err);
		if (c != NULL)
			fail_msg("bad row %zu accepted:\n%s", i, bc->text);
		if (err.pos.line != bc->line || err.pos.col != bc->col ||
		    strcmp(err.msg, bc->msg) != 0)
			fail_msg("bad row %zu:\n got %d:%d: %s\nwant %d:%d: %s",
			    i, err.pos.line, err.pos.col, err.msg, bc->line,
			    bc->col, bc->msg);
		assert_string_equal(err.file, "test.conf");
		snprintf(want, sizeof(want), "test.conf:%d:%d: %s", bc->line,
		    bc->col, bc->msg);
		assert_string_equal(conf_error_str(&err, got, sizeof(got)),
		    want);
		free(gen);
	}
	assert_true(i >= 40);
}

/* ---- round trips --------------------------------------------------------- */

static void
assert_str_eq_or_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

/*
 * A neighbor's set bits say which timers it overrides, so they must
 * survive; the defaults block is printed in full, so its bits need not.
 */
static void
assert_timers_equal(const struct conf_timers *a, const struct conf_timers *b,
    bool with_set)
{
	assert_int_equal(a->hold_s, b->hold_s);
	assert_int_equal(a->keepalive_s, b->keepalive_s);
	assert_int_equal(a->connect_retry_ms, b->connect_retry_ms);
	assert_int_equal(a->ttl_security, b->ttl_security);
	if (with_set)
		assert_int_equal(a->set, b->set);
}

static void
assert_neighbor_equal(const struct conf_neighbor *a,
    const struct conf_neighbor *b)
{
	assert_int_equal(a->af, b->af);
	assert_memory_equal(&a->addr6, &b->addr6, sizeof(a->addr6));
	assert_string_equal(a->ifname, b->ifname);
	assert_str_eq_or_null(a->description, b->description);
	assert_int_equal(a->remote_as, b->remote_as);
	assert_int_equal(a->has_local_addr, b->has_local_addr);
	assert_memory_equal(&a->local_addr6, &b->local_addr6,
	    sizeof(a->local_addr6));
	assert_int_equal(a->preference, b->preference);
	assert_int_equal(a->prepend, b->prepend);
	assert_int_equal(a->probe.enabled, b->probe.enabled);
	assert_int_equal(a->probe.interval_ms, b->probe.interval_ms);
	assert_int_equal(a->probe.misses, b->probe.misses);
	assert_str_eq_or_null(a->password, b->password);
	assert_timers_equal(&a->timers, &b->timers, true);
}

/* Every setting of a and b is the same (positions aside). */
static void
assert_conf_equal(const struct conf *a, const struct conf *b)
{
	size_t	i;

	assert_int_equal(a->router_id.s_addr, b->router_id.s_addr);
	assert_int_equal(a->local_as, b->local_as);
	assert_str_eq_or_null(a->user, b->user);
	assert_int_equal(a->gr_time_s, b->gr_time_s);
	assert_int_equal(a->stalepath_s, b->stalepath_s);
	assert_int_equal(a->return_steering, b->return_steering);
	assert_str_eq_or_null(a->control_group, b->control_group);
	assert_int_equal(a->n_networks, b->n_networks);
	for (i = 0; i < a->n_networks; i++)
		assert_true(conf_prefix_eq(&a->networks[i], &b->networks[i]));
	assert_timers_equal(&a->defaults, &b->defaults, false);
	assert_int_equal(a->import.n_allow, b->import.n_allow);
	for (i = 0; i < a->import.n_allow; i++) {
		assert_true(conf_prefix_eq(&a->import.allow[i].pfx,
		    &b->import.allow[i].pfx));
		assert_int_equal(a->import.allow[i].ge, b->import.allow[i].ge);
		assert_int_equal(a->import.allow[i].le, b->import.allow[i].le);
	}
	assert_int_equal(a->import.max_prefix, b->import.max_prefix);
	assert_int_equal(a->import.max_prefix_restart_ms,
	    b->import.max_prefix_restart_ms);
	assert_int_equal(a->kernel.table, b->kernel.table);
	assert_int_equal(a->kernel.protocol, b->kernel.protocol);
	assert_int_equal(a->kernel.metric, b->kernel.metric);
	assert_int_equal(a->kernel.ecmp, b->kernel.ecmp);
	assert_int_equal(a->kernel.keep_routes, b->kernel.keep_routes);
	assert_int_equal(a->kernel.nexthop_compat, b->kernel.nexthop_compat);
	assert_int_equal(a->n_neighbors, b->n_neighbors);
	for (i = 0; i < a->n_neighbors; i++)
		assert_neighbor_equal(&a->neighbors[i], &b->neighbors[i]);
	assert_int_equal(a->n_warnings, b->n_warnings);
}

/* parse -> print -> parse -> print: same settings, same text. */
static void
round_trip(const struct conf *c0)
{
	struct conf_error	 err;
	struct conf		*c1;
	char			*text1, *text2, buf[1024];

	text1 = print_conf(c0);
	if ((c1 = parse_len(text1, strlen(text1), &err)) == NULL)
		fail_msg("printed config does not parse: %s\n--- printed:\n%s",
		    conf_error_str(&err, buf, sizeof(buf)), text1);
	assert_conf_equal(c0, c1);
	text2 = print_conf(c1);
	assert_string_equal(text1, text2);
	conf_free(c1);
	free(text1);
	free(text2);
}

static const char *const round_trip_texts[] = {
	H,
	full_text,
	H "graceful-restart off\nuser nobody\nreturn-steering on\n"
	    "network 0.0.0.0/0\n",
	H "kernel { table 4294967295 protocol 255 metric 0 }\n",
	H "kernel { table 253 protocol 5 metric 4294967294 }\n",
	H "defaults { hold-time 0 keepalive 21845 connect-retry 100ms }\n",
	H "import { allow 10.0.0.0/8 allow 10.0.0.0/8 ge 8 "
	    "allow 10.0.0.0/8 le 8 allow 10.0.0.0/8 ge 9 le 9 "
	    "allow 10.0.0.0/8 le 32 allow 0.0.0.0/0 le 32 "
	    "max-prefix 4294967295 }\n",
	H "import { max-prefix 7 restart 1500ms }\n",
	H NBR("description \"\\\\\\\"\" password \"\\\"#{}\" "
	    "local-address 169.254.0.2 probe { interval 10ms misses 255 }"),
	H NBR("hold-time 0 connect-retry 123ms"),
	H NBR("keepalive 1")
	    "neighbor 169.254.0.9 { interface vti9 remote-as 1 }\n",
	/* IPv6: networks, allow rules, neighbors, local-address */
	H "network 2001:db8:172::/48 network 172.100.0.0/16 "
	    "network ::/0 network 2001:db8::1/128\n"
	    "import { allow 2001:db8::/32 le 64 allow 2001:db8::/32 ge 48 "
	    "allow 2001:db8::/32 ge 40 le 56 allow ::/0 allow ::/0 le 128 "
	    "allow 10.0.0.0/8 le 24 }\n"
	    NBR("") "neighbor fd00:1::1 { interface vti2 remote-as 64512 "
	    "local-address fd00:1::2 }\n"
	    "neighbor fe80::1:2 { interface vti3 remote-as 64512 "
	    "local-address fe80::2 }\n",
};

static void
test_round_trip(void **state)
{
	struct conf	*c;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(round_trip_texts) /
	    sizeof(round_trip_texts[0]); i++) {
		c = parse_ok(round_trip_texts[i]);
		round_trip(c);
		conf_free(c);
	}
}

/* ---- IPv6 ---------------------------------------------------------------- */

static void
assert_addr(uint8_t af, const void *a, const char *want)
{
	char	buf[INET6_ADDRSTRLEN];

	assert_non_null(inet_ntop(af, a, buf, sizeof(buf)));
	assert_string_equal(buf, want);
}

/* IPv6 networks, allow rules, neighbors and local-address as read;
 * conf_check_runnable takes IPv6 neighbors, but not with metric 0. */
static void
test_ipv6(void **state)
{
	struct conf_error		 err;
	struct conf			*c;
	const struct conf_neighbor	*n;
	char				 buf[1024];

	(void)state;
	c = parse_ok(H "network 2001:db8:172::/48\nnetwork 172.100.0.0/16\n"
	    "import { allow 2001:db8::/32 le 64 allow fd00::/8 ge 64\n"
	    "allow ::/0 }\n" NBR("")
	    "neighbor fd00:1::1 { interface vti2 remote-as 64512\n"
	    "\tlocal-address fd00:1::2 }\n"
	    "neighbor FE80::1:2 { interface vti3 remote-as 64512 }\n");
	assert_int_equal(c->n_networks, 2);
	assert_int_equal(c->networks[0].af, AF_INET6);
	assert_int_equal(c->networks[0].len, 48);
	assert_addr(AF_INET6, &c->networks[0].addr6, "2001:db8:172::");
	assert_string_equal(conf_prefix_str(&c->networks[0], buf,
	    sizeof(buf)), "2001:db8:172::/48");
	assert_int_equal(c->networks[1].af, AF_INET);
	assert_string_equal(conf_prefix_str(&c->networks[1], buf,
	    sizeof(buf)), "172.100.0.0/16");
	assert_int_equal(conf_networks_count(c, AF_INET), 1);
	assert_int_equal(conf_networks_count(c, AF_INET6), 1);
	assert_int_equal(c->import.n_allow, 3);
	assert_int_equal(c->import.allow[0].pfx.af, AF_INET6);
	assert_int_equal(c->import.allow[0].ge, 32);
	assert_int_equal(c->import.allow[0].le, 64);
	assert_int_equal(c->import.allow[1].ge, 64);
	assert_int_equal(c->import.allow[1].le, 128);
	assert_int_equal(c->import.allow[2].pfx.len, 0);
	assert_int_equal(c->import.allow[2].le, 0);
	assert_int_equal(c->n_neighbors, 3);
	assert_int_equal(c->neighbors[0].af, AF_INET);
	n = &c->neighbors[1];
	assert_int_equal(n->af, AF_INET6);
	assert_addr(AF_INET6, &n->addr6, "fd00:1::1");
	assert_true(n->has_local_addr);
	assert_addr(AF_INET6, &n->local_addr6, "fd00:1::2");
	assert_string_equal(conf_neighbor_str(n, true, buf, sizeof(buf)),
	    "fd00:1::2");
	assert_addr(AF_INET6, &c->neighbors[2].addr6, "fe80::1:2");
	assert_false(c->neighbors[2].has_local_addr);
	/* an IPv4 lookup never finds an IPv6 neighbor */
	assert_ptr_equal(conf_find_neighbor(c, c->neighbors[0].addr),
	    &c->neighbors[0]);
	assert_null(conf_find_neighbor(c, n->addr));
	/* the daemon runs them, but not with metric 0, which the kernel
	 * makes 1024 for IPv6: refused at the first IPv6 neighbor */
	memset(&err, 0, sizeof(err));
	snprintf(err.file, sizeof(err.file), "f.conf");
	assert_int_equal(conf_check_runnable(c, &err), 0);
	c->kernel.metric = 0;
	assert_int_equal(conf_check_runnable(c, &err), -1);
	assert_string_equal(conf_error_str(&err, buf, sizeof(buf)),
	    "f.conf:8:1: neighbor fd00:1::1: IPv6 routes cannot have "
	    "metric 0 (the kernel makes it 1024): set the kernel block's "
	    "metric to 1 or more");
	c->kernel.metric = 20;
	round_trip(c);
	conf_free(c);

	/* IPv6 networks and allow rules alone: runnable */
	c = parse_ok(H "network 2001:db8:172::/48\n"
	    "import { allow 2001:db8::/32 le 64 }\n" NBR(""));
	assert_int_equal(conf_check_runnable(c, &err), 0);
	conf_free(c);
}

/*
 * The limit of 100 network lines counts both families; what one neighbor
 * is sent (with the halves of return steering) counts only its family.
 */
static void
test_ipv6_limits(void **state)
{
	struct conf_error	 err;
	struct conf		*c;
	char			*text;

	(void)state;
	text = with_networks46(H "return-steering off\n", 50, 51);
	assert_null(parse_len(text, strlen(text), &err));
	assert_int_equal(err.pos.line, 104);
	assert_string_equal(err.msg, M_NETS101);
	free(text);

	text = with_networks46(H "return-steering off\n", 50, 50);
	c = parse_ok(text);
	assert_int_equal(conf_export_count(c, AF_INET), 50);
	assert_int_equal(conf_export_count(c, AF_INET6), 50);
	assert_int_equal(conf_export_max(c), 50);
	conf_free(c);
	free(text);

	/* 33 of each with their halves: 99 to a neighbor of either family */
	text = with_networks46(H, 33, 33);
	c = parse_ok(text);
	assert_int_equal(conf_export_count(c, AF_INET), 99);
	assert_int_equal(conf_export_count(c, AF_INET6), 99);
	assert_int_equal(conf_export_max(c), 99);
	conf_free(c);
	free(text);

	text = with_networks46(H, 1, 34);
	assert_null(parse_len(text, strlen(text), &err));
	assert_int_equal(err.pos.line, 3);
	assert_string_equal(err.msg, "34 IPv6 networks with return-steering "
	    "on may announce 102 prefixes (each network and its two halves), "
	    "over the 100 an AWS VGW accepts: announce fewer networks or set "
	    "return-steering off");
	free(text);

	/* a /128 has no halves */
	c = parse_ok(H "network 2001:db8::1/128 network 2001:db8::/127\n");
	assert_int_equal(conf_export_count(c, AF_INET6), 4);
	assert_int_equal(conf_export_count(c, AF_INET), 0);
	conf_free(c);
}

/* ---- files --------------------------------------------------------------- */

static char *
write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char	*path;
	int	 fd;

	if (asprintf(&path, "%s/%s", dir, name) == -1)
		fail_msg("asprintf");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd != -1);
	assert_int_equal(write(fd, text, strlen(text)),
	    (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	return path;
}

static void
test_sample(void **state)
{
	const char		*top = getenv("top_srcdir");
	struct conf_error	 err;
	struct stat		 st;
	struct conf		*c;
	char			*path, *copy = NULL, *text, buf[1024];
	char			 dir[] = "/tmp/test_conf.XXXXXX";
	size_t			 len;
	FILE			*f;

	(void)state;
	if (asprintf(&path, "%s/doc/vtibgpd.conf.sample",
	    top != NULL ? top : ".") == -1)
		fail_msg("asprintf");
	assert_int_equal(stat(path, &st), 0);
	/* a checkout with umask 002 is group-writable, or owned by someone
	 * else than the user running the tests: parse a copy then */
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 ||
	    (st.st_uid != 0 && st.st_uid != geteuid())) {
		assert_non_null(mkdtemp(dir));
		f = fopen(path, "r");
		assert_non_null(f);
		text = calloc(1, (size_t)st.st_size + 1);
		assert_non_null(text);
		len = fread(text, 1, (size_t)st.st_size, f);
		assert_int_equal(len, (size_t)st.st_size);
		fclose(f);
		copy = write_file(dir, "sample.conf", text, 0644);
		free(text);
	}
	if ((c = conf_parse_file(copy != NULL ? copy : path, &err)) == NULL)
		fail_msg("%s", conf_error_str(&err, buf, sizeof(buf)));
	assert_int_equal(c->n_warnings, 0);
	assert_int_equal(ntohl(c->router_id.s_addr), IP4(172, 100, 0, 200));
	assert_int_equal(c->local_as, 65000);
	assert_null(c->user);
	assert_int_equal(c->n_networks, 1);
	assert_int_equal(c->import.n_allow, 1);
	assert_int_equal(c->import.allow[0].le, 24);
	assert_int_equal(c->n_neighbors, 2);
	assert_string_equal(c->neighbors[0].description, "VPC tunnel 1");
	assert_string_equal(c->neighbors[0].ifname, "vti0");
	assert_int_equal(ntohl(c->neighbors[0].local_addr.s_addr),
	    IP4(169, 254, 249, 58));
	assert_true(c->neighbors[0].probe.enabled);
	assert_int_equal(c->neighbors[0].probe.interval_ms, 200);
	assert_string_equal(c->neighbors[1].ifname, "vti1");
	assert_int_equal(c->neighbors[1].preference, 90);
	assert_int_equal(c->neighbors[1].prepend, 2);
	round_trip(c);
	conf_free(c);
	if (copy != NULL) {
		unlink(copy);
		rmdir(dir);
		free(copy);
	}
	free(path);
}

static void
test_file_checks(void **state)
{
	static const struct {
		mode_t		 mode;
		const char	*msg;	/* NULL: accepted */
	} modes[] = {
		{ 0644, NULL },
		{ 0600, NULL },
		{ 0400, NULL },
		{ 0666, "writable by group or others (mode 666): refused, "
		    "fix with chmod go-w" },
		{ 0664, "writable by group or others (mode 664): refused, "
		    "fix with chmod go-w" },
		{ 0602, "writable by group or others (mode 602): refused, "
		    "fix with chmod go-w" },
	};
	struct conf_error	 err;
	struct conf		*c;
	char			 dir[] = "/tmp/test_conf.XXXXXX";
	char			*path, *missing, buf[1024], want[1024];
	size_t			 i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		path = write_file(dir, "f.conf", H "bogus\n", 0600);
		assert_int_equal(chmod(path, modes[i].mode), 0);
		c = conf_parse_file(path, &err);
		assert_null(c);
		assert_string_equal(err.file, path);
		if (modes[i].msg == NULL) {
			/* read and parsed: the error is in the text */
			assert_int_equal(err.pos.line, 3);
			assert_string_equal(err.msg, "unknown key 'bogus'");
		} else {
			assert_int_equal(err.pos.line, 0);
			assert_string_equal(err.msg, modes[i].msg);
			assert_non_null(strstr(conf_error_str(&err, buf,
			    sizeof(buf)), "writable"));
		}
		unlink(path);
		free(path);
	}

	path = write_file(dir, "ok.conf", H NBR(""), 0644);
	c = conf_parse_file(path, &err);
	assert_non_null(c);
	assert_int_equal(c->n_neighbors, 1);
	conf_free(c);
	unlink(path);
	free(path);

	/* what the daemon reads (-n, start, reload): IPv6 neighbors, but
	 * not with metric 0 */
	path = write_file(dir, "v6.conf", H "network 2001:db8::/32\n"
	    NBR("") "\nneighbor fd00:1::1 {\n\tinterface vti2\n"
	    "\tremote-as 64512\n}\n", 0644);
	assert_non_null(c = conf_parse_file(path, &err));
	conf_free(c);
	unlink(path);
	free(path);
	path = write_file(dir, "v6m0.conf", H "network 2001:db8::/32\n"
	    "kernel { metric 0 }\n"
	    NBR("") "\nneighbor fd00:1::1 {\n\tinterface vti2\n"
	    "\tremote-as 64512\n}\n", 0644);
	assert_null(conf_parse_file(path, &err));
	snprintf(want, sizeof(want), "%s:7:1: neighbor fd00:1::1: IPv6 "
	    "routes cannot have metric 0 (the kernel makes it 1024): set the "
	    "kernel block's metric to 1 or more", path);
	assert_string_equal(conf_error_str(&err, buf, sizeof(buf)), want);
	unlink(path);
	free(path);
	path = write_file(dir, "v6net.conf", H "network 2001:db8::/32\n"
	    "import { allow 2001:db8::/32 le 64 }\n" NBR(""), 0644);
	assert_non_null(c = conf_parse_file(path, &err));
	conf_free(c);
	unlink(path);
	free(path);

	if (asprintf(&missing, "%s/missing.conf", dir) == -1)
		fail_msg("asprintf");
	assert_null(conf_parse_file(missing, &err));
	assert_int_equal(err.pos.line, 0);
	assert_string_equal(err.msg, "No such file or directory");
	snprintf(want, sizeof(want), "%s: No such file or directory",
	    missing);
	assert_string_equal(conf_error_str(&err, buf, sizeof(buf)), want);
	free(missing);

	assert_null(conf_parse_file(dir, &err));
	assert_string_equal(err.msg, "not a regular file");
	assert_int_equal(rmdir(dir), 0);
	conf_free(NULL);
}

/* A scratch directory dir/sub (mode dmode, owner duid) holding f.conf
 * (mode 0644, owner fuid) with text; the file's path. */
static char *
trust_file(const char *dir, mode_t dmode, uid_t duid, uid_t fuid,
    const char *text)
{
	char	*sub, *path;

	if (asprintf(&sub, "%s/sub", dir) == -1)
		fail_msg("asprintf");
	assert_int_equal(mkdir(sub, 0700), 0);
	path = write_file(sub, "f.conf", text, 0644);
	assert_int_equal(chown(path, fuid, (gid_t)-1), 0);
	assert_int_equal(chown(sub, duid, (gid_t)-1), 0);
	assert_int_equal(chmod(sub, dmode), 0);
	free(sub);
	return path;
}

static void
trust_clean(const char *path)
{
	char	*sub = strdup(path);

	assert_non_null(sub);
	assert_int_equal(unlink(path), 0);
	*strrchr(sub, '/') = '\0';
	assert_int_equal(rmdir(sub), 0);
	free(sub);
}

/* The message of a row: %s the file, %d its directory, %t the one above. */
static void
trust_want(const char *fmt, const char *path, const char *sub,
    const char *top, char *want)
{
	const char	*p;

	for (p = fmt; *p != '\0'; p++) {
		if (*p != '%') {
			*want++ = *p;
			continue;
		}
		p++;
		want += sprintf(want, "%s", *p == 's' ? path : *p == 'd' ? sub :
		    top);
	}
	*want = '\0';
}

/* As sshd's StrictModes: owner and write bits of the file, its directory
 * and the directories above it (issue 16). */
static void
test_file_trust(void **state)
{
	static const struct {
		const char	*name;
		mode_t		 top_mode;	/* the mkdtemp directory */
		mode_t		 dmode;
		bool		 dir_nobody, file_nobody, user_nobody;
		const char	*msg;	/* NULL: accepted; %s: file, %d: dir */
	} rows[] = {
		{ "root's file in root's directory", 0700, 0755, false, false,
		    false, NULL },
		{ "a file owned by another user", 0700, 0755, false, true,
		    false, "owned by uid 65534 (nobody), not by root or the "
		    "configured user: refused, fix with chown root %s" },
		{ "a file owned by the configured user", 0700, 0755, false,
		    true, true, NULL },
		{ "a directory owned by another user", 0700, 0755, true,
		    false, false, "directory %d is owned by uid 65534 "
		    "(nobody), not by root or the configured user: refused, "
		    "fix with chown root %d" },
		{ "a directory owned by the configured user", 0700, 0755,
		    true, false, true, NULL },
		{ "a world-writable directory (mv swaps the file)", 0700,
		    0777, false, false, false, "directory %d is writable by "
		    "group or others (mode 777): refused, fix with chmod go-w "
		    "%d" },
		{ "a sticky world-writable directory", 0700, 01777, false,
		    false, false, "directory %d is writable by group or "
		    "others (mode 777): refused, fix with chmod go-w %d" },
		{ "a group-writable directory", 0700, 0775, false, false,
		    false, "directory %d is writable by group or others "
		    "(mode 775): refused, fix with chmod go-w %d" },
		{ "a world-writable directory above", 0777, 0755, false,
		    false, false, "directory %t is writable by group or "
		    "others (mode 777): refused, fix with chmod go-w %t" },
		{ "a sticky directory above (/tmp)", 01777, 0755, false,
		    false, false, NULL },
	};
	struct conf_error	 err;
	struct conf		*c;
	char			 dir[] = "/tmp/test_conf.XXXXXX";
	char			*path, *sub, want[1024];
	size_t			 i;

	(void)state;
	if (geteuid() != 0)
		skip();		/* chown */
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < nitems(rows); i++) {
		assert_int_equal(chmod(dir, rows[i].top_mode), 0);
		path = trust_file(dir, rows[i].dmode, rows[i].dir_nobody ?
		    NOBODY_UID : 0, rows[i].file_nobody ? NOBODY_UID : 0,
		    rows[i].user_nobody ? H "user nobody\n" NBR("") :
		    H NBR(""));
		sub = strdup(path);
		assert_non_null(sub);
		*strrchr(sub, '/') = '\0';
		c = conf_parse_file(path, &err);
		if (rows[i].msg == NULL) {
			if (c == NULL)
				fail_msg("%s: %s", rows[i].name, err.msg);
			conf_free(c);
		} else {
			assert_null(c);
			trust_want(rows[i].msg, path, sub, dir, want);
			assert_string_equal(err.msg, want);
			assert_string_equal(err.file, path);
			assert_int_equal(err.pos.line, 0);
		}
		trust_clean(path);
		free(sub);
		free(path);
	}
	assert_int_equal(chmod(dir, 0700), 0);
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_one_line_neighbors),
		cmocka_unit_test(test_timer_inheritance),
		cmocka_unit_test(test_ttl_security),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_network_limits),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_ipv6_limits),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_file_checks),
		cmocka_unit_test(test_file_trust),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

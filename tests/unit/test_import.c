/* SPDX-License-Identifier: ISC */
/*
 * test_import.c: the AWS importer (bgpctl/import_*.c).  Both downloads of
 * tests/import/samples/ must import into a configuration that the config
 * parser reads back with the right neighbors, ASNs, addresses and timers;
 * one table of variants of them (line ends, spacing, comments, foreign
 * sections, swapped tunnels, missing and bad values) with the exact result
 * or message; truncated, empty, oversized and mutated files never crash.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bgpctl/import.h"
#include "bgpd/conf/conf.h"

#define G	IMPORT_AWS_GENERIC
#define V	IMPORT_AWS_VYOS
#define MAX_EDITS	4

/* ---- helpers ------------------------------------------------------------- */

/* A file of tests/import/samples/, NUL-terminated. */
static char *
load_file(const char *name, size_t *len)
{
	const char	*dir = getenv("top_srcdir");
	char		 path[4096], *text;
	FILE		*f;
	long		 n;

	snprintf(path, sizeof(path), "%s/tests/import/samples/%s",
	    dir != NULL ? dir : ".", name);
	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = malloc((size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	text[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return text;
}

static char *
load_sample(enum import_format fmt, size_t *len)
{
	return load_file(fmt == G ? "aws-generic.txt" : "aws-vyos.txt", len);
}

/* text with old (which must be there) replaced by new, once or all over. */
static char *
replace(char *text, const char *old, const char *new, bool all)
{
	char	*out, *p, *from = text;
	size_t	 len;
	FILE	*f;

	if (strstr(text, old) == NULL)
		fail_msg("edit: '%s' not in the sample", old);
	assert_non_null(f = open_memstream(&out, &len));
	while ((p = strstr(from, old)) != NULL) {
		fwrite(from, 1, (size_t)(p - from), f);
		fputs(new, f);
		from = p + strlen(old);
		if (!all)
			break;
	}
	fputs(from, f);
	fclose(f);
	free(text);
	return out;
}

/* Each run of two or more spaces becomes a tab. */
static char *
xf_tabs(char *text)
{
	char	*p, *q;

	for (p = q = text; *p != '\0'; p++) {
		if (p[0] == ' ' && p[1] == ' ') {
			while (p[1] == ' ')
				p++;
			*q++ = '\t';
		} else
			*q++ = *p;
	}
	*q = '\0';
	return text;
}

static char *
xf_crlf(char *text)
{
	return replace(text, "\n", "\r\n", true);
}

static char *
xf_cr(char *text)
{
	return replace(text, "\n", "\r", true);
}

static char *
xf_double_spaces(char *text)
{
	return replace(text, " ", "  ", true);
}

/* A comment line of each kind after each line. */
static char *
xf_comments(char *text)
{
	return replace(text, "\n", "\n# a comment: Customer Gateway : 1.2.3.4"
	    "\n! another : 169.254.0.1/30\n", true);
}

static char *
xf_bom(char *text)
{
	char	*out;

	assert_true(asprintf(&out, "\xef\xbb\xbf%s", text) > 0);
	free(text);
	return out;
}

/* Where the section of tunnel n starts: the rule line above its header. */
static char *
section_start(char *text, int n)
{
	char	 hdr[32], *p;
	int	 lines;

	snprintf(hdr, sizeof(hdr), "IPSec Tunnel #%d", n);
	assert_non_null(p = strstr(text, hdr));
	for (lines = 0; p > text && lines < 2; p--)
		if (p[-1] == '\n' && ++lines == 2)
			break;
	return p;
}

/* Tunnel 2's section first, then tunnel 1's. */
static char *
xf_swap(char *text)
{
	char	*s1 = section_start(text, 1), *s2 = section_start(text, 2);
	char	*out;

	assert_true(asprintf(&out, "%.*s%s%.*s", (int)(s1 - text), text, s2,
	    (int)(s2 - s1), s1) > 0);
	free(text);
	return out;
}

/* Insert ins before the section of tunnel 2 and at the end. */
static char *
insert_section(char *text, const char *ins)
{
	char	*s2 = section_start(text, 2), *out;

	assert_true(asprintf(&out, "%.*s%s%s%s", (int)(s2 - text), text, ins,
	    s2, ins) > 0);
	free(text);
	return out;
}

static char *
xf_foreign_generic(char *text)
{
	return insert_section(text,
	    "--------------------------------------------------------------\n"
	    "Cisco ASA (for comparison)\n"
	    "--------------------------------------------------------------\n"
	    "Outside IP Addresses:\n"
	    "  - Customer Gateway                   : 192.0.2.1\n"
	    "  - Virtual Private Gateway            : 192.0.2.2\n"
	    "Inside IP Addresses\n"
	    "  - Customer Gateway                   : 169.254.1.2/30\n"
	    "  - Neighbor Hold Time       : 90\n"
	    "crypto isakmp policy 200\n");
}

static char *
xf_foreign_vyos(char *text)
{
	return insert_section(text,
	    "! ----------------------------------------------------------\n"
	    "! Juniper SRX (for comparison)\n"
	    "! ----------------------------------------------------------\n"
	    "set interfaces st0 unit 1 family inet address 169.254.1.2/30\n"
	    "set protocols bgp group ebgp neighbor 169.254.1.1 peer-as 7224\n"
	    "set security ike gateway gw-1 address 192.0.2.2\n"
	    "crypto isakmp policy 200\n");
}

/* The file ends before tunnel 2's BGP section. */
static char *
xf_cut_bgp2(char *text)
{
	char	*p = strstr(text, "IPSec Tunnel #2");

	assert_non_null(p);
	assert_non_null(p = strstr(p, "#4: Border Gateway"));
	*p = '\0';
	return text;
}

/* text without its lines that start with prefix. */
static char *
drop_lines(char *text, const char *prefix)
{
	char	*p = text, *q = text, *end;
	size_t	 n = strlen(prefix);

	for (; *p != '\0'; p = end) {
		end = strchr(p, '\n');
		end = end != NULL ? end + 1 : p + strlen(p);
		if (strncmp(p, prefix, n) != 0) {
			memmove(q, p, (size_t)(end - p));
			q += end - p;
		}
	}
	*q = '\0';
	return text;
}

/* The Generic file of a connection with static routing: no BGP part. */
static char *
xf_static_generic(char *text)
{
	static const char	*hop[] = { "169.254.249.57",
	    "169.254.249.61" };
	char			*bgp, *end, *out;
	int			 i;

	for (i = 0; i < 2; i++) {
		assert_non_null(bgp = strstr(text, "#4: Border Gateway"));
		if ((end = strstr(bgp, "\n----")) == NULL)
			end = bgp + strlen(bgp);
		assert_true(asprintf(&out, "%.*s#4: Static Routing "
		    "Configuration:\n\nTo route traffic between your internal "
		    "network and your VPC,\nyou will need a static route added "
		    "to your router.\n\nStatic Route Configuration Options:\n\n"
		    "  - Next hop       : %s\n\nAdd static routes towards your "
		    "internal network on the VGW.\n%s", (int)(bgp - text), text,
		    hop[i], end) > 0);
		free(text);
		text = out;
	}
	return text;
}

/* The VyOS file of a connection with static routing. */
static char *
xf_static_vyos(char *text)
{
	text = drop_lines(text, "set protocols bgp ");
	text = drop_lines(text, "! To advertise");
	text = drop_lines(text, "! below line");
	return replace(text, "! #4: Border Gateway Protocol (BGP) "
	    "Configuration\n", "! #4: Static Route Configuration\n! Route "
	    "your VPC's prefix through the tunnel, such as:\n! set protocols "
	    "static interface-route 10.0.0.0/16 next-hop-interface vti0\n",
	    false);
}

/* text cut right after marker, the first one after from (if given). */
static char *
cut_after(char *text, const char *from, const char *marker)
{
	char	*p = text;

	if (from != NULL)
		assert_non_null(p = strstr(text, from));
	assert_non_null(p = strstr(p, marker));
	p[strlen(marker)] = '\0';
	return text;
}

/* VyOS 1.4 syntax: system-as, neighbors without the AS. */
static char *
xf_vyos14(char *text)
{
	text = replace(text, "set protocols bgp 65000 network 0.0.0.0/0",
	    "set protocols bgp address-family ipv4-unicast network 0.0.0.0/0",
	    true);
	text = replace(text, "set protocols bgp 65000 ",
	    "set protocols bgp ", true);
	return replace(text, "! #4: Border Gateway Protocol (BGP) "
	    "Configuration\n", "set protocols bgp system-as '65000'\n",
	    false);
}

struct row {
	const char		*name;
	enum import_format	 fmt;
	struct {
		const char	*old, *new;
		bool		 all;
	} ed[MAX_EDITS];
	char			*(*xf)(char *);
	const char		*want;		/* NULL: valid */
	uint32_t		 remote_as;	/* 0: 64512 */
	const char		*router_id;	/* NULL: 203.0.113.10 */
};

/* The warnings of the last run(). */
static struct import_warnings	last_warn;

static int
run(enum import_format fmt, const char *text, size_t len,
    const struct import_opts *o, char **out, struct import_error *err)
{
	size_t	n;
	FILE	*f;
	int	rc;

	assert_non_null(f = open_memstream(out, &n));
	rc = import_aws(fmt, text, len, o, f, err, &last_warn);
	fclose(f);
	return rc;
}

/* "LINE:COL: message", or the message alone where nowhere. */
static const char *
diag_str(const struct import_error *e, char *buf, size_t size)
{
	if (e->line > 0)
		snprintf(buf, size, "%d:%d: %s", e->line, e->col, e->msg);
	else
		snprintf(buf, size, "%s", e->msg);
	return buf;
}

/* The warnings of the last run(), one a line; "" if none. */
static const char *
warn_str(char *buf, size_t size)
{
	char	one[700];
	size_t	i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < last_warn.n && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? "\n" : "",
		    diag_str(&last_warn.w[i], one, sizeof(one)));
	return buf;
}

static void
assert_addr(struct in_addr a, const char *want)
{
	char	buf[INET_ADDRSTRLEN];

	assert_string_equal(inet_ntop(AF_INET, &a, buf, sizeof(buf)), want);
}

static void
check_neighbor(const struct conf_neighbor *n, int no, uint32_t remote_as)
{
	static const char *const addr[] = { "169.254.249.57",
	    "169.254.249.61" };
	static const char *const local[] = { "169.254.249.58",
	    "169.254.249.62" };
	static const char *const vgw[] = { "198.51.100.120",
	    "198.51.100.122" };
	char	ifname[8], tunnel[16];

	snprintf(ifname, sizeof(ifname), "vti%d", no - 1);
	snprintf(tunnel, sizeof(tunnel), "tunnel %d", no);
	assert_addr(n->addr, addr[no - 1]);
	assert_string_equal(n->ifname, ifname);
	assert_int_equal(n->remote_as, remote_as);
	assert_true(n->has_local_addr);
	assert_addr(n->local_addr, local[no - 1]);
	assert_int_equal(n->timers.hold_s, 30);
	assert_int_equal(n->timers.keepalive_s, 10);
	assert_non_null(n->description);
	assert_non_null(strstr(n->description, tunnel));
	assert_non_null(strstr(n->description, vgw[no - 1]));
}

/* out parses into the configuration of the samples. */
static struct conf *
check_conf(const char *out, uint32_t remote_as, const char *router_id)
{
	struct conf_error	 err;
	struct conf		*c;
	char			 buf[1024];

	if ((c = conf_parse_buffer("out", out, strlen(out), &err)) == NULL)
		fail_msg("%s\n--- output:\n%s", conf_error_str(&err, buf,
		    sizeof(buf)), out);
	assert_addr(c->router_id, router_id ? router_id : "203.0.113.10");
	assert_int_equal(c->local_as, 65000);
	assert_int_equal(c->n_neighbors, 2);
	check_neighbor(&c->neighbors[0], 1, remote_as ? remote_as : 64512);
	check_neighbor(&c->neighbors[1], 2, remote_as ? remote_as : 64512);
	return c;
}

static const struct import_opts no_opts = { NULL, 0, NULL, 0,
    { NULL, NULL } };

/* Whether row r fails (said on stderr). */
static bool
run_row(const struct row *r)
{
	struct import_error	 err;
	char			*text, *out, got[700], warned[2048];
	size_t			 len, i;
	int			 rc;
	bool			 bad = false;

	text = load_sample(r->fmt, &len);
	for (i = 0; i < MAX_EDITS && r->ed[i].old != NULL; i++)
		text = replace(text, r->ed[i].old, r->ed[i].new, r->ed[i].all);
	if (r->xf != NULL)
		text = r->xf(text);
	rc = run(r->fmt, text, strlen(text), &no_opts, &out, &err);
	diag_str(&err, got, sizeof(got));
	warn_str(warned, sizeof(warned));
	if (rc == 0 && warned[0] != '\0') {
		print_error("%s: unexpected warnings:\n%s\n", r->name, warned);
		bad = true;
	} else if (r->want == NULL && rc != 0) {
		print_error("%s: unexpected error: %s\n", r->name, got);
		bad = true;
	} else if (r->want != NULL && (rc == 0 || strcmp(got, r->want))) {
		print_error("%s:\n  want: %s\n  got:  %s\n", r->name, r->want,
		    rc == 0 ? "(success)" : got);
		bad = true;
	} else if (r->want != NULL)
		assert_string_equal(out, "");
	else
		conf_free(check_conf(out, r->remote_as, r->router_id));
	free(out);
	free(text);
	return bad;
}

/* ---- the samples, with and without options ---------------------------- */

static void
test_samples(void **state)
{
	static const char	*nets[] = { "172.100.0.0/16", "192.0.2.0/24" };
	static const char	*allow[] = { "10.10.0.0/16" };
	struct import_opts	 o = { nets, 2, allow, 1, { NULL, NULL } };
	enum import_format	 fmt;
	struct import_error	 err;
	struct conf		*c;
	char			*text, *out;
	size_t			 len;

	for (fmt = G; fmt <= V; fmt++) {
		text = load_sample(fmt, &len);
		assert_int_equal(run(fmt, text, len, &o, &out, &err), 0);
		assert_int_equal(last_warn.n, 0);
		c = check_conf(out, 0, NULL);
		assert_int_equal(c->n_networks, 2);
		assert_int_equal(c->import.n_allow, 1);
		assert_addr(c->import.allow[0].pfx.addr, "10.10.0.0");
		assert_int_equal(c->import.allow[0].pfx.len, 16);
		assert_int_equal(c->n_warnings, 0);
		assert_non_null(strstr(out, "vpn-0a1b2c3d4e5f60718"));
		conf_free(c);
		free(out);

		/* without options: valid, with warnings and a comment */
		assert_int_equal(run(fmt, text, len, &no_opts, &out, &err), 0);
		c = check_conf(out, 0, NULL);
		assert_int_equal(c->n_networks, 0);
		assert_int_equal(c->import.n_allow, 0);
		assert_int_equal(c->n_warnings, 2);
		assert_non_null(strstr(out, "# No --network given"));
		assert_non_null(strstr(out, "# No --allow given"));
		conf_free(c);
		free(out);
		free(text);
	}
}

/* The VyOS file's 0.0.0.0/0 is named in a comment, never announced. */
static void
test_vyos_default_route(void **state)
{
	static const char	*nets[] = { "172.100.0.0/16" };
	struct import_opts	 o = { nets, 1, NULL, 0, { NULL, NULL } };
	struct import_error	 err;
	struct conf		*c;
	char			*text, *out;
	size_t			 len;

	text = load_sample(V, &len);
	text = replace(text, "network 0.0.0.0/0\n!",
	    "network 0.0.0.0/0\nset protocols bgp 65000 network "
	    "172.16.0.0/12\n!", false);
	assert_int_equal(run(V, text, strlen(text), &o, &out, &err), 0);
	c = check_conf(out, 0, NULL);
	assert_int_equal(c->n_networks, 1);
	assert_addr(c->networks[0].addr, "172.100.0.0");
	assert_non_null(strstr(out, "# The AWS file announces 0.0.0.0/0 "
	    "(line 45)"));
	assert_non_null(strstr(out, "# The file announces 172.16.0.0/12 "
	    "(line 46)"));
	conf_free(c);
	free(out);
	free(text);
}

static void
test_bad_options(void **state)
{
	static const char	*bad_net[] = { "172.100.0.1/16" };
	static const char	*bad_allow[] = { "10.10.0.0" };
	struct import_opts	 o1 = { bad_net, 1, NULL, 0, { NULL, NULL } };
	struct import_opts	 o2 = { NULL, 0, bad_allow, 1, { NULL, NULL } };
	struct import_error	 err;
	char			*text, *out;
	size_t			 len;

	text = load_sample(G, &len);
	assert_int_equal(run(G, text, len, &o1, &out, &err), -1);
	assert_string_equal(err.msg, "--network: invalid prefix "
	    "'172.100.0.1/16': host bits set (did you mean 172.100.0.0/16?)");
	free(out);
	assert_int_equal(run(G, text, len, &o2, &out, &err), -1);
	assert_string_equal(err.msg, "--allow: invalid prefix '10.10.0.0': "
	    "missing /length");
	assert_int_equal(err.line, 0);
	free(out);
	free(text);
}

/* ---- variants: one row each ------------------------------------------- */

#define T1_VGW_IN	"  - Virtual Private Gateway            : 169.254.249.57/30\n"
#define T2_VGW_IN	"  - Virtual Private Gateway            : 169.254.249.61/30\n"
#define T2_HOLD		": 169.254.249.61\n  - Neighbor Hold Time       : 30\n"
#define T2_NB		": 169.254.249.61\n"
#define T2_ASN		"  - Customer Gateway ASN\t          : 65000\n" \
			"  - Virtual Private  Gateway ASN          : 64512\n" \
			"  - Neighbor IP Address                   : 169.254.249.61"
#define T1_CGW_OUT	"  - Customer Gateway                   : 203.0.113.10\n" \
			"  - Virtual Private Gateway            : 198.51.100.120"
#define V2_PEER		"set vpn ipsec site-to-site peer 198.51.100.122 "
#define ENDS(n)		": the file seems to end early, at line " #n \
			" (truncated download?)"
#define STATIC		"this connection uses static routing; vtibgpd " \
			"needs a dynamic (BGP) connection: create the VPN " \
			"connection with routing option \"Dynamic (requires " \
			"BGP)\", then download its configuration"

static const struct row rows[] = {
	/* valid */
	{ "generic", G, { { NULL } }, NULL, NULL, 0, NULL },
	{ "generic CRLF", G, { { NULL } }, xf_crlf, NULL, 0, NULL },
	{ "generic CR", G, { { NULL } }, xf_cr, NULL, 0, NULL },
	{ "generic tabs", G, { { NULL } }, xf_tabs, NULL, 0, NULL },
	{ "generic doubled spaces", G, { { NULL } }, xf_double_spaces, NULL,
	    0, NULL },
	{ "generic comments", G, { { NULL } }, xf_comments, NULL, 0, NULL },
	{ "generic BOM", G, { { NULL } }, xf_bom, NULL, 0, NULL },
	{ "generic foreign section", G, { { NULL } }, xf_foreign_generic,
	    NULL, 0, NULL },
	{ "generic swapped tunnels", G, { { NULL } }, xf_swap, NULL, 0, NULL },
	{ "generic 4-octet ASN", G, { { ": 64512", ": 4200000001", true } },
	    NULL, NULL, 4200000001U, NULL },
	{ "generic upper case, 30 seconds", G,
	    { { "Neighbor Hold Time       : 30", "NEIGHBOR HOLD TIME: 30 "
	    "seconds", true } }, NULL, NULL, 0, NULL },
	{ "generic older labels, a second colon", G, { { " Gateway        "
	    "           : ", " Gateway:                   : ", true },
	    { "Gateway ASN\t          : ", "Gateway ASN:\t          : ", true },
	    { "Hold Time       : 30", "Hold Time: :30", true } }, NULL, NULL, 0,
	    NULL },
	{ "generic keepalive given", G,
	    { { T2_HOLD, T2_HOLD "  - Neighbor Keepalive : 10\n", false } },
	    NULL, NULL, 0, NULL },
	{ "vyos", V, { { NULL } }, NULL, NULL, 0, NULL },
	{ "vyos CRLF", V, { { NULL } }, xf_crlf, NULL, 0, NULL },
	{ "vyos tabs", V, { { NULL } }, xf_tabs, NULL, 0, NULL },
	{ "vyos doubled spaces", V, { { NULL } }, xf_double_spaces, NULL, 0,
	    NULL },
	{ "vyos comments", V, { { NULL } }, xf_comments, NULL, 0, NULL },
	{ "vyos foreign section", V, { { NULL } }, xf_foreign_vyos, NULL, 0,
	    NULL },
	{ "vyos swapped tunnels", V, { { NULL } }, xf_swap, NULL, 0, NULL },
	{ "vyos 1.4 syntax", V, { { NULL } }, xf_vyos14, NULL, 0, NULL },
	{ "vyos 4-octet ASN", V, { { "remote-as '64512'",
	    "remote-as \"4200000001\"", true } }, NULL, NULL, 4200000001U,
	    NULL },

	/* no BGP: a static routing connection */
	{ "generic static routing", G, { { NULL } }, xf_static_generic,
	    "71:1: " STATIC, 0, NULL },
	{ "vyos static routing", V, { { NULL } }, xf_static_vyos,
	    "38:1: " STATIC, 0, NULL },

	/* missing pieces */
	{ "generic no tunnel 2", G, { { "IPSec Tunnel #2", "IPSec Tunnel", false
	    } }, NULL, "no IPSec Tunnel #2 section", 0, NULL },
	{ "generic no tunnel 2, a 'set' line", G, { { "IPSec Tunnel #2",
	    "IPSec Tunnel", false }, { "Configure the IKE SA as follows:\n",
	    "set up the IKE SA as follows:\n", false } }, NULL, "no IPSec "
	    "Tunnel #2 section", 0, NULL },
	{ "generic no VGW inside 2", G, { { T2_VGW_IN, "", false } }, NULL,
	    "122:1: tunnel 2: no Virtual Private Gateway inside address", 0,
	    NULL },
	{ "generic no VGW outside 1", G, { { "  - Virtual Private Gateway     "
	    "       : 198.51.100.120\n", "", false } }, NULL,
	    "60:1: tunnel 1: no Virtual Private Gateway outside address", 0,
	    NULL },
	{ "generic no ASN 2", G, { { "  - Virtual Private  Gateway ASN      "
	    "    : 64512\n  - Neighbor IP Address                   : "
	    "169.254.249.61", "  - Neighbor IP Address                   : "
	    "169.254.249.61", false } }, NULL,
	    "128:1: tunnel 2: no Virtual Private Gateway ASN", 0, NULL },
	{ "generic no inside addresses", G, { { "Inside IP Addresses\n  - "
	    "Customer Gateway                   : 169.254.249.62/30\n" T2_VGW_IN,
	    "", false } }, NULL,
	    "89:1: tunnel 2: no Customer Gateway inside address", 0, NULL },
	{ "generic truncated", G, { { NULL } }, xf_cut_bgp2,
	    "89:1: tunnel 2: no Customer Gateway ASN" ENDS(126), 0, NULL },
	{ "vyos no bind 2", V, { { V2_PEER "vti bind 'vti1'\n", "", false } },
	    NULL, "54:33: site-to-site peer 198.51.100.122 has no 'vti bind'",
	    0, NULL },
	{ "vyos no vti1 address", V, { { "set interfaces vti vti1 address "
	    "'169.254.249.62/30'\n", "", false } }, NULL, "55:58: tunnel 2: "
	    "peer 198.51.100.122 is bound to vti1, but there is no 'set "
	    "interfaces vti vti1 address'", 0, NULL },
	{ "vyos no neighbor 2", V, { { "neighbor 169.254.249.61", "neighbor "
	    "169.254.1.1", true } }, NULL,
	    "57:34: tunnel 2: no BGP neighbor in the /30 of vti1", 0, NULL },
	{ "vyos no remote-as", V, { { "neighbor 169.254.249.61 remote-as "
	    "'64512'", "neighbor 169.254.249.61 description 'x'", false } },
	    NULL, "62:34: tunnel 2: BGP neighbor 169.254.249.61 has no "
	    "remote-as", 0, NULL },
	{ "vyos peer bound twice", V, { { V2_PEER, "set vpn ipsec "
	    "site-to-site peer 198.51.100.120 ", true } }, NULL, "55:58: "
	    "site-to-site peer 198.51.100.120 is bound to vti0 already (line "
	    "21)", 0, NULL },
	{ "vyos one peer", V, { { V2_PEER "vti bind 'vti1'\n", "", false },
	    { V2_PEER, "# ", true } }, NULL, "no IPSec Tunnel #2: only one "
	    "site-to-site peer with a 'vti bind'", 0, NULL },
	{ "vyos no value", V, { { "vti bind 'vti1'", "vti bind", false } },
	    NULL, "55:52: 'bind' without a value", 0, NULL },

	/* bad values */
	{ "generic ASN out of range", G, { { ": 64512", ": 4294967296", false
	    } }, NULL, "80:45: tunnel 1: Virtual Private Gateway ASN: AS "
	    "number 4294967296 out of range (1-4294967295)", 0, NULL },
	{ "generic ASN 0", G, { { "\t          : 65000", "\t          : 0",
	    true } }, NULL, "79:38: tunnel 1: Customer Gateway ASN: AS number "
	    "0 is reserved (RFC 7607)", 0, NULL },
	{ "generic ASN junk", G, { { ": 64512", ": 64512 x", false } }, NULL,
	    "80:45: tunnel 1: Virtual Private Gateway ASN: unexpected 'x' "
	    "after the value", 0, NULL },
	{ "generic not a /30", G, { { "169.254.249.58/30", "169.254.249.58/29",
	    false } }, NULL, "65:42: tunnel 1: Customer Gateway inside "
	    "address: 169.254.249.58/29 is not a /30", 0, NULL },
	{ "generic not link-local", G, { { "169.254.249.58/30", "10.0.0.2/30",
	    false } }, NULL, "65:42: tunnel 1: Customer Gateway inside "
	    "address: 10.0.0.2 is not inside 169.254.0.0/16", 0, NULL },
	{ "generic network address", G, { { "169.254.249.57/30",
	    "169.254.249.56/30", false } }, NULL, "66:42: tunnel 1: Virtual "
	    "Private Gateway inside address: 169.254.249.56 is the network "
	    "address of its /30", 0, NULL },
	{ "generic VGW outside the /30", G, { { "169.254.249.57/30",
	    "169.254.249.53/30", false } }, NULL, "66:42: tunnel 1: Virtual "
	    "Private Gateway inside address 169.254.249.53 is not in the /30 "
	    "of the Customer Gateway's 169.254.249.58", 0, NULL },
	{ "generic bad address", G, { { "203.0.113.10", "203.0.113.300",
	    false } }, NULL, "61:42: tunnel 1: Customer Gateway outside "
	    "address: invalid IPv4 address '203.0.113.300'", 0, NULL },
	{ "generic wrong neighbor", G, { { ": 169.254.249.61\n",
	    ": 169.254.249.62\n", false } }, NULL, "133:45: tunnel 2: Neighbor "
	    "IP Address 169.254.249.62 is not the Virtual Private Gateway "
	    "inside address 169.254.249.61", 0, NULL },
	{ "generic same /30", G, { { "169.254.249.62/30", "169.254.249.58/30",
	    false }, { "169.254.249.61/30", "169.254.249.57/30", false },
	    { ": 169.254.249.61\n", ": 169.254.249.57\n", false } }, NULL,
	    "123:42: tunnel 2: its inside /30 is also tunnel 1's (line 65)", 0,
	    NULL },
	{ "generic same VGW", G, { { "198.51.100.122", "198.51.100.120",
	    false } }, NULL, "120:42: tunnel 2: its Virtual Private Gateway "
	    "outside address is also tunnel 1's (line 62)", 0, NULL },
	{ "generic ASNs differ", G, { { T2_ASN, "  - Customer Gateway ASN : "
	    "65000\n  - Virtual Private Gateway ASN : 64513\n  - Neighbor "
	    "IP Address : 169.254.249.61", false } }, NULL, "132:35: tunnel 2: "
	    "Virtual Private Gateway ASN 64513 differs from tunnel 1's 64512 "
	    "(line 80)", 0, NULL },
	{ "generic iBGP", G, { { ": 64512", ": 65000", true } }, NULL,
	    "80:45: tunnel 1: the Virtual Private Gateway ASN equals the "
	    "Customer Gateway's (65000): only eBGP is supported", 0, NULL },
	{ "generic hold 2", G, { { T2_HOLD, T2_NB "  - Neighbor Hold Time : 2\n",
	    false } }, NULL, "134:26: tunnel 2: hold time 2s: BGP takes 0 or 3 "
	    "to 65535 seconds (RFC 4271 4.2)", 0, NULL },
	{ "generic keepalive too long", G, { { T2_HOLD, T2_HOLD
	    "  - Neighbor Keepalive : 30\n", false } }, NULL,
	    "135:26: tunnel 2: keepalive 30s is not below the hold time 30s",
	    0, NULL },
	{ "generic twice", G, { { T2_HOLD, T2_HOLD
	    "  - Neighbor Hold Time : 90\n", false } }, NULL, "135:26: tunnel "
	    "2: Neighbor Hold Time given twice, differently (first at line "
	    "134)", 0, NULL },
	{ "generic tunnel #1 twice", G, { { "IPSec Tunnel #2",
	    "IPSec Tunnel #1", false } }, NULL, "89:1: a second IPSec Tunnel "
	    "#1 section (the first is at line 18)", 0, NULL },
	{ "generic tunnel #3", G, { { "IPSec Tunnel #2", "IPSec  tunnel #3",
	    false } }, NULL, "89:1: IPSec Tunnel #3: an AWS VPN connection has "
	    "tunnels #1 and #2 only", 0, NULL },
	{ "vyos ASN out of range", V, { { "remote-as '64512'", "remote-as "
	    "'99999999999'", false } }, NULL,
	    "39:60: neighbor 169.254.249.57 remote-as: AS number "
	    "99999999999 out of range (1-4294967295)", 0, NULL },
	{ "vyos not a /30", V, { { "'169.254.249.62/30'", "'169.254.249.62/31'",
	    false } }, NULL, "57:34: vti1 address: 169.254.249.62/31 is not a "
	    "/30",
	    0, NULL },
	{ "vyos local AS differs", V, { { "bgp 65000 neighbor 169.254.249.61 "
	    "remote-as", "bgp 65001 neighbor 169.254.249.61 remote-as", false
	    } }, NULL, "60:19: local AS given twice, differently (first at "
	    "line 39)", 0, NULL },
	{ "vyos bad peer", V, { { "peer 198.51.100.120 local-address",
	    "peer 198.51.100 local-address", false } }, NULL, "20:33: "
	    "site-to-site peer: invalid IPv4 address '198.51.100'", 0, NULL },
	{ "vyos bad interface name", V, { { "bind 'vti0'", "bind 'vti/0'",
	    false } }, NULL, "21:58: 'vti/0' is not an interface name", 0,
	    NULL },
	{ "vyos extra word", V, { { "timers holdtime '30'", "timers holdtime "
	    "'30' now", false } }, NULL, "41:70: unexpected 'now' after the "
	    "value", 0, NULL },
};

static void
test_rows(void **state)
{
	size_t	i, failed = 0;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		failed += run_row(&rows[i]);
	assert_int_equal(failed, 0);
}

/* ---- values the file lacks: assumed, with a warning ------------------- */

#define NO_OUTSIDE	"no Customer Gateway outside address in the " \
			"file: router-id 169.254.249.58 (tunnel 1's " \
			"inside address) assumed; set a stable address " \
			"of this gateway instead"
#define V2_HOLD		"set protocols bgp 65000 neighbor " \
			"169.254.249.61 timers holdtime '30'\n"

static const struct default_row {
	const char		*name;
	enum import_format	 fmt;
	const char		*old, *new;	/* replaced all over */
	const char		*router_id;	/* NULL: 203.0.113.10 */
	const char		*warn;		/* one a line */
} defaults[] = {
	{ "generic no hold time 1", G, "  - Neighbor Hold Time       : 30\n"
	    "\nConfigure", "\nConfigure", NULL, "71:1: tunnel 1: no hold time "
	    "in the file: using 30 s, what AWS uses" },
	{ "generic hold time not read", G, "Neighbor Hold Time       : 30",
	    "Neighbor Hold Timer      : 90", NULL, "82:5: tunnel 1: no hold "
	    "time read ('Neighbor Hold Timer' is not a key import knows): "
	    "using 30 s, what AWS uses\n134:5: tunnel 2: no hold time read "
	    "('Neighbor Hold Timer' is not a key import knows): using 30 s, "
	    "what AWS uses" },
	{ "generic without outside CGW address", G, "  - Customer Gateway     "
	    "              : 203.0.113.10\n", "", "169.254.249.58",
	    NO_OUTSIDE },
	{ "vyos no holdtime 2", V, V2_HOLD, "", NULL, "60:34: tunnel 2: no "
	    "hold time in the file: using 30 s, what AWS uses" },
	{ "vyos without local-address", V, "local-address '203.0.113.10'",
	    "description 'x'", "169.254.249.58", NO_OUTSIDE },
};

/* Each row imports, with the values of the samples, and warns so. */
static void
test_defaults(void **state)
{
	const struct default_row	*d;
	struct import_error		 err;
	char				*text, *out, warned[2048];
	size_t				 len, i, failed = 0;

	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		d = &defaults[i];
		text = replace(load_sample(d->fmt, &len), d->old, d->new,
		    true);
		assert_int_equal(run(d->fmt, text, strlen(text), &no_opts,
		    &out, &err), 0);
		conf_free(check_conf(out, 0, d->router_id));
		if (strcmp(warn_str(warned, sizeof(warned)), d->warn) != 0) {
			print_error("%s:\n  want: %s\n  got:  %s\n", d->name,
			    d->warn, warned);
			failed++;
		}
		free(out);
		free(text);
	}
	assert_int_equal(failed, 0);
}

/* ---- the gateway's kind sets max-prefix ------------------------------- */

#define NO_GW_WARN	"no gateway ID (vgw-... or tgw-...) in the file: " \
			"max-prefix 10000, what a transit gateway may send " \
			"(a virtual private gateway sends at most 1,000)"

static const struct gw_row {
	const char		*name;
	enum import_format	 fmt;
	const char		*old, *new;	/* NULL: the sample */
	uint32_t		 max_prefix;
	const char		*warn;		/* "" or the warning */
	const char		*kind;		/* in the description */
} gw_rows[] = {
	{ "generic VGW", G, NULL, NULL, 1000, "", "VGW" },
	{ "vyos VGW", V, NULL, NULL, 1000, "", "VGW" },
	{ "generic TGW under the VGW key", G, "vgw-0123", "tgw-0123", 10000,
	    "", "TGW" },
	{ "vyos TGW under the VGW key", V, "vgw-0123", "tgw-0123", 10000, "",
	    "TGW" },
	{ "generic Transit Gateway ID", G, "Your Virtual Private Gateway ID   "
	    "      : vgw-", "Your Transit Gateway ID : tgw-", 10000, "",
	    "TGW" },
	{ "vyos vgw- under the TGW key: the ID tells", V, "Your Virtual "
	    "Private Gateway ID", "Your Transit Gateway ID", 1000, "", "VGW" },
	{ "generic no gateway ID", G, ": vgw-0123456789abcdef0", ":", 10000,
	    NO_GW_WARN, "VGW" },
	{ "vyos other ID", V, "vgw-0123456789abcdef0", "gw-1", 10000,
	    NO_GW_WARN, "VGW" },
	{ "generic vgw- under another key", G, "Your Virtual Private "
	    "Gateway ID", "Your Customer Gateway ID", 10000, NO_GW_WARN,
	    "VGW" },
};

/* A VGW gets its 1,000, a TGW 10,000; a file that does not say, 10,000
 * with a warning. */
static void
test_gateway_kind(void **state)
{
	const struct gw_row	*g;
	struct import_error	 err;
	struct conf		*c;
	char			*text, *out, warned[2048], want[64];
	size_t			 len, i, failed = 0;

	for (i = 0; i < sizeof(gw_rows) / sizeof(gw_rows[0]); i++) {
		g = &gw_rows[i];
		text = load_sample(g->fmt, &len);
		if (g->old != NULL)
			text = replace(text, g->old, g->new, true);
		assert_int_equal(run(g->fmt, text, strlen(text), &no_opts,
		    &out, &err), 0);
		c = check_conf(out, 0, NULL);
		warn_str(warned, sizeof(warned));
		snprintf(want, sizeof(want), "tunnel 1, %s 198.51.100.120",
		    g->kind);
		if (c->import.max_prefix != g->max_prefix ||
		    c->import.max_prefix_restart_ms != 60000 ||
		    strcmp(warned, g->warn) != 0 ||
		    strstr(c->neighbors[0].description, want) == NULL) {
			print_error("%s: max-prefix %u (want %u), warnings "
			    "'%s' (want '%s'), description '%s' (want '%s')\n",
			    g->name, c->import.max_prefix, g->max_prefix,
			    warned, g->warn, c->neighbors[0].description,
			    want);
			failed++;
		}
		conf_free(c);
		free(out);
		free(text);
	}
	assert_int_equal(failed, 0);
}

/* ---- files that are not what they should be --------------------------- */

static void
expect_error(enum import_format fmt, const char *text, size_t len,
    const char *want)
{
	struct import_error	 err;
	char			*out, got[700];

	assert_int_equal(run(fmt, text, len, &no_opts, &out, &err), -1);
	assert_string_equal(diag_str(&err, got, sizeof(got)), want);
	assert_int_equal(last_warn.n, 0);
	assert_string_equal(out, "");
	free(out);
}

/* text in UTF-16, little or big endian, with or without a byte order mark. */
static char *
utf16(const char *text, size_t len, bool le, bool bom, size_t *out_len)
{
	char	*out, *p;
	size_t	 i;

	assert_non_null(out = malloc(2 * len + 2));
	p = out;
	if (bom) {
		*p++ = le ? '\xff' : '\xfe';
		*p++ = le ? '\xfe' : '\xff';
	}
	for (i = 0; i < len; i++) {
		*p++ = le ? text[i] : '\0';
		*p++ = le ? '\0' : text[i];
	}
	*out_len = (size_t)(p - out);
	return out;
}

/* A file saved as UTF-16 ("Unicode" in Windows Notepad): say so. */
static void
test_utf16(void **state)
{
	static const char	 want[] = "1:1: UTF-16 text: save the file as "
	    "UTF-8 and import it again";
	enum import_format	 fmt;
	char			*text, *u;
	size_t			 len, ulen;
	int			 i;

	for (fmt = G; fmt <= V; fmt++) {
		text = load_sample(fmt, &len);
		for (i = 0; i < 4; i++) {
			u = utf16(text, len, i & 1, i & 2, &ulen);
			expect_error(fmt, u, ulen, want);
			free(u);
		}
		free(text);
	}
	/* a NUL byte in UTF-8 text is still just that */
	expect_error(G, "IPSec Tunnel #1\n\0\n", 18, "2:1: NUL byte: this "
	    "is not a text file");
}

static void
test_not_aws(void **state)
{
	char	*g, *v, *big;
	size_t	 glen, vlen;

	g = load_sample(G, &glen);
	v = load_sample(V, &vlen);
	expect_error(G, "", 0, "empty file");
	expect_error(V, " \r\n\t\n", 5, "empty file");
	expect_error(G, v, vlen, "no IPSec Tunnel #1 section (this looks "
	    "like the VyOS format: import aws-vyos)");
	expect_error(V, g, glen, "no IPSec Tunnel #1: no site-to-site peer "
	    "with a 'vti bind' (this looks like the Generic format: import "
	    "aws-generic)");
	g[200] = '\0';	/* line 6 */
	expect_error(G, g, glen, "6:20: NUL byte: this is not a text file");
	assert_non_null(big = calloc(1, 1024 * 1024 + 1));
	memset(big, '\n', 1024 * 1024 + 1);
	expect_error(G, big, 1024 * 1024 + 1, "larger than 1024 KiB: not a "
	    "file from AWS");
	free(big);
	free(g);
	free(v);
}

/*
 * AWS's files for other vendors (tests/import/samples/vendors/): each is
 * refused in both formats, at its first line of that vendor, with the
 * file to download instead.
 */
static void
test_vendors(void **state)
{
	static const struct {
		const char	*file;
		const char	*where;		/* LINE:COL */
		const char	*what;
	} vendors[] = {
		{ "cisco-ios.txt", "23:1", "Cisco ('crypto isakmp')" },
		{ "cisco-asa.txt", "13:1", "Cisco ('crypto ikev1')" },
		{ "juniper-srx.txt", "16:1", "Juniper ('set security ike')" },
		{ "juniper-screenos.txt", "13:1", "Juniper ('set ike')" },
		{ "fortigate.txt", "14:1", "FortiGate ('config vpn ipsec "
		    "phase1-interface')" },
		{ "paloalto.txt", "13:1", "Palo Alto Networks ('set network "
		    "ike')" },
		{ "paloalto-xml.txt", "4:1", "Palo Alto Networks ('<config')" },
		{ "strongswan.txt", "26:1", "strongSwan ('conn Tunnel')" },
	};
	char	 name[64], want[512], *text;
	size_t	 i, len;

	for (i = 0; i < sizeof(vendors) / sizeof(vendors[0]); i++) {
		snprintf(name, sizeof(name), "vendors/%s", vendors[i].file);
		text = load_file(name, &len);
		snprintf(want, sizeof(want), "%s: this looks like AWS's "
		    "configuration for %s, not the Generic one: download it "
		    "again with vendor \"Generic\"", vendors[i].where,
		    vendors[i].what);
		expect_error(G, text, len, want);
		snprintf(want, sizeof(want), "%s: this looks like AWS's "
		    "configuration for %s, not the Vyatta one: download it "
		    "again with vendor \"Vyatta\"", vendors[i].where,
		    vendors[i].what);
		expect_error(V, text, len, want);
		free(text);
	}
}

/* Downloads cut short right after marker (the first after from, if any). */
static void
test_cut_short(void **state)
{
	static const struct {
		enum import_format	 fmt;
		const char		*from, *marker, *want;
	} cuts[] = {
		{ G, NULL, "configured on your Customer Gateway.\n",
		    "no IPSec Tunnel #1 section" ENDS(15) },
		{ G, NULL, "169.254.249.57/30\n",
		    "no IPSec Tunnel #2 section" ENDS(66) },
		{ G, "IPSec Tunnel #2", "Gateway ASN          : 645",
		    "132:45: tunnel 2: Virtual Private Gateway ASN 645 differs "
		    "from tunnel 1's 64512 (line 80)" ENDS(132) },
		{ V, NULL, "network 0.0.0.0/0\n", "no IPSec Tunnel #2: only "
		    "one site-to-site peer with a 'vti bind'" ENDS(45) },
		{ V, NULL, "198.51.100.122 local-address '203.0.113.10'\n",
		    "54:33: site-to-site peer 198.51.100.122 has no 'vti bind'"
		    ENDS(54) },
		{ V, NULL, "198.51.100.122 vti esp-group 'AWS'\n", "55:58: "
		    "tunnel 2: peer 198.51.100.122 is bound to vti1, but there "
		    "is no 'set interfaces vti vti1 address'" ENDS(56) },
		{ V, NULL, "vti1 address '169.254.2", "57:34: vti1 address: "
		    "'169.254.2' has no /30" ENDS(57) },
	};
	char	*text;
	size_t	 i, len;

	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		text = cut_after(load_sample(cuts[i].fmt, &len),
		    cuts[i].from, cuts[i].marker);
		expect_error(cuts[i].fmt, text, strlen(text), cuts[i].want);
		free(text);
	}
}

/* Every prefix of both samples: an error or a valid configuration. */
static void
test_truncated(void **state)
{
	struct import_error	 err;
	enum import_format	 fmt;
	struct conf_error	 cerr;
	struct conf		*c;
	char			*text, *out;
	size_t			 len, n, ok = 0;

	for (fmt = G; fmt <= V; fmt++) {
		text = load_sample(fmt, &len);
		for (n = 0; n <= len; n++) {
			if (run(fmt, text, n, &no_opts, &out, &err) == 0) {
				assert_non_null(c = conf_parse_buffer("out",
				    out, strlen(out), &cerr));
				conf_free(c);
				ok++;
			} else
				assert_true(err.msg[0] != '\0');
			free(out);
		}
		free(text);
	}
	assert_true(ok > 0);
}

static uint32_t
lcg(uint32_t *seed)
{
	*seed = *seed * 1103515245U + 12345U;
	return *seed >> 8;
}

/* Random bytes, and the samples with random bytes changed: never a crash. */
static void
test_junk(void **state)
{
	static const char	 tricky[] = "\0\r\n\t :#!-'\"/.0123456789";
	struct import_error	 err;
	enum import_format	 fmt;
	char			*text, *out, junk[4096];
	size_t			 len, i, j;
	uint32_t		 seed = 1;

	for (i = 0; i < 200; i++) {
		for (j = 0; j < sizeof(junk); j++)
			junk[j] = (char)(i % 2 ? lcg(&seed) :
			    (uint32_t)tricky[lcg(&seed) %
			    (sizeof(tricky) - 1)]);
		for (fmt = G; fmt <= V; fmt++) {
			assert_int_equal(run(fmt, junk, sizeof(junk) -
			    i, &no_opts, &out, &err), -1);
			free(out);
		}
	}
	for (fmt = G; fmt <= V; fmt++) {
		text = load_sample(fmt, &len);
		for (i = 0; i < 2000; i++) {
			char	*m = malloc(len);

			assert_non_null(m);
			memcpy(m, text, len);
			for (j = 0; j < 1 + i % 8; j++)
				m[lcg(&seed) % len] = (char)(i % 3 ?
				    (uint32_t)tricky[lcg(&seed) %
				    (sizeof(tricky) - 1)] : lcg(&seed));
			if (run(fmt, m, len, &no_opts, &out, &err) == -1)
				assert_true(err.msg[0] != '\0');
			free(out);
			free(m);
		}
		free(text);
	}
}

/* ---- tunnels that carry IPv6 ------------------------------------------ */

/*
 * tests/import/good/generic-ipv6-tgw.txt is constructed (its header says
 * from what): the Generic sample on a transit gateway, "Tunnel Inside IP
 * Version : IPv6", each tunnel's /126 under "Inside IPv6 Addresses" and
 * the Neighbor IP Address on the gateway's IPv6 end.
 */
#define V6_FILE		"../good/generic-ipv6-tgw.txt"
#define V6_T1_CGW	"Customer Gateway                   : fd00:1::2/126"
#define V6_T1_VGW	"Virtual Private Gateway            : fd00:1::1/126"
#define V6_T2_VGW	"Virtual Private Gateway            : fd00:2::1/126"
#define V6_VERSION	"Tunnel Inside IP Version                : IPv6"
#define V6_NB1		"Neighbor IP Address                   : fd00:1::1"
#define V6_NB2		"Neighbor IP Address                   : fd00:2::1"
#define V4_NB1		"Neighbor IP Address                   : " \
			"169.254.249.57"
#define V6_HINT		"; download the \"Generic\" configuration of " \
			"this connection again (it lists \"Inside IPv6 " \
			"Addresses\" per tunnel), or see each tunnel's " \
			"Inside IPv6 CIDR in the console or in `aws ec2 " \
			"describe-vpn-connections`"
#define V6_VYOS		"import reads a connection whose tunnels carry IPv6 " \
			"from the Generic download only: download it again " \
			"with vendor \"Generic\" and import it as aws-generic"

static void
assert_addr6(const struct in6_addr *a, const char *want)
{
	char	buf[INET6_ADDRSTRLEN];

	assert_string_equal(inet_ntop(AF_INET6, a, buf, sizeof(buf)), want);
}

/* out parses into the IPv6 file's configuration: its neighbors are the
 * gateway's inside IPv6 addresses, on ifname[0] and ifname[1]. */
static struct conf *
check_conf6(const char *out, const char *if1, const char *if2)
{
	static const char *const addr[] = { "fd00:1::1", "fd00:2::1" };
	static const char *const local[] = { "fd00:1::2", "fd00:2::2" };
	static const char *const tgw[] = { "tunnel 1, TGW 198.51.100.120",
	    "tunnel 2, TGW 198.51.100.122" };
	const char		*ifname[] = { if1, if2 };
	struct conf_error	 err;
	struct conf		*c;
	char			 buf[1024];
	size_t			 i;

	if ((c = conf_parse_buffer("out", out, strlen(out), &err)) == NULL)
		fail_msg("%s\n--- output:\n%s", conf_error_str(&err, buf,
		    sizeof(buf)), out);
	assert_addr(c->router_id, "203.0.113.10");
	assert_int_equal(c->local_as, 65000);
	assert_int_equal(c->import.max_prefix, 10000);
	assert_int_equal(c->n_neighbors, 2);
	for (i = 0; i < 2; i++) {
		const struct conf_neighbor *n = &c->neighbors[i];

		assert_int_equal(n->af, AF_INET6);
		assert_addr6(&n->addr6, addr[i]);
		assert_true(n->has_local_addr);
		assert_addr6(&n->local_addr6, local[i]);
		assert_string_equal(n->ifname, ifname[i]);
		assert_int_equal(n->remote_as, 64512);
		assert_int_equal(n->timers.hold_s, 30);
		assert_int_equal(n->timers.keepalive_s, 10);
		assert_non_null(n->description);
		assert_non_null(strstr(n->description, tgw[i]));
	}
	return c;
}

static void
test_ipv6(void **state)
{
	static const char	*nets[] = { "2001:db8:172::/48" };
	static const char	*allow[] = { "2001:db8:10::/56" };
	struct import_opts	 o = { nets, 1, allow, 1, { NULL, NULL } };
	struct import_error	 err;
	struct conf		*c;
	char			*text, *out;
	size_t			 len;

	text = load_file(V6_FILE, &len);
	assert_int_equal(run(G, text, len, &o, &out, &err), 0);
	assert_int_equal(last_warn.n, 0);
	c = check_conf6(out, "vti0", "vti1");
	assert_int_equal(c->n_networks, 1);
	assert_int_equal(c->import.n_allow, 1);
	assert_non_null(strstr(out, "# Tunnel 1: the Transit Gateway is "
	    "198.51.100.120 outside,\n# fd00:1::1 inside (line 80), "
	    "169.254.249.57 in its IPv4 /30.\nneighbor fd00:1::1 {\n"));
	assert_non_null(strstr(out, "# The tunnels of this connection carry "
	    "IPv6 (line 20):"));
	assert_non_null(strstr(out, "# firewalls): preference 90, prepend "
	    "2\n}\n"));
	conf_free(c);
	free(out);

	/* the API's XML gives each end as a /128: the same /126 */
	text = replace(text, "fd00:1::2/126", "fd00:1::2/128", false);
	text = replace(text, "fd00:1::1/126", "fd00:1::1/128", false);
	/* no version line: the IPv6 addresses tell */
	text = replace(text, V6_VERSION "\n", "", false);
	/* the template naming the transit gateway, and its ASN */
	text = replace(text, V6_T2_VGW, "Transit Gateway : fd00:2::1/126",
	    false);
	text = replace(text, "Virtual Private  Gateway ASN", "Transit Gateway "
	    "ASN", true);
	assert_int_equal(run(G, text, strlen(text), &no_opts, &out, &err), 0);
	conf_free(check_conf6(out, "vti0", "vti1"));
	assert_non_null(strstr(out, "carry IPv6 (line 78: an inside IPv6 "
	    "address)"));
	free(out);
	free(text);
}

/*
 * IPv6 outside the tunnels (AWS takes it on a transit gateway), IPv4
 * inside: the router id is tunnel 1's inside address, with a warning.
 */
static void
test_ipv6_outside(void **state)
{
	struct import_error	 err;
	struct conf_error	 cerr;
	struct conf		*c;
	char			*text, *out, warned[2048];
	size_t			 len;

	text = load_file("../good/generic-ipv6-outside.txt", &len);
	assert_int_equal(run(G, text, len, &no_opts, &out, &err), 0);
	assert_string_equal(warn_str(warned, sizeof(warned)), "the Customer "
	    "Gateway outside address is IPv6 (line 66): router-id "
	    "169.254.249.58 (tunnel 1's inside address) assumed; set a "
	    "stable address of this gateway instead");
	c = conf_parse_buffer("out", out, strlen(out), &cerr);
	assert_non_null(c);
	assert_addr(c->router_id, "169.254.249.58");
	assert_int_equal(c->neighbors[0].af, AF_INET);
	assert_string_equal(c->neighbors[1].description,
	    "vpn-0a1b2c3d4e5f60718 tunnel 2, TGW 2001:db8:a0::122");
	conf_free(c);
	free(out);
	/* both tunnels on one gateway address */
	text = replace(text, "2001:db8:a0::122", "2001:db8:a0::120", false);
	expect_error(G, text, strlen(text), "125:42: tunnel 2: its Virtual "
	    "Private Gateway outside address is also tunnel 1's (line 67)");
	free(text);
}

/* Edits of the IPv6 file (or, ipv4, of the IPv4 sample) and the error. */
static const struct v6_row {
	const char	*name;
	bool		 ipv4;
	const char	*old, *new, *old2, *new2;
	const char	*want;
} v6_rows[] = {
	{ "the header says IPv6, only IPv4 inside", true,
	    "Your Customer Gateway ID", V6_VERSION "\nYour Customer Gateway ID",
	    NULL, NULL,
	    "65:1: tunnel 1: no inside IPv6 addresses, though the file says "
	    "its tunnels carry IPv6 (line 11): it gives only the inside IPv4 "
	    "/30 (169.254.249.58, line 66)" V6_HINT },
	{ "an IPv6 neighbor, only IPv4 inside", true, V4_NB1,
	    "Neighbor IP Address : fd00:1::1", NULL, NULL,
	    "64:1: tunnel 1: no inside IPv6 addresses, though the file has "
	    "an IPv6 address (line 81): it gives only the inside IPv4 /30 "
	    "(169.254.249.58, line 65)" V6_HINT },
	{ "no inside addresses at all", true, "Your Customer Gateway ID",
	    V6_VERSION "\nYour Customer Gateway ID", "Inside IP Addresses",
	    "Inside Addresses",
	    "19:1: tunnel 1: no inside IPv6 addresses, though the file says "
	    "its tunnels carry IPv6 (line 11)" V6_HINT },
	{ "the header says IPv4", false, V6_VERSION,
	    "Tunnel Inside IP Version : ipv4", NULL, NULL,
	    "79:42: an IPv6 address, but the file says the tunnels carry "
	    "IPv4 (Tunnel Inside IP Version, line 20)" },
	{ "the gateway's end outside the /126", false, V6_T1_VGW,
	    "Virtual Private Gateway : fd00:1::5/126", NULL, NULL,
	    "80:31: tunnel 1: Virtual Private Gateway inside IPv6 address "
	    "fd00:1::5 is not in the /126 of the Customer Gateway's "
	    "fd00:1::2" },
	{ "both ends one address", false, V6_T1_VGW,
	    "Virtual Private Gateway : fd00:1::2/126", NULL, NULL,
	    "80:31: tunnel 1: both inside IPv6 addresses are fd00:1::2" },
	{ "the Subnet-Router anycast address", false, V6_T1_CGW,
	    "Customer Gateway : fd00:1::/126", NULL, NULL,
	    "79:24: tunnel 1: Customer Gateway inside IPv6 address: fd00:1:: "
	    "is the first address of its /126 (the Subnet-Router anycast "
	    "address)" },
	{ "a /64", false, V6_T1_CGW, "Customer Gateway : fd00:1::2/64",
	    NULL, NULL,
	    "79:24: tunnel 1: Customer Gateway inside IPv6 address: "
	    "fd00:1::2/64 is not a /126" },
	{ "no length", false, V6_T1_CGW, "Customer Gateway : fd00:1::2",
	    NULL, NULL,
	    "79:24: tunnel 1: Customer Gateway inside IPv6 address: "
	    "'fd00:1::2' has no /126" },
	{ "a global address", false, V6_T1_CGW,
	    "Customer Gateway : 2001:db8::2/126", NULL, NULL,
	    "79:24: tunnel 1: Customer Gateway inside IPv6 address: "
	    "2001:db8::2 is not inside fd00::/8" },
	{ "an IPv4 address under IPv6", false, V6_T1_CGW,
	    "Customer Gateway : 169.254.1.2/126", NULL, NULL,
	    "79:24: tunnel 1: Customer Gateway inside IPv6 address: "
	    "169.254.1.2 is not an IPv6 address" },
	{ "the neighbor is not the gateway's end", false, V6_NB2,
	    "Neighbor IP Address : fd00:2::3", NULL, NULL,
	    "151:27: tunnel 2: Neighbor IP Address fd00:2::3 is not the "
	    "Virtual Private Gateway inside IPv6 address fd00:2::1" },
	{ "a multicast neighbor", false, V6_NB1,
	    "Neighbor IP Address : ff02::1", NULL, NULL,
	    "95:27: tunnel 1: Neighbor IP Address: ff02::1 is not a unicast "
	    "address" },
	{ "tunnel 2 in tunnel 1's /126", false, "fd00:2::", "fd00:1::",
	    NULL, NULL,
	    "141:42: tunnel 2: its inside /126 is also tunnel 1's (line "
	    "79)" },
	{ "tunnel 2 without the gateway's end", false, V6_T2_VGW,
	    "MTU : 1436", NULL, NULL,
	    "140:1: tunnel 2: no Virtual Private Gateway inside IPv6 "
	    "address" },
	{ "no IPv4 address for the router-id", false,
	    "  - Customer Gateway                   : 203.0.113.10\n", "",
	    "Inside IP Addresses", "Inside Addresses",
	    "70:1: tunnel 1: no Customer Gateway outside address in the "
	    "file and no inside IPv4 address: no IPv4 address to take the "
	    "router-id from" },
	{ "IPv6 outside, no IPv4 for the router-id", false,
	    ": 203.0.113.10\n", ": 2001:db8:cafe::10\n", "Inside IP Addresses",
	    "Inside Addresses",
	    "71:42: tunnel 1: the Customer Gateway outside address is IPv6 "
	    "(line 71) and no inside IPv4 address: no IPv4 address to take "
	    "the router-id from" },
	{ "given twice, differently", false, V6_T1_CGW,
	    V6_T1_CGW "\n  - Customer Gateway : fd00:1::3/126", NULL, NULL,
	    "80:24: tunnel 1: Customer Gateway inside IPv6 address given "
	    "twice, differently (first at line 79)" },
};

static void
test_ipv6_errors(void **state)
{
	const struct v6_row	*v;
	struct import_error	 err;
	char			*text, *out, got[700];
	size_t			 len, i, failed = 0;
	int			 rc;

	for (i = 0; i < sizeof(v6_rows) / sizeof(v6_rows[0]); i++) {
		v = &v6_rows[i];
		text = v->ipv4 ? load_sample(G, &len) : load_file(V6_FILE,
		    &len);
		text = replace(text, v->old, v->new, true);
		if (v->old2 != NULL)
			text = replace(text, v->old2, v->new2, true);
		rc = run(G, text, strlen(text), &no_opts, &out, &err);
		diag_str(&err, got, sizeof(got));
		if (rc == 0 || strcmp(got, v->want) != 0) {
			print_error("%s:\n  want: %s\n  got:  %s\n", v->name,
			    v->want, rc == 0 ? "(success)" : got);
			failed++;
		} else
			assert_string_equal(out, "");
		free(out);
		free(text);
	}
	assert_int_equal(failed, 0);
}

/* A VyOS file with IPv6 inside: which download to take instead. */
static void
test_ipv6_vyos(void **state)
{
	char	*text;
	size_t	 len;

	text = load_sample(V, &len);
	text = replace(text, "set interfaces vti vti1 address "
	    "'169.254.249.62/30'\n", "set interfaces vti vti1 address "
	    "'169.254.249.62/30'\nset interfaces vti vti1 address "
	    "'fd00:2::2/126'\n", false);
	expect_error(V, text, strlen(text), "58:34: vti1 address: an IPv6 "
	    "address: " V6_VYOS);
	free(text);
	text = load_sample(V, &len);
	text = replace(text, "neighbor 169.254.249.61 remote-as",
	    "neighbor fd00:2::1 remote-as", false);
	expect_error(V, text, strlen(text), "60:34: BGP neighbor: an IPv6 "
	    "address: " V6_VYOS);
	free(text);
	text = load_sample(V, &len);
	text = replace(text, "198.51.100.122", "2001:db8:a0::122", true);
	expect_error(V, text, strlen(text), "54:33: site-to-site peer: an "
	    "IPv6 outside address: import reads a connection with IPv6 "
	    "outside addresses from the Generic download only: download it "
	    "again with vendor \"Generic\" and import it as aws-generic");
	free(text);
	text = load_sample(V, &len);
	text = replace(text, "! Your Customer Gateway ID", "! Tunnel Inside "
	    "IP Version : ipv6\n! Your Customer Gateway ID", false);
	expect_error(V, text, strlen(text), "6:30: the tunnels carry IPv6: "
	    "import reads such a connection from the Generic download only: "
	    "download it again with vendor \"Generic\" and import it as "
	    "aws-generic");
	free(text);
}

/* ---- --interfaces, and a dual-stack site from two imports ------------- */

static void
test_interfaces(void **state)
{
	struct import_opts	 o = { NULL, 0, NULL, 0, { "vti2", "vti3" } };
	struct import_error	 err;
	struct conf_error	 cerr;
	enum import_format	 fmt;
	struct conf		*c;
	char			*text, *out;
	size_t			 len;

	for (fmt = G; fmt <= V; fmt++) {
		text = load_sample(fmt, &len);
		assert_int_equal(run(fmt, text, len, &o, &out, &err), 0);
		c = conf_parse_buffer("out", out, strlen(out), &cerr);
		assert_non_null(c);
		assert_string_equal(c->neighbors[0].ifname, "vti2");
		assert_string_equal(c->neighbors[1].ifname, "vti3");
		assert_non_null(strstr(out, "\tinterface vti2\t\t# tunnel 1's, "
		    "from --interfaces\n"));
		conf_free(c);
		free(out);
		free(text);
	}
}

static void
test_interfaces_bad(void **state)
{
	static const struct {
		const char	*if1, *if2, *want;
	} bad[] = {
		{ "vti2", NULL, "--interfaces: two interface names of at most "
		    "15 characters, tunnel 1's and tunnel 2's" },
		{ "", "vti3", "--interfaces: two interface names of at most "
		    "15 characters, tunnel 1's and tunnel 2's" },
		{ "vti2", "abcdefghijklmnop", "--interfaces: two interface "
		    "names of at most 15 characters, tunnel 1's and tunnel "
		    "2's" },
		{ "vti2", "vti2", "--interfaces: tunnel 1 and tunnel 2 both "
		    "on vti2" },
	};
	struct import_opts	 o = { NULL, 0, NULL, 0, { NULL, NULL } };
	struct import_error	 err;
	char			*text, *out;
	size_t			 len, i;

	text = load_sample(G, &len);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o.ifnames[0] = bad[i].if1;
		o.ifnames[1] = bad[i].if2;
		assert_int_equal(run(G, text, len, &o, &out, &err), -1);
		assert_string_equal(err.msg, bad[i].want);
		assert_string_equal(out, "");
		free(out);
	}
	free(text);
}

/*
 * A dual-stack site: the IPv4 connection's configuration, and the IPv6
 * connection's neighbors (from its "# Tunnel 1:" on) imported with
 * --interfaces vti2,vti3, as vtibgpctl(8) shows.  The parser reads four
 * neighbors of both families; without --interfaces the second pair
 * would take vti0 and vti1 again, which it refuses.
 */
static void
test_dual_stack(void **state)
{
	static const char	*nets[] = { "172.100.0.0/16",
	    "2001:db8:172::/48" };
	static const char	*allow[] = { "10.10.0.0/16",
	    "2001:db8:10::/56" };
	struct import_opts	 o4 = { nets, 2, allow, 2, { NULL, NULL } };
	struct import_opts	 o6 = { NULL, 0, NULL, 0, { "vti2", "vti3" } };
	struct import_error	 err;
	struct conf_error	 cerr;
	struct conf		*c;
	char			*t4, *t6, *out4, *out6, *both;
	size_t			 len, i;
	static const char *const ifs[] = { "vti0", "vti1", "vti2", "vti3" };

	t4 = load_sample(G, &len);
	assert_int_equal(run(G, t4, len, &o4, &out4, &err), 0);
	t6 = load_file(V6_FILE, &len);
	for (i = 0; i < 2; i++) {
		assert_int_equal(run(G, t6, len, i ? &o6 : &no_opts, &out6,
		    &err), 0);
		assert_non_null(strstr(out6, "# Tunnel 1:"));
		assert_true(asprintf(&both, "%s\n%s", out4,
		    strstr(out6, "# Tunnel 1:")) > 0);
		c = conf_parse_buffer("both", both, strlen(both), &cerr);
		if (i == 0) {
			assert_null(c);
			assert_non_null(strstr(cerr.msg, "interface vti0 is "
			    "already used"));
		} else {
			assert_non_null(c);
			assert_int_equal(c->n_neighbors, 4);
			for (size_t j = 0; j < 4; j++) {
				assert_string_equal(c->neighbors[j].ifname,
				    ifs[j]);
				assert_int_equal(c->neighbors[j].af,
				    j < 2 ? AF_INET : AF_INET6);
			}
			assert_int_equal(c->n_networks, 2);
			assert_int_equal(c->import.n_allow, 2);
		}
		conf_free(c);
		free(both);
		free(out6);
	}
	free(out4);
	free(t4);
	free(t6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_vyos_default_route),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_gateway_kind),
		cmocka_unit_test(test_not_aws),
		cmocka_unit_test(test_utf16),
		cmocka_unit_test(test_vendors),
		cmocka_unit_test(test_cut_short),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_junk),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_ipv6_errors),
		cmocka_unit_test(test_ipv6_outside),
		cmocka_unit_test(test_ipv6_vyos),
		cmocka_unit_test(test_interfaces),
		cmocka_unit_test(test_interfaces_bad),
		cmocka_unit_test(test_dual_stack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

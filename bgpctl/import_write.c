/* SPDX-License-Identifier: ISC */
/*
 * import_write.c: the vtibgpd.conf written from what a reader found,
 * each value with a comment saying where in the file it was; it is
 * parsed with the config parser before a byte of it is written.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include "bgpctl/import_impl.h"
#include "bgpd/conf/conf.h"

static const char *
ntoa(struct in_addr a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* "line N" or "not in the file": where a value came from. */
static const char *
from(const struct value *v, char *buf, size_t size)
{
	if (v->pos.line > 0)
		snprintf(buf, size, "line %d", v->pos.line);
	else
		snprintf(buf, size, "not in the file");
	return buf;
}

/* Where t's hold time came from, for its comment. */
static const char *
hold_from(const struct tunnel *t, char *buf, size_t size)
{
	if (t->v[K_HOLD].set)
		return from(&t->v[K_HOLD], buf, size);
	if (t->unread_hold.line > 0)
		snprintf(buf, size, "line %d not read: what AWS uses",
		    t->unread_hold.line);
	else
		snprintf(buf, size, "not in the file: what AWS uses");
	return buf;
}

static void
write_header(FILE *f, const struct reader *r)
{
	const struct tunnel	*t = &r->f.tun[0];
	const struct value	*rid = import_rid(t);
	char			 a[INET_ADDRSTRLEN], l[48];

	fprintf(f, "# vtibgpd.conf for the AWS Site-to-Site VPN connection%s%s,"
	    "\n# written by `vtibgpctl import %s` from the file AWS offers "
	    "for\n# download.  Check it with `vtibgpd -n -f FILE`; each key "
	    "is described in\n# vtibgpd.conf(5).\n\n",
	    r->f.vpn_id[0] ? " " : "", r->f.vpn_id,
	    r->fmt == IMPORT_AWS_VYOS ? "aws-vyos" : "aws-generic");
	if (rid == &t->v[K_CGW_OUT])
		fprintf(f, "# The router id is this gateway's outside (public) "
		    "address (%s),\n# unique and stable.", from(rid, l,
		    sizeof(l)));
	else
		fprintf(f, "# The file gives no IPv4 outside address for this "
		    "gateway, so the router id\n# is tunnel 1's inside "
		    "address (%s): better set a stable address of this\n"
		    "# gateway.", from(rid, l, sizeof(l)));
	fprintf(f, "  The inside addresses are link-local and change\n# "
	    "when AWS replaces a tunnel, which makes them a poor router "
	    "id.\n");
	fprintf(f, "router-id %s\nlocal-as %u\t\t\t# Customer Gateway ASN, "
	    "%s\n\n", ntoa(rid->addr, a), t->v[K_LOCAL_AS].num,
	    from(&t->v[K_LOCAL_AS], l, sizeof(l)));
	if (!r->f.v6)
		return;
	if (r->f.inside_ver == 6)
		snprintf(l, sizeof(l), "line %d", r->f.ver_pos.line);
	else
		snprintf(l, sizeof(l), "line %d: an inside IPv6 address",
		    t->v[K_CGW_IN6].pos.line);
	fprintf(f, "# The tunnels of this connection carry IPv6 (%s):\n# "
	    "each neighbor is the gateway's inside IPv6 address and carries "
	    "IPv6\n# unicast.  A dual-stack site has a second connection "
	    "for IPv4: import\n# it with --interfaces and add its neighbors "
	    "here (vtibgpctl(8)).\n\n", l);
}

static void
write_vyos_networks(FILE *f, const struct reader *r)
{
	char	p[CONF_PREFIX_STRLEN];
	size_t	i;

	for (i = 0; i < r->f.n_nets; i++) {
		conf_prefix_str(&r->f.nets[i].pfx, p, sizeof(p));
		if (r->f.nets[i].pfx.len == 0)
			fprintf(f, "# The AWS file announces %s (line %d), a "
			    "placeholder it asks\n# to replace with this "
			    "site's prefixes.  Not copied: a default route\n"
			    "# announced to AWS would draw the VPC's traffic "
			    "for every destination\n# to this site.\n", p,
			    r->f.nets[i].line);
		else
			fprintf(f, "# The file announces %s (line %d): not "
			    "copied; give it with --network if meant.\n", p,
			    r->f.nets[i].line);
	}
}

static void
write_networks(FILE *f, const struct reader *r, const struct import_opts *o)
{
	size_t	i;

	write_vyos_networks(f, r);
	if (o->n_networks == 0) {
		fprintf(f, "# No --network given: nothing is announced, so "
		    "AWS has no route back to\n# this site.  Add a line for "
		    "each local prefix (at most %d), such as:\n"
		    "#network %s\n\n", CONF_MAX_EXPORT, r->f.v6 ?
		    "2001:db8:172::/48" : "172.16.0.0/16");
		return;
	}
	fprintf(f, "# This site's networks, announced to AWS on both "
	    "tunnels.\n");
	for (i = 0; i < o->n_networks; i++)
		fprintf(f, "network %s\n", o->networks[i]);
	fputc('\n', f);
}

/* The limit on what the gateway may send: its own, or one that fits
 * both kinds when the file does not say which it is. */
static void
write_max_prefix(FILE *f, const struct reader *r)
{
	switch (r->f.gw) {
	case GW_VGW:
		fprintf(f, "\t# %s (line %d): a virtual private gateway "
		    "sends at\n\t# most 1,000 prefixes.\n", r->f.gw_id,
		    r->f.gw_line);
		fprintf(f, "\tmax-prefix %d restart 60s\n",
		    CONF_MAX_PREFIX_VGW);
		break;
	case GW_TGW:
		fprintf(f, "\t# %s (line %d): a transit gateway's route "
		    "table\n\t# holds up to 10,000 routes, and it may send "
		    "them all.\n", r->f.gw_id, r->f.gw_line);
		fprintf(f, "\tmax-prefix %d restart 60s\n",
		    CONF_MAX_PREFIX_TGW);
		break;
	default:
		fprintf(f, "\t# The file names no gateway: what a transit "
		    "gateway may send (a\n\t# virtual private gateway "
		    "sends at most 1,000).\n");
		fprintf(f, "\tmax-prefix %d restart 60s\n",
		    CONF_MAX_PREFIX_TGW);
		break;
	}
}

static void
write_import(FILE *f, const struct reader *r, const struct import_opts *o)
{
	size_t	i;

	fprintf(f, "import {\n");
	if (o->n_allow == 0)
		fprintf(f, "\t# No --allow given: no route learned from AWS is "
		    "installed.  Allow the\n\t# VPC's CIDRs (the VGW "
		    "announces each one as it is), such as:\n"
		    "\t#allow %s\n", r->f.v6 ? "2001:db8:10::/56" :
		    "10.10.0.0/16");
	for (i = 0; i < o->n_allow; i++)
		fprintf(f, "\tallow %s\n", o->allow[i]);
	write_max_prefix(f, r);
	fprintf(f, "}\n\n");
}

static void
write_neighbor(FILE *f, const struct reader *r, const struct tunnel *t)
{
	const struct value	*v = t->v;
	const char		*gw = r->f.gw == GW_TGW ? "Transit Gateway" :
				    "Virtual Private Gateway";
	char			 a[INET6_ADDRSTRLEN], l[48];

	if (r->f.v6) {
		fprintf(f, "# Tunnel %d: the %s is %s outside,\n# %s inside "
		    "(line %d)", t->no, gw, import_addr_str(&v[K_VGW_OUT], a,
		    sizeof(a)),
		    inet_ntop(AF_INET6, &v[K_VGW_IN6].addr6, l, sizeof(l)),
		    v[K_VGW_IN6].pos.line);
		if (v[K_VGW_IN].set)
			fprintf(f, ", %s in its IPv4 /30",
			    ntoa(v[K_VGW_IN].addr, a));
		fprintf(f, ".\nneighbor %s {\n", l);
	} else {
		fprintf(f, "# Tunnel %d: the %s is %s outside,\n# %s "
		    "inside.\n", t->no, gw, import_addr_str(&v[K_VGW_OUT], a,
		    sizeof(a)),
		    inet_ntop(AF_INET, &v[K_VGW_IN].addr, l, sizeof(l)));
		fprintf(f, "neighbor %s {\n", ntoa(v[K_VGW_IN].addr, a));
	}
	fprintf(f, "\tdescription \"%s%stunnel %d, %s %s\"\n", r->f.vpn_id,
	    r->f.vpn_id[0] ? " " : "", t->no, r->f.gw == GW_TGW ? "TGW" :
	    "VGW", import_addr_str(&v[K_VGW_OUT], a, sizeof(a)));
	if (r->f.if_opt)
		fprintf(f, "\tinterface %s\t\t# tunnel %d's, from "
		    "--interfaces\n", t->ifname, t->no);
	else if (r->fmt == IMPORT_AWS_VYOS)
		fprintf(f, "\tinterface %s\t\t# its vti bind, line %d\n",
		    t->ifname, t->ifpos.line);
	else
		fprintf(f, "\tinterface %s\t\t# tunnel %d's VTI\n", t->ifname,
		    t->no);
	fprintf(f, "\tremote-as %u\t\t# %s ASN, %s\n",
	    v[K_REMOTE_AS].num, gw, from(&v[K_REMOTE_AS], l, sizeof(l)));
	if (r->f.v6)
		fprintf(f, "\tlocal-address %s\n", inet_ntop(AF_INET6,
		    &v[K_CGW_IN6].addr6, a, sizeof(a)));
	else
		fprintf(f, "\tlocal-address %s\n", ntoa(v[K_CGW_IN].addr,
		    a));
	fprintf(f, "\thold-time %u\t\t# %s\n", v[K_HOLD].num,
	    hold_from(t, l, sizeof(l)));
	fprintf(f, "\tkeepalive %u\t\t# %s\n", v[K_KEEPALIVE].num,
	    v[K_KEEPALIVE].set ? from(&v[K_KEEPALIVE], l, sizeof(l)) :
	    "not in the file: a third of the hold time");
	if (t->no == 2)
		fprintf(f, "\t# To keep both directions on tunnel 1 while it "
		    "is up (stateful\n\t# firewalls): preference 90, "
		    "prepend 2\n");
	fprintf(f, "}\n");
}

static int
write_conf(FILE *f, const struct reader *r, const struct import_opts *o)
{
	write_header(f, r);
	write_networks(f, r, o);
	write_import(f, r, o);
	write_neighbor(f, r, &r->f.tun[0]);
	fputc('\n', f);
	write_neighbor(f, r, &r->f.tun[1]);
	return ferror(f) ? -1 : 0;
}

/* Write the configuration to out if the config parser takes it. */
int
import_emit(struct reader *r, const struct import_opts *o, FILE *out)
{
	struct conf_error	 cerr;
	struct conf		*c;
	char			*text = NULL;
	size_t			 len = 0;
	FILE			*f;
	int			 rc = -1;

	if ((f = open_memstream(&text, &len)) == NULL)
		fatal("open_memstream");
	if (write_conf(f, r, o) == -1 || fclose(f) == EOF)
		fatal("open_memstream");
	if ((c = conf_parse_buffer("import", text, len, &cerr)) == NULL)
		import_errorf(r->err, nowhere, "the configuration would be "
		    "invalid: %s", cerr.msg);
	else if (fwrite(text, 1, len, out) != len)
		import_errorf(r->err, nowhere, "cannot write the "
		    "configuration");
	else
		rc = 0;
	conf_free(c);
	free(text);
	return rc;
}

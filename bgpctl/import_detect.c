/* SPDX-License-Identifier: ISC */
/*
 * import_detect.c: what a file given to `vtibgpctl import` is, before it
 * is read as the format the operator named: its encoding, and whose
 * configuration it is.
 *
 * AWS offers a configuration file for each vendor of customer gateway.
 * Besides the Generic and the Vyatta one that we read, the files for
 * Cisco, Juniper, FortiGate, Palo Alto and strongSwan are what an
 * operator downloads by mistake; each has lines no other has (a Cisco
 * file its `crypto isakmp`, a strongSwan one its `conn Tunnel1`).  We
 * count the lines that start like those of each kind, and a file with
 * more lines of another vendor than of AWS's two formats is refused
 * with the download to make instead.  A section of another vendor in a
 * Generic or VyOS file (some carry one for comparison) is not enough.
 *
 * A VPN connection with static routing has the same two files, with a
 * static routing part instead of the BGP one.  Without BGP vtibgpd has
 * nothing to do, so such a file is refused first, before a reader finds
 * that the ASNs are missing.
 *
 * Like the readers, it takes any bytes (it is fuzzed) and reads only
 * within each line.
 */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "bgpctl/import_impl.h"

#define UTF16_PAIRS	32	/* characters looked at for NUL bytes */
#define SCAN_LEN	48	/* of the start of a line, squeezed */

/* Lines that say whose file this is, by how they start (any case). */
static const struct mark {
	enum import_kind	 kind;
	const char		*start;
} marks[] = {
	{ KIND_GENERIC, "- customer gateway" },
	{ KIND_GENERIC, "- virtual private gateway" },
	{ KIND_GENERIC, "- neighbor ip address" },
	{ KIND_GENERIC, "- ike version" },
	{ KIND_GENERIC, "- pre-shared key" },
	{ KIND_VYOS, "set vpn ipsec site-to-site peer" },
	{ KIND_VYOS, "set vpn ipsec ike-group" },
	{ KIND_VYOS, "set vpn ipsec esp-group" },
	{ KIND_VYOS, "set interfaces vti" },
	/* Cisco IOS and ASA */
	{ KIND_CISCO, "crypto isakmp" },
	{ KIND_CISCO, "crypto ikev1" },
	{ KIND_CISCO, "crypto ikev2" },
	{ KIND_CISCO, "crypto keyring" },
	{ KIND_CISCO, "crypto ipsec" },
	{ KIND_CISCO, "tunnel-group" },
	{ KIND_CISCO, "tunnel protection ipsec" },
	{ KIND_CISCO, "interface Tunnel" },
	/* Juniper JunOS (SRX, J Series) and ScreenOS */
	{ KIND_JUNIPER, "set security ike" },
	{ KIND_JUNIPER, "set security ipsec" },
	{ KIND_JUNIPER, "set interfaces st0" },
	{ KIND_JUNIPER, "set ike " },
	{ KIND_JUNIPER, "set interface tunnel." },
	{ KIND_FORTIGATE, "config vpn ipsec phase1-interface" },
	{ KIND_FORTIGATE, "config vpn ipsec phase2-interface" },
	{ KIND_FORTIGATE, "set remote-gw" },
	{ KIND_FORTIGATE, "set psksecret" },
	/* Palo Alto Networks: its CLI or its XML */
	{ KIND_PALOALTO, "set network ike" },
	{ KIND_PALOALTO, "edit network ike" },
	{ KIND_PALOALTO, "set network tunnel ipsec" },
	{ KIND_PALOALTO, "set network interface tunnel" },
	{ KIND_PALOALTO, "<config" },
	{ KIND_PALOALTO, "<peer-address>" },
	/* strongSwan (and Openswan): ipsec.conf */
	{ KIND_STRONGSWAN, "conn Tunnel" },
	{ KIND_STRONGSWAN, "leftid=" },
	{ KIND_STRONGSWAN, "right=" },
	{ KIND_STRONGSWAN, "keyexchange=" },
	{ KIND_STRONGSWAN, "authby=" },
};

/* Lines that say how routes are exchanged: BGP, or static routes. */
static const struct topic {
	bool		 bgp;
	bool		 anywhere;	/* else at the start */
	const char	*text;		/* lower case */
} topics[] = {
	{ true, false, "- customer gateway asn" },
	{ true, false, "- virtual private gateway asn" },
	{ true, false, "- neighbor ip address" },
	{ true, false, "- neighbor hold time" },
	{ true, false, "set protocols bgp " },
	{ false, true, "static routing configuration" },
	{ false, true, "static route configuration" },
	{ false, false, "- next hop" },
	{ false, false, "set protocols static " },
};

/* As AWS's download page names them. */
static const char *const kind_names[KIND_MAX] = {
	[KIND_GENERIC] = "Generic",
	[KIND_VYOS] = "Vyatta",
	[KIND_CISCO] = "Cisco",
	[KIND_JUNIPER] = "Juniper",
	[KIND_FORTIGATE] = "FortiGate",
	[KIND_PALOALTO] = "Palo Alto Networks",
	[KIND_STRONGSWAN] = "strongSwan",
};

bool
import_is_utf16(const char *text, size_t len)
{
	size_t	i, n = len / 2 < UTF16_PAIRS ? len / 2 : UTF16_PAIRS;
	bool	le = true, be = true;

	if (len >= 2 && ((text[0] == '\xff' && text[1] == '\xfe') ||
	    (text[0] == '\xfe' && text[1] == '\xff')))
		return true;
	for (i = 0; i < n; i++) {
		le = le && text[2 * i] != '\0' && text[2 * i + 1] == '\0';
		be = be && text[2 * i] == '\0' && text[2 * i + 1] != '\0';
	}
	return n >= 2 && (le || be);
}

static bool
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

/*
 * The start of ln into buf in lower case, from its first non-blank, each
 * run of blanks one space.  Returns the column of that first non-blank.
 */
static int
squeeze(const struct line *ln, char *buf, size_t size)
{
	size_t	i = 0, n = 0;
	int	col;

	while (i < ln->len && blank(ln->s[i]))
		i++;
	col = (int)i + 1;
	for (; i < ln->len && n + 1 < size; i++) {
		if (!blank(ln->s[i]))
			buf[n++] = (char)tolower((unsigned char)ln->s[i]);
		else if (!blank(ln->s[i - 1]))
			buf[n++] = ' ';
	}
	buf[n] = '\0';
	return col;
}

static const struct mark *
mark_find(const char *buf)
{
	size_t	i;

	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (strncasecmp(buf, marks[i].start,
		    strlen(marks[i].start)) == 0)
			return &marks[i];
	return NULL;
}

static const struct topic *
topic_find(const char *buf)
{
	size_t	i;

	for (i = 0; i < sizeof(topics) / sizeof(topics[0]); i++)
		if (topics[i].anywhere ? strstr(buf, topics[i].text) != NULL :
		    strncmp(buf, topics[i].text, strlen(topics[i].text)) == 0)
			return &topics[i];
	return NULL;
}

/* A line with more than blanks and comment marks. */
static bool
has_text(const char *buf)
{
	return buf[strspn(buf, " !#")] != '\0';
}

/* Count a line of BGP, or keep the first that says static routing. */
static void
scan_topic(struct import_scan *sc, const char *buf, struct conf_pos pos)
{
	const struct topic	*t = topic_find(buf);

	if (t != NULL && t->bgp)
		sc->n_bgp++;
	else if (t != NULL && sc->static_pos.line == 0)
		sc->static_pos = pos;
}

void
import_scan(const struct line *lines, size_t n, struct import_scan *sc)
{
	const struct mark	*m;
	char			 buf[SCAN_LEN];
	size_t			 i;
	int			 col;

	memset(sc, 0, sizeof(*sc));
	for (i = 0; i < n; i++) {
		col = squeeze(&lines[i], buf, sizeof(buf));
		if (has_text(buf) && sc->last_line == 0)
			sc->aws_first = strstr(buf, "amazon web services") !=
			    NULL;
		if (has_text(buf))
			sc->last_line = lines[i].no;
		scan_topic(sc, buf, (struct conf_pos){ lines[i].no, col });
		if ((m = mark_find(buf)) == NULL || sc->n[m->kind]++ > 0)
			continue;	/* none, or not the first */
		sc->pos[m->kind].line = lines[i].no;
		sc->pos[m->kind].col = col;
		sc->mark[m->kind] = m->start;
	}
}

int
import_check_vendor(enum import_format fmt, const struct import_scan *sc,
    struct import_error *err)
{
	enum import_kind	own, k, best = KIND_CISCO;
	size_t			n;
	int			aws;

	own = fmt == IMPORT_AWS_VYOS ? KIND_VYOS : KIND_GENERIC;
	for (k = KIND_CISCO; k < KIND_MAX; k++)
		if (sc->n[k] > sc->n[best])
			best = k;
	aws = sc->n[KIND_GENERIC] > sc->n[KIND_VYOS] ?
	    sc->n[KIND_GENERIC] : sc->n[KIND_VYOS];
	if (sc->n[best] <= aws)
		return 0;
	n = strlen(sc->mark[best]);
	while (n > 0 && sc->mark[best][n - 1] == ' ')
		n--;
	return import_errorf(err, sc->pos[best], "this looks like AWS's "
	    "configuration for %s ('%.*s'), not the %s one: download it "
	    "again with vendor \"%s\"", kind_names[best], (int)n,
	    sc->mark[best], kind_names[own], kind_names[own]);
}

int
import_check_static(const struct import_scan *sc, struct import_error *err)
{
	if (sc->static_pos.line == 0 || sc->n_bgp > 0)
		return 0;
	return import_errorf(err, sc->static_pos, "this connection uses "
	    "static routing; vtibgpd needs a dynamic (BGP) connection: "
	    "create the VPN connection with routing option \"Dynamic "
	    "(requires BGP)\", then download its configuration");
}

bool
import_preamble_only(const struct import_scan *sc)
{
	enum import_kind	k;

	for (k = 0; k < KIND_MAX; k++)
		if (sc->n[k] > 0)
			return false;
	return sc->aws_first && sc->n_bgp == 0;
}

int
import_ends_early(const struct import_scan *sc, struct import_error *err)
{
	static const char	 said[] = ": the file seems to end early";
	size_t			 n = strlen(err->msg);

	if (strstr(err->msg, said) == NULL && n < sizeof(err->msg) - 1)
		snprintf(err->msg + n, sizeof(err->msg) - n, "%s, at line %d "
		    "(truncated download?)", said, sc->last_line);
	return -1;
}

const char *
import_format_hint(enum import_format fmt, const struct import_scan *sc)
{
	if (fmt == IMPORT_AWS_GENERIC && sc->n[KIND_VYOS] > sc->n[KIND_GENERIC])
		return " (this looks like the VyOS format: import aws-vyos)";
	if (fmt == IMPORT_AWS_VYOS && sc->n[KIND_GENERIC] > sc->n[KIND_VYOS])
		return " (this looks like the Generic format: import "
		    "aws-generic)";
	return "";
}

/* SPDX-License-Identifier: ISC */
/*
 * rib_bench.c: the RIB at full table size, outside make check.
 *
 *     make tests/bench/rib_bench && tests/bench/rib_bench [-6] [N]
 *
 * Two peers announce the same N prefixes (default 1,000,000 /24s, or
 * with -6 IPv6 /48s from two IPv6 peers, through rib_update_prefixes) in
 * UPDATEs of 500 NLRI with 16 distinct attribute sets, as two AWS tunnels
 * would; then tunnel 1 is flushed (a failover) and tunnel 2.  Prints the
 * time of each step and the resident memory, and the bytes per prefix.
 * Build it without sanitizers to read the memory figure.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bgpd/util/clock.h"
#include "rib/rib_impl.h"

#define BATCH	500
#define N_SETS	16

static size_t	changes;
static bool	v6;		/* -6: IPv6 prefixes and peers */

static void
on_change(const struct rib_change *c, void *arg)
{
	changes++;
}

static double
now_s(void)
{
	return clock_mono_us() / 1e6;
}

/* A size in KiB from /proc/self/status: "VmRSS", "VmHWM" (the peak). */
static long
status_kb(const char *key)
{
	char	line[256];
	long	kb = -1;
	size_t	len = strlen(key);
	FILE	*f;

	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, len) == 0 && line[len] == ':' &&
		    sscanf(line + len + 1, "%ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static long
rss_kb(void)
{
	return status_kb("VmRSS");
}

/* Attribute set k of peer i: MED 100, AS_PATH 64512 (k % 4 + 1 times),
 * community 64512:k. */
static void
mkattrs(struct msg_attrs *m, unsigned i, unsigned k)
{
	memset(m, 0, sizeof(*m));
	m->present = ATTR_BIT(ATTR_ORIGIN) | ATTR_BIT(ATTR_NEXT_HOP) |
	    ATTR_BIT(ATTR_MED) | ATTR_BIT(ATTR_COMMUNITIES);
	if (msg_attrs_set_aspath(m, 64512, k % 4 + 1) == -1)
		abort();
	m->origin = ORIGIN_IGP;
	m->next_hop.s_addr = htonl(0xa9fef939U + 4 * i);
	m->med = 100;
	if ((m->communities = malloc(sizeof(uint32_t))) == NULL)
		abort();
	m->communities[0] = 64512U << 16 | k;
	m->n_communities = 1;
}

/* The IPv6 version: 2001:XXXX:XX00::/48s, next hop fd00:PEER::1. */
static void
announce_all6(struct rib *r, unsigned peer, size_t n)
{
	struct rib_prefix	nlri[BATCH];
	struct msg_attrs	a;
	struct in6_addr		nh[2];
	size_t			i, k, x;

	memset(nh, 0, sizeof(nh));
	nh[0].s6_addr[0] = 0xfd;
	nh[0].s6_addr[3] = (uint8_t)(peer + 1);
	nh[0].s6_addr[15] = 1;
	for (i = 0; i < n; i += k) {
		memset(nlri, 0, sizeof(nlri));
		for (k = 0; k < BATCH && i + k < n; k++) {
			x = i + k;
			nlri[k].af = AF_INET6;
			nlri[k].len = 48;
			nlri[k].addr6.s6_addr[0] = 0x20;
			nlri[k].addr6.s6_addr[1] = 0x01;
			nlri[k].addr6.s6_addr[2] = (uint8_t)(x >> 16);
			nlri[k].addr6.s6_addr[3] = (uint8_t)(x >> 8);
			nlri[k].addr6.s6_addr[4] = (uint8_t)x;
		}
		mkattrs(&a, peer, (unsigned)(i / BATCH % N_SETS));
		(void)rib_update_prefixes(r, peer, NULL, 0, nlri, k, &a, nh,
		    false, (uint64_t)(now_s() * 1000));
		msg_attrs_free(&a);
	}
}

static void
announce_all(struct rib *r, unsigned peer, size_t n)
{
	struct msg_prefix	nlri[BATCH];
	struct msg_update	u;
	size_t			i, k;

	if (v6) {
		announce_all6(r, peer, n);
		return;
	}
	for (i = 0; i < n; i += k) {
		memset(&u, 0, sizeof(u));
		for (k = 0; k < BATCH && i + k < n; k++) {
			nlri[k].addr.s_addr = htonl(0x01000000U +
			    (uint32_t)((i + k) << 8));
			nlri[k].len = 24;
		}
		u.nlri = nlri;
		u.n_nlri = k;
		mkattrs(&u.attrs, peer, (unsigned)(i / BATCH % N_SETS));
		(void)rib_update(r, peer, &u, (uint64_t)(now_s() * 1000));
		msg_attrs_free(&u.attrs);
	}
}

static void
report(const char *what, double t0, size_t n)
{
	double	dt = now_s() - t0;

	printf("%-22s %8.0f ms %10.0f prefixes/s %8zu changes  RSS %7ld KiB\n",
	    what, dt * 1000, dt > 0 ? (double)n / dt : 0., changes, rss_kb());
	changes = 0;
}

int
main(int argc, char *argv[])
{
	struct conf_allow	 allow;
	struct conf		 conf;
	struct rib		*r;
	struct in6_addr		 a6;
	size_t			 n;
	long			 rss0, rss2;
	double			 t0;

	if (argc > 1 && strcmp(argv[1], "-6") == 0) {
		v6 = true;
		argc--;
		argv++;
	}
	n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	if (n == 0 || n > 0xfe0000) {
		fprintf(stderr, "usage: rib_bench [-6] [N], "
		    "1 <= N <= %u\n", 0xfe0000);
		return 2;
	}
	memset(&allow, 0, sizeof(allow));
	allow.pfx.af = v6 ? AF_INET6 : AF_INET;	/* ::/0 or 0.0.0.0/0 */
	allow.ge = 1;
	allow.le = v6 ? 128 : 32;
	memset(&conf, 0, sizeof(conf));
	conf.local_as = 65000;
	conf.import.allow = &allow;
	conf.import.n_allow = 1;
	r = rib_new(&conf, on_change, NULL);
	rib_peer_set(r, 0, (struct in_addr){ htonl(0xa9fef939U) }, 100);
	rib_peer_set(r, 1, (struct in_addr){ htonl(0xa9fef93dU) }, 100);
	if (v6) {
		memset(&a6, 0, sizeof(a6));
		a6.s6_addr[0] = 0xfd;
		a6.s6_addr[15] = 1;
		a6.s6_addr[3] = 1;
		rib_peer_set6(r, 0, &a6, 100);
		a6.s6_addr[3] = 2;
		rib_peer_set6(r, 1, &a6, 100);
	}
	rss0 = rss_kb();
	printf("rib_bench: %zu %sprefixes x 2 peers, entry %zu bytes%s, "
	    "RSS %ld KiB at start\n", n, v6 ? "IPv6 " : "",
	    sizeof(struct rib_entry), v6 ? " + 16 (address)" : "", rss0);

	t0 = now_s();
	announce_all(r, 0, n);
	report("insert tunnel 1", t0, n);
	t0 = now_s();
	announce_all(r, 1, n);
	report("insert tunnel 2", t0, n);
	rss2 = rss_kb();
	printf("table: %zu prefixes in %zu slots (%zu KiB), %zu attribute "
	    "sets\nmemory: %.1f bytes per prefix (RSS growth / N)\n",
	    rib_debug_table_count(r), rib_debug_table_cap(r),
	    rib_debug_table_bytes(r) / 1024, rib_debug_attrs_live(r),
	    (double)(rss2 - rss0) * 1024 / (double)n);
	t0 = now_s();
	rib_set_policy(r, &conf);
	report("reload, same policy", t0, n);
	t0 = now_s();
	rib_peer_flush(r, 0, (uint64_t)(now_s() * 1000));
	report("flush tunnel 1", t0, n);
	t0 = now_s();
	rib_peer_flush(r, 1, (uint64_t)(now_s() * 1000));
	report("flush tunnel 2", t0, n);
	printf("peak RSS %ld KiB (the table is copied when it grows)\n",
	    status_kb("VmHWM"));
	rib_free(r);
	return 0;
}

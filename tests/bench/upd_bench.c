/* SPDX-License-Identifier: ISC */
/*
 * upd_bench.c: the UPDATE decoder and the RIB insert on one core, as
 * vtibgpd's session layer runs them for each UPDATE from a tunnel.
 *
 *     upd_bench [N]      (default 1,000,000; make tests/bench/upd_bench)
 *
 * N /24s (10.128.0.0/24 upward, the lab's prefixes) are encoded once into
 * full-size UPDATE messages (4-octet AS, ORIGIN, AS_PATH 64512, NEXT_HOP,
 * MED 100, as a VGW sends them; about 1,000 NLRI each).  Timed: decode
 * each with msg_update_decode() and give it to rib_update(), first for
 * tunnel 1 (new prefixes), then the same for tunnel 2 (second path).
 * Prints prefixes per second for each pass.  Under valgrind, run with
 * --toggle-collect=decode_insert_all: the instruction count then covers
 * the 2N decodes+inserts only (tests/bench/micro.sh divides it).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bgpd/session/msg.h"
#include "bgpd/conf/conf.h"
#include "bgpd/util/clock.h"
#include "rib/rib.h"

struct msgbuf {
	uint8_t		*buf;
	size_t		 len;
};

static struct msgbuf	*msgs;
static size_t		 n_msgs;
static size_t		 changes, decoded;

/* Not static: valgrind --toggle-collect finds it by name. */
void	decode_insert_all(struct rib *, unsigned peer);

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

/* All N prefixes in UPDATEs of at most 4096 bytes. */
static void
encode_all(size_t n)
{
	struct msg_prefix	*nlri;
	struct msg_attrs	 a;
	uint8_t			 tmp[MSG_MAX_LEN];
	size_t			 i, k, per, cap = n / 500 + 2, len;

	memset(&a, 0, sizeof(a));
	a.present = ATTR_BIT(ATTR_ORIGIN) | ATTR_BIT(ATTR_AS_PATH) |
	    ATTR_BIT(ATTR_NEXT_HOP) | ATTR_BIT(ATTR_MED);
	if (msg_attrs_set_aspath(&a, 64512, 1) == -1)
		abort();
	a.origin = ORIGIN_IGP;
	a.next_hop.s_addr = htonl(0xa9fef939U);
	a.med = 100;
	nlri = calloc(n, sizeof(*nlri));
	msgs = calloc(cap, sizeof(*msgs));
	if (nlri == NULL || msgs == NULL)
		abort();
	for (i = 0; i < n; i++) {
		nlri[i].addr.s_addr = htonl(0x0a800000U + ((uint32_t)i << 8));
		nlri[i].len = 24;
	}
	for (i = 0; i < n; i += k) {
		/* the largest count that fits, from a safe start */
		per = n - i < 1100 ? n - i : 1100;
		while ((len = msg_update_encode(tmp, sizeof(tmp), NULL, 0, &a,
		    nlri + i, per, true)) == 0)
			per -= 10 < per ? 10 : per - 1;
		k = per;
		if (n_msgs == cap ||
		    (msgs[n_msgs].buf = malloc(len)) == NULL)
			abort();
		memcpy(msgs[n_msgs].buf, tmp, len);
		msgs[n_msgs++].len = len;
	}
	msg_attrs_free(&a);
	free(nlri);
}

void
decode_insert_all(struct rib *r, unsigned peer)
{
	struct msg_update	u;
	struct msg_error	err;
	size_t			i;

	for (i = 0; i < n_msgs; i++) {
		if (msg_update_decode(msgs[i].buf + MSG_HEADER_LEN,
		    msgs[i].len - MSG_HEADER_LEN, true, true, &u, &err) == -1 ||
		    u.action != UPD_OK)
			abort();
		decoded += u.n_nlri;
		(void)rib_update(r, peer, &u, 1000);
		msg_update_free(&u);
	}
}

int
main(int argc, char *argv[])
{
	struct conf_allow	 allow;
	struct conf		 conf;
	struct rib		*r;
	size_t			 n = argc > 1 ? strtoul(argv[1], NULL, 10) :
				    1000000;
	double			 t0, t1, t2;

	if (n == 0 || n > 0x7f0000) {
		fprintf(stderr, "usage: upd_bench [N], 1 <= N <= %u\n",
		    0x7f0000);
		return 2;
	}
	encode_all(n);
	memset(&allow, 0, sizeof(allow));
	allow.pfx.af = AF_INET;		/* 0.0.0.0/0 ge 1 le 32 */
	allow.ge = 1;
	allow.le = 32;
	memset(&conf, 0, sizeof(conf));
	conf.local_as = 65000;
	conf.import.allow = &allow;
	conf.import.n_allow = 1;
	r = rib_new(&conf, on_change, NULL);
	rib_peer_set(r, 0, (struct in_addr){ htonl(0xa9fef939U) }, 100);
	rib_peer_set(r, 1, (struct in_addr){ htonl(0xa9fef93dU) }, 100);
	t0 = now_s();
	decode_insert_all(r, 0);
	t1 = now_s();
	decode_insert_all(r, 1);
	t2 = now_s();
	if (decoded != 2 * n) {
		fprintf(stderr, "upd_bench: decoded %zu of %zu\n", decoded,
		    2 * n);
		return 1;
	}
	printf("upd_bench: %zu prefixes in %zu UPDATEs\n", n, n_msgs);
	printf("micro tunnel1 %zu %.4f %.0f\n", n, t1 - t0,
	    (double)n / (t1 - t0));
	printf("micro tunnel2 %zu %.4f %.0f\n", n, t2 - t1,
	    (double)n / (t2 - t1));
	printf("micro both %zu %.4f %.0f\n", 2 * n, t2 - t0,
	    (double)(2 * n) / (t2 - t0));
	rib_free(r);
	for (; n_msgs > 0; n_msgs--)
		free(msgs[n_msgs - 1].buf);
	free(msgs);
	return 0;
}

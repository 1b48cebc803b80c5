/* SPDX-License-Identifier: ISC */
/*
 * drill_preflight.c: before a drill changes anything: which tunnel to
 * take out, which tunnel takes its traffic (the backup), whether both
 * sessions are Established and the backup has a path for every prefix
 * the active tunnel carries, and the local address
 * to send probes from.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>

#include "bgpd/drill_impl.h"
#include "bgpd/router.h"
#include "bgpd/session/session.h"
#include "bgpd/conf/conf.h"
#include "rib/rib.h"

/* What the policy accepted from a that b has too (the paths it refused,
 * e.g. our own networks reflected back with our AS, do not count). */
struct cover {
	unsigned		a, b;
	uint32_t		carried;	/* prefixes a has a path for */
	uint32_t		missing;	/* ... that b has none for */
	struct rib_prefix	first;
};

static void
cover_one(const struct rib_prefix *pfx,
    const struct rib_attrs *const paths[RIB_MAX_PEERS], uint8_t best,
    uint8_t standby, void *arg)
{
	struct cover	*c = arg;
	uint8_t		 used = rib_carriers(best, standby);

	if (!(used & (1U << c->a)))
		return;
	c->carried++;
	if (used & (1U << c->b))
		return;
	if (c->missing++ == 0)
		c->first = *pfx;
}

/* The tunnel to take out: the one given, or the one carrying most. */
struct peer *
drills_pick_active(struct drills *ds, const char *from, char *why, size_t len)
{
	struct sess_engine	*e = router_sessions(ds->r);
	const struct rib_peer_stats *rs;
	struct sess_info	 si;
	struct peer		*p, *best = NULL;
	uint32_t		 most = 0;
	size_t			 i;

	if (from != NULL && from[0] != '\0') {
		if ((p = sess_peer_find(e, from)) == NULL)
			snprintf(why, len, "no neighbor on interface or at "
			    "address %s", from);
		return p;
	}
	for (i = 0; (p = sess_peer_at(e, i)) != NULL; i++) {
		sess_peer_info(p, &si);
		rs = rib_peer_stats(router_rib(ds->r), si.slot);
		if (si.state == FSM_ESTABLISHED && (best == NULL ||
		    rs->best > most)) {
			best = p;
			most = rs->best;
		}
	}
	if (best == NULL && (best = sess_peer_at(e, 0)) == NULL)
		snprintf(why, len, "no neighbor is configured");
	return best;
}

/*
 * The active session and a backup Established, the backup with a path
 * for every prefix the active tunnel has.  false (a failed step) if not.
 */
bool
drills_preflight(struct drills *ds, struct peer *active)
{
	struct drill		*d = drills_cur(ds);
	struct sess_info	 si, bi;
	struct peer		*p, *backup = NULL;
	struct cover		 c, bc = { 0 };
	uint32_t		 pref = 0;
	char			 pfx[INET6_ADDRSTRLEN];
	size_t			 i;

	sess_peer_info(active, &si);
	snprintf(d->from, sizeof(d->from), "%s", si.conf->ifname);
	snprintf(ds->from_peer, sizeof(ds->from_peer), "%s", si.name);
	ds->from_slot = si.slot;
	if (si.state != FSM_ESTABLISHED) {
		drills_step(ds, false, "preflight", "the session on %s is %s, "
		    "not Established: there is nothing to fail over",
		    si.conf->ifname, fsm_state_name(si.state));
		return false;
	}
	for (i = 0; (p = sess_peer_at(router_sessions(ds->r), i)) != NULL;
	    i++) {
		sess_peer_info(p, &bi);
		/* a tunnel of the other family carries none of its
		 * prefixes */
		if (p == active || bi.state != FSM_ESTABLISHED ||
		    bi.af != si.af)
			continue;
		memset(&c, 0, sizeof(c));
		c.a = si.slot;
		c.b = bi.slot;
		rib_walk(router_rib(ds->r), cover_one, &c);
		/* of those that miss least, where the traffic goes: the
		 * highest preference (with four tunnels, not the first) */
		if (backup == NULL || c.missing < bc.missing ||
		    (c.missing == bc.missing &&
		    bi.conf->preference > pref)) {
			pref = bi.conf->preference;
			backup = p;
			bc = c;
		}
	}
	if (backup == NULL) {
		drills_step(ds, false, "preflight", "no other session is "
		    "Established: taking %s out would cut the traffic",
		    si.conf->ifname);
		return false;
	}
	sess_peer_info(backup, &bi);
	snprintf(d->to, sizeof(d->to), "%s", bi.conf->ifname);
	snprintf(ds->to_peer, sizeof(ds->to_peer), "%s", bi.name);
	ds->to_slot = bi.slot;
	if (bc.missing > 0) {
		inet_ntop(bc.first.af, &bc.first.addr6, pfx, sizeof(pfx));
		drills_step(ds, false, "preflight", "%s has no path for %u of "
		    "the %u prefixes that %s carries (%s/%u first): the drill "
		    "would cut them off", bi.conf->ifname, bc.missing,
		    bc.carried, si.conf->ifname, pfx, bc.first.len);
		return false;
	}
	drills_step(ds, true, "preflight", "%s and %s Established; %s has a "
	    "path for all %u prefixes of %s", si.conf->ifname, bi.conf->ifname,
	    bi.conf->ifname, bc.carried, si.conf->ifname);
	return true;
}

static bool
inside6(const struct in6_addr *a, const struct conf_prefix *p)
{
	unsigned	i, bits;

	for (i = 0; i < 16; i++) {
		bits = p->len > i * 8 ? p->len - i * 8 : 0;
		if (bits == 0)
			break;
		if (bits >= 8 ? a->s6_addr[i] != p->addr6.s6_addr[i] :
		    (a->s6_addr[i] ^ p->addr6.s6_addr[i]) &
		    (0xffU << (8 - bits) & 0xff))
			return false;
	}
	return true;
}

struct in6_addr
drills_probe_source6(const struct conf *c)
{
	struct ifaddrs		*ifa, *i;
	struct in6_addr		 a = IN6ADDR_ANY_INIT, x;
	size_t			 k;
	bool			 found = false;

	if (c == NULL || getifaddrs(&ifa) == -1)
		return a;
	for (i = ifa; i != NULL && !found; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET6)
			continue;
		x = ((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr;
		for (k = 0; k < c->n_networks && !found; k++)
			if (c->networks[k].af == AF_INET6 &&
			    inside6(&x, &c->networks[k])) {
				a = x;
				found = true;
			}
	}
	freeifaddrs(ifa);
	return a;
}

/* A local address inside one of our networks, to ping from, so that the
 * answer comes back the way our traffic does; 0.0.0.0 if none. */
struct in_addr
drills_probe_source(const struct conf *c)
{
	struct ifaddrs		*ifa, *i;
	struct in_addr		 a = { INADDR_ANY }, x;
	uint32_t		 mask;
	size_t			 k;

	if (c == NULL || getifaddrs(&ifa) == -1)
		return a;
	for (i = ifa; i != NULL && a.s_addr == INADDR_ANY; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET)
			continue;
		x = ((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr;
		for (k = 0; k < c->n_networks; k++) {
			if (c->networks[k].af != AF_INET)
				continue;
			mask = c->networks[k].len == 0 ? 0 :
			    htonl(~0U << (32 - c->networks[k].len));
			if ((x.s_addr & mask) ==
			    c->networks[k].addr.s_addr) {
				a = x;
				break;
			}
		}
	}
	freeifaddrs(ifa);
	return a;
}

/* SPDX-License-Identifier: ISC */
/*
 * drill.c: failover drills, a small state machine on the event loop.
 *
 *   preflight -> [probe check] -> shutdown -> failover (until the kernel
 *   confirmed it) -> hold [probe through the backup] -> enable ->
 *   failback (until the kernel confirmed it) -> done
 *
 * The waits are checked after every turn of the event loop (an ev_check
 * watcher), so "confirmed" means: the session is in the state wanted, the
 * RIB has moved, and the kernel has answered every request sent; then the
 * kernel is read back (fib_check) to prove where the routes forward.
 * Every wait has a timeout; any failure after the shutdown goes straight
 * to putting the session back.  The checks before a drill starts are in
 * drill_preflight.c.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/drill_impl.h"
#include "bgpd/fib/fib.h"
#include "bgpd/probe.h"
#include "bgpd/router.h"
#include "bgpd/session/session.h"
#include "bgpd/conf/conf.h"
#include "bgpd/util/clock.h"
#include "rib/rib.h"

#define DRILL_MESSAGE		"failover drill"
#define DRILL_QUIET_MS		3000	/* routes back, best unchanged */

static void	restore(struct drills *, const char *why);
static void	finish(struct drills *);

const char *
drill_outcome_name(enum drill_outcome o)
{
	switch (o) {
	case DRILL_PASSED:
		return "passed";
	case DRILL_FAILED:
		return "failed";
	case DRILL_ABORTED:
		return "aborted";
	default:
		return "running";
	}
}

struct drill *
drills_cur(struct drills *ds)
{
	return &ds->hist[ds->n_hist - 1];
}

/* One step done: kept, logged, and told to the client. */
void
drills_step(struct drills *ds, bool ok, const char *name, const char *fmt,
    ...)
{
	struct drill		*d = drills_cur(ds);
	struct drill_step	*s;
	va_list			 ap;

	if (!ok)
		ds->failed = true;
	if (d->n_steps == DRILL_MAX_STEPS)
		return;
	s = &d->steps[d->n_steps++];
	s->time_unix_ms = clock_wall_ms();
	s->elapsed_ms = (clock_mono_us() - ds->start_us) / 1000;
	s->ok = ok;
	snprintf(s->name, sizeof(s->name), "%s", name);
	va_start(ap, fmt);
	vsnprintf(s->text, sizeof(s->text), fmt, ap);
	va_end(ap);
	if (ok)
		log_info("drill %u: %s: %s", d->id, s->name, s->text);
	else
		log_warnx("drill %u: %s failed: %s", d->id, s->name, s->text);
	if (ds->fn != NULL)
		ds->fn(d, s, ds->arg);
}

static struct peer *
peer_named(struct drills *ds, const char *name, struct sess_info *si)
{
	struct peer	*p;

	if ((p = sess_peer_find(router_sessions(ds->r), name)) != NULL)
		sess_peer_info(p, si);
	return p;
}

static void
stop_waits(struct drills *ds)
{
	ev_timer_stop(ds->loop, &ds->t_timeout);
	ev_timer_stop(ds->loop, &ds->t_hold);
	ev_timer_stop(ds->loop, &ds->t_precheck);
	ev_check_stop(ds->loop, &ds->w_check);
	probe_free(ds->probe);
	ds->probe = NULL;
}

static void
wait_for(struct drills *ds, enum phase ph, double timeout_s)
{
	ds->ph = ph;
	ev_timer_stop(ds->loop, &ds->t_timeout);
	ev_timer_set(&ds->t_timeout, timeout_s, 0.);
	ev_timer_start(ds->loop, &ds->t_timeout);
	ev_check_start(ds->loop, &ds->w_check);
}

static void
ms3(char *buf, size_t len, uint64_t us)
{
	snprintf(buf, len, "%llu.%03llu ms", (unsigned long long)(us / 1000),
	    (unsigned long long)(us % 1000));
}

/* ---- the steps ------------------------------------------------------------ */

static void
shut_down(struct drills *ds)
{
	const struct rib_peer_stats *rs;
	struct sess_info	 si;
	struct peer		*p;

	if ((p = peer_named(ds, ds->from_peer, &si)) == NULL ||
	    si.state != FSM_ESTABLISHED) {
		drills_step(ds, false, "preflight", "the session on %s left "
		    "Established before the drill began", drills_cur(ds)->from);
		finish(ds);
		return;
	}
	rs = rib_peer_stats(router_rib(ds->r), si.slot);
	ds->best_before = rs->best;
	ds->accepted_before = rs->accepted;
	ds->phase_us = clock_mono_us();
	(void)sess_peer_shutdown(p, DRILL_MESSAGE);
	drills_step(ds, true, "take out of service", "%s: NOTIFICATION "
	    "Cease/Administrative Shutdown \"%s\" sent to %s; it carried %u "
	    "prefixes", si.conf->ifname, DRILL_MESSAGE, si.name,
	    ds->best_before);
	wait_for(ds, PH_FAILOVER, DRILL_FAILOVER_MAX_S);
}

/* The drill's probe (--probe) on ifname ("" for the routing table's
 * choice), of the probe address's family. */
static struct probe *
drill_probe(struct drills *ds, const char *ifname)
{
	if (ds->probe_af == AF_INET6)
		return probe_new6(ds->loop, ds->who, ifname,
		    &ds->probe_addr6, &ds->probe_src6, DRILL_PROBE_MS,
		    UINT32_MAX, NULL, NULL);
	return probe_new(ds->loop, ds->who, ifname, ds->probe_addr,
	    ds->probe_src, DRILL_PROBE_MS, UINT32_MAX, NULL, NULL);
}

static void
start_hold(struct drills *ds)
{
	struct drill	*d = drills_cur(ds);

	ds->ph = PH_HOLD;
	ev_timer_stop(ds->loop, &ds->t_timeout);
	ev_timer_set(&ds->t_hold, d->hold_s, 0.);
	ev_timer_start(ds->loop, &ds->t_hold);
	if (d->probe[0] != '\0') {
		ds->probe = drill_probe(ds, d->to);
		probe_start(ds->probe);
	}
}

/* Failover: the session is down, the RIB moved, the kernel answered. */
static void
check_failover(struct drills *ds)
{
	const struct rib_peer_stats *rs;
	struct fib_check	 c;
	struct sess_info	 si;
	struct drill		*d = drills_cur(ds);
	char			 t[32];

	if (peer_named(ds, ds->from_peer, &si) == NULL) {
		restore(ds, "the neighbor was removed by a reload");
		return;
	}
	rs = rib_peer_stats(router_rib(ds->r), si.slot);
	if (si.state == FSM_ESTABLISHED || rs->best != 0 ||
	    fib_pending(router_fib(ds->r)) > 0)
		return;
	d->failover_us = clock_mono_us() - ds->phase_us;
	ms3(t, sizeof(t), d->failover_us);
	if (fib_check(router_fib(ds->r), &c) == -1) {
		drills_step(ds, false, "traffic on the backup", "the kernel "
		    "could not be read back");
		restore(ds, "putting it back");
		return;
	}
	if (c.on[ds->from_slot] != 0 || c.unresolved != 0) {
		drills_step(ds, false, "traffic on the backup", "%llu of %llu "
		    "primary routes still forward into %s (%llu unresolved) "
		    "after the kernel confirmed every request",
		    (unsigned long long)c.on[ds->from_slot],
		    (unsigned long long)c.primaries, d->from,
		    (unsigned long long)c.unresolved);
		restore(ds, "putting it back");
		return;
	}
	drills_step(ds, true, "traffic on the backup", "%llu of %llu primary "
	    "routes forward into %s, none into %s; every kernel request "
	    "confirmed %s after the shutdown%s",
	    (unsigned long long)c.on[ds->to_slot],
	    (unsigned long long)c.primaries, d->to, d->from, t, c.verified ?
	    " (read back from the kernel)" : " (plain routes: by the kernel's "
	    "answers)");
	start_hold(ds);
}

/* During the hold: the backup must stay up; the probe's first answer. */
static void
check_hold(struct drills *ds)
{
	const struct probe_stats *st;
	struct sess_info	 si;
	struct drill		*d = drills_cur(ds);

	if (peer_named(ds, ds->to_peer, &si) == NULL ||
	    si.state != FSM_ESTABLISHED) {
		drills_step(ds, false, "hold", "the backup %s went down during "
		    "the drill", d->to);
		restore(ds, "putting the active tunnel back at once");
		return;
	}
	if (ds->probe == NULL || ds->probe_answered)
		return;
	st = probe_stats(ds->probe);
	if (st->received == 0)
		return;
	ds->probe_answered = true;
	drills_step(ds, true, "probe through the backup", "%s answers through "
	    "%s (round trip %u.%03u ms)", d->probe, d->to,
	    st->rtt_last_us / 1000, st->rtt_last_us % 1000);
}

/* Failback: the session is up, its paths are back, the kernel answered. */
static void
check_failback(struct drills *ds)
{
	const struct rib_peer_stats *rs;
	struct fib_check	 c;
	struct sess_info	 si;
	struct drill		*d = drills_cur(ds);
	uint64_t		 now = clock_mono_us();
	char			 t[32], t2[32];

	if (peer_named(ds, ds->from_peer, &si) == NULL) {
		drills_step(ds, false, "traffic back", "the neighbor was "
		    "removed by a reload");
		finish(ds);
		return;
	}
	if (si.state != FSM_ESTABLISHED)
		return;
	if (ds->established_us == 0)
		ds->established_us = now;
	rs = rib_peer_stats(router_rib(ds->r), si.slot);
	if (rs->accepted < ds->accepted_before ||
	    fib_pending(router_fib(ds->r)) > 0)
		return;
	if (ds->accepted_us == 0)
		ds->accepted_us = now;
	/* its routes back as before, or the RIB has settled otherwise */
	if (rs->best < ds->best_before &&
	    now - ds->accepted_us < DRILL_QUIET_MS * 1000ULL)
		return;
	d->failback_us = (rs->best >= ds->best_before ? now :
	    ds->accepted_us) - ds->phase_us;
	ms3(t, sizeof(t), d->failback_us);
	ms3(t2, sizeof(t2), ds->established_us - ds->phase_us);
	if (fib_check(router_fib(ds->r), &c) == -1) {
		drills_step(ds, false, "traffic back", "the kernel could not "
		    "be read back");
		finish(ds);
		return;
	}
	if (c.on[ds->from_slot] < rs->best) {
		drills_step(ds, false, "traffic back", "the RIB puts %u "
		    "prefixes on %s but only %llu primary routes forward into "
		    "it", rs->best, d->from,
		    (unsigned long long)c.on[ds->from_slot]);
	} else if (rs->best >= ds->best_before)
		drills_step(ds, true, "traffic back", "%u prefixes forward "
		    "into %s again, as before the drill; session Established "
		    "%s and every kernel request confirmed %s after enabling",
		    rs->best, d->from, t2, t);
	else
		drills_step(ds, true, "traffic back", "%s is Established again "
		    "(%s) with all %u of its prefixes, but %u of the %u it "
		    "carried stay on %s: the decision process prefers those "
		    "paths now (equal paths: the older wins; give %s a higher "
		    "preference to make it the primary)", d->from, t2,
		    rs->accepted, ds->best_before - rs->best, ds->best_before,
		    d->to, d->from);
	finish(ds);
}

static void
on_check(struct ev_loop *loop, ev_check *w, int revents)
{
	struct drills	*ds = w->data;

	switch (ds->ph) {
	case PH_FAILOVER:
		check_failover(ds);
		break;
	case PH_HOLD:
		check_hold(ds);
		break;
	case PH_FAILBACK:
		check_failback(ds);
		break;
	default:
		break;
	}
}

/* The probe's counts through the backup, into the drill's record. */
static void
note_probes(struct drills *ds)
{
	const struct probe_stats *st;
	struct drill		*d = drills_cur(ds);

	if (ds->probe == NULL)
		return;
	st = probe_stats(ds->probe);
	d->probes_sent = (uint32_t)st->sent;
	d->probes_lost = (uint32_t)(st->sent - st->received);
}

/* Put the active session back in service; then wait for its routes. */
static void
restore(struct drills *ds, const char *why)
{
	struct sess_info	 si;
	struct peer		*p;

	note_probes(ds);
	stop_waits(ds);
	if ((p = peer_named(ds, ds->from_peer, &si)) == NULL) {
		drills_step(ds, false, "put back in service", "the neighbor %s "
		    "is gone (reload)", ds->from_peer);
		finish(ds);
		return;
	}
	ds->phase_us = clock_mono_us();
	ds->established_us = ds->accepted_us = 0;
	(void)sess_peer_enable(p);
	drills_step(ds, true, "put back in service", "%s: session enabled%s%s",
	    si.conf->ifname, why != NULL ? "; " : "", why != NULL ? why : "");
	wait_for(ds, PH_FAILBACK, DRILL_FAILBACK_MAX_S);
}

static void
on_hold_over(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct drills		*ds = w->data;
	struct drill		*d = drills_cur(ds);

	note_probes(ds);
	if (ds->probe != NULL) {
		if (d->probes_sent == d->probes_lost)
			drills_step(ds, false, "probe through the backup",
			    "%s did not answer through %s: %u probes in %u s, "
			    "none answered", d->probe, d->to, d->probes_sent,
			    d->hold_s);
	}
	if (ds->probe != NULL)
		drills_step(ds, true, "hold", "%s out of service for %u s; %s "
		    "stayed Established; %s answered %u of %u probes through "
		    "it", d->from, d->hold_s, d->to, d->probe,
		    d->probes_sent - d->probes_lost, d->probes_sent);
	else
		drills_step(ds, true, "hold", "%s out of service for %u s; %s "
		    "stayed Established", d->from, d->hold_s, d->to);
	restore(ds, NULL);
}

static void
on_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct drills	*ds = w->data;
	struct drill	*d = drills_cur(ds);
	struct sess_info si;

	if (ds->ph == PH_FAILOVER) {
		drills_step(ds, false, "traffic on the backup", "not confirmed "
		    "after %d s (%zu kernel requests unanswered)",
		    DRILL_FAILOVER_MAX_S, fib_pending(router_fib(ds->r)));
		restore(ds, "putting it back");
		return;
	}
	if (peer_named(ds, ds->from_peer, &si) == NULL)
		si.state = FSM_IDLE;
	drills_step(ds, false, "traffic back", "%s not back after %d s "
	    "(session %s); it stays enabled", d->from, DRILL_FAILBACK_MAX_S,
	    fsm_state_name(si.state));
	finish(ds);
}

static void
on_precheck(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct drills		*ds = w->data;
	struct drill		*d = drills_cur(ds);
	const struct probe_stats *st = probe_stats(ds->probe);
	uint64_t		 sent = st->sent, got = st->received;
	uint32_t		 rtt = st->rtt_avg_us;

	probe_free(ds->probe);
	ds->probe = NULL;
	if (got == 0) {
		drills_step(ds, false, "probe before the drill", "%s does not "
		    "answer now (%llu probes): a check through the backup "
		    "would prove nothing", d->probe, (unsigned long long)sent);
		finish(ds);
		return;
	}
	drills_step(ds, true, "probe before the drill", "%s answers: %llu of "
	    "%llu probes, round trip %u.%03u ms", d->probe,
	    (unsigned long long)got, (unsigned long long)sent, rtt / 1000,
	    rtt % 1000);
	shut_down(ds);
}

static void
finish(struct drills *ds)
{
	struct drill	*d = drills_cur(ds);
	char		 a[32], b[32], sum[sizeof(d->summary)];

	stop_waits(ds);
	ds->ph = PH_IDLE;
	d->duration_ms = (clock_mono_us() - ds->start_us) / 1000;
	d->outcome = ds->aborted ? DRILL_ABORTED : ds->failed ? DRILL_FAILED :
	    DRILL_PASSED;
	ms3(a, sizeof(a), d->failover_us);
	ms3(b, sizeof(b), d->failback_us);
	if (d->outcome == DRILL_PASSED)
		snprintf(sum, sizeof(sum), "traffic moved from %s to %s in %s "
		    "and back in %s", d->from, d->to, a, b);
	else if (d->outcome == DRILL_ABORTED)
		snprintf(sum, sizeof(sum), "aborted (%s); %s is back in "
		    "service", ds->abort_reason, d->from);
	else {
		size_t	i;

		for (i = 0; i < d->n_steps && d->steps[i].ok; i++)
			;
		snprintf(sum, sizeof(sum), "%s: %s", i < d->n_steps ?
		    d->steps[i].name : "?", i < d->n_steps ?
		    d->steps[i].text : "");
	}
	memcpy(d->summary, sum, sizeof(sum));
	log_info("drill %u %s: %s", d->id, drill_outcome_name(d->outcome),
	    d->summary);
	if (ds->fn != NULL)
		ds->fn(d, NULL, ds->arg);
	ds->fn = NULL;
	ds->arg = NULL;
}

/* ---- interface ---------------------------------------------------------- */

static void
on_abort(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct drills	*ds = w->data;
	char		 why[160];

	switch (ds->ph) {
	case PH_PRECHECK:
		drills_step(ds, false, "aborted", "%s; nothing was changed",
		    ds->abort_reason);
		finish(ds);
		break;
	case PH_FAILOVER:
	case PH_HOLD:
		snprintf(why, sizeof(why), "aborted: %s", ds->abort_reason);
		drills_step(ds, false, "aborted", "%s", ds->abort_reason);
		restore(ds, why);
		break;
	default:
		break;		/* already on the way back */
	}
}

struct drills *
drills_new(struct ev_loop *loop, struct router *r)
{
	struct drills	*ds;

	if ((ds = calloc(1, sizeof(*ds))) == NULL)
		fatal("calloc");
	ds->loop = loop;
	ds->r = r;
	ds->next_id = 1;
	ev_timer_init(&ds->t_timeout, on_timeout, 1., 0.);
	ev_timer_init(&ds->t_hold, on_hold_over, 1., 0.);
	ev_timer_init(&ds->t_precheck, on_precheck, 1., 0.);
	ev_timer_init(&ds->t_abort, on_abort, 0., 0.);
	ev_check_init(&ds->w_check, on_check);
	ds->t_timeout.data = ds->t_hold.data = ds->t_precheck.data = ds;
	ds->t_abort.data = ds->w_check.data = ds;
	return ds;
}

void
drills_free(struct drills *ds)
{
	if (ds == NULL)
		return;
	/* at exit: every session ends anyway, nothing to put back */
	stop_waits(ds);
	ev_timer_stop(ds->loop, &ds->t_abort);
	free(ds);
}

bool
drills_running(const struct drills *ds)
{
	return ds->ph != PH_IDLE;
}

int
drills_start(struct drills *ds, const struct drill_request *rq, drill_fn fn,
    void *arg, char *why, size_t len)
{
	struct drill	*d;
	struct peer	*active;
	struct in_addr	 a = { INADDR_ANY };
	struct in6_addr	 a6 = IN6ADDR_ANY_INIT;
	uint8_t		 af = 0;

	if (drills_running(ds)) {
		d = drills_cur(ds);
		snprintf(why, len, "drill %u is running (from %s, started by "
		    "uid %u): one at a time", d->id, d->from,
		    (unsigned)d->uid);
		return -1;
	}
	if (rq->probe != NULL && rq->probe[0] != '\0') {
		if (inet_pton(AF_INET, rq->probe, &a) == 1)
			af = AF_INET;
		else if (inet_pton(AF_INET6, rq->probe, &a6) == 1 &&
		    !IN6_IS_ADDR_UNSPECIFIED(&a6))
			af = AF_INET6;
		else {
			snprintf(why, len, "--probe %s is not an IPv4 or "
			    "IPv6 address", rq->probe);
			return -1;
		}
	}
	if (rq->hold_s > DRILL_MAX_HOLD_S) {
		snprintf(why, len, "--hold %u: at most %d seconds", rq->hold_s,
		    DRILL_MAX_HOLD_S);
		return -1;
	}
	if ((active = drills_pick_active(ds, rq->from, why, len)) == NULL)
		return -1;
	if (ds->n_hist == DRILL_HISTORY) {
		memmove(&ds->hist[0], &ds->hist[1],
		    (DRILL_HISTORY - 1) * sizeof(ds->hist[0]));
		ds->n_hist--;
	}
	d = &ds->hist[ds->n_hist++];
	memset(d, 0, sizeof(*d));
	d->id = ds->next_id++;
	d->started_unix_ms = clock_wall_ms();
	d->hold_s = rq->hold_s != 0 ? rq->hold_s : DRILL_DEFAULT_HOLD_S;
	d->uid = rq->uid;
	d->outcome = DRILL_RUNNING;
	if (af == AF_INET6)
		inet_ntop(AF_INET6, &a6, d->probe, sizeof(d->probe));
	else if (a.s_addr != INADDR_ANY)
		inet_ntop(AF_INET, &a, d->probe, sizeof(d->probe));
	ds->probe_af = af;
	ds->probe_addr = a;
	ds->probe_addr6 = a6;
	ds->fn = fn;
	ds->arg = arg;
	ds->failed = ds->aborted = ds->probe_answered = false;
	ds->start_us = clock_mono_us();
	ds->ph = PH_PRECHECK;
	snprintf(ds->who, sizeof(ds->who), "drill %u", d->id);
	log_info("drill %u: started by uid %u", d->id, (unsigned)d->uid);
	if (!drills_preflight(ds, active)) {
		finish(ds);
		return 0;
	}
	if (d->probe[0] == '\0') {
		shut_down(ds);
		return 0;
	}
	ds->probe_src = drills_probe_source(rq->conf);
	ds->probe_src6 = drills_probe_source6(rq->conf);
	ds->probe = drill_probe(ds, "");
	probe_start(ds->probe);
	ev_timer_set(&ds->t_precheck, DRILL_PRECHECK_PROBES * DRILL_PROBE_MS /
	    1000. + 0.1, 0.);
	ev_timer_start(ds->loop, &ds->t_precheck);
	return 0;
}

void
drills_abort(struct drills *ds, const char *reason)
{
	if (!drills_running(ds))
		return;
	ds->fn = NULL;
	ds->arg = NULL;
	if (ds->aborted)
		return;
	ds->aborted = true;
	snprintf(ds->abort_reason, sizeof(ds->abort_reason), "%s", reason);
	ev_timer_start(ds->loop, &ds->t_abort);
}

size_t
drills_count(const struct drills *ds)
{
	return ds->n_hist;
}

const struct drill *
drills_at(const struct drills *ds, size_t i)
{
	return i < ds->n_hist ? &ds->hist[i] : NULL;
}

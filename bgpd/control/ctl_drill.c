/* SPDX-License-Identifier: ISC */
/*
 * ctl_drill.c: the DrillFailover and ShowDrills methods.  A drill streams
 * one DrillProgress per step and a last one with the result; the client
 * going away (Ctrl-C included) aborts it, which puts the tunnel back.
 * Drills are also reported to `vtibgpctl watch`.
 */
#include "config.h"

#include <stdio.h>

#include "bgpd/control/ctl_impl.h"
#include "bgpd/daemon.h"
#include "bgpd/drill.h"

static Vtibgp__DrillStep *
step_msg(struct ctl_pool *pool, const struct drill_step *s)
{
	Vtibgp__DrillStep	*m = pool_alloc(pool, sizeof(*m));

	vtibgp__drill_step__init(m);
	m->time_unix_ms = s->time_unix_ms;
	m->elapsed_ms = s->elapsed_ms;
	m->step = pool_str(pool, s->name);
	m->ok = s->ok;
	m->text = pool_str(pool, s->text);
	return m;
}

static Vtibgp__Drill *
drill_msg(struct ctl_pool *pool, const struct drill *d)
{
	Vtibgp__Drill	*m = pool_alloc(pool, sizeof(*m));
	size_t		 i;

	vtibgp__drill__init(m);
	m->id = d->id;
	m->started_unix_ms = d->started_unix_ms;
	m->duration_ms = d->duration_ms;
	m->from_interface = pool_str(pool, d->from);
	m->to_interface = pool_str(pool, d->to);
	m->probe = pool_str(pool, d->probe);
	m->hold_s = d->hold_s;
	m->outcome = (Vtibgp__DrillOutcome)d->outcome;
	m->summary = pool_str(pool, d->summary);
	m->failover_ms = d->failover_us / 1000;
	m->failback_ms = d->failback_us / 1000;
	m->failover_us = d->failover_us;
	m->failback_us = d->failback_us;
	m->probes_sent = d->probes_sent;
	m->probes_lost = d->probes_lost;
	m->uid = (uint32_t)d->uid;
	m->steps = pool_alloc(pool, (d->n_steps + 1) * sizeof(*m->steps));
	for (i = 0; i < d->n_steps; i++)
		m->steps[m->n_steps++] = step_msg(pool, &d->steps[i]);
	return m;
}

static void
on_progress(const struct drill *d, const struct drill_step *s, void *arg)
{
	struct ctl_request	*req = arg;
	struct ctl_pool		 pool = { 0 };
	Vtibgp__DrillProgress	 p;

	vtibgp__drill_progress__init(&p);
	p.drill_id = d->id;
	if (s != NULL)
		p.step = step_msg(&pool, s);
	else
		p.result = drill_msg(&pool, d);
	(void)ctl_stream(req, &p.base);
	if (s == NULL)
		(void)ctl_end(req);
	pool_free(&pool);
}

/* Every drill step also goes to the watchers, with or without a client. */
static void
on_step(const struct drill *d, const struct drill_step *s, void *arg)
{
	if (s != NULL)
		ctl_watch_emit(VTIBGP__EVENT_KIND__EVENT_DRILL, NULL, d->from,
		    "drill %u: %s %s: %s", d->id, s->ok ? "ok" : "FAILED",
		    s->name, s->text);
	else
		ctl_watch_emit(VTIBGP__EVENT_KIND__EVENT_DRILL, NULL, d->from,
		    "drill %u %s: %s", d->id, drill_outcome_name(d->outcome),
		    d->summary);
	if (arg != NULL)
		on_progress(d, s, arg);
}

static void
on_cancel(struct ctl_request *req, void *arg)
{
	drills_abort(arg, "the client went away");
}

int
ctl_drill_failover(struct ctl_request *req, const ProtobufCMessage *in,
    void *arg)
{
	const Vtibgp__DrillRequest	*q = (const void *)in;
	struct daemon			*d = arg;
	struct drills			*ds = daemon_drills(d);
	struct drill_request		 rq;
	char				 why[256];

	rq.from = q->from_interface;
	rq.probe = q->probe;
	rq.hold_s = q->hold_s;
	rq.uid = ctl_request_peer(req)->uid;
	rq.conf = daemon_conf(d);
	if (drills_running(ds)) {
		(void)drills_start(ds, &rq, on_step, req, why, sizeof(why));
		(void)ctl_error(req, VTIBGP__ERROR_CODE__ERROR_BUSY, "%s", why);
		return 0;
	}
	ctl_set_cancel(req, on_cancel, ds);
	if (drills_start(ds, &rq, on_step, req, why, sizeof(why)) == -1) {
		ctl_set_cancel(req, NULL, NULL);
		(void)ctl_error(req, VTIBGP__ERROR_CODE__ERROR_BAD_REQUEST,
		    "%s", why);
	}
	return 0;
}

int
ctl_show_drills(struct ctl_request *req, const ProtobufCMessage *in,
    void *arg)
{
	struct drills		*ds = daemon_drills(arg);
	struct ctl_pool		 pool = { 0 };
	Vtibgp__DrillsReply	 rep;
	size_t			 i, n = drills_count(ds);

	vtibgp__drills_reply__init(&rep);
	rep.drills = pool_alloc(&pool, (n + 1) * sizeof(*rep.drills));
	for (i = 0; i < n; i++)
		rep.drills[rep.n_drills++] = drill_msg(&pool,
		    drills_at(ds, i));
	(void)ctl_reply(req, &rep.base);
	pool_free(&pool);
	return 0;
}

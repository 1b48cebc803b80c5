/* SPDX-License-Identifier: ISC */
/*
 * ctl_watch.c: the Watch method: every client that asked gets each event
 * as one streamed Event, until it goes.
 *
 * Events are made where the routing happens, so making one must cost
 * next to nothing whoever watches: it is packed once into a ring of the
 * last WATCH_RING events and the control server is kicked.  The fan-out
 * runs later, at control priority and within the server's slice: each
 * watcher has a cursor into the ring and gets the events past it while
 * fewer than WATCH_QUEUE octets wait for its client.  A watcher that
 * falls more than WATCH_RING events behind (it does not read) loses the
 * oldest and then gets one EVENT_LOST saying how many: its memory never
 * grows.  Fan-out costs O(watchers) per event.
 *
 * Route changes can come by the million: at most WATCH_ROUTES_PER_S of
 * them are made each second, the rest are counted in one summary event.
 * Users other than root and the control group may hold at most
 * WATCH_PER_UID watch streams each.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/control/ctl_impl.h"
#include "bgpd/util/clock.h"

#define WATCH_ROUTES_PER_S	100
#define WATCH_RING		1024		/* events kept for the slow */
#define WATCH_QUEUE		(64U * 1024U)	/* octets queued per watcher */

/* One event, packed once. */
struct wevent {
	uint8_t		*buf;
	size_t		 len;
	char		 neighbor[64];
	char		 ifname[32];
};

struct watcher {
	struct ctl_request	*req;
	char			 filter[64];	/* neighbor or interface */
	uid_t			 uid;
	uint64_t		 next;		/* next event (ring sequence) */
	uint64_t		 lost;		/* to report */
};

static struct watcher	**watchers;
static size_t		  n_watchers;
static size_t		  rr;		/* where the fan-out goes on */
static struct ctl_server *server;
static struct wevent	  ring[WATCH_RING];
static uint64_t		  head;		/* sequence of the next event */
static struct ctl_watch_stats stats;
static uint64_t		  routes_second;	/* which second we count */
static uint32_t		  routes_sent;
static uint64_t		  routes_suppressed;

static void
on_cancel(struct ctl_request *req, void *arg)
{
	struct watcher	*w = arg;
	size_t		 i;

	for (i = 0; i < n_watchers; i++)
		if (watchers[i] == w) {
			watchers[i] = watchers[--n_watchers];
			break;
		}
	free(w);
}

/* Watch streams of uid now. */
static unsigned
watches_of(uid_t uid)
{
	unsigned	n = 0;
	size_t		i;

	for (i = 0; i < n_watchers; i++)
		n += watchers[i]->uid == uid;
	return n;
}

int
ctl_watch(struct ctl_request *req, const ProtobufCMessage *in, void *arg)
{
	const Vtibgp__WatchRequest	*wr = (const void *)in;
	uid_t				 uid = ctl_request_peer(req)->uid;
	struct watcher			*w;

	if (!ctl_request_operator(req) && watches_of(uid) >= WATCH_PER_UID) {
		stats.refused++;
		(void)ctl_error(req, VTIBGP__ERROR_CODE__ERROR_BUSY,
		    "uid %lu has %u watch streams open (limit %u per user)",
		    (unsigned long)uid, WATCH_PER_UID, WATCH_PER_UID);
		return 0;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (watchers = reallocarray(watchers, n_watchers + 1,
	    sizeof(*watchers))) == NULL)
		fatal("watch");
	w->req = req;
	w->uid = uid;
	w->next = head;
	snprintf(w->filter, sizeof(w->filter), "%s", wr->neighbor);
	watchers[n_watchers++] = w;
	server = ctl_request_server(req);
	ctl_server_set_work(server, ctl_watch_fanout, NULL);
	ctl_set_cancel(req, on_cancel, w);
	return 0;
}

bool
ctl_watching(void)
{
	return n_watchers > 0;
}

static bool
wants(const struct watcher *w, const struct wevent *e)
{
	return w->filter[0] == '\0' || (e->neighbor[0] != '\0' &&
	    strcmp(w->filter, e->neighbor) == 0) || (e->ifname[0] != '\0' &&
	    strcmp(w->filter, e->ifname) == 0);
}

/* Pack ev into the ring (the oldest event goes) and kick the fan-out. */
static void
ring_put(Vtibgp__Event *ev)
{
	struct wevent	*e = &ring[head % WATCH_RING];
	size_t		 n = protobuf_c_message_get_packed_size(&ev->base);
	uint8_t		*buf;

	if ((buf = realloc(e->buf, n > 0 ? n : 1)) == NULL)
		fatal("watch");
	e->buf = buf;
	e->len = protobuf_c_message_pack(&ev->base, e->buf);
	snprintf(e->neighbor, sizeof(e->neighbor), "%s", ev->neighbor);
	snprintf(e->ifname, sizeof(e->ifname), "%s", ev->interface);
	head++;
	stats.events++;
	if (server != NULL)
		ctl_server_kick(server);
}

void
ctl_watch_emit(Vtibgp__EventKind kind, const char *neighbor,
    const char *ifname, const char *fmt, ...)
{
	Vtibgp__Event	 ev;
	va_list		 ap;
	char		 text[512], nb[64], ifn[32];

	if (n_watchers == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	snprintf(nb, sizeof(nb), "%s", neighbor != NULL ? neighbor : "");
	snprintf(ifn, sizeof(ifn), "%s", ifname != NULL ? ifname : "");
	vtibgp__event__init(&ev);
	ev.time_unix_ms = clock_wall_ms();
	ev.kind = kind;
	ev.neighbor = nb;
	ev.interface = ifn;
	ev.text = text;
	ring_put(&ev);
}

/* The marker for a watcher that fell behind: 0 sent, -1 no room. */
static int
send_lost(struct watcher *w)
{
	Vtibgp__Event	ev;
	uint8_t		buf[160];
	char		text[96];
	size_t		n;

	vtibgp__event__init(&ev);
	ev.time_unix_ms = clock_wall_ms();
	ev.kind = VTIBGP__EVENT_KIND__EVENT_LOST;
	snprintf(text, sizeof(text), "%" PRIu64 " events lost: this watcher "
	    "fell more than %u events behind", w->lost, WATCH_RING);
	ev.text = text;
	n = protobuf_c_message_pack(&ev.base, buf);
	if (ctl_stream_packed(w->req, buf, n) == -1)
		return -1;
	w->lost = 0;
	return 0;
}

/*
 * The events past w's cursor, while its client has room.  true when w
 * is done (or blocked until its client reads), false when the slice ran
 * out first.
 */
static bool
deliver(struct watcher *w)
{
	const struct wevent	*e;

	if (head - w->next > WATCH_RING) {
		stats.lost += head - WATCH_RING - w->next;
		w->lost += head - WATCH_RING - w->next;
		w->next = head - WATCH_RING;
	}
	while (w->next < head || w->lost > 0) {
		if (!ctl_server_slice_left(server))
			return false;
		if (!ctl_request_room(w->req, WATCH_QUEUE))
			return true;	/* kicked again when it drains */
		if (w->lost > 0) {
			if (send_lost(w) == -1)
				return true;
			continue;
		}
		e = &ring[w->next % WATCH_RING];
		if (wants(w, e) && ctl_stream_packed(w->req, e->buf, e->len) ==
		    -1)
			return true;
		w->next++;
	}
	return true;
}

/* The fan-out (ctl_work_fn): true when the slice ran out first. */
bool
ctl_watch_fanout(struct ctl_server *s, void *arg)
{
	size_t	i, n = n_watchers;

	for (i = 0; i < n && n_watchers > 0; i++) {
		if (rr >= n_watchers)
			rr = 0;
		if (!deliver(watchers[rr]))
			return true;
		rr++;
	}
	return false;
}

void
ctl_watch_stats(struct ctl_watch_stats *st)
{
	*st = stats;
	st->watchers = n_watchers;
}

/* A new second: say how many route changes the last one held back. */
void
ctl_watch_tick(void)
{
	uint64_t	now = clock_mono_ms() / 1000;

	if (now == routes_second)
		return;
	if (routes_suppressed > 0)
		ctl_watch_emit(VTIBGP__EVENT_KIND__EVENT_ROUTES, NULL, NULL,
		    "%llu more route changes not shown",
		    (unsigned long long)routes_suppressed);
	routes_second = now;
	routes_sent = 0;
	routes_suppressed = 0;
}

/* Route changes: the first WATCH_ROUTES_PER_S of each second. */
bool
ctl_watch_route_allowed(void)
{
	if (n_watchers == 0)
		return false;
	ctl_watch_tick();
	if (routes_sent < WATCH_ROUTES_PER_S) {
		routes_sent++;
		return true;
	}
	routes_suppressed++;
	return false;
}

void
ctl_watch_free(void)
{
	size_t	i;

	for (i = 0; i < WATCH_RING; i++) {
		free(ring[i].buf);
		ring[i].buf = NULL;
	}
	free(watchers);
	watchers = NULL;
	server = NULL;
	memset(&stats, 0, sizeof(stats));
}

/*
 * ctl_watch.c: the Watch method: every client that asked gets each event
 * as one streamed Event, until it goes.  Route changes can come by the
 * million: at most WATCH_ROUTES_PER_S of them are sent each second, the
 * rest are counted in one summary event.  A client that does not read is
 * dropped by the server once its queue is full, so watching never grows
 * the daemon's memory without bound.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/clock.h"
#include "bgpd/ctl_impl.h"

#define WATCH_ROUTES_PER_S	100

struct watcher {
	struct ctl_request	*req;
	char			 filter[64];	/* neighbor or interface */
};

static struct watcher	**watchers;
static size_t		  n_watchers;
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

int
ctl_watch(struct ctl_request *req, const ProtobufCMessage *in, void *arg)
{
	const Vtibgp__WatchRequest	*wr = (const void *)in;
	struct watcher			*w;

	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (watchers = reallocarray(watchers, n_watchers + 1,
	    sizeof(*watchers))) == NULL)
		fatal("watch");
	w->req = req;
	snprintf(w->filter, sizeof(w->filter), "%s", wr->neighbor);
	watchers[n_watchers++] = w;
	ctl_set_cancel(req, on_cancel, w);
	return 0;
}

bool
ctl_watching(void)
{
	return n_watchers > 0;
}

static bool
wants(const struct watcher *w, const char *neighbor, const char *ifname)
{
	return w->filter[0] == '\0' || (neighbor != NULL &&
	    strcmp(w->filter, neighbor) == 0) || (ifname != NULL &&
	    strcmp(w->filter, ifname) == 0);
}

/* Send ev to every watcher that wants it (a copy of the list: a client
 * dropped while we send leaves it). */
static void
broadcast(Vtibgp__Event *ev, const char *neighbor, const char *ifname)
{
	struct watcher	**copy;
	size_t		  n = n_watchers, i, j;

	if (n == 0)
		return;
	if ((copy = calloc(n, sizeof(*copy))) == NULL)
		fatal("calloc");
	memcpy(copy, watchers, n * sizeof(*copy));
	for (i = 0; i < n; i++) {
		for (j = 0; j < n_watchers && watchers[j] != copy[i]; j++)
			;
		if (j < n_watchers && wants(copy[i], neighbor, ifname))
			(void)ctl_stream(copy[i]->req, &ev->base);
	}
	free(copy);
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
	broadcast(&ev, neighbor, ifname);
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

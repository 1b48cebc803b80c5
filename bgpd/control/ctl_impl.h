/* SPDX-License-Identifier: ISC */
/*
 * ctl_impl.h: the handler functions of ctl_handlers.c's table, from the
 * files that implement them.
 */
#ifndef VTB_CTL_IMPL_H
#define VTB_CTL_IMPL_H

#include "bgpd/control/ctl.h"
#include "bgpd/control/ctl_handlers.h"
#include "bgpd/control/ctl_pool.h"

/* ctl_show.c */
int	ctl_show_summary(struct ctl_request *, const ProtobufCMessage *,
	    void *);
int	ctl_show_neighbor(struct ctl_request *, const ProtobufCMessage *,
	    void *);
/* ctl_routes.c */
int	ctl_show_routes(struct ctl_request *, const ProtobufCMessage *,
	    void *);
/* ctl_watch.c: the Watch method and the events it streams */
#define WATCH_PER_UID	8	/* streams of a user not root nor the group */
struct ctl_watch_stats {
	uint64_t	events;		/* made while someone watched */
	uint64_t	lost;		/* not delivered: a watcher behind */
	uint64_t	refused;	/* streams over WATCH_PER_UID */
	size_t		watchers;
};
int	ctl_watch(struct ctl_request *, const ProtobufCMessage *, void *);
/* The fan-out, a ctl_work_fn the first Watch installs on its server. */
bool	ctl_watch_fanout(struct ctl_server *, void *);
void	ctl_watch_stats(struct ctl_watch_stats *);
bool	ctl_watching(void);
/* ctl_drill.c */
int	ctl_drill_failover(struct ctl_request *, const ProtobufCMessage *,
	    void *);
int	ctl_show_drills(struct ctl_request *, const ProtobufCMessage *,
	    void *);
/* ctl_metrics.c */
int	ctl_metrics(struct ctl_request *, const ProtobufCMessage *, void *);

#endif

/*
 * ctl_impl.h: the handler functions of ctl_handlers.c's table, from the
 * files that implement them.
 */
#ifndef VTB_CTL_IMPL_H
#define VTB_CTL_IMPL_H

#include "bgpd/ctl.h"
#include "bgpd/ctl_pool.h"

/* ctl_show.c */
int	ctl_show_summary(struct ctl_request *, const ProtobufCMessage *,
	    void *);
int	ctl_show_neighbor(struct ctl_request *, const ProtobufCMessage *,
	    void *);
/* ctl_routes.c */
int	ctl_show_routes(struct ctl_request *, const ProtobufCMessage *,
	    void *);
/* ctl_metrics.c */
int	ctl_metrics(struct ctl_request *, const ProtobufCMessage *, void *);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * drill.h: failover drills (`vtibgpctl drill failover`).
 *
 * A drill proves that the backup tunnel carries the traffic: after a
 * preflight (both sessions Established, the backup has a path for every
 * prefix the active tunnel carries, the --probe address answers), it shuts
 * the active tunnel's session down (Cease/Administrative Shutdown,
 * "failover drill", RFC 8203), waits until the kernel has confirmed every
 * request and reads back that no primary route forwards into the active
 * tunnel any more, optionally checks that the probe address answers
 * through the backup, holds, then enables the session again and measures
 * the way back the same way.  Whatever happens (the client goes, a step
 * times out, the backup dies) the active session is enabled again.  One
 * drill at a time; past drills are kept for `show drills`.
 */
#ifndef VTB_DRILL_H
#define VTB_DRILL_H

#include <ev.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DRILL_MAX_STEPS		12
#define DRILL_HISTORY		32	/* past drills kept */
#define DRILL_DEFAULT_HOLD_S	30
#define DRILL_MAX_HOLD_S	86400
#define DRILL_FAILOVER_MAX_S	10	/* traffic off the active tunnel */
#define DRILL_FAILBACK_MAX_S	120	/* session back and its routes */
#define DRILL_PRECHECK_PROBES	5	/* --probe before the drill */
#define DRILL_PROBE_MS		200

struct conf;
struct router;
struct drills;

enum drill_outcome {
	DRILL_RUNNING,
	DRILL_PASSED,
	DRILL_FAILED,
	DRILL_ABORTED,
};

struct drill_step {
	uint64_t	time_unix_ms;
	uint64_t	elapsed_ms;	/* since the drill started */
	char		name[96];	/* "take vti0 out of service" */
	bool		ok;
	char		text[320];
};

struct drill {
	uint32_t		id;
	uint64_t		started_unix_ms;
	uint64_t		duration_ms;
	char			from[IF_NAMESIZE];
	char			to[IF_NAMESIZE];
	char			probe[INET6_ADDRSTRLEN];	/* "" if
								   none */
	uint32_t		hold_s;
	enum drill_outcome	outcome;
	char			summary[256];
	uint64_t		failover_us;	/* shutdown -> confirmed */
	uint64_t		failback_us;	/* enable -> confirmed */
	uint32_t		probes_sent;
	uint32_t		probes_lost;
	uid_t			uid;
	struct drill_step	steps[DRILL_MAX_STEPS];
	size_t			n_steps;
};

/* What the operator asked for. */
struct drill_request {
	const char	*from;		/* interface; NULL or "": the best */
	const char	*probe;		/* IPv4 address; NULL or "": none */
	uint32_t	 hold_s;	/* 0: DRILL_DEFAULT_HOLD_S */
	uid_t		 uid;
	const struct conf *conf;	/* networks: where to ping from */
};

/*
 * Hears each step as it ends (step not NULL), then the end of the drill
 * (step NULL).
 */
typedef void	(*drill_fn)(const struct drill *, const struct drill_step *,
		    void *arg);

struct drills	*drills_new(struct ev_loop *, struct router *);
/* At exit (the sessions are stopped): a drill running just stops. */
void		 drills_free(struct drills *);

/*
 * Start a drill.  -1 with a reason in why when it cannot start at all
 * (one is running, no such interface, a bad address); a drill whose
 * preflight fails does start, and ends FAILED with the reason.
 */
int		 drills_start(struct drills *, const struct drill_request *,
		    drill_fn, void *arg, char *why, size_t len);
/*
 * The client went (or asked to stop): no more calls to its drill_fn;
 * what was taken out of service is put back at once, and the drill ends
 * ABORTED with reason.
 */
void		 drills_abort(struct drills *, const char *reason);
bool		 drills_running(const struct drills *);

/* Past drills, oldest first (and the one running, last). */
size_t		 drills_count(const struct drills *);
const struct drill *drills_at(const struct drills *, size_t i);

const char	*drill_outcome_name(enum drill_outcome);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * log.h: the one logging API of vtibgpd.
 *
 * Messages go to syslog (facility daemon) or, in the foreground, to stderr
 * with a timestamp.  log_warn() appends strerror(errno); the *x variants do
 * not.  Problems caused by a peer or a client use log_peer_*() so that they
 * can be told apart from local ones; log_ratelimit() throttles messages that
 * a remote party can trigger at will.
 */
#ifndef VTB_LOG_H
#define VTB_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#define VTB_PRINTF(f, a)	__attribute__((format(printf, f, a)))

/* Log to stderr when foreground is true, else to syslog as ident. */
void	log_init(const char *ident, bool foreground, bool verbose);
/* Switch verbose (debug) output on or off. */
void	log_set_verbose(bool verbose);

void	log_info(const char *, ...) VTB_PRINTF(1, 2);
void	log_debug(const char *, ...) VTB_PRINTF(1, 2);
void	log_warn(const char *, ...) VTB_PRINTF(1, 2);
void	log_warnx(const char *, ...) VTB_PRINTF(1, 2);
void	log_peer_warnx(const char *peer, const char *, ...) VTB_PRINTF(2, 3);
void	log_peer_info(const char *peer, const char *, ...) VTB_PRINTF(2, 3);
/* Broken internal invariant: log and abort.  Never for remote input. */
void	fatal(const char *, ...) VTB_PRINTF(1, 2) __attribute__((noreturn));
void	fatalx(const char *, ...) VTB_PRINTF(1, 2) __attribute__((noreturn));

/*
 * Rate limiter for messages a remote party can trigger: allows burst
 * messages, then one per interval_ms; counts what it suppressed.
 */
struct log_ratelimit {
	uint32_t	interval_ms;
	uint32_t	burst;
	uint32_t	tokens;
	uint64_t	last_ms;
	uint64_t	suppressed;
};
#define LOG_RATELIMIT_INIT(ms, b)	{ (ms), (b), (b), 0, 0 }

/*
 * Returns true when a message may be logged now.  When messages were
 * suppressed since the last one allowed, *suppressed gets their number.
 */
bool	log_ratelimit(struct log_ratelimit *, uint64_t now_ms,
	    uint64_t *suppressed);

#endif

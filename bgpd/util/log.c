/* SPDX-License-Identifier: ISC */
/*
 * log.c: logging to syslog or stderr, and a rate limiter for messages that
 * peers or clients can provoke.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "bgpd/util/log.h"
#include "bgpd/util/utf8.h"

static bool	log_foreground = true;
static bool	log_verbose;

void
log_init(const char *ident, bool foreground, bool verbose)
{
	log_foreground = foreground;
	log_verbose = verbose;
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	tzset();
}

void
log_set_verbose(bool verbose)
{
	log_verbose = verbose;
}

static void
log_stderr(int pri, const char *msg)
{
	static const char *const names[] = {
		[LOG_ERR] = "error", [LOG_WARNING] = "warning",
		[LOG_INFO] = "info", [LOG_DEBUG] = "debug",
	};
	struct timespec	ts;
	struct tm	tm;
	char		stamp[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld %s: %s\n", stamp, ts.tv_nsec / 1000000L,
	    names[pri] ? names[pri] : "log", msg);
	fflush(stderr);
}

/*
 * Every line is one line of printable UTF-8: whatever a peer or a client
 * managed to get into a message is written as \xHH here (the last line of
 * defence: their text is checked or escaped before it gets this far).
 */
static void
log_vemit(int pri, const char *prefix, const char *fmt, va_list ap,
    int errnum)
{
	char	msg[1024], out[1024];
	size_t	len = 0;
	int	n;

	if (pri == LOG_DEBUG && !log_verbose)
		return;
	msg[0] = '\0';
	if (prefix != NULL) {
		n = snprintf(msg, sizeof(msg), "neighbor %s: ", prefix);
		len = n > 0 && (size_t)n < sizeof(msg) ? (size_t)n : 0;
	}
	n = vsnprintf(msg + len, sizeof(msg) - len, fmt, ap);
	if (n > 0)
		len += (size_t)n < sizeof(msg) - len ? (size_t)n :
		    sizeof(msg) - len - 1;
	if (errnum != 0)
		snprintf(msg + len, sizeof(msg) - len, ": %s",
		    strerror(errnum));
	utf8_escape((const uint8_t *)msg, strlen(msg), out, sizeof(out));
	if (log_foreground)
		log_stderr(pri, out);
	else
		syslog(pri, "%s", out);
}

#define LOG_BODY(pri, prefix, errnum) do {				\
	va_list ap;							\
	va_start(ap, fmt);						\
	log_vemit(pri, prefix, fmt, ap, errnum);			\
	va_end(ap);							\
} while (0)

void
log_info(const char *fmt, ...)
{
	LOG_BODY(LOG_INFO, NULL, 0);
}

void
log_debug(const char *fmt, ...)
{
	LOG_BODY(LOG_DEBUG, NULL, 0);
}

void
log_warn(const char *fmt, ...)
{
	int	saved = errno;

	LOG_BODY(LOG_WARNING, NULL, saved);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_WARNING, NULL, 0);
}

void
log_peer_warnx(const char *peer, const char *fmt, ...)
{
	LOG_BODY(LOG_WARNING, peer, 0);
}

void
log_peer_info(const char *peer, const char *fmt, ...)
{
	LOG_BODY(LOG_INFO, peer, 0);
}

void
fatal(const char *fmt, ...)
{
	int	saved = errno;

	LOG_BODY(LOG_ERR, NULL, saved);
	abort();
}

void
fatalx(const char *fmt, ...)
{
	LOG_BODY(LOG_ERR, NULL, 0);
	abort();
}

bool
log_ratelimit(struct log_ratelimit *rl, uint64_t now_ms,
    uint64_t *suppressed)
{
	uint64_t	elapsed, refill;

	if (suppressed != NULL)
		*suppressed = 0;
	if (rl->last_ms == 0)
		rl->last_ms = now_ms;
	elapsed = now_ms >= rl->last_ms ? now_ms - rl->last_ms : 0;
	if (rl->interval_ms > 0 && elapsed >= rl->interval_ms) {
		refill = elapsed / rl->interval_ms;
		rl->tokens = refill >= rl->burst ? rl->burst :
		    rl->tokens + (uint32_t)refill;
		if (rl->tokens > rl->burst)
			rl->tokens = rl->burst;
		rl->last_ms = now_ms;
	}
	if (rl->tokens == 0) {
		rl->suppressed++;
		return false;
	}
	rl->tokens--;
	if (suppressed != NULL)
		*suppressed = rl->suppressed;
	rl->suppressed = 0;
	return true;
}

/* SPDX-License-Identifier: ISC */
/*
 * sdnotify.c: the systemd notify protocol without libsystemd.  A message
 * is rare (start, reload, stop), so each one opens a datagram socket,
 * sends without waiting and closes it: nothing stays open across a
 * fork or an exec, and a service manager that went away costs nothing.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "bgpd/sdnotify.h"

static bool	sdnotify_warned;

/* Log the first problem only: the daemon works the same without systemd. */
static void
warn_once(const char *what, int errnum)
{
	if (sdnotify_warned)
		return;
	sdnotify_warned = true;
	if (errnum != 0) {
		errno = errnum;
		log_warn("sd_notify: %s", what);
	} else
		log_warnx("sd_notify: %s", what);
}

/*
 * Fill *sun from $NOTIFY_SOCKET: "/path" or "@abstract".  Returns the
 * address length, 0 when the variable is unset or empty, -1 when it
 * cannot be used.
 */
static int
notify_addr(struct sockaddr_un *sun)
{
	const char	*e = getenv("NOTIFY_SOCKET");
	size_t		 len;

	if (e == NULL || *e == '\0')
		return 0;
	len = strlen(e);
	if ((e[0] != '/' && e[0] != '@') || len < 2 ||
	    len >= sizeof(sun->sun_path))
		return -1;
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	memcpy(sun->sun_path, e, len);
	if (e[0] == '@')
		sun->sun_path[0] = '\0';	/* abstract: no trailing NUL */
	else
		len++;
	return (int)(offsetof(struct sockaddr_un, sun_path) + len);
}

void
sdnotify(const char *fmt, ...)
{
	struct sockaddr_un	 sun;
	char			 msg[2048];
	va_list			 ap;
	int			 alen, fd, n;

	if ((alen = notify_addr(&sun)) == 0)
		return;
	if (alen == -1) {
		warn_once("NOTIFY_SOCKET is not a path or an @name", 0);
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(msg))
		n = (int)sizeof(msg) - 1;	/* a long STATUS is cut */
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		warn_once("socket", errno);
		return;
	}
	if (sendto(fd, msg, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, (socklen_t)alen) == -1)
		warn_once(getenv("NOTIFY_SOCKET"), errno);
	close(fd);
}

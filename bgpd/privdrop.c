/* SPDX-License-Identifier: ISC */
/*
 * privdrop.c: after start, run as an unprivileged user with only the
 * capabilities the daemon needs: CAP_NET_ADMIN (routes, nexthops),
 * CAP_NET_RAW (raw ICMP probes, SO_BINDTODEVICE) and CAP_NET_BIND_SERVICE
 * (the BGP port, if the listener must be opened again).  Everything
 * else, the bounding set included, is dropped, and no exec can gain any.
 * No libcap: prctl() and the capset system call.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bgpd/privdrop.h"
#include "bgpd/util/log.h"

#define KEEP	((1U << CAP_NET_ADMIN) | (1U << CAP_NET_RAW) | \
		 (1U << CAP_NET_BIND_SERVICE))

static int
fail(char *why, size_t len, const char *what)
{
	snprintf(why, len, "%s: %s", what, strerror(errno));
	return -1;
}

int
priv_lookup(const char *user, uid_t *uid, gid_t *gid, char *why, size_t len)
{
	struct passwd	*pw;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(why, len, "user %s: %s", user, errno != 0 ?
		    strerror(errno) : "no such user");
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(why, len, "user %s is root: nothing to drop", user);
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

int
priv_drop(const char *user, char *why, size_t len)
{
	struct __user_cap_header_struct	hdr;
	struct __user_cap_data_struct	data[2];
	uid_t				uid;
	gid_t				gid;
	unsigned			cap;

	if (priv_lookup(user, &uid, &gid, why, len) == -1)
		return -1;
	for (cap = 0; cap <= CAP_LAST_CAP; cap++) {
		if (cap < 32 && (KEEP & (1U << cap)))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == -1 &&
		    errno != EINVAL)
			return fail(why, len, "PR_CAPBSET_DROP");
	}
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1)
		return fail(why, len, "PR_SET_KEEPCAPS");
	if (setgroups(1, &gid) == -1)
		return fail(why, len, "setgroups");
	if (setresgid(gid, gid, gid) == -1)
		return fail(why, len, "setresgid");
	if (setresuid(uid, uid, uid) == -1)
		return fail(why, len, "setresuid");
	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	data[0].effective = data[0].permitted = KEEP;
	if (syscall(SYS_capset, &hdr, data) == -1)
		return fail(why, len, "capset");
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) == -1 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return fail(why, len, "prctl");
	/* no way back */
	if (setuid(0) != -1 || seteuid(0) != -1)
		return fail(why, len, "root could be regained");
	log_info("running as %s (uid %u, gid %u) with CAP_NET_ADMIN, "
	    "CAP_NET_RAW and CAP_NET_BIND_SERVICE only", user, (unsigned)uid,
	    (unsigned)gid);
	return 0;
}

/* SPDX-License-Identifier: ISC */
/*
 * conf_trust.c: whether the config file may be trusted, as sshd's
 * StrictModes decides for its files.  The file must be owned by root, by
 * the user the daemon runs as, or by the configured `user`, and not be
 * writable by group or others; so must its directory; every directory
 * above it must be owned likewise and be writable by nobody else unless
 * it is sticky (/tmp: no one may rename what they do not own there).
 * Otherwise someone else could change the file, or swap in their own
 * with mv, and the daemon would run their routing as root.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bgpd/conf/conf_impl.h"

static bool
trusted_owner(uid_t uid, const char *user)
{
	struct passwd	*pw;

	if (uid == 0 || uid == geteuid())
		return true;
	return user != NULL && (pw = getpwnam(user)) != NULL &&
	    pw->pw_uid == uid;
}

/* "uid 1000 (alice)" or "uid 1000". */
static const char *
owner_name(uid_t uid, char *buf, size_t len)
{
	struct passwd	*pw = getpwuid(uid);

	if (pw != NULL)
		snprintf(buf, len, "uid %lu (%s)", (unsigned long)uid,
		    pw->pw_name);
	else
		snprintf(buf, len, "uid %lu", (unsigned long)uid);
	return buf;
}

/* One file or directory: what is wrong with it and the fix, or 0. */
static int
check_one(const char *what, const char *path, const struct stat *st,
    bool sticky_ok, const char *user, struct conf_error *err)
{
	struct conf_pos	none = { 0, 0 };
	char		who[96];

	if (!trusted_owner(st->st_uid, user))
		return conf_errorf(err, none, "%s%s%sowned by %s, not by root "
		    "or the configured user: refused, fix with chown root %s",
		    what, *what ? path : "", *what ? " is " : "",
		    owner_name(st->st_uid, who, sizeof(who)), path);
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
	    !(sticky_ok && (st->st_mode & S_ISVTX) != 0)) {
		if (*what == '\0')
			return conf_errorf(err, none, "writable by group or "
			    "others (mode %03o): refused, fix with chmod go-w",
			    (unsigned)(st->st_mode & 0777));
		return conf_errorf(err, none, "%s%s is writable by group or "
		    "others (mode %03o): refused, fix with chmod go-w %s",
		    what, path, (unsigned)(st->st_mode & 0777), path);
	}
	return 0;
}

int
conf_trust_check(const char *path, const struct stat *st, const char *user,
    struct conf_error *err)
{
	struct stat	 dst;
	char		*real, *slash;
	bool		 first = true;
	int		 rv = 0;

	if (check_one("", path, st, false, user, err) == -1)
		return -1;
	if ((real = realpath(path, NULL)) == NULL)
		return conf_errorf(err, (struct conf_pos){ 0, 0 }, "%s",
		    strerror(errno));
	/* Each directory from the file's own up to the root. */
	while (rv == 0 && (slash = strrchr(real, '/')) != NULL) {
		if (slash == real)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (stat(real, &dst) == -1)
			rv = conf_errorf(err, (struct conf_pos){ 0, 0 },
			    "directory %s: %s", real, strerror(errno));
		else
			rv = check_one("directory ", real, &dst, !first, user,
			    err);
		first = false;
		if (strcmp(real, "/") == 0)
			break;
	}
	free(real);
	return rv;
}

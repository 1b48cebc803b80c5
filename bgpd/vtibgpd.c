/* SPDX-License-Identifier: ISC */
/*
 * vtibgpd.c: main() of the daemon: command line, config check (-n),
 * going to the background, then the event loop in daemon.c.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bgpd/daemon.h"
#include "bgpd/conf/conf.h"
#include "bgpd/util/log.h"

#define DEFAULT_CONF	SYSCONFDIR "/vtibgpd.conf"
#define DEFAULT_SOCK	RUNSTATEDIR "/vtibgpd.sock"

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* The usage on f, then exit with status. */
static void __attribute__((noreturn))
usage(FILE *f, int status)
{
	fprintf(f,
	    "usage: vtibgpd [-d] [-n] [-f FILE] [-s SOCKET] [-V] [-h]\n"
	    "  -d  stay in the foreground, log to stderr\n"
	    "  -n  check the config file and exit (0 valid, 1 invalid)\n"
	    "  -f  config file (default %s)\n"
	    "  -s  control socket (default %s)\n"
	    "  -V, --version  print the version and exit\n"
	    "  -h, --help     print this help and exit\n",
	    DEFAULT_CONF, DEFAULT_SOCK);
	exit(status);
}

/* Parse path, printing what is wrong (or warned about) to stderr. */
static struct conf *
load(const char *path)
{
	struct conf_error	 err;
	struct conf		*c;
	char			 buf[1024];
	size_t			 i;

	if ((c = conf_parse_file(path, &err)) == NULL) {
		fprintf(stderr, "%s\n", conf_error_str(&err, buf,
		    sizeof(buf)));
		return NULL;
	}
	for (i = 0; i < c->n_warnings; i++)
		fprintf(stderr, "%s\n", conf_warning_str(&c->warnings[i], path,
		    buf, sizeof(buf)));
	return c;
}

int
main(int argc, char *argv[])
{
	const char	*conf_path = DEFAULT_CONF, *sock_path = DEFAULT_SOCK;
	bool		 foreground = false, check_only = false;
	struct conf	*c;
	struct daemon	*d;
	int		 ch, status;

	while ((ch = getopt_long(argc, argv, "dnf:s:Vh", long_options,
	    NULL)) != -1) {
		switch (ch) {
		case 'd':
			foreground = true;
			break;
		case 'n':
			check_only = true;
			break;
		case 'f':
			conf_path = optarg;
			break;
		case 's':
			sock_path = optarg;
			break;
		case 'V':
			printf("vtibgpd %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout, 0);
		default:
			usage(stderr, 2);
		}
	}
	if (optind != argc)
		usage(stderr, 2);

	if ((c = load(conf_path)) == NULL)
		return 1;
	if (check_only) {
		conf_free(c);
		return 0;
	}
	/* Under systemd (Type=notify) the service manager keeps us. */
	if (!foreground && getenv("NOTIFY_SOCKET") == NULL &&
	    daemon(0, 0) == -1) {
		perror("vtibgpd: daemon");
		conf_free(c);
		return 1;
	}
	log_init("vtibgpd", foreground, false);
	/* the jitter of our timers differs between daemons (RFC 4271 10) */
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	d = daemon_new(c, conf_path, sock_path);
	status = daemon_run(d);
	daemon_free(d);
	return status;
}

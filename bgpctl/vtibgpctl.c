/* SPDX-License-Identifier: ISC */
/*
 * vtibgpctl.c: main() of the command-line client.  It checks the command
 * line against the command table of vtibgpctl(8), sends the request over
 * the control socket (ctl_client.h) and prints each reply as text
 * (ctl_text.c), as JSON with -j (ctl_json.c), or, for metrics, as the
 * Prometheus text the daemon produced.  `import` needs no daemon: it turns
 * a file downloaded from AWS into a vtibgpd.conf (import_*.c).
 *
 * Exit status: 0 success, 1 the request failed (message on stderr), 2
 * usage error, 3 the daemon is not reachable.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgpctl/ctl_client.h"
#include "bgpctl/ctl_fmt.h"
#include "bgpctl/import.h"
#include "bgpd/conf/conf.h"
#include "bgpd/util/log.h"

#define DEFAULT_SOCK	RUNSTATEDIR "/vtibgpd.sock"
#define TIMEOUT_MS	30000		/* per answer */
#define DRILL_SLACK_MS	120000		/* per drill step, beyond --hold */
#define SHUTDOWN_MAX	255		/* RFC 9003 communication */
#define MAX_PAGES	100000
#define IMPORT_READ_MAX	(IMPORT_MAX_SIZE + 1)	/* enough to see it is more */

enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_UNREACHABLE = 3,
};

struct ctx {
	const char	*sock;
	bool		 json;
	bool		 stream;	/* one JSON line per reply */
	unsigned	 seq;
	struct ctl_conn	*conn;
	bool		 drill_failed;	/* a drill ended other than passed */
};

struct command {
	const char	*words[3];
	int		 min_args;
	int		 max_args;
	const char	*method;	/* for run_simple */
	int		(*run)(struct ctx *, const struct command *, int argc,
			    char *argv[]);
};

static volatile sig_atomic_t	interrupted;

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* The usage on f, then exit with status. */
static void __attribute__((noreturn))
usage_to(FILE *f, int status)
{
	fprintf(f,
	    "usage: vtibgpctl [-s SOCKET] [-j] COMMAND\n"
	    "       vtibgpctl -h | --help | -V | --version\n"
	    "commands:\n"
	    "  show summary | show neighbor [ADDR|IFACE] | "
	    "show routes [PREFIX]\n"
	    "  watch\n"
	    "  neighbor ADDR|IFACE shutdown [MESSAGE] | enable | reset | "
	    "refresh\n"
	    "  drill failover [--from IFACE] [--probe ADDR] [--hold SECONDS]\n"
	    "  show drills | metrics | reload\n"
	    "  import aws-generic|aws-vyos FILE [--network CIDR]... "
	    "[--allow CIDR]...\n"
	    "         [--interfaces IFACE1,IFACE2]\n");
	exit(status);
}

static void __attribute__((noreturn))
usage(void)
{
	usage_to(stderr, EXIT_USAGE);
}

static void __attribute__((noreturn)) VTB_PRINTF(1, 2)
usage_msg(const char *fmt, ...)
{
	va_list	ap;

	fputs("vtibgpctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	usage();
}

/* ---- talking to the daemon ---------------------------------------------- */

static void
connect_daemon(struct ctx *x)
{
	if (x->conn != NULL)
		return;
	if ((x->conn = ctl_connect(x->sock, TIMEOUT_MS)) != NULL)
		return;
	if (errno == ENAMETOOLONG) {
		fprintf(stderr, "vtibgpctl: socket path too long: %s\n",
		    x->sock);
		exit(EXIT_USAGE);
	}
	fprintf(stderr, "vtibgpctl: vtibgpd is not reachable at %s: %s\n",
	    x->sock, strerror(errno));
	exit(EXIT_UNREACHABLE);
}

/* The exit status for the outcome of a call, after saying what failed. */
static int
call_status(const struct ctx *x, const struct ctl_result *res)
{
	switch (res->status) {
	case CTL_OK:
	case CTL_STOPPED:
		return 0;
	case CTL_INTERRUPTED:
		return interrupted ? 0 : EXIT_FAILED;
	case CTL_TIMEOUT:
		fprintf(stderr, "vtibgpctl: vtibgpd is not reachable at %s: "
		    "no answer in time\n", x->sock);
		return EXIT_UNREACHABLE;
	case CTL_CLOSED:
		fprintf(stderr, "vtibgpctl: vtibgpd at %s closed the "
		    "connection\n", x->sock);
		return EXIT_FAILED;
	default:
		fprintf(stderr, "vtibgpctl: %s\n", res->message);
		return EXIT_FAILED;
	}
}

static int
print_reply(const ProtobufCMessage *m, void *arg)
{
	struct ctx	*x = arg;
	const Vtibgp__DrillProgress *dp;

	if (m->descriptor == &vtibgp__drill_progress__descriptor) {
		dp = (const Vtibgp__DrillProgress *)m;
		if (dp->result != NULL && dp->result->outcome !=
		    VTIBGP__DRILL_OUTCOME__DRILL_PASSED)
			x->drill_failed = true;
	}
	if (x->json)
		ctl_json_print(stdout, m, !x->stream);
	else
		ctl_text_print(stdout, m, x->seq);
	x->seq++;
	if (x->stream)
		fflush(stdout);
	return 0;
}

/* One request; each reply printed. */
static int
call(struct ctx *x, const char *method, const ProtobufCMessage *m,
    int timeout_ms)
{
	struct ctl_result	res;

	connect_daemon(x);
	ctl_call(x->conn, method, m, timeout_ms, print_reply, x, &res);
	return call_status(x, &res);
}

static void
on_signal(int sig)
{
	interrupted = 1;
}

/* Streams run until interrupted: SIGINT and SIGTERM end them cleanly. */
static void
catch_interrupts(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* ---- commands ----------------------------------------------------------- */

static int
run_simple(struct ctx *x, const struct command *cmd, int argc, char *argv[])
{
	Vtibgp__Empty	req;

	vtibgp__empty__init(&req);
	return call(x, cmd->method, &req.base, TIMEOUT_MS);
}

static int
run_show_neighbor(struct ctx *x, const struct command *cmd, int argc,
    char *argv[])
{
	Vtibgp__NeighborRequest	req;

	vtibgp__neighbor_request__init(&req);
	if (argc > 0)
		req.neighbor = argv[0];
	return call(x, cmd->method, &req.base, TIMEOUT_MS);
}

static int
run_watch(struct ctx *x, const struct command *cmd, int argc, char *argv[])
{
	Vtibgp__WatchRequest	req;

	vtibgp__watch_request__init(&req);
	x->stream = true;
	catch_interrupts();
	return call(x, cmd->method, &req.base, -1);
}

static const char *const neighbor_actions[][2] = {
	{ "shutdown", "NeighborShutdown" },
	{ "enable", "NeighborEnable" },
	{ "reset", "NeighborReset" },
	{ "refresh", "NeighborRefresh" },
};

static int
run_neighbor(struct ctx *x, const struct command *cmd, int argc,
    char *argv[])
{
	Vtibgp__NeighborAction	 req;
	const char		*method = NULL;
	size_t			 i;

	vtibgp__neighbor_action__init(&req);
	for (i = 0; i < sizeof(neighbor_actions) / sizeof(*neighbor_actions);
	    i++)
		if (strcmp(argv[1], neighbor_actions[i][0]) == 0)
			method = neighbor_actions[i][1];
	if (method == NULL)
		usage_msg("neighbor %s: unknown action %s", argv[0], argv[1]);
	if (argc == 3 && strcmp(argv[1], "shutdown") != 0)
		usage_msg("neighbor %s: only shutdown takes a message",
		    argv[1]);
	if (argc == 3 && strlen(argv[2]) > SHUTDOWN_MAX)
		usage_msg("shutdown message longer than %d octets",
		    SHUTDOWN_MAX);
	if (argv[0][0] == '\0')
		usage_msg("neighbor: empty address or interface");
	req.neighbor = argv[0];
	if (argc == 3)
		req.message = argv[2];
	return call(x, method, &req.base, TIMEOUT_MS);
}

/* The value of option name at argv[*i] ("--hold 30" or "--hold=30"). */
static const char *
option_value(int argc, char *argv[], int *i, const char *name)
{
	size_t	n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0')
		return NULL;
	if (*i + 1 >= argc)
		usage_msg("%s needs a value", name);
	return argv[++*i];
}

static uint32_t
parse_hold(const char *s)
{
	char		*end;
	unsigned long	 v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 ||
	    v == 0 || v > 86400)
		usage_msg("--hold: %s is not a number of seconds (1-86400)", s);
	return (uint32_t)v;
}

static void
parse_drill(Vtibgp__DrillRequest *req, int argc, char *argv[])
{
	struct in6_addr	 a;
	const char	*v;
	int		 i;

	for (i = 0; i < argc; i++) {
		if ((v = option_value(argc, argv, &i, "--from")) != NULL) {
			if (v[0] == '\0' || strlen(v) >= 16)
				usage_msg("--from: bad interface name '%s'",
				    v);
			req->from_interface = (char *)(uintptr_t)v;
		} else if ((v = option_value(argc, argv, &i, "--probe")) !=
		    NULL) {
			if (inet_pton(AF_INET, v, &a) != 1 &&
			    inet_pton(AF_INET6, v, &a) != 1)
				usage_msg("--probe: %s is not an IPv4 or "
				    "IPv6 address", v);
			req->probe = (char *)(uintptr_t)v;
		} else if ((v = option_value(argc, argv, &i, "--hold")) !=
		    NULL)
			req->hold_s = parse_hold(v);
		else
			usage_msg("drill failover: unknown argument %s",
			    argv[i]);
	}
}

static int
run_drill(struct ctx *x, const struct command *cmd, int argc, char *argv[])
{
	Vtibgp__DrillRequest	req;
	int			timeout, rc;

	vtibgp__drill_request__init(&req);
	parse_drill(&req, argc, argv);
	timeout = (int)(req.hold_s ? req.hold_s : 300) * 1000 + DRILL_SLACK_MS;
	x->stream = true;
	catch_interrupts();
	rc = call(x, cmd->method, &req.base, timeout);
	if (interrupted) {
		/* closing the connection made the daemon abort the drill */
		fprintf(stderr, "vtibgpctl: drill interrupted: vtibgpd puts "
		    "the tunnel back in service (see show drills)\n");
		return EXIT_FAILED;
	}
	if (rc == 0 && x->drill_failed)
		return EXIT_FAILED;
	return rc;
}

/* "a.b.c.d", "a.b.c.d/len", "x:x::x" or "x:x::x/len". */
static bool
valid_prefix(const char *s)
{
	char		 addr[INET6_ADDRSTRLEN];
	const char	*slash = strchr(s, '/');
	struct in6_addr	 a;
	size_t		 n = slash ? (size_t)(slash - s) : strlen(s);
	char		*end;
	long		 len, max;

	if (n >= sizeof(addr))
		return false;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, &a) == 1)
		max = 32;
	else if (inet_pton(AF_INET6, addr, &a) == 1)
		max = 128;
	else
		return false;
	if (slash == NULL)
		return true;
	len = strtol(slash + 1, &end, 10);
	return slash[1] >= '0' && slash[1] <= '9' && *end == '\0' &&
	    len >= 0 && len <= max;
}

struct pages {
	struct ctx	*x;
	char		*next;
	uint64_t	 total;
	size_t		 printed;
};

static int
print_page(const ProtobufCMessage *m, void *arg)
{
	const Vtibgp__RoutesReply	*r = (const Vtibgp__RoutesReply *)m;
	struct pages			*pg = arg;
	size_t				 i;

	free(pg->next);
	if ((pg->next = strdup(r->next_page_token)) == NULL)
		return -1;
	pg->total = r->total;
	if (!pg->x->json) {
		ctl_text_print(stdout, m, pg->x->seq++);
		return 0;
	}
	for (i = 0; i < r->n_routes; i++, pg->printed++) {
		fputs(pg->printed ? ",\n    " : "\n    ", stdout);
		ctl_json_write(stdout, &r->routes[i]->base, true, 2);
	}
	return 0;
}

/* All pages of routes; JSON: one object {"routes": [...], "total": N}. */
static int
run_show_routes(struct ctx *x, const struct command *cmd, int argc,
    char *argv[])
{
	Vtibgp__RoutesRequest	 req;
	struct pages		 pg = { x, NULL, 0, 0 };
	struct ctl_result	 res;
	char			*token = NULL;
	int			 n, rc = 0;

	vtibgp__routes_request__init(&req);
	if (argc > 0 && !valid_prefix(argv[0]))
		usage_msg("show routes: %s is not a prefix or an address",
		    argv[0]);
	req.prefix = argc > 0 ? argv[0] : (char *)(uintptr_t)"";
	connect_daemon(x);
	if (x->json)
		fputs("{\n  \"routes\": [", stdout);
	for (n = 0; n < MAX_PAGES; n++) {
		req.page_token = token ? token : (char *)(uintptr_t)"";
		if (ctl_call(x->conn, cmd->method, &req.base, TIMEOUT_MS,
		    print_page, &pg, &res) == -1) {
			rc = call_status(x, &res);
			break;
		}
		if (pg.next[0] == '\0' || (token && !strcmp(token, pg.next)))
			break;
		free(token);
		token = pg.next;
		pg.next = NULL;
	}
	if (x->json && rc == 0)
		printf("%s],\n  \"total\": %llu\n}\n", pg.printed ? "\n  " :
		    "", (unsigned long long)pg.total);
	free(token);
	free(pg.next);
	return rc;
}

/* Up to IMPORT_READ_MAX bytes of path ("-": stdin) into *text. */
static int
read_input(const char *path, char **text, size_t *len)
{
	FILE	*f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	int	 saved;

	if (f == NULL)
		return -1;
	if ((*text = malloc(IMPORT_READ_MAX)) == NULL) {
		fprintf(stderr, "vtibgpctl: out of memory\n");
		exit(EXIT_FAILED);
	}
	*len = fread(*text, 1, IMPORT_READ_MAX, f);
	saved = errno;
	if (ferror(f)) {
		if (f != stdin)
			fclose(f);
		errno = saved;
		return -1;
	}
	if (f != stdin)
		fclose(f);
	return 0;
}

/* A --network or --allow value: a prefix, or a usage error. */
static const char *
import_prefix(const char *opt, const char *v)
{
	struct conf_prefix	pfx;
	char			why[256];

	if (conf_read_prefix(v, &pfx, why, sizeof(why)) == -1)
		usage_msg("import: %s: %s", opt, why);
	return v;
}

/* --interfaces vti2,vti3: tunnel 1's and tunnel 2's interfaces, two
 * distinct names that fit an interface's. */
static void
import_ifnames(const char *v, struct import_opts *o)
{
	static char	buf[2 * IF_NAMESIZE];
	const char	*comma = strchr(v, ',');
	size_t		 n1 = comma != NULL ? (size_t)(comma - v) : 0;

	if (comma == NULL || strchr(comma + 1, ',') != NULL || n1 == 0 ||
	    comma[1] == '\0' || n1 >= IF_NAMESIZE ||
	    strlen(comma + 1) >= IF_NAMESIZE)
		usage_msg("import: --interfaces %s: two interface names of "
		    "at most %d characters, tunnel 1's and tunnel 2's, such "
		    "as vti2,vti3", v, IF_NAMESIZE - 1);
	memcpy(buf, v, n1);
	buf[n1] = '\0';
	snprintf(buf + IF_NAMESIZE, IF_NAMESIZE, "%s", comma + 1);
	if (strcmp(buf, buf + IF_NAMESIZE) == 0)
		usage_msg("import: --interfaces %s: tunnel 1 and tunnel 2 on "
		    "one interface", v);
	o->ifnames[0] = buf;
	o->ifnames[1] = buf + IF_NAMESIZE;
}

/* FORMAT FILE [--network CIDR]... [--allow CIDR]... [--interfaces A,B],
 * in any order. */
static const char *
parse_import(int argc, char *argv[], struct import_opts *o)
{
	const char	*file = NULL, *v;
	int		 i;

	if ((o->networks = calloc((size_t)argc, sizeof(char *))) == NULL ||
	    (o->allow = calloc((size_t)argc, sizeof(char *))) == NULL) {
		fprintf(stderr, "vtibgpctl: out of memory\n");
		exit(EXIT_FAILED);
	}
	for (i = 1; i < argc; i++) {
		if ((v = option_value(argc, argv, &i, "--network")) != NULL)
			o->networks[o->n_networks++] =
			    import_prefix("--network", v);
		else if ((v = option_value(argc, argv, &i, "--allow")) != NULL)
			o->allow[o->n_allow++] = import_prefix("--allow", v);
		else if ((v = option_value(argc, argv, &i,
		    "--interfaces")) != NULL)
			import_ifnames(v, o);
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			usage_msg("import: unknown option %s", argv[i]);
		else if (file != NULL)
			usage_msg("import: more than one file (%s, %s)", file,
			    argv[i]);
		else
			file = argv[i];
	}
	if (file == NULL)
		usage_msg("import: no file");
	return file;
}

/* "FILE:LINE:COL: [warning: ]message", or "FILE: ..." where nowhere. */
static void
import_diag(const char *name, const struct import_error *e, const char *kind)
{
	if (e->line > 0)
		fprintf(stderr, "%s:%d:%d: %s%s\n", name, e->line, e->col,
		    kind, e->msg);
	else
		fprintf(stderr, "%s: %s%s\n", name, kind, e->msg);
}

static int
run_import(struct ctx *x, const struct command *cmd, int argc, char *argv[])
{
	struct import_opts	 o = { NULL, 0, NULL, 0, { NULL, NULL } };
	struct import_error	 err;
	struct import_warnings	 warn;
	enum import_format	 fmt;
	const char		*file, *name;
	char			*text = NULL;
	size_t			 len, i;
	int			 rc = EXIT_FAILED;

	if (strcmp(argv[0], "aws-generic") == 0)
		fmt = IMPORT_AWS_GENERIC;
	else if (strcmp(argv[0], "aws-vyos") == 0)
		fmt = IMPORT_AWS_VYOS;
	else
		usage_msg("import: unknown format %s", argv[0]);
	file = parse_import(argc, argv, &o);
	name = strcmp(file, "-") == 0 ? "stdin" : file;
	if (read_input(file, &text, &len) == -1)
		fprintf(stderr, "%s: %s\n", name, strerror(errno));
	else if (import_aws(fmt, text, len, &o, stdout, &err, &warn) == -1)
		import_diag(name, &err, "");
	else {
		for (i = 0; i < warn.n; i++)
			import_diag(name, &warn.w[i], "warning: ");
		if (o.n_networks == 0)
			fprintf(stderr, "vtibgpctl: import: warning: no "
			    "--network: nothing is announced to AWS\n");
		if (o.n_allow == 0)
			fprintf(stderr, "vtibgpctl: import: warning: no "
			    "--allow: no route from AWS is installed\n");
		rc = 0;
	}
	free(text);
	free(o.networks);
	free(o.allow);
	return rc;
}

static const struct command commands[] = {
	{ { "show", "summary" }, 0, 0, "ShowSummary", run_simple },
	{ { "show", "neighbor" }, 0, 1, "ShowNeighbor", run_show_neighbor },
	{ { "show", "routes" }, 0, 1, "ShowRoutes", run_show_routes },
	{ { "show", "drills" }, 0, 0, "ShowDrills", run_simple },
	{ { "watch" }, 0, 0, "Watch", run_watch },
	{ { "neighbor" }, 2, 3, NULL, run_neighbor },
	{ { "drill", "failover" }, 0, 6, "DrillFailover", run_drill },
	{ { "metrics" }, 0, 0, "Metrics", run_simple },
	{ { "reload" }, 0, 0, "Reload", run_simple },
	{ { "import" }, 2, INT_MAX, NULL, run_import },
};

static const struct command *
match(int argc, char *argv[], int *nwords)
{
	size_t	i;
	int	n, args;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		for (n = 0; n < 3 && commands[i].words[n] != NULL; n++)
			if (n >= argc || strcmp(argv[n], commands[i].words[n]))
				break;
		if (n == 3 || commands[i].words[n] != NULL)
			continue;
		args = argc - n;
		if (args < commands[i].min_args || args > commands[i].max_args)
			return NULL;
		*nwords = n;
		return &commands[i];
	}
	return NULL;
}

int
main(int argc, char *argv[])
{
	struct ctx		 x = { DEFAULT_SOCK, false, false, 0, NULL, false };
	const struct command	*cmd;
	int			 ch, nwords, rc;

	while ((ch = getopt_long(argc, argv, "+s:jhV", long_options,
	    NULL)) != -1) {
		switch (ch) {
		case 's':
			x.sock = optarg;
			break;
		case 'j':
			x.json = true;
			break;
		case 'h':
			usage_to(stdout, EXIT_OK);
		case 'V':
			printf("vtibgpctl %s\n", PACKAGE_VERSION);
			return EXIT_OK;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0 || (cmd = match(argc, argv, &nwords)) == NULL)
		usage();
	rc = cmd->run(&x, cmd, argc - nwords, argv + nwords);
	ctl_conn_close(x.conn);
	if (fflush(stdout) == EOF && rc == 0) {
		fprintf(stderr, "vtibgpctl: stdout: %s\n", strerror(errno));
		rc = EXIT_FAILED;
	}
	return rc;
}

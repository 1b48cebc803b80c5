/* SPDX-License-Identifier: ISC */
/*
 * test_ctl.c: the control socket (bgpd/control/ctl.h, bgpctl/ctl_client.h,
 * bgpctl/ctl_fmt.h).
 * Each test starts a ctl_server on a fresh socket in a private libev loop
 * with the handler table below, and drives it with raw sockets from this
 * process (the loop runs while a test waits for an answer), with
 * children that use the client library under other credentials, or with
 * the vtibgpctl binary itself.  Every wait is bounded (WAIT_MS).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "bgpctl/ctl_client.h"
#include "bgpctl/ctl_fmt.h"
#include "bgpd/control/ctl.h"
#include "bgpd/control/ctl_impl.h"

#define WAIT_MS		10000	/* the longest any step may take */
#define NOBODY		65534
#define BIG_PATH	1000	/* AS_PATH text of a big route */
#define PAGE		2	/* routes per page, and all routes: */
#define NROUTES		5

#define M(name)		((uint32_t)ctl_method_index(name))

struct fx {
	struct ev_loop		*loop;
	struct ctl_server	*srv;
	ev_timer		 tick;
	char			 dir[64];
	char			 path[128];
	int			 cancelled;
	int			 watches;	/* open Watch requests */
};

static struct fx	fx;

/* ---- handlers ------------------------------------------------------------ */

static int
h_summary(struct ctl_request *req, const ProtobufCMessage *in, void *arg)
{
	Vtibgp__SummaryReply	r;
	Vtibgp__NeighborSummary	n[2], *np[2] = { &n[0], &n[1] };

	vtibgp__summary_reply__init(&r);
	vtibgp__neighbor_summary__init(&n[0]);
	vtibgp__neighbor_summary__init(&n[1]);
	r.router_id = (char *)(uintptr_t)"172.100.0.200";
	r.local_as = 65000;
	r.version = (char *)(uintptr_t)"0.1.0";
	r.n_neighbors = 2;
	r.neighbors = np;
	n[0].address = (char *)(uintptr_t)"169.254.249.57";
	n[0].interface = (char *)(uintptr_t)"vti0";
	n[0].remote_as = 64512;
	n[0].state = VTIBGP__SESSION_STATE__ESTABLISHED;
	n[0].uptime_ms = 3723000;
	n[0].received = n[0].accepted = n[0].best = n[0].installed = 1;
	n[0].link_up = true;
	n[1].address = (char *)(uintptr_t)"169.254.249.61";
	n[1].interface = (char *)(uintptr_t)"vti1";
	n[1].remote_as = 64512;
	n[1].admin_down = true;
	return ctl_reply(req, &r.base);
}

static int
h_neighbor(struct ctl_request *req, const ProtobufCMessage *in, void *arg)
{
	const Vtibgp__NeighborRequest	*q = (const void *)in;
	Vtibgp__NeighborReply		 r;
	Vtibgp__Neighbor		 n, *np = &n;

	if (strcmp(q->neighbor, "nope") == 0)
		return ctl_error(req, VTIBGP__ERROR_CODE__ERROR_NOT_FOUND,
		    "no neighbor %s", q->neighbor);
	vtibgp__neighbor_reply__init(&r);
	vtibgp__neighbor__init(&n);
	n.address = q->neighbor;
	r.n_neighbors = 1;
	r.neighbors = &np;
	return ctl_reply(req, &r.base);
}

/* Pages of NROUTES small routes, or (limit > PAGE) limit big ones. */
static int
h_routes(struct ctl_request *req, const ProtobufCMessage *in, void *arg)
{
	const Vtibgp__RoutesRequest	*q = (const Vtibgp__RoutesRequest *)in;
	Vtibgp__RoutesReply		 r;
	Vtibgp__Route			*rt, **rtp;
	Vtibgp__Path			 path, *pp = &path;
	char				 next[16];
	char				*aspath, (*pfx)[32];
	unsigned			 i, start, n;
	int				 rc;

	start = (unsigned)atoi(q->page_token);
	n = q->limit > PAGE ? q->limit : PAGE;
	if (q->limit <= PAGE && start + n > NROUTES)
		n = NROUTES - start;
	rt = calloc(n, sizeof(*rt));
	rtp = calloc(n, sizeof(*rtp));
	pfx = calloc(n, sizeof(*pfx));
	aspath = malloc(BIG_PATH + 1);
	assert_non_null(pfx);
	assert_non_null(rt);
	assert_non_null(rtp);
	assert_non_null(aspath);
	memset(aspath, '7', BIG_PATH);
	aspath[BIG_PATH] = '\0';
	vtibgp__path__init(&path);
	path.interface = (char *)(uintptr_t)"vti0";
	path.as_path = q->limit > PAGE ? aspath : (char *)(uintptr_t)"64512";
	path.best = path.accepted = true;
	for (i = 0; i < n; i++) {
		vtibgp__route__init(&rt[i]);
		snprintf(pfx[i], sizeof(pfx[i]), "10.%u.0.0/16", start + i);
		rt[i].prefix = pfx[i];
		rt[i].n_paths = 1;
		rt[i].paths = &pp;
		rtp[i] = &rt[i];
	}
	vtibgp__routes_reply__init(&r);
	r.routes = rtp;
	r.n_routes = n;
	r.total = NROUTES;
	snprintf(next, sizeof(next), "%u", start + n);
	r.next_page_token = q->limit <= PAGE && start + n < NROUTES ? next :
	    (char *)(uintptr_t)"";
	rc = ctl_reply(req, &r.base);
	free(aspath);
	free(pfx);
	free(rtp);
	free(rt);
	return rc;
}

/* A Watch: three events a millisecond apart, then the end; "forever"
 * never ends. */
struct watch {
	struct ctl_request	*req;
	ev_timer		 timer;
	int			 sent;
	bool			 forever;
};

static void
watch_free(struct watch *w)
{
	ev_timer_stop(fx.loop, &w->timer);
	fx.watches--;
	free(w);
}

static void
watch_cancel(struct ctl_request *req, void *arg)
{
	fx.cancelled++;
	watch_free(arg);
}

static void
on_watch_tick(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct watch	*w = t->data;
	Vtibgp__Event	 e;
	char		 text[32];

	if (!w->forever && w->sent == 3) {
		ctl_end(w->req);
		watch_free(w);
		return;
	}
	vtibgp__event__init(&e);
	e.kind = VTIBGP__EVENT_KIND__EVENT_STATE;
	e.time_unix_ms = 1764151200000ULL + (uint64_t)w->sent;
	snprintf(text, sizeof(text), "event %d", w->sent++);
	e.text = text;
	ctl_stream(w->req, &e.base);
}

static int
h_watch(struct ctl_request *req, const ProtobufCMessage *in, void *arg)
{
	const Vtibgp__WatchRequest	*q = (const Vtibgp__WatchRequest *)in;
	struct watch			*w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return -1;
	w->req = req;
	w->forever = strcmp(q->neighbor, "forever") == 0;
	ev_timer_init(&w->timer, on_watch_tick, 0.001, 0.001);
	w->timer.data = w;
	ev_timer_start(fx.loop, &w->timer);
	fx.watches++;
	ctl_set_cancel(req, watch_cancel, w);
	return 0;
}

/* A drill streamed from inside its handler: two steps and a result. */
static int
h_drill(struct ctl_request *req, const ProtobufCMessage *in, void *arg)
{
	const Vtibgp__DrillRequest	*q = (const Vtibgp__DrillRequest *)in;
	Vtibgp__DrillProgress		 p;
	Vtibgp__DrillStep		 s;
	Vtibgp__Drill			 d;

	vtibgp__drill_progress__init(&p);
	vtibgp__drill_step__init(&s);
	vtibgp__drill__init(&d);
	p.drill_id = 1;
	p.step = &s;
	s.ok = true;
	s.step = (char *)(uintptr_t)"take the tunnel out of service";
	ctl_stream(req, &p.base);
	s.elapsed_ms = 1500;
	s.step = (char *)(uintptr_t)"bring the tunnel back";
	ctl_stream(req, &p.base);
	p.step = NULL;
	p.result = &d;
	d.id = 1;
	d.from_interface = q->from_interface;
	d.outcome = VTIBGP__DRILL_OUTCOME__DRILL_PASSED;
	d.summary = (char *)(uintptr_t)"traffic moved";
	ctl_stream(req, &p.base);
	return ctl_end(req);
}

static int
h_reset(struct ctl_request *req, const ProtobufCMessage *in, void *arg)
{
	const Vtibgp__NeighborAction	*q = (const Vtibgp__NeighborAction *)in;
	Vtibgp__ActionReply		 r;
	char				 msg[64];

	vtibgp__action_reply__init(&r);
	snprintf(msg, sizeof(msg), "reset %s", q->neighbor);
	r.message = msg;
	return ctl_reply(req, &r.base);
}

static int
h_fails(struct ctl_request *req, const ProtobufCMessage *in, void *arg)
{
	return -1;
}

static int
h_reload(struct ctl_request *req, const ProtobufCMessage *in, void *arg)
{
	return ctl_error(req, VTIBGP__ERROR_CODE__ERROR_FAILED,
	    "/etc/vtibgpd.conf:3:1: unknown keyword 'bogus'");
}

static int
h_metrics(struct ctl_request *req, const ProtobufCMessage *in, void *arg)
{
	Vtibgp__MetricsReply	r;

	vtibgp__metrics_reply__init(&r);
	r.text = (char *)(uintptr_t)"# TYPE vtibgp_up gauge\nvtibgp_up 1\n";
	return ctl_reply(req, &r.base);
}

/* A request that takes 3 ms of CPU (a big page of routes); the loop
 * iteration of each call is recorded. */
static unsigned	slow_iters[64];
static size_t	n_slow;

static int
h_slow(struct ctl_request *req, const ProtobufCMessage *in, void *arg)
{
	Vtibgp__ActionReply	r;
	int64_t			end;
	struct timespec		ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	end = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 + 3000;
	do
		clock_gettime(CLOCK_MONOTONIC, &ts);
	while ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 < end);
	if (n_slow < sizeof(slow_iters) / sizeof(slow_iters[0]))
		slow_iters[n_slow++] = ev_iteration(fx.loop);
	vtibgp__action_reply__init(&r);
	return ctl_reply(req, &r.base);
}

static const struct ctl_handler handlers[] = {
	{ "NeighborRefresh", h_slow, true },
	{ "ShowSummary", h_summary, false },
	{ "ShowNeighbor", h_neighbor, false },
	{ "ShowRoutes", h_routes, false },
	{ "Watch", h_watch, false },
	{ "DrillFailover", h_drill, true },
	{ "NeighborReset", h_reset, true },
	{ "NeighborShutdown", h_fails, true },
	{ "Reload", h_reload, true },
	{ "Metrics", h_metrics, false },
	{ NULL, NULL, false },
};

/* ---- the loop and raw clients -------------------------------------------- */

static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
on_tick(struct ev_loop *loop, ev_timer *w, int revents)
{
}

/* One turn of the server's loop (the tick bounds it to 2 ms). */
static void
pump(void)
{
	ev_run(fx.loop, EVRUN_ONCE);
}

#define WAIT_FOR(cond) do {						\
	int64_t	deadline_ = now_ms() + WAIT_MS;				\
	while (!(cond)) {						\
		if (now_ms() > deadline_)				\
			fail_msg("timed out waiting for %s", #cond);	\
		pump();							\
	}								\
} while (0)

static int
cli_connect_to(const char *path)
{
	struct sockaddr_un	sun;
	int64_t			deadline = now_ms() + WAIT_MS;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	assert_true(strlen(path) < sizeof(sun.sun_path));
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	/* A full backlog says EAGAIN: let the server accept, try again. */
	while (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		assert_int_equal(errno, EAGAIN);
		if (now_ms() > deadline)
			fail_msg("connect: timed out");
		pump();
	}
	return fd;
}

static int
cli_connect(void)
{
	return cli_connect_to(fx.path);
}

static void
cli_write(int fd, const void *buf, size_t n)
{
	const uint8_t	*p = buf;
	int64_t		 deadline = now_ms() + WAIT_MS;
	ssize_t		 r;

	while (n > 0) {
		r = send(fd, p, n, MSG_NOSIGNAL);
		if (r > 0) {
			p += r;
			n -= (size_t)r;
			continue;
		}
		if (r == -1 && errno != EAGAIN)
			fail_msg("send: %s", strerror(errno));
		if (now_ms() > deadline)
			fail_msg("send: timed out");
		pump();
	}
}

/* Read n octets; fewer only at EOF (or a reset, which is how a Unix
 * socket closed with unread data ends). */
static size_t
cli_read(int fd, void *buf, size_t n)
{
	uint8_t	*p = buf;
	size_t	 got = 0;
	int64_t	 deadline = now_ms() + WAIT_MS;
	ssize_t	 r;

	while (got < n) {
		r = recv(fd, p + got, n - got, 0);
		if (r > 0) {
			got += (size_t)r;
			continue;
		}
		if (r == 0 || errno == ECONNRESET)
			return got;
		if (errno != EAGAIN)
			fail_msg("recv: %s", strerror(errno));
		if (now_ms() > deadline)
			fail_msg("recv: timed out");
		pump();
	}
	return got;
}

static void
send_raw(int fd, uint32_t word, uint32_t id, const void *payload,
    uint32_t len)
{
	uint8_t	hdr[CTL_HDR_LEN];

	ctl_hdr_encode(hdr, word, id, len);
	cli_write(fd, hdr, sizeof(hdr));
	if (len > 0)
		cli_write(fd, payload, len);
}

static void
send_msg(int fd, uint32_t word, uint32_t id, const ProtobufCMessage *m)
{
	uint8_t	buf[4096];
	size_t	n;

	n = protobuf_c_message_get_packed_size(m);
	assert_true(n <= sizeof(buf));
	protobuf_c_message_pack(m, buf);
	send_raw(fd, word, id, buf, (uint32_t)n);
}

struct frame {
	uint32_t	 word;
	uint32_t	 id;
	uint32_t	 len;
	uint8_t		*payload;
};

/* The next frame (payload to free); false at EOF before a header. */
static bool
read_frame(int fd, struct frame *f)
{
	uint8_t	hdr[CTL_HDR_LEN];
	size_t	n;

	if ((n = cli_read(fd, hdr, sizeof(hdr))) == 0)
		return false;
	assert_int_equal(n, sizeof(hdr));
	ctl_hdr_decode(hdr, &f->word, &f->id, &f->len);
	assert_true(f->len <= CTL_MAX_PAYLOAD);
	f->payload = malloc(f->len + 1);
	assert_non_null(f->payload);
	assert_int_equal(cli_read(fd, f->payload, f->len), f->len);
	return true;
}

static void
expect_error(int fd, uint32_t word, uint32_t id, Vtibgp__ErrorCode code)
{
	struct frame	 f;
	Vtibgp__Error	*e;

	assert_true(read_frame(fd, &f));
	assert_int_equal(f.word, word | CTL_F_ERROR);
	assert_int_equal(f.id, id);
	e = vtibgp__error__unpack(NULL, f.len, f.payload);
	assert_non_null(e);
	assert_int_equal(e->code, code);
	assert_true(e->message[0] != '\0');
	vtibgp__error__free_unpacked(e, NULL);
	free(f.payload);
}

static void
expect_eof(int fd)
{
	uint8_t	c;

	assert_int_equal(cli_read(fd, &c, 1), 0);
}

static void
send_empty(int fd, const char *method, uint32_t id)
{
	Vtibgp__Empty	e;

	vtibgp__empty__init(&e);
	send_msg(fd, M(method), id, &e.base);
}

/* The reply to ShowSummary id, checked. */
static void
expect_summary(int fd, uint32_t id)
{
	struct frame		 f;
	Vtibgp__SummaryReply	*r;

	assert_true(read_frame(fd, &f));
	assert_int_equal(f.word, M("ShowSummary"));
	assert_int_equal(f.id, id);
	r = vtibgp__summary_reply__unpack(NULL, f.len, f.payload);
	assert_non_null(r);
	assert_string_equal(r->router_id, "172.100.0.200");
	assert_int_equal(r->local_as, 65000);
	assert_int_equal(r->n_neighbors, 2);
	assert_string_equal(r->neighbors[1]->interface, "vti1");
	assert_int_equal(r->neighbors[0]->state,
	    VTIBGP__SESSION_STATE__ESTABLISHED);
	vtibgp__summary_reply__free_unpacked(r, NULL);
	free(f.payload);
}

/* ShowSummary over fd, and check the reply. */
static void
check_summary(int fd, uint32_t id)
{
	send_empty(fd, "ShowSummary", id);
	expect_summary(fd, id);
}

/* ---- children ------------------------------------------------------------ */

/* Run fn in a child, as nobody if asked; its exit status (bounded). */
static int
run_child(int (*fn)(void *), void *arg, bool as_nobody)
{
	int64_t	deadline = now_ms() + WAIT_MS;
	pid_t	pid;
	int	st;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		alarm(WAIT_MS / 1000);
		if (as_nobody && (setgroups(0, NULL) == -1 ||
		    setgid(NOBODY) == -1 || setuid(NOBODY) == -1))
			_exit(100);
		_exit(fn(arg));
	}
	assert_true(pid > 0);
	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			fail_msg("child timed out");
		}
		pump();
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The client library in a child: 0 ok, 2 permission denied, 1 other. */
static int
child_call(void *arg)
{
	const char		*method = arg;
	struct ctl_conn		*c;
	struct ctl_result	 res;
	Vtibgp__NeighborAction	 act;
	Vtibgp__Empty		 e;

	vtibgp__neighbor_action__init(&act);
	vtibgp__empty__init(&e);
	act.neighbor = (char *)(uintptr_t)"vti0";
	if ((c = ctl_connect(fx.path, 5000)) == NULL)
		return 3;
	if (strcmp(method, "ShowSummary") == 0)
		ctl_call(c, method, &e.base, 5000, NULL, NULL, &res);
	else
		ctl_call(c, method, &act.base, 5000, NULL, NULL, &res);
	ctl_conn_close(c);
	if (res.status == CTL_OK)
		return 0;
	if (res.status == CTL_REFUSED &&
	    res.code == VTIBGP__ERROR_CODE__ERROR_PERMISSION_DENIED &&
	    strstr(res.message, "permission denied") != NULL)
		return 2;
	return 1;
}

/* ---- fixture ------------------------------------------------------------- */

static const char *const scratch[] = { "out", "err", "stale.sock", "file" };

static int
setup(void **state)
{
	struct group	*gr;

	memset(&fx, 0, sizeof(fx));
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/vtb-ctl.XXXXXX");
	assert_non_null(mkdtemp(fx.dir));
	assert_int_equal(chmod(fx.dir, 0755), 0);	/* for nobody */
	snprintf(fx.path, sizeof(fx.path), "%s/ctl.sock", fx.dir);
	fx.loop = ev_loop_new(EVFLAG_AUTO);
	assert_non_null(fx.loop);
	ev_timer_init(&fx.tick, on_tick, 0.002, 0.002);
	ev_timer_start(fx.loop, &fx.tick);
	fx.srv = ctl_server_open(fx.loop, fx.path, handlers, &fx);
	assert_non_null(fx.srv);
	/* Whoever runs the tests may change state (root anyway). */
	if ((gr = getgrgid(getegid())) != NULL)
		ctl_server_set_group(fx.srv, gr->gr_name);
	return 0;
}

static int
teardown(void **state)
{
	struct stat	st;
	char		p[256];
	size_t		i;

	ctl_server_close(fx.srv);
	assert_int_equal(fx.watches, 0);
	assert_int_equal(lstat(fx.path, &st), -1);
	ev_timer_stop(fx.loop, &fx.tick);
	ev_loop_destroy(fx.loop);
	for (i = 0; i < sizeof(scratch) / sizeof(scratch[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", fx.dir, scratch[i]);
		unlink(p);
	}
	assert_int_equal(rmdir(fx.dir), 0);
	return 0;
}

/* ---- the server ---------------------------------------------------------- */

static void
test_request_reply(void **state)
{
	struct stat	st;
	int		fd;

	assert_int_equal(lstat(fx.path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0666);
	fd = cli_connect();
	check_summary(fd, 1);
	check_summary(fd, 0xfffffffe);
	WAIT_FOR(ctl_server_clients(fx.srv) == 1);
	close(fd);
	WAIT_FOR(ctl_server_clients(fx.srv) == 0);
}

static void
test_two_clients(void **state)
{
	int	a = cli_connect(), b = cli_connect();

	send_empty(a, "ShowSummary", 7);
	check_summary(b, 8);
	expect_summary(a, 7);
	WAIT_FOR(ctl_server_clients(fx.srv) == 2);
	close(a);
	check_summary(b, 10);
	close(b);
}

static void
test_frame_too_long(void **state)
{
	uint8_t	hdr[CTL_HDR_LEN], junk[512];
	int	a = cli_connect(), b = cli_connect();

	ctl_hdr_encode(hdr, M("ShowSummary"), 5, CTL_MAX_PAYLOAD + 1);
	cli_write(a, hdr, sizeof(hdr));
	memset(junk, 0xab, sizeof(junk));
	cli_write(a, junk, sizeof(junk));
	expect_error(a, M("ShowSummary"), 5,
	    VTIBGP__ERROR_CODE__ERROR_BAD_FRAME);
	expect_eof(a);
	check_summary(b, 1);
	WAIT_FOR(ctl_server_clients(fx.srv) == 1);
	close(a);
	close(b);
}

static void
test_max_frame_accepted(void **state)
{
	uint8_t	*big = calloc(1, CTL_MAX_PAYLOAD);
	int	 fd = cli_connect();

	/* 1 MiB exactly is allowed (and decodes: all zero tags fail). */
	assert_non_null(big);
	send_raw(fd, M("ShowSummary"), 3, big, CTL_MAX_PAYLOAD);
	expect_error(fd, M("ShowSummary"), 3,
	    VTIBGP__ERROR_CODE__ERROR_BAD_REQUEST);
	check_summary(fd, 4);
	free(big);
	close(fd);
}

static void
test_flags_in_request(void **state)
{
	int	fd = cli_connect();

	send_raw(fd, M("ShowSummary") | CTL_F_END, 2, NULL, 0);
	expect_error(fd, M("ShowSummary"), 2,
	    VTIBGP__ERROR_CODE__ERROR_BAD_FRAME);
	expect_eof(fd);
	close(fd);
}

static void
test_truncated(void **state)
{
	uint8_t	hdr[CTL_HDR_LEN];
	int	a = cli_connect(), b = cli_connect(), c = cli_connect();

	ctl_hdr_encode(hdr, M("ShowNeighbor"), 1, 100);
	WAIT_FOR(ctl_server_clients(fx.srv) == 3);
	cli_write(a, hdr, 5);			/* part of a header */
	cli_write(b, hdr, sizeof(hdr));		/* a header, part of a body */
	cli_write(b, "\x0a\x02", 2);
	pump();
	close(a);
	close(b);
	WAIT_FOR(ctl_server_clients(fx.srv) == 1);
	check_summary(c, 1);
	close(c);
}

static void
test_garbage_payload(void **state)
{
	static const uint8_t	garbage[] = { 0xff, 0xff, 0xff, 0xff, 0x0f };
	int			fd = cli_connect();

	send_raw(fd, M("ShowNeighbor"), 11, garbage, sizeof(garbage));
	expect_error(fd, M("ShowNeighbor"), 11,
	    VTIBGP__ERROR_CODE__ERROR_BAD_REQUEST);
	check_summary(fd, 12);		/* the connection stays usable */
	close(fd);
}

static void
test_unknown_method(void **state)
{
	int	fd = cli_connect();

	send_raw(fd, 999, 21, NULL, 0);
	expect_error(fd, 999, 21, VTIBGP__ERROR_CODE__ERROR_UNKNOWN_METHOD);
	send_empty(fd, "ShowDrills", 22);	/* no handler */
	expect_error(fd, M("ShowDrills"), 22,
	    VTIBGP__ERROR_CODE__ERROR_NOT_IMPLEMENTED);
	check_summary(fd, 23);
	close(fd);
}

static void
test_handler_errors(void **state)
{
	Vtibgp__NeighborRequest	q;
	Vtibgp__NeighborAction	act;
	int			fd = cli_connect();

	vtibgp__neighbor_request__init(&q);
	q.neighbor = (char *)(uintptr_t)"nope";
	send_msg(fd, M("ShowNeighbor"), 1, &q.base);
	expect_error(fd, M("ShowNeighbor"), 1,
	    VTIBGP__ERROR_CODE__ERROR_NOT_FOUND);
	vtibgp__neighbor_action__init(&act);
	send_msg(fd, M("NeighborShutdown"), 2, &act.base);
	expect_error(fd, M("NeighborShutdown"), 2,
	    VTIBGP__ERROR_CODE__ERROR_INTERNAL);
	close(fd);
}

/* Streamed events under one id, then an empty END frame. */
static void
read_watch(int fd, uint32_t id, int n)
{
	struct frame	 f;
	Vtibgp__Event	*e;
	char		 want[32];
	int		 i;

	for (i = 0; i < n; i++) {
		assert_true(read_frame(fd, &f));
		assert_int_equal(f.word, M("Watch") | CTL_F_MORE);
		assert_int_equal(f.id, id);
		e = vtibgp__event__unpack(NULL, f.len, f.payload);
		assert_non_null(e);
		snprintf(want, sizeof(want), "event %d", i);
		assert_string_equal(e->text, want);
		assert_int_equal(e->kind, VTIBGP__EVENT_KIND__EVENT_STATE);
		vtibgp__event__free_unpacked(e, NULL);
		free(f.payload);
	}
}

/* Two streams and a unary request on one connection: each stream's
 * events arrive in order under its id, then its END. */
static void
test_stream(void **state)
{
	Vtibgp__WatchRequest	 w;
	Vtibgp__Event		*e;
	struct frame		 f;
	int			 fd = cli_connect(), next[2] = { 0, 0 };
	int			 ended = 0, summaries = 0;
	char			 want[32];

	vtibgp__watch_request__init(&w);
	send_msg(fd, M("Watch"), 40, &w.base);
	send_msg(fd, M("Watch"), 41, &w.base);
	send_empty(fd, "ShowSummary", 42);
	while (ended < 2 && read_frame(fd, &f)) {
		if (f.id == 42) {
			assert_int_equal(f.word, M("ShowSummary"));
			summaries++;
		} else if (f.word == (M("Watch") | CTL_F_END)) {
			assert_int_equal(f.len, 0);
			assert_int_equal(next[f.id - 40], 3);
			ended++;
		} else {
			assert_int_equal(f.word, M("Watch") | CTL_F_MORE);
			assert_in_range(f.id, 40, 41);
			e = vtibgp__event__unpack(NULL, f.len, f.payload);
			assert_non_null(e);
			snprintf(want, sizeof(want), "event %d",
			    next[f.id - 40]++);
			assert_string_equal(e->text, want);
			vtibgp__event__free_unpacked(e, NULL);
		}
		free(f.payload);
	}
	assert_int_equal(ended, 2);
	assert_int_equal(summaries, 1);
	assert_int_equal(fx.watches, 0);
	assert_int_equal(fx.cancelled, 0);
	close(fd);
}

static void
test_stream_ends(void **state)
{
	Vtibgp__WatchRequest	w;
	struct frame		f;
	int			fd = cli_connect();

	vtibgp__watch_request__init(&w);
	send_msg(fd, M("Watch"), 5, &w.base);
	read_watch(fd, 5, 3);
	assert_true(read_frame(fd, &f));
	assert_int_equal(f.word, M("Watch") | CTL_F_END);
	assert_int_equal(f.id, 5);
	assert_int_equal(f.len, 0);
	free(f.payload);
	assert_int_equal(fx.watches, 0);
	close(fd);
}

static void
test_stream_in_handler(void **state)
{
	Vtibgp__DrillRequest	 q;
	Vtibgp__DrillProgress	*p;
	struct frame		 f;
	int			 fd = cli_connect(), i;

	vtibgp__drill_request__init(&q);
	q.from_interface = (char *)(uintptr_t)"vti0";
	send_msg(fd, M("DrillFailover"), 9, &q.base);
	for (i = 0; i < 3; i++) {
		assert_true(read_frame(fd, &f));
		assert_int_equal(f.word, M("DrillFailover") | CTL_F_MORE);
		p = vtibgp__drill_progress__unpack(NULL, f.len, f.payload);
		assert_non_null(p);
		assert_true((p->step != NULL) == (i < 2));
		if (i == 2)
			assert_string_equal(p->result->from_interface, "vti0");
		vtibgp__drill_progress__free_unpacked(p, NULL);
		free(f.payload);
	}
	assert_true(read_frame(fd, &f));
	assert_int_equal(f.word, M("DrillFailover") | CTL_F_END);
	free(f.payload);
	close(fd);
}

static void
test_stream_cancel(void **state)
{
	Vtibgp__WatchRequest	w;
	int			fd = cli_connect();

	vtibgp__watch_request__init(&w);
	w.neighbor = (char *)(uintptr_t)"forever";
	send_msg(fd, M("Watch"), 1, &w.base);
	send_msg(fd, M("Watch"), 2, &w.base);
	read_watch(fd, 1, 1);
	WAIT_FOR(fx.watches == 2);
	close(fd);
	WAIT_FOR(fx.cancelled == 2);
	assert_int_equal(fx.watches, 0);
	WAIT_FOR(ctl_server_clients(fx.srv) == 0);
}

/* Streams a client may keep open are bounded. */
static void
test_open_requests_cap(void **state)
{
	Vtibgp__WatchRequest	w;
	uint32_t		i;
	int			fd = cli_connect();

	vtibgp__watch_request__init(&w);
	w.neighbor = (char *)(uintptr_t)"forever";
	for (i = 0; i <= CTL_MAX_REQUESTS; i++)
		send_msg(fd, M("Watch"), i, &w.base);
	WAIT_FOR(fx.watches == CTL_MAX_REQUESTS);
	for (;;) {
		struct frame	f;

		assert_true(read_frame(fd, &f));
		if (f.word & CTL_F_ERROR) {
			assert_int_equal(f.id, CTL_MAX_REQUESTS);
			assert_memory_equal(f.payload, "\x08\x09", 2); /* BUSY */
			free(f.payload);
			break;
		}
		free(f.payload);
	}
	close(fd);
	WAIT_FOR(fx.cancelled == CTL_MAX_REQUESTS);
}

/* Strings in a request: printable UTF-8 of at most 255 octets, or the
 * request is refused before its handler runs (issue 16, item 4). */
static void
test_request_strings(void **state)
{
	static const struct {
		const char	*text;
		bool		 ok;
	} rows[] = {
		{ "planned maintenance", true },
		{ "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x9a\xa7", true },
		{ "evil\x1b[2J", false },		/* a terminal escape */
		{ "two\nlines", false },
		{ "tab\there", false },
		{ "del\x7f", false },
		{ "c1 \xc2\x85 next line", false },
		{ "latin-1 \xe9", false },		/* not UTF-8 */
		{ "overlong \xc0\xaf", false },
		{ "surrogate \xed\xa0\x80", false },
	};
	Vtibgp__NeighborAction	 act;
	Vtibgp__ActionReply	*r;
	struct frame		 f;
	char			 big[CTL_MAX_STRING + 2];
	size_t			 i;
	int			 fd = cli_connect();

	vtibgp__neighbor_action__init(&act);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		act.neighbor = (char *)(uintptr_t)rows[i].text;
		act.message = (char *)(uintptr_t)rows[i].text;
		send_msg(fd, M("NeighborReset"), (uint32_t)i, &act.base);
		if (!rows[i].ok) {
			expect_error(fd, M("NeighborReset"), (uint32_t)i,
			    VTIBGP__ERROR_CODE__ERROR_BAD_REQUEST);
			continue;
		}
		assert_true(read_frame(fd, &f));
		assert_int_equal(f.word, M("NeighborReset"));
		r = vtibgp__action_reply__unpack(NULL, f.len, f.payload);
		assert_non_null(r);
		vtibgp__action_reply__free_unpacked(r, NULL);
		free(f.payload);
	}
	/* 255 octets are allowed, 256 are not, in any string field */
	memset(big, 'a', sizeof(big));
	big[CTL_MAX_STRING] = '\0';
	act.neighbor = (char *)(uintptr_t)"vti0";
	act.message = big;
	send_msg(fd, M("NeighborReset"), 100, &act.base);
	assert_true(read_frame(fd, &f));
	assert_int_equal(f.word, M("NeighborReset"));
	free(f.payload);
	big[CTL_MAX_STRING] = 'a';
	big[CTL_MAX_STRING + 1] = '\0';
	send_msg(fd, M("NeighborReset"), 101, &act.base);
	expect_error(fd, M("NeighborReset"), 101,
	    VTIBGP__ERROR_CODE__ERROR_BAD_REQUEST);
	act.neighbor = big;
	act.message = (char *)(uintptr_t)"";
	send_msg(fd, M("NeighborReset"), 102, &act.base);
	expect_error(fd, M("NeighborReset"), 102,
	    VTIBGP__ERROR_CODE__ERROR_BAD_REQUEST);
	check_summary(fd, 103);		/* the connection stays usable */
	close(fd);
}

/* ---- limits (issue 16) -------------------------------------------------- */

/* Connect to path with the effective ids of uid (SO_PEERCRED reports
 * them). */
static int
cli_connect_as_to(const char *path, uid_t uid)
{
	int	fd;

	assert_int_equal(setegid(NOBODY), 0);
	assert_int_equal(seteuid(uid), 0);
	fd = cli_connect_to(path);
	assert_int_equal(seteuid(0), 0);
	assert_int_equal(setegid(0), 0);
	return fd;
}

static int
cli_connect_as(uid_t uid)
{
	return cli_connect_as_to(fx.path, uid);
}

static void
set_limits(unsigned max, unsigned reserved, unsigned per_uid, double idle,
    size_t mem, size_t mem_reserved)
{
	struct ctl_limits	l;

	ctl_limits_default(&l);
	l.max_clients = max;
	l.reserved = reserved;
	l.per_uid = per_uid;
	l.idle_s = idle;
	l.mem_budget = mem;
	l.mem_reserved = mem_reserved;
	ctl_server_set_limits(fx.srv, &l);
}

/* The refusal a client over a limit gets; its message has want in it. */
static void
expect_refused(int fd, const char *want)
{
	struct frame	 f;
	Vtibgp__Error	*e;

	assert_true(read_frame(fd, &f));
	assert_int_equal(f.word, CTL_F_ERROR);
	e = vtibgp__error__unpack(NULL, f.len, f.payload);
	assert_non_null(e);
	assert_int_equal(e->code, VTIBGP__ERROR_CODE__ERROR_TOO_MANY_CLIENTS);
	if (strstr(e->message, want) == NULL)
		fail_msg("refusal '%s' lacks '%s'", e->message, want);
	vtibgp__error__free_unpacked(e, NULL);
	free(f.payload);
	expect_eof(fd);
}

/* One user holding every slot it can get leaves the reserve to root. */
static void
test_reserved_for_operator(void **state)
{
	struct ctl_stats	st;
	int			user[8], root[3], i;

	if (geteuid() != 0)
		skip();
	set_limits(8, 2, 100, CTL_IDLE_S, CTL_MEM_BUDGET, CTL_MEM_RESERVED);
	for (i = 0; i < 8; i++)
		user[i] = cli_connect_as(NOBODY);
	for (i = 0; i < 6; i++)
		check_summary(user[i], (uint32_t)i);
	expect_refused(user[6], "kept for root and the control group");
	expect_refused(user[7], "kept for root and the control group");
	root[0] = cli_connect();
	root[1] = cli_connect();
	check_summary(root[0], 10);
	check_summary(root[1], 11);
	root[2] = cli_connect();
	expect_refused(root[2], "too many control clients (limit 8)");
	ctl_server_stats(fx.srv, &st);
	assert_int_equal(st.refused_reserved, 2);
	assert_int_equal(st.refused_clients, 1);
	assert_int_equal(st.clients, 8);
	assert_int_equal(st.operator_clients, 2);
	for (i = 0; i < 8; i++)
		close(user[i]);
	for (i = 0; i < 3; i++)
		close(root[i]);
	WAIT_FOR(ctl_server_clients(fx.srv) == 0);
}

/*
 * The client library, refused at connect before its request went out:
 * the daemon's reason, not "closed the connection" (the daemon may send
 * its Error and close before the client writes, which then fails).
 */
static void
test_refused_before_request(void **state)
{
	struct ctl_stats	 st;
	struct ctl_result	 res;
	struct ctl_conn		*c;
	Vtibgp__Empty		 e;
	int			 held;

	vtibgp__empty__init(&e);
	set_limits(1, 0, 100, CTL_IDLE_S, CTL_MEM_BUDGET, CTL_MEM_RESERVED);
	held = cli_connect();
	check_summary(held, 1);
	assert_non_null(c = ctl_connect(fx.path, 5000));
	WAIT_FOR((ctl_server_stats(fx.srv, &st), st.refused_clients == 1));
	assert_int_equal(ctl_call(c, "ShowSummary", &e.base, 5000, NULL, NULL,
	    &res), -1);
	if (res.status != CTL_REFUSED)
		fail_msg("status %d, not refused: %s", res.status, res.message);
	assert_int_equal(res.code, VTIBGP__ERROR_CODE__ERROR_TOO_MANY_CLIENTS);
	assert_non_null(strstr(res.message, "too many control clients"));
	ctl_conn_close(c);
	close(held);
	WAIT_FOR(ctl_server_clients(fx.srv) == 0);
}

static void
test_per_uid(void **state)
{
	struct ctl_stats	st;
	int			a[4], b, r[6], i;

	if (geteuid() != 0)
		skip();
	set_limits(256, 16, 3, CTL_IDLE_S, CTL_MEM_BUDGET, CTL_MEM_RESERVED);
	for (i = 0; i < 4; i++)
		a[i] = cli_connect_as(NOBODY);
	for (i = 0; i < 3; i++)
		check_summary(a[i], (uint32_t)i);
	expect_refused(a[3], "too many control clients of uid 65534 (limit 3 "
	    "per user)");
	b = cli_connect_as(NOBODY - 1);		/* another user */
	check_summary(b, 5);
	for (i = 0; i < 6; i++) {		/* root is not capped */
		r[i] = cli_connect();
		check_summary(r[i], 10 + (uint32_t)i);
	}
	ctl_server_stats(fx.srv, &st);
	assert_int_equal(st.refused_per_uid, 1);
	close(a[0]);
	WAIT_FOR(ctl_server_clients(fx.srv) == 9);
	a[0] = cli_connect_as(NOBODY);		/* room for that user again */
	check_summary(a[0], 20);
	for (i = 0; i < 4; i++)
		close(a[i]);
	close(b);
	for (i = 0; i < 6; i++)
		close(r[i]);
	WAIT_FOR(ctl_server_clients(fx.srv) == 0);
}

/* A connection without a request open or sent is closed after idle_s;
 * one that keeps asking, or has a stream open, is not. */
static void
test_idle_timeout(void **state)
{
	Vtibgp__WatchRequest	w;
	struct ctl_stats	st;
	uint8_t			hdr[CTL_HDR_LEN];
	int64_t			t0;
	int			silent, partial, busy, watch, i;

	set_limits(256, 16, 16, 0.5, CTL_MEM_BUDGET, CTL_MEM_RESERVED);
	silent = cli_connect();
	partial = cli_connect();
	busy = cli_connect();
	watch = cli_connect();
	ctl_hdr_encode(hdr, M("ShowSummary"), 1, 100);	/* a slow loris */
	cli_write(partial, hdr, sizeof(hdr));
	cli_write(partial, "abcde", 5);
	vtibgp__watch_request__init(&w);
	w.neighbor = (char *)(uintptr_t)"forever";
	send_msg(watch, M("Watch"), 1, &w.base);
	for (i = 0; i < 15; i++) {	/* 1.5 s: a request every 100 ms */
		check_summary(busy, (uint32_t)i);
		t0 = now_ms();
		while (now_ms() < t0 + 100)
			pump();
	}
	expect_eof(silent);
	expect_eof(partial);
	check_summary(busy, 100);
	ctl_server_stats(fx.srv, &st);
	assert_int_equal(st.closed_idle, 2);
	WAIT_FOR(ctl_server_clients(fx.srv) == 2);
	close(silent);
	close(partial);
	close(busy);
	close(watch);
	WAIT_FOR(ctl_server_clients(fx.srv) == 0);
}

static struct ctl_stats *
srv_stats(struct ctl_stats *st)
{
	ctl_server_stats(fx.srv, st);
	return st;
}

/* Request buffers grow with what arrives; over its share of the memory
 * budget a user's client waits, and root is still served. */
static void
test_memory_budget(void **state)
{
	struct ctl_stats	st;
	uint8_t			hdr[CTL_HDR_LEN], *junk;
	size_t			sent;
	ssize_t			n;
	int			claim[8], big, other, root, i;

	if (geteuid() != 0)
		skip();
	set_limits(256, 16, 16, 1.0, 512 * 1024, 128 * 1024);
	/* eight headers claiming 1 MiB each, and 10 octets of it */
	ctl_hdr_encode(hdr, M("ShowSummary"), 1, CTL_MAX_PAYLOAD);
	for (i = 0; i < 8; i++) {
		claim[i] = cli_connect_as(NOBODY - 1 - (uid_t)i);
		cli_write(claim[i], hdr, sizeof(hdr));
		cli_write(claim[i], "0123456789", 10);
	}
	WAIT_FOR(srv_stats(&st)->memory == 8 * CTL_PAYLOAD_START);
	/* one that sends 600 KiB of it waits at the user's 384 KiB */
	junk = calloc(1, 600 * 1024);
	assert_non_null(junk);
	big = cli_connect_as(NOBODY);
	cli_write(big, hdr, sizeof(hdr));
	for (sent = 0; sent < 600 * 1024 && srv_stats(&st)->memory_waits == 0;
	    pump()) {
		n = send(big, junk + sent, 600 * 1024 - sent, MSG_DONTWAIT);
		sent += n > 0 ? (size_t)n : 0;
	}
	WAIT_FOR(srv_stats(&st)->memory_waits > 0);
	assert_true(st.memory <= 384 * 1024);
	root = cli_connect();
	check_summary(root, 1);
	other = cli_connect_as(NOBODY - 20);	/* small requests still pass */
	check_summary(other, 2);
	free(junk);
	close(big);		/* not read from: goes at its idle timeout */
	for (i = 0; i < 8; i++)
		close(claim[i]);
	close(other);
	close(root);
	WAIT_FOR(ctl_server_clients(fx.srv) == 0);
	ctl_server_stats(fx.srv, &st);
	assert_int_equal(st.memory, 0);
}

/* Control work runs at most a slice per loop iteration, after the
 * routing work (priority 0) of that iteration. */
static int	route_iter_calls;
static unsigned	last_route_iter;

static void
on_route(struct ev_loop *loop, ev_io *w, int revents)
{
	route_iter_calls++;
	last_route_iter = ev_iteration(loop);
}

static void
test_routing_first(void **state)
{
	Vtibgp__NeighborAction	e;
	ev_io		route;
	int		p[2], fd = cli_connect();
	size_t		i;
	uint32_t	id;

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "x", 1), 1);	/* always readable */
	ev_io_init(&route, on_route, p[0], EV_READ);
	ev_io_start(fx.loop, &route);
	n_slow = 0;
	vtibgp__neighbor_action__init(&e);
	for (id = 0; id < 20; id++)
		send_msg(fd, M("NeighborRefresh"), id, &e.base);
	WAIT_FOR(n_slow == 20);
	for (i = 0; i < n_slow; i++) {
		/* one 3 ms request spends the 1 ms slice */
		if (i > 0)
			assert_true(slow_iters[i] != slow_iters[i - 1]);
	}
	assert_true(route_iter_calls >= 20);
	ev_io_stop(fx.loop, &route);
	close(p[0]);
	close(p[1]);
	for (id = 0; id < 20; id++) {
		struct frame	f;

		assert_true(read_frame(fd, &f));
		free(f.payload);
	}
	close(fd);
}

/* ---- the daemon's Watch (ctl_watch.c) on a server of its own ------------ */

static const struct ctl_handler watch_handlers[] = {
	{ "Watch", ctl_watch, false },
	{ NULL, NULL, false },
};

static struct ctl_server *
watch_server(char *path, size_t len)
{
	struct ctl_server	*s;

	snprintf(path, len, "%s/watch.sock", fx.dir);
	s = ctl_server_open(fx.loop, path, watch_handlers, NULL);
	assert_non_null(s);
	return s;
}

static void
send_watch(int fd, uint32_t id)
{
	Vtibgp__WatchRequest	w;

	vtibgp__watch_request__init(&w);
	send_msg(fd, M("Watch"), id, &w.base);
}

/* A watcher that does not read costs a bounded queue, then loses the
 * oldest events and is told how many (EVENT_LOST); it reads on after. */
static void
test_watch_lost(void **state)
{
	struct ctl_server	*s;
	Vtibgp__Event		*ev;
	struct frame		 f;
	char			 path[128];
	uint64_t		 got = 0, lost = 0;
	int			 fd, i, j;
	bool			 last = false;

	s = watch_server(path, sizeof(path));
	fd = cli_connect_to(path);
	send_watch(fd, 7);
	WAIT_FOR(ctl_watching());
	for (i = 0; i < 5000; i++) {
		ctl_watch_emit(VTIBGP__EVENT_KIND__EVENT_ROUTES, NULL, "vti0",
		    "event %d: 10.10.%d.0/24 moved to vti1, and some more text "
		    "to make it the size of a real one", i, i % 256);
		if (i % 500 == 499)	/* the fan-out keeps up */
			for (j = 0; j < 100; j++)
				pump();
	}
	for (i = 0; i < 200; i++)
		pump();
	ctl_watch_emit(VTIBGP__EVENT_KIND__EVENT_STATE, NULL, "vti0", "last");
	while (!last) {
		assert_true(read_frame(fd, &f));
		assert_int_equal(f.word, M("Watch") | CTL_F_MORE);
		ev = vtibgp__event__unpack(NULL, f.len, f.payload);
		assert_non_null(ev);
		if (ev->kind == VTIBGP__EVENT_KIND__EVENT_LOST) {
			assert_non_null(strstr(ev->text, " events lost"));
			lost += strtoull(ev->text, NULL, 10);
		} else if (strcmp(ev->text, "last") == 0)
			last = true;
		else
			got++;
		vtibgp__event__free_unpacked(ev, NULL);
		free(f.payload);
	}
	assert_true(lost > 0);
	assert_int_equal(got + lost, 5000);
	close(fd);
	WAIT_FOR(!ctl_watching());
	ctl_server_close(s);
	ctl_watch_free();
}

/* A user may hold WATCH_PER_UID streams; root is not capped. */
static void
test_watch_per_uid(void **state)
{
	struct ctl_server	*s;
	struct ctl_watch_stats	 ws;
	char			 path[128];
	int			 fd, root;
	uint32_t		 i;

	if (geteuid() != 0)
		skip();
	s = watch_server(path, sizeof(path));
	fd = cli_connect_as_to(path, NOBODY);
	for (i = 0; i <= WATCH_PER_UID; i++)
		send_watch(fd, i);
	expect_error(fd, M("Watch"), WATCH_PER_UID,
	    VTIBGP__ERROR_CODE__ERROR_BUSY);
	root = cli_connect_to(path);
	for (i = 0; i < 2 * WATCH_PER_UID; i++)
		send_watch(root, i);
	ctl_watch_stats(&ws);
	WAIT_FOR((ctl_watch_stats(&ws), ws.watchers == 3 * WATCH_PER_UID));
	assert_int_equal(ws.refused, 1);
	close(fd);
	close(root);
	WAIT_FOR(!ctl_watching());
	ctl_server_close(s);
	ctl_watch_free();
}

static void
test_half_close(void **state)
{
	int	fd = cli_connect();

	send_empty(fd, "ShowSummary", 1);
	shutdown(fd, SHUT_WR);
	expect_summary(fd, 1);
	expect_eof(fd);
	close(fd);
	WAIT_FOR(ctl_server_clients(fx.srv) == 0);
}

/* A client that sends requests and never reads is dropped once its queue
 * passes 4 MiB; another client is served meanwhile. */
static void
test_slow_reader_dropped(void **state)
{
	Vtibgp__RoutesRequest	q;
	uint8_t			buf[65536];
	size_t			total = 0, n;
	int			hog = cli_connect(), ok = cli_connect(), i;

	vtibgp__routes_request__init(&q);
	q.limit = 256;		/* about 260 KB a reply */
	WAIT_FOR(ctl_server_clients(fx.srv) == 2);
	for (i = 0; i < 40; i++)
		send_msg(hog, M("ShowRoutes"), (uint32_t)i, &q.base);
	check_summary(ok, 1);
	WAIT_FOR(ctl_server_clients(fx.srv) == 1);
	check_summary(ok, 2);
	/* The hog gets what was in its socket, never the whole 10 MB. */
	while ((n = cli_read(hog, buf, sizeof(buf))) > 0)
		total += n;
	assert_true(total < CTL_MAX_QUEUE);
	close(hog);
	close(ok);
}

static void
test_permission_root(void **state)
{
	Vtibgp__NeighborAction	 act;
	Vtibgp__ActionReply	*r;
	struct frame		 f;
	int			 fd;

	if (geteuid() != 0)
		skip();
	fd = cli_connect();
	vtibgp__neighbor_action__init(&act);
	act.neighbor = (char *)(uintptr_t)"vti0";
	send_msg(fd, M("NeighborReset"), 3, &act.base);
	assert_true(read_frame(fd, &f));
	assert_int_equal(f.word, M("NeighborReset"));
	r = vtibgp__action_reply__unpack(NULL, f.len, f.payload);
	assert_non_null(r);
	assert_string_equal(r->message, "reset vti0");
	vtibgp__action_reply__free_unpacked(r, NULL);
	free(f.payload);
	close(fd);
}

/* Not root and not in the group: state changes are refused, status is
 * not.  As root the caller is a child that became nobody. */
static void
test_permission_denied(void **state)
{
	Vtibgp__NeighborAction	act;
	int			fd;

	ctl_server_set_group(fx.srv, "vtb-no-such-group");
	if (geteuid() == 0) {
		assert_int_equal(run_child(child_call,
		    (void *)(uintptr_t)"NeighborReset", true), 2);
		assert_int_equal(run_child(child_call,
		    (void *)(uintptr_t)"ShowSummary", true), 0);
		assert_int_equal(run_child(child_call,
		    (void *)(uintptr_t)"NeighborReset", false), 0);
		return;
	}
	fd = cli_connect();
	vtibgp__neighbor_action__init(&act);
	send_msg(fd, M("NeighborReset"), 4, &act.base);
	expect_error(fd, M("NeighborReset"), 4,
	    VTIBGP__ERROR_CODE__ERROR_PERMISSION_DENIED);
	check_summary(fd, 5);
	close(fd);
}

/* A member of the control group may change state. */
static void
test_permission_group(void **state)
{
	struct group	*gr;
	gid_t		 gid = geteuid() == 0 ? NOBODY : getegid();

	if ((gr = getgrgid(gid)) == NULL)
		skip();
	ctl_server_set_group(fx.srv, gr->gr_name);
	assert_int_equal(run_child(child_call,
	    (void *)(uintptr_t)"NeighborReset", geteuid() == 0), 0);
	ctl_server_set_group(fx.srv, NULL);
	assert_int_equal(run_child(child_call,
	    (void *)(uintptr_t)"NeighborReset", geteuid() == 0), 2);
}

static void
test_client_cap(void **state)
{
	int	fds[CTL_MAX_CLIENTS], extra, i;

	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		fds[i] = cli_connect();
	WAIT_FOR(ctl_server_clients(fx.srv) == CTL_MAX_CLIENTS);
	extra = cli_connect();
	expect_error(extra, 0, 0, VTIBGP__ERROR_CODE__ERROR_TOO_MANY_CLIENTS);
	expect_eof(extra);
	close(extra);
	check_summary(fds[0], 1);
	check_summary(fds[CTL_MAX_CLIENTS - 1], 2);
	close(fds[0]);
	WAIT_FOR(ctl_server_clients(fx.srv) == CTL_MAX_CLIENTS - 1);
	extra = cli_connect();		/* room again */
	check_summary(extra, 3);
	close(extra);
	for (i = 1; i < CTL_MAX_CLIENTS; i++)
		close(fds[i]);
	WAIT_FOR(ctl_server_clients(fx.srv) == 0);
}

/* A socket file nobody listens on is replaced; a live one, or a file
 * that is not a socket, is an error and left alone. */
static void
test_socket_file(void **state)
{
	struct ctl_server	*s;
	struct sockaddr_un	 sun;
	struct stat		 st;
	char			 p[256];
	int			 fd;

	assert_null(ctl_server_open(fx.loop, fx.path, handlers, &fx));
	fd = cli_connect();			/* the first one still works */
	check_summary(fd, 1);
	close(fd);

	snprintf(p, sizeof(p), "%s/stale.sock", fx.dir);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	assert_true(strlen(p) < sizeof(sun.sun_path));
	memcpy(sun.sun_path, p, strlen(p) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	s = ctl_server_open(fx.loop, p, handlers, &fx);
	assert_non_null(s);
	fd = cli_connect_to(p);
	check_summary(fd, 2);
	close(fd);
	ctl_server_close(s);
	assert_int_equal(lstat(p, &st), -1);

	snprintf(p, sizeof(p), "%s/file", fx.dir);
	assert_true((fd = open(p, O_CREAT | O_WRONLY, 0600)) >= 0);
	close(fd);
	assert_null(ctl_server_open(fx.loop, p, handlers, &fx));
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISREG(st.st_mode));
}

/* ---- the JSON formatter -------------------------------------------------- */

static char *
json_of(const ProtobufCMessage *m, bool pretty)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f = open_memstream(&buf, &len);

	assert_non_null(f);
	ctl_json_print(f, m, pretty);
	fclose(f);
	return buf;
}

static void
test_json_event(void **state)
{
	static const char	want[] = "{\"time_unix_ms\":1764151200123,"
	    "\"kind\":\"EVENT_NOTIFICATION\",\"neighbor\":\"169.254.249.57\","
	    "\"interface\":\"\",\"text\":\"Cease: \\\"maint\\\\1\\\"\\n"
	    "\\u0001\\t\xc3\xa9\\ufffd\","
	    "\"fields\":[{\"key\":\"code\",\"value\":\"6\"},"
	    "{\"key\":\"subcode\",\"value\":\"2\"}]}\n";
	Vtibgp__Event	 e;
	Vtibgp__Field	 fl[2], *flp[2] = { &fl[0], &fl[1] };
	char		*got;

	vtibgp__event__init(&e);
	vtibgp__field__init(&fl[0]);
	vtibgp__field__init(&fl[1]);
	e.time_unix_ms = 1764151200123ULL;
	e.kind = VTIBGP__EVENT_KIND__EVENT_NOTIFICATION;
	e.neighbor = (char *)(uintptr_t)"169.254.249.57";
	e.text = (char *)(uintptr_t)"Cease: \"maint\\1\"\n\x01\t\xc3\xa9\xff";
	fl[0].key = (char *)(uintptr_t)"code";
	fl[0].value = (char *)(uintptr_t)"6";
	fl[1].key = (char *)(uintptr_t)"subcode";
	fl[1].value = (char *)(uintptr_t)"2";
	e.n_fields = 2;
	e.fields = flp;
	got = json_of(&e.base, false);
	assert_string_equal(got, want);
	free(got);
}

/* ---- the text formatter -------------------------------------------------- */

/* The column of the first occurrence of what in each line of text that
 * has it, which must be the same everywhere; returns it. */
static long
same_column(const char *text, const char *what, int lines)
{
	const char	*line = text, *end, *hit;
	long		 col = -1;
	int		 n = 0;

	for (; *line != '\0'; line = end + 1) {
		end = strchr(line, '\n');
		assert_non_null(end);
		hit = strstr(line, what);
		if (hit == NULL || hit > end)
			continue;
		if (col == -1)
			col = hit - line;
		assert_int_equal(hit - line, col);
		n++;
	}
	assert_int_equal(n, lines);
	return col;
}

/* show summary keeps its columns whatever the state text says. */
static void
test_text_summary_columns(void **state)
{
	Vtibgp__SummaryReply	 r;
	Vtibgp__NeighborSummary	 n[2], *np[2] = { &n[0], &n[1] };
	char			*buf = NULL;
	size_t			 len = 0;
	FILE			*f;

	vtibgp__summary_reply__init(&r);
	vtibgp__neighbor_summary__init(&n[0]);
	vtibgp__neighbor_summary__init(&n[1]);
	r.version = (char *)(uintptr_t)"0.1.0";
	r.router_id = (char *)(uintptr_t)"172.100.0.1";
	n[0].address = (char *)(uintptr_t)"169.254.249.57";
	n[0].interface = (char *)(uintptr_t)"vti0";
	n[0].state = VTIBGP__SESSION_STATE__OPEN_CONFIRM;
	n[0].link_up = true;
	n[0].steering = true;		/* "OpenConfirm (Steering)" */
	n[0].uptime_ms = n[1].uptime_ms = 61000;	/* 00:01:01 */
	n[1].address = (char *)(uintptr_t)"169.254.249.61";
	n[1].interface = (char *)(uintptr_t)"a-long-ifname15";
	n[1].state = VTIBGP__SESSION_STATE__IDLE;
	n[1].admin_down = true;
	r.neighbors = np;
	r.n_neighbors = 2;
	assert_non_null(f = open_memstream(&buf, &len));
	ctl_text_print(f, &r.base, 0);
	fclose(f);
	assert_non_null(strstr(buf, "OpenConfirm (Steering)"));
	/* Up/Down, then the counters: where the header says */
	assert_true(same_column(buf, "Up/Down", 1) ==
	    same_column(buf, "00:01:01", 2));
	free(buf);
}

/* The Route of test_json_nested_pretty, pretty. */
static const char	route_json[] =
    "{\n"
    "  \"prefix\": \"10.10.0.0/16\",\n"
    "  \"paths\": [\n"
    "    {\n"
    "      \"neighbor\": \"169.254.249.57\",\n"
    "      \"interface\": \"vti0\",\n"
    "      \"as_path\": \"64512 {65001 65002}\",\n"
    "      \"has_med\": true,\n"
    "      \"med\": 100,\n"
    "      \"origin\": \"ORIGIN_INCOMPLETE\",\n"
    "      \"next_hop\": \"169.254.249.57\",\n"
    "      \"local_pref\": 100,\n"
    "      \"best\": true,\n"
    "      \"standby\": false,\n"
    "      \"accepted\": true,\n"
    "      \"rejected\": \"\",\n"
    "      \"stale\": false,\n"
    "      \"age_ms\": 18446744073709551615,\n"
    "      \"communities\": [\n"
    "        \"65000:1\",\n"
    "        \"65000:2\"\n"
    "      ]\n"
    "    }\n"
    "  ],\n"
    "  \"installed\": true,\n"
    "  \"kernel\": [\n"
    "    {\n"
    "      \"primary\": true,\n"
    "      \"metric\": 20,\n"
    "      \"table\": 254,\n"
    "      \"nexthop_group\": 101,\n"
    "      \"members\": [],\n"
    "      \"tunnel_nexthop\": false\n"
    "    }\n"
    "  ]\n"
    "}\n";

static void
test_json_nested_pretty(void **state)
{
	Vtibgp__Route		 r;
	Vtibgp__Path		 p, *pp = &p;
	Vtibgp__KernelRoute	 k, *kp = &k;
	char			*comm[] = { (char *)(uintptr_t)"65000:1",
				    (char *)(uintptr_t)"65000:2" };
	char			*got;

	vtibgp__route__init(&r);
	vtibgp__path__init(&p);
	vtibgp__kernel_route__init(&k);
	r.prefix = (char *)(uintptr_t)"10.10.0.0/16";
	r.n_paths = 1;
	r.paths = &pp;
	r.installed = true;
	r.n_kernel = 1;
	r.kernel = &kp;
	p.neighbor = p.next_hop = (char *)(uintptr_t)"169.254.249.57";
	p.interface = (char *)(uintptr_t)"vti0";
	p.as_path = (char *)(uintptr_t)"64512 {65001 65002}";
	p.has_med = p.best = p.accepted = true;
	p.med = p.local_pref = 100;
	p.origin = VTIBGP__ORIGIN__ORIGIN_INCOMPLETE;
	p.age_ms = UINT64_MAX;
	p.n_communities = 2;
	p.communities = comm;
	k.primary = true;
	k.metric = 20;
	k.table = 254;
	k.nexthop_group = 101;
	got = json_of(&r.base, true);
	assert_string_equal(got, route_json);
	free(got);
}

/* Absent messages are null, empty ones {}; compact and pretty agree. */
static void
test_json_absent(void **state)
{
	Vtibgp__DrillProgress	 p;
	Vtibgp__DrillStep	 s;
	char			*got;

	vtibgp__drill_progress__init(&p);
	vtibgp__drill_step__init(&s);
	p.drill_id = 4294967295U;
	got = json_of(&p.base, false);
	assert_string_equal(got,
	    "{\"drill_id\":4294967295,\"step\":null,\"result\":null}\n");
	free(got);
	p.step = &s;
	got = json_of(&p.base, true);
	assert_string_equal(got, "{\n"
	    "  \"drill_id\": 4294967295,\n"
	    "  \"step\": {\n"
	    "    \"time_unix_ms\": 0,\n"
	    "    \"elapsed_ms\": 0,\n"
	    "    \"step\": \"\",\n"
	    "    \"ok\": false,\n"
	    "    \"text\": \"\",\n"
	    "    \"fields\": []\n"
	    "  },\n"
	    "  \"result\": null\n"
	    "}\n");
	free(got);
	got = json_of(&(Vtibgp__Empty)VTIBGP__EMPTY__INIT.base, true);
	assert_string_equal(got, "{}\n");
	free(got);
}

static void
test_duration(void **state)
{
	char	b[32];

	assert_string_equal(ctl_fmt_duration(0, b, sizeof(b)), "00:00:00");
	assert_string_equal(ctl_fmt_duration(3723999, b, sizeof(b)),
	    "01:02:03");
	assert_string_equal(ctl_fmt_duration(2 * 86400000ULL + 3 * 3600000 +
	    4 * 60000, b, sizeof(b)), "2d03h04m");
	assert_string_equal(ctl_fmt_duration(3 * 604800000ULL +
	    2 * 86400000ULL + 5 * 3600000, b, sizeof(b)), "03w2d05h");
}

/* ---- vtibgpctl against this server --------------------------------------- */

struct run {
	int	status;
	char	out[16384];
	char	err[4096];
};

static bool
ctl_binary(char *buf, size_t len)
{
	const char	*dir = getenv("top_builddir");

	snprintf(buf, len, "%s/vtibgpctl", dir ? dir : ".");
	return access(buf, X_OK) == 0;
}

static void
slurp(const char *name, char *buf, size_t len)
{
	char	p[256];
	FILE	*f;
	size_t	 n;

	snprintf(p, sizeof(p), "%s/%s", fx.dir, name);
	assert_non_null(f = fopen(p, "r"));
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static const char	*const *run_argv;

static int
child_exec(void *arg)
{
	char	p[256];
	int	fd;

	snprintf(p, sizeof(p), "%s/out", fx.dir);
	if ((fd = open(p, O_CREAT | O_TRUNC | O_WRONLY, 0600)) == -1 ||
	    dup2(fd, 1) == -1)
		return 126;
	snprintf(p, sizeof(p), "%s/err", fx.dir);
	if ((fd = open(p, O_CREAT | O_TRUNC | O_WRONLY, 0600)) == -1 ||
	    dup2(fd, 2) == -1)
		return 126;
	execv(arg, (char *const *)(uintptr_t)run_argv);
	return 127;
}

/* vtibgpctl -s SOCKET args...: status, stdout, stderr. */
static void
run_ctl(struct run *r, ...)
{
	const char	*argv[16];
	char		 bin[256];
	va_list		 ap;
	int		 n = 0;

	if (!ctl_binary(bin, sizeof(bin)))
		skip();
	argv[n++] = "vtibgpctl";
	argv[n++] = "-s";
	argv[n++] = fx.path;
	va_start(ap, r);
	while (n < 15 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	run_argv = argv;
	r->status = run_child(child_exec, bin, false);
	slurp("out", r->out, sizeof(r->out));
	slurp("err", r->err, sizeof(r->err));
}

static void
test_vtibgpctl_show(void **state)
{
	struct run	r;

	run_ctl(&r, "show", "summary", NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "router ID 172.100.0.200, local AS "
	    "65000"));
	assert_non_null(strstr(r.out, "\n169.254.249.57  vti0           64512"
	    "  Established       01:02:03         1        1        1"
	    "        1\n"));
	assert_non_null(strstr(r.out, "\n169.254.249.61  vti1           64512"
	    "  Idle (Admin)      00:00:00"));
	assert_string_equal(r.err, "");

	run_ctl(&r, "-j", "show", "summary", NULL);
	assert_int_equal(r.status, 0);
	assert_true(strncmp(r.out, "{\n  \"router_id\": \"172.100.0.200\",\n"
	    "  \"local_as\": 65000,\n  \"neighbors\": [\n    {\n", 60) == 0);
	assert_non_null(strstr(r.out, "      \"state\": \"ESTABLISHED\",\n"));

	run_ctl(&r, "show", "neighbor", "nope", NULL);
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, "vtibgpctl: no neighbor nope\n");

	run_ctl(&r, "show", "drills", NULL);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "not available in this version"));

	run_ctl(&r, "metrics", NULL);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "# TYPE vtibgp_up gauge\nvtibgp_up 1\n");

	run_ctl(&r, "reload", NULL);
	assert_int_equal(r.status, 1);
	assert_string_equal(r.err, "vtibgpctl: /etc/vtibgpd.conf:3:1: "
	    "unknown keyword 'bogus'\n");
}

/* All pages of show routes, as text and as one JSON document. */
static void
test_vtibgpctl_routes(void **state)
{
	struct run	r;
	char		want[32];
	int		i;

	run_ctl(&r, "show", "routes", NULL);
	assert_int_equal(r.status, 0);
	for (i = 0; i < NROUTES; i++) {
		snprintf(want, sizeof(want), "\n>  10.%d.0.0/16 ", i);
		assert_non_null(strstr(r.out, want));
	}
	assert_null(strstr(strstr(r.out, "Prefix") + 1, "Prefix"));

	run_ctl(&r, "-j", "show", "routes", "10.0.0.0/8", NULL);
	assert_int_equal(r.status, 0);
	assert_true(strncmp(r.out, "{\n  \"routes\": [\n    {\n      "
	    "\"prefix\": \"10.0.0.0/16\",", 50) == 0);
	assert_non_null(strstr(r.out, "\"prefix\": \"10.4.0.0/16\""));
	assert_non_null(strstr(r.out, "\n  ],\n  \"total\": 5\n}\n"));

	run_ctl(&r, "show", "routes", "10.0.0.0/33", NULL);
	assert_int_equal(r.status, 2);
}

static void
test_vtibgpctl_streams(void **state)
{
	struct run	 r;
	const char	*p;
	int		 lines = 0;

	run_ctl(&r, "-j", "watch", NULL);
	assert_int_equal(r.status, 0);
	for (p = r.out; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	assert_int_equal(lines, 3);
	assert_non_null(strstr(r.out, "\"text\":\"event 2\""));

	run_ctl(&r, "watch", NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, " state        event 1\n"));

	run_ctl(&r, "drill", "failover", "--from", "vti0", "--hold=5", NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "[    1.500s] ok   bring the "
	    "tunnel back\n"));
	assert_non_null(strstr(r.out, "Drill 1 passed: traffic moved"));
	run_ctl(&r, "drill", "failover", "--hold", "x", NULL);
	assert_int_equal(r.status, 2);
}

static void
test_vtibgpctl_unreachable(void **state)
{
	struct run	r;
	char		p[200];

	snprintf(p, sizeof(p), "%s/none.sock", fx.dir);
	run_ctl(&r, "-s", p, "show", "summary", NULL);
	assert_int_equal(r.status, 3);
	assert_non_null(strstr(r.err, "vtibgpd is not reachable at "));
	assert_non_null(strstr(r.err, p));
	run_ctl(&r, "neighbor", "vti0", "bogus", NULL);
	assert_int_equal(r.status, 2);
	run_ctl(&r, "neighbor", "vti0", "reset", NULL);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "reset vti0\n");
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_request_reply),
		T(test_two_clients),
		T(test_frame_too_long),
		T(test_max_frame_accepted),
		T(test_flags_in_request),
		T(test_truncated),
		T(test_garbage_payload),
		T(test_unknown_method),
		T(test_handler_errors),
		T(test_stream),
		T(test_stream_ends),
		T(test_stream_in_handler),
		T(test_stream_cancel),
		T(test_open_requests_cap),
		T(test_request_strings),
		T(test_reserved_for_operator),
		T(test_refused_before_request),
		T(test_per_uid),
		T(test_idle_timeout),
		T(test_memory_budget),
		T(test_routing_first),
		T(test_watch_lost),
		T(test_watch_per_uid),
		T(test_half_close),
		T(test_slow_reader_dropped),
		T(test_permission_root),
		T(test_permission_denied),
		T(test_permission_group),
		T(test_client_cap),
		T(test_socket_file),
		T(test_vtibgpctl_show),
		T(test_vtibgpctl_routes),
		T(test_vtibgpctl_streams),
		T(test_vtibgpctl_unreachable),
#undef T
		cmocka_unit_test(test_json_event),
		cmocka_unit_test(test_text_summary_columns),
		cmocka_unit_test(test_json_nested_pretty),
		cmocka_unit_test(test_json_absent),
		cmocka_unit_test(test_duration),
	};

	signal(SIGPIPE, SIG_IGN);
	log_init("test_ctl", true, false);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

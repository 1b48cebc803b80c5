/* SPDX-License-Identifier: ISC */
/*
 * fuzz_ctl.c: fuzz target of the control socket server (bgpd/control/,
 * proto/ctl_frame.c): framing, method lookup, permission check, request
 * decoding with the generated descriptors, dispatch and the answers.
 *
 * The input is what a client writes on its connection.  A real
 * ctl_server listens in a libev loop on a socket in a private directory
 * (made once); each input is written by a new client, which then closes
 * its writing side and reads every answer until the server closes the
 * connection.  The handlers stand in for the daemon's (same method names
 * and permission flags as ctl_handlers[]): they read the decoded request
 * as the real ones do (its strings through the same conf_read_* readers),
 * answer with an empty reply of the method's output type, an Error, or,
 * for a streaming method, one item and keep the request until the client
 * goes (its cancel callback must run).
 *
 * Invariants (abort when broken): the server closes the client after its
 * EOF within 10 s; every answer frame has a known flag combination, a
 * length within CTL_MAX_PAYLOAD and a payload that decodes (an Error for
 * CTL_F_ERROR, the method's output otherwise); no client and no kept
 * request remain afterwards.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "bgpd/control/ctl.h"
#include "bgpd/control/ctl_handlers.h"
#include "bgpd/conf/conf.h"
#include "tests/fuzz/fuzz.h"

#define MAX_HANDLERS	64
#define HANG_S		10.0

static struct {
	struct ev_loop		*loop;
	struct ctl_server	*srv;
	struct ctl_handler	 handlers[MAX_HANDLERS];
	char			 dir[64];
	char			 path[128];
	char			*group;
	unsigned		 kept;		/* streams waiting for cancel */
} fz;

/* One client connection of one input. */
struct client {
	ev_io		 rio, wio;
	ev_timer	 hang;
	int		 fd;
	const uint8_t	*data;
	size_t		 size, sent;
	uint8_t		*in;		/* answers read so far */
	size_t		 in_len, in_cap;
	bool		 done;
};

/* ---- handlers ---------------------------------------------------------- */

static void
on_cancel(struct ctl_request *req, void *arg)
{
	if (fz.kept == 0)
		fuzz_fail("cancel of a request that was not kept");
	fz.kept--;
}

/* Read each string of the request as the real handlers read their
 * arguments: an address, a prefix, a neighbor name. */
static unsigned
read_strings(const ProtobufCMessage *in)
{
	const ProtobufCMessageDescriptor	*d = in->descriptor;
	const char				*s;
	struct conf_prefix			 p;
	struct in_addr				 a;
	struct in6_addr				 a6;
	uint8_t					 af;
	char					 why[256];
	unsigned				 i, sum = 0;

	for (i = 0; i < d->n_fields; i++) {
		if (d->fields[i].type != PROTOBUF_C_TYPE_STRING ||
		    d->fields[i].label == PROTOBUF_C_LABEL_REPEATED)
			continue;
		s = *(char *const *)(const void *)((const char *)in +
		    d->fields[i].offset);
		if (s == NULL)
			continue;
		sum += (unsigned)strlen(s);
		(void)conf_read_prefix(s, &p, why, sizeof(why));
		(void)conf_read_addr(s, &a, why, sizeof(why));
		(void)conf_read_inet(s, &af, &a6, why, sizeof(why));
	}
	return sum;
}

static int
handler(struct ctl_request *req, const ProtobufCMessage *in, void *arg)
{
	const ProtobufCMethodDescriptor	*md;
	ProtobufCMessage		*out;
	size_t				 packed;
	unsigned			 n;

	md = ctl_method((uint32_t)ctl_method_index(ctl_request_method(req)));
	if (md == NULL || in->descriptor != md->input)
		fuzz_fail("handler got a %s for %s", in->descriptor->name,
		    ctl_request_method(req));
	n = read_strings(in);
	packed = protobuf_c_message_get_packed_size(in);
	if (packed % 7 == 3)
		return -1;		/* a handler that fails */
	if (n % 5 == 1) {
		(void)ctl_error(req, VTIBGP__ERROR_CODE__ERROR_NOT_FOUND,
		    "nothing called %u", n);
		return 0;
	}
	if ((out = calloc(1, md->output->sizeof_message)) == NULL)
		return -1;
	protobuf_c_message_init(md->output, out);
	if (strcmp(md->name, "Watch") == 0) {
		(void)ctl_stream(req, out);
		if (packed % 2 == 0) {
			fz.kept++;
			ctl_set_cancel(req, on_cancel, NULL);
		} else
			(void)ctl_end(req);
	} else
		(void)ctl_reply(req, out);
	free(out);
	return 0;
}

/* ---- the server, once ----------------------------------------------------- */

static void
cleanup(void)
{
	ctl_server_close(fz.srv);
	fz.srv = NULL;
	rmdir(fz.dir);
}

static void
setup(void)
{
	const struct ctl_handler	*h;
	struct group			*gr;
	size_t				 i = 0;

	log_init("fuzz_ctl", true, false);
	snprintf(fz.dir, sizeof(fz.dir), "/tmp/vtb-fuzz-ctl.XXXXXX");
	if (mkdtemp(fz.dir) == NULL)
		fuzz_fail("mkdtemp: %s", strerror(errno));
	snprintf(fz.path, sizeof(fz.path), "%s/ctl.sock", fz.dir);
	for (h = ctl_handlers; h->method != NULL && i < MAX_HANDLERS - 1;
	    h++, i++) {
		fz.handlers[i] = *h;
		fz.handlers[i].fn = handler;
	}
	fz.loop = ev_loop_new(EVFLAG_AUTO);
	if (fz.loop == NULL ||
	    (fz.srv = ctl_server_open(fz.loop, fz.path, fz.handlers,
	    NULL)) == NULL)
		fuzz_fail("cannot open the control server at %s", fz.path);
	if ((gr = getgrgid(getegid())) != NULL)
		fz.group = strdup(gr->gr_name);
	atexit(cleanup);
}

/* ---- the client ------------------------------------------------------------ */

/* Check the answers: whole frames, known flags, payloads that decode. */
static void
check_answers(const struct client *c)
{
	const ProtobufCMethodDescriptor	*md;
	const ProtobufCMessageDescriptor *d;
	ProtobufCMessage		*m;
	uint32_t			 word, id, len, flags;
	size_t				 off = 0;

	while (c->in_len - off >= CTL_HDR_LEN) {
		ctl_hdr_decode(c->in + off, &word, &id, &len);
		flags = word & CTL_FLAG_MASK;
		if (len > CTL_MAX_PAYLOAD || (flags != 0 &&
		    flags != CTL_F_MORE && flags != CTL_F_ERROR &&
		    flags != CTL_F_END))
			fuzz_fail("answer with flags %#x, length %u", flags,
			    len);
		if (c->in_len - off - CTL_HDR_LEN < len)
			fuzz_fail("answer frame cut short");
		md = ctl_method(word & CTL_METHOD_MASK);
		d = flags == CTL_F_ERROR ? &vtibgp__error__descriptor :
		    md != NULL ? md->output : NULL;
		if (flags == CTL_F_END && len != 0)
			fuzz_fail("END frame with a payload");
		if (d == NULL && flags != CTL_F_END)
			fuzz_fail("answer for unknown method %u without an "
			    "Error flag", word & CTL_METHOD_MASK);
		if (d != NULL && flags != CTL_F_END) {
			m = protobuf_c_message_unpack(d, NULL, len,
			    c->in + off + CTL_HDR_LEN);
			if (m == NULL)
				fuzz_fail("answer does not decode as %s",
				    d->name);
			protobuf_c_message_free_unpacked(m, NULL);
		}
		off += CTL_HDR_LEN + len;
	}
	if (off != c->in_len)
		fuzz_fail("%zu octets after the last whole answer",
		    c->in_len - off);
}

static void
on_readable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct client	*c = w->data;
	uint8_t		*p;
	size_t		 cap;
	ssize_t		 n;

	if (c->in_cap - c->in_len < 4096) {
		cap = c->in_cap ? c->in_cap * 2 : 16384;
		if ((p = realloc(c->in, cap)) == NULL)
			fuzz_fail("out of memory");
		c->in = p;
		c->in_cap = cap;
	}
	n = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
	if (n > 0) {
		c->in_len += (size_t)n;
		return;
	}
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	c->done = true;		/* EOF (or reset): the server closed */
	ev_break(loop, EVBREAK_ONE);
}

static void
on_writable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct client	*c = w->data;
	ssize_t		 n = 0;

	if (c->sent < c->size)
		n = send(c->fd, c->data + c->sent, c->size - c->sent,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0)
		c->sent += (size_t)n;
	if (n == -1 || c->sent == c->size) {	/* all sent, or refused */
		ev_io_stop(loop, w);
		shutdown(c->fd, SHUT_WR);
	}
}

static void
on_hang(struct ev_loop *loop, ev_timer *w, int revents)
{
	fuzz_fail("the server did not close the client within %.0f s",
	    HANG_S);
}

static int
client_connect(void)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, fz.path, strlen(fz.path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1 || (connect(fd, (struct sockaddr *)&sun,
	    sizeof(sun)) == -1 && errno != EAGAIN))
		fuzz_fail("connect %s: %s", fz.path, strerror(errno));
	return fd;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct client	c;

	if (fz.srv == NULL)
		setup();
	/* Odd sizes: only root may change state (permission denied
	 * unless the fuzzer runs as root); even: our group may. */
	ctl_server_set_group(fz.srv, size % 2 ? NULL : fz.group);
	memset(&c, 0, sizeof(c));
	c.data = data;
	c.size = size;
	c.fd = client_connect();
	ev_io_init(&c.rio, on_readable, c.fd, EV_READ);
	ev_io_init(&c.wio, on_writable, c.fd, EV_WRITE);
	ev_timer_init(&c.hang, on_hang, HANG_S, 0.);
	c.rio.data = c.wio.data = &c;
	ev_io_start(fz.loop, &c.rio);
	ev_io_start(fz.loop, &c.wio);
	ev_timer_start(fz.loop, &c.hang);
	while (!c.done)
		ev_run(fz.loop, EVRUN_ONCE);
	ev_io_stop(fz.loop, &c.rio);
	ev_io_stop(fz.loop, &c.wio);
	ev_timer_stop(fz.loop, &c.hang);
	close(c.fd);
	/* EOF on our side: client_close() ran, cancels included. */
	if (ctl_server_clients(fz.srv) != 0 || fz.kept != 0)
		fuzz_fail("%zu clients and %u kept requests left",
		    ctl_server_clients(fz.srv), fz.kept);
	check_answers(&c);
	free(c.in);
	return 0;
}

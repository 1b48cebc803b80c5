/* SPDX-License-Identifier: ISC */
/*
 * ctl_request.c: the requests of the control socket: each complete frame
 * checked (method, permission, open requests, strings) and decoded with
 * its method's input descriptor, the handler called, and its answers
 * (ctl_reply, ctl_stream, ctl_end, ctl_error) queued on the client.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "bgpd/control/ctl_server_impl.h"
#include "bgpd/util/utf8.h"

static void
req_free(struct ctl_request *req)
{
	if (req->client != NULL) {
		TAILQ_REMOVE(&req->client->reqs, req, entry);
		req->client->n_reqs--;
	}
	free(req);
}

/* The request is answered: free it now, or after its handler returns. */
static void
req_finish(struct ctl_request *req)
{
	req->state = REQ_DONE;
	if (!req->in_handler)
		req_free(req);
}

static bool
req_usable(const struct ctl_request *req)
{
	return req->state == REQ_OPEN && !req->client->dropped;
}

static int
req_send(struct ctl_request *req, uint32_t flags, const ProtobufCMessage *m)
{
	int	rc;

	rc = client_send(req->client, req->method | flags, req->id, m);
	if (rc == -2) {
		client_warnx(req->client, "%s: reply over %u octets",
		    ctl_request_method(req), CTL_MAX_PAYLOAD);
		if (flags == CTL_F_MORE)
			return -1;
		client_send_error(req->client, req->method, req->id,
		    VTIBGP__ERROR_CODE__ERROR_TOO_LARGE,
		    "the reply is larger than %u octets", CTL_MAX_PAYLOAD);
		return -1;
	}
	return rc;
}

int
ctl_reply(struct ctl_request *req, const ProtobufCMessage *m)
{
	int	rc = -1;

	if (req->state != REQ_OPEN)
		return -1;
	if (req_usable(req))
		rc = req_send(req, 0, m);
	req_finish(req);
	return rc;
}

int
ctl_stream(struct ctl_request *req, const ProtobufCMessage *m)
{
	if (!req_usable(req))
		return -1;
	return req_send(req, CTL_F_MORE, m);
}

int
ctl_stream_packed(struct ctl_request *req, const uint8_t *payload,
    size_t len)
{
	if (!req_usable(req))
		return -1;
	return client_queue(req->client, req->method | CTL_F_MORE, req->id,
	    NULL, payload, len) == 0 ? 0 : -1;
}

bool
ctl_request_room(const struct ctl_request *req, size_t queue_limit)
{
	const struct ctl_client	*c = req->client;

	return req_usable(req) && c->out_len - c->out_off < queue_limit &&
	    limits_mem_room(c);
}

int
ctl_end(struct ctl_request *req)
{
	int	rc = -1;

	if (req->state != REQ_OPEN)
		return -1;
	if (req_usable(req))
		rc = client_send(req->client, req->method | CTL_F_END, req->id,
		    NULL);
	req_finish(req);
	return rc;
}

int
ctl_error(struct ctl_request *req, Vtibgp__ErrorCode code, const char *fmt,
    ...)
{
	Vtibgp__Error	err;
	char		msg[512];
	va_list		ap;
	int		rc = -1;

	vtibgp__error__init(&err);
	if (req->state != REQ_OPEN)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err.code = code;
	err.message = msg;
	if (req_usable(req))
		rc = client_send(req->client, req->method | CTL_F_ERROR,
		    req->id, &err.base);
	req_finish(req);
	return rc;
}

void
ctl_set_cancel(struct ctl_request *req, ctl_cancel_fn fn, void *arg)
{
	req->cancel = fn;
	req->cancel_arg = arg;
}

const struct ctl_peer *
ctl_request_peer(const struct ctl_request *req)
{
	return &req->peer;
}

bool
ctl_request_operator(const struct ctl_request *req)
{
	return req->operator;
}

struct ctl_server *
ctl_request_server(const struct ctl_request *req)
{
	return req->client != NULL ? req->client->srv : NULL;
}

const char *
ctl_request_method(const struct ctl_request *req)
{
	return ctl_method(req->method)->name;
}

/* The client went: each open request hears it, then is freed. */
void
client_cancel_requests(struct ctl_client *c)
{
	struct ctl_request	*req;

	while ((req = TAILQ_FIRST(&c->reqs)) != NULL) {
		TAILQ_REMOVE(&c->reqs, req, entry);
		c->n_reqs--;
		req->client = NULL;
		req->state = REQ_CANCELLED;
		if (req->cancel != NULL)
			req->cancel(req, req->cancel_arg);
		free(req);
	}
}

/* Call the handler of a decoded request; the request is freed here. */
static void
dispatch_call(struct ctl_client *c, const struct ctl_handler *h,
    const ProtobufCMessage *in)
{
	struct ctl_request	*req;
	int			 rc;

	if ((req = calloc(1, sizeof(*req))) == NULL) {
		client_send_error(c, c->word, c->id,
		    VTIBGP__ERROR_CODE__ERROR_INTERNAL, "out of memory");
		return;
	}
	req->client = c;
	req->method = c->word;
	req->id = c->id;
	req->peer = c->peer;
	req->operator = c->who->operator;
	TAILQ_INSERT_TAIL(&c->reqs, req, entry);
	c->n_reqs++;
	req->in_handler = true;
	rc = h->fn(req, in, c->srv->arg);
	if (req->state == REQ_OPEN && rc == -1)
		ctl_error(req, VTIBGP__ERROR_CODE__ERROR_INTERNAL,
		    "%s failed", h->method);
	req->in_handler = false;
	if (req->state == REQ_OPEN && req->cancel == NULL)
		fatalx("ctl: handler of %s kept a request without a cancel "
		    "callback", h->method);
	if (req->state != REQ_OPEN)
		req_free(req);
}

/* One string field: at most CTL_MAX_STRING octets of printable UTF-8. */
static int
check_string(const ProtobufCMessageDescriptor *d,
    const ProtobufCFieldDescriptor *f, const char *s, char *why, size_t len)
{
	size_t	n = strlen(s), bad;

	if (n > CTL_MAX_STRING) {
		snprintf(why, len, "%s.%s: %zu octets, more than %u",
		    d->short_name, f->name, n, CTL_MAX_STRING);
		return -1;
	}
	if (utf8_check_printable(s, n, &bad) == -1) {
		snprintf(why, len, "%s.%s: not printable UTF-8 (octet 0x%02x "
		    "at offset %zu): control characters and invalid UTF-8 are "
		    "refused", d->short_name, f->name, (uint8_t)s[bad], bad);
		return -1;
	}
	return 0;
}

/*
 * Every string in a request, nested messages included: what a client
 * writes may reach the log, the neighbor state every reader sees, or a
 * peer's NOTIFICATION.  0, or -1 with why.
 */
static int
check_strings(const ProtobufCMessage *m, char *why, size_t len)
{
	const ProtobufCMessageDescriptor	*d = m->descriptor;
	const ProtobufCFieldDescriptor		*f;
	const uint8_t				*base = (const uint8_t *)m;
	const void				*v, *const *vs;
	size_t					 n, j;
	unsigned				 i;

	for (i = 0; i < d->n_fields; i++) {
		f = &d->fields[i];
		if (f->type != PROTOBUF_C_TYPE_STRING &&
		    f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			memcpy(&n, base + f->quantifier_offset, sizeof(n));
			memcpy(&vs, base + f->offset, sizeof(vs));
		} else {
			n = 1;
			vs = (const void *const *)(base + f->offset);
		}
		for (j = 0; j < n; j++) {
			if ((v = vs[j]) == NULL)
				continue;
			if (f->type == PROTOBUF_C_TYPE_STRING ?
			    check_string(d, f, v, why, len) == -1 :
			    check_strings(v, why, len) == -1)
				return -1;
		}
	}
	return 0;
}

/* One complete frame from c: check, decode, dispatch. */
void
client_dispatch(struct ctl_client *c)
{
	const ProtobufCMethodDescriptor	*md;
	const struct ctl_handler	*h;
	ProtobufCMessage		*in;
	uint32_t			 idx = c->word & CTL_METHOD_MASK;
	char				 why[256];

	c->last_active = ev_now(c->srv->loop);
	if ((md = ctl_method(idx)) == NULL) {
		c->srv->st.refused_bad++;
		client_warnx(c, "unknown method %u", idx);
		client_send_error(c, c->word, c->id,
		    VTIBGP__ERROR_CODE__ERROR_UNKNOWN_METHOD,
		    "unknown method %u", idx);
		return;
	}
	if ((h = c->srv->by_index[idx]) == NULL) {
		client_send_error(c, c->word, c->id,
		    VTIBGP__ERROR_CODE__ERROR_NOT_IMPLEMENTED,
		    "%s is not available in this version", md->name);
		return;
	}
	if (h->changes_state && !limits_may_change_state(c->srv, &c->peer)) {
		c->srv->st.refused_denied++;
		client_warnx(c, "%s: permission denied", md->name);
		client_send_error(c, c->word, c->id,
		    VTIBGP__ERROR_CODE__ERROR_PERMISSION_DENIED,
		    "permission denied: %s needs root or group %s", md->name,
		    c->srv->group ? c->srv->group : "(none)");
		return;
	}
	if (c->n_reqs >= CTL_MAX_REQUESTS) {
		c->srv->st.refused_busy++;
		client_warnx(c, "%s: over %u open requests", md->name,
		    CTL_MAX_REQUESTS);
		client_send_error(c, c->word, c->id,
		    VTIBGP__ERROR_CODE__ERROR_BUSY,
		    "more than %u open requests", CTL_MAX_REQUESTS);
		return;
	}
	in = protobuf_c_message_unpack(md->input, NULL, c->len,
	    c->payload != NULL ? c->payload : (const uint8_t *)"");
	if (in == NULL) {
		c->srv->st.refused_bad++;
		client_warnx(c, "%s: undecodable request", md->name);
		client_send_error(c, c->word, c->id,
		    VTIBGP__ERROR_CODE__ERROR_BAD_REQUEST,
		    "%s: the request does not decode as %s", md->name,
		    md->input->name);
		return;
	}
	if (check_strings(in, why, sizeof(why)) == -1) {
		c->srv->st.refused_bad++;
		client_warnx(c, "%s: refused: %s", md->name, why);
		client_send_error(c, c->word, c->id,
		    VTIBGP__ERROR_CODE__ERROR_BAD_REQUEST, "%s", why);
	} else
		dispatch_call(c, h, in);
	protobuf_c_message_free_unpacked(in, NULL);
}

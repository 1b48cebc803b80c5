/* SPDX-License-Identifier: ISC */
/*
 * ctl_json.c: any protobuf-c message as JSON, by walking its descriptor:
 * one formatter for every reply of the control protocol, with the field
 * names of proto/vtibgp.proto.  See ctl_fmt.h for the mapping.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "bgpctl/ctl_fmt.h"
#include "bgpd/util/utf8.h"

struct jw {
	FILE	*f;
	bool	 pretty;
};

static void	json_message(struct jw *, const ProtobufCMessage *, int depth);

static void
indent(struct jw *w, int depth)
{
	int	i;

	if (!w->pretty)
		return;
	fputc('\n', w->f);
	for (i = 0; i < depth; i++)
		fputs("  ", w->f);
}

void
ctl_json_string(FILE *f, const char *s)
{
	const unsigned char	*p = (const unsigned char *)(s ? s : "");
	size_t			 n;

	fputc('"', f);
	for (; *p != '\0'; p += n) {
		n = 1;
		switch (*p) {
		case '"':	fputs("\\\"", f); continue;
		case '\\':	fputs("\\\\", f); continue;
		case '\n':	fputs("\\n", f); continue;
		case '\r':	fputs("\\r", f); continue;
		case '\t':	fputs("\\t", f); continue;
		default:	break;
		}
		if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else if ((n = utf8_seq_len(p, strnlen((const char *)p,
		    4))) == 0) {
			fputs("\\ufffd", f);
			n = 1;
		} else
			fwrite(p, 1, n, f);
	}
	fputc('"', f);
}

static void
json_base64(FILE *f, const ProtobufCBinaryData *b)
{
	static const char	abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t			i;
	uint32_t		v;

	fputc('"', f);
	for (i = 0; i + 2 < b->len; i += 3) {
		v = (uint32_t)b->data[i] << 16 | b->data[i + 1] << 8 |
		    b->data[i + 2];
		fprintf(f, "%c%c%c%c", abc[v >> 18], abc[v >> 12 & 63],
		    abc[v >> 6 & 63], abc[v & 63]);
	}
	if (b->len - i == 1) {
		v = (uint32_t)b->data[i] << 16;
		fprintf(f, "%c%c==", abc[v >> 18], abc[v >> 12 & 63]);
	} else if (b->len - i == 2) {
		v = (uint32_t)b->data[i] << 16 | b->data[i + 1] << 8;
		fprintf(f, "%c%c%c=", abc[v >> 18], abc[v >> 12 & 63],
		    abc[v >> 6 & 63]);
	}
	fputc('"', f);
}

static void
json_double(FILE *f, double d, int digits)
{
	if (isfinite(d))
		fprintf(f, "%.*g", digits, d);
	else
		fputs("null", f);
}

static void
json_enum(FILE *f, const ProtobufCEnumDescriptor *ed, int value)
{
	const ProtobufCEnumValue	*ev;

	ev = protobuf_c_enum_descriptor_get_value(ed, value);
	if (ev != NULL)
		ctl_json_string(f, ev->name);
	else
		fprintf(f, "%d", value);
}

/* The size of one element of a field of this type in a message. */
static size_t
elem_size(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return sizeof(uint64_t);
	case PROTOBUF_C_TYPE_DOUBLE:
		return sizeof(double);
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_STRING:
		return sizeof(char *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(ProtobufCMessage *);
	default:
		return sizeof(uint32_t);	/* 32-bit, float, enum */
	}
}

/* One value of field fd stored at p. */
static void
json_value(struct jw *w, const ProtobufCFieldDescriptor *fd, const void *p,
    int depth)
{
	const ProtobufCMessage	*sub;

	switch (fd->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		fprintf(w->f, "%" PRId32, *(const int32_t *)p);
		break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		fprintf(w->f, "%" PRIu32, *(const uint32_t *)p);
		break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		fprintf(w->f, "%" PRId64, *(const int64_t *)p);
		break;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		fprintf(w->f, "%" PRIu64, *(const uint64_t *)p);
		break;
	case PROTOBUF_C_TYPE_FLOAT:
		json_double(w->f, *(const float *)p, 9);
		break;
	case PROTOBUF_C_TYPE_DOUBLE:
		json_double(w->f, *(const double *)p, 17);
		break;
	case PROTOBUF_C_TYPE_BOOL:
		fputs(*(const protobuf_c_boolean *)p ? "true" : "false", w->f);
		break;
	case PROTOBUF_C_TYPE_ENUM:
		json_enum(w->f, fd->descriptor, *(const int *)p);
		break;
	case PROTOBUF_C_TYPE_STRING:
		ctl_json_string(w->f, *(char *const *)p);
		break;
	case PROTOBUF_C_TYPE_BYTES:
		json_base64(w->f, p);
		break;
	case PROTOBUF_C_TYPE_MESSAGE:
		sub = *(ProtobufCMessage *const *)p;
		if (sub == NULL)
			fputs("null", w->f);
		else
			json_message(w, sub, depth);
		break;
	}
}

static void
json_repeated(struct jw *w, const ProtobufCFieldDescriptor *fd,
    const char *base, int depth)
{
	const char	*elems = *(const char *const *)(base + fd->offset);
	size_t		 n = *(const size_t *)(base + fd->quantifier_offset);
	size_t		 i, size = elem_size(fd->type);

	fputc('[', w->f);
	for (i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', w->f);
		indent(w, depth + 1);
		json_value(w, fd, elems + i * size, depth + 1);
	}
	if (n > 0)
		indent(w, depth);
	fputc(']', w->f);
}

/* Is field fd of the message at base present?  (Only oneofs are not:
 * the other fields print their defaults, or null.) */
static bool
field_shown(const ProtobufCFieldDescriptor *fd, const char *base)
{
	if (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
		return *(const uint32_t *)(base + fd->quantifier_offset) ==
		    fd->id;
	return true;
}

/* proto2 optional scalars without their has_ flag print as null. */
static bool
field_null(const ProtobufCFieldDescriptor *fd, const char *base)
{
	if (fd->label != PROTOBUF_C_LABEL_OPTIONAL ||
	    (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
		return false;
	switch (fd->type) {
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_MESSAGE:
		return false;
	default:
		return !*(const protobuf_c_boolean *)(base +
		    fd->quantifier_offset);
	}
}

static void
json_message(struct jw *w, const ProtobufCMessage *m, int depth)
{
	const ProtobufCMessageDescriptor	*md = m->descriptor;
	const ProtobufCFieldDescriptor		*fd;
	const char				*base = (const char *)m;
	unsigned				 i, shown = 0;

	fputc('{', w->f);
	for (i = 0; i < md->n_fields; i++) {
		fd = &md->fields[i];
		if (!field_shown(fd, base))
			continue;
		if (shown++ > 0)
			fputc(',', w->f);
		indent(w, depth + 1);
		ctl_json_string(w->f, fd->name);
		fputs(w->pretty ? ": " : ":", w->f);
		if (fd->label == PROTOBUF_C_LABEL_REPEATED)
			json_repeated(w, fd, base, depth + 1);
		else if (field_null(fd, base))
			fputs("null", w->f);
		else
			json_value(w, fd, base + fd->offset, depth + 1);
	}
	if (shown > 0)
		indent(w, depth);
	fputc('}', w->f);
}

void
ctl_json_write(FILE *f, const ProtobufCMessage *m, bool pretty, int depth)
{
	struct jw	w = { f, pretty };

	json_message(&w, m, depth);
}

void
ctl_json_print(FILE *f, const ProtobufCMessage *m, bool pretty)
{
	ctl_json_write(f, m, pretty, 0);
	fputc('\n', f);
}

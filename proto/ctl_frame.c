/* SPDX-License-Identifier: ISC */
/*
 * ctl_frame.c: what both ends of the control socket share: the frame
 * header and the methods of the generated service descriptor.
 */
#include "config.h"

#include <string.h>

#include "proto/ctl_frame.h"

static void
put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

void
ctl_hdr_encode(uint8_t hdr[CTL_HDR_LEN], uint32_t word, uint32_t id,
    uint32_t len)
{
	put_u32(hdr, word);
	put_u32(hdr + 4, id);
	put_u32(hdr + 8, len);
}

void
ctl_hdr_decode(const uint8_t hdr[CTL_HDR_LEN], uint32_t *word, uint32_t *id,
    uint32_t *len)
{
	*word = get_u32(hdr);
	*id = get_u32(hdr + 4);
	*len = get_u32(hdr + 8);
}

const ProtobufCMethodDescriptor *
ctl_method(uint32_t index)
{
	if (index >= vtibgp__control__descriptor.n_methods)
		return NULL;
	return &vtibgp__control__descriptor.methods[index];
}

int
ctl_method_index(const char *name)
{
	const ProtobufCMethodDescriptor	*m;

	m = protobuf_c_service_descriptor_get_method_by_name(
	    &vtibgp__control__descriptor, name);
	if (m == NULL)
		return -1;
	return (int)(m - vtibgp__control__descriptor.methods);
}

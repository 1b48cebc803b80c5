/* SPDX-License-Identifier: ISC */
/*
 * ctl_frame.h: the frames of the control socket, as both ends read and
 * write them (proto/vtibgp.proto, "Framing"): a header of three
 * big-endian 32-bit words (method index and flags, request id, payload
 * length), then the payload, a message of the generated service
 * descriptor.  The daemon's server is bgpd/control/, the client bgpctl/.
 */
#ifndef VTB_CTL_FRAME_H
#define VTB_CTL_FRAME_H

#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "proto/vtibgp.pb-c.h"

/* Frames: three big-endian 32-bit words, then the payload. */
#define CTL_HDR_LEN		12
#define CTL_MAX_PAYLOAD		(1024U * 1024U)
#define CTL_METHOD_MASK		0x00ffffffU
#define CTL_FLAG_MASK		0xff000000U
#define CTL_F_MORE		0x20000000U	/* streamed; more follow */
#define CTL_F_ERROR		0x40000000U	/* payload is an Error; last */
#define CTL_F_END		0x80000000U	/* end of stream; last */

void		 ctl_hdr_encode(uint8_t hdr[CTL_HDR_LEN], uint32_t word,
		    uint32_t id, uint32_t len);
void		 ctl_hdr_decode(const uint8_t hdr[CTL_HDR_LEN], uint32_t *word,
		    uint32_t *id, uint32_t *len);

/* The method with this index or rpc name, or NULL / -1. */
const ProtobufCMethodDescriptor *ctl_method(uint32_t index);
int		 ctl_method_index(const char *name);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * ctl_fmt.h: how vtibgpctl prints the daemon's replies: one formatter per
 * format.  JSON is generic (it walks any message through its descriptor,
 * so field names are those of proto/vtibgp.proto); text has one function
 * per reply type, aligned like bgpctl; Prometheus text comes ready-made
 * from the daemon (MetricsReply) and is printed as it is.
 */
#ifndef VTB_CTL_FMT_H
#define VTB_CTL_FMT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <protobuf-c/protobuf-c.h>

/*
 * Write m as a JSON object, without a final newline.  Every field is
 * present (defaults included, an absent message is null, a oneof only
 * when set); enums by value name ("ESTABLISHED"), 64-bit integers as
 * numbers, bytes as base64, strings escaped (invalid UTF-8 becomes
 * U+FFFD).  pretty: one member per line, indented two spaces per level,
 * the object's own lines at depth levels; else one line, no spaces.
 */
void	ctl_json_write(FILE *, const ProtobufCMessage *m, bool pretty,
	    int depth);

/* ctl_json_write at depth 0, then a newline. */
void	ctl_json_print(FILE *, const ProtobufCMessage *m, bool pretty);

/* A JSON string literal for s (quotes included). */
void	ctl_json_string(FILE *, const char *s);

/*
 * Print reply m as text for an operator.  seq counts the replies of one
 * command (0 first: pages of routes and streams print their heading
 * once).  A type without a text formatter prints as JSON.
 */
void	ctl_text_print(FILE *, const ProtobufCMessage *m, unsigned seq);

/* "01:02:03" under a day, "2d03h04m" under a week, "03w2d05h" beyond. */
const char *ctl_fmt_duration(uint64_t ms, char *buf, size_t len);

#endif

/*
 * import_impl.h: what the files of the AWS importer share.  Not for use
 * outside bgpd/import_*.c.
 */
#ifndef VTB_IMPORT_IMPL_H
#define VTB_IMPORT_IMPL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether text is UTF-16 (Windows Notepad's "Unicode"): it starts with a
 * UTF-16 byte order mark, or its first characters each have a NUL byte
 * before or after them.
 */
bool	import_is_utf16(const char *text, size_t len);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text from a dump (comms, map and BTF names, exit messages) is bytes,
 * and hostile: not always UTF-8, and it may hold terminal escapes. Every
 * output writes it through here, in one form (docs/json.md, "Strings"):
 * well-formed UTF-8 (RFC 3629) as it is, a backslash doubled, and each
 * byte of an ill-formed sequence as \xHH; on a terminal (and in the
 * page's title) control characters as \xHH too.
 */
#ifndef SCXDUMP_TEXTOUT_H
#define SCXDUMP_TEXTOUT_H

#include <stddef.h>
#include <stdio.h>

/* @s is a dump's bytes, not yet in this form: its backslashes are doubled */
#define TEXT_RAW	1u
/* C0 controls (tab and newline too), DEL and C1 (U+0080-U+009F) as \xHH */
#define TEXT_CONTROLS	2u
/* the most bytes text_escape() writes for one byte of @s */
#define TEXT_ESCAPE_MAX	4

/* The length of the well-formed UTF-8 sequence at @s (Unicode Table 3-7), 0 if none. */
size_t utf8_len(const void *s, size_t n);
/* @len bytes of @s escaped @how into @out (TEXT_ESCAPE_MAX * @len bytes): its length. */
size_t text_escape(char *out, const void *s, size_t len, unsigned int how);
/* The same in a new NUL-terminated string (free it), or NULL without memory. */
char *text_dup(const void *s, size_t len, unsigned int how);

/*
 * For a terminal, padded with spaces to @width characters (0: none):
 * @len bytes of a dump; a char[@max] field of one, which may lack its
 * NUL; a string read back from this tool's own JSON (already escaped).
 */
void text_bytes(FILE *out, const void *s, size_t len, int width);
void text_fixed(FILE *out, const char *s, size_t max, int width);
void text_parsed(FILE *out, const char *s, int width);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scxdump html: a dump as one self-contained HTML page (html.c): the JSON
 * of decode inside it, drawn into a report by the page's own script.
 */
#ifndef SCXDUMP_HTML_H
#define SCXDUMP_HTML_H

#include <stdio.h>
#include "decode.h"

/* The page on @out; @title names the dump in it. 0, -ENOMEM or -EIO. */
int html_report(const struct dump_index *x, FILE *out, const struct decode_opts *o,
		const char *title);

#endif

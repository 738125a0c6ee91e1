// SPDX-License-Identifier: GPL-2.0
/*
 * scxdump html: a dump as one self-contained page. The JSON of decode
 * (decode_json(), docs/json.md) goes into the page as it is written, in a
 * <script type="application/json"> element, with '<', '>' and '&' written
 * as \u escapes so that no text of the dump can close the element (DEL
 * and C1 controls too, so that none is in the page raw); the page's own
 * script (below, no library) builds the report from it in the browser:
 * the exit, the scheduler tree, the core state, the timeline, the arena
 * allocators, a table of maps and each map's entries (rendered a thousand
 * rows at a time, when its section is opened, with a filter), per-CPU
 * values as bar charts and arena pages as a picture. Nothing is
 * loaded from anywhere: the page's Content-Security-Policy forbids it.
 * The address may name what to open: #all every section, #map-N the map
 * of index N, #map-N:TEXT that map's rows holding TEXT. When drawn, the
 * page sets data-ready="1" on its body; an error of its script is shown
 * on top of it (and on the browser's console).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include "html.h"
#include "textout.h"

/*
 * The page's style and its two scripts, html/report.css,
 * html/report-errors.js (first: it shows the errors of the rest on the
 * page) and html/report.js (it draws the report from the JSON), built
 * into the tool as strings (html/embed.sh, with the hash of each script
 * for the page's Content-Security-Policy): the tool needs no file beside
 * it.
 */
#include "html_assets.h"

static const char html_head[] =
	"<!DOCTYPE html>\n"
	"<html lang=\"en\">\n"
	"<head>\n"
	"<meta charset=\"utf-8\">\n"
	"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	"script-src 'sha256-" HTML_ONERROR_SHA256 "' 'sha256-" HTML_JS_SHA256 "'; "
	"style-src 'unsafe-inline'; img-src data:\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<meta name=\"generator\" content=\"scxdump html\">\n";

static const char html_body[] =
	"</head>\n"
	"<body>\n"
	"<div id=\"js-errors\" hidden><b>The page's script failed: the report may be "
	"incomplete.</b><ul></ul></div>\n";

static const char html_app[] =
	"<div id=\"app\"><noscript>This report is drawn by its script: allow JavaScript. "
	"The decoded dump is in the page as JSON (the script element with id dump).</noscript>"
	"<p>Rendering the dump...</p></div>\n"
	"<script type=\"application/json\" id=\"dump\">\n";

/*
 * The JSON's writer: into the page, escaped for a script element, and
 * with no control character raw in the page: the JSON's strings hold DEL
 * and C1 (U+0080-U+009F, C2 80-9F) as they are, \u escapes here. A C2
 * at the end of one write waits for the next.
 */
struct html_json {
	FILE *out;
	bool failed;
	bool c2;	/* the last write ended with a C2 not yet written */
};

static ssize_t html_json_write(void *cookie, const char *buf, size_t size)
{
	struct html_json *h = cookie;
	const unsigned char *p = (const unsigned char *)buf;
	size_t i, start = 0, skip;
	char c1[8];

	if (h->c2) {
		h->c2 = false;
		if (!size || p[0] < 0x80 || p[0] > 0x9f) {
			if (fputc(0xc2, h->out) == EOF)
				goto fail;
		} else {
			snprintf(c1, sizeof(c1), "\\u%04x", p[0]);
			if (fputs(c1, h->out) == EOF)
				goto fail;
			start = 1;
		}
	}
	for (i = start; i < size; i++) {
		const char *esc;

		skip = 1;
		/* only inside JSON strings: the escape is the same string */
		switch (p[i]) {
		case '<': esc = "\\u003c"; break;
		case '>': esc = "\\u003e"; break;
		case '&': esc = "\\u0026"; break;
		case 0x7f: esc = "\\u007f"; break;
		case 0xc2:
			if (i + 1 == size) {
				esc = "";
				h->c2 = true;
				break;
			}
			if (p[i + 1] < 0x80 || p[i + 1] > 0x9f)
				continue;
			snprintf(c1, sizeof(c1), "\\u%04x", p[i + 1]);
			esc = c1;
			skip = 2;
			break;
		default: continue;
		}
		if (fwrite(buf + start, 1, i - start, h->out) != i - start ||
		    fputs(esc, h->out) == EOF)
			goto fail;
		start = i + skip;
		i += skip - 1;
	}
	if (fwrite(buf + start, 1, size - start, h->out) != size - start)
		goto fail;
	return (ssize_t)size;
fail:
	h->failed = true;
	return 0;
}

/*
 * An inline script: the element, a newline and @text, what its CSP hash
 * is of (html/embed.sh).
 */
static void html_script(FILE *out, const char *text)
{
	fputs("<script>\n", out);
	fputs(text, out);
	fputs("</script>\n", out);
}

/* @s as HTML text: escaped as the dump's text is (textout.h), then for HTML. */
static void html_text(FILE *out, const char *raw)
{
	char *t = text_dup(raw, strlen(raw), TEXT_RAW | TEXT_CONTROLS), *s;

	for (s = t ? t : "?"; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(*s, out);
		}
	}
	free(t);
}

int html_report(const struct dump_index *x, FILE *out, const struct decode_opts *o,
		const char *title)
{
	cookie_io_functions_t io = { .write = html_json_write };
	struct html_json hj = { .out = out };
	FILE *json;
	int err;

	fputs(html_head, out);
	fputs("<title>scxdump: ", out);
	html_text(out, title);
	fputs("</title>\n<style>\n", out);
	fputs(html_css, out);
	fputs("</style>\n", out);
	fputs(html_body, out);
	html_script(out, html_onerror);
	fputs(html_app, out);
	json = fopencookie(&hj, "w", io);
	if (!json)
		return -ENOMEM;
	err = decode_json(x, json, o);
	if (fclose(json) && !err)
		err = -EIO;
	if (hj.c2 && fputc(0xc2, out) == EOF)	/* not in whole JSON: it ends in ASCII */
		hj.failed = true;
	if (hj.failed && !err)
		err = -EIO;
	if (err)
		return err;
	fputs("</script>\n", out);
	html_script(out, html_js);
	fputs("</body>\n</html>\n", out);
	return ferror(out) ? -EIO : 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * JSON output through yajl's streaming generator (json.h): strings are
 * checked for UTF-8 and escaped (textout.c), numbers written whole;
 * nothing is built in memory but a fixed output buffer. yajl hands over
 * its output in pieces of a few bytes (a quote, a comma, a number): they
 * are gathered in JSON_OUT_BUF bytes and written in one call, and
 * integers are spelled here rather than with printf.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "json.h"
#include "textout.h"

#define JSON_OUT_BUF	(256u << 10)
#define JSON_PIPE_SIZE	(1 << 20)

struct json_out {
	yajl_gen g;
	bool pretty;
	FILE *f;
	struct json_out *next;	/* the generators open, for json_close() */
	size_t len;
	char buf[JSON_OUT_BUF];
};

static struct json_out *json_outs;

static void json_flush(struct json_out *o)
{
	if (o->len)
		fwrite(o->buf, 1, o->len, o->f);
	o->len = 0;
}

static void json_write(void *ctx, const char *s, size_t len)
{
	struct json_out *o = ctx;

	if (o->len + len > sizeof(o->buf)) {
		json_flush(o);
		if (len > sizeof(o->buf)) {
			fwrite(s, 1, len, o->f);
			return;
		}
	}
	if (len <= 16) {	/* most pieces: a quote, a comma, a short key */
		char *d = o->buf + o->len;
		size_t i;

		for (i = 0; i < len; i++)
			d[i] = s[i];
	} else {
		memcpy(o->buf + o->len, s, len);
	}
	o->len += len;
}

/*
 * Output into a pipe (a reader such as jq or gzip) goes through the
 * pipe's buffer, 64 KiB by default: each of our 256 KiB writes waits for
 * the reader four times. A pipe of JSON_PIPE_SIZE bytes takes a write at
 * once; the kernel may refuse the size (pipe-max-size), which only costs
 * the speed.
 */
static void json_pipe_size(FILE *out)
{
	struct stat st;
	int fd = fileno(out);

	if (fd >= 0 && !fstat(fd, &st) && S_ISFIFO(st.st_mode))
		fcntl(fd, F_SETPIPE_SZ, JSON_PIPE_SIZE);
}

yajl_gen json_open(FILE *out, bool pretty)
{
	struct json_out *o = malloc(sizeof(*o));

	if (!o)
		return NULL;
	o->g = yajl_gen_alloc(NULL);
	if (!o->g) {
		free(o);
		return NULL;
	}
	o->f = out;
	o->len = 0;
	json_pipe_size(out);
	o->pretty = pretty;
	yajl_gen_config(o->g, yajl_gen_print_callback, json_write, o);
	yajl_gen_config(o->g, yajl_gen_beautify, pretty ? 1 : 0);
	yajl_gen_config(o->g, yajl_gen_indent_string, "  ");
	o->next = json_outs;
	json_outs = o;
	return o->g;
}

/* Is @g one of json_open()'s, writing without indentation? */
bool json_compact(yajl_gen g)
{
	struct json_out *o;

	for (o = json_outs; o; o = o->next) {
		if (o->g == g)
			return !o->pretty;
	}
	return false;
}

/* Write what @g holds and free it: its output is complete. */
void json_close(yajl_gen g)
{
	struct json_out **p, *o;

	for (p = &json_outs; *p; p = &(*p)->next) {
		if ((*p)->g != g)
			continue;
		o = *p;
		*p = o->next;
		json_flush(o);
		free(o);
		break;
	}
	yajl_gen_free(g);
}

/* A NULL string (a name a corrupt BTF does not have) is written as "". */
void json_key(yajl_gen g, const char *key)
{
	json_strn(g, key ? key : "", key ? strlen(key) : 0);
}

void json_str(yajl_gen g, const char *s)
{
	json_strn(g, s ? s : "", s ? strlen(s) : 0);
}

/* @len bytes of @p as one JSON string, escaped @how (textout.h). */
static void json_escaped(yajl_gen g, const unsigned char *p, size_t len, unsigned int how)
{
	char small[256], *buf;
	size_t i = 0;

	/* ASCII with no backslash to double: as it is (yajl escapes what it must) */
	while (i < len && p[i] < 0x80 && (p[i] != '\\' || !(how & TEXT_RAW)))
		i++;
	if (i == len) {
		yajl_gen_string(g, p, len);
		return;
	}
	buf = len <= sizeof(small) / TEXT_ESCAPE_MAX ? small : malloc(len * TEXT_ESCAPE_MAX);
	if (!buf) {
		yajl_gen_null(g);
		return;
	}
	yajl_gen_string(g, (const unsigned char *)buf, text_escape(buf, p, len, how));
	if (buf != small)
		free(buf);
}

/*
 * Kernel and BPF strings are bytes: written in the form of textout.h
 * (docs/json.md, "Strings"): well-formed UTF-8 as it is (yajl escapes
 * control characters), a backslash as two, each byte of an ill-formed
 * sequence as \xHH; so the output is always valid JSON and UTF-8, and
 * the bytes can be told from the same text.
 */
void json_strn(yajl_gen g, const void *s, size_t len)
{
	json_escaped(g, s, len, TEXT_RAW);
}

/*
 * A string read back from this tool's own JSON (diff, timeline): already
 * in that form, so its backslashes are not doubled again; anything not
 * UTF-8 (text cut inside a character) is still escaped.
 */
void json_str_parsed(yajl_gen g, const char *s)
{
	json_escaped(g, (const unsigned char *)s, strlen(s), 0);
}

static const char json_pairs[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* @v's decimal digits ending at @end: their start. */
static char *json_digits(char *end, uint64_t v)
{
	char *p = end;

	while (v >= 100) {
		p -= 2;
		memcpy(p, json_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, json_pairs + 2 * v, 2);
	} else {
		*--p = '0' + v;
	}
	return p;
}

/* @v's decimal digits written at @o (20 bytes at most): past them. */
char *json_put_digits(char *o, uint64_t v)
{
	static const uint64_t tens[] = {
		10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
		100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
		1000000000000ull, 10000000000000ull, 100000000000000ull,
		1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
		1000000000000000000ull, 10000000000000000000ull,
	};
	size_t n = 1;

	if (v < 10) {
		*o = '0' + v;
		return o + 1;
	}
	while (n < 20 && v >= tens[n - 1])
		n++;
	json_digits(o + n, v);
	return o + n;
}

/* @v (as an int64_t when @is_signed) written at @o, 21 bytes at most: past it. */
char *json_put_int(char *o, uint64_t v, bool is_signed)
{
	if (is_signed && (int64_t)v < 0) {
		*o++ = '-';
		v = 0 - v;	/* the magnitude of INT64_MIN is a uint64_t */
	}
	return json_put_digits(o, v);
}

/*
 * Integers in a row inside an array, as one token: yajl writes a number's
 * text as it is given (yajl_gen_number), so the elements and their commas
 * go out in one call per JSON_INTS_BUF bytes instead of two calls each.
 * Only for a compact generator (json_compact()): the elements are not
 * indented.
 */
void json_ints_begin(struct json_ints *s, yajl_gen g)
{
	s->g = g;
	s->len = 0;
}

static void json_ints_flush(struct json_ints *s)
{
	if (s->len)
		yajl_gen_number(s->g, s->buf, s->len);
	s->len = 0;
}

void json_ints_add(struct json_ints *s, uint64_t v, bool is_signed)
{
	/* a comma and at most 21 characters: a sign and 20 digits */
	if (s->len + 22 > sizeof(s->buf))
		json_ints_flush(s);
	if (s->len)
		s->buf[s->len++] = ',';
	s->len = json_put_int(s->buf + s->len, v, is_signed) - s->buf;
}

void json_ints_end(struct json_ints *s)
{
	json_ints_flush(s);
}

void json_int(yajl_gen g, int64_t v)
{
	char buf[24];

	yajl_gen_number(g, buf, json_put_int(buf, (uint64_t)v, true) - buf);
}

void json_uint(yajl_gen g, uint64_t v)
{
	char buf[24];

	yajl_gen_number(g, buf, json_put_int(buf, v, false) - buf);
}

void json_double(yajl_gen g, double v)
{
	/* JSON has no NaN or infinity. */
	if (v != v || v > 1.7976931348623157e308 || v < -1.7976931348623157e308) {
		char buf[16];

		snprintf(buf, sizeof(buf), "%f", v);
		yajl_gen_string(g, (const unsigned char *)buf, strlen(buf));
		return;
	}
	yajl_gen_double(g, v);
}

void json_bool(yajl_gen g, bool v)
{
	yajl_gen_bool(g, v);
}

void json_null(yajl_gen g)
{
	yajl_gen_null(g);
}

void json_hex(yajl_gen g, const void *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = data;
	char small[512], *buf;
	size_t i;

	if (!len) {
		yajl_gen_string(g, (const unsigned char *)"", 0);
		return;
	}
	buf = len * 2 <= sizeof(small) ? small : malloc(len * 2);
	if (!buf) {
		yajl_gen_null(g);
		return;
	}
	for (i = 0; i < len; i++) {
		buf[2 * i] = digits[p[i] >> 4];
		buf[2 * i + 1] = digits[p[i] & 15];
	}
	yajl_gen_string(g, (const unsigned char *)buf, len * 2);
	if (buf != small)
		free(buf);
}

void json_obj(yajl_gen g)
{
	yajl_gen_map_open(g);
}

void json_obj_end(yajl_gen g)
{
	yajl_gen_map_close(g);
}

void json_arr(yajl_gen g)
{
	yajl_gen_array_open(g);
}

void json_arr_end(yajl_gen g)
{
	yajl_gen_array_close(g);
}

void json_kstr(yajl_gen g, const char *key, const char *s)
{
	json_key(g, key);
	json_str(g, s);
}

void json_kstrn(yajl_gen g, const char *key, const void *s, size_t len)
{
	json_key(g, key);
	json_strn(g, s, len);
}

void json_kint(yajl_gen g, const char *key, int64_t v)
{
	json_key(g, key);
	json_int(g, v);
}

void json_kuint(yajl_gen g, const char *key, uint64_t v)
{
	json_key(g, key);
	json_uint(g, v);
}

void json_kbool(yajl_gen g, const char *key, bool v)
{
	json_key(g, key);
	json_bool(g, v);
}

void json_khex(yajl_gen g, const char *key, const void *data, size_t len)
{
	json_key(g, key);
	json_hex(g, data, len);
}

void json_kfixed(yajl_gen g, const char *key, const char *s, size_t max)
{
	json_kstrn(g, key, s, strnlen(s, max));
}

void json_kflags(yajl_gen g, const char *key, uint32_t flags, const char *const *names, uint32_t n)
{
	uint32_t i;

	json_key(g, key);
	json_arr(g);
	for (i = 0; i < n && i < 32; i++) {
		if (flags & (1u << i))
			json_str(g, names[i]);
	}
	json_arr_end(g);
}

void json_addr(yajl_gen g, uint64_t addr)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, addr);
	json_str(g, buf);
}

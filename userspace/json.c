// SPDX-License-Identifier: GPL-2.0
/*
 * JSON output through yajl's streaming generator (json.h): strings are
 * checked for UTF-8 and escaped, numbers written whole; nothing is built
 * in memory.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"

static void json_write(void *ctx, const char *s, size_t len)
{
	fwrite(s, 1, len, ctx);
}

yajl_gen json_open(FILE *out, bool pretty)
{
	yajl_gen g = yajl_gen_alloc(NULL);

	if (!g)
		return NULL;
	yajl_gen_config(g, yajl_gen_print_callback, json_write, out);
	yajl_gen_config(g, yajl_gen_beautify, pretty ? 1 : 0);
	yajl_gen_config(g, yajl_gen_indent_string, "  ");
	return g;
}

void json_close(yajl_gen g)
{
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

/* Length of a valid UTF-8 sequence at @s, 0 if there is none. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t need, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4;
	else
		return 0;
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	}
	return need;
}

/*
 * Kernel and BPF strings are bytes: keep valid UTF-8 (yajl escapes
 * control characters) and spell anything else as \xHH, so the output is
 * always valid JSON.
 */
void json_strn(yajl_gen g, const void *s, size_t len)
{
	const unsigned char *p = s;
	char *buf = malloc(len * 4 + 1);
	size_t i = 0, o = 0, n;

	if (!buf) {
		yajl_gen_null(g);
		return;
	}
	while (i < len) {
		n = utf8_len(p + i, len - i);
		if (n) {
			memcpy(buf + o, p + i, n);
			o += n;
			i += n;
		} else {
			o += sprintf(buf + o, "\\x%02x", p[i]);
			i++;
		}
	}
	yajl_gen_string(g, (const unsigned char *)buf, o);
	free(buf);
}

void json_int(yajl_gen g, int64_t v)
{
	yajl_gen_integer(g, v);
}

void json_uint(yajl_gen g, uint64_t v)
{
	char buf[24];

	if (v <= INT64_MAX) {
		yajl_gen_integer(g, (long long)v);
		return;
	}
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	yajl_gen_number(g, buf, strlen(buf));
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
	char *buf = malloc(len * 2 + 1);
	size_t i;

	if (!buf) {
		yajl_gen_null(g);
		return;
	}
	for (i = 0; i < len; i++) {
		buf[2 * i] = digits[p[i] >> 4];
		buf[2 * i + 1] = digits[p[i] & 15];
	}
	yajl_gen_string(g, (const unsigned char *)buf, len * 2);
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

void json_addr(yajl_gen g, uint64_t addr)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, addr);
	json_str(g, buf);
}

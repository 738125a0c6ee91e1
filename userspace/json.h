/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON output through yajl's streaming generator: nothing is built in
 * memory, so decoding a large dump keeps memory flat. Rendering code calls
 * these helpers and never formats JSON text itself.
 */
#ifndef SCXDUMP_JSON_H
#define SCXDUMP_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <yajl/yajl_gen.h>

yajl_gen json_open(FILE *out, bool pretty);
void json_close(yajl_gen g);
bool json_compact(yajl_gen g);
/* an integer's decimal text at @o (21 bytes at most): past it */
char *json_put_digits(char *o, uint64_t v);
char *json_put_int(char *o, uint64_t v, bool is_signed);

/* Integers in a row inside an array, written as one token (json.c). */
#define JSON_INTS_BUF	4096
struct json_ints {
	yajl_gen g;
	size_t len;
	char buf[JSON_INTS_BUF];
};
void json_ints_begin(struct json_ints *s, yajl_gen g);
void json_ints_add(struct json_ints *s, uint64_t v, bool is_signed);
void json_ints_end(struct json_ints *s);

void json_key(yajl_gen g, const char *key);
void json_str(yajl_gen g, const char *s);
void json_strn(yajl_gen g, const void *s, size_t len);
/* a string (or key) read back from this tool's JSON: not escaped again */
void json_str_parsed(yajl_gen g, const char *s);
void json_int(yajl_gen g, int64_t v);
void json_uint(yajl_gen g, uint64_t v);
void json_double(yajl_gen g, double v);
void json_bool(yajl_gen g, bool v);
void json_null(yajl_gen g);
void json_hex(yajl_gen g, const void *data, size_t len);
void json_obj(yajl_gen g);
void json_obj_end(yajl_gen g);
void json_arr(yajl_gen g);
void json_arr_end(yajl_gen g);

/* key + value in one call */
void json_kstr(yajl_gen g, const char *key, const char *s);
void json_kstrn(yajl_gen g, const char *key, const void *s, size_t len);
void json_kint(yajl_gen g, const char *key, int64_t v);
void json_kuint(yajl_gen g, const char *key, uint64_t v);
void json_kbool(yajl_gen g, const char *key, bool v);
void json_khex(yajl_gen g, const char *key, const void *data, size_t len);
/* a fixed char[@max] field, which may lack its NUL */
void json_kfixed(yajl_gen g, const char *key, const char *s, size_t max);
/* the names of @flags' bits, bit i named @names[i] (@n names), as an array */
void json_kflags(yajl_gen g, const char *key, uint32_t flags, const char *const *names, uint32_t n);
/* an address as a "0x..." string */
void json_addr(yajl_gen g, uint64_t addr);

#endif

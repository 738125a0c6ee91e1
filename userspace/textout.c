// SPDX-License-Identifier: GPL-2.0
/*
 * Dump text in its one output form (textout.h): the UTF-8 check, and the
 * escaping both the JSON (json.c) and the text commands use.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "textout.h"

size_t utf8_len(const void *p, size_t n)
{
	const unsigned char *s = p;
	unsigned char lo = 0x80, hi = 0xbf;	/* the second byte's range */
	size_t need, i;

	if (!n)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* no overlong form */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* no surrogate, U+D800-U+DFFF */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		if (s[0] == 0xf0)
			lo = 0x90;	/* no overlong form */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* nothing past U+10FFFF */
	} else {
		return 0;		/* 80-C1 (a continuation, overlong), F5-FF */
	}
	if (n < need || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	}
	return need;
}

static char *put_byte(char *o, unsigned char c)
{
	static const char digits[] = "0123456789abcdef";

	*o++ = '\\';
	*o++ = 'x';
	*o++ = digits[c >> 4];
	*o++ = digits[c & 15];
	return o;
}

/*
 * The character or byte at @s (@n > 0 bytes left) escaped @how at @o
 * (8 bytes at most, TEXT_ESCAPE_MAX a byte of @s): past it. *@used: the
 * bytes of @s it stands for; *@cols: the characters written.
 */
static char *escape_one(char *o, const unsigned char *s, size_t n, unsigned int how,
			size_t *used, size_t *cols)
{
	size_t k = utf8_len(s, n);
	bool ctl = how & TEXT_CONTROLS;

	*used = k ? k : 1;
	if (!k) {				/* a byte of an ill-formed sequence */
		*cols = 4;
		return put_byte(o, s[0]);
	}
	if (k == 1 && s[0] == '\\' && (how & TEXT_RAW)) {
		*cols = 2;
		*o++ = '\\';
		*o++ = '\\';
		return o;
	}
	if (ctl && k == 1 && (s[0] < 0x20 || s[0] == 0x7f)) {
		*cols = 4;
		return put_byte(o, s[0]);
	}
	if (ctl && k == 2 && s[0] == 0xc2 && s[1] < 0xa0) {	/* C1: U+0080-U+009F */
		*cols = 8;
		return put_byte(put_byte(o, s[0]), s[1]);
	}
	*cols = 1;
	memcpy(o, s, k);
	return o + k;
}

size_t text_escape(char *out, const void *s, size_t len, unsigned int how)
{
	const unsigned char *p = s;
	size_t i = 0, used, cols;
	char *o = out;

	while (i < len) {
		o = escape_one(o, p + i, len - i, how, &used, &cols);
		i += used;
	}
	return o - out;
}

char *text_dup(const void *s, size_t len, unsigned int how)
{
	char *t = malloc(len * TEXT_ESCAPE_MAX + 1);

	if (t)
		t[text_escape(t, s, len, how)] = 0;
	return t;
}

static void text_print(FILE *out, const void *s, size_t len, unsigned int how, int width)
{
	const unsigned char *p = s;
	size_t i = 0, used, cols, n = 0, w = 0;
	char buf[256];

	while (i < len) {
		n = escape_one(buf + n, p + i, len - i, how, &used, &cols) - buf;
		i += used;
		w += cols;
		if (n > sizeof(buf) - 8) {
			fwrite(buf, 1, n, out);
			n = 0;
		}
	}
	if (n)
		fwrite(buf, 1, n, out);
	for (; width > 0 && w < (size_t)width; w++)
		fputc(' ', out);
}

void text_bytes(FILE *out, const void *s, size_t len, int width)
{
	text_print(out, s, len, TEXT_RAW | TEXT_CONTROLS, width);
}

void text_fixed(FILE *out, const char *s, size_t max, int width)
{
	text_print(out, s, strnlen(s, max), TEXT_RAW | TEXT_CONTROLS, width);
}

void text_parsed(FILE *out, const char *s, int width)
{
	text_print(out, s, strlen(s), TEXT_CONTROLS, width);
}

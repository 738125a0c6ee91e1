/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Growing arrays: the one way the decoder makes room in an array it
 * appends to (capacity doubled, from 16, the multiplication checked).
 */
#ifndef SCXDUMP_ARRAY_H
#define SCXDUMP_ARRAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

/*
 * Room for @need elements of @elem bytes in *@arr of *@cap: false (the
 * array as it was) when memory or size_t runs out.
 */
static inline bool array_grow(void *arr, size_t *cap, size_t need, size_t elem)
{
	void **p = arr;
	size_t n = *cap ? *cap : 16;
	void *a;

	if (need <= *cap)
		return true;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return false;
		n *= 2;
	}
	if (elem && n > SIZE_MAX / elem)
		return false;
	a = realloc(*p, n * elem);
	if (!a)
		return false;
	*p = a;
	*cap = n;
	return true;
}

#endif

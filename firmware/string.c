/* The libc routines gcc may call on its own in freestanding code. Built with
 * -fno-tree-loop-distribute-patterns so these loops are not turned into calls to
 * themselves. */
#include <stddef.h>

void *memcpy(void *d, const void *s, size_t n) {
  char *p = d;
  const char *q = s;
  while (n--) *p++ = *q++;
  return d;
}

void *memset(void *d, int c, size_t n) {
  char *p = d;
  while (n--) *p++ = (char)c;
  return d;
}

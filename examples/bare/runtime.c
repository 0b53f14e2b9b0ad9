/* The few libc routines GCC may call on its own in freestanding code. */
typedef unsigned long size_t;
void *memcpy(void *d, const void *s, size_t n) {
  char *p = d; const char *q = s;
  while (n--) *p++ = *q++;
  return d;
}
void *memset(void *d, int c, size_t n) {
  char *p = d;
  while (n--) *p++ = (char)c;
  return d;
}

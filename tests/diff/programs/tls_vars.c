/* Thread-local storage (__thread, initialised and zero-initialised, arrays, addresses of
 * TLS objects taken and used) in a single thread: exercises %g7-relative TLS access. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

static __thread int counter = 42;
static __thread uint64_t zeroed[16];
static __thread char name[32] = "initial-tls-name";
__thread double tls_d = 2.5;

#define NOI __attribute__((noinline, noipa))
static NOI void bump(int k) { counter += k; zeroed[k & 15] += (uint64_t)k * k; }
static NOI int *counter_addr(void) { return &counter; }
static NOI void rename_(const char *s) { strncpy(name, s, sizeof name - 1); name[sizeof name - 1] = 0; }

int main(void)
{
  int i;
  printf("initial counter=%d name=%s d=%g zeroed[3]=%llu\n", counter, name, tls_d, (unsigned long long)zeroed[3]);
  for (i = 0; i < 1000; i++) bump(i);
  uint64_t s = 0;
  for (i = 0; i < 16; i++) s = s * 31 + zeroed[i];
  printf("counter=%d zeroed hash=%016llx\n", counter, (unsigned long long)s);
  int *p = counter_addr();
  *p = -7;
  printf("through pointer: counter=%d same=%d\n", counter, p == &counter);
  rename_("renamed");
  tls_d *= 3;
  printf("name=%s d=%g\n", name, tls_d);
  return (counter + (int)s) & 0x7f;
}

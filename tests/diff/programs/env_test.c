/* Environment: reads VFSIM_TEST (set by the harness), setenv/getenv/unsetenv/putenv,
 * overwrite semantics, and a listing of our own variables only. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int main(void)
{
  const char *t = getenv("VFSIM_TEST");
  printf("VFSIM_TEST=%s\n", t ? t : "(unset)");
  printf("LANG=%s\n", getenv("LANG") ? getenv("LANG") : "(unset)");
  printf("NOPE=%s\n", getenv("VFSIM_NOPE_NOT_SET") ? "set" : "(unset)");
  setenv("DIFF_A", "alpha", 1);
  setenv("DIFF_B", "beta", 1);
  setenv("DIFF_A", "ignored", 0);
  printf("DIFF_A=%s DIFF_B=%s\n", getenv("DIFF_A"), getenv("DIFF_B"));
  setenv("DIFF_A", "replaced", 1);
  printf("DIFF_A=%s\n", getenv("DIFF_A"));
  static char pe[] = "DIFF_C=from putenv";
  putenv(pe);
  printf("DIFF_C=%s\n", getenv("DIFF_C"));
  pe[7] = 'F';
  printf("DIFF_C after modifying putenv buffer=%s\n", getenv("DIFF_C"));
  unsetenv("DIFF_B");
  printf("DIFF_B after unset=%s\n", getenv("DIFF_B") ? getenv("DIFF_B") : "(unset)");
  char big[2000];
  memset(big, 'v', sizeof big - 1);
  big[sizeof big - 1] = 0;
  setenv("DIFF_BIG", big, 1);
  printf("DIFF_BIG len=%zu\n", strlen(getenv("DIFF_BIG")));
  int i, ours = 0, total = 0;
  char **e;
  for (e = environ; *e; e++) {
    total++;
    if (!strncmp(*e, "DIFF_", 5)) { ours++; printf("  env %.40s\n", *e); }
  }
  printf("our variables=%d (total>=%d)\n", ours, total >= ours);
  for (i = 0; i < 200; i++) { char n[32], v[32]; snprintf(n, sizeof n, "DIFF_N%d", i); snprintf(v, sizeof v, "%d", i * i); setenv(n, v, 1); }
  long s = 0;
  for (i = 0; i < 200; i += 7) { char n[32]; snprintf(n, sizeof n, "DIFF_N%d", i); s += atol(getenv(n)); }
  printf("sum of squares via env=%ld\n", s);
  clearenv();
  printf("after clearenv VFSIM_TEST=%s\n", getenv("VFSIM_TEST") ? "set" : "(unset)");
  return (int)(s & 0x7f);
}

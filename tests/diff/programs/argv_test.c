/* Reads argc/argv (argv[0] is not printed: it differs between runners) and parses them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

int main(int argc, char **argv)
{
  int i;
  uint32_t h = 5381;
  long isum = 0;
  printf("argc=%d\n", argc);
  for (i = 1; i < argc; i++) {
    char *end;
    long v = strtol(argv[i], &end, 0);
    printf("argv[%d] len=%zu '%s'%s", i, strlen(argv[i]), argv[i], *end == 0 && end != argv[i] ? " (number)" : "");
    if (*end == 0 && end != argv[i]) isum += v;
    if (!strncmp(argv[i], "--", 2)) {
      char *eq = strchr(argv[i], '=');
      if (eq) printf(" option %.*s value %s", (int)(eq - argv[i] - 2), argv[i] + 2, eq + 1);
      else printf(" flag %s", argv[i] + 2);
    }
    printf("\n");
    const char *p;
    for (p = argv[i]; *p; p++) h = h * 33 + (unsigned char)*p;
  }
  printf("argv[argc] is NULL: %d\n", argv[argc] == NULL);
  printf("numeric sum=%ld hash=%08x\n", isum, h);
  return argc + (int)(h & 0x3f);
}

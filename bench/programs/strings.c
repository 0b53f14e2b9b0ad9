/* strings: string processing with libc's str* and mem* routines. Builds a pool
 * of generated words, then ROUNDS times (argv[1], default 1000) concatenates
 * sentences with memcpy, measures them with strlen, searches them with strchr and
 * strstr, and compares neighbouring words with strcmp, memcmp; the checksum folds
 * all results. glibc picks its memcpy/memset variant from AT_HWCAP, so the exact
 * instruction count depends on the CPU the loader reports. */
#include "common.h"
#include <string.h>

#define NWORDS 4096
#define LINE_MAX_LEN 8192

static char *words[NWORDS];
static char line[LINE_MAX_LEN + 64];

int main(int argc, char **argv) {
  long rounds = bench_arg(argc, argv, 1000);
  static const char letters[] = "etaoinshrdlucmfwypvbgkjqxz";
  for (int i = 0; i < NWORDS; i++) {
    int len = 2 + (int)(bench_rand() % 14);
    words[i] = malloc((size_t)len + 1);
    for (int k = 0; k < len; k++) words[i][k] = letters[(bench_rand() >> 40) % 26 % (10 + k)];
    words[i][len] = '\0';
  }
  uint64_t h = 0;
  unsigned idx = 0;
  for (long r = 0; r < rounds; r++) {
    /* build a line of words separated by single spaces */
    size_t pos = 0;
    while (pos < LINE_MAX_LEN - 32) {
      const char *w = words[idx++ % NWORDS];
      size_t len = strlen(w);
      memcpy(line + pos, w, len);
      pos += len;
      line[pos++] = ' ';
    }
    line[pos] = '\0';
    size_t total = strlen(line);
    /* count occurrences of a few patterns */
    long hits = 0;
    for (const char *p = line; (p = strstr(p, "te")) != NULL; p += 2) hits++;
    for (const char *p = line; (p = strchr(p, 'q')) != NULL; p++) hits += 3;
    /* compare neighbouring words */
    long order = 0;
    for (int i = 0; i + 1 < NWORDS; i += 3) {
      int c = strcmp(words[i], words[i + 1]);
      order += (c > 0) - (c < 0);
      if (memcmp(words[i], words[(i + r) % NWORDS], 2) == 0) order += 7;
    }
    /* copy the line around with memmove and memset parts of it */
    memmove(line + 1, line, total / 2);
    memset(line + total / 2, 'x', total / 4);
    h = (h ^ total) * 0x100000001b3ull;
    h = (h ^ (uint64_t)hits) * 0x100000001b3ull;
    h = (h ^ (uint64_t)order) * 0x100000001b3ull;
    h = (h ^ (unsigned char)line[(r * 977) % total]) * 0x100000001b3ull;
  }
  printf("strings rounds=%ld checksum=0x%016llx\n", rounds, (unsigned long long)h);
  for (int i = 0; i < NWORDS; i++) free(words[i]);
  return 0;
}

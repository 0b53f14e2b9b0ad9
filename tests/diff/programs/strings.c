/* String functions: strlen strcmp strncmp strcpy strncpy strcat strchr strrchr strstr strtok strspn ... */
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <ctype.h>

static uint32_t h;
static void mixs(const char *s) { while (*s) h = h * 131 + (unsigned char)*s++; h ^= 0x5bd1e995; }
static void mixi(long v) { h = h * 131 + (uint32_t)v; }

int main(void)
{
  /* strlen at every offset/length to hit word-at-a-time code paths */
  static char buf[300];
  int i, j;
  for (i = 0; i < 64; i++)
    for (j = 0; j < 140; j++) {
      memset(buf, 'x', sizeof buf);
      buf[i + j] = 0;
      if (strlen(buf + i) != (size_t)j) printf("strlen bad %d %d\n", i, j);
      mixi((long)strnlen(buf + i, 70));
    }
  printf("strlen sweep done %08x\n", h);

  static const char *ss[] = { "", "a", "abc", "abd", "abcd", "ABC", "zzz", "abc\x80", "abc\x7f", "hello world", "hello" };
  int n = sizeof ss / sizeof ss[0];
  for (i = 0; i < n; i++) {
    for (j = 0; j < n; j++) {
      int c = strcmp(ss[i], ss[j]);
      int c3 = strncmp(ss[i], ss[j], 3);
      int cc = strcasecmp(ss[i], ss[j]);
      printf("%c%c%c", c < 0 ? '<' : c > 0 ? '>' : '=', c3 < 0 ? '<' : c3 > 0 ? '>' : '=', cc < 0 ? '<' : cc > 0 ? '>' : '=');
    }
    printf("\n");
  }
  /* strcmp with differing alignments */
  static char s1[200], s2[200];
  for (i = 0; i < 16; i++)
    for (j = 0; j < 16; j++) {
      int len;
      for (len = 0; len < 40; len += 3) {
        memset(s1, 0, sizeof s1); memset(s2, 0, sizeof s2);
        int k;
        for (k = 0; k < len; k++) s1[i + k] = s2[j + k] = (char)('a' + (k * 7) % 26);
        int r0 = strcmp(s1 + i, s2 + j);
        if (len) s2[j + len - 1]++;
        int r1 = strcmp(s1 + i, s2 + j);
        mixi((r0 > 0) - (r0 < 0)); mixi((r1 > 0) - (r1 < 0));
      }
    }
  printf("strcmp align sweep %08x\n", h);

  char d[128];
  strcpy(d, "foo"); strcat(d, "-bar"); strncat(d, "-bazqux", 4); mixs(d); printf("cat: %s\n", d);
  memset(d, '#', sizeof d);
  strncpy(d, "short", 10); printf("strncpy pad:"); for (i = 0; i < 12; i++) printf(" %02x", (unsigned char)d[i]); printf("\n");
  strncpy(d, "truncated-string", 5); d[5] = 0; printf("strncpy trunc: %s\n", d);
  const char *text = "the quick brown fox jumps over the lazy dog; the end";
  printf("strchr q: %s\n", strchr(text, 'q'));
  printf("strrchr t: %s\n", strrchr(text, 't'));
  printf("strchr nul offset: %d\n", (int)(strchr(text, 0) - text));
  printf("strchr z missing: %d\n", strchr(text, 'Z') == NULL);
  printf("strstr 'the': %s\n", strstr(text + 1, "the"));
  printf("strstr 'lazy d': %s\n", strstr(text, "lazy d"));
  printf("strstr missing: %d\n", strstr(text, "cat") == NULL);
  printf("strstr empty: %d\n", strstr(text, "") == text);
  printf("strspn: %zu strcspn: %zu\n", strspn(text, "the qu"), strcspn(text, ";"));
  printf("strpbrk: %s\n", strpbrk(text, "xyz"));
  char tok[] = "alpha, beta,,gamma;delta ; epsilon,";
  char *t;
  printf("tokens:");
  for (t = strtok(tok, ",; "); t; t = strtok(NULL, ",; ")) { printf(" [%s]", t); mixs(t); }
  printf("\n");
  char tok2[] = "a=1&b=22&ccc=333";
  char *save, *kv;
  for (kv = strtok_r(tok2, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
    char *eq = strchr(kv, '=');
    *eq = 0;
    printf("key %s val %s\n", kv, eq + 1);
  }
  char up[] = "Mixed Case 123 Text";
  for (i = 0; up[i]; i++) up[i] = (char)toupper((unsigned char)up[i]);
  printf("upper: %s\n", up);
  char *dup = strdup(text); dup[3] = '_'; printf("dup: %.20s\n", dup); mixs(dup);
  printf("memchr: %s\n", (char *)memchr(text, 'j', strlen(text)));
  printf("final %08x\n", h);
  return (int)(h & 0x7f);
}

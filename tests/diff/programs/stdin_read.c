/* Reads a text file from stdin (fed by the harness): line/word/char counts, word
 * frequencies, byte histogram, then re-reads through fread-sized chunks via getchar. */
#include <stdio.h>
#include <string.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>

struct wc { char w[32]; int n; };
static struct wc words[4096];
static int nwords;

static int cmpw(const void *a, const void *b)
{
  const struct wc *x = a, *y = b;
  if (x->n != y->n) return y->n - x->n;
  return strcmp(x->w, y->w);
}

int main(void)
{
  char line[4096];
  long lines = 0, chars = 0, wordsc = 0, longest = 0;
  unsigned long hist[256];
  uint32_t crc = 0;
  memset(hist, 0, sizeof hist);
  while (fgets(line, sizeof line, stdin)) {
    size_t len = strlen(line);
    lines++;
    chars += (long)len;
    if ((long)len > longest) longest = (long)len;
    size_t i;
    for (i = 0; i < len; i++) { hist[(unsigned char)line[i]]++; crc = crc * 31 + (unsigned char)line[i]; }
    char *save, *tok;
    for (tok = strtok_r(line, " \t\r\n.,;:!?\"'()[]{}-", &save); tok; tok = strtok_r(NULL, " \t\r\n.,;:!?\"'()[]{}-", &save)) {
      char w[32];
      int k;
      for (k = 0; tok[k] && k < 31; k++) w[k] = (char)tolower((unsigned char)tok[k]);
      w[k] = 0;
      wordsc++;
      for (k = 0; k < nwords; k++) if (!strcmp(words[k].w, w)) { words[k].n++; break; }
      if (k == nwords && nwords < 4096) { strcpy(words[nwords].w, w); words[nwords].n = 1; nwords++; }
    }
  }
  printf("lines=%ld words=%ld chars=%ld longest=%ld distinct=%d hash=%08x eof=%d\n", lines, wordsc, chars, longest, nwords, crc,
         feof(stdin) != 0);
  qsort(words, (size_t)nwords, sizeof words[0], cmpw);
  int i;
  for (i = 0; i < nwords && i < 15; i++) printf("  %-12s %d\n", words[i].w, words[i].n);
  printf("letters:");
  for (i = 'a'; i <= 'z'; i++) printf(" %c=%lu", i, hist[i] + hist[i - 32]);
  printf("\n");
  /* reading again after EOF must keep returning EOF */
  printf("getchar after eof = %d\n", getchar());
  return (int)(crc & 0x7f);
}

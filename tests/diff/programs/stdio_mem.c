/* stdio on memory streams (fmemopen, open_memstream), fprintf/fscanf/fgets/fputc/ungetc,
 * fseek/ftell, setvbuf, and buffered vs unbuffered stdout ordering with stderr kept out. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <stdint.h>

int main(void)
{
  char *dyn = NULL; size_t dlen = 0;
  FILE *m = open_memstream(&dyn, &dlen);
  int i;
  for (i = 0; i < 200; i++) fprintf(m, "line %03d value %08x %.3f\n", i, (unsigned)(i * 2654435761u), i / 7.0);
  fflush(m);
  printf("open_memstream length after fflush=%zu\n", dlen);
  fputs("tail", m);
  fclose(m);
  uint32_t h = 0;
  size_t k;
  for (k = 0; k < dlen; k++) h = h * 31 + (unsigned char)dyn[k];
  printf("final length=%zu hash=%08x last=%s\n", dlen, h, dyn + dlen - 4);

  FILE *r = fmemopen(dyn, dlen, "r");
  char line[128];
  int n = 0, v; unsigned x; double d;
  long sum = 0;
  while (fscanf(r, "line %d value %x %lf\n", &v, &x, &d) == 3) { n++; sum += v + (long)(x & 0xff) + (long)(d * 1000); }
  printf("fscanf parsed %d records sum=%ld\n", n, sum);
  fseek(r, 0, SEEK_SET);
  fgets(line, sizeof line, r);
  printf("first line again: %s", line);
  fseek(r, -30, SEEK_END);
  printf("ftell after seek end-30: %ld\n", ftell(r));
  int c = fgetc(r);
  ungetc('#', r);
  printf("fgetc=%c after ungetc=%c\n", c, fgetc(r));
  fclose(r);
  free(dyn);

  char fixed[64];
  memset(fixed, 0, sizeof fixed);
  FILE *w = fmemopen(fixed, sizeof fixed, "w");
  setvbuf(w, NULL, _IONBF, 0);
  fprintf(w, "%s-%d-%c", "abc", 123, 'Z');
  fputc('!', w);
  printf("fixed buffer after unbuffered writes: '%s' pos=%ld\n", fixed, ftell(w));
  fclose(w);

  /* stdout buffering modes */
  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("line buffered ");
  printf("output\n");
  fflush(stdout);
  fwrite("fwrite chunk\n", 1, 13, stdout);
  putchar('p'); putc('q', stdout); fputc('\n', stdout);
  puts("puts line");
  fprintf(stderr, "this goes to stderr and is not compared\n");
  return (int)(h & 0x7f);
}

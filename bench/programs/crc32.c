/* crc32: table-driven CRC-32 (IEEE, reflected) plus a 64-bit FNV-1a hash over a
 * generated 64 KB buffer, repeated PASSES times (argv[1], default 350).
 * Byte loads, table lookups, shifts and xors: a typical checksum kernel. */
#include "common.h"

#define BUF_SIZE (64 * 1024)
static unsigned char buf[BUF_SIZE];
static uint32_t table[256];

static void make_table(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
}

static uint32_t crc32(uint32_t crc, const unsigned char *p, size_t n) {
  crc = ~crc;
  while (n--) crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return ~crc;
}

static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t n) {
  while (n--) { h ^= *p++; h *= 0x100000001b3ull; }
  return h;
}

int main(int argc, char **argv) {
  long passes = bench_arg(argc, argv, 350);
  make_table();
  for (size_t i = 0; i < BUF_SIZE; i++) buf[i] = (unsigned char)(bench_rand() >> 56);
  uint32_t crc = 0;
  uint64_t h = 0xcbf29ce484222325ull;
  for (long p = 0; p < passes; p++) {
    crc = crc32(crc, buf, BUF_SIZE);
    if ((p & 3) == 0) h = fnv1a(h, buf, BUF_SIZE);
    buf[p % BUF_SIZE] ^= (unsigned char)crc;  /* every pass sees different data */
  }
  printf("crc32 passes=%ld crc=0x%08x fnv=0x%016llx\n", passes, crc, (unsigned long long)h);
  return 0;
}

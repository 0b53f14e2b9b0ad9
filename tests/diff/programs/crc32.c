/* CRC-32 (table and bitwise), CRC-32C, Adler-32 and FNV over generated data. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

static uint32_t tab[256], tabc[256];
static void mk(uint32_t *t, uint32_t poly)
{
  uint32_t i, j;
  for (i = 0; i < 256; i++) { uint32_t c = i; for (j = 0; j < 8; j++) c = c & 1 ? (c >> 1) ^ poly : c >> 1; t[i] = c; }
}
static uint32_t crc_tab(const uint32_t *t, const uint8_t *p, size_t n, uint32_t c)
{
  c = ~c;
  while (n--) c = t[(c ^ *p++) & 0xff] ^ (c >> 8);
  return ~c;
}
static uint32_t crc_bit(const uint8_t *p, size_t n)
{
  uint32_t c = 0xffffffffu; size_t i; int k;
  for (i = 0; i < n; i++) { c ^= p[i]; for (k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1))); }
  return ~c;
}
static uint32_t adler(const uint8_t *p, size_t n)
{
  uint32_t a = 1, b = 0; size_t i;
  for (i = 0; i < n; i++) { a = (a + p[i]) % 65521; b = (b + a) % 65521; }
  return b << 16 | a;
}

int main(void)
{
  mk(tab, 0xedb88320u); mk(tabc, 0x82f63b78u);
  const char *kat = "123456789";
  printf("crc32(\"123456789\")=%08x crc32c=%08x adler=%08x\n", crc_tab(tab, (const uint8_t *)kat, 9, 0),
         crc_tab(tabc, (const uint8_t *)kat, 9, 0), adler((const uint8_t *)kat, 9));
  static uint8_t data[1 << 19];
  uint64_t x = 42;
  size_t i;
  for (i = 0; i < sizeof data; i++) { x = x * 6364136223846793005ULL + 1; data[i] = (uint8_t)(x >> 56); }
  uint32_t full = crc_tab(tab, data, sizeof data, 0);
  printf("crc32 512KiB=%08x crc32c=%08x adler=%08x\n", full, crc_tab(tabc, data, sizeof data, 0), adler(data, sizeof data));
  /* incremental == one-shot */
  uint32_t inc = 0;
  size_t off = 0, step = 7;
  while (off < sizeof data) { size_t n = step < sizeof data - off ? step : sizeof data - off; inc = crc_tab(tab, data + off, n, inc); off += n; step = step * 5 % 4093 + 1; }
  printf("incremental match=%d\n", inc == full);
  printf("bitwise(64KiB)=%08x table=%08x\n", crc_bit(data, 65536), crc_tab(tab, data, 65536, 0));
  /* crc of every prefix length 0..300 at every alignment 0..7 */
  uint32_t acc = 0;
  int a;
  for (a = 0; a < 8; a++) for (i = 0; i <= 300; i++) acc = acc * 31 + crc_tab(tab, data + a, i, 0);
  printf("prefix acc=%08x\n", acc);
  return (int)(full & 0x7f);
}

/* sieve: sieve of Eratosthenes over a byte array up to 2,000,000, repeated
 * ROUNDS times (argv[1], default 10). Strided byte stores and a sequential scan. */
#include "common.h"
#include <string.h>

#define LIMIT 2000000
static unsigned char composite[LIMIT + 1];

int main(int argc, char **argv) {
  long rounds = bench_arg(argc, argv, 10);
  uint64_t sum = 0;
  long count = 0;
  for (long r = 0; r < rounds; r++) {
    long limit = LIMIT - (r & 7);           /* vary the bound a little per round */
    memset(composite, 0, (size_t)limit + 1);
    for (long i = 2; i * i <= limit; i++)
      if (!composite[i])
        for (long j = i * i; j <= limit; j += i) composite[j] = 1;
    count = 0;
    for (long i = 2; i <= limit; i++)
      if (!composite[i]) { count++; sum += (uint64_t)i * (uint64_t)(r + 1); }
  }
  printf("sieve rounds=%ld primes=%ld checksum=0x%016llx\n", rounds, count,
         (unsigned long long)sum);
  return 0;
}

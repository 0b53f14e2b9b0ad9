/* Integer matrix multiply (int32 with wrap via uint32, int64, int16 accumulate into int32),
 * matrix power modulo a prime, and a transposed variant that vectorises. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define N 80
static int32_t A[N][N], B[N][N];
static int64_t C64[N][N];
static uint32_t C32[N][N];
static int16_t S1[N][N], S2[N][N];
static int32_t CS[N][N];

static void matmul_mod(uint64_t (*x)[4], uint64_t (*y)[4], uint64_t (*out)[4], uint64_t p)
{
  uint64_t t[4][4];
  int i, j, k;
  for (i = 0; i < 4; i++) for (j = 0; j < 4; j++) { unsigned __int128 acc = 0; for (k = 0; k < 4; k++) acc += (unsigned __int128)x[i][k] * y[k][j]; t[i][j] = (uint64_t)(acc % p); }
  memcpy(out, t, sizeof t);
}

int main(void)
{
  int i, j, k;
  uint32_t r = 2024;
  for (i = 0; i < N; i++) for (j = 0; j < N; j++) {
    r = r * 1664525u + 1013904223u; A[i][j] = (int32_t)r >> 8;
    r = r * 1664525u + 1013904223u; B[i][j] = (int32_t)(r >> 20) - 2048;
    S1[i][j] = (int16_t)(A[i][j] & 0x3ff); S2[i][j] = (int16_t)(B[i][j] / 3);
  }
  for (i = 0; i < N; i++) for (j = 0; j < N; j++) {
    int64_t t = 0; uint32_t u = 0; int32_t s = 0;
    for (k = 0; k < N; k++) { t += (int64_t)A[i][k] * B[k][j]; u += (uint32_t)A[i][k] * (uint32_t)B[k][j]; s += S1[i][k] * S2[k][j]; }
    C64[i][j] = t; C32[i][j] = u; CS[i][j] = s;
  }
  uint64_t h64 = 0, h32 = 0, hs = 0;
  for (i = 0; i < N; i++) for (j = 0; j < N; j++) { h64 = h64 * 31 + (uint64_t)C64[i][j]; h32 = h32 * 31 + C32[i][j]; hs = hs * 31 + (uint32_t)CS[i][j]; }
  printf("int64 hash=%016llx C[3][5]=%lld\n", (unsigned long long)h64, (long long)C64[3][5]);
  printf("uint32 hash=%016llx C[3][5]=%u\n", (unsigned long long)h32, C32[3][5]);
  printf("int16 hash=%016llx C[3][5]=%d\n", (unsigned long long)hs, CS[3][5]);
  /* Fibonacci-like 4x4 matrix power mod a large prime (exercises 128-bit mul / mod) */
  uint64_t M[4][4] = { { 1, 1, 1, 1 }, { 1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 1, 0 } }, R[4][4] = { { 1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 1, 0 }, { 0, 0, 0, 1 } };
  const uint64_t p = 0xffffffffffffffc5ULL; /* largest 64-bit prime */
  uint64_t e = 1000000000000ULL;
  while (e) { if (e & 1) matmul_mod(R, M, R, p); matmul_mod(M, M, M, p); e >>= 1; }
  printf("tetranacci(1e12) mod p = %llu %llu\n", (unsigned long long)R[0][0], (unsigned long long)R[1][3]);
  return (int)(h64 & 0x7f);
}

/* Backtracking: N-queens counts (bitmask and array versions), sudoku solver, subset sums. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

static long solve_bits(int n, uint32_t cols, uint32_t d1, uint32_t d2)
{
  uint32_t all = (1u << n) - 1;
  if (cols == all) return 1;
  long c = 0;
  uint32_t avail = all & ~(cols | d1 | d2);
  while (avail) {
    uint32_t b = avail & -avail;
    avail ^= b;
    c += solve_bits(n, cols | b, (d1 | b) << 1, (d2 | b) >> 1);
  }
  return c;
}

static int pos[16];
static long solve_arr(int row, int n)
{
  if (row == n) return 1;
  long c = 0;
  int col, r;
  for (col = 0; col < n; col++) {
    for (r = 0; r < row; r++) if (pos[r] == col || pos[r] - col == row - r || col - pos[r] == row - r) break;
    if (r < row) continue;
    pos[row] = col;
    c += solve_arr(row + 1, n);
  }
  return c;
}

static int g[81];
static long nodes;
static int ok(int idx, int v)
{
  int r = idx / 9, c = idx % 9, i;
  for (i = 0; i < 9; i++) if (g[r * 9 + i] == v || g[i * 9 + c] == v) return 0;
  int br = r / 3 * 3, bc = c / 3 * 3;
  for (i = 0; i < 9; i++) if (g[(br + i / 3) * 9 + bc + i % 3] == v) return 0;
  return 1;
}
static int sudoku(int idx)
{
  nodes++;
  while (idx < 81 && g[idx]) idx++;
  if (idx == 81) return 1;
  int v;
  for (v = 1; v <= 9; v++) if (ok(idx, v)) { g[idx] = v; if (sudoku(idx + 1)) return 1; g[idx] = 0; }
  return 0;
}

static long subsets(const int *a, int n, int target)
{
  if (target == 0) return 1;
  if (n == 0 || target < 0) return 0;
  return subsets(a + 1, n - 1, target - a[0]) + subsets(a + 1, n - 1, target);
}

int main(void)
{
  int n;
  long tot = 0;
  for (n = 1; n <= 10; n++) { long a = solve_bits(n, 0, 0, 0), b = n <= 8 ? solve_arr(0, n) : a; printf("queens(%d) = %ld %s\n", n, a, a == b ? "" : "MISMATCH"); tot += a; }
  const char *puzzle = "530070000600195000098000060800060003400803001700020006060000280000419005000080079";
  for (n = 0; n < 81; n++) g[n] = puzzle[n] - '0';
  int solved = sudoku(0);
  printf("sudoku solved=%d nodes=%ld\n", solved, nodes);
  for (n = 0; n < 81; n += 9) printf("  %d%d%d %d%d%d %d%d%d\n", g[n], g[n + 1], g[n + 2], g[n + 3], g[n + 4], g[n + 5], g[n + 6], g[n + 7], g[n + 8]);
  static const int set[] = { 3, 34, 4, 12, 5, 2, 7, 19, 23, 1, 8, 15, 11, 6, 9, 13, 17, 21 };
  long ss = subsets(set, 15, 50);
  printf("subsets summing to 50: %ld\n", ss);
  return (int)((tot + ss + nodes) & 0x7f);
}

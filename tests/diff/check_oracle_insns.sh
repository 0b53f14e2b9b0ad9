#!/usr/bin/env bash
# check_oracle_insns.sh OBJDUMP BINARY...
# Fails if any test binary contains a VIS instruction that qemu-sparc64 7.2 (the oracle of
# the diff tests) executes differently from the architecture (see docs/isa.md), because that
# program's reference output would then be wrong. Verified by hand for two of them:
#   bshuffle           result bytes come out in reversed order
#   fpsub16/fpsub32(s) rs1 and rs2 are swapped (computes rs2 - rs1)
# and the rest of the list from docs/isa.md: edge*, array*, signed partitioned compares,
# the fmul8x16 family, fpmerge, fexpand, siam.
# gcc -O3 -mcpu=niagara2 emits some of these for permutations/reversals, some reductions and
# vectorised 16/32-bit subtraction; rewrite the offending loop if this test fails.
set -u
objdump=$1
shift
insns='\t(bshuffle|fpsub(16|32)s?|edge(8|16|32)(l|n|ln)?|array(8|16|32)|fcmp(gt|le)(16|32)|fmul8x16(au|al)?|fmul8(su|ul)x16|fmuld8(su|ul)x16|fpmerge|fexpand|siam)[ \t]'
bad=0
for b in "$@"; do
  if [ ! -f "$b" ]; then
    echo "missing binary $b (not built?)"
    bad=1
    continue
  fi
  hits=$("$objdump" -d "$b" | awk -v re="$insns" '/^[0-9a-f]+ <.*>:$/ { fn = $2 }
    $0 ~ re { n[fn]++ }
    END { for (f in n) printf "%s x%d ", f, n[f] }')
  if [ -n "$hits" ]; then
    echo "$(basename "$b"): $hits"
    bad=1
  fi
done
if [ $bad -eq 0 ]; then
  echo "OK: $# binaries free of VIS instructions that qemu 7.2 gets wrong"
fi
exit $bad

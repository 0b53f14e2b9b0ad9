#!/usr/bin/env bash
# Checks the guest runtime image: entry at 0x8000000, a 32 KB aligned trap table, the
# handled vectors at TBA + TT*32 (TL=0) and TBA + 0x4000 + TT*32 (TL>0), image < 2 MB.
# Usage: check_layout.sh ELF
set -u
elf=$1
nm=${SPARC64_NM:-sparc64-linux-gnu-nm}
readelf=${SPARC64_READELF:-sparc64-linux-gnu-readelf}
fail=0
syms=$("$nm" "$elf") || { echo "FAIL: cannot read $elf"; exit 1; }
addr() { awk -v s="$1" '$3 == s { print "0x" $1 }' <<<"$syms"; }
expect() {   # name, expected address
  local got
  got=$(addr "$1")
  if [ -z "$got" ]; then
    echo "FAIL: symbol $1 missing"; fail=1
  elif (( got != $2 )); then
    printf 'FAIL: %s at %#x, expected %#x\n' "$1" "$got" "$2"; fail=1
  else
    printf 'ok: %s at %#x\n' "$1" "$got"
  fi
}

tba=$(addr trap_table)
[ -n "$tba" ] || { echo "FAIL: no trap_table symbol"; exit 1; }
if (( tba % 0x8000 )); then printf 'FAIL: trap_table at %#x is not 32 KB aligned\n' "$tba"; fail=1; fi
expect _start 0x8000000
entry=$("$readelf" -h "$elf" | awk '/Entry point/ { print $4 }')
(( entry == 0x8000000 )) || { echo "FAIL: ELF entry $entry, expected 0x8000000"; fail=1; }
expect trap_table_end $((tba + 0x8000))
expect tl0_clean_window $((tba + 0x24 * 32))
expect tl0_interrupt_level_14 $((tba + 0x4e * 32))
expect tl0_fast_data_access_MMU_miss $((tba + 0x68 * 32))
expect tl0_cpu_mondo $((tba + 0x7c * 32))
expect tl0_dev_mondo $((tba + 0x7d * 32))
expect tl0_spill_0_normal $((tba + 0x80 * 32))
expect tl0_fill_0_normal $((tba + 0xc0 * 32))
expect tl1_clean_window $((tba + 0x4000 + 0x24 * 32))
expect tl1_fast_data_access_MMU_miss $((tba + 0x4000 + 0x68 * 32))
expect tl1_spill_0_normal $((tba + 0x4000 + 0x80 * 32))
expect tl1_fill_0_normal $((tba + 0x4000 + 0xc0 * 32))
# every other vector reports: 1024 slots minus the 35 that hold or branch to handlers
objdump=${SPARC64_OBJDUMP:-sparc64-linux-gnu-objdump}
n=0
while read -r a; do
  (( 0x${a%:} % 32 == 0 )) && n=$((n + 1))
done < <("$objdump" -d --start-address=$tba --stop-address=$((tba + 0x8000)) "$elf" |
         awk '/b,a.*<trap_unexpected>/ { print $1 }')
if [ "$n" != 989 ]; then echo "FAIL: $n vectors branch to trap_unexpected, expected 989"; fail=1
else echo "ok: the other 989 vectors branch to trap_unexpected"; fi
end=$(addr __image_end)
if (( end - 0x8000000 >= 0x200000 )); then printf 'FAIL: image ends at %#x (>= 2 MB)\n' "$end"; fail=1
else printf 'ok: image (with .bss and boot stack) ends at %#x\n' "$end"; fi
# every PT_LOAD at physical = virtual inside the first 2 MB
while read -r type off va pa; do
  (( va == pa )) || { echo "FAIL: PT_LOAD $va loads at $pa"; fail=1; }
done < <("$readelf" -lW "$elf" | awk '$1 == "LOAD" { print $1, $2, $3, $4 }')
[ $fail = 0 ] && echo "layout ok" || echo "layout FAILED"
exit $fail

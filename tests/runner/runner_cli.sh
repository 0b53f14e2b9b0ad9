#!/usr/bin/env bash
# Command-line behaviour of sparc64-run that a user relies on: exit codes, one-line errors,
# the --stats line, unknown syscalls reported by name, SIGILL with pc and instruction word.
# Usage: runner_cli.sh RUNNER HELLO ILLEGAL UNKNOWN_SYSCALL
set -u
R=$1 HELLO=$2 ILLEGAL=$3 UNKNOWN=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/../lib/check.sh"
expect_127() {   # expect_127 NAME ARGS...: exit 127 and exactly one line on stderr
  local name=$1; shift
  "$R" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  [ $rc = 127 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && [ ! -s "$tmp/out" ]
  st=$?; check "$name (rc=$rc: $(head -c 120 "$tmp/err"))" $st
}

expect_127 "missing file" "$tmp/does-not-exist"
printf 'just text\n' >"$tmp/text"
expect_127 "not an ELF" "$tmp/text"
expect_127 "x86-64 ELF" /bin/true
printf '\177ELF\001\002\001\000\000\000\000\000\000\000\000\000\000\002\000\022' >"$tmp/e32"
head -c 64 /dev/zero >>"$tmp/e32"
expect_127 "32-bit SPARC ELF" "$tmp/e32"
if command -v sparc64-linux-gnu-gcc >/dev/null; then
  printf 'int main(void){return 0;}\n' >"$tmp/d.c"
  sparc64-linux-gnu-gcc -O2 "$tmp/d.c" -o "$tmp/dyn"
  expect_127 "dynamically linked ELF" "$tmp/dyn"
fi

# Hostile ELF headers (issue 17): program headers whose offset wraps around 2^64 are refused
# (they used to be read out of bounds), and a PT_LOAD with a 2^48-byte memsz runs (its bss is
# mapped lazily) instead of spinning page by page.
patch_elf() {   # patch_elf IN OUT MODE
  python3 - "$@" <<'PY'
import struct, sys
src, dst, mode = sys.argv[1:4]
b = bytearray(open(src, 'rb').read())
phoff, = struct.unpack('>Q', b[32:40]); phentsize, phnum = struct.unpack('>HH', b[54:58])
if mode == 'phoff':
    b[32:40] = struct.pack('>Q', (1 << 64) - phnum * phentsize)
else:
    for i in range(phnum):
        ph = phoff + i * phentsize
        if struct.unpack('>I', b[ph:ph + 4])[0] == 1:   # the first PT_LOAD
            b[ph + 40:ph + 48] = struct.pack('>Q', {'memsz48': 1 << 48, 'wrap': (1 << 64) - 4096}[mode])
            break
open(dst, 'wb').write(b)
PY
}
patch_elf "$HELLO" "$tmp/phoff" phoff
expect_127 "program headers at 2^64 - their size" "$tmp/phoff"
grep -qx "sparc64-run: $tmp/phoff: truncated program headers" "$tmp/err"
check "  ... says the program headers are truncated" $?
patch_elf "$HELLO" "$tmp/wrap" wrap
expect_127 "a segment that wraps around the address space" "$tmp/wrap"
patch_elf "$HELLO" "$tmp/memsz48" memsz48
timeout 30 "$R" "$tmp/memsz48" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 0 ] && grep -q "Hello from SPARC V9" "$tmp/out"
check "a 2^48-byte PT_LOAD maps lazily and the program runs (rc=$rc)" $?

# A normal program: output passes through, exit code 0, last stderr line is the stats line.
"$R" --stats "$HELLO" >"$tmp/out" 2>"$tmp/err"
rc=$?
grep -q "Hello from SPARC V9" "$tmp/out"
check "hello runs (rc=$rc)" $(( rc != 0 || $? != 0 ))
tail -1 "$tmp/err" | grep -Eq '^instructions=[0-9]+ seconds=[0-9.]+ mips=[0-9.]+$'
st=$?; check "--stats last line: $(tail -1 "$tmp/err")" $st

# Illegal instruction: output before it is kept, exit 132, message names pc and word.
"$R" "$ILLEGAL" >"$tmp/out" 2>"$tmp/err"
rc=$?
grep -q "before the illegal instruction" "$tmp/out" && [ $rc = 132 ] &&
  grep -Eq 'illegal_instruction at pc 0x[0-9a-f]+ \(insn 0x00001234: illtrap 0x1234\)' "$tmp/err"
st=$?; check "illegal instruction -> SIGILL, 132 (rc=$rc: $(head -c 160 "$tmp/err"))" $st

# Unknown syscall: ENOSYS to the program, reported by name with --stats.
"$R" --stats "$UNKNOWN" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 90 ] && grep -q "unknown syscall getitimer (86)" "$tmp/err"
st=$?; check "unknown syscall -> ENOSYS and named (rc=$rc: $(head -1 "$tmp/err"))" $st

# Tracing: the first instructions with disassembly, then the trap of the first syscall.
"$R" --trace "$tmp/trace" --trace-limit 20 "$ILLEGAL" >/dev/null 2>&1
grep -q "ta %icc, 0x6d" "$tmp/trace" && grep -q "trap 0x16d trap_instruction" "$tmp/trace"
check "--trace writes disassembly and traps" $?

finish

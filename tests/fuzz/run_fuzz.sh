#!/usr/bin/env bash
# Builds the state-stream fuzz target with clang++ (libFuzzer, ASan, UBSan) straight from
# the sources and runs it for a bounded time from a seed corpus it writes (a valid stream).
# Usage: tests/fuzz/run_fuzz.sh BUILD_DIR SECONDS
# Exit: 0 no finding, 77 skipped (no clang++ or no libFuzzer runtime: apt-get install clang
# libclang-rt-14-dev), anything else a finding (the crashing input is left in BUILD_DIR).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:?usage: run_fuzz.sh BUILD_DIR SECONDS}
secs=${2:?usage: run_fuzz.sh BUILD_DIR SECONDS}

cxx=${FUZZ_CXX:-clang++}
if ! command -v "$cxx" >/dev/null; then
  echo "fuzz: skipped: $cxx not found (apt-get install clang libclang-rt-14-dev)"
  exit 77
fi
rt="$("$cxx" -print-resource-dir)/lib/linux/libclang_rt.fuzzer-$(uname -m).a"
if [[ ! -f $rt ]]; then
  echo "fuzz: skipped: no libFuzzer runtime ($rt; apt-get install libclang-rt-14-dev)"
  exit 77
fi

mkdir -p "$out/seed" "$out/corpus"
bin=$out/fuzz_state_stream
srcs=("$here/fuzz_state_stream.cpp" "$root/sim/state/stream.cpp")
# Rebuild only when a source or header is newer than the binary.
rebuild=0
[[ -x $bin ]] || rebuild=1
for f in "${srcs[@]}" "$root"/sim/state/*.h; do
  [[ $f -nt $bin ]] && rebuild=1
done
if ((rebuild)); then
  launcher=()
  command -v ccache >/dev/null && launcher=(ccache)
  echo "fuzz: building $bin"
  "${launcher[@]}" "$cxx" -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root" "${srcs[@]}" -lz -o "$bin.tmp"
  mv "$bin.tmp" "$bin"
fi

VFSIM_FUZZ_WRITE_SEED="$out/seed/valid.vfs" "$bin"
# -timeout: one input taking a second is a hang; -rss_limit_mb: an allocation the input does
# not justify shows as running out of memory long before the machine does.
exec "$bin" -max_total_time="$secs" -timeout=5 -rss_limit_mb=1024 -max_len=4096 -print_final_stats=1 \
  -artifact_prefix="$out/" "$out/corpus" "$out/seed"

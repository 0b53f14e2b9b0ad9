#!/usr/bin/env bash
# Builds one fuzz target with clang++ (libFuzzer, ASan, UBSan) straight from the sources and
# runs it for a bounded time from a seed corpus it writes (valid inputs) plus the checked-in
# regression inputs under tests/fuzz/corpus/TARGET/.
# Usage: tests/fuzz/run_fuzz.sh BUILD_DIR SECONDS [TARGET]
#   TARGET: state_stream (default), migration_runtime, migration_frames, cwq, md_decode, elf,
#   platform_file, hypercalls, ldm_request, vio_services, constraints_xml, nvme
# Exit: 0 no finding, 77 skipped (no clang++ or no libFuzzer runtime: apt-get install clang
# libclang-rt-14-dev), anything else a finding (the crashing input is left in BUILD_DIR).
# FUZZ_BUILD_ONLY=1: build the target and write its seeds, do not fuzz.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:?usage: run_fuzz.sh BUILD_DIR SECONDS [TARGET]}
secs=${2:?usage: run_fuzz.sh BUILD_DIR SECONDS [TARGET]}
target=${3:-state_stream}

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

defs=() libs=(-lz) max_len=4096 extra=() rss_mb=1024
case $target in
  state_stream)
    srcs=("$here/fuzz_state_stream.cpp" "$root/sim/state/stream.cpp")
    ;;
  migration_runtime | hypercalls | vio_services)
    # The hypervisor and the machine under it (no SystemC simulation runs).
    srcs=("$here/fuzz_$target.cpp" "$root/sim/state/stream.cpp")
    for f in "$root"/hv/*.cpp; do
      case ${f##*/} in mdprint.cpp | vfsim_guest_md.cpp) ;; *) srcs+=("$f") ;; esac
    done
    for f in "$root"/sim/cmt/*.cpp; do   # the timed machine, all but its bare-metal main
      [[ ${f##*/} == vfsim_bare.cpp ]] || srcs+=("$f")
    done
    for f in "$root"/sim/dev/*.cpp; do srcs+=("$f"); done   # the device framework the root complexes use
    for f in "$root"/sim/trace/*.cpp; do srcs+=("$f"); done   # the trace interface (off unless an input turns it on)
    [[ $target == hypercalls ]] && srcs+=("$root/models/nvme.cpp" "$root/models/nvme_commands.cpp")   # behind pci@400
    for f in decoder disasm interpreter names strand_state asi_access window_traps elf_image strand_state_desc; do
      srcs+=("$root/sim/isa/$f.cpp")
    done
    srcs+=("$root/sim/platform/platform.cpp" "$root/sim/platform/platform_file.cpp")
    defs=(-DFMT_SHARED -DTOML_HEADER_ONLY=0 -DTOML_SHARED_LIB=1)
    libs=(-lsystemc -ltomlplusplus -lfmt -lcrypto -lz -lpthread)
    max_len=16384   # a 2-vCPU stream is about 6 KB
    # Every install_migrated_pages leaves a block PhysicalMemory keeps (reachable, not a leak
    # LeakSanitizer reports): libFuzzer's per-input leak check then rescans the heap on every
    # input, a fifth of the speed.
    extra=(-detect_leaks=0)
    rss_mb=2048   # a T5240 machine under ASan
    [[ $target == hypercalls ]] && max_len=4096   # 83 calls of 49 bytes
    if [[ $target == vio_services ]]; then   # and the service domain's servers
      for f in vio_server vds vdisk_backend vsw mac_table pcap_writer ds ds_wire vcc; do srcs+=("$root/models/$f.cpp"); done
      max_len=4096   # 60 records of 68 bytes
      extra+=(-len_control=0)   # a session takes a dozen records: long inputs from the start
    fi
    ;;
  migration_frames)
    srcs=("$here/fuzz_migration_frames.cpp" "$root/ldm/migration_wire.cpp" "$root/ldm/migration_pages.cpp" "$root/ldm/state_file.cpp")
    defs=(-DFMT_SHARED)
    libs=(-lfmt -lz)
    max_len=16384   # one raw 8 KB page with its header
    ;;
  cwq)
    srcs=("$here/fuzz_cwq.cpp" "$root/hv/cwq.cpp")
    defs=(-DFMT_SHARED)
    libs=(-lfmt -lcrypto -lz)
    max_len=16384
    ;;
  md_decode)
    srcs=("$here/fuzz_md_decode.cpp" "$root/hv/machine_description.cpp")
    defs=(-DFMT_SHARED)
    libs=(-lfmt)
    max_len=16384
    ;;
  elf)
    srcs=("$here/fuzz_elf.cpp" "$root/sim/isa/elf_image.cpp")
    libs=()
    max_len=8192
    ;;
  platform_file)
    srcs=("$here/fuzz_platform_file.cpp" "$root/sim/platform/platform.cpp" "$root/sim/platform/platform_file.cpp")
    defs=(-DFMT_SHARED -DTOML_HEADER_ONLY=0 -DTOML_SHARED_LIB=1)
    libs=(-ltomlplusplus -lfmt)
    max_len=4096
    ;;
  ldm_request)
    # ldmd's request decoding and handler, the Manager on a fake machine (no hypervisor, no simulation).
    srcs=("$here/fuzz_ldm_request.cpp" "$root/models/vdisk_backend.cpp" "$root/sim/platform/platform.cpp"
          "$root/sim/platform/platform_file.cpp")
    for f in manager operation commands commands_vio commands_suspend commands_xml constraints_xml list listing_rows units \
             state_file service_path protocol vfctl_commands vfctl_trace command_table vfctl_usage xml_interface layout_build layout_doc \
             stats_sample; do
      srcs+=("$root/ldm/$f.cpp")
    done
    for f in "$root"/sim/trace/*.cpp; do srcs+=("$f"); done   # vfctl trace (SystemC only for its clock)
    defs=(-DFMT_SHARED -DTOML_HEADER_ONLY=0 -DTOML_SHARED_LIB=1)
    libs=(-ltomlplusplus -lfmt -lpugixml -lsystemc)
    max_len=8192
    extra=(-dict="$here/ldm_request.dict")   # the subcommands, options and properties
    ;;
  constraints_xml)
    # add-domain -i's XML: the reader, then the Manager (no machine) applying it.
    srcs=("$here/fuzz_constraints_xml.cpp" "$root/models/vdisk_backend.cpp" "$root/sim/platform/platform.cpp"
          "$root/sim/platform/platform_file.cpp")
    for f in manager operation commands commands_vio commands_suspend commands_xml constraints_xml list listing_rows units \
             state_file service_path protocol command_table; do
      srcs+=("$root/ldm/$f.cpp")
    done
    defs=(-DFMT_SHARED -DTOML_HEADER_ONLY=0 -DTOML_SHARED_LIB=1)
    libs=(-ltomlplusplus -lfmt -lpugixml)
    max_len=16384   # a service domain and a guest with every device: about 6 KB
    extra=(-dict="$here/constraints_xml.dict")   # the elements, resource types and keys
    ;;
  nvme)
    # The NVMe controller on the unit tests' fake PCI bus (tests/unit/fake_pci_bus.h).
    srcs=("$here/fuzz_nvme.cpp" "$root/models/nvme.cpp" "$root/models/nvme_commands.cpp" "$root/sim/dev/register_bank.cpp"
          "$root/sim/dev/pci_function.cpp")
    defs=(-DFMT_SHARED)
    libs=(-lfmt)
    max_len=8192   # a bring-up with queues and a few commands is about 1 KB
    ;;
  *)
    echo "fuzz: no target $target" >&2
    exit 2
    ;;
esac

mkdir -p "$out/seed" "$out/corpus" "$out/obj"
bin=$out/fuzz_$target
flags=(-std=c++17 -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -I"$root" "${defs[@]}")
launcher=()
# (paths relative to the tree: another clone of it hits the same cache entries)
command -v ccache >/dev/null && launcher=(env CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1 ccache)

# One object per source, rebuilt when the source or a header it includes (its .d file) is
# newer; two at a time.
compile() {
  local src=$1 obj=$2
  local dep=${obj%.o}.d stale=0
  [[ -f $obj && -f $dep ]] || stale=1
  if ((!stale)); then
    for f in $(sed -e 's/\\$//' -e 's/^[^:]*://' "$dep"); do
      [[ $f -nt $obj ]] && { stale=1; break; }
    done
  fi
  ((stale)) || return 0
  echo "fuzz: compiling ${src#"$root"/}"
  "${launcher[@]}" "$cxx" "${flags[@]}" -MMD -MF "$dep" -c "$src" -o "$obj.tmp" && mv "$obj.tmp" "$obj"
}
objs=() pids=()
for src in "${srcs[@]}"; do
  rel=${src#"$root"/}
  obj=$out/obj/${rel//\//_}.o
  objs+=("$obj")
  compile "$src" "$obj" &
  pids+=($!)
  if ((${#pids[@]} >= $(nproc))); then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p"; done
relink=0
[[ -x $bin ]] || relink=1
for o in "${objs[@]}"; do [[ $o -nt $bin ]] && relink=1; done
if ((relink)); then
  echo "fuzz: linking $bin"
  "$cxx" "${flags[@]}" -fsanitize=fuzzer "${objs[@]}" "${libs[@]}" -o "$bin.tmp"
  mv "$bin.tmp" "$bin"
fi

if [[ $target == state_stream ]]; then
  VFSIM_FUZZ_WRITE_SEED="$out/seed/valid.vfs" "$bin"
else
  VFSIM_FUZZ_WRITE_SEED="$out/seed" "$bin"
fi
dirs=("$out/corpus" "$out/seed")
[[ -d $here/corpus/$target ]] && dirs+=("$here/corpus/$target")
[[ ${FUZZ_BUILD_ONLY:-0} == 1 ]] && exit 0
# -timeout: one input taking a second is a hang; -rss_limit_mb: an allocation the input does
# not justify shows as running out of memory long before the machine does. -error_exitcode:
# libFuzzer's own is 77, which CTest takes for "skipped" (SKIP_RETURN_CODE): a finding passed.
exec "$bin" -max_total_time="$secs" -timeout=5 -error_exitcode=1 -rss_limit_mb="$rss_mb" -max_len="$max_len" -print_final_stats=1 \
  "${extra[@]}" -artifact_prefix="$out/" "${dirs[@]}"

#!/usr/bin/env bash
# Installs what vfsim needs on Debian 12 (as root) and configures + builds into build/.
# Idempotent: packages already present are not reinstalled.
# Usage: scripts/setup.sh [TARGET...]   (default: everything)
set -euo pipefail
cd "$(dirname "$0")/.."
PKGS=(cmake ninja-build g++ pkg-config libsystemc-dev libfmt-dev libboost-program-options-dev libboost-dev nlohmann-json3-dev
      catch2 libtomlplusplus-dev zlib1g-dev gcc-sparc64-linux-gnu binutils-sparc64-linux-gnu qemu-user python3
      netcat-openbsd openssl tshark clang libclang-rt-14-dev libssl-dev libpugixml-dev libgraphviz-dev
      libncurses-dev tmux   # vfctl top's screen; tests/ldm/top_view.sh drives it in tmux
      gtkwave   # opens the VCD traces; tests/trace/vcd.sh reads them with its vcd2fst
      python3-matplotlib)   # plots of scripts/timing_validation.py and plot_latency.py
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing[@]}" >/dev/null
fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=${VFSIM_BUILD_TYPE:-Release} >/dev/null
if (($#)); then
  cmake --build build -j"$(nproc)" --target "$@"
else
  cmake --build build -j"$(nproc)"
fi

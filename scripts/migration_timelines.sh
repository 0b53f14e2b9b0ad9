#!/usr/bin/env bash
# The pictures in docs/migration.md "Timeline", made from real migrations: two deterministic
# ldmds (as tests/ldm/hosts.sh starts them) move the same kind of guest, one warm and one
# live (trace=FILE), and scripts/render_timeline.py draws the two traces on one time scale.
# The guest: 2 vCPUs, 1 GB, the memory workload dirtying 32 MB/s of a 64 MB footprint, run
# 2.5 s first so that all of it is touched; live with downtime=20.
# Usage: scripts/migration_timelines.sh [BUILD_DIR] [OUT_DIR]   (default build, docs/img)
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
out=$(mkdir -p "${2:-$here/../docs/img}" && cd "${2:-$here/../docs/img}" && pwd)
source "$here/../tests/ldm/lib.sh" "$build/bin/ldmd" "$build/bin/ldm" "$build/bin/vfctl" >/dev/null
source "$here/../tests/ldm/hosts.sh" "${TIMELINE_PORT:-15661}"
start_pair >/dev/null || exit 1
for h in hosta hostb; do on $h small_primary; done
for mode in warm live; do
  on hosta new_guest ldg-$mode 2 1G "memory footprint=64M rate=32M tick=100" >/dev/null
  on hosta ldm bind ldg-$mode >/dev/null
  on hosta ldm start ldg-$mode >/dev/null
  on hosta vfctl clock advance 2500ms >/dev/null
  props=(mode=$mode trace=$tmp/$mode.json)
  [ $mode = live ] && props+=(downtime=20)
  on hosta "$LDM" migrate-domain -p "$tmp/pw" "${props[@]}" ldg-$mode hostb || exit 1
  cp "$tmp/$mode.json" "$out/migration-$mode.json"
done
/usr/bin/python3 "$here/render_timeline.py" "$out/migration-warm.json" "$out/migration-live.json" "$out/migration-warm-vs-live.svg" || exit 1
/usr/bin/python3 "$here/render_timeline.py" "$out/migration-live.json" "$out/migration-live.svg" || exit 1
echo "wrote $out/migration-warm-vs-live.svg, $out/migration-live.svg (from migration-warm.json, migration-live.json)"

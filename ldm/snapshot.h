// Whole-host snapshots: `vfctl snapshot save FILE` writes every domain's state and memory,
// the timing model, the manager's configuration and the simulated time; `ldmd --restore
// FILE` starts a host from it, which continues exactly as the saved one did from that
// moment (docs/state.md). Service channels (virtual disks, networks, domain services) start
// over at the save, in the running host too, as a migrated domain's do, so both go on alike.
#pragma once
#include <cstdint>
#include <string>

#include "ldm/hv_host.h"
#include "ldm/manager.h"

namespace vfsim::ldm {

struct SnapshotInfo {
  uint64_t bytes = 0;        // of the file
  uint64_t pages = 0;        // guest memory pages written (never-touched pages cost nothing)
  unsigned guests = 0;
  double wall_seconds = 0;   // host time it took
};

// Writes FILE atomically (a crash mid-save leaves the old file). Throws state::StateError.
SnapshotInfo save_snapshot(const std::string& path, Manager& mgr, HvHost& host);

// What a snapshot file says about itself, checked whole (CRCs) before anything is applied.
struct Snapshot;
class SnapshotFile {
 public:
  explicit SnapshotFile(const std::string& path);   // throws state::StateError
  ~SnapshotFile();
  const std::string& platform() const;
  const std::string& hostname() const;
  const Model& model() const;
  // Each domain's device channel ids: preset them in the host before the manager binds.
  const std::map<std::string, std::map<std::string, uint64_t>>& channels() const;
  // Applies it to a host that has just started: simulated time runs (idle) up to the saved
  // time, the manager binds the saved domains without booting them, then every part's state
  // is loaded and the cores resume where they stopped. Throws state::StateError.
  void restore(Manager& mgr, HvHost& host) const;

 private:
  Snapshot* s_;
};

}  // namespace vfsim::ldm

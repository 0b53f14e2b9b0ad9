// The migration trace category (docs/tracing.md): one migration as nested slices on its
// track, "migration DOMAIN" in the services group: the whole migration, its phases (checks,
// prepare, transfer, handoff) inside it and, inside the transfer, each round of memory sent.
// Source and target ldmd each draw their own side. Called on ldmd's main thread only; held
// by a shared_ptr (a migration's state may be dropped last by its worker thread: the open
// slices keep it registered, so it is never ended, or destroyed with slices open, there).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "sim/trace/trace.h"

namespace vfsim::ldm {

class MigrationTrace : public std::enable_shared_from_this<MigrationTrace> {
 public:
  MigrationTrace() = default;
  MigrationTrace(const MigrationTrace&) = delete;
  MigrationTrace& operator=(const MigrationTrace&) = delete;

  // The outer slice ("migrate ldg1 to host2", "receive ldg1 from host1").
  void begin(const std::string& domain, const std::string& what, std::vector<trace::Arg> args = {});
  // End the phase open (and a round in it) and begin this one; nothing if it is the one open.
  void phase(const std::string& name, std::vector<trace::Arg> args = {});
  void round_begin(const std::string& name, std::vector<trace::Arg> args);
  void round_end(std::vector<trace::Arg> args);   // the round open, if one is
  // End everything; args go on the outer slice's End (outcome, bytes, downtime ...).
  void end(std::vector<trace::Arg> args);
  // ldmd is stopping: every migration's slices still open end now (before trace::finish).
  static void close_all();

 private:
  void push(const std::string& name, std::vector<trace::Arg> args);
  void pop(std::vector<trace::Arg> args);
  std::string domain_;
  // Slices open, outermost first; depth 1 the migration, 2 a phase, 3 a round.
  std::vector<std::string> open_;
};

}  // namespace vfsim::ldm

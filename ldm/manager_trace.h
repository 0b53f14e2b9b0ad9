// The Logical Domains Manager's trace points (docs/tracing.md, categories domain and ldm):
// each domain's state as a slice on its domain track, and each ldm or vfctl command ldmd
// serves as a slice on the host's track, in simulated time. ldmd calls these; the manager
// itself stays free of them (its tests run without a tracer).
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ldm/domain_host.h"
#include "ldm/model.h"
#include "ldm/operation.h"

namespace vfsim::ldm {

class ManagerTrace {
 public:
  // domain: compare each domain's state with the slice drawn for it; where it changed, end
  // that slice and begin one for the new state (a domain that is gone ends its slice).
  // Cheap when the category is off (one test); ldmd calls it after every request and step.
  void domain_states(const Model& m, DomainHost* host);
  // ldm: a command's slice begins when ldmd starts it and ends with its final reply: at once,
  // or when its Operation (operation.h) finishes or is cancelled.
  void command(const std::string& tool, const std::vector<std::string>& args, const Reply& r);
  // Before trace::finish(): end every slice still open (states, commands still running), so
  // every Begin has its End.
  void close_all();

  // The state a domain is in, as drawn: inactive, bound, active, or a migration's state.
  static std::string state_of(const Domain& d, DomainHost* host);

 private:
  struct Open {
    std::string name;
    bool open = false;
  };
  void end_command(const std::shared_ptr<Open>& c, const Reply& r);
  std::map<std::string, std::string> states_;        // domain -> state whose slice is open
  std::vector<std::shared_ptr<Open>> commands_;      // commands whose slice is open, oldest first
};

}  // namespace vfsim::ldm

// vfctl suspend / resume: a guest suspended through its OS (Domain Services domain-suspend,
// then the hypervisor's guest_suspend) as a migration does before its last copy, and let go
// on again as a cancelled one does. Debugging aids: the model does not change (the domain
// stays active) and nothing is saved.
#include <fmt/format.h>

#include "ldm/manager.h"

namespace vfsim::ldm {

namespace {
// The domain both commands work on, or the reply that refuses it.
Domain* guest_domain(Model& m, const std::string& name, Reply& refusal) {
  Domain* d = m.find(name);
  if (!d) refusal = fail(fmt::format("LDom {} not found", name));
  else if (d->control) refusal = fail(fmt::format("LDom {} is the control domain and cannot be suspended", name));
  else if (d->state != State::Active) refusal = fail(fmt::format("LDom {} is not active", name));
  else return d;
  return nullptr;
}
}  // namespace

Reply Manager::suspend_domain(const std::string& name) {
  if (auto op = running_operation())
    return op->refusal();
  Reply refusal;
  Domain* d = guest_domain(m_, name, refusal);
  if (!d) return refusal;
  if (!host_) return fail(fmt::format("LDom {} does not support suspend: no hypervisor runs it", name));
  auto op = new_operation("suspend " + name);
  host_->suspend_domain(*d, *op, [op, name](const std::string& err) {
    if (!err.empty()) return op->finish(fail(err));
    Reply r;
    r.out = fmt::format("LDom {} suspended\n", name);
    op->finish(r);
  });
  return settle(op);
}

Reply Manager::resume_domain(const std::string& name) {
  if (auto op = running_operation())
    return op->refusal();
  Reply refusal;
  Domain* d = guest_domain(m_, name, refusal);
  if (!d) return refusal;
  if (!host_ || !host_->suspended(*d)) return fail(fmt::format("LDom {} is not suspended", name));
  host_->resume_domain(*d);
  Reply r;
  r.out = fmt::format("LDom {} resumed\n", name);
  return r;
}

}  // namespace vfsim::ldm

#include "ldm/operation.h"

#include <exception>

namespace vfsim::ldm {

Reply Operation::refusal() const {
  return fail("An operation is in progress (" + what_ + ": " + progress_ + "): try again when it has finished");
}

void Operation::wait(std::function<bool()> cond, double timeout_s, std::function<void(bool)> next) {
  cond_ = std::move(cond);
  next_ = std::move(next);
  until_ = now_() + timeout_s;
  pump();   // a condition that already holds goes on at once, as it always did
}

void Operation::finish(Reply r) {
  if (done()) return;
  cond_ = nullptr;
  next_ = nullptr;
  r.pending.reset();
  try {
    for (auto& f : finishers_) f(r);
  } catch (const std::exception& e) {   // e.g. the configuration could not be saved
    r = fail(std::string("ldmd: ") + what_ + ": " + e.what());
  }
  reply_ = std::move(r);
  status_ = reply_.code == 0 ? Status::Succeeded : Status::Failed;
}

void Operation::pump() {
  if (pumping_) return;   // a next() that starts a wait: the loop below takes it
  pumping_ = true;
  try {
    // Checked in the order the blocking loop did: the condition, then the time-out.
    while (!done() && cond_) {
      bool met = cond_();
      if (!met && now_() < until_) break;
      auto next = std::move(next_);
      cond_ = nullptr;
      next_ = nullptr;
      next(met);
    }
  } catch (const std::exception& e) {
    cond_ = nullptr;
    finish(fail(std::string("ldmd: internal error in ") + what_ + ": " + e.what()));
  }
  pumping_ = false;
}

void Operation::cancel(const std::string& why) {
  if (done()) return;
  cond_ = nullptr;
  next_ = nullptr;
  for (auto& c : cleanups_) c();
  reply_ = fail(what_ + " cancelled: " + why);
  status_ = Status::Cancelled;
}

}  // namespace vfsim::ldm

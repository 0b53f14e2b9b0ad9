// A command's reply, and the Operation a long command becomes: one that waits for a guest
// (graceful stop-domain, live vCPU changes through Domain Services) while simulated time
// runs. Nothing inside a request runs simulated time (no nested sc_start): the command
// starts an Operation and returns; ldmd's main loop runs simulated time in small steps
// (kStepSeconds, as the command used to itself, so outputs stay the same) and calls pump()
// after each, which moves the Operation on to its next wait or to its final Reply. The
// client's connection waits meanwhile (request_server.h) and other clients are served.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace vfsim::ldm {

class Operation;

struct Reply {
  std::string out, err;
  int code = 0;
  // Set while the command still runs: its final Reply is pending->reply() once done.
  std::shared_ptr<Operation> pending;
};
// A failed command: one line on stderr, exit code 1.
inline Reply fail(std::string msg, int code = 1) {
  Reply r;
  r.err = msg + "\n";
  r.code = code;
  return r;
}

class Operation {
 public:
  // The refusal of a change while this runs (one change at a time).
  Reply refusal() const;
  enum class Status { Running, Succeeded, Failed, Cancelled };
  static constexpr double kStepSeconds = 50e-6;   // simulated time between two looks

  // what: for messages ("stop-domain ldg1"); now: simulated seconds.
  Operation(std::string what, std::function<double()> now) : what_(std::move(what)), now_(std::move(now)) {}

  // Wait until cond() holds, or timeout_s of simulated time from now has passed: then
  // next(true) or next(false). cond() is first asked at once. One wait at a time: next()
  // starts the following one, or ends the Operation with finish().
  void wait(std::function<bool()> cond, double timeout_s, std::function<void(bool met)> next);
  // The end: its Reply, and Succeeded or Failed by the reply's code.
  void finish(Reply r);
  // After a step of simulated time: run what is due. Exceptions end the Operation Failed.
  void pump();
  // Stop waiting (ldmd is stopping): the reply says so; the cleanups added run.
  void cancel(const std::string& why);
  void on_cancel(std::function<void()> cleanup) { cleanups_.push_back(std::move(cleanup)); }
  // Run when it finishes (not when cancelled), before its Reply is delivered: may change it.
  void on_finish(std::function<void(Reply&)> f) { finishers_.push_back(std::move(f)); }

  bool done() const { return status_ != Status::Running; }
  Status status() const { return status_; }
  const Reply& reply() const { return reply_; }
  const std::string& what() const { return what_; }
  // What it waits for now ("waiting for LDom ldg1: domain-shutdown"), for messages.
  const std::string& progress() const { return progress_; }
  void set_progress(std::string p) { progress_ = std::move(p); }
  // Simulated time ldmd runs between two looks while this waits: kStepSeconds for a guest's
  // answer, more for a wait of seconds (a migration's modelled copy), 0 while it waits only
  // for something outside the simulation (the network): then it runs none.
  double step_seconds() const { return step_; }
  void set_step_seconds(double s) { step_ = s; }

 private:
  std::string what_, progress_;
  double step_ = kStepSeconds;
  std::function<double()> now_;
  Status status_ = Status::Running;
  Reply reply_;
  std::function<bool()> cond_;
  std::function<void(bool)> next_;
  double until_ = 0;
  bool pumping_ = false;
  std::vector<std::function<void()>> cleanups_;
  std::vector<std::function<void(Reply&)>> finishers_;
};

}  // namespace vfsim::ldm

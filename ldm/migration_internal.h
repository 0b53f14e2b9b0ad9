// What the Migrator's files share (migration.cpp: the source's checks, the warm copy and the
// target; migration_live.cpp: the live rounds and the prediction): the link's message
// types, the two session records, and small helpers. Not for use outside ldm/migration*.
#pragma once
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "ldm/migration_trace.h"
#include "ldm/migration.h"
#include "ldm/migration_pages.h"
#include "ldm/migration_wire.h"

namespace vfsim::ldm::mig {

// Frame types on the link (migration_link.h frames: type, length, payload).
enum Msg : uint8_t {
  kHello = 1, kHelloOk, kAuthFail, kOffer, kChecked, kMemory, kRuntime, kDone, kResumed, kFailed, kCommit,
  kCancel, kCommitted, kBegin, kScrubbed, kProgress,
};
constexpr uint32_t kProtocol = 1;
using wire::kPage;
using wire::kPagesPerFrame;
constexpr int kConnectMs = 3000, kReplyMs = 30000;
constexpr double kCheckPct = 2, kPreparePct = 5, kHandoffPct = 98;   // progress at each phase's start

inline const char* kUnreachable =
    "Failed to establish connection with ldmd(1m) on target: {}\n"
    "Check that the 'ldmd' service is enabled on the target machine and\n"
    "that the version supports Domain Migration. Check that the 'xmpp_enabled'\n"
    "and 'incoming_migration_enabled' properties of the 'ldmd' service on\n"
    "the target machine are set to 'true' using svccfg(1M).";

inline std::string kind_of(const Domain& d) {
  return d.state == State::Active ? "active" : d.state == State::Bound ? "bound" : "inactive";
}

inline bool all_zero(const uint8_t* p) {
  static const uint8_t zero[kPage] = {};
  return std::memcmp(p, zero, kPage) == 0;
}

inline std::string seconds(double s) { return fmt::format("{:.3f} s", s); }

// The domain of an offer as this host takes it in: its constraints, identity and devices,
// none of the source's bindings.
inline Domain offered_domain(const wire::Offer& offer) {
  Domain d = offer.domain;
  d.state = State::Inactive;
  d.control = false;
  d.strands.clear();
  d.mem.clear();
  d.mau_cores.clear();
  d.cons_port = -1;
  d.migration = {};
  return d;
}

// A modelled duration passes on this host's clock (the guests run meanwhile), then next();
// afterwards the operation waits for the network again and runs no simulated time.
inline void sim_wait(Operation& op, std::function<double()> now, double s, std::function<void()> next) {
  double until = now() + s;
  op.set_step_seconds(std::clamp(s / 100, Operation::kStepSeconds, 1e-3));
  op.wait([now, until] { return now() >= until - 1e-12; }, s * 2 + 1, [&op, next](bool) {
    op.set_step_seconds(0);
    next();
  });
}


// A modelled duration in whole microseconds, as the phases are reported and listed.
inline uint64_t whole_us(double s) { return uint64_t(std::llround(std::max(0.0, s) * 1e6)); }

}  // namespace vfsim::ldm::mig

namespace vfsim::ldm {

using Role = Domain::Migration::Role;
using mig::kPage;
using mig::kPagesPerFrame;

// ---- sessions ------------------------------------------------------------------------------
// One round of memory, captured at once on the main thread, sent by the source's worker.
struct Migrator::Batch {
  unsigned round = 0;
  bool last = false;              // the guest is suspended: the runtime state and DONE follow
  std::vector<uint64_t> ras;
  std::vector<uint8_t> pages;     // ras.size() pages of 8 KB
  unsigned from_pct = 5, to_pct = 98;   // the target's progress over this batch
};

struct Migrator::Source {
  // Set on the main thread before the worker starts.
  std::string domain, target_name, host, user, password, source_host;
  bool dry = false, cert = false;
  std::string kind;             // active | bound | inactive
  std::string offer;            // JSON
  std::pair<std::string, uint16_t> addr;
  link::TlsIdentity tls;
  Fault fault;
  std::shared_ptr<Operation> op;
  // Main -> worker: what to do after the checks, then the rounds of memory to send, each
  // captured at once on the main thread (warm: one, with the guest suspended).
  enum class Next { Wait, Abort, Commit, Transfer } next = Next::Wait;
  using Batch = Migrator::Batch;
  std::deque<Batch> batches;        // (under mu)
  std::string runtime;              // with the last batch
  std::string done_body;            // DONE's JSON (phase times, crc), with the last batch
  // Worker -> main.
  std::atomic<uint64_t> sent{0}, wire{0};   // pages of the current batch sent; compressed bytes sent in all
  std::atomic<unsigned> batches_sent{0};
  std::atomic<bool> all_sent{false}, cancel{false};
  std::atomic<bool> scrub_done{false};      // the target answered a cancel (SCRUBBED)
  std::atomic<uint64_t> scrub_bytes{0}, scrub_us{0};
  // Live migration (migration_live.cpp): the choice and what its rounds did.
  bool live = false;
  LivePolicy policy;
  std::string trace_file;           // trace=FILE: the timeline (Chrome trace JSON)
  std::shared_ptr<MigrationTrace> trace = std::make_shared<MigrationTrace>();   // category migration
  struct Round {
    uint64_t pages = 0, bytes = 0, dirtied = 0;   // sent; dirtied while it was sent
    double start = 0, seconds = 0;                // simulated time
    bool suspended = false;
  };
  std::vector<Round> rounds;
  LiveVerdict verdict = LiveVerdict::Converged;
  double t_suspended = 0, t_transfer_end = 0, suspend_asked = 0;
  unsigned vcpus_at_start = 0;
  uint64_t runtime_estimate = 0;    // bytes of runtime state (measured at the start), for the expected downtime
  uint64_t total_bytes = 0, last_pages = 0, nonzero_at_suspend = 0;   // memory sent in all rounds; pages of the last batch
  double rate = 0;                  // the pipeline's bytes per second for this migration
  double sampled_s = 0;             // -n: the window its dirty rate was measured over
  unsigned progress_floor = 0;      // progress only goes up
  std::atomic<unsigned> shown{0};   // live: the source's progress, which the worker passes on to the target (PROGRESS)
  // Bookkeeping (main thread).
  double t0 = 0, t_checked = 0, t_prepared = 0, modelled_transfer = 0;
  uint64_t touched_bytes = 0, touched_pages = 0;   // non-zero pages at the start of the copy
  uint32_t crc = 0;   // of the memory at suspend, as vfctl checksum computes it
  unsigned shrunk_from = 0;
  bool suspended = false, finished = false;
  bool confirmed = false, transfer_done = false;   // the target took over; the modelled copy has passed
  std::mutex mu;
  std::condition_variable cv;
  std::unique_ptr<link::Channel> ch;   // set by the worker; shutdown() from main to cut it
  std::thread th;
  std::atomic<bool> worker_done{false};
  std::string continue_file;   // --migration-fault hold: the test's go-ahead
  std::atomic<bool> held{false};
  double handoff_s = 0;   // the handoff's modelled time (set before the worker starts)
  std::vector<unsigned> removed_maus;   // 2.0: the crypto units taken away at the start
  int target_maus = -1;                 // how many the target bound (from its checks)
  int target_maus_primary = -1, target_vcpus_primary = 0;   // the target's control domain
};

struct Migrator::Incoming {
  std::unique_ptr<link::Channel> ch;
  std::string peer_addr, user, source_host;
  wire::Offer offer;
  std::string malformed;        // why the offer could not be read ("" when it could)
  std::string name, kind;       // the domain's name here, and what it is
  bool shell = false;           // a receiving domain exists here
  bool dry = false;
  uint64_t expected = 0;                  // pages of the round being received
  std::atomic<uint64_t> received{0};      // ... of which arrived
  unsigned from_pct = 5, to_pct = 98;     // the progress shown over this round
  std::atomic<unsigned> mirrored{0};      // live: the source's own progress (PROGRESS), shown as it is
  std::string runtime;
  wire::ReceivedPages memory;   // the last copy of each page that arrived
  std::thread th;
  std::atomic<bool> done{false};
  uint32_t crc = 0;       // of the memory at suspend, as the source computed it
  bool verify = false;
  unsigned maus = 0;      // crypto units the receiving domain got
  wire::PhaseTimes times;   // the source's phases, kept with the domain once it is here
  std::shared_ptr<MigrationTrace> trace = std::make_shared<MigrationTrace>();   // category migration
};


}  // namespace vfsim::ldm

// The timing model of a migration and its live (pre-copy) policy, as pure functions: the
// Migrator (migration.cpp, migration_live.cpp) runs a migration with them, and
// `ldm migrate-domain -n` predicts one with the same ones (predict()). docs/migration.md
// "Timing model" and "Live migration" give the reasoning behind every parameter.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vfsim::ldm {

// The copy is a pipeline whose rate is its slowest stage (reference ldoms-migration-timing.md
// §7). None of these rates is published: each is a named parameter [D].
struct MigrationTiming {
  double link_mbit_s = 1000;        // the network between the two control domains (1 GbE)
  double link_efficiency = 0.94;    // TCP/IP and TLS framing: ~117 MB/s of payload on 1 GbE
  double hv_read_mb_s = 400;        // reading guest memory out of the hypervisor: one thread before 3.2
  double compress_mb_s = 60;        // one compression thread (1.2 does not compress in parallel)
  double sw_encrypt_mb_s = 18;      // software SSL on one T2 Plus strand (no crypto unit)
  double cu_encrypt_mb_s = 110;     // one crypto unit (CWQ) doing the bulk cipher
  double install_mb_s = 800;        // the target writes pages into its hypervisor
  double scrub_mb_s = 1200;         // the target zeroes what it received when a migration is cancelled (N5d)
  double check_s = 0.02;            // connect, authenticate, check (a few round trips)
  double shell_s = 0.005;           // the target creates and binds the receiving domain
  double handoff_s = 0.01;          // the target resumes, confirms; the source destroys its copy
  double suspend_skew_s = 0.002;    // %stick and TOD pushed forward after resume (Solaris: 2 x 1 ms)
  // What the guest takes to answer (prediction only: a real migration waits for the guest).
  // Measured on vfsim-runtime guests (docs/migration.md "Prediction"); another OS differs.
  double dr_vcpu_s = 0.000085;      // one vCPU removed through dr-cpu
  double suspend_s = 0.000065;      // domain-suspend asked, the guest parks and suspends
  // Bytes per second through the pipeline for these control domains: crypto_units and
  // vcpus are the smaller of the two primaries' (each side encrypts or decrypts, and
  // compresses or decompresses). Compression is one thread in 1.2; with multi_thread (1.3
  // and later: OVM 2.0 compatibility, and live migration, a 2.1 feature) it scales with
  // the control domains' vCPUs.
  double rate(unsigned crypto_units, unsigned vcpus = 1, bool multi_thread = false) const;
};

// Live migration (OVM Server for SPARC 2.1's pre-copy; Oracle publishes no stop rule, so
// these are QEMU's and Xen's, each a parameter: reference migration-ecosystem-anchors.md §1.2).
struct LivePolicy {
  double downtime_limit_s = 0.3;   // stop when the rest fits this at the link's rate (QEMU: 300 ms)
  unsigned max_rounds = 5;         // rounds while the guest runs, round 0 included (Xen v2: 5)
  // When it cannot converge (the round limit is reached, or the dirty set stops shrinking):
  // suspend anyway and send what is left (a longer downtime), or fail and leave the guest running.
  enum class OnNoConverge { Suspend, Fail } no_converge = OnNoConverge::Suspend;
  // A round that leaves less than this share fewer pages dirty than it sent has stopped
  // shrinking (exactly "not smaller" would let a saturated writer's last few pages decide).
  double min_shrink = 0.1;
};

// After a round: go on, or stop and suspend (converged), or not converging.
enum class LiveVerdict { Continue, Converged, RoundLimit, NotShrinking };
// rounds_done: rounds sent so far (1 after round 0); remaining: bytes dirtied during the
// last round; previous: the bytes of the round before it (what the last round sent).
LiveVerdict live_verdict(const LivePolicy& p, unsigned rounds_done, uint64_t remaining, uint64_t previous, double rate);
const char* verdict_name(LiveVerdict v);

// Distinct pages a guest dirties in a window of t seconds, from samples of its dirty log
// taken at growing times since the log started (t ascending; (0, 0) implied). Between
// samples linear; past the last, the rate of the window's last quarter, up to cap pages.
struct DirtyCurve {
  std::vector<std::pair<double, uint64_t>> samples;   // (seconds since start, distinct pages)
  uint64_t cap = 0;                                   // the guest's pages: no window dirties more
  double pages_in(double t) const;
  double rate() const;   // pages per second over the whole window
};

// A migration's plan: what each phase will take in simulated time, and its rounds.
struct PredictInput {
  std::string kind;               // active, bound or inactive
  bool live = false;
  uint64_t touched_pages = 0;     // non-zero pages of the guest now (round 0 / the warm copy)
  uint64_t runtime_bytes = 0;     // the runtime state sent last
  unsigned vcpus_removed = 0;     // warm: vCPUs the prepare phase removes through dr-cpu
  double rate = 0;                // bytes per second (MigrationTiming::rate)
  DirtyCurve dirty;
  MigrationTiming timing;
  LivePolicy policy;
};
struct PlannedRound {
  uint64_t pages = 0;
  double seconds = 0;
  bool suspended = false;   // the last: sent with the guest suspended
};
struct Prediction {
  double checks = 0, prepare = 0, transfer = 0, handoff = 0, downtime = 0;
  std::vector<PlannedRound> rounds;   // live: each round; warm: the one copy
  LiveVerdict verdict = LiveVerdict::Converged;
  bool fails = false;                 // live, not converging, and the policy is to fail
  double total() const { return checks + prepare + transfer + handoff; }
};
Prediction predict(const PredictInput& in);

}  // namespace vfsim::ldm

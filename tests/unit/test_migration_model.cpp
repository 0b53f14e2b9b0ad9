// The migration timing model and live policy (ldm/migration_model.h): the stop rule of the
// live rounds, the dirty curve the dry run reads, and predict(), against numbers worked out
// by hand from the formulas in docs/migration.md.
#include <catch2/catch.hpp>

#include <map>
#include <vector>

#include "ldm/migration_model.h"
#include "ldm/migration_pages.h"

using namespace vfsim::ldm;
namespace wire = vfsim::ldm::wire;

namespace {
constexpr uint64_t kMB = 1000000;
}

TEST_CASE("migration model: the pipeline's rate is its slowest stage", "[migration]") {
  MigrationTiming t;
  CHECK(t.rate(0) == Approx(18e6));                  // software SSL on one strand
  CHECK(t.rate(1) == Approx(60e6));                  // 1.2: one compression thread
  CHECK(t.rate(1, 8, true) == Approx(110e6));        // 1.3+: compression scales, one crypto unit
  CHECK(t.rate(2, 8, true) == Approx(117.5e6));      // then the 1 GbE link (94 % of it)
  CHECK(t.rate(2, 1, true) == Approx(60e6));         // one control-domain vCPU: compression again
  t.link_mbit_s = 100;
  CHECK(t.rate(2, 8, true) == Approx(11.75e6));
}

TEST_CASE("migration model: the live stop rule", "[migration]") {
  LivePolicy p;   // 300 ms, 5 rounds, suspend
  double rate = 100e6;
  // The rest fits 300 ms at 100 MB/s: 30 MB.
  CHECK(live_verdict(p, 1, 30 * kMB, 500 * kMB, rate) == LiveVerdict::Converged);
  CHECK(live_verdict(p, 1, 31 * kMB, 500 * kMB, rate) == LiveVerdict::Continue);
  // After round 0 the set is not compared with all of memory...
  CHECK(live_verdict(p, 1, 600 * kMB, 500 * kMB, rate) == LiveVerdict::Continue);
  // ...from round 1 on, a set under 10 % smaller than the last round has stopped shrinking.
  CHECK(live_verdict(p, 2, 91 * kMB, 100 * kMB, rate) == LiveVerdict::NotShrinking);
  CHECK(live_verdict(p, 2, 89 * kMB, 100 * kMB, rate) == LiveVerdict::Continue);
  CHECK(live_verdict(p, 5, 50 * kMB, 100 * kMB, rate) == LiveVerdict::RoundLimit);
  p.max_rounds = 1;   // one round while it runs, then suspend whatever is left
  CHECK(live_verdict(p, 1, 50 * kMB, 100 * kMB, rate) == LiveVerdict::RoundLimit);
  CHECK(std::string(verdict_name(LiveVerdict::NotShrinking)) == "not shrinking");
}

TEST_CASE("migration model: the dirty curve interpolates, then extrapolates its tail", "[migration]") {
  DirtyCurve c;
  c.samples = {{0.1, 100}, {0.2, 200}, {0.3, 250}, {0.4, 250}};   // a writer that went round 250 pages
  CHECK(c.pages_in(0) == 0);
  CHECK(c.pages_in(0.05) == Approx(50));
  CHECK(c.pages_in(0.25) == Approx(225));
  CHECK(c.pages_in(2.0) == Approx(250));   // the window's last quarter did not grow: saturated
  c.samples = {{0.1, 100}, {0.2, 200}, {0.3, 300}, {0.4, 400}};
  CHECK(c.pages_in(1.0) == Approx(1000));   // a steady writer goes on at its rate
  c.cap = 600;
  CHECK(c.pages_in(1.0) == Approx(600));    // never more than the guest has
  CHECK(c.rate() == Approx(1000));
}

TEST_CASE("migration model: predict() plans warm and live migrations round by round", "[migration]") {
  PredictInput in;
  in.kind = "active";
  in.rate = 8192.0 * 1000;   // 1000 pages per second: round times are page counts in ms
  in.touched_pages = 1000;
  in.runtime_bytes = 0;
  in.timing.check_s = 0.02;
  in.timing.handoff_s = 0.01;
  in.timing.dr_vcpu_s = 0.001;
  in.timing.suspend_s = 0.002;
  // Warm: prepare removes 3 vCPUs and suspends; the copy is all of it; downtime copy + handoff.
  in.vcpus_removed = 3;
  Prediction w = predict(in);
  CHECK(w.prepare == Approx(0.005));
  CHECK(w.transfer == Approx(1.0));
  CHECK(w.downtime == Approx(1.01));
  CHECK(w.total() == Approx(0.02 + 0.005 + 1.0 + 0.01));
  // Live, a 100 ms limit, a writer of 200 pages/s. Round 0: 1000 pages, 1 s; it dirtied 200
  // (200 ms to send: over the limit) -> round 1: 0.2 s, dirtied 40 (40 ms: fits) -> suspend
  // (2 ms, 0.4 more pages), the last 40.4.
  in.live = true;
  in.policy.downtime_limit_s = 0.1;
  in.dirty.samples = {{0.5, 100}, {1.0, 200}};
  Prediction l = predict(in);
  REQUIRE(l.rounds.size() == 3);
  CHECK(l.rounds[0].pages == 1000);
  CHECK(l.rounds[1].pages == 200);
  CHECK(l.rounds[2].suspended);
  CHECK(l.rounds[2].pages == 40);
  CHECK(l.verdict == LiveVerdict::Converged);
  CHECK(l.prepare == 0);
  CHECK(l.transfer == Approx(1.0 + 0.2 + 0.002 + 0.0404));
  CHECK(l.downtime == Approx(0.0404 + 0.01));
  // A writer faster than the link: round 1 dirties all of it again; converge=fail fails.
  in.dirty.samples = {{0.5, 1000}, {1.0, 1000}};
  in.dirty.cap = 1000;
  in.policy.no_converge = LivePolicy::OnNoConverge::Fail;
  Prediction f = predict(in);
  CHECK(f.fails);
  CHECK(f.verdict == LiveVerdict::NotShrinking);
  CHECK(f.rounds.size() == 2);
  in.policy.no_converge = LivePolicy::OnNoConverge::Suspend;
  Prediction s = predict(in);
  CHECK_FALSE(s.fails);
  CHECK(s.rounds.back().suspended);
  CHECK(s.rounds.back().pages == 1000);
  CHECK(s.downtime == Approx(1.0 + 0.01));
  // Bound or inactive: the configuration only.
  in.kind = "bound";
  Prediction b = predict(in);
  CHECK(b.total() == Approx(0.02 + 0.01 + in.timing.shell_s));
  CHECK(b.rounds.empty());
}

TEST_CASE("migration target: the last copy of each page counts; a frame sent again in full is freed",
          "[migration]") {
  // Three pages in round 0, two of them again in round 1, one of those again in round 2.
  auto frame = [](std::vector<uint64_t> ras, uint8_t fill) {
    std::vector<uint8_t> pages(ras.size() * 8192, fill);
    wire::MemoryFrame f;
    REQUIRE(wire::parse_memory_frame(wire::memory_frame(ras.data(), pages.data(), ras.size()), f));
    return f;
  };
  auto last = [](const wire::ReceivedPages& r) {
    std::map<uint64_t, uint8_t> m;
    r.for_each([&](uint64_t ra, const uint8_t* p) { m[ra] = p[0]; });
    return m;
  };
  wire::ReceivedPages in;
  in.take(frame({0x8000000, 0x8002000, 0x8004000}, 1));
  in.take(frame({0x8002000, 0x8004000}, 2));
  in.take(frame({0x8004000, 0x8004000}, 3));   // (the same page twice: the later one counts)
  CHECK(in.pages() == 3);
  CHECK(last(in) == std::map<uint64_t, uint8_t>{{0x8000000, 1}, {0x8002000, 2}, {0x8004000, 3}});
  CHECK(in.current() == std::vector<uint32_t>{1, 1, 1});
  CHECK_FALSE(in.frames()[0].raw.empty());   // still holds 0x8000000's only copy
  in.take(frame({0x8000000}, 4));
  CHECK(in.frames()[0].raw.empty());         // nothing of round 0 is the last copy any more
  CHECK(last(in) == std::map<uint64_t, uint8_t>{{0x8000000, 4}, {0x8002000, 2}, {0x8004000, 3}});
  in.clear();
  CHECK(in.pages() == 0);
}

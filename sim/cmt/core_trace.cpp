// The strand and cache trace categories: what each core did in a quantum, sampled when the
// quantum ends and written as counters (docs/tracing.md). A sample is stamped at the
// quantum's start on the core's own clock, so a counter's value holds over exactly the
// quantum it describes; only values that changed are written, which keeps idle or steady
// stretches to nothing.
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "sim/cmt/bare_machine.h"
#include "sim/cmt/core.h"
#include "sim/trace/trace.h"

namespace vfsim::cmt {

namespace {
// Per-strand counters: the state, the share of cycles it issued in, and the cycles it
// waited by cause (StrandStats wait_* fields, as the core charges them when it issues).
enum StrandCounter : unsigned { SC_STATE, SC_BUSY, SC_FETCH, SC_LOAD, SC_LONG_OP, SC_STORE_BUFFER, SC_TLB, SC_COUNT };
constexpr const char* kStrandCounterName[SC_COUNT] = {"state", "busy", "stall.fetch", "stall.load",
                                                      "stall.long_op", "stall.store_buffer", "stall.tlb"};
enum StrandState : unsigned { PARKED = 0, RUNNING = 1, IDLE = 2 };
constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
}  // namespace

Core::~Core() = default;

// prime: deltas count from the statistics as they are now (tracing turned on mid-run), not
// from zero (on from the start, when the core is built).
void Core::start_samples(bool prime) {
  samples_ = std::make_unique<TraceSamples>();
  for (unsigned i = 0; i < strands.size(); ++i) {
    if (prime) samples_->prev[i] = strands[i]->stats;
    std::fill(std::begin(samples_->shown[i]), std::end(samples_->shown[i]), kNone);
  }
  std::fill(std::begin(samples_->core_shown), std::end(samples_->core_shown), kNone);
}

void Core::trace_quantum(uint64_t start, const bool (&was_running)[8]) {
  using trace::Category;
  static_assert(SC_COUNT == sizeof(TraceSamples::shown[0]) / sizeof(double), "core.h sizes shown[][]");
  const bool strand_on = trace::on(Category::strand), cache_on = trace::on(Category::cache);
  if (!samples_) start_samples(true);
  TraceSamples& t = *samples_;
  const uint64_t t0 = trace::cycles_to_ps(start), t1 = trace::cycles_to_ps(cycles);
  const double span = double(cycles > start ? cycles - start : 1);
  auto counter = [](Category c, uint64_t ps, trace::Track track, const char* name, double v, double& shown) {
    if (v == shown) return;   // NaN never equals: the first value is always written
    shown = v;
    trace::Event e(c, trace::Phase::Counter, ps, std::move(track), "", name);
    e.value = v;
    trace::emit(std::move(e));
  };

  uint64_t l1i = 0, l1d = 0, l2 = 0;
  for (unsigned i = 0; i < strands.size(); ++i) {
    const StrandStats& now = strands[i]->stats;
    StrandStats& was = t.prev[i];
    const uint64_t issued = now.instructions - was.instructions;
    l1i += now.l1i_misses - was.l1i_misses;
    l1d += now.l1_misses - was.l1_misses;
    l2 += (now.l2_misses - was.l2_misses) + (now.store_l2_misses - was.store_l2_misses);
    const bool ran = was_running[i] || running[i] || issued;
    // A strand that has never run is left out (a T5440 has 256 of them).
    if (strand_on && (ran || !std::isnan(t.shown[i][SC_STATE]))) {
      // Idle: started, but it issued nothing because a host sleep (cpu_yield) covered the quantum.
      unsigned state = !ran ? PARKED : (!issued && sleep_end_[i] > start) ? IDLE : RUNNING;
      const double v[SC_COUNT] = {double(state),
                                  ran ? std::round(double(issued) / span * 1000) / 1000 : 0.0,   // to 0.1%: fewer changes
                                  double(now.wait_fetch - was.wait_fetch),
                                  double(now.wait_load - was.wait_load),
                                  double(now.wait_long_op - was.wait_long_op),
                                  double(now.wait_store_buffer - was.wait_store_buffer),
                                  double(now.wait_tlb - was.wait_tlb)};
      const trace::Track track = trace::Track::strand(strands[i]->id);
      for (unsigned k = 0; k < SC_COUNT; ++k) counter(Category::strand, t0, track, kStrandCounterName[k], v[k], t.shown[i][k]);
      // Stopped during the quantum: parked from its end on (nothing is sampled while parked).
      if (ran && !running[i]) {
        counter(Category::strand, t1, track, "state", double(PARKED), t.shown[i][SC_STATE]);
        counter(Category::strand, t1, track, "busy", 0.0, t.shown[i][SC_BUSY]);
      }
    }
    was = now;
  }
  if (!cache_on) return;
  const unsigned core_no = socket * m_.plat.cores_per_socket + index;
  const trace::Track core_track = trace::Track::service(fmt::format("core {}", core_no));
  counter(Category::cache, t0, core_track, "l1i_misses", double(l1i), t.core_shown[0]);
  counter(Category::cache, t0, core_track, "l1d_misses", double(l1d), t.core_shown[1]);
  counter(Category::cache, t0, core_track, "l2_misses", double(l2), t.core_shown[2]);
  if (index != 0) return;
  // The first core of a socket samples the socket's memory controllers and L2 banks: their
  // utilisation over the last window the memory system has completed (two quanta back).
  MemorySystem& ms = m_.memsys;
  const unsigned nmcu = m_.plat.memory_controllers_per_socket;
  const unsigned nbank = unsigned(ms.l2_banks.size() / m_.plat.sockets);
  if (t.memory_shown.empty()) t.memory_shown.assign(nmcu + nbank, kNone);
  const double now_ns = q_start_ns_;
  for (unsigned k = 0; k < nmcu; ++k) {
    const MemoryController& mc = ms.mcus[socket * nmcu + k];
    counter(Category::cache, t0, trace::Track::service(fmt::format("mcu {}", socket * nmcu + k)), "utilisation",
            std::round(mc.northbound.utilisation(now_ns) * 1000) / 1000, t.memory_shown[k]);
  }
  const trace::Track l2_track = trace::Track::service(fmt::format("l2 socket {}", socket));
  for (unsigned b = 0; b < nbank; ++b)
    counter(Category::cache, t0, l2_track, fmt::format("bank{}", b).c_str(),
            std::round(ms.l2_banks[socket * nbank + b].utilisation(now_ns) * 1000) / 1000, t.memory_shown[nmcu + b]);
}

}  // namespace vfsim::cmt

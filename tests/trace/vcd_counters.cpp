// Drives the VCD output through the real tracer with counters of a known pattern, emitted
// out of time order the way cores running their quanta one after another emit them; the
// file it writes is read back by tests/trace/vcd_read.py (tests/trace/vcd.sh).
//   strandS.state at step k (time k ns, k = 0..99) = (k / (S+1)) % 3, strands 0..3
//   ldg1.channel3.rx_queue at even steps = (k % 4) / 2
// Usage: trace_vcd_counters OUT.vcd
#include <systemc>

#include <fmt/format.h>

#include "sim/trace/trace.h"

namespace tr = vfsim::trace;

int sc_main(int argc, char** argv) {
  if (argc != 2) {
    fmt::print(stderr, "usage: trace_vcd_counters OUT.vcd\n");
    return 2;
  }
  std::string err;
  if (!tr::set("strand,ldc,hcall", "", true, err) || !tr::add_output(argv[1], err)) {
    fmt::print(stderr, "trace_vcd_counters: {}\n", err);
    return 1;
  }
  auto counter = [](uint64_t ps, tr::Track t, std::string dom, const char* name, double v) {
    tr::Event e;
    e.ps = ps;
    e.cat = t.kind == tr::TrackKind::Strand ? tr::Category::strand : tr::Category::ldc;
    e.phase = tr::Phase::Counter;
    e.track = std::move(t);
    e.domain = std::move(dom);
    e.name = name;
    e.value = v;
    tr::emit(std::move(e));
  };
  for (unsigned q = 0; q < 10; ++q) {   // ten quanta of ten steps; the last strand runs first
    for (int s = 3; s >= 0; --s)
      for (unsigned k = q * 10; k < q * 10 + 10; ++k) counter(k * 1000, tr::Track::strand(unsigned(s)), "", "state", (k / (s + 1)) % 3);
    for (unsigned k = q * 10; k < q * 10 + 10; k += 2) counter(k * 1000, tr::Track::channel("ldg1", 3), "ldg1", "rx_queue", (k % 4) / 2);
    // not a counter: the VCD leaves it out
    tr::instant(tr::Category::hcall, q * 10000 + 500, tr::Track::vcpu("ldg1", 0), "ldg1", "cpu_yield", "ldg1/vcpu0  cpu_yield() -> EOK");
  }
  tr::finish();
  return 0;
}

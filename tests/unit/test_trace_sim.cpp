// The tracer's horizon with SystemC time running: sync() writes only what is older than now
// minus one quantum (the skew), holds the rest, and an event that arrives behind what was
// written is counted late (text shows it at its own time, VCD where it arrived).
#include <catch2/catch.hpp>

#include <systemc>

#include "sim/trace/trace.h"
#include "tests/unit/trace_files.h"

namespace tr = vfsim::trace;

TEST_CASE("sync writes what is older than now minus the skew -- late events are counted", "[trace][sim]") {
  TraceDir d;
  std::string err;
  REQUIRE(tr::set("hcall,strand", "", true, err));
  REQUIRE(tr::add_output(d.path("t.txt"), err));
  REQUIRE(tr::add_output(d.path("t.vcd"), err));
  tr::set_skew_ps(1000000);   // 1 us quantum
  sc_core::sc_start(sc_core::sc_time(10, sc_core::SC_US));
  const uint64_t now = sc_core::sc_time_stamp().value();
  REQUIRE(now == 10000000);

  auto hcall = [](uint64_t ps, const char* text) { tr::instant(tr::Category::hcall, ps, tr::Track::vcpu("a", 0), "a", "x", text); };
  auto counter = [](uint64_t ps, double v) {
    tr::Event e;
    e.ps = ps;
    e.cat = tr::Category::strand;
    e.phase = tr::Phase::Counter;
    e.track = tr::Track::strand(0);
    e.name = "state";
    e.value = v;
    tr::emit(e);
  };
  hcall(now - 500000, "inside the quantum");
  hcall(now - 1000000, "on the horizon");
  hcall(now - 5000000, "old");
  counter(now - 4000000, 1);
  tr::sync();
  CHECK_THAT(tr::status(), Catch::Contains("Events: 3 written, 1 held, 0 late, 0 with no output\n"));
  hcall(now - 3000000, "late");
  counter(now - 4500000, 2);   // behind the VCD's last change too
  tr::sync();
  CHECK_THAT(tr::status(), Catch::Contains("Events: 5 written, 1 held, 2 late, 0 with no output\n"));
  tr::finish();
  CHECK(read_file(d.path("t.txt")) ==
        "       5.000 us  old\n"
        "       9.000 us  on the horizon\n"
        "       7.000 us  late\n"
        "       9.500 us  inside the quantum\n");
  Vcd v;
  REQUIRE(parse_vcd(read_file(d.path("t.vcd")), v, err));
  REQUIRE(v.changes.size() == 2);
  CHECK(v.changes[0].time == 6000000);
  CHECK(v.changes[0].value == 1);
  CHECK(v.changes[1].time == 6000000);   // the late one at 5.5 us, drawn at the dump's last time
  CHECK(v.changes[1].value == 2);

  // With nothing on, emit() drops events, and with no output they are counted as such.
  tr::reset();
  REQUIRE(tr::set("hcall", "", true, err));
  hcall(now, "nowhere");
  CHECK_THAT(tr::status(), Catch::Contains("Events: 0 written, 0 held, 0 late, 1 with no output\n"));
}

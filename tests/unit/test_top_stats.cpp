// vfctl top's arithmetic and text (ldm/stats_sample.h, ldm/top_view.h): rates between two
// known samples, the rows they print, the JSON round trip and the options.
#include <catch2/catch.hpp>

#include "ldm/stats_sample.h"
#include "ldm/top_view.h"

using namespace vfsim::ldm;

namespace {

VcpuCounters vcpu(unsigned vid, unsigned strand, uint64_t cycles, uint64_t idle, uint64_t insns) {
  VcpuCounters v;
  v.vid = vid;
  v.strand = strand;
  v.running = true;
  v.cycles = cycles;
  v.idle_cycles = idle;
  v.instructions = insns;
  return v;
}

// Half a simulated second in two wall seconds. vCPU 0 is busy 750000 of 1000000 cycles;
// vCPU 1 slept longer than the interval (a sleep is charged when it starts).
void two_samples(StatsSample& a, StatsSample& b) {
  a.platform = b.platform = "T5240";
  a.clock_hz = b.clock_hz = 1415000000;
  a.sim_seconds = 1.0;
  a.wall_seconds = 10.0;
  b.sim_seconds = 1.5;
  b.wall_seconds = 12.0;
  DomainCounters d;
  d.name = "ldg1";
  d.state = "active";
  d.ldc_tx_packets = 10;
  d.ldc_rx_packets = 20;
  d.ldc_tx_bytes = 640;
  d.ldc_rx_bytes = 1280;
  VcpuCounters v0 = vcpu(0, 8, 5000000, 100000, 2000000);
  v0.wait_fetch = 1000;
  v0.wait_load = 2000;
  v0.wait_long_op = 3000;
  v0.wait_store_buffer = 4000;
  v0.wait_tlb = 5000;
  v0.unit_conflicts = 6000;
  v0.l1d_misses = 100;
  v0.l1i_misses = 50;
  v0.l2_misses = 10;
  v0.hypercalls = 5;
  VcpuCounters v1 = vcpu(1, 9, 5000000, 4000000, 700000);
  v1.hypercalls = 40;
  d.vcpus = {v0, v1};
  a.domains = {d};

  d.ldc_tx_packets += 30;
  d.ldc_rx_packets += 70;
  d.ldc_tx_bytes += 1920;
  d.ldc_rx_bytes += 4480;
  VcpuCounters& w0 = d.vcpus[0];
  w0.cycles += 1000000;
  w0.idle_cycles += 250000;
  w0.instructions += 375000;
  w0.wait_fetch += 7500;        // 1% of 750000
  w0.wait_load += 75000;        // 10%
  w0.wait_long_op += 150000;    // 20%
  w0.wait_tlb += 750;           // 0.1%
  w0.unit_conflicts += 37500;   // 5%
  w0.l1d_misses += 1000;
  w0.l1i_misses += 500;
  w0.l2_misses += 250;
  w0.hypercalls += 2000;
  VcpuCounters& w1 = d.vcpus[1];
  w1.cycles += 1000000;
  w1.idle_cycles += 1200000;
  w1.hypercalls += 100;
  b.domains = {d};
}

}  // namespace

TEST_CASE("top: rates between two samples", "[top]") {
  StatsSample a, b;
  two_samples(a, b);
  Frame f = compute_frame(a, b);
  REQUIRE(f.rows.size() == 3);
  CHECK(f.sim_interval == Approx(0.5));
  CHECK(f.wall_interval == Approx(2.0));
  const Row& dom = f.rows[0];
  const Row& v0 = f.rows[1];
  const Row& v1 = f.rows[2];
  CHECK(!dom.vcpu);
  CHECK(v0.vcpu);
  CHECK(v0.valid);
  CHECK(v0.util_pct == Approx(75.0));
  CHECK(v0.ipc == Approx(0.5));
  CHECK(v0.stall_pct[0] == Approx(1.0));
  CHECK(v0.stall_pct[1] == Approx(10.0));
  CHECK(v0.stall_pct[2] == Approx(20.0));
  CHECK(v0.stall_pct[3] == Approx(0.0));
  CHECK(v0.stall_pct[4] == Approx(0.1));
  CHECK(v0.stall_pct[5] == Approx(5.0));
  CHECK(v0.l1_miss_s == Approx(3000.0));
  CHECK(v0.l2_miss_s == Approx(500.0));
  CHECK(v0.hcall_s == Approx(4000.0));
  // Idle for the whole interval: utilisation 0, not negative; no IPC to speak of.
  CHECK(v1.util_pct == Approx(0.0));
  CHECK(v1.ipc == Approx(0.0));
  CHECK(v1.hcall_s == Approx(200.0));
  // The domain: UTIL is the mean of its vCPUs (as ldm list's); the rest over its busy cycles.
  CHECK(dom.util_pct == Approx(37.5));
  CHECK(dom.ipc == Approx(0.5));
  CHECK(dom.stall_pct[1] == Approx(10.0));
  CHECK(dom.hcall_s == Approx(4200.0));
  CHECK(dom.ldc_pkt_s == Approx(200.0));
  CHECK(dom.ldc_byte_s == Approx(12800.0));
}

TEST_CASE("top: the frame as text", "[top]") {
  StatsSample a, b;
  two_samples(a, b);
  std::vector<std::string> lines = format_frame(compute_frame(a, b), true);
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] == "vfctl top - T5240  simulated 1.500000 s  wall 12.0 s  0.125000 sim s/wall s (last 2.00 s: 0.250000)");
  CHECK(lines[1] ==
        "NAME             STATE     UTIL%   IPC FETCH%  LOAD%  LONG% STBUF%   TLB%  UNIT% L1MISS/s L2MISS/s  HCALL/s "
        "LDCPKT/s   LDCB/s");
  CHECK(lines[2] ==
        "ldg1             active     37.5  0.50    1.0   10.0   20.0    0.0    0.1    5.0    3.00k      500    4.20k "
        "     200    12.8k");
  CHECK(lines[3] ==
        "  vcpu 0         s8         75.0  0.50    1.0   10.0   20.0    0.0    0.1    5.0    3.00k      500    4.00k "
        "                 ");
  CHECK(lines[4] ==
        "  vcpu 1         s9          0.0  0.00    0.0    0.0    0.0    0.0    0.0    0.0        0        0      200 "
        "                 ");
  // d hides the vCPU rows.
  std::vector<std::string> domains_only = format_frame(compute_frame(a, b), false);
  REQUIRE(domains_only.size() == 3);
  CHECK(domains_only[2] == lines[2]);
}

TEST_CASE("top: rows without a rate", "[top]") {
  StatsSample a, b;
  two_samples(a, b);
  // No simulated time passed (ldmd --deterministic without a clock advance): nothing to divide by.
  StatsSample still = a;
  Frame f = compute_frame(a, still);
  REQUIRE(f.rows.size() == 3);
  CHECK(!f.rows[0].valid);
  CHECK(format_row(f.rows[0]) ==
        "ldg1             active        -     -      -      -      -      -      -      -        -        -        - "
        "       -        -");
  // A vCPU now on another strand (the domain was rebound): its counters are another strand's.
  b.domains[0].vcpus[1].strand = 17;
  f = compute_frame(a, b);
  CHECK(f.rows[1].valid);
  CHECK(!f.rows[2].valid);
  CHECK(f.rows[0].util_pct == Approx(37.5));   // (75 + nothing) over its two vCPUs
  // A domain that was not there in the first sample.
  b.domains[0].name = "ldg2";
  f = compute_frame(a, b);
  CHECK(!f.rows[0].valid);
  CHECK(!f.rows[1].valid);
  // A stopped vCPU is not busy, whatever its core did.
  two_samples(a, b);
  b.domains[0].vcpus[0].running = false;
  f = compute_frame(a, b);
  CHECK(f.rows[1].util_pct == Approx(0.0));
}

TEST_CASE("top: SI numbers", "[top]") {
  CHECK(si(0) == "0");
  CHECK(si(999) == "999");
  CHECK(si(999.4) == "999");
  CHECK(si(999.5) == "1.00k");
  CHECK(si(12800) == "12.8k");
  CHECK(si(123456789) == "123M");
  CHECK(si(4.2e9) == "4.20G");
}

TEST_CASE("top: stats JSON round trip", "[top]") {
  StatsSample a, b, back;
  two_samples(a, b);
  std::string why;
  REQUIRE(from_json(to_json(b), back, why));
  CHECK(back.platform == "T5240");
  CHECK(back.clock_hz == 1415000000);
  CHECK(back.sim_seconds == 1.5);
  CHECK(back.wall_seconds == 12.0);
  REQUIRE(back.domains.size() == 1);
  CHECK(back.domains[0].ldc_rx_bytes == 1280 + 4480);
  REQUIRE(back.domains[0].vcpus.size() == 2);
  CHECK(back.domains[0].vcpus[0].wait_long_op == 153000);
  CHECK(back.domains[0].vcpus[1].strand == 9);
  CHECK(to_json(back) == to_json(b));
  CHECK(!from_json("{\"platform\":\"T5240\"}", back, why));
  CHECK(!why.empty());
  CHECK(!from_json("not json", back, why));
}

TEST_CASE("top: options", "[top]") {
  TopOptions o;
  std::string err;
  REQUIRE(parse_top_options({"-d", "0.5", "-b", "-n", "3"}, o, err));
  CHECK(o.delay_s == 0.5);
  CHECK(o.batch);
  CHECK(o.count == 3);
  for (std::vector<std::string> bad : std::vector<std::vector<std::string>>{
           {"-x"}, {"-d"}, {"-d", "0"}, {"-d", "abc"}, {"-d", "nan"}, {"-d", "-1"}, {"-n", "0"}, {"-n", "-2"},
           {"-n", "3x"}, {"--batch"}, {"extra"}}) {
    TopOptions t;
    err.clear();
    CHECK(!parse_top_options(bad, t, err));
    CHECK(err.find("Usage: vfctl top [-d SECONDS] [-b] [-n COUNT]\n") != std::string::npos);
  }
}

// The hypervisor's trace points (docs/tracing.md, categories ldc, intr, mmu, md): scenarios the
// other hv tests run, traced to a Chrome JSON file that is read back: the events, their tracks
// and arguments, and flows that begin once and end once.
#include "tests/unit/hv_fixture.h"
#include "tests/unit/trace_capture.h"

#include <fmt/format.h>

#include "sim/isa/asi.h"

using namespace hvtest;

namespace {

enum : uint64_t { LDC_TX_QCONF = 0xe0, LDC_TX_SET_QTAIL = 0xe3, LDC_RX_QCONF = 0xe4, LDC_RX_SET_QHEAD = 0xe7 };
constexpr uint64_t kTba = kRa0 + 0x8000;

void take_interrupt(HvFixture& f, unsigned gi, unsigned v) {
  unsigned s = f.vcpu(gi, v).strand;
  f.h->on_interrupt(f.m->core_of(s), s % f.plat.strands_per_core);
}

// The vCPU runs with a trap table and interrupts enabled (as a guest's would).
void ready(HvFixture& f, unsigned gi, unsigned v) {
  f.state(gi, v).tba = kTba;
  f.state(gi, v).pstate = isa::PSTATE_PRIV | isa::PSTATE_IE;
}

}  // namespace

TEST_CASE("trace: LDC packets flow from send to read; the rx queue counter; the dev mondo flows to its trap",
          "[trace][ldc][intr]") {
  TraceCapture t("ldc,intr,md");
  HvFixture f{{guest_config("a", 2, {64ull << 20}), guest_config("b", 2, {64ull << 20})}};
  auto [cha, chb] = f.h->connect(f.guest(0), f.guest(1));
  const uint64_t kTxA = kRa0 + 0x100000, kRxB = kRa0 + 0x200000, kDevQ = kRa0 + 0x300000;
  REQUIRE(f.fast_on(0, 0, LDC_TX_QCONF, cha, kTxA, 16).status == hv::HV_EOK);
  REQUIRE(f.fast_on(1, 0, LDC_RX_QCONF, chb, kRxB, 8).status == hv::HV_EOK);
  REQUIRE(f.fast_on(1, 0, fn::CPU_QCONF, hv::Q_DEV_MONDO, kDevQ, 16).status == hv::HV_EOK);
  REQUIRE(f.fast_on(1, 0, fn::VINTR_SETCOOKIE, 0x200, chb * 2 + 1, 0xc00c1e).status == hv::HV_EOK);
  REQUIRE(f.fast_on(1, 0, fn::VINTR_SETSTATE, 0x200, chb * 2 + 1, 0).status == hv::HV_EOK);
  REQUIRE(f.fast_on(1, 0, fn::VINTR_SETVALID, 0x200, chb * 2 + 1, 1).status == hv::HV_EOK);
  ready(f, 1, 0);
  uint8_t pkt[64] = {0x01, 0x02, 0x03};   // type, subtype, ctrl
  f.write(kTxA, pkt, 64, 0);
  f.write(kTxA + 64, pkt, 64, 0);
  REQUIRE(f.fast_on(0, 0, LDC_TX_SET_QTAIL, cha, 128).status == hv::HV_EOK);
  take_interrupt(f, 1, 0);
  REQUIRE(f.state(1, 0).tt[1] == hv::TT_DEV_MONDO);
  REQUIRE(f.fast_on(1, 0, LDC_RX_SET_QHEAD, chb, 128).status == hv::HV_EOK);
  uint64_t gen_a = f.guest(0).md_inputs.md_generation, md_a = f.guest(0).md.size();
  t.finish();

  // md: connect() gave each guest a new MD, its generation and size on the domain's track.
  auto md = t.named("md rebuilt");
  REQUIRE(md.size() == 2);
  CHECK(md[0].at("track") == "a/domain");
  CHECK(md[0].at("args").at("generation") == gen_a);
  CHECK(md[0].at("args").at("bytes") == md_a);
  CHECK(md[1].at("track") == "b/domain");
  CHECK(t.text.find(fmt::format("md   a  rebuilt: generation {}, {} bytes", gen_a, md_a)) != std::string::npos);

  // ldc: two packets on the sender's channel track, each read on the receiver's.
  auto sent = t.named("ldc 0x01/0x02");
  auto read = t.named("ldc read");
  REQUIRE(sent.size() == 2);
  REQUIRE(read.size() == 2);
  for (unsigned i = 0; i < 2; ++i) {
    CHECK(sent[i].at("track") == fmt::format("a/channel{}", cha));
    CHECK(sent[i].at("args").at("to") == fmt::format("b/ch{}", chb));
    CHECK(read[i].at("track") == fmt::format("b/channel{}", chb));
    CHECK(TraceCapture::linked(sent[i], read[i]));
  }
  // The rx queue counter on b's channel: empty when configured, 2 packets in, 0 once read.
  auto depth = t.named(fmt::format("channel{} rx queue", chb), "C");
  REQUIRE(depth.size() == 3);
  CHECK(depth[0].at("track") == fmt::format("b/channel{}", chb));
  CHECK(depth[0].at("args").at("value") == 0);
  CHECK(depth[1].at("args").at("value") == 2);
  CHECK(depth[2].at("args").at("value") == 0);

  // intr: the channel's rx interrupt raised on its track, taken by b's vCPU 0.
  auto raised = t.named("dev mondo");
  auto taken = t.named("take dev mondo");
  REQUIRE(raised.size() == 1);
  REQUIRE(taken.size() == 1);
  CHECK(raised[0].at("track") == fmt::format("b/channel{}", chb));
  CHECK(raised[0].at("args").at("devino") == chb * 2 + 1);
  CHECK(raised[0].at("args").at("cookie") == 0xc00c1e);
  CHECK(taken[0].at("track") == "b/vcpu0");
  CHECK(taken[0].at("args").at("tt") == hv::TT_DEV_MONDO);
  CHECK(TraceCapture::linked(raised[0], taken[0]));
  CHECK(t.text.find(fmt::format("intr b  dev mondo devhandle=0x200 devino={:#x} cookie=0xc00c1e -> vcpu0", chb * 2 + 1)) !=
        std::string::npos);
  CHECK(t.text.find("intr b/vcpu0  takes dev mondo (TT 0x7d), 1 waiting") != std::string::npos);
  t.check_flows_paired();
  CHECK(t.flows().size() == 3);
}

TEST_CASE("trace: a cpu mondo flows from the sender's vCPU to the trap its target takes, once", "[trace][intr]") {
  TraceCapture t("intr");
  HvFixture f;
  REQUIRE(f.fast(fn::CPU_START, 1, kRa0 + 0x2000, kTba, 0).status == hv::HV_EOK);
  ready(f, 0, 1);
  REQUIRE(f.fast_on(0, 1, fn::CPU_QCONF, hv::Q_CPU_MONDO, kRa0 + 0x40000, 16).status == hv::HV_EOK);
  f.st16(kRa0 + 0x50000, 1);
  f.st64(kRa0 + 0x50040, 0xfeed);
  REQUIRE(f.fast(fn::CPU_MONDO_SEND, 1, kRa0 + 0x50000, kRa0 + 0x50040).status == hv::HV_EOK);
  take_interrupt(f, 0, 1);
  REQUIRE(f.state(0, 1).tt[1] == hv::TT_CPU_MONDO);
  // Taken again before the handler moved the head (a nested trap): no second end of the flow.
  f.state(0, 1).tl = 0;
  take_interrupt(f, 0, 1);
  t.finish();

  auto sent = t.named("cpu mondo send");
  auto taken = t.named("take cpu mondo");
  REQUIRE(sent.size() == 1);
  REQUIRE(taken.size() == 2);
  CHECK(sent[0].at("track") == "a/vcpu0");
  CHECK(sent[0].at("args").at("target") == 1);
  CHECK(sent[0].at("args").at("word0") == 0xfeed);
  CHECK(taken[0].at("track") == "a/vcpu1");
  CHECK(TraceCapture::linked(sent[0], taken[0]));
  CHECK_FALSE(taken[1].contains("flow_in"));
  CHECK(t.text.find("intr a/vcpu0 -> a/vcpu1  cpu mondo word0=0xfeed") != std::string::npos);
  t.check_flows_paired();
  CHECK(t.flows().size() == 1);
}

TEST_CASE("trace: MMU misses the TSB walk serves, misses that go to the guest, demaps", "[trace][mmu]") {
  TraceCapture t("mmu");
  HvFixture f;
  const uint64_t kDesc = kRa0 + 0x5000, kTsb = kRa0 + 0x200000, va = 0x6004000;
  f.tsb_descriptor(kDesc, 0, 1, 512, 0, 0x1, kTsb);
  REQUIRE(f.fast(fn::MMU_TSB_CTX0, 1, kDesc).status == hv::HV_EOK);
  REQUIRE(f.fast(fn::MMU_ENABLE, 1, 0x400000).status == hv::HV_EOK);
  f.st64(kTsb + 16 * ((va >> 13) & 511), va >> 22);
  f.st64(kTsb + 16 * ((va >> 13) & 511) + 8, tte(kRa0 + 0x300000));
  isa::StrandState& st = f.state();
  CHECK(st.mem->translate(st, va + 0x10, isa::Access::Read, isa::ASI_PRIMARY).fault == isa::TT_NONE);
  CHECK(st.mem->translate(st, va + 0x20, isa::Access::Read, isa::ASI_PRIMARY).fault == isa::TT_NONE);   // from the TLB now
  CHECK(st.mem->translate(st, 0x7002468, isa::Access::Write, isa::ASI_PRIMARY).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
  REQUIRE(f.fast(fn::MMU_DEMAP_PAGE, 0, 0, va, 0, hv::MAP_DTLB | hv::MAP_ITLB).status == hv::HV_EOK);
  REQUIRE(f.fast(fn::MMU_DEMAP_ALL, 0, 0, hv::MAP_DTLB).status == hv::HV_EOK);
  t.finish();

  auto hit = t.named("tsb hit");
  REQUIRE(hit.size() == 1);   // the second access hit the TLB: the guest and the walk never saw it
  CHECK(hit[0].at("track") == "a/vcpu0");
  CHECK(hit[0].at("args").at("va") == va + 0x10);
  CHECK(hit[0].at("args").at("ra") == kRa0 + 0x300000);
  CHECK(hit[0].at("args").at("page") == "8K");
  auto miss = t.named("mmu miss");
  REQUIRE(miss.size() == 1);
  CHECK(miss[0].at("args").at("va") == 0x7002468);
  CHECK(miss[0].at("args").at("access") == "store");
  CHECK(miss[0].at("args").at("tt") == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
  auto page = t.named("demap page");
  REQUIRE(page.size() == 1);
  CHECK(page[0].at("args").at("removed") == 1);
  CHECK(page[0].at("track") == "a/vcpu0");
  REQUIRE(t.named("demap all").size() == 1);
  CHECK(t.named("demap all")[0].at("args").at("removed") == 0);
  CHECK(t.text.find(fmt::format("mmu  a/vcpu0  tsb hit va={:#x} ctx=0x0 -> ra={:#x} 8K", va + 0x10, kRa0 + 0x300000)) !=
        std::string::npos);
  CHECK(t.text.find("mmu  a/vcpu0  miss va=0x7002468 ctx=0x0 store -> guest trap 0x68") != std::string::npos);
}

TEST_CASE("trace: a category that is off writes nothing", "[trace][mmu][intr]") {
  TraceCapture t("ldc");
  HvFixture f;
  REQUIRE(f.fast(fn::MMU_ENABLE, 1, 0x400000).status == hv::HV_EOK);
  isa::StrandState& st = f.state();
  CHECK(st.mem->translate(st, 0x7002468, isa::Access::Read, isa::ASI_PRIMARY).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
  REQUIRE(f.fast(fn::CPU_START, 1, kRa0 + 0x2000, kTba, 0).status == hv::HV_EOK);
  REQUIRE(f.fast_on(0, 1, fn::CPU_QCONF, hv::Q_CPU_MONDO, kRa0 + 0x40000, 16).status == hv::HV_EOK);
  f.st16(kRa0 + 0x50000, 1);
  REQUIRE(f.fast(fn::CPU_MONDO_SEND, 1, kRa0 + 0x50000, kRa0 + 0x50040).status == hv::HV_EOK);
  CHECK(f.vcpu(0, 1).mondo_flows[0].at.empty());   // no flow kept for a trace that is off
  t.finish();
  CHECK(t.events.empty());
  CHECK(t.text.empty());
}

// The virtual disk server against a vdc played by the test (queues, map table, ring in the
// guest's memory; packets through ldc_tx_set_qtail): rings it must refuse at DRING_REG and a
// request named twice before the disk has done it (found by tests/fuzz vio_services).
#include "tests/unit/hv_fixture.h"

#include <unistd.h>

#include <array>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "models/vds.h"
#include "tests/unit/trace_capture.h"

using namespace hvtest;
namespace models = vfsim::models;

namespace {

enum : uint64_t { TX_QCONF = 0xe0, TX_SET_QTAIL = 0xe3, RX_QCONF = 0xe4, RX_GET_STATE = 0xe6, RX_SET_QHEAD = 0xe7,
                  SET_MAP_TABLE = 0xea };
using Msg = std::array<uint8_t, 56>;

struct FakeVdc {
  HvFixture f;
  models::VirtualDiskServer vds{"test-vds"};
  std::string path;
  uint64_t ch = 0;
  uint64_t txq = kRa0 + 0x100000, rxq = kRa0 + 0x102000, map = kRa0 + 0x104000, ring = kRa0 + 0x110000,
           buf = kRa0 + 0x120000;
  uint64_t tx_tail = 0, rx_head = 0;
  uint32_t seq = 0;

  FakeVdc() {
    char tmpl[] = "/tmp/test_vds.XXXXXX";
    int fd = mkstemp(tmpl);
    REQUIRE(fd >= 0);
    close(fd);
    path = tmpl;
    models::DiskImage::create_sparse(path, 1 << 20);
    hv::VirtualDevice dev;
    dev.kind = hv::VirtualDevice::Disk;
    ch = f.h->connect_service(f.guest(), vds, dev);
    vds.attach(f.guest(), ch, std::make_shared<models::DiskImage>(path, false));
    REQUIRE(f.fast(TX_QCONF, ch, txq, 128).status == hv::HV_EOK);
    REQUIRE(f.fast(RX_QCONF, ch, rxq, 128).status == hv::HV_EOK);
    REQUIRE(f.fast(SET_MAP_TABLE, ch, map, 16).status == hv::HV_EOK);
    f.st64(map, ring | 0x600);         // slot 0: the ring's page, read/write
    f.st64(map + 16, buf | 0x600);     // slot 1: a buffer page
  }
  ~FakeVdc() { unlink(path.c_str()); }

  void packet(const uint8_t p[64]) {
    f.write(txq + tx_tail, p, 64);
    tx_tail = (tx_tail + 64) % 8192;
    REQUIRE(f.fast(TX_SET_QTAIL, ch, tx_tail).status == hv::HV_EOK);
  }
  void ctrl(uint8_t c, uint8_t env, uint32_t seqid) {
    uint8_t p[64] = {0x01, 0x01, c, env};
    models::put_be(p + 4, 4, seqid);
    if (c == 0x01) p[9] = 1;
    packet(p);
  }
  std::vector<Msg> take() {
    Result st = f.fast(RX_GET_STATE, ch);
    std::vector<Msg> out;
    for (; rx_head != st.r[1]; rx_head = (rx_head + 64) % 8192) {
      auto p = f.bytes(rxq + rx_head, 64);
      if (p[0] != 0x02) continue;
      out.emplace_back();
      std::copy(p.begin() + 8, p.end(), out.back().begin());
    }
    REQUIRE(f.fast(RX_SET_QHEAD, ch, rx_head).status == hv::HV_EOK);
    return out;
  }
  std::vector<Msg> vio(uint8_t type, uint16_t env, Msg m) {
    m[0] = type;
    m[1] = models::VIO_SUBTYPE_INFO;
    models::put_be(&m[2], 2, env);
    models::put_be(&m[4], 4, 7);
    uint8_t p[64] = {0x02, 0x01, 0, 0xc0 | 56};
    models::put_be(p + 4, 4, ++seq);
    std::copy(m.begin(), m.end(), p + 8);
    packet(p);
    return take();
  }
  uint8_t control(uint16_t env, Msg m, Msg* answer = nullptr) {
    auto r = vio(models::VIO_TYPE_CTRL, env, m);
    REQUIRE(r.size() == 1);
    if (answer) *answer = r[0];
    return r[0][1];
  }
  void handshake() {
    ctrl(0x01, 0, 0);
    ctrl(0x02, 1, 0);
    ctrl(0x04, 0, 1);
    seq = 1;
    take();
    Msg m{};
    models::put_be(&m[8], 2, 1);
    models::put_be(&m[10], 2, 1);
    m[12] = models::VDEV_DISK;
    REQUIRE(control(models::VIO_VER_INFO, m) == models::VIO_SUBTYPE_ACK);
    Msg a{};
    a[8] = 0x3;
    REQUIRE(control(models::VIO_ATTR_INFO, a) == models::VIO_SUBTYPE_ACK);
  }
  uint8_t dring_reg(uint32_t ndesc, uint32_t desc_size, uint64_t cookie, uint64_t size, uint64_t* ident = nullptr) {
    Msg m{};
    models::put_be(&m[16], 4, ndesc);
    models::put_be(&m[20], 4, desc_size);
    models::put_be(&m[28], 4, 1);
    models::put_be(&m[32], 8, cookie);
    models::put_be(&m[40], 8, size);
    Msg a{};
    uint8_t st = control(models::VIO_DRING_REG, m, &a);
    if (ident) *ident = models::get_be(&a[8], 8);
    return st;
  }
  std::vector<Msg> dring_data(uint64_t ident, uint32_t start, uint32_t end) {
    Msg m{};
    models::put_be(&m[8], 8, 1);
    models::put_be(&m[16], 8, ident);
    models::put_be(&m[24], 4, start);
    models::put_be(&m[28], 4, end);
    return vio(models::VIO_TYPE_DATA, models::VIO_DRING_DATA, m);
  }
};

}  // namespace

TEST_CASE("vds DRING_REG: descriptors over a page, or a ring past what the client exported, are refused", "[vds]") {
  FakeVdc v;
  v.handshake();
  // 4 GB descriptors over a cookie that claims enough bytes: each DRING_DATA would have made
  // the server allocate a 4 GB buffer.
  CHECK(v.dring_reg(1, 0xfffffff8, 0, ~0ull) == models::VIO_SUBTYPE_NACK);
  CHECK(v.dring_reg(8, 8192 + 8, 0, 16 * 8200) == models::VIO_SUBTYPE_NACK);
  CHECK(v.dring_reg(8, 48, 0, 8 * 48) == models::VIO_SUBTYPE_NACK);   // no room for a cookie
  // 128 descriptors of 128 bytes: 16 KB, two pages, of which slot 1 (the buffer) and slot 2 (not
  // exported): the last descriptor cannot be read
  CHECK(v.dring_reg(192, 128, 0, 192 * 128) == models::VIO_SUBTYPE_NACK);
  uint64_t ident = 0;
  CHECK(v.dring_reg(8, 128, 0, 8 * 128, &ident) == models::VIO_SUBTYPE_ACK);
  CHECK(ident != 0);
}

TEST_CASE("vds: a request named by two DRING_DATA before the disk is done is queued once (ACCEPTED)", "[vds]") {
  FakeVdc v;
  v.handshake();
  uint64_t ident = 0;
  REQUIRE(v.dring_reg(8, 128, 0, 8 * 128, &ident) == models::VIO_SUBTYPE_ACK);
  Msg rdx{};
  REQUIRE(v.control(models::VIO_RDX, rdx) == models::VIO_SUBTYPE_ACK);
  uint8_t d[128] = {};
  d[0] = models::VIO_DESC_READY;
  d[16] = models::VD_OP_BREAD;
  models::put_be(d + 32, 8, 512);
  models::put_be(d + 40, 4, 1);
  models::put_be(d + 48, 8, 1ull << 13);   // slot 1
  models::put_be(d + 56, 8, 512);
  v.f.write(v.ring, d, sizeof d);
  CHECK(v.dring_data(ident, 0, 0).empty());   // the ACK comes when the disk is done
  CHECK(v.f.bytes(v.ring, 1)[0] == models::VIO_DESC_ACCEPTED);
  CHECK(v.dring_data(ident, 0, 0).empty());   // nothing READY: only an ACK, once the disk is free
  hv::LdcEndpoint* ep = v.f.guest().channel(v.ch);
  REQUIRE(ep);
  CHECK(ep->timers.size() == 1);
  v.f.h->run_device_events(v.f.guest(), ~0ull);
  CHECK(v.f.bytes(v.ring, 1)[0] == models::VIO_DESC_DONE);
  CHECK(v.vds.stats(v.f.guest(), v.ch).reads == 1);
  CHECK(v.take().size() == 2);
}

TEST_CASE("vds DRING_REG: a ring of more than kMaxRingDesc descriptors is refused, however much is exported", "[vds]") {
  FakeVdc v;
  // a map table of 4096 slots all exporting the ring's page: 32 MB of readable "ring"
  REQUIRE(v.f.fast(SET_MAP_TABLE, v.ch, kRa0 + 0x400000, 4096).status == hv::HV_EOK);
  for (uint64_t k = 0; k < 4096; ++k) v.f.st64(kRa0 + 0x400000 + 16 * k, v.ring | 0x600);
  v.handshake();
  uint32_t n = models::VioServer::kMaxRingDesc;
  CHECK(v.dring_reg(n * 2, 128, 0, uint64_t(n) * 2 * 128) == models::VIO_SUBTYPE_NACK);
  CHECK(v.dring_reg(n, 128, 0, uint64_t(n) * 128) == models::VIO_SUBTYPE_ACK);
}

TEST_CASE("trace: a DRING_DATA INFO flows through the vds requests it names to their ACK; the requests counter",
          "[vds][trace]") {
  FakeVdc v;
  v.handshake();
  uint64_t ident = 0;
  REQUIRE(v.dring_reg(8, 128, 0, 8 * 128, &ident) == models::VIO_SUBTYPE_ACK);
  Msg rdx{};
  REQUIRE(v.control(models::VIO_RDX, rdx) == models::VIO_SUBTYPE_ACK);
  for (uint32_t i = 0; i < 2; ++i) {   // two reads of block i into the buffer page
    uint8_t d[128] = {};
    d[0] = models::VIO_DESC_READY;
    d[16] = models::VD_OP_BREAD;
    models::put_be(d + 8, 8, 100 + i);
    models::put_be(d + 24, 8, i);
    models::put_be(d + 32, 8, 512);
    models::put_be(d + 40, 4, 1);
    models::put_be(d + 48, 8, 1ull << 13);
    models::put_be(d + 56, 8, 512);
    v.f.write(v.ring + 128 * i, d, sizeof d);
  }
  TraceCapture t("vio");
  CHECK(v.dring_data(ident, 0, 1).empty());
  v.f.h->run_device_events(v.f.guest(), ~0ull);
  auto acks = v.take();
  REQUIRE(acks.size() == 1);
  CHECK(acks[0][1] == models::VIO_SUBTYPE_ACK);
  CHECK(v.dring_data(ident, 2, 2).empty());   // nothing READY there: ACKed once the disk is free
  v.f.h->run_device_events(v.f.guest(), ~0ull);
  CHECK(v.take().size() == 1);
  t.finish();

  auto info = t.named("DRING_DATA INFO");
  auto reqs = t.named("vds BREAD");
  auto ack = t.named("DRING_DATA ACK");
  REQUIRE(info.size() == 2);
  REQUIRE(reqs.size() == 2);
  REQUIRE(ack.size() == 2);
  // The second INFO's ACK is traced when it is sent, before the first one's (which comes
  // with the last request): tell them apart by their range.
  if (ack[0].at("args").at("start") != 0) std::swap(ack[0], ack[1]);
  CHECK(ack[0].at("args").at("end") == 1);
  CHECK(ack[1].at("args").at("start") == 2);
  for (const auto* list : {&info, &reqs, &ack})
    for (const auto& e : *list) CHECK(e.at("track") == "services/vds");
  CHECK(reqs[0].at("args").at("req") == 100);
  CHECK(reqs[1].at("args").at("req") == 101);
  CHECK(TraceCapture::linked(info[0], reqs[0]));
  CHECK(TraceCapture::linked(reqs[0], reqs[1]));
  CHECK(TraceCapture::linked(reqs[1], ack[0]));
  CHECK(TraceCapture::linked(info[1], ack[1]));
  t.check_flows_paired();
  CHECK(t.flows().size() == 4);
  // The disk's queue: 2 requests waiting, then 1, then none.
  std::vector<double> depth;
  for (const auto& e : t.named(fmt::format("vds requests a/ch{}", v.ch), "C")) depth.push_back(e.at("args").at("value"));
  CHECK(depth == std::vector<double>{2, 1, 0});
  // The text lines the scenario tests grep did not change.
  CHECK(t.text.find(fmt::format("vio  a/ch{} -> vds  DATA/INFO/DRING_DATA sid=0x7 seq=1 ident={} start=0 end=1", v.ch, ident)) !=
        std::string::npos);
  CHECK(t.text.find(fmt::format("vds  a/ch{} desc 0: req 100 BREAD block 0 bytes 512", v.ch)) != std::string::npos);
}

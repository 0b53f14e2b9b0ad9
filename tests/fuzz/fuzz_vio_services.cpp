// libFuzzer target: the packets a guest sends to the service domain's servers over LDC, as a
// misbehaving guest sends them: the virtual disk server (models/vds.h, on a 1 MB temp-file
// image), the virtual switch (models/vsw.h, two ports: the fuzzed guest's and a healthy
// peer guest's), domain services (models/ds.h) and the console concentrator (models/vcc.h,
// fed by cons_write / cons_putchar). Every packet goes as a guest's does: written into the
// guest's LDC TX queue in its memory, then ldc_tx_set_qtail through Hypervisor::on_trap, which
// hands it to the service (hv/ldc.cpp); replies are read back from the RX queue with
// ldc_rx_get_state / ldc_rx_set_qhead. Time is the cores' cycle counters, advanced by the
// input; services' timers (vds requests) run through Hypervisor::run_device_events, what the
// simulation's device-event clock calls. No SystemC simulation runs.
//
// The fuzzed guest's memory (RA kRa0, 16 MB at PA kGuestPa): LDC queues, one map table all
// its channels share (128 slots, slot i exporting data page i read/write), the data pages:
// slot 0 the vdisk ring, 1 and 2 the vnet TX and RX rings, 8.. vdisk buffers, 48.. vnet TX
// buffers, 64.. vnet RX buffers (laid out afresh for each input).
//
// The input is a sequence of 68-byte records: byte 0 the operation (mod 8), byte 1 its kind,
// bytes 2-3 a parameter, bytes 4-67 a 64-byte body.
//   0 vds, 1 vsw, 2 ds: one packet on that channel, then the guest reads its RX queue (not
//      when bit 15 of the parameter is set). kind 0: the body as the raw packet;
//      1-3: LDC VER / RTS / RDX; 4: all three (the link comes up); 5 and up: a message of
//      the service's protocol from a template whose fields the body picks, a zero byte
//      choosing the valid value (VIO: VER_INFO, ATTR_INFO, DRING_REG, RDX, DRING_DATA,
//      DRING_UNREG, the whole handshake, a descriptor written then DRING_DATA, a raw message
//      with a good LDC header; DS: INIT_REQ, REG_REQ, DATA, UNREG, NACK, a raw message, a
//      message cut before its last packet). Sequence ids are the guest's running ones.
//   3  console: cons_putchar, or cons_write of guest memory (good, in the hole past the
//      mblock, straddling its end, raw).
//   4  the guest corrupts its own memory after registering it: a vdisk / vnet TX / vnet RX
//      descriptor (huge nbytes, ncookies, cookies past the map table, straddling the
//      exported pages' end, misaligned, with top bits), a map-table entry (RA outside the
//      guest, the guest's last page, no permission, a page-size code), or 8 raw bytes; or it
//      gives the vds or vsw channel a map table of up to 65536 slots that all export the ring
//      pages (a ring of millions of descriptors).
//   5  time passes (the guest's core clock, then the due device events) and both guests
//      read their RX queues; the peer reposts its RX buffers.
//   6  the guest reconfigures a channel's RX queue (a link reset; sometimes to 0 entries).
//   7  the peer sends a frame (to the guest's MAC, broadcast, or elsewhere).
//
// Oracles besides ASan/UBSan, after every input:
//   - no exception escapes a hypercall or a service's device event;
//   - physical memory that is no guest's (1 MB after the guest's end) and a 1 MB region of
//     the peer it never exports are untouched;
//   - the disk image file keeps its configured size;
//   - bounds: the vsw MAC table holds at most one MAC per port (a port is tied to its vnet's
//     MAC: docs/vnet.md "Spoofing policy"), each learned on its own port; each channel's service outbox at most kMaxOutbox packets and its timers
//     (vds requests waiting for the disk) at most VirtualDiskServer::kMaxQueued;
//   - no service is wedged: after the guest resets each channel (queues reconfigured, map
//     table restored), a clean DS INIT + REG, a clean vdisk handshake with one read, and a
//     clean vnet handshake with a frame each way succeed; the peer's console output still
//     reaches the vcc.
//
// VFSIM_FUZZ_VERBOSE=1: trace the channels' traffic and print what each input did (services'
// counters) before the reset checks.
// VFSIM_FUZZ_SELFTEST=gap|peer|disk|ds: break that on purpose after the input (its check must report it).
// VFSIM_FUZZ_WRITE_SEED=DIR: write valid sessions to DIR (a vdisk handshake with a read and a
// write, a vnet handshake and a frame, a console write, a DS INIT + REG) and exit.
#include "tests/fuzz/fuzz_seed.h"
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "hv/hypervisor.h"
#include "sim/trace/trace.h"
#include "hv/sun4v.h"
#include "models/ds.h"
#include "models/vcc.h"
#include "models/vdisk_backend.h"
#include "models/vds.h"
#include "models/vsw.h"
#include "sim/isa/strand_state.h"
#include "sim/isa/traps.h"
#include "sim/platform/platform.h"

int sc_main(int, char**) { return 0; }

namespace {

namespace hv = vfsim::hv;
namespace cmt = vfsim::cmt;
namespace isa = vfsim::isa;
namespace models = vfsim::models;
namespace ds = vfsim::models::ds;
using models::get_be;
using models::put_be;

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz_vio_services: FINDING: %s\n", what.c_str());
  std::abort();
}

enum : uint64_t { CONS_PUTCHAR = 0x61, CONS_WRITE = 0x63, TX_QCONF = 0xe0, TX_SET_QTAIL = 0xe3, RX_QCONF = 0xe4,
                  RX_GET_STATE = 0xe6, RX_SET_QHEAD = 0xe7, SET_MAP_TABLE = 0xea };
enum : uint64_t { MTE_CR = 0x200, MTE_CW = 0x400 };
enum Svc : unsigned { VDS = 0, VSW = 1, DSC = 2 };

constexpr uint64_t kRa0 = hv::kGuestRaBase;
constexpr uint64_t kGuestSize = 16ull << 20, kPeerSize = 8ull << 20;
constexpr uint64_t kGuestPa = 0x40000000, kGapPa = kGuestPa + kGuestSize, kGapSize = 1ull << 20;
constexpr uint64_t kPeerPa = 0x41400000;
constexpr uint64_t kPeerCanaryRa = kRa0 + (4ull << 20), kCanarySize = 1ull << 20;
constexpr uint8_t kGapByte = 0xa5, kPeerCanaryByte = 0x3c;
constexpr uint64_t kQueues = kRa0 + 0x100000, kMap = kRa0 + 0x180000, kData = kRa0 + 0x200000;
constexpr uint64_t kConsBuf = kRa0 + 0x1f0000, kLastPage = kRa0 + kGuestSize - 8192;
constexpr uint64_t kBigMap = kRa0 + (4ull << 20);   // up to 1 MB of map table
constexpr unsigned kQEntries = 64, kMapSlots = 128, kNdesc = 8;
constexpr uint32_t kVdsDesc = 128, kVnetDesc = 48;   // vdisk: header + 5 cookies; vnet: header + 2
constexpr unsigned kSlotVdsRing = 0, kSlotTxRing = 1, kSlotRxRing = 2, kSlotVdsBuf = 8, kSlotTxBuf = 48,
                   kSlotRxBuf = 64;
constexpr uint64_t kMacGuest = 0x00144ff80001ull, kMacPeer = 0x00144ff80002ull;
constexpr uint64_t kDiskBytes = 1ull << 20;
constexpr size_t kTimerBound = models::VirtualDiskServer::kMaxQueued;
constexpr size_t kRecord = 68;

uint64_t cookie_of(unsigned slot, uint64_t off = 0) { return uint64_t(slot) << 13 | off; }

std::string disk_path() {
  static std::string path;
  if (path.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string t = std::string(tmp && *tmp ? tmp : "/tmp") + "/fuzz_vio_disk.XXXXXX";
    std::vector<char> buf(t.begin(), t.end());
    buf.push_back(0);
    int fd = ::mkstemp(buf.data());
    if (fd < 0) finding("mkstemp failed");
    ::close(fd);
    path = buf.data();
    models::DiskImage::create_sparse(path, kDiskBytes);
    std::atexit([] { ::unlink(path.c_str()); });
  }
  return path;
}

// One channel, seen from the guest that owns it.
struct Chan {
  uint64_t id = 0, txq = 0, rxq = 0, tx_tail = 0;
  uint32_t seq = 0, sid = 0x1234;
  uint8_t mode = 1;   // RTS: UNRELIABLE for VIO, RELIABLE for DS
  uint64_t ident_tx = 0, ident_rx = 0, dseq = 0;
  uint32_t last_ndesc = kNdesc;   // of the last DRING_REG sent
  bool rx_on = true;
};

struct World;
const std::vector<uint8_t>& pattern(uint8_t v);

// A guest as the test plays it: a vCPU making hypercalls.
struct Side {
  World& w;
  hv::Guest* g = nullptr;
  Chan ch[3];
  Side(World& world) : w(world) {}
  uint64_t call(uint64_t fn, std::initializer_list<uint64_t> args, uint64_t* o1 = nullptr, uint64_t* o2 = nullptr);
  void write(uint64_t ra, const void* p, uint64_t n);
  void read(uint64_t ra, void* p, uint64_t n);
  void st(uint64_t ra, unsigned n, uint64_t v) {
    uint8_t b[8];
    put_be(b, n, v);
    write(ra, b, n);
  }
  uint64_t ld(uint64_t ra, unsigned n) {
    uint8_t b[8];
    read(ra, b, n);
    return get_be(b, n);
  }
  void setup_queues(Chan& c) {
    call(TX_QCONF, {c.id, c.txq, kQEntries});
    call(RX_QCONF, {c.id, c.rxq, kQEntries});
    call(SET_MAP_TABLE, {c.id, kMap, kMapSlots});
    c.tx_tail = 0;
    c.seq = 0;
    c.rx_on = true;
    c.ident_tx = c.ident_rx = 0;
  }
  void packet(Chan& c, const uint8_t p[64]) {
    write(c.txq + c.tx_tail, p, 64);
    c.tx_tail = (c.tx_tail + 64) % (64 * kQEntries);
    call(TX_SET_QTAIL, {c.id, c.tx_tail});
  }
  void ctrl(Chan& c, uint8_t ctrl, uint8_t env, uint32_t seqid) {
    uint8_t p[64] = {0x01, 0x01, ctrl, env};
    put_be(p + 4, 4, seqid);
    if (ctrl == 0x01) p[9] = 1;   // LDC 1.0
    packet(c, p);
  }
  void link_up(Chan& c) {
    ctrl(c, 0x01, 0, 0);
    ctrl(c, 0x02, c.mode, 0);
    ctrl(c, 0x04, 0, 1);
    c.seq = 1;
  }
  // A message in DATA packets, split as the link's mode wants; stop = false leaves it unfinished.
  void message(Chan& c, const uint8_t* m, size_t n, bool stop = true) {
    bool rel = c.mode == 3;
    unsigned max = rel ? 48 : 56, off = rel ? 16 : 8;
    size_t at = 0;
    do {
      unsigned k = unsigned(std::min<size_t>(max, n - at));
      bool last = at + k == n;
      uint8_t p[64] = {0x02, 0x01, 0, uint8_t(k | (at == 0 ? 0x40 : 0) | (last && stop ? 0x80 : 0))};
      put_be(p + 4, 4, ++c.seq);
      std::memcpy(p + off, m + at, k);
      packet(c, p);
      at += k;
    } while (at < n);
  }
  void vio(Chan& c, uint8_t type, uint8_t stype, uint16_t env, uint8_t m[56]) {
    m[0] = type;
    m[1] = stype;
    put_be(m + 2, 2, env);
    put_be(m + 4, 4, c.sid);
    message(c, m, 56);
  }
  // The packets waiting in the RX queue (the queue emptied); VIO DRING_REG ACKs noted.
  std::vector<std::array<uint8_t, 64>> take(Chan& c) {
    std::vector<std::array<uint8_t, 64>> out;
    uint64_t head = 0, tail = 0;
    if (call(RX_GET_STATE, {c.id}, &head, &tail) != hv::HV_EOK || !c.rx_on) return out;
    for (unsigned n = 0; head != tail && n < kQEntries; head = (head + 64) % (64 * kQEntries), ++n) {
      out.emplace_back();
      read(c.rxq + head, out.back().data(), 64);
    }
    call(RX_SET_QHEAD, {c.id, tail});
    for (auto& p : out) {
      const uint8_t* m = p.data() + 8;
      if (c.mode != 3 && p[0] == 0x02 && m[0] == models::VIO_TYPE_CTRL && m[1] == models::VIO_SUBTYPE_ACK &&
          get_be(m + 2, 2) == models::VIO_DRING_REG)
        (get_be(m + 24, 2) == models::VIO_RX_DRING ? c.ident_rx : c.ident_tx) = get_be(m + 8, 8);
    }
    return out;
  }
  // VIO messages among them.
  std::vector<std::array<uint8_t, 56>> vio_msgs(Chan& c) {
    std::vector<std::array<uint8_t, 56>> out;
    for (auto& p : take(c))
      if (p[0] == 0x02) {
        out.emplace_back();
        std::memcpy(out.back().data(), p.data() + 8, 56);
      }
    return out;
  }
  // Whole DS messages (RELIABLE DATA INFO packets put together).
  std::vector<std::vector<uint8_t>> ds_msgs(Chan& c) {
    std::vector<std::vector<uint8_t>> out;
    std::vector<uint8_t> cur;
    for (auto& p : take(c)) {
      if (p[0] != 2 || p[1] != 1) continue;
      if (p[3] & 0x40) cur.clear();
      cur.insert(cur.end(), p.begin() + 16, p.begin() + 16 + std::min(48, p[3] & 0x3f));
      if (p[3] & 0x80) out.push_back(cur);
    }
    return out;
  }
  void map_clean() {
    for (unsigned i = 0; i < kMapSlots; ++i) st(kMap + 16 * i, 8, (kData + 8192ull * i) | MTE_CR | MTE_CW);
  }
  // The rings as a driver lays them out: vdisk descriptors FREE, vnet TX FREE, vnet RX READY
  // with one 8 KB buffer each.
  void rings_clean() {
    static const std::vector<uint8_t> zero(3 * 8192, 0);
    write(kData, zero.data(), zero.size());
    for (unsigned i = 0; i < kNdesc; ++i) {
      st(kData + kVdsDesc * i, 1, models::VIO_DESC_FREE);
      st(kData + 8192 * kSlotTxRing + kVnetDesc * i, 1, models::VIO_DESC_FREE);
      rx_post(i);
    }
  }
  void rx_post(unsigned i) {
    uint64_t d = kData + 8192 * kSlotRxRing + kVnetDesc * i;
    st(d + 8, 4, 0);
    st(d + 12, 4, 1);
    st(d + 16, 8, cookie_of(kSlotRxBuf + i));
    st(d + 24, 8, 8192);
    st(d, 1, models::VIO_DESC_READY);
  }
  void vds_desc(unsigned i, uint8_t op, uint64_t block, uint64_t nbytes, uint32_t ncookies, uint64_t cookie,
                uint64_t csize) {
    uint64_t d = kData + kVdsDesc * (i % kNdesc);
    st(d + 8, 8, 100 + i);
    st(d + 16, 1, op);
    st(d + 20, 4, 0);
    st(d + 24, 8, block);
    st(d + 32, 8, nbytes);
    st(d + 40, 4, ncookies);
    st(d + 48, 8, cookie);
    st(d + 56, 8, csize);
    st(d, 1, models::VIO_DESC_READY);
  }
  void tx_frame(unsigned i, uint64_t dst, uint64_t src, uint32_t nbytes, uint8_t fillv) {
    i %= kNdesc;
    uint64_t buf = kData + 8192ull * (kSlotTxBuf + i);
    // the buffer holds what fits in its page; nbytes may claim more
    std::vector<uint8_t> f(std::min<uint64_t>(8192, kVnetPacketSkip() + std::max<uint64_t>(nbytes, 14)), fillv);
    put_be(f.data() + 6, 6, dst);
    put_be(f.data() + 12, 6, src);
    write(buf, f.data(), f.size());
    uint64_t d = kData + 8192 * kSlotTxRing + kVnetDesc * i;
    st(d + 8, 4, nbytes);
    st(d + 12, 4, 1);
    st(d + 16, 8, cookie_of(kSlotTxBuf + i));
    st(d + 24, 8, 8192);
    st(d, 1, models::VIO_DESC_READY);
  }
  static constexpr unsigned kVnetPacketSkip() { return models::kVnetPacketSkip; }
  void dring_data(Chan& c, uint64_t ident, uint32_t start, uint32_t end) {
    uint8_t m[56] = {};
    put_be(m + 8, 8, ++c.dseq);
    put_be(m + 16, 8, ident);
    put_be(m + 24, 4, start);
    put_be(m + 28, 4, end);
    vio(c, models::VIO_TYPE_DATA, models::VIO_SUBTYPE_INFO, models::VIO_DRING_DATA, m);
  }
  // The VIO handshake as a driver does it; the subtype of each answer (0: none came).
  std::vector<uint8_t> vio_handshake(Svc s);
};

struct World {
  vfsim::platform::Platform plat = vfsim::platform::load_platform("T5240");
  std::unique_ptr<cmt::BareMachine> m;
  std::unique_ptr<hv::Hypervisor> h;
  std::shared_ptr<models::DiskImage> image;
  uint64_t inputs = 0;
  World() {
    static unsigned counter = 0;
    m = std::make_unique<cmt::BareMachine>(("fuzz_vio_machine" + std::to_string(counter++)).c_str(), plat);
    h = std::make_unique<hv::Hypervisor>(*m);
    image = std::make_shared<models::DiskImage>(disk_path(), false);
    m->mem.write(kGapPa, pattern(kGapByte).data(), kGapSize);
    if (std::getenv("VFSIM_FUZZ_VERBOSE")) {   // the channel traffic as text on stderr
      std::string why;
      vfsim::trace::configure({"hv-trace"}, {}, "", why);
    }
  }
  ~World() {
    h.reset();
    m.reset();
  }
};

uint64_t Side::call(uint64_t fn, std::initializer_list<uint64_t> args, uint64_t* o1, uint64_t* o2) {
  hv::Vcpu& v = g->vcpus.at(0);
  isa::StrandState& s = w.m->strand(v.strand).state;
  s.pstate = isa::PSTATE_PRIV;
  s.pc = kRa0 + 0x1000;
  s.npc = s.pc + 4;
  unsigned i = 0;
  for (uint64_t a : args) s.set_r(8 + i++, a);
  s.set_r(13, fn);
  try {
    w.h->on_trap(w.m->core_of(v.strand), v.strand % w.plat.strands_per_core, isa::Trap(isa::TT_TRAP_INSTRUCTION + 0x80));
  } catch (const std::exception& e) {
    finding("exception out of hypercall " + std::to_string(fn) + ": " + e.what());
  } catch (...) {
    finding("exception out of hypercall " + std::to_string(fn));
  }
  if (s.r(8) > hv::HV_EBUSY) finding("hypercall " + std::to_string(fn) + " returned status " + std::to_string(s.r(8)));
  if (o1) *o1 = s.r(9);
  if (o2) *o2 = s.r(10);
  return s.r(8);
}

void Side::write(uint64_t ra, const void* p, uint64_t n) {
  uint64_t pa;
  if (!g->ra_to_pa(ra, n, pa) || !w.m->mem.write(pa, p, n)) finding("harness: write outside the guest");
}
void Side::read(uint64_t ra, void* p, uint64_t n) {
  uint64_t pa;
  if (!g->ra_to_pa(ra, n, pa) || !w.m->mem.read(pa, p, n)) finding("harness: read outside the guest");
}

// VER_INFO, ATTR_INFO, DRING_REG (vsw: TX and RX), RDX with the valid values.
void vio_ver(Side& sd, Svc s, uint8_t m[56]) {
  put_be(m + 8, 2, 1);
  put_be(m + 10, 2, s == VDS ? 1 : 6);
  m[12] = s == VDS ? models::VDEV_DISK : models::VDEV_NETWORK;
  (void)sd;
}
void vio_attr(Svc s, uint8_t m[56]) {
  if (s == VDS) {
    m[8] = 0x3;   // DRING mode
    put_be(m + 16, 8, 512);
  } else {
    m[8] = 0x4;   // DRING (1.2 and later: a bit)
    m[9] = 1;     // ADDR_TYPE_MAC
    put_be(m + 16, 8, kMacGuest);
    put_be(m + 24, 8, 1500);
  }
}
void vio_reg(Svc s, bool rx, uint8_t m[56]) {
  uint32_t size = s == VDS ? kVdsDesc : kVnetDesc;
  put_be(m + 16, 4, kNdesc);
  put_be(m + 20, 4, size);
  put_be(m + 24, 2, s == VDS ? 0 : rx ? models::VIO_RX_DRING : models::VIO_TX_DRING);
  put_be(m + 28, 4, 1);
  put_be(m + 32, 8, cookie_of(s == VDS ? kSlotVdsRing : rx ? kSlotRxRing : kSlotTxRing));
  put_be(m + 40, 8, uint64_t(kNdesc) * size);
}

std::vector<uint8_t> Side::vio_handshake(Svc s) {
  Chan& c = ch[s];
  std::vector<uint8_t> answers;
  auto step = [&](uint16_t env, auto fillm) {
    uint8_t m[56] = {};
    fillm(m);
    vio(c, models::VIO_TYPE_CTRL, models::VIO_SUBTYPE_INFO, env, m);
    auto r = vio_msgs(c);
    answers.push_back(r.empty() ? 0 : r.back()[1]);
  };
  step(models::VIO_VER_INFO, [&](uint8_t* m) { vio_ver(*this, s, m); });
  step(models::VIO_ATTR_INFO, [&](uint8_t* m) { vio_attr(s, m); });
  step(models::VIO_DRING_REG, [&](uint8_t* m) { vio_reg(s, false, m); });
  if (s == VSW) step(models::VIO_DRING_REG, [&](uint8_t* m) { vio_reg(s, true, m); });
  step(models::VIO_RDX, [&](uint8_t*) {});
  return answers;
}

// ---- the body's choices ----

// sel 0: the valid value; odd: raw; else one of the alternatives.
uint64_t pick(uint8_t sel, uint64_t valid, uint64_t raw, std::initializer_list<uint64_t> alts) {
  if (sel == 0 || alts.size() == 0) return sel & 1 ? raw : valid;
  if (sel & 1) return raw;
  return alts.begin()[(sel >> 1) % alts.size()];
}
// A cookie as a corrupting guest writes it.
uint64_t bad_cookie(uint8_t sel, uint64_t raw, unsigned good_slot) {
  switch (sel % 8) {
    case 0: return cookie_of(good_slot);
    case 1: return raw;
    case 2: return cookie_of(kMapSlots + (raw & 0xfffff));             // past the map table
    case 3: return cookie_of(good_slot) + 1 + (raw & 6);               // misaligned
    case 4: return cookie_of(kMapSlots - 1, 8192 - 8 * (1 + (raw & 31)));   // straddling the exported end
    case 5: return cookie_of(good_slot) | (raw << 60);                  // page-size bits
    case 6: return cookie_of(raw % kMapSlots, raw >> 8 & 8191);
    default: return cookie_of(kMapSlots - 1);                            // the last exported page
  }
}
uint64_t bad_size(uint8_t sel, uint64_t raw, uint64_t good) {
  return pick(sel, good, raw, {8192, ~0ull, 0, good - 8, 1ull << 40, good + 8});
}

struct Body {
  const uint8_t* b;
  uint8_t u8(unsigned at) const { return b[at % 64]; }
  uint64_t u64(unsigned at) const { return get_be(b + (at % 57), 8); }
  uint32_t u32(unsigned at) const { return uint32_t(get_be(b + (at % 61), 4)); }
};

void vio_record(World& w, Side& sd, Svc s, uint8_t kind, uint16_t param, const uint8_t* body) {
  Chan& c = sd.ch[s];
  Body B{body};
  uint8_t m[56] = {};
  auto ctrl_msg = [&](uint16_t env) {
    uint8_t stype = uint8_t(pick(B.u8(1), models::VIO_SUBTYPE_INFO, B.u8(2), {models::VIO_SUBTYPE_ACK, 0}));
    sd.vio(c, models::VIO_TYPE_CTRL, stype, env, m);
  };
  switch (kind % 16) {
    case 0: sd.packet(c, body); return;
    case 1: sd.ctrl(c, 0x01, 0, 0); return;
    case 2: sd.ctrl(c, 0x02, uint8_t(pick(B.u8(0), c.mode, B.u8(1), {3, 2})), c.seq = 0); return;
    case 3: sd.ctrl(c, 0x04, 0, param & 1 ? B.u32(2) : ++c.seq); return;
    case 4: sd.link_up(c); return;
    case 5:   // VER_INFO; a new sid now and then
      vio_ver(sd, s, m);
      put_be(m + 8, 2, pick(B.u8(0), 1, B.u8(8) << 8 | B.u8(9), {0, 2}));
      put_be(m + 10, 2, pick(B.u8(3), s == VDS ? 1 : 6, B.u8(10), {0, 2, 0xffff}));
      m[12] = uint8_t(pick(B.u8(4), m[12], B.u8(12), {models::VDEV_DISK_SERVER, models::VDEV_NETWORK_SWITCH}));
      if (param & 0x100) c.sid = B.u32(40);
      ctrl_msg(models::VIO_VER_INFO);
      return;
    case 6:   // ATTR_INFO
      vio_attr(s, m);
      m[8] = uint8_t(pick(B.u8(0), m[8], B.u8(8), {0x3, 0x4, 0x1}));
      m[9] = uint8_t(pick(B.u8(3), m[9], B.u8(9), {0, 2}));
      put_be(m + 16, 8, pick(B.u8(4), get_be(m + 16, 8), B.u64(16), {0xffffffffffffull, 0x010000000001ull, 0}));
      put_be(m + 24, 8, pick(B.u8(5), get_be(m + 24, 8), B.u64(24), {67, 68, 9000, ~0ull}));
      ctrl_msg(models::VIO_ATTR_INFO);
      return;
    case 7: {   // DRING_REG
      bool rx = param & 1;
      vio_reg(s, rx, m);
      uint32_t size = uint32_t(get_be(m + 20, 4));
      uint32_t ndesc = uint32_t(pick(B.u8(0), kNdesc, B.u32(8), {1, 0, 1024, 0x10000000, 0xffffffff, 1u << 16, 1u << 20}));
      c.last_ndesc = ndesc;
      uint32_t dsize = uint32_t(pick(B.u8(3), size, B.u32(12), {8, 16, 32, 40, 56, 0xfffffff8, 8192, 0}));
      put_be(m + 16, 4, ndesc);
      put_be(m + 20, 4, dsize);
      put_be(m + 24, 2, pick(B.u8(4), get_be(m + 24, 2), B.u8(13), {3, 0}));
      put_be(m + 28, 4, pick(B.u8(5), 1, B.u32(16), {0, 2}));
      put_be(m + 32, 8, bad_cookie(B.u8(6), B.u64(20), unsigned(get_be(m + 32, 8) >> 13)));
      put_be(m + 40, 8, bad_size(B.u8(7), B.u64(28), uint64_t(ndesc) * dsize));
      ctrl_msg(models::VIO_DRING_REG);
      return;
    }
    case 8: ctrl_msg(models::VIO_RDX); return;
    case 9: {   // DRING_DATA
      uint64_t ident = pick(B.u8(0), param & 1 ? c.ident_rx : c.ident_tx, B.u64(8), {0, c.ident_tx + 1});
      uint32_t start = uint32_t(pick(B.u8(3), B.u8(4) % kNdesc, B.u32(16), {kNdesc, 0xffffffff}));
      uint32_t end = uint32_t(pick(B.u8(5), start, B.u32(20), {0xffffffff, (start + 3) % kNdesc, kNdesc,
                                                               c.last_ndesc ? (start + c.last_ndesc - 1) % c.last_ndesc : 0}));
      uint8_t stype = uint8_t(pick(B.u8(6), models::VIO_SUBTYPE_INFO, B.u8(7), {models::VIO_SUBTYPE_ACK, models::VIO_SUBTYPE_NACK}));
      put_be(m + 8, 8, ++c.dseq);
      put_be(m + 16, 8, ident);
      put_be(m + 24, 4, start);
      put_be(m + 28, 4, end);
      sd.vio(c, uint8_t(pick(B.u8(24), models::VIO_TYPE_DATA, B.u8(25), {models::VIO_TYPE_CTRL})), stype,
             uint16_t(pick(B.u8(26), models::VIO_DRING_DATA, get_be(body + 27, 2), {models::VIO_PKT_DATA, models::VIO_DESC_DATA})), m);
      return;
    }
    case 10:   // DRING_UNREG
      put_be(m + 8, 8, pick(B.u8(0), c.ident_tx, B.u64(8), {c.ident_rx}));
      ctrl_msg(models::VIO_DRING_UNREG);
      return;
    case 11: sd.link_up(c); sd.vio_handshake(s); return;
    case 12: {   // a request / frame in the ring, then DRING_DATA for it
      unsigned i = B.u8(0) % kNdesc;
      if (s == VDS) {
        static const uint8_t ops[] = {models::VD_OP_BREAD, models::VD_OP_BWRITE, models::VD_OP_FLUSH,
                                      models::VD_OP_GET_WCE, models::VD_OP_SET_WCE, models::VD_OP_GET_VTOC,
                                      models::VD_OP_GET_DISKGEOM, models::VD_OP_GET_CAPACITY};
        uint8_t op = B.u8(1) < 0xf0 ? ops[B.u8(1) % 8] : B.u8(2);
        uint64_t nbytes = pick(B.u8(3), 512, B.u64(8), {4096, 128 << 10, (128 << 10) + 512, 0, 511, ~0ull});
        uint64_t block = pick(B.u8(4), B.u8(5), B.u64(16), {kDiskBytes / 512 - 1, kDiskBytes / 512, ~0ull / 512});
        uint32_t ncookies = uint32_t(pick(B.u8(6), 1, B.u32(24), {0, 2, 5, 6, 0xffffffff}));
        sd.vds_desc(i, op, block, nbytes, ncookies, bad_cookie(B.u8(7), B.u64(28), kSlotVdsBuf + 2 * i),
                    bad_size(B.u8(36), B.u64(40), std::max<uint64_t>(nbytes, 512)));
      } else {
        uint64_t dst = pick(B.u8(1), kMacPeer, B.u64(8) & 0xffffffffffffull, {0xffffffffffffull, 0x010000000001ull});
        uint64_t src = pick(B.u8(2), kMacGuest, B.u64(14) & 0xffffffffffffull, {kMacPeer, 0xffffffffffffull});
        uint32_t nbytes = uint32_t(pick(B.u8(3), 64, B.u32(20), {14, 13, 1514, 1515, 0xffffffff}));
        sd.tx_frame(i, dst, src, nbytes, B.u8(4));
      }
      sd.dring_data(c, c.ident_tx, i, param & 1 ? ~0u : i);
      return;
    }
    default: {   // a message with a good LDC header and a raw body (sid kept when asked)
      std::memcpy(m, body, 56);
      if (param & 1) put_be(m + 4, 4, c.sid);
      sd.message(c, m, 56);
      return;
    }
  }
  (void)w;
}

void ds_record(Side& sd, uint8_t kind, uint16_t param, const uint8_t* body) {
  Chan& c = sd.ch[DSC];
  Body B{body};
  auto send = [&](uint32_t type, const std::vector<uint8_t>& p, bool stop = true) {
    std::vector<uint8_t> m = ds::message(type, p);
    sd.message(c, m.data(), m.size(), stop);
  };
  static const char* const ids[] = {"md-update", "domain-shutdown", "dr-cpu", "domain-suspend", "pri"};
  switch (kind % 16) {
    case 0: sd.packet(c, body); return;
    case 1: sd.ctrl(c, 0x01, 0, 0); return;
    case 2: sd.ctrl(c, 0x02, uint8_t(pick(B.u8(0), c.mode, B.u8(1), {1, 2})), c.seq = 0); return;
    case 3: sd.ctrl(c, 0x04, 0, param & 1 ? B.u32(2) : ++c.seq); return;
    case 4: sd.link_up(c); return;
    case 5: send(ds::INIT_REQ, ds::Writer().u16(uint16_t(pick(B.u8(0), 1, B.u8(1), {0, 2}))).u16(B.u8(2)).b); return;
    case 6:
    case 7: {
      ds::Writer wr;
      wr.u64(B.u64(8)).u16(uint16_t(pick(B.u8(0), 1, B.u8(1), {0, 2}))).u16(0);
      if (B.u8(2) < 0xe0) wr.str(ids[B.u8(2) % 5]);
      else wr.b.insert(wr.b.end(), body + 20, body + 20 + B.u8(3) % 40);   // maybe no NUL
      send(ds::REG_REQ, wr.b);
      return;
    }
    case 8: send(ds::DATA, ds::Writer().u64(B.u64(8)).u64(B.u64(16)).bytes({body + 24, body + 24 + B.u8(0) % 40}).b); return;
    case 9: send(ds::UNREG, ds::Writer().u64(B.u64(8)).b); return;
    case 10: send(ds::NACK, ds::Writer().u64(B.u64(8)).u64(B.u64(16)).b); return;
    case 11: {   // link, INIT and a registration
      sd.link_up(c);
      send(ds::INIT_REQ, ds::Writer().u16(1).u16(0).b);
      send(ds::REG_REQ, ds::Writer().u64(B.u64(8)).u16(1).u16(0).str(ids[B.u8(0) % 4]).b);
      return;
    }
    case 12: {   // a raw message: header fields as the body says, fragments as they come
      unsigned n = 8 + B.u8(0) % 120;
      std::vector<uint8_t> m(n);
      for (unsigned i = 0; i < n; ++i) m[i] = body[(4 + i) % 64];
      sd.message(c, m.data(), m.size(), !(param & 1));
      return;
    }
    case 13: send(ds::MsgType(B.u8(0) % 16), {body + 8, body + 8 + B.u8(1) % 56}); return;
    case 14: send(ds::REG_REQ, ds::Writer().u64(B.u64(8)).u16(1).u16(0).str(ids[B.u8(0) % 5]).b, false); return;
    default: {   // a DATA packet with the next seqid and a raw env
      uint8_t p[64];
      std::memcpy(p, body, 64);
      p[0] = 0x02;
      put_be(p + 4, 4, ++c.seq);
      sd.packet(c, p);
      return;
    }
  }
}

void console_record(Side& sd, uint8_t kind, const uint8_t* body) {
  Body B{body};
  if (kind % 4 == 0) {
    sd.call(CONS_PUTCHAR, {B.u8(0)});
    return;
  }
  sd.write(kConsBuf, body, 64);
  uint64_t ra = pick(B.u8(0), kConsBuf, B.u64(8), {kRa0 + kGuestSize, kLastPage + 8192 - 16, kRa0 - 8, ~0ull - 8});
  uint64_t len = pick(B.u8(1), B.u8(2) % 64, B.u64(16), {0, 4096, 1ull << 20, ~0ull});
  sd.call(CONS_WRITE, {ra, len});
}

void memory_record(Side& sd, uint8_t kind, uint16_t param, const uint8_t* body) {
  Body B{body};
  unsigned i = param % kNdesc;
  switch (kind % 7) {
    case 0: {   // a vdisk descriptor's fields
      uint64_t d = kData + kVdsDesc * i;
      sd.st(d, 1, pick(B.u8(0), models::VIO_DESC_READY, B.u8(1), {models::VIO_DESC_DONE, models::VIO_DESC_ACCEPTED}));
      sd.st(d + 32, 8, pick(B.u8(2), 512, B.u64(8), {~0ull, 1ull << 40, 128 << 10, 513}));
      sd.st(d + 40, 4, pick(B.u8(3), 1, B.u32(16), {0, 5, 6, 0xffffffff, 0x80000000}));
      unsigned k = B.u8(4) % 5;
      sd.st(d + 48 + 16 * k, 8, bad_cookie(B.u8(5), B.u64(20), kSlotVdsBuf));
      sd.st(d + 56 + 16 * k, 8, bad_size(B.u8(6), B.u64(28), 512));
      return;
    }
    case 1:
    case 2: {   // a vnet TX or RX descriptor
      uint64_t d = kData + 8192 * (kind % 7 == 1 ? kSlotTxRing : kSlotRxRing) + kVnetDesc * i;
      sd.st(d, 1, pick(B.u8(0), models::VIO_DESC_READY, B.u8(1), {models::VIO_DESC_DONE, models::VIO_DESC_FREE}));
      sd.st(d + 8, 4, pick(B.u8(2), 64, B.u32(8), {0xffffffff, 13, 1515, 0x80000000}));
      sd.st(d + 12, 4, pick(B.u8(3), 1, B.u32(12), {0, 2, 3, 0xffffffff}));
      unsigned k = B.u8(4) % 2;
      sd.st(d + 16 + 16 * k, 8, bad_cookie(B.u8(5), B.u64(20), kSlotTxBuf + i));
      sd.st(d + 24 + 16 * k, 8, bad_size(B.u8(6), B.u64(28), 8192));
      return;
    }
    case 3: {   // a map-table entry
      unsigned slot = B.u8(0) % kMapSlots;
      uint64_t ra = pick(B.u8(1), kData + 8192ull * slot, B.u64(8) & ~0x1fffull,
                         {kRa0 + kGuestSize, kLastPage, kRa0 - 8192, 0, 0x00ffffffffffe000ull});
      uint64_t bits = pick(B.u8(2), MTE_CR | MTE_CW, B.u64(16) & 0x1fff, {MTE_CR, MTE_CW, 0, MTE_CR | MTE_CW | 1});
      sd.st(kMap + 16 * slot, 8, ra | bits);
      return;
    }
    case 6: {   // a large map table on the vds or vsw channel, every slot exporting a ring page
      static std::vector<uint8_t> table;
      uint64_t n = 1ull << (7 + param % 10);   // up to 65536 slots: 512 MB of ring
      table.assign(16 * n, 0);
      for (uint64_t k = 0; k < n; ++k) put_be(&table[16 * k], 8, (kData + 8192 * (k % 3)) | MTE_CR | MTE_CW);
      sd.write(kBigMap, table.data(), table.size());
      sd.call(SET_MAP_TABLE, {sd.ch[(param >> 4) & 1].id, kBigMap, n});
      return;
    }
    case 4:   // the guest's own ring memory, 8 raw bytes
      sd.st(kData + (uint64_t(param) * 8) % (3 * 8192), 8, B.u64(0));
      return;
    default:   // anywhere in the exported pages
      sd.st(kData + (uint64_t(param) << 5 | (B.u8(0) & 0x1f)) % (kMapSlots * 8192ull - 8), 8, B.u64(8));
  }
}

struct Services {
  models::VirtualDiskServer vds{"fuzz-vds"};
  models::VirtualSwitch vsw{"fuzz-vsw"};
  models::DomainServices dsv;
  models::VirtualConsoleConcentrator vcc;
};

// Time passes on the guest's core; what fell due runs (hypercall or not, as the device-event
// clock does it).
void advance(World& w, Side& sd, uint64_t cycles) {
  cmt::Core& core = w.m->core_of(sd.g->vcpus.at(0).strand);
  core.cycles += cycles;
  try {
    for (int pass = 0; pass < 4; ++pass) w.h->run_device_events(*sd.g, core.cycles);
  } catch (const std::exception& e) {
    finding(std::string("exception out of a device event: ") + e.what());
  }
}

void peer_service(Side& peer) {
  peer.take(peer.ch[VSW]);
  for (unsigned i = 0; i < kNdesc; ++i)
    if (peer.ld(kData + 8192 * kSlotRxRing + kVnetDesc * i, 1) == models::VIO_DESC_DONE) peer.rx_post(i);
}

const std::vector<uint8_t>& pattern(uint8_t v) {
  static std::vector<uint8_t> p[2] = {std::vector<uint8_t>(kCanarySize, kGapByte), std::vector<uint8_t>(kCanarySize, kPeerCanaryByte)};
  return p[v == kPeerCanaryByte];
}

bool canary_ok(World& w, uint64_t pa, uint8_t v) {
  static std::vector<uint8_t> buf(kCanarySize);
  return w.m->mem.read(pa, buf.data(), buf.size()) && std::memcmp(buf.data(), pattern(v).data(), buf.size()) == 0;
}

void check_bounds(Side& sd, Services& s) {
  if (s.vsw.mac_table().size() > s.vsw.ports().size())
    finding("vsw MAC table holds " + std::to_string(s.vsw.mac_table().size()) + " entries for " +
            std::to_string(s.vsw.ports().size()) + " ports");
  for (const auto& p : s.vsw.ports())   // only a port's own address is ever learned on it
    if (p.learned > 1 || (p.learned == 1 && s.vsw.mac_table().lookup(p.mac) == std::nullopt))
      finding("vsw port " + p.name + " has a MAC that is not its own");
  for (const hv::LdcEndpoint& ep : sd.g->ldc) {
    if (ep.outbox.size() > hv::kMaxOutbox) finding("outbox of channel " + std::to_string(ep.id) + " over its bound");
    if (ep.timers.size() > kTimerBound)
      finding("channel " + std::to_string(ep.id) + " has " + std::to_string(ep.timers.size()) + " timers");
  }
}

void one_input(World& w, const uint8_t* data, size_t size) {
  Services s;
  hv::Guest* gp;
  {
    hv::GuestConfig c;
    c.name = "fuzz";
    c.strands = {0};
    c.layout = {{kRa0, kGuestSize, kGuestPa}};
    gp = &w.h->create_guest(c);
  }
  hv::Guest* pp;
  {
    hv::GuestConfig c;
    c.name = "peer";
    c.strands = {8};
    c.layout = {{kRa0, kPeerSize, kPeerPa}};
    pp = &w.h->create_guest(c);
  }
  Side sd(w), peer(w);
  sd.g = gp;
  peer.g = pp;
  hv::VirtualDevice disk, net, dsd;
  disk.kind = hv::VirtualDevice::Disk;
  net.kind = hv::VirtualDevice::Network;
  net.mac = kMacGuest;
  net.mtu = models::kVswMtu;
  dsd.kind = hv::VirtualDevice::DomainServices;
  sd.ch[VDS].id = w.h->connect_service(*gp, s.vds, disk);
  s.vds.attach(*gp, sd.ch[VDS].id, w.image);
  sd.ch[VSW].id = w.h->connect_service(*gp, s.vsw, net);
  s.vsw.add_port("fuzz", *gp, sd.ch[VSW].id, kMacGuest);
  sd.ch[DSC].id = w.h->connect_service(*gp, s.dsv, dsd);
  net.mac = kMacPeer;
  peer.ch[VSW].id = w.h->connect_service(*pp, s.vsw, net);
  s.vsw.add_port("peer", *pp, peer.ch[VSW].id, kMacPeer);
  s.vcc.attach(*gp);
  s.vcc.attach(*pp);
  for (hv::Guest* g : {gp, pp}) {
    g->boot_entry = kRa0;
    w.h->boot(*g);
    Side& x = g == gp ? sd : peer;
    for (auto [group, major, minor] : {std::tuple{hv::GROUP_SUN4V, 1, 0}, {hv::GROUP_CORE, 1, 2}, {hv::GROUP_LDC, 1, 0}}) {
      hv::Vcpu& v = g->vcpus.at(0);
      isa::StrandState& st = w.m->strand(v.strand).state;
      st.pstate = isa::PSTATE_PRIV;
      st.set_r(8, uint64_t(group));
      st.set_r(9, uint64_t(major));
      st.set_r(10, uint64_t(minor));
      st.set_r(13, 0);
      w.h->on_trap(w.m->core_of(v.strand), v.strand % w.plat.strands_per_core, isa::Trap(isa::TT_TRAP_INSTRUCTION + 0xff));
      if (st.r(8) != hv::HV_EOK) finding("harness: api_set_version refused");
    }
    for (unsigned k = 0; k < 3; ++k) {
      Chan& c = x.ch[k];
      c.txq = kQueues + 0x8000 * k;
      c.rxq = c.txq + 0x2000;
      c.mode = k == DSC ? 3 : 1;
    }
    x.map_clean();
    x.rings_clean();
  }
  for (unsigned k = 0; k < 3; ++k) sd.setup_queues(sd.ch[k]);
  peer.setup_queues(peer.ch[VSW]);
  peer.write(kPeerCanaryRa, pattern(kPeerCanaryByte).data(), kCanarySize);
  // The peer's vnet comes up first: frames the guest floods land in its RX ring.
  peer.link_up(peer.ch[VSW]);
  peer.take(peer.ch[VSW]);
  {
    // The peer announces its own MAC.
    Chan& c = peer.ch[VSW];
    std::vector<uint8_t> a;
    uint8_t m[56] = {};
    vio_ver(peer, VSW, m);
    peer.vio(c, models::VIO_TYPE_CTRL, models::VIO_SUBTYPE_INFO, models::VIO_VER_INFO, m);
    std::memset(m, 0, 56);
    vio_attr(VSW, m);
    put_be(m + 16, 8, kMacPeer);
    peer.vio(c, models::VIO_TYPE_CTRL, models::VIO_SUBTYPE_INFO, models::VIO_ATTR_INFO, m);
    for (bool rx : {false, true}) {
      std::memset(m, 0, 56);
      vio_reg(VSW, rx, m);
      peer.vio(c, models::VIO_TYPE_CTRL, models::VIO_SUBTYPE_INFO, models::VIO_DRING_REG, m);
    }
    std::memset(m, 0, 56);
    peer.vio(c, models::VIO_TYPE_CTRL, models::VIO_SUBTYPE_INFO, models::VIO_RDX, m);
    for (auto& r : peer.vio_msgs(c))
      if (r[1] != models::VIO_SUBTYPE_ACK) finding("harness: the peer's vnet handshake was refused");
  }
  unsigned peer_frames = 0;

  for (size_t at = 0; at + kRecord <= size; at += kRecord) {
    const uint8_t* r = data + at;
    uint8_t op = r[0] % 8, kind = r[1];
    uint16_t param = uint16_t(r[2] << 8 | r[3]);
    const uint8_t* body = r + 4;
    switch (op) {
      case 0:
      case 1:
      case 2:
        if (op == 2) ds_record(sd, kind, param, body);
        else vio_record(w, sd, op == 0 ? VDS : VSW, kind, param, body);
        if (!(param & 0x8000)) sd.take(sd.ch[op]);   // a driver reads the answers (param bit 15: this one does not)
        break;
      case 3: console_record(sd, kind, body); break;
      case 4: memory_record(sd, kind, param, body); break;
      case 5:
        advance(w, sd, pick(kind, 1000000, uint64_t(param) << (body[0] % 24), {0, 1, 100000000}));
        for (auto& c : sd.ch) sd.take(c);
        peer_service(peer);
        break;
      case 6: {
        Chan& c = sd.ch[kind % 3];
        c.rx_on = !(param & 1);
        sd.call(RX_QCONF, {c.id, c.rx_on ? c.rxq : 0, c.rx_on ? kQEntries : 0});
        break;
      }
      default: {
        uint64_t dst = pick(kind, kMacGuest, get_be(body, 6), {0xffffffffffffull, 0x00144ff80009ull});
        peer.tx_frame(peer_frames, dst, kMacPeer, 60 + body[8] % 64, body[9]);
        peer.dring_data(peer.ch[VSW], peer.ch[VSW].ident_tx, peer_frames % kNdesc, peer_frames % kNdesc);
        ++peer_frames;
        peer.take(peer.ch[VSW]);
        break;
      }
    }
    check_bounds(sd, s);
  }
  advance(w, sd, 1000000);
  check_bounds(sd, s);
  if (std::getenv("VFSIM_FUZZ_VERBOSE")) {   // what the input did, before the reset checks
    auto st = s.vds.stats(*gp, sd.ch[VDS].id);
    std::fprintf(stderr, "vds: reads %lu writes %lu other %lu errors %lu\n", (unsigned long)st.reads,
                 (unsigned long)st.writes, (unsigned long)st.other, (unsigned long)st.errors);
    for (auto& p : s.vsw.ports())
      std::fprintf(stderr, "vsw %s: up %d in %lu out %lu drops %lu errors %lu (%s)\n", p.name.c_str(), p.up,
                   (unsigned long)p.stats.frames_in, (unsigned long)p.stats.frames_out, (unsigned long)p.stats.drops,
                   (unsigned long)p.stats.errors, p.last_error.c_str());
    auto& dc = s.dsv.counters();
    std::fprintf(stderr, "ds: inits %lu registrations %lu bad %lu; vcc: %lu bytes\n", (unsigned long)dc.inits,
                 (unsigned long)dc.registrations, (unsigned long)dc.bad, (unsigned long)s.vcc.written("fuzz"));
  }

  // ---- what must still hold ----
  if (const char* t = std::getenv("VFSIM_FUZZ_SELFTEST")) {   // each oracle must catch its fault
    uint8_t x = 0;
    uint64_t pa = 0;
    if (!std::strcmp(t, "gap")) w.m->mem.write(kGapPa + kGapSize - 1, &x, 1);
    if (!std::strcmp(t, "peer") && pp->ra_to_pa(kPeerCanaryRa, 1, pa)) w.m->mem.write(pa, &x, 1);
    if (!std::strcmp(t, "disk")) (void)!::truncate(disk_path().c_str(), kDiskBytes + 512);
    if (!std::strcmp(t, "ds")) w.h->disconnect(*gp, sd.ch[DSC].id);
  }
  if (!canary_ok(w, kGapPa, kGapByte)) finding("physical memory past the guest (no guest's) was written");
  {
    uint64_t pa;
    if (!pp->ra_to_pa(kPeerCanaryRa, kCanarySize, pa) || !canary_ok(w, pa, kPeerCanaryByte))
      finding("the peer's memory outside what it exported was written");
  }
  struct stat stt;
  if (::stat(disk_path().c_str(), &stt) != 0 || uint64_t(stt.st_size) != kDiskBytes)
    finding("the disk image's size changed to " + std::to_string(stt.st_size));

  // Each service takes a clean session after the guest resets its channels.
  sd.map_clean();
  sd.rings_clean();
  for (unsigned k = 0; k < 3; ++k) sd.setup_queues(sd.ch[k]);
  {
    Chan& c = sd.ch[DSC];
    sd.link_up(c);
    sd.take(c);
    std::vector<uint8_t> m = ds::message(ds::INIT_REQ, ds::Writer().u16(1).u16(0).b);
    sd.message(c, m.data(), m.size());
    m = ds::message(ds::REG_REQ, ds::Writer().u64(0x77).u16(1).u16(0).str("md-update").b);
    sd.message(c, m.data(), m.size());
    auto got = sd.ds_msgs(c);
    if (got.size() != 2 || got[0] != ds::message(ds::INIT_ACK, ds::Writer().u16(0).b) ||
        got[1] != ds::message(ds::REG_ACK, ds::Writer().u64(0x77).u16(0).b))
      finding("ds: a clean INIT + REG after a reset was not acknowledged");
  }
  for (Svc k : {VDS, VSW}) {
    Chan& c = sd.ch[k];
    c.sid = 0x1234;
    sd.link_up(c);
    sd.take(c);
    for (uint8_t a : sd.vio_handshake(k))
      if (a != models::VIO_SUBTYPE_ACK) finding(std::string(k == VDS ? "vds" : "vsw") + ": a clean handshake after a reset was refused");
  }
  {   // one read of block 0 into buffer slot 8
    sd.vds_desc(0, models::VD_OP_BREAD, 0, 512, 1, cookie_of(kSlotVdsBuf), 512);
    sd.dring_data(sd.ch[VDS], sd.ch[VDS].ident_tx, 0, 0);
    advance(w, sd, 1ull << 40);
    if (sd.ld(kData, 1) != models::VIO_DESC_DONE || sd.ld(kData + 20, 4) != 0)
      finding("vds: a clean read after a reset did not complete");
    auto r = sd.vio_msgs(sd.ch[VDS]);
    if (r.empty() || r.back()[1] != models::VIO_SUBTYPE_ACK) finding("vds: a clean read after a reset was not acknowledged");
  }
  {   // a frame each way between the guest and the peer
    peer_service(peer);
    auto peer_out = [&] {
      for (auto& p : s.vsw.ports())
        if (p.name == "peer") return p.stats.frames_out;
      return uint64_t(0);
    };
    uint64_t before = peer_out();
    sd.tx_frame(0, kMacPeer, kMacGuest, 64, 0x42);
    sd.dring_data(sd.ch[VSW], sd.ch[VSW].ident_tx, 0, 0);
    auto r = sd.vio_msgs(sd.ch[VSW]);
    if (r.empty() || r.back()[1] != models::VIO_SUBTYPE_ACK) finding("vsw: a clean frame after a reset was not acknowledged");
    bool in = peer_out() == before + 1;
    peer.tx_frame(peer_frames, kMacGuest, kMacPeer, 64, 0x24);
    peer.dring_data(peer.ch[VSW], peer.ch[VSW].ident_tx, peer_frames % kNdesc, peer_frames % kNdesc);
    bool arrived = sd.ld(kData + 8192 * kSlotRxRing, 1) == models::VIO_DESC_DONE &&
                   sd.ld(kData + 8192 * kSlotRxRing + 8, 4) == 64;
    if (!arrived) finding("vsw: a frame from the peer did not reach the reset guest's RX ring");
    if (!in) finding("vsw: the guest's frame did not reach the peer");
  }
  {
    uint64_t before = s.vcc.written("peer");
    peer.write(kConsBuf, "ok\n", 3);
    peer.call(CONS_WRITE, {kConsBuf, 3});
    if (s.vcc.written("peer") != before + 3 || s.vcc.read("peer", before) != "ok\n")
      finding("vcc: the peer's console output did not arrive");
  }

  w.h->destroy_guest(*gp);
  w.h->destroy_guest(*pp);
}

// ---- seeds ----

struct Seq {
  std::vector<uint8_t> bytes;
  void add(uint8_t op, uint8_t kind, uint16_t param = 0, std::initializer_list<std::pair<unsigned, uint8_t>> body = {}) {
    uint8_t r[kRecord] = {op, kind, uint8_t(param >> 8), uint8_t(param)};
    for (auto [at, v] : body) r[4 + at] = v;
    bytes.insert(bytes.end(), r, r + kRecord);
  }
};

std::vector<std::pair<std::string, Seq>> seeds() {
  std::vector<std::pair<std::string, Seq>> out;
  Seq d;   // the vdisk handshake step by step, a read of block 3 and a write of block 5
  d.add(0, 4);
  d.add(0, 5);
  d.add(0, 6);
  d.add(0, 7);
  d.add(0, 8);
  d.add(0, 12, 0, {{0, 1}, {1, 0}, {4, 0}, {5, 3}});          // BREAD desc 1
  d.add(5, 0);
  d.add(0, 12, 0, {{0, 2}, {1, 1}, {4, 0}, {5, 5}});          // BWRITE desc 2
  d.add(5, 0);
  out.emplace_back("vdisk_read_write", d);
  Seq n;   // the vnet handshake in one record, a frame to the peer, the peer's frame back
  n.add(1, 11);
  n.add(1, 12, 0, {{0, 0}});
  n.add(7, 0, 0, {{8, 4}, {9, 0x11}});
  n.add(5, 0);
  out.emplace_back("vnet_frame", n);
  Seq n2;   // the vnet handshake step by step (TX then RX ring), a frame
  n2.add(1, 4);
  n2.add(1, 5);
  n2.add(1, 6);
  n2.add(1, 7, 0);
  n2.add(1, 7, 1);
  n2.add(1, 8);
  n2.add(1, 12, 0, {{0, 3}});
  n2.add(5, 0);
  out.emplace_back("vnet_steps", n2);
  Seq c;   // console output
  c.add(3, 1, 0, {{2, 12}, {8, 'h'}, {9, 'i'}});
  c.add(3, 0, 0, {{0, '\n'}});
  out.emplace_back("console", c);
  Seq s;   // DS link, INIT, two registrations
  s.add(2, 4);
  s.add(2, 5);
  s.add(2, 6, 0, {{2, 0}, {15, 1}});
  s.add(2, 6, 0, {{2, 2}, {15, 2}});
  s.add(5, 0);
  out.emplace_back("ds_init_reg", s);
  Seq m;   // a registered ring the guest then corrupts, and DRING_DATA on it
  m.add(0, 11);
  m.add(4, 0, 1, {{0, 0}, {2, 2}, {5, 4}});
  m.add(0, 9, 0, {{4, 1}});
  m.add(5, 0);
  m.add(1, 11);
  m.add(4, 1, 0, {{5, 2}});
  m.add(1, 9, 0, {{4, 0}});
  m.add(5, 0);
  out.emplace_back("corrupt_rings", m);
  return out;
}

std::unique_ptr<World> world;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz_seed::write_if_asked([](const std::string& dir) {
    for (const auto& [name, s] : seeds()) fuzz_seed::write(dir + "/" + name + ".bin", s.bytes);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  one_input(fuzz_seed::fresh_every(world, 100), data, size);
  return 0;
}

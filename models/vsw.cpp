#include "models/vsw.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "hv/hypervisor.h"
#include "hv/sun4v.h"

namespace vfsim::models {

namespace {
constexpr unsigned kDescHeader = 16;    // state/ack/pad, nbytes, ncookies
constexpr unsigned kCookieBytes = 16;
enum : uint8_t { ADDR_TYPE_MAC = 1, VIO_DP_ACTIVE = 1, VIO_DP_STOPPED = 2 };
enum : uint8_t { XFER_DRING_V10 = 0x3, XFER_DRING_MASK = 0x4 };   // §5.1: a value before 1.2, a bit from 1.2
uint32_t round8(uint32_t n) { return (n + 7) & ~7u; }
}  // namespace

VirtualSwitch::VirtualSwitch(std::string name)
    : VioServer(VDEV_NETWORK_SWITCH, VDEV_NETWORK, {{1, 6}, {1, 0}}), name_(std::move(name)) {
  label_ = "vsw";
}

std::string VirtualSwitch::mac_string(uint64_t mac) {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", mac >> 40 & 0xff, mac >> 32 & 0xff,
                     mac >> 24 & 0xff, mac >> 16 & 0xff, mac >> 8 & 0xff, mac & 0xff);
}

unsigned VirtualSwitch::add_port(const std::string& name, hv::Guest& g, uint64_t channel, uint64_t mac) {
  Port p;
  p.name = name;
  p.guest = &g;
  p.channel = channel;
  p.mac = mac;
  for (unsigned i = 0; i < ports_.size(); ++i)   // a removed port's slot
    if (!ports_[i].guest) {
      ports_[i] = p;
      return i;
    }
  ports_.push_back(p);
  return unsigned(ports_.size() - 1);
}

void VirtualSwitch::remove_port(hv::Guest& g, uint64_t channel) {
  for (unsigned i = 0; i < ports_.size(); ++i)
    if (ports_[i].guest == &g && ports_[i].channel == channel) {
      macs_.forget_port(i);
      ports_[i] = Port{};   // no guest: skipped until reused
    }
}

void VirtualSwitch::forget(hv::Guest& g) {
  VioServer::forget(g);
  for (unsigned i = 0; i < ports_.size(); ++i)
    if (ports_[i].guest == &g) {
      macs_.forget_port(i);
      ports_[i] = Port{};
    }
}

bool VirtualSwitch::capture(const std::string& path) { return pcap_.open(path); }

std::vector<VirtualSwitch::PortInfo> VirtualSwitch::ports() const {
  std::vector<PortInfo> v;
  for (unsigned i = 0; i < ports_.size(); ++i) {
    const Port& p = ports_[i];
    if (!p.guest) continue;   // removed
    PortInfo info;
    info.name = p.name;
    info.mac = p.mac;
    info.vnet_mac = p.vnet_mac;
    info.mtu = p.mtu;
    info.up = p.session != nullptr;
    info.learned = macs_.count(i);
    info.stats = p.stats;
    info.last_error = p.last_error;
    v.push_back(info);
  }
  return v;
}

VirtualSwitch::Port* VirtualSwitch::port_of(VioSession& s) {
  for (Port& p : ports_)
    if (p.guest == s.guest && p.channel == s.channel) return &p;
  return nullptr;
}

void VirtualSwitch::error(Port& p, std::string what) {
  ++p.stats.errors;
  p.last_error = std::move(what);
}

// ---- the session ----

bool VirtualSwitch::on_attr(VioSession& s, uint8_t m[kVioMsgBytes]) {
  Port* p = port_of(s);
  if (!p) return false;
  uint8_t xfer = m[8], addr_type = m[9];
  uint64_t mac = get_be(m + 16, 8) & MacTable::kBroadcast, mtu = get_be(m + 24, 8);
  bool dring = s.minor < 2 ? xfer == XFER_DRING_V10 : (xfer & XFER_DRING_MASK) != 0;
  if (!dring || addr_type != ADDR_TYPE_MAC || mtu < 68 || MacTable::is_group(mac)) {
    error(*p, fmt::format("ATTR refused: xfer_mode {:#x}, addr_type {}, mtu {}, mac {}", xfer, addr_type, mtu,
                          mac_string(mac)));
    return false;
  }
  if (p->mac && mac != p->mac) {   // the port is tied to the vnet's MAC in the MD
    error(*p, fmt::format("ATTR refused: mac {} is not the port's {}", mac_string(mac), mac_string(p->mac)));
    return false;
  }
  for (const Port& o : ports_)   // without an MD address: still one port per MAC
    if (&o != p && o.guest && (o.vnet_mac == mac || o.mac == mac)) {
      error(*p, fmt::format("ATTR refused: mac {} belongs to port {}", mac_string(mac), o.name));
      return false;
    }
  p->vnet_mac = mac;
  p->mtu = uint32_t(std::min<uint64_t>(mtu, kVswMtu));
  put_be(m + 24, 8, p->mtu);   // the ACK echoes the rest
  return true;
}

// One ring of each kind; it must hold our descriptor header and a cookie, and its memory
// must be readable now (a cookie past what the vnet exported is refused here, not later).
bool VirtualSwitch::ring_ok(VioSession& s, const VioRing& r) {
  Port* p = port_of(s);
  if (!p) return false;
  std::string why;
  if (r.options != VIO_TX_DRING && r.options != VIO_RX_DRING) {
    why = fmt::format("options {:#x} (one of TX {:#x} or RX {:#x})", r.options, VIO_TX_DRING, VIO_RX_DRING);
  } else if (r.desc_size < kDescHeader + kCookieBytes) {
    why = fmt::format("descriptor size {} (at least {})", r.desc_size, kDescHeader + kCookieBytes);
  } else {
    for (auto& [ident, other] : s.rings)
      if (other.options == r.options) why = "a second ring of that kind";
    uint8_t hdr[8];
    uint64_t st = why.empty() ? read_desc(s, r, 0, hdr, 8) : 0;
    if (!st && why.empty()) st = read_desc(s, r, r.ndesc - 1, hdr, 8);
    if (st) why = fmt::format("its memory cannot be read ({})", hv::status_name(st));
  }
  if (why.empty()) return true;
  error(*p, fmt::format("DRING_REG refused: {}", why));
  return false;
}

void VirtualSwitch::on_ready(VioSession& s) {
  Port* p = port_of(s);
  if (!p) return;
  p->session = &s;
  p->tx_ident = p->rx_ident = 0;
  for (auto& [ident, r] : s.rings) (r.options == VIO_TX_DRING ? p->tx_ident : p->rx_ident) = ident;
  p->rx_next = 0;
  p->seq = 0;
}

void VirtualSwitch::on_end(VioSession& s) {
  Port* p = port_of(s);
  if (!p) return;
  p->session = nullptr;
  p->tx_ident = p->rx_ident = 0;
  macs_.forget_port(unsigned(p - ports_.data()));
}

// ---- frames in ----

void VirtualSwitch::send_dring(VioSession& s, uint8_t stype, uint64_t seq, uint64_t ident, uint32_t start,
                               uint32_t end) {
  uint8_t m[kVioMsgBytes] = {};
  put_be(m + 8, 8, seq);
  put_be(m + 16, 8, ident);
  put_be(m + 24, 4, start);
  put_be(m + 28, 4, end);
  m[32] = stype == VIO_SUBTYPE_INFO ? VIO_DP_ACTIVE : VIO_DP_STOPPED;
  send(s, VIO_TYPE_DATA, stype, VIO_DRING_DATA, m);
}

void VirtualSwitch::on_data(VioSession& s, std::vector<uint8_t>& msg) {
  Port* p = port_of(s);
  if (!p) return;
  uint16_t env = uint16_t(get_be(msg.data() + 2, 2));
  if (msg[1] != VIO_SUBTYPE_INFO) return;   // a vnet acknowledging our RX INFOs: nothing to do
  uint64_t seq = get_be(msg.data() + 8, 8), ident = get_be(msg.data() + 16, 8);
  uint32_t start = uint32_t(get_be(msg.data() + 24, 4));
  auto ring = s.rings.find(ident);
  if (msg[0] != VIO_TYPE_DATA || env != VIO_DRING_DATA || ring == s.rings.end() ||
      ring->second.options != VIO_TX_DRING || start >= ring->second.ndesc) {
    error(*p, fmt::format("DATA refused: env {:#x}, ring {}, start {}", env, ident, start));
    send(s, msg[0], VIO_SUBTYPE_NACK, env, msg.data());
    return;
  }
  transmit(*p, s, ring->second, start, seq);
}

// The vnet's READY descriptors from start on, in ring order, until one is not READY.
void VirtualSwitch::transmit(Port& p, VioSession& s, const VioRing& r, uint32_t start, uint64_t seq) {
  uint64_t ns = 0;
  if (!s.guest->vcpus.empty())   // the sending domain's clock: its boot vCPU runs the vnet
    ns = uint64_t(double(s.hv->now_cycles(s.guest->vcpus[0])) * s.hv->machine.plat.cycle_ns());
  uint32_t i = start, last = start, done = 0;
  for (; done < r.ndesc; ++done, i = (i + 1) % r.ndesc) {
    uint8_t hdr[8];
    if (uint64_t st = read_desc(s, r, i, hdr, 8)) {   // the ring itself went away
      error(p, fmt::format("TX descriptor {} cannot be read ({})", i, hv::status_name(st)));
      send_dring(s, VIO_SUBTYPE_NACK, seq, r.ident, i, i);
      break;
    }
    if (hdr[0] != VIO_DESC_READY) break;
    std::vector<uint8_t> frame;
    std::string why;
    uint64_t st = fetch_frame(s, r, i, p.mtu, frame, why);
    hdr[0] = VIO_DESC_DONE;   // used or not, the vnet gets it back
    write_desc(s, r, i, hdr, 8);
    last = i;
    if (st) {
      error(p, fmt::format("TX descriptor {}: {} ({})", i, why, hv::status_name(st)));
      send_dring(s, VIO_SUBTYPE_NACK, seq, r.ident, i, i);
      continue;
    }
    if (get_be(frame.data() + 6, 6) != p.vnet_mac) {   // not its own address: see the header
      ++p.stats.spoofed;
      continue;
    }
    ++p.stats.frames_in;
    p.stats.bytes_in += frame.size();
    forward(unsigned(&p - ports_.data()), frame, ns);
  }
  if (done) send_dring(s, VIO_SUBTYPE_ACK, seq, r.ident, start, last);
}

uint64_t VirtualSwitch::fetch_frame(VioSession& s, const VioRing& r, uint32_t index, uint32_t mtu,
                                    std::vector<uint8_t>& frame, std::string& why) {
  std::vector<uint8_t> d(r.desc_size);
  if (uint64_t st = read_desc(s, r, index, d.data(), kDescHeader)) return why = "descriptor", st;
  uint32_t nbytes = uint32_t(get_be(&d[8], 4)), ncookies = uint32_t(get_be(&d[12], 4));
  if (nbytes < kEtherHeader || nbytes > mtu + kEtherHeader)
    return why = fmt::format("frame length {}", nbytes), hv::HV_EINVAL;
  if (ncookies == 0 || ncookies > (r.desc_size - kDescHeader) / kCookieBytes)
    return why = fmt::format("{} cookies", ncookies), hv::HV_EINVAL;
  if (uint64_t st = read_desc(s, r, index, d.data(), kDescHeader + kCookieBytes * ncookies))
    return why = "descriptor cookies", st;
  std::vector<uint8_t> buf(round8(kVnetPacketSkip + nbytes));
  uint64_t bad = 0;
  if (uint64_t st = copy_cookies(s, &d[kDescHeader], ncookies, false, buf.data(), buf.size(), true, &bad)) {
    why = bad == ~uint64_t(0)           ? fmt::format("buffer smaller than {} bytes", buf.size())
          : st == hv::HV_EBADALIGN ? fmt::format("cookie {:#x} not 8-byte aligned", bad)
                                        : fmt::format("buffer at cookie {:#x}", bad);
    return st;
  }
  frame.assign(buf.begin() + kVnetPacketSkip, buf.begin() + kVnetPacketSkip + nbytes);
  return hv::HV_EOK;
}

// ---- switching ----

void VirtualSwitch::forward(unsigned in, const std::vector<uint8_t>& frame, uint64_t ns) {
  uint64_t dst = get_be(frame.data(), 6), src = get_be(frame.data() + 6, 6);
  macs_.learn(src, in);
  pcap_.write(ns, frame.data(), uint32_t(frame.size()));
  ++switched_;
  if (!MacTable::is_group(dst))
    if (auto out = macs_.lookup(dst)) {
      if (*out != in) deliver(ports_[*out], frame);   // back to where it came from: nothing to do
      return;
    }
  ++flooded_;
  for (unsigned i = 0; i < ports_.size(); ++i)
    if (i != in && ports_[i].guest && deliver(ports_[i], frame)) ++ports_[i].stats.flooded_out;
}

// Into the port's next RX buffer; true when it went in.
bool VirtualSwitch::deliver(Port& p, const std::vector<uint8_t>& frame) {
  if (!p.session || !p.rx_ident) {   // nobody listening there yet: not the vnet's loss
    ++p.stats.not_up;
    return false;
  }
  VioSession& s = *p.session;
  auto ring = s.rings.find(p.rx_ident);
  if (ring == s.rings.end()) {
    ++p.stats.not_up;
    return false;
  }
  const VioRing& r = ring->second;
  uint32_t i = p.rx_next;
  std::vector<uint8_t> d(r.desc_size);
  if (uint64_t st = read_desc(s, r, i, d.data(), kDescHeader)) {
    error(p, fmt::format("RX descriptor {} cannot be read ({})", i, hv::status_name(st)));
    ++p.stats.drops;
    return false;
  }
  if (d[0] != VIO_DESC_READY) {   // the vnet has not given this buffer back yet: its ring is full
    ++p.stats.drops;
    return false;
  }
  uint32_t ncookies = uint32_t(get_be(&d[12], 4));
  uint64_t st = hv::HV_EINVAL;
  std::string why = fmt::format("{} cookies", ncookies);
  std::vector<uint8_t> buf(round8(kVnetPacketSkip + uint32_t(frame.size())));
  if (ncookies >= 1 && ncookies <= (r.desc_size - kDescHeader) / kCookieBytes) {
    why = "descriptor cookies";
    st = read_desc(s, r, i, d.data(), kDescHeader + kCookieBytes * ncookies);
    uint64_t room = 0;
    for (uint32_t c = 0; !st && c < ncookies; ++c) room += get_be(&d[kDescHeader + kCookieBytes * c + 8], 8);
    if (!st && room < buf.size()) {   // a frame larger than its buffers: dropped, not an error
      ++p.stats.drops;
      return false;
    }
    std::copy(frame.begin(), frame.end(), buf.begin() + kVnetPacketSkip);
    uint64_t bad = 0;
    if (!st && (st = copy_cookies(s, &d[kDescHeader], ncookies, true, buf.data(), buf.size(), true, &bad)))
      why = fmt::format("buffer at cookie {:#x}", bad);
  }
  // A buffer that cannot be written is handed back empty (nbytes 0), so the ring moves on.
  put_be(&d[8], 4, st ? 0 : frame.size());
  d[0] = VIO_DESC_DONE;
  write_desc(s, r, i, d.data(), kDescHeader);
  p.rx_next = (i + 1) % r.ndesc;
  send_dring(s, VIO_SUBTYPE_INFO, ++p.seq, r.ident, i, i);
  if (st) {
    error(p, fmt::format("RX descriptor {}: {} ({})", i, why, hv::status_name(st)));
    ++p.stats.drops;
    return false;
  }
  ++p.stats.frames_out;
  p.stats.bytes_out += frame.size();
  return true;
}

}  // namespace vfsim::models

#include "models/vds.h"
#include "sim/trace/trace.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "hv/hypervisor.h"
#include "sim/state/description.h"

namespace vfsim::models {

namespace {
// Solaris errno values: the status field carries what the Solaris vds would put there.
constexpr uint32_t S_EIO = 5, S_EFAULT = 14, S_EINVAL = 22, S_EROFS = 30, S_ENOTSUP = 48;
uint32_t solaris_errno(int e) {
  switch (e) {
    case 0: return 0;
    case EINVAL: return S_EINVAL;
    case EROFS: return S_EROFS;
    default: return S_EIO;
  }
}
constexpr unsigned kDescHeader = 48, kCookieBytes = 16;
constexpr uint64_t kSupportedOps = 1ull << VD_OP_BREAD | 1ull << VD_OP_BWRITE | 1ull << VD_OP_FLUSH |
                                   1ull << VD_OP_GET_WCE | 1ull << VD_OP_SET_WCE | 1ull << VD_OP_GET_VTOC |
                                   1ull << VD_OP_GET_DISKGEOM | 1ull << VD_OP_GET_CAPACITY;
// The geometry a file image shows [vfsim's choice]: 1 head, 128 sectors of 512 bytes per
// track, so a cylinder is 64 KB; 2 alternate cylinders.
constexpr uint64_t kHeads = 1, kSectors = 128, kAltCyl = 2;
const char* op_name(uint8_t op) {
  switch (op) {
    case VD_OP_BREAD: return "BREAD";
    case VD_OP_BWRITE: return "BWRITE";
    case VD_OP_FLUSH: return "FLUSH";
    case VD_OP_GET_WCE: return "GET_WCE";
    case VD_OP_SET_WCE: return "SET_WCE";
    case VD_OP_GET_VTOC: return "GET_VTOC";
    case VD_OP_GET_DISKGEOM: return "GET_DISKGEOM";
    case VD_OP_GET_CAPACITY: return "GET_CAPACITY";
  }
  return "op?";
}
}  // namespace

void VirtualDiskServer::attach(hv::Guest& g, uint64_t channel, std::shared_ptr<DiskImage> image) {
  disks_[{&g, channel}] = Disk{std::move(image), {}};
}

void VirtualDiskServer::detach(hv::Guest& g) {
  for (auto it = disks_.begin(); it != disks_.end();) it = it->first.first == &g ? disks_.erase(it) : std::next(it);
  for (auto it = flows_.begin(); it != flows_.end();) it = std::get<0>(it->first) == &g ? flows_.erase(it) : std::next(it);
}

VirtualDiskServer::Stats VirtualDiskServer::stats(hv::Guest& g, uint64_t channel) const {
  auto it = disks_.find({&g, channel});
  return it == disks_.end() ? Stats{} : it->second.state.stats;
}

VirtualDiskServer::Disk* VirtualDiskServer::disk(VioSession& s) {
  auto it = disks_.find({s.guest, s.channel});
  return it == disks_.end() ? nullptr : &it->second;
}

// ATTR_INFO: the client offers DRING mode and its block size; the ACK tells it the disk.
bool VirtualDiskServer::on_attr(VioSession& s, uint8_t m[kVioMsgBytes]) {
  Disk* d = disk(s);
  if (!d || m[8] != 0x3) return false;   // no disk behind this channel, or not DRING mode (v1.0/1.1)
  m[9] = 2;                               // vdisk type: whole DISK
  m[10] = 1;                              // media: FIXED
  put_be(m + 12, 4, DiskImage::kBlockSize);
  put_be(m + 16, 8, kSupportedOps);
  put_be(m + 24, 8, d->image->blocks());
  put_be(m + 32, 8, kMaxXferBlocks);
  return true;
}

// A descriptor holds the header and at least one cookie (VioServer bounds it to a page); the
// whole ring must be readable now (the first and the last descriptor), so a ring past what the
// client exported is refused at DRING_REG, not found out request by request.
bool VirtualDiskServer::ring_ok(VioSession& s, const VioRing& r) {
  if (r.desc_size < kDescHeader + kCookieBytes) return false;
  uint8_t hdr[8];
  return read_desc(s, r, 0, hdr, 8) == hv::HV_EOK && read_desc(s, r, r.ndesc - 1, hdr, 8) == hv::HV_EOK;
}

// Moves n bytes between buf and the cookies the descriptor lists, in order: 0 or EFAULT
// (a cookie the client did not export so, or fewer bytes than the request).
uint32_t VirtualDiskServer::copy_cookies(VioSession& s, const uint8_t* desc, bool to_guest, uint8_t* buf,
                                         uint64_t n) {
  uint32_t ncookies = uint32_t(get_be(desc + 40, 4));
  return VioServer::copy_cookies(s, desc + kDescHeader, ncookies, to_guest, buf, n, false) ? S_EFAULT : 0;
}

uint32_t VirtualDiskServer::execute(VioSession& s, Disk& d, const uint8_t* desc, uint64_t& moved) {
  uint8_t op = desc[16];
  uint64_t block = get_be(desc + 24, 8), nbytes = get_be(desc + 32, 8);
  DiskImage& img = *d.image;
  moved = 0;
  auto payload = [&](std::vector<uint8_t> out) {   // a query's answer into the client's buffer
    if (nbytes < out.size()) return S_EINVAL;
    return copy_cookies(s, desc, true, out.data(), out.size());
  };
  switch (op) {
    case VD_OP_BREAD:
    case VD_OP_BWRITE: {
      if (nbytes % DiskImage::kBlockSize || nbytes > uint64_t(kMaxXferBlocks) * DiskImage::kBlockSize ||
          block > img.blocks() || nbytes / DiskImage::kBlockSize > img.blocks() - block)
        return S_EINVAL;
      std::vector<uint8_t> buf(nbytes);
      uint32_t st;
      if (op == VD_OP_BREAD) {
        st = solaris_errno(img.read(block * DiskImage::kBlockSize, buf.data(), nbytes));
        if (!st) st = copy_cookies(s, desc, true, buf.data(), nbytes);
        if (!st) ++d.state.stats.reads, d.state.stats.bytes_read += nbytes;
      } else {
        st = copy_cookies(s, desc, false, buf.data(), nbytes);   // nothing reaches the image on a bad cookie
        if (!st) st = solaris_errno(img.write(block * DiskImage::kBlockSize, buf.data(), nbytes));
        if (!st) ++d.state.stats.writes, d.state.stats.bytes_written += nbytes;
      }
      if (!st) moved = nbytes;
      return st;
    }
    case VD_OP_FLUSH:
      ++d.state.stats.flushes;
      return solaris_errno(img.flush());
    case VD_OP_GET_WCE: {
      ++d.state.stats.other;
      std::vector<uint8_t> v(4);
      put_be(v.data(), 4, 1);   // the image is written through the host's page cache
      return payload(v);
    }
    case VD_OP_SET_WCE:
      ++d.state.stats.other;
      return 0;
    case VD_OP_GET_CAPACITY: {
      ++d.state.stats.other;
      std::vector<uint8_t> v(16);
      put_be(v.data(), 4, DiskImage::kBlockSize);
      put_be(v.data() + 8, 8, img.blocks());
      return payload(v);
    }
    case VD_OP_GET_DISKGEOM: {   // 11 u16: ncyl acyl bcyl nhead nsect intrlv apc rpm pcyl wskip rskip
      ++d.state.stats.other;
      uint64_t pcyl = img.blocks() / (kHeads * kSectors);
      uint16_t g[11] = {uint16_t(std::min<uint64_t>(65535, pcyl > kAltCyl ? pcyl - kAltCyl : 0)), uint16_t(kAltCyl),
                        0, uint16_t(kHeads), uint16_t(kSectors), 1, 0, 7200, uint16_t(std::min<uint64_t>(65535, pcyl)),
                        0, 0};
      std::vector<uint8_t> v(22);
      for (unsigned i = 0; i < 11; ++i) put_be(v.data() + 2 * i, 2, g[i]);
      return payload(v);
    }
    case VD_OP_GET_VTOC: {   // an SMI-style label: slice 2 (backup) is the whole disk
      ++d.state.stats.other;
      std::vector<uint8_t> v(8 + 2 + 2 + 128 + 8 * 24);
      std::memcpy(v.data(), "vfsim", 5);
      put_be(v.data() + 8, 2, DiskImage::kBlockSize);
      put_be(v.data() + 10, 2, 8);
      std::string label = "vfsim vdisk " + std::to_string(img.blocks()) + " blocks";
      std::memcpy(v.data() + 12, label.data(), std::min<size_t>(label.size(), 127));
      uint8_t* s2 = v.data() + 140 + 2 * 24;
      put_be(s2, 2, 5);        // V_BACKUP
      put_be(s2 + 2, 2, 1);    // V_UNMNT
      put_be(s2 + 16, 8, img.blocks());
      return payload(v);
    }
    default:
      ++d.state.stats.other;
      return S_ENOTSUP;
  }
}

// DRING_DATA INFO: the READY descriptors of [start, end] are the disk's next requests. Each
// takes the disk's time after the one before; it is done (data moved, status and DONE
// written back) when that time has passed, and the ACK of the range goes with the last.
void VirtualDiskServer::on_data(VioSession& s, std::vector<uint8_t>& m) {
  uint16_t env = uint16_t(get_be(m.data() + 2, 2));
  if (m[0] != VIO_TYPE_DATA || m[1] != VIO_SUBTYPE_INFO || env != VIO_DRING_DATA) return;
  Disk* d = disk(s);
  uint64_t ident = get_be(m.data() + 16, 8);
  auto ring = s.rings.find(ident);
  uint32_t start = uint32_t(get_be(m.data() + 24, 4)), end = uint32_t(get_be(m.data() + 28, 4));
  hv::LdcEndpoint* queue = s.endpoint();
  size_t queued = queue ? queue->timers.size() : 0;
  if (!d || ring == s.rings.end() || start >= ring->second.ndesc || (end != ~0u && end >= ring->second.ndesc) ||
      queued >= kMaxQueued) {
    ++s.errors;
    if (d) ++d->state.stats.errors;
    send(s, VIO_TYPE_DATA, VIO_SUBTYPE_NACK, env, m.data());
    return;
  }
  const VioRing& r = ring->second;
  hv::Hypervisor& hv = *s.hv;
  double hz = double(hv.machine.plat.clock_hz);
  uint64_t now = hv.call_cycles, t = std::max(now, d->state.busy_until);
  std::vector<std::pair<uint32_t, uint64_t>> requests;   // (descriptor, time it takes)
  std::vector<uint8_t> desc(r.desc_size);
  for (uint32_t i = start, n = 0; n < r.ndesc; i = (i + 1) % r.ndesc, ++n) {
    if (read_desc(s, r, i, desc.data(), r.desc_size) != hv::HV_EOK) {   // the ring is not readable any more
      ++s.errors;
      ++d->state.stats.errors;
      send(s, VIO_TYPE_DATA, VIO_SUBTYPE_NACK, env, m.data());
      return;
    }
    if ((desc[0] & 0xf) == VIO_DESC_READY) {
      if (queued + requests.size() >= kMaxQueued) break;   // the rest stay READY for a later DRING_DATA
      // Taken: ACCEPTED (a state of reference §5.4) until done, so the same request named
      // again by a later DRING_DATA is not queued twice.
      desc[0] = uint8_t((desc[0] & 0xf0) | VIO_DESC_ACCEPTED);
      write_desc(s, r, i, desc.data(), 1);
      uint8_t op = desc[16];
      uint64_t bytes = op == VD_OP_BREAD || op == VD_OP_BWRITE ? get_be(desc.data() + 32, 8) : 0;
      bytes = std::min<uint64_t>(bytes, uint64_t(kMaxXferBlocks) * DiskImage::kBlockSize);
      requests.emplace_back(i, uint64_t(timing.request_us * 1e-6 * hz + double(bytes) / (timing.mb_per_s * 1e6) * hz));
    } else if (end == ~0u) {
      break;   // "until not READY"
    }
    if (i == end) break;
  }
  uint8_t ack[kVioMsgBytes];
  std::memcpy(ack, m.data(), kVioMsgBytes);
  put_be(ack + 28, 4, requests.empty() ? start : requests.back().first);
  hv::LdcEndpoint* ep = s.endpoint();
  if (requests.empty() || !ep) {
    send(s, VIO_TYPE_DATA, VIO_SUBTYPE_ACK, env, ack, t - now);
    return;
  }
  if (answer_flow_) {   // the INFO's flow goes through the requests to the ACK
    flows_[{s.guest, s.channel, ident, get_be(ack + 8, 8)}] = answer_flow_;
    answer_flow_ = 0;
  }
  for (size_t k = 0; k < requests.size(); ++k) {
    RequestDone r;
    std::tie(r.index, r.took) = requests[k];
    t += r.took;
    r.ident = ident;
    r.last = k + 1 == requests.size();
    r.seq = get_be(ack + 8, 8);
    r.start = start;
    r.end = uint32_t(get_be(ack + 28, 4));
    r.state = ack[32];
    hv.ldc_at(*ep, t - now, r.pack());
  }
  d->state.busy_until = t;
  if (trace::on(trace::Category::vio)) trace_outstanding(s);
}

void VirtualDiskServer::trace_outstanding(VioSession& s) {
  hv::LdcEndpoint* ep = s.endpoint();
  trace::Event e(trace::Category::vio, trace::Phase::Counter, s.hv->trace_ps(),
                 trace::Track::service(label_), s.guest->name, fmt::format("requests {}/ch{}", s.guest->name, s.channel));
  e.value = ep ? double(ep->timers.size()) : 0;
  trace::emit(std::move(e));
}

// The ACK of a DRING_DATA range is rebuilt from its fields (seq, ident, start, end, state);
// the message's padding goes back as zeros.
void VirtualDiskServer::on_timer(hv::Hypervisor& hv, hv::Guest& g, hv::LdcEndpoint& ep, const hv::TimerArgs& args) {
  RequestDone r = RequestDone::unpack(args);
  auto f = flows_.find({&g, ep.id, r.ident, r.seq});
  uint64_t flow = complete(&g, ep.id, r.ident, r.index, r.took, double(hv.machine.plat.clock_hz), f == flows_.end() ? 0 : f->second);
  if (f != flows_.end()) {
    if (r.last) flows_.erase(f);
    else f->second = flow;
  }
  VioSession* s = session(&g, ep.id);
  if (s && trace::on(trace::Category::vio)) trace_outstanding(*s);
  if (!r.last || !s) return;
  answer_flow_ = flow;   // the ACK ends the last request's flow
  uint8_t ack[kVioMsgBytes] = {};
  put_be(ack + 8, 8, r.seq);
  put_be(ack + 16, 8, r.ident);
  put_be(ack + 24, 4, r.start);
  put_be(ack + 28, 4, r.end);
  ack[32] = r.state;
  send(*s, VIO_TYPE_DATA, VIO_SUBTYPE_ACK, VIO_DRING_DATA, ack);
}

// One request when the disk has done it: moved between the image and the client's buffer,
// status and DONE written back into its descriptor.
uint64_t VirtualDiskServer::complete(hv::Guest* g, uint64_t channel, uint64_t ident, uint32_t index, uint64_t took,
                                     double hz, uint64_t flow) {
  VioSession* s = session(g, channel);
  Disk* d = s ? disk(*s) : nullptr;
  auto ring = s ? s->rings.find(ident) : std::map<uint64_t, VioRing>::iterator{};
  if (!d || ring == s->rings.end()) return flow;   // the session or ring went away meanwhile
  const VioRing& r = ring->second;
  std::vector<uint8_t> desc(r.desc_size);
  if (read_desc(*s, r, index, desc.data(), r.desc_size) != hv::HV_EOK) {
    ++s->errors;
    ++d->state.stats.errors;
    return flow;
  }
  uint32_t ncookies = uint32_t(get_be(desc.data() + 40, 4));
  uint64_t moved = 0;
  uint32_t st = ncookies > (r.desc_size - kDescHeader) / kCookieBytes ? S_EINVAL : execute(*s, *d, desc.data(), moved);
  if (st) ++d->state.stats.errors, ++s->errors;
  put_be(desc.data() + 20, 4, st);
  desc[0] = VIO_DESC_DONE;
  write_desc(*s, r, index, desc.data(), r.desc_size);
  if (trace::on(trace::Category::vio)) {   // the request, as a slice on the service's track
    // complete() runs when the request has taken its time: the slice began that long ago.
    uint64_t dur = uint64_t(double(took) / hz * 1e12), now = s->hv->trace_ps();
    trace::Event e(trace::Category::vio, trace::Phase::Complete, now > dur ? now - dur : 0, trace::Track::service(label_), g->name,
                   fmt::format("vds {}", op_name(desc[16])));
    e.dur_ps = dur;
    e.flow_in = flow;
    e.flow_out = flow = trace::new_flow();
    e.arg("channel", channel).arg("desc", uint64_t(index)).arg("req", get_be(desc.data() + 8, 8)).arg("block", get_be(desc.data() + 24, 8));
    e.arg("bytes", get_be(desc.data() + 32, 8)).arg("status", uint64_t(st));
    e.text = fmt::format("vds  {}/ch{} desc {}: req {} {} block {} bytes {} cookie {:#x}+{:#x} -> status {}, {:.1f} us", g->name, channel,
                         index, get_be(desc.data() + 8, 8), op_name(desc[16]), get_be(desc.data() + 24, 8), get_be(desc.data() + 32, 8),
                         get_be(desc.data() + 48, 8), get_be(desc.data() + 56, 8), st, double(took) / hz * 1e6);
    trace::emit(std::move(e));
  }
  return flow;
}

}  // namespace vfsim::models

namespace vfsim::models {
namespace {
const state::Description<VirtualDiskServer::Stats>& stats_state() {
  using S = VirtualDiskServer::Stats;
  static const auto d = state::Description<S>("disk-stats", 1)
      .field("reads", &S::reads).field("writes", &S::writes).field("flushes", &S::flushes).field("other", &S::other)
      .field("bytes_read", &S::bytes_read).field("bytes_written", &S::bytes_written).field("errors", &S::errors);
  return d;
}
}  // namespace
}  // namespace vfsim::models

VFSIM_DESCRIBED(vfsim::models::VirtualDiskServer::Stats, vfsim::models::stats_state);

namespace vfsim::models {

const state::Description<VirtualDiskServer::DiskState>& VirtualDiskServer::disk_state() {
  using D = DiskState;
  static const auto d = state::Description<D>("disk", 1).field("stats", &D::stats).field("busy_until", &D::busy_until);
  return d;
}

// Each attached vdisk's disk model, by the domain's name and the channel.
void VirtualDiskServer::save_state(state::Encoder& e) const {
  e.u32(uint32_t(disks_.size()));
  for (const auto& [key, d] : disks_) {
    e.str(key.first->name);
    e.u64(key.second);
    disk_state().save(d.state, e);
  }
}

void VirtualDiskServer::load_state(state::Decoder& dec, hv::Hypervisor& hv) {
  for (uint32_t i = 0, n = dec.count(16); i < n; ++i) {
    std::string domain = dec.str();
    uint64_t channel = dec.u64();
    hv::Guest* g = hv.find_guest(domain);
    auto it = g ? disks_.find({g, channel}) : disks_.end();
    if (it == disks_.end()) dec.fail("vds " + name_ + ": no vdisk of " + domain + " on channel " + std::to_string(channel));
    disk_state().load(it->second.state, dec);
  }
}

}  // namespace vfsim::models

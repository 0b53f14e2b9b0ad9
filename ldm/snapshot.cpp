#include "ldm/snapshot.h"
#include "sim/cmt/main_stack.h"

#include <chrono>

#include <systemc>

#include "ldm/state_file.h"
#include "sim/state/stream.h"

namespace vfsim::ldm {

namespace {
constexpr uint32_t kHostVersion = 1;

// "host": what the rest is about: the platform, the simulated time, the manager's model and
// each domain's start time (for UPTIME), which the state file does not keep.
void write_host(state::StreamWriter& w, const Manager& mgr) {
  state::Encoder e;
  e.str(mgr.platform().name);
  e.u64(sc_core::sc_time_stamp().value());
  e.str(model_to_json(mgr.model()));
  e.u32(uint32_t(mgr.model().domains.size()));
  for (const Domain& d : mgr.model().domains) {
    e.str(d.name);
    state::Codec<double>::save(d.started_at, e);
  }
  w.section("host", kHostVersion, e);
}
}  // namespace

SnapshotInfo save_snapshot(const std::string& path, Manager& mgr, HvHost& host) {
  auto t0 = std::chrono::steady_clock::now();
  hv::Hypervisor& hv = host.hypervisor();
  SnapshotInfo info;
  state::AtomicFile file(path);
  state::StreamWriter w(file.sink());
  // Only once the file is there: a save that cannot start changes nothing.
  for (auto& g : hv.guests) hv.reset_service_channels(*g);
  write_host(w, mgr);
  hv.machine.save_state(w);
  hv.save_state(w);
  state::Encoder channels;
  state::Codec<std::map<std::string, std::map<std::string, uint64_t>>>::save(host.device_channels(), channels);
  w.section("channels", 1, channels);
  state::Encoder disks;
  host.save_disk_servers(disks);
  w.section("vds", 1, disks);
  state::Encoder v;
  host.vcc().save_state(v);
  w.section("vcc", 1, v);
  w.finish();
  file.commit();
  info.bytes = w.bytes();
  info.guests = unsigned(hv.guests.size());
  info.pages = hv.saved_pages();
  info.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return info;
}

struct Snapshot {
  std::string path;
  std::unique_ptr<state::MappedFile> file;
  std::unique_ptr<state::StreamReader> reader;
  std::string platform, hostname;
  uint64_t time_ps = 0;
  Model model;
  std::map<std::string, std::map<std::string, uint64_t>> channels;
};

SnapshotFile::SnapshotFile(const std::string& path) : s_(new Snapshot) {
  std::unique_ptr<Snapshot> s(s_);
  s->path = path;
  s->file = std::make_unique<state::MappedFile>(path);
  s->reader = std::make_unique<state::StreamReader>(s->file->data(), s->file->size(), path);
  const state::Section& h = s->reader->at("host");
  state::Decoder d = h.decoder(path);
  if (h.version > kHostVersion) d.fail("host version " + std::to_string(h.version) + " is newer than this vfsim reads");
  s->platform = d.str();
  s->time_ps = d.u64();
  s->model = model_from_json(d.str(), path + ": section 'host'");
  for (uint32_t i = 0, n = d.count(12); i < n; ++i) {
    std::string name = d.str();
    double at = 0;
    state::Codec<double>::load(at, d);
    for (Domain& dom : s->model.domains)
      if (dom.name == name) dom.started_at = at;
  }
  if (s->model.domains.empty() || !s->model.domains.front().control)
    d.fail("its configuration has no control domain first");
  s->hostname = s->model.hostname;
  const state::Section& c = s->reader->at("channels");
  state::Decoder cd = c.decoder(path);
  if (c.version > 1) cd.fail("channels version " + std::to_string(c.version) + " is newer than this vfsim reads (1)");
  state::Codec<std::map<std::string, std::map<std::string, uint64_t>>>::load(s->channels, cd);
  s.release();
}

SnapshotFile::~SnapshotFile() { delete s_; }
const std::string& SnapshotFile::platform() const { return s_->platform; }
const std::string& SnapshotFile::hostname() const { return s_->hostname; }
const Model& SnapshotFile::model() const { return s_->model; }
const std::map<std::string, std::map<std::string, uint64_t>>& SnapshotFile::channels() const { return s_->channels; }

void SnapshotFile::restore(Manager& mgr, HvHost& host) const {
  hv::Hypervisor& hv = host.hypervisor();
  const state::StreamReader& r = *s_->reader;
  // Idle up to the saved time: nothing runs yet, so this costs nothing; every time the
  // timing model keeps (L2 bank and controller bins, quanta) then means the same again.
  vfsim::cmt::sc_start_main(sc_core::SC_ZERO_TIME);
  uint64_t now = sc_core::sc_time_stamp().value();
  if (now > s_->time_ps) throw state::StateError(s_->path + ": saved at a simulated time this host has passed");
  vfsim::cmt::sc_start_main(sc_core::sc_time::from_value(s_->time_ps - now));
  hv.machine.load_state(r);
  hv.load_state(r);
  for (const char* part : {"vds", "vcc"})
    if (r.at(part).version > 1) {
      state::Decoder d = r.at(part).decoder(r.source());
      d.fail(std::string(part) + " version " + std::to_string(r.at(part).version) + " is newer than this vfsim reads (1)");
    }
  state::Decoder disks = r.at("vds").decoder(r.source());
  host.load_disk_servers(disks);
  state::Decoder v = r.at("vcc").decoder(r.source());
  host.vcc().load_state(v);
  for (auto& c : hv.machine.cores) c->resume_after_restore();
  host.preset_device_channels({});   // later bindings take the lowest free ids again
  mgr.poll();
  mgr.save();   // only now: a snapshot that does not load leaves the state directory alone
}

}  // namespace vfsim::ldm

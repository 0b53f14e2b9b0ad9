// vfsim-hv: boot guest domains on the sun4v hypervisor of a timed T2 Plus machine (until
// ldmd takes this over). Each --domain starts a guest; the options after it describe it.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "sim/platform/cli_args.h"
#include "hv/hypervisor.h"
#include "hv/ldc_service.h"
#include "hv/pcie_root_complex.h"
#include "models/mac_table.h"
#include "models/pci_slots.h"
#include "models/vsw.h"
#include "models/vds.h"
#include "sim/isa/elf_image.h"
#include "sim/trace/trace.h"

namespace po = boost::program_options;
using namespace vfsim;
using vfsim::cli::parse_count;
using vfsim::cli::parse_size;
using vfsim::cli::parse_strands;
using vfsim::cli::split;

namespace {

constexpr double kMaxRunMs = 1e10;   // below SystemC's 2^64 ps (about 1.8e10 ms)

struct DomainArgs {
  hv::GuestConfig cfg;
  std::string image;
};

std::string default_image(const char* argv0) {
  std::string exe = argv0;
  size_t slash = exe.rfind('/');
  std::string dir = slash == std::string::npos ? "." : exe.substr(0, slash);
  return dir + "/../firmware/vfsim-runtime";
}

}  // namespace

int sc_main(int argc, char** argv) {
  po::options_description opts(
      "Usage: vfsim-hv [--platform NAME|FILE] [--domain NAME [domain options]]...\n"
      "Boots each domain's image (default: the vfsim guest runtime) on the sun4v hypervisor.\n"
      "Options");
  opts.add_options()
      ("help,h", "show this help")
      ("platform", po::value<std::string>()->default_value("T5240"), "T5120, T5220, T5140, T5240, T5440 or a platform file")
      ("domain", po::value<std::vector<std::string>>(), "start describing a new domain NAME (default: one domain 'primary')")
      ("vcpus", po::value<std::vector<std::string>>(), "the domain's vCPUs (default 1), bound to the lowest free strands")
      ("strands", po::value<std::vector<std::string>>(), "bind exactly these strands instead, e.g. 0-7 or 64,65")
      ("memory", po::value<std::vector<std::string>>(), "the domain's memory blocks, e.g. 64M or 64M,32M (default 64M), or placed at physical addresses, e.g. 64M@1G,32M@0x48000000 (4 MB aligned)")
      ("boot-file", po::value<std::vector<std::string>>(), "the OpenBoot variable boot-file: the runtime's workload, e.g. 'compute iterations=1000'")
      ("image", po::value<std::vector<std::string>>(), "the guest ELF to boot (default: build/firmware/vfsim-runtime)")
      ("crypto", po::value<std::vector<std::string>>(), "the crypto units (by core number) the domain owns, e.g. 0,1; each needs a vCPU on its core")
      ("pcie", po::value<std::vector<std::string>>(), "the PCIe root complexes the domain owns, e.g. pci@400")
      ("pci-disk", po::value<std::vector<std::string>>(), "BUS=FILE: an NVMe disk whose namespace is the host FILE behind root complex BUS, e.g. pci@400=/tmp/disk.img (repeatable; the domain given --pcie BUS drives it)")
      ("connect", po::value<std::vector<std::string>>(), "A,B: a Logical Domain Channel between domains A and B (repeatable; endpoint ids from 0 in each)")
      ("echo-service", po::value<std::vector<std::string>>(), "DOMAIN[:raw]: a channel from DOMAIN to an LDC echo service in the simulator (the server end of the runtime's ldc-ping)")
      ("vdisk", po::value<std::vector<std::string>>(), "DOMAIN=FILE[,size=SIZE][,ro]: a virtual disk for DOMAIN served by the vds from the image FILE (size= creates it sparse when missing)")
      ("vsw", po::value<std::string>(), "NAME: a virtual switch in the service domain (vnets connect to it with --vnet)")
      ("vsw-pcap", po::value<std::string>(), "write every frame the switch forwards to FILE (pcap, simulated-time stamps)")
      ("vnet", po::value<std::vector<std::string>>(), "DOMAIN[=MAC]: a vnet (network device 0) in DOMAIN on the switch; MACs default to 00:14:4f:f8:00:00 upward (repeatable)")
      ("trace", po::value<std::vector<std::string>>(), trace::option_help())
      ("trace-file", po::value<std::vector<std::string>>(), "a trace output: FILE.json (Perfetto), FILE.vcd, FILE or - (text); repeatable (docs/tracing.md)")
      ("hv-trace", po::value<std::string>(), "the same as --trace hv-trace --trace-file FILE: one line per hypercall (time, domain/vcpu, call, arguments, status, results), LDC packet, VIO message and device event ('-' for stderr)")
      ("stats", "print per-domain and per-strand statistics to stderr")
      ("stats-json", po::value<std::string>(), "write the per-strand statistics as JSON to FILE")
      ("max-ms", po::value<double>()->default_value(10000), "stop after this much simulated time (ms)");
  po::variables_map vm;
  std::vector<DomainArgs> domains;
  try {
    po::parsed_options parsed = po::command_line_parser(argc, argv).options(opts).run();
    po::store(parsed, vm);
    po::notify(vm);
    // Domain options apply to the latest --domain, in command-line order; those before the
    // first --domain are defaults for every domain (or describe the only one, 'primary').
    DomainArgs defaults;
    defaults.cfg.name = "primary";
    for (const po::option& o : parsed.options) {
      if (o.string_key == "domain") {
        domains.push_back(defaults);
        domains.back().cfg.name = o.value[0];
        continue;
      }
      DomainArgs& d = domains.empty() ? defaults : domains.back();
      const std::string& v = o.value.empty() ? std::string() : o.value[0];
      try {   // a bad value is named with its option
        if (o.string_key == "vcpus") {
          d.cfg.vcpus = unsigned(parse_count(v, "a number of vCPUs", cli::kMaxStrandId + 1));
        } else if (o.string_key == "memory") {
          d.cfg.mblocks.clear();
          d.cfg.layout.clear();
          // SIZE@PA places a block (the hypervisor checks alignment, memory and overlaps);
          // RAs follow the unplaced rule: from kGuestRaBase, the next block past a 256 MB hole.
          uint64_t ra = vfsim::hv::kGuestRaBase;
          for (const std::string& item : split(v)) {
            size_t at = item.find('@');
            if (at == std::string::npos) {
              d.cfg.mblocks.push_back(parse_size(item));
              continue;
            }
            uint64_t size = parse_size(item.substr(0, at)), pa = parse_size(item.substr(at + 1));
            d.cfg.layout.push_back({ra, size, pa});
            ra = (ra + size + (256ull << 20)) & ~((256ull << 20) - 1);
          }
          if (!d.cfg.layout.empty() && !d.cfg.mblocks.empty())
            throw std::invalid_argument("place every block (SIZE@PA) or none");
        } else if (o.string_key == "boot-file") {
          d.cfg.variables["boot-file"] = v;
        } else if (o.string_key == "crypto") {
          for (const std::string& item : split(v)) d.cfg.crypto_units.push_back(
              unsigned(parse_count(item, "a crypto unit (core) number", 63)));
        } else if (o.string_key == "pcie") {
          for (const std::string& item : split(v)) d.cfg.pcie_buses.push_back(item);
        } else if (o.string_key == "image") {
          d.image = v;
        } else if (o.string_key == "strands") {
          for (unsigned st : parse_strands(v)) d.cfg.strands.push_back(st);
        }
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument("--" + o.string_key + " " + v + ": " + e.what());
      }
    }
    if (domains.empty()) domains.push_back(defaults);
  } catch (const std::exception& e) {
    fmt::print(stderr, "vfsim-hv: {}\n", e.what());
    return 2;
  }
  if (vm.count("help")) {
    std::cerr << opts;
    return 0;
  }
  if (vm.count("trace")) {
    const auto& specs = vm["trace"].as<std::vector<std::string>>();
    if (std::find(specs.begin(), specs.end(), "help") != specs.end()) {
      fmt::print("{}", trace::categories_help());
      return 0;
    }
  }
  // NaN compared false against every limit and so meant "run for ever"; SystemC's clock
  // (64-bit picoseconds) ends after about 213 days.
  double max_ms = vm["max-ms"].as<double>();
  if (!(max_ms > 0 && max_ms <= kMaxRunMs)) {
    fmt::print(stderr, "vfsim-hv: --max-ms {}: the simulated time must be more than 0 and at most {} ms\n",
               max_ms, kMaxRunMs);
    return 2;
  }
  // The statistics file is opened before the run, so a path that cannot be written is an
  // error now and not a silent loss at the end.
  std::ofstream stats_json;
  if (vm.count("stats-json")) {
    stats_json.open(vm["stats-json"].as<std::string>());
    if (!stats_json) {
      fmt::print(stderr, "vfsim-hv: --stats-json: cannot write {}\n", vm["stats-json"].as<std::string>());
      return 2;
    }
  }

  try {
    platform::Platform p = platform::load_platform(vm["platform"].as<std::string>());
    cmt::BareMachine m("machine", p);
    hv::Hypervisor h(m);
    if (vm.count("pci-disk"))
      if (std::string why = models::attach_pci_disks(h, vm["pci-disk"].as<std::vector<std::string>>()); !why.empty()) {
        fmt::print(stderr, "vfsim-hv: {}\n", why);
        return 2;
      }
    {
      using Strings = std::vector<std::string>;
      std::string why;
      if (!trace::configure(vm.count("trace") ? vm["trace"].as<Strings>() : Strings{},
                            vm.count("trace-file") ? vm["trace-file"].as<Strings>() : Strings{},
                            vm.count("hv-trace") ? vm["hv-trace"].as<std::string>() : "", why)) {
        fmt::print(stderr, "vfsim-hv: {}\n", why);
        return 2;
      }
    }
    h.console_out = &std::cout;
    h.prefix_console = domains.size() > 1;
    std::vector<hv::Guest*> guests;
    for (DomainArgs& d : domains) {
      hv::Guest& g = h.create_guest(d.cfg);
      h.load_image(g, d.image.empty() ? default_image(argv[0]) : d.image);
      guests.push_back(&g);
    }
    if (vm.count("connect"))
      for (const std::string& pair : vm["connect"].as<std::vector<std::string>>()) {
        std::vector<std::string> ab = split(pair);
        hv::Guest* a = ab.size() == 2 ? h.find_guest(ab[0]) : nullptr;
        hv::Guest* b = ab.size() == 2 ? h.find_guest(ab[1]) : nullptr;
        if (!a || !b) {
          fmt::print(stderr, "vfsim-hv: --connect {}: needs two existing domain names, A,B\n", pair);
          return 2;
        }
        h.connect(*a, *b);
      }
    std::vector<std::unique_ptr<hv::LdcEchoService>> echoes;
    if (vm.count("echo-service"))
      for (const std::string& spec : vm["echo-service"].as<std::vector<std::string>>()) {
        std::string name = spec.substr(0, spec.find(':'));
        bool raw = spec.size() > name.size() && spec.substr(name.size()) == ":raw";
        hv::Guest* g = h.find_guest(name);
        if (!g || (spec.size() > name.size() && !raw)) {
          fmt::print(stderr, "vfsim-hv: --echo-service {}: needs an existing domain name, optionally with :raw\n", spec);
          return 2;
        }
        echoes.push_back(std::make_unique<hv::LdcEchoService>(raw));
        h.connect_service(*g, *echoes.back());
      }
    // Virtual disks: one disk server, each vdisk on a channel of its own (handle 0, 1, ...).
    models::VirtualDiskServer vds("primary-vds0");
    struct VdiskArg { hv::Guest* g; uint64_t channel; std::string file; };
    std::vector<VdiskArg> vdisks;
    if (vm.count("vdisk"))
      for (const std::string& spec : vm["vdisk"].as<std::vector<std::string>>()) {
        size_t eq = spec.find('=');
        hv::Guest* g = eq == std::string::npos ? nullptr : h.find_guest(spec.substr(0, eq));
        std::vector<std::string> parts = split(eq == std::string::npos ? "" : spec.substr(eq + 1));
        if (!g || parts[0].empty()) {
          fmt::print(stderr, "vfsim-hv: --vdisk {}: needs DOMAIN=FILE with an existing domain\n", spec);
          return 2;
        }
        bool ro = false;
        try {
          for (size_t i = 1; i < parts.size(); ++i) {
            if (parts[i] == "ro") ro = true;
            else if (parts[i].rfind("size=", 0) == 0) {
              if (!std::ifstream(parts[0])) models::DiskImage::create_sparse(parts[0], parse_size(parts[i].substr(5)));
            } else throw std::invalid_argument("unknown option '" + parts[i] + "' (size=SIZE or ro)");
          }
          auto image = std::make_shared<models::DiskImage>(parts[0], ro);
          unsigned handle = 0;
          for (const VdiskArg& v : vdisks) handle += v.g == g;
          hv::VirtualDevice dev;
          dev.kind = hv::VirtualDevice::Disk;
          dev.handle = handle;
          uint64_t ch = h.connect_service(*g, vds, dev);
          vds.attach(*g, ch, image);
          vdisks.push_back({g, ch, parts[0]});
        } catch (const std::exception& e) {
          fmt::print(stderr, "vfsim-hv: --vdisk {}: {}: {}\n", spec, parts[0], e.what());
          return 2;
        }
      }
    std::unique_ptr<models::VirtualSwitch> vsw;
    if (vm.count("vsw")) {
      vsw = std::make_unique<models::VirtualSwitch>(vm["vsw"].as<std::string>());
      if (vm.count("vsw-pcap") && !vsw->capture(vm["vsw-pcap"].as<std::string>())) {
        fmt::print(stderr, "vfsim-hv: --vsw-pcap: cannot write {}\n", vm["vsw-pcap"].as<std::string>());
        return 2;
      }
    } else if (vm.count("vnet") || vm.count("vsw-pcap")) {
      fmt::print(stderr, "vfsim-hv: --vnet and --vsw-pcap need a switch: add --vsw NAME\n");
      return 2;
    }
    if (vm.count("vnet")) {
      uint64_t next_mac = 0x00144ff80000ull;   // Sun's LDoms range, as ldm assigns vnet MACs
      std::vector<uint64_t> used;
      std::vector<hv::Guest*> on_switch;
      for (const std::string& spec : vm["vnet"].as<std::vector<std::string>>()) {
        size_t eq = spec.find('=');
        hv::Guest* g = h.find_guest(spec.substr(0, eq));
        if (g && std::find(on_switch.begin(), on_switch.end(), g) != on_switch.end()) {
          fmt::print(stderr, "vfsim-hv: --vnet {}: domain {} already has its vnet (device 0) on the switch\n", spec,
                     g->name);
          return 2;
        }
        on_switch.push_back(g);
        std::optional<uint64_t> mac = eq == std::string::npos ? std::optional<uint64_t>(next_mac++)
                                                              : models::parse_mac(spec.substr(eq + 1));
        if (!g || !mac || *mac == 0 || models::MacTable::is_group(*mac) ||
            std::find(used.begin(), used.end(), *mac) != used.end()) {
          fmt::print(stderr,
                     "vfsim-hv: --vnet {}: needs an existing domain name, optionally =MAC (a unicast MAC other than "
                     "zero, not used twice, e.g. 00:14:4f:f8:00:09)\n", spec);
          return 2;
        }
        if (eq == std::string::npos)   // keep auto MACs clear of ones given explicitly
          while (std::find(used.begin(), used.end(), *mac) != used.end()) mac = next_mac++;
        used.push_back(*mac);
        hv::VirtualDevice dev;
        dev.kind = hv::VirtualDevice::Network;
        dev.handle = 0;
        dev.mac = *mac;
        dev.mtu = models::kVswMtu;
        uint64_t ch = h.connect_service(*g, *vsw, dev);
        vsw->add_port(g->name, *g, ch, *mac);
      }
    }
    for (hv::Guest* g : guests) h.boot(*g);
    int rc = m.run(sc_core::sc_time(max_ms, sc_core::SC_MS));
    trace::finish();
    if (std::string s = trace::summary(); !s.empty()) fmt::print(stderr, "vfsim-hv: {}\n", s);
    for (hv::Guest* g : guests) {
      uint64_t calls = 0, misses = 0, walks = 0;
      for (const hv::Vcpu& v : g->vcpus) {
        calls += v.hypercalls;
        misses += v.mmu_miss_traps;
        walks += v.tsb_hits;
      }
      fmt::print(stderr, "vfsim-hv: domain {} ({} vCPUs, {} MB): {}, {} hypercalls, {} TSB walk hits, {} MMU miss traps\n",
                 g->name, g->vcpus.size(), g->memory_bytes() >> 20,
                 g->exited ? fmt::format("exited with {}", g->exit_code) : std::string("still running"), calls,
                 walks, misses);
    }
    for (const VdiskArg& v : vdisks) {
      models::VirtualDiskServer::Stats st = vds.stats(*v.g, v.channel);
      hv::LdcEndpoint* ep = v.g->channel(v.channel);
      fmt::print(stderr, "vfsim-hv: vdisk {}/ch{} ({}): {} reads ({} bytes), {} writes ({} bytes), {} flushes, {} other, {} errors{}\n",
                 v.g->name, v.channel, v.file, st.reads, st.bytes_read, st.writes, st.bytes_written, st.flushes,
                 st.other, st.errors,
                 ep && ep->outbox_dropped ? fmt::format(", {} replies dropped (the guest did not read them)", ep->outbox_dropped) : "");
    }
    if (vsw) {
      for (const models::VirtualSwitch::PortInfo& p : vsw->ports()) {
        const models::VswPortStats& st = p.stats;
        fmt::print(stderr,
                   "vfsim-hv: vsw {} port {} ({}): {}, in={} in_bytes={} out={} out_bytes={} flooded_out={} drops={} "
                   "not_up={} errors={} spoofed={} learned={}{}\n",
                   vsw->name(), p.name, models::VirtualSwitch::mac_string(p.mac), p.up ? "up" : "down", st.frames_in,
                   st.bytes_in, st.frames_out, st.bytes_out, st.flooded_out, st.drops, st.not_up, st.errors,
                   st.spoofed, p.learned, p.last_error.empty() ? "" : " (last error: " + p.last_error + ")");
      }
      fmt::print(stderr, "vfsim-hv: vsw {}: switched={} flooded={} macs={}\n", vsw->name(), vsw->switched(),
                 vsw->flooded(), vsw->mac_table().size());
    }
    fmt::print(stderr, "vfsim-hv: simulated time {}\n", sc_core::sc_time_stamp().to_string());
    if (vm.count("stats")) {
      m.print_stats(std::cerr);
      std::cerr << hv::pcie_table(h);   // the buses: owners, DMA, MSIs, faults (docs/pcie.md)
    }
    if (vm.count("stats-json")) {
      m.write_stats_json(stats_json);
      stats_json.close();
      if (!stats_json) {
        fmt::print(stderr, "vfsim-hv: --stats-json: writing {} failed\n", vm["stats-json"].as<std::string>());
        return 2;
      }
    }
    return rc;
  } catch (const platform::PlatformError& e) {
    fmt::print(stderr, "vfsim-hv: {}\n", e.what());
    return 2;
  } catch (const isa::ElfError& e) {
    fmt::print(stderr, "vfsim-hv: {}\n", e.what());
    return 2;
  } catch (const hv::HvError& e) {
    fmt::print(stderr, "vfsim-hv: {}\n", e.what());
    return 2;
  }
}

int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}

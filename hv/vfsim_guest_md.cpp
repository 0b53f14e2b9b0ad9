// vfsim-guest-md: build the machine description a guest with the given strands and memory
// would receive on a platform, and write it (binary with -o, else as text).
#include <fstream>
#include <iostream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "sim/platform/cli_args.h"
#include "hv/guest_md.h"

namespace po = boost::program_options;

using vfsim::cli::parse_size;
using vfsim::cli::parse_strands;


int main(int argc, char** argv) {
  po::options_description opts("Usage: vfsim-guest-md [--platform NAME|FILE] --strands LIST --memory BASE:SIZE[,...] [-o FILE]\nOptions");
  opts.add_options()
      ("help,h", "show this help")
      ("platform", po::value<std::string>()->default_value("T5240"), "T5120, T5220, T5140, T5240, T5440 or a platform file")
      ("strands", po::value<std::string>()->default_value("0-7"), "physical strands of the guest's vCPUs, e.g. 0-15,64")
      ("memory", po::value<std::string>()->default_value("0x80000000:1G"), "real-address blocks BASE:SIZE (K/M/G), comma-separated")
      ("output,o", po::value<std::string>(), "write the binary MD to FILE (default: print it as text)");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, opts), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << opts;
      return 0;
    }
    vfsim::platform::Platform p = vfsim::platform::load_platform(vm["platform"].as<std::string>());
    vfsim::hv::GuestResources g;
    g.strands = parse_strands(vm["strands"].as<std::string>());
    for (unsigned s : g.strands)
      if (s >= p.strands()) throw std::invalid_argument(fmt::format("strand {} does not exist on {} (0..{})", s, p.name, p.strands() - 1));
    std::string mem = vm["memory"].as<std::string>();
    for (size_t pos = 0; pos < mem.size();) {
      size_t comma = mem.find(',', pos), colon = mem.find(':', pos);
      if (colon == std::string::npos || colon > comma) throw std::invalid_argument("memory blocks are BASE:SIZE");
      g.memory.push_back({parse_size(mem.substr(pos, colon - pos)),
                          parse_size(mem.substr(colon + 1, comma == std::string::npos ? std::string::npos : comma - colon - 1))});
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
    auto md = vfsim::hv::build_guest_md(p, g);
    auto bytes = vfsim::hv::md::encode(md);
    if (vm.count("output")) {
      std::ofstream(vm["output"].as<std::string>(), std::ios::binary)
          .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    } else {
      std::cout << vfsim::hv::md::to_text(md, &bytes);
    }
    return 0;
  } catch (const std::exception& e) {
    fmt::print(stderr, "vfsim-guest-md: {}\n", e.what());
    return 2;
  }
}

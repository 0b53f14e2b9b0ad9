// mdprint FILE|- : print a sun4v machine description as readable text.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>

#include <fmt/format.h>

#include "hv/machine_description.h"

int main(int argc, char** argv) {
  if (argc != 2 || std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help") {
    fmt::print(stderr, "Usage: mdprint FILE|-   (a binary machine description; - reads stdin)\n");
    return 2;
  }
  std::string path = argv[1];
  std::vector<uint8_t> bytes;
  if (path == "-") {
    bytes.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
      fmt::print(stderr, "mdprint: {}: cannot open file\n", path);
      return 1;
    }
    bytes.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  }
  try {
    vfsim::hv::md::MachineDescription md = vfsim::hv::md::decode(bytes);
    fmt::print("{}", vfsim::hv::md::to_text(md, &bytes));
    return 0;
  } catch (const vfsim::hv::md::MdError& e) {
    fmt::print(stderr, "mdprint: {}: {}\n", path, e.what());
    return 1;
  }
}

// vfctl: the simulator's own controls (not ldm's): reboot the control domain, the service
// processor's power and boot-mode commands, domain consoles, the deterministic clock.
// `vfctl console -f DOMAIN` stays attached: it shows what the domain writes as it comes and
// sends each line typed on stdin to the domain's console input.
#include <poll.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "ldm/layout_client.h"
#include "ldm/protocol.h"
#include "ldm/top_view.h"
#include "ldm/vfctl_usage.h"

using vfsim::ldm::Answer;
using vfsim::ldm::request;

namespace {

int attach(const std::string& domain) {
  size_t offset = 0;
  bool input_open = true;
  for (;;) {
    Answer a = request("vfctl", {"console-read", domain, std::to_string(offset)});
    if (a.code != 0) {
      std::cerr << a.err;
      return a.connected ? a.code : 1;
    }
    std::cout << a.out << std::flush;
    offset += a.out.size();
    pollfd pfd{0, POLLIN, 0};
    if (input_open && ::poll(&pfd, 1, 100) > 0) {
      std::string line;
      if (!std::getline(std::cin, line)) {
        input_open = false;   // stdin closed: keep showing output until interrupted
        continue;
      }
      Answer w = request("vfctl", {"console-write", domain, line + "\n"});
      if (w.code != 0) std::cerr << w.err;
    } else if (!input_open) {
      ::usleep(100000);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // Help needs no ldmd.
  if (args.empty()) {
    std::cerr << vfsim::ldm::vfctl_usage();
    return 1;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << vfsim::ldm::vfctl_usage();
    return 0;
  }
  if (args.size() == 3 && args[0] == "console" && args[1] == "-f") return attach(args[2]);
  if (args[0] == "top") return vfsim::ldm::top_main({args.begin() + 1, args.end()});
  if (args[0] == "layout") return vfsim::ldm::layout_main(args);   // (it reads a plan, draws pictures)
  // xml FILE|-: the request document is read here, as the user, and sent whole.
  if (!args.empty() && args[0] == "xml") {
    if (args.size() != 2) {
      std::cerr << vfsim::ldm::vfctl_usage();
      return 1;
    }
    std::ifstream f;
    if (args[1] != "-") f.open(args[1], std::ios::binary);
    std::istream& in = args[1] == "-" ? std::cin : f;
    if (args[1] != "-" && !f) {
      std::cerr << "vfctl: cannot read " << args[1] << "\n";
      return 1;
    }
    std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return vfsim::ldm::client_main("xml", {doc});
  }
  // ldmd runs elsewhere (its own working directory): it gets an absolute path.
  char cwd[4096];
  if (args.size() == 3 && args[0] == "snapshot" && !args[2].empty() && args[2][0] != '/') {
    if (::getcwd(cwd, sizeof cwd)) args[2] = std::string(cwd) + "/" + args[2];
  }
  if (args[0] == "trace")
    for (auto& a : args)
      if (a.rfind("file=", 0) == 0 && a.size() > 5 && a[5] != '/' && ::getcwd(cwd, sizeof cwd)) a = "file=" + std::string(cwd) + "/" + a.substr(5);
  return vfsim::ldm::client_main("vfctl", args);
}

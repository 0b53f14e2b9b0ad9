// vfctl: the simulator's own controls (not ldm's): reboot the control domain, the service
// processor's power and boot-mode commands, domain consoles, the deterministic clock.
#include "ldm/protocol.h"

int main(int argc, char** argv) {
  return vfsim::ldm::client_main("vfctl", std::vector<std::string>(argv + 1, argv + argc));
}

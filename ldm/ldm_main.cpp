// ldm: the Logical Domains Manager command line. Everything it does happens in ldmd.
#include "ldm/protocol.h"

int main(int argc, char** argv) {
  return vfsim::ldm::client_main("ldm", std::vector<std::string>(argv + 1, argv + argc));
}

// The ldm/vfctl <-> ldmd protocol: one request per connection on ldmd's Unix socket, a line
// of JSON each way: {"tool": "ldm"|"vfctl", "argv": [...]} -> {"out": ..., "err": ..., "code": N}.
#pragma once
#include <cstdlib>
#include <string>
#include <vector>

namespace vfsim::ldm {

// $LDMD_SOCKET, else the documented default.
inline std::string socket_path() {
  const char* env = std::getenv("LDMD_SOCKET");
  return env && *env ? env : "/tmp/vfsim-ldmd.sock";
}

// One request to ldmd; connected is false when no ldmd answers on the socket.
struct Answer {
  std::string out, err;
  int code = 1;
  bool connected = false;
};
Answer request(const std::string& tool, const std::vector<std::string>& argv);

// Sends argv to ldmd, prints its answer (stdout/stderr) and returns the exit code; when
// ldmd cannot be reached, says so and returns 1.
int client_main(const std::string& tool, const std::vector<std::string>& argv);

}  // namespace vfsim::ldm

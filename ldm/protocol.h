// The ldm/vfctl <-> ldmd protocol: one request per connection on ldmd's Unix socket, one line
// of JSON each way:
//   request  {"v": 2, "tool": "ldm"|"vfctl", "argv": [S, ...]}\n
//   reply    {"v": 2, "out": S, "err": S, "code": N}\n            (N in 0..255)
// Every S carries arbitrary bytes (invalid UTF-8 and NULs included: a guest's console output,
// an argument typed in any locale) losslessly: byte b travels as the code point U+00bb
// (Latin-1), which JSON writes as UTF-8 or \u00bb; a string holding a code point above
// U+00FF is malformed. So ASCII reads as itself on the wire, and no byte can make the
// encoder throw. A request is at most kMaxRequestBytes including its newline (ldmd refuses
// longer ones); replies have no limit.
#pragma once
#include <cstddef>
#include <cstdlib>
#include <string>
#include <vector>

namespace vfsim::ldm {

constexpr int kProtocolVersion = 2;
constexpr size_t kMaxRequestBytes = 1 << 20;

// $LDMD_SOCKET, else the documented default.
inline std::string socket_path() {
  const char* env = std::getenv("LDMD_SOCKET");
  return env && *env ? env : "/tmp/vfsim-ldmd.sock";
}

// The byte <-> code point mapping above: bytes to UTF-8 text, and back ("" and false when
// the text holds a code point above U+00FF or is not UTF-8).
std::string bytes_to_utf8(const std::string& bytes);
bool utf8_to_bytes(const std::string& utf8, std::string& bytes);

// Encoders never throw; decoders return false and say why in `why` (one line, no newline).
std::string encode_request(const std::string& tool, const std::vector<std::string>& argv);
bool decode_request(const std::string& line, std::string& tool, std::vector<std::string>& argv, std::string& why);
std::string encode_reply(const std::string& out, const std::string& err, int code);
bool decode_reply(const std::string& line, std::string& out, std::string& err, int& code, std::string& why);

// One request to ldmd; connected is false when no ldmd answers on the socket.
struct Answer {
  std::string out, err;
  int code = 1;
  bool connected = false;
};
Answer request(const std::string& tool, const std::vector<std::string>& argv);

// Sends argv to ldmd, prints its answer (stdout/stderr) and returns the exit code; when
// ldmd cannot be reached or its reply is malformed, says so in one line and returns 1.
int client_main(const std::string& tool, const std::vector<std::string>& argv);

}  // namespace vfsim::ldm

#include "ldm/protocol.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include <nlohmann/json.hpp>

namespace vfsim::ldm {

using nlohmann::json;

std::string bytes_to_utf8(const std::string& bytes) {
  std::string s;
  s.reserve(bytes.size() + bytes.size() / 8);
  for (unsigned char b : bytes) {
    if (b < 0x80) {
      s += char(b);
    } else {   // U+0080..U+00FF: two bytes, 110000xx 10xxxxxx
      s += char(0xc0 | (b >> 6));
      s += char(0x80 | (b & 0x3f));
    }
  }
  return s;
}

bool utf8_to_bytes(const std::string& utf8, std::string& bytes) {
  bytes.clear();
  bytes.reserve(utf8.size());
  for (size_t i = 0; i < utf8.size(); ++i) {
    unsigned char c = utf8[i];
    if (c < 0x80) {
      bytes += char(c);
    } else if ((c == 0xc2 || c == 0xc3) && i + 1 < utf8.size() && (utf8[i + 1] & 0xc0) == 0x80) {
      bytes += char(((c & 0x03) << 6) | (utf8[++i] & 0x3f));
    } else {
      return false;   // above U+00FF, or not UTF-8 at all
    }
  }
  return true;
}

namespace {

// A JSON string of the mapping above, into bytes; false (and why) otherwise.
bool field_bytes(const json& j, const char* name, std::string& out, std::string& why) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) {
    why = std::string("\"") + name + "\" is missing or not a string";
    return false;
  }
  if (!utf8_to_bytes(it->get_ref<const std::string&>(), out)) {
    why = std::string("\"") + name + "\" holds a character above U+00FF";
    return false;
  }
  return true;
}

// Parses one line into a JSON object of our protocol version; false (and why) otherwise.
bool parse_object(const std::string& line, json& j, std::string& why) {
  j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    why = "not JSON";
    return false;
  }
  if (!j.is_object()) {
    why = "not a JSON object";
    return false;
  }
  auto v = j.find("v");
  if (v == j.end() || !v->is_number_integer() || v->get<long long>() != kProtocolVersion) {
    why = "not protocol version " + std::to_string(kProtocolVersion) + " (ldm, vfctl and ldmd must come from the same build)";
    return false;
  }
  return true;
}

}  // namespace

std::string encode_request(const std::string& tool, const std::vector<std::string>& argv) {
  json a = json::array();
  for (const std::string& s : argv) a.push_back(bytes_to_utf8(s));
  return json{{"v", kProtocolVersion}, {"tool", bytes_to_utf8(tool)}, {"argv", a}}.dump() + "\n";
}

bool decode_request(const std::string& line, std::string& tool, std::vector<std::string>& argv, std::string& why) {
  json j;
  if (!parse_object(line, j, why) || !field_bytes(j, "tool", tool, why)) return false;
  auto a = j.find("argv");
  if (a == j.end() || !a->is_array()) {
    why = "\"argv\" is missing or not an array";
    return false;
  }
  argv.clear();
  for (const json& s : *a) {
    std::string b;
    if (!s.is_string() || !utf8_to_bytes(s.get_ref<const std::string&>(), b)) {
      why = "\"argv\" holds something other than strings of bytes";
      return false;
    }
    argv.push_back(std::move(b));
  }
  return true;
}

std::string encode_reply(const std::string& out, const std::string& err, int code) {
  return json{{"v", kProtocolVersion}, {"out", bytes_to_utf8(out)}, {"err", bytes_to_utf8(err)}, {"code", code}}.dump() +
         "\n";
}

bool decode_reply(const std::string& line, std::string& out, std::string& err, int& code, std::string& why) {
  json j;
  if (!parse_object(line, j, why) || !field_bytes(j, "out", out, why) || !field_bytes(j, "err", err, why)) return false;
  auto c = j.find("code");
  if (c == j.end() || !c->is_number_integer() || c->get<long long>() < 0 || c->get<long long>() > 255) {
    why = "\"code\" is missing or not an exit code 0..255";
    return false;
  }
  code = int(c->get<long long>());
  return true;
}

Answer request(const std::string& tool, const std::vector<std::string>& argv) {
  Answer a;
  std::string path = socket_path();
  auto unreachable = [&](const std::string& why) {
    a.err = "Failed to connect to logical domain manager: " + why + "\n" +
            "The Logical Domains Manager (ldmd) is not running: no ldmd listens on " + path +
            " (set LDMD_SOCKET or start build/bin/ldmd)\n";
    return a;
  };
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return unreachable("socket path too long");
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return unreachable(std::strerror(errno));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int e = errno;
    ::close(fd);
    if (e == EACCES || e == EPERM) {   // an ldmd runs, but not for this user
      a.err = "Failed to connect to logical domain manager: " + std::string(std::strerror(e)) + "\n" +
              "The ldmd on " + path + " belongs to another user: run ldm as that user (or root)\n";
      return a;
    }
    return unreachable(std::strerror(e));
  }
  // Whoever listens there must be us or root: in a shared directory such as /tmp another user
  // can bind the path first and answer with made-up replies.
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || (cred.uid != 0 && cred.uid != ::geteuid())) {
    ::close(fd);
    a.err = "Failed to connect to logical domain manager: " + path + " is served by a process of user " +
            std::to_string(cred.uid) + ", not by you or root\n" +
            "Not trusting its replies: another user may have taken the socket path (set LDMD_SOCKET to your ldmd's "
            "socket)\n";
    return a;
  }
  a.connected = true;
  auto broken = [&](const std::string& why) {
    if (fd >= 0) ::close(fd);
    a.out.clear();
    a.err = "ldmd: " + why + "\n";
    a.code = 1;
    return a;
  };
  std::string req = encode_request(tool, argv);
  for (size_t done = 0; done < req.size();) {
    // MSG_NOSIGNAL: an ldmd that hangs up is an error message, not a SIGPIPE.
    ssize_t n = ::send(fd, req.data() + done, req.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return broken(std::string("sending the request failed: ") + std::strerror(errno));
    done += size_t(n);
  }
  std::string line;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return broken(std::string("reading the reply failed: ") + std::strerror(errno));
    if (n == 0) return broken(line.empty() ? "closed the connection without a reply" : "sent a truncated reply");
    line.append(buf, size_t(n));
    if (std::memchr(buf, '\n', size_t(n))) break;
  }
  ::close(fd);
  fd = -1;
  std::string why;
  if (line.find('\n') != line.size() - 1) return broken("sent a malformed reply: data after the reply line");
  if (!decode_reply(line, a.out, a.err, a.code, why)) return broken("sent a malformed reply: " + why);
  return a;
}

int client_main(const std::string& tool, const std::vector<std::string>& argv) {
  Answer a = request(tool, argv);
  std::cout << a.out << std::flush;
  std::cerr << a.err << std::flush;
  return a.code;
}

}  // namespace vfsim::ldm

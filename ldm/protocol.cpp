#include "ldm/protocol.h"

#include <cstdio>
#include <iostream>

#include <boost/asio.hpp>
#include <nlohmann/json.hpp>

namespace vfsim::ldm {

Answer request(const std::string& tool, const std::vector<std::string>& argv) {
  namespace local = boost::asio::local;
  Answer a;
  boost::asio::io_context io;
  local::stream_protocol::socket s(io);
  boost::system::error_code ec;
  std::string path = socket_path();
  s.connect(local::stream_protocol::endpoint(path), ec);
  if (ec) {
    a.err = "Failed to connect to logical domain manager: " + ec.message() + "\n" +
            "The Logical Domains Manager (ldmd) is not running: no ldmd listens on " + path +
            " (set LDMD_SOCKET or start build/bin/ldmd)\n";
    return a;
  }
  a.connected = true;
  std::string req = nlohmann::json{{"tool", tool}, {"argv", argv}}.dump() + "\n";
  boost::asio::write(s, boost::asio::buffer(req), ec);
  boost::asio::streambuf buf;
  boost::asio::read_until(s, buf, '\n', ec);
  if (ec && buf.size() == 0) {
    a.err = "ldmd closed the connection: " + ec.message() + "\n";
    return a;
  }
  std::string line((std::istreambuf_iterator<char>(&buf)), std::istreambuf_iterator<char>());
  try {
    auto j = nlohmann::json::parse(line);
    a.out = j.value("out", "");
    a.err = j.value("err", "");
    a.code = j.value("code", 1);
  } catch (const nlohmann::json::exception&) {
    a.err = "ldmd sent an answer that is not JSON\n";
  }
  return a;
}

int client_main(const std::string& tool, const std::vector<std::string>& argv) {
  Answer a = request(tool, argv);
  std::cout << a.out << std::flush;
  std::cerr << a.err << std::flush;
  return a.code;
}

}  // namespace vfsim::ldm

// The migration link (ldm/migration_link.h) on 127.0.0.1: frames, timeouts, shutdown, hostile
// peers (raw TLS and raw TCP clients this file controls), certificates and certificate mode.
// Catch2's assertions are not thread-safe: helper threads only record, the test thread checks.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "ldm/migration_link.h"

using namespace vfsim::ldm::link;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "vfsim-link-XXXXXX").string();
    REQUIRE(::mkdtemp(&t[0]));
    path = t;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string operator/(const std::string& name) const { return path + "/" + name; }
};

unsigned mode_of(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// A self-signed identity in dir (password mode's server).
TlsIdentity self_signed(const TempDir& d, const std::string& name) {
  TlsIdentity id{d / (name + ".pem"), d / (name + ".key"), ""};
  REQUIRE(ensure_self_signed(id.cert_file, id.key_file, name) == "");
  return id;
}

// One connection through a Listener: the client connects in a thread while this one accepts.
// With probe, the client then tries to read a frame (how a refused TLS 1.3 client finds out).
struct Pair {
  std::unique_ptr<Channel> server, client;
  std::string server_why, client_why, probe_why;
  bool probe_ok = false;
};
Pair connect_pair(Listener& l, const TlsIdentity& client_id, bool probe = false) {
  Pair p;
  std::thread t([&] {
    p.client = connect("127.0.0.1", l.port(), client_id, 5000, p.client_why);
    if (probe && p.client) {
      uint8_t type;
      std::string payload;
      p.probe_ok = p.client->recv(type, payload, 3000, p.probe_why);
    }
  });
  p.server = l.accept(5000, p.server_why);
  t.join();
  return p;
}

// A TLS client written directly on OpenSSL: it can put any bytes on the link.
struct RawTls {
  int fd = -1;
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  bool connected = false;
  int max_version = 0;   // e.g. TLS1_1_VERSION: an old client
  void connect(uint16_t port, bool tls) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return;
    if (!tls) {
      connected = true;
      return;
    }
    ctx = SSL_CTX_new(TLS_client_method());
    if (max_version) {
      SSL_CTX_set_security_level(ctx, 0);   // (this OpenSSL refuses TLS 1.1 by itself otherwise)
      SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
      SSL_CTX_set_max_proto_version(ctx, max_version);
    }
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    connected = SSL_connect(ssl) == 1;
  }
  bool write(const std::string& bytes) {
    return ssl ? SSL_write(ssl, bytes.data(), int(bytes.size())) == int(bytes.size())
               : ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == ssize_t(bytes.size());
  }
  ~RawTls() {
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    if (fd >= 0) ::close(fd);
  }
};

std::unique_ptr<Channel> accept_raw(Listener& l, RawTls& raw, bool tls, std::string& why, int timeout_ms = 5000) {
  std::thread t([&] { raw.connect(l.port(), tls); });
  std::unique_ptr<Channel> ch = l.accept(timeout_ms, why);
  t.join();
  return ch;
}

std::string header(uint8_t type, uint32_t len) {
  return std::string{char(type), char(len >> 24), char(len >> 16), char(len >> 8), char(len)};
}

// A port nobody listens on (bound then released).
uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sa;
  ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  ::close(fd);
  return ntohs(sa.sin_port);
}

}  // namespace

TEST_CASE("ensure_self_signed makes a private pair once and keeps it", "[link]") {
  TempDir d;
  std::string cert = d / "ldmd.pem", key = d / "ldmd.key";
  REQUIRE(ensure_self_signed(cert, key, "host1") == "");
  CHECK(mode_of(cert) == 0600);
  CHECK(mode_of(key) == 0600);
  CHECK(slurp(cert).find("-----BEGIN CERTIFICATE-----") == 0);
  CHECK(slurp(key).find("-----BEGIN PRIVATE KEY-----") == 0);
  std::string before = slurp(cert) + slurp(key);
  CHECK(ensure_self_signed(cert, key, "host1") == "");   // exists: kept as it is
  CHECK(slurp(cert) + slurp(key) == before);
  // No temporary files left behind.
  CHECK(std::distance(std::filesystem::directory_iterator(d.path), std::filesystem::directory_iterator()) == 2);
  // Half a pair, a key of another pair, garbage: refused, nothing replaced.
  std::filesystem::remove(key);
  CHECK(ensure_self_signed(cert, key, "host1") == cert + " exists but " + key + " does not: remove it, or put back the other");
  REQUIRE(ensure_self_signed(d / "other.pem", d / "other.key", "host2") == "");
  CHECK(ensure_self_signed(cert, d / "other.key", "host1") ==
        "the key " + d / "other.key" + " does not belong to the certificate " + cert);
  std::ofstream(d / "junk.pem") << "not a certificate\n";
  CHECK(ensure_self_signed(d / "junk.pem", d / "other.key", "x").find("cannot load the certificate " + d / "junk.pem") == 0);
  CHECK(ensure_self_signed(d / "no/such/dir.pem", d / "no/such/dir.key", "x").find("cannot create " + d / "no/such/dir.key") == 0);
  CHECK(ensure_self_signed(d / "a.pem", d / "a.key", "").find("a certificate's name (CN)") == 0);
  // A symbolic link where the key goes counts as an existing file: nothing is written through it.
  std::ofstream(d / "target") << "keep me\n";
  std::filesystem::create_symlink(d / "target", d / "link.key");
  CHECK(ensure_self_signed(d / "link.pem", d / "link.key", "x").find(" exists but ") != std::string::npos);
  CHECK(slurp(d / "target") == "keep me\n");
  CHECK(!std::filesystem::exists(d / "link.pem"));
}

TEST_CASE("frames round-trip over TLS in both directions", "[link]") {
  std::signal(SIGPIPE, SIG_IGN);   // the raw OpenSSL clients of this file write with write(2)
  TempDir d;
  Listener l("127.0.0.1", 0, self_signed(d, "target"));
  REQUIRE(l.port() != 0);
  REQUIRE(l.fd() >= 0);
  const std::string big = [] {
    std::string s(1 << 20, '\0');
    for (size_t i = 0; i < s.size(); ++i) s[i] = char(i * 7 + (i >> 13));
    return s;
  }();
  const int kMany = 500;
  // The client sends an empty frame, 1 MB, then many small ones, and reads one reply.
  bool sent = true;
  std::string client_why, reply;
  uint8_t reply_type = 0;
  uint64_t client_sent = 0, client_received = 0;
  std::string client_peer;
  std::thread client([&] {
    std::unique_ptr<Channel> c = connect("127.0.0.1", l.port(), {}, 5000, client_why);
    if (!c) return;
    client_peer = c->peer_name();
    sent = c->send(1, "", client_why) && c->send(2, big, client_why);
    for (int i = 0; sent && i < kMany; ++i) sent = c->send(3, "frame " + std::to_string(i), client_why);
    if (sent && c->recv(reply_type, reply, 5000, client_why)) {
      client_sent = c->bytes_sent();
      client_received = c->bytes_received();
    }
  });
  std::string why;
  std::unique_ptr<Channel> s = l.accept(5000, why);
  REQUIRE(s);
  CHECK(s->peer_name() == "");   // password mode: no client certificate
  CHECK(s->peer_address() == "127.0.0.1");
  uint8_t type = 0;
  std::string payload = "stale";
  REQUIRE(s->recv(type, payload, 5000, why));
  CHECK(type == 1);
  CHECK(payload.empty());
  REQUIRE(s->recv(type, payload, 5000, why));
  CHECK(type == 2);
  CHECK(payload == big);
  int good = 0;
  for (int i = 0; i < kMany; ++i)
    if (s->recv(type, payload, 5000, why) && type == 3 && payload == "frame " + std::to_string(i)) ++good;
  CHECK(good == kMany);
  REQUIRE(s->send(9, "done", why));
  client.join();
  INFO(client_why);
  CHECK(sent);
  CHECK(reply_type == 9);
  CHECK(reply == "done");
  CHECK(client_peer == "");   // the source does not verify the target without a CA
  // Frame bytes: 5 per header plus the payloads, as both ends count them.
  uint64_t frames = 5 + (5 + big.size());
  for (int i = 0; i < kMany; ++i) frames += 5 + ("frame " + std::to_string(i)).size();
  CHECK(client_sent == frames);
  CHECK(s->bytes_received() == frames);
  CHECK(s->bytes_sent() == 5 + 4);
  CHECK(client_received == 5 + 4);
}

TEST_CASE("recv waits at most its timeout and keeps half a frame for the next call", "[link]") {
  std::signal(SIGPIPE, SIG_IGN);
  TempDir d;
  Listener l("localhost", 0, self_signed(d, "target"));
  RawTls raw;
  std::string why;
  std::unique_ptr<Channel> s = accept_raw(l, raw, true, why);
  REQUIRE(s);
  REQUIRE(raw.connected);
  uint8_t type = 0;
  std::string payload;
  auto t0 = std::chrono::steady_clock::now();
  CHECK_FALSE(s->recv(type, payload, 300, why));
  double took = ms_since(t0);
  CHECK(why == "timeout");
  CHECK(took >= 280);
  CHECK(took < 1500);
  t0 = std::chrono::steady_clock::now();
  CHECK_FALSE(s->recv(type, payload, 0, why));   // 0: only what has arrived
  CHECK(why == "timeout");
  CHECK(ms_since(t0) < 100);
  // Three bytes of a header, then a timeout: the next recv still gets the whole frame.
  std::string frame = header(4, 6) + "abcdef";
  REQUIRE(raw.write(frame.substr(0, 3)));
  CHECK_FALSE(s->recv(type, payload, 200, why));
  CHECK(why == "timeout");
  REQUIRE(raw.write(frame.substr(3, 4)));   // the rest of the header and "ab"
  CHECK_FALSE(s->recv(type, payload, 200, why));
  CHECK(why == "timeout");
  REQUIRE(raw.write(frame.substr(7)));
  REQUIRE(s->recv(type, payload, 2000, why));
  CHECK(type == 4);
  CHECK(payload == "abcdef");
  CHECK(s->bytes_received() == frame.size());
}

TEST_CASE("TLS 1.2 is the oldest version the listener speaks", "[link]") {
  std::signal(SIGPIPE, SIG_IGN);
  TempDir d;
  Listener l("127.0.0.1", 0, self_signed(d, "target"));
  std::string why;
  RawTls old;
  old.max_version = TLS1_1_VERSION;
  CHECK(accept_raw(l, old, true, why) == nullptr);
  CHECK(why == "TLS handshake with 127.0.0.1: unsupported protocol");
  CHECK_FALSE(old.connected);
  RawTls v12;
  v12.max_version = TLS1_2_VERSION;
  std::unique_ptr<Channel> s = accept_raw(l, v12, true, why);
  REQUIRE(s);
  CHECK(v12.connected);
  CHECK(std::string(SSL_get_version(v12.ssl)) == "TLSv1.2");
  RawTls now;   // and the newest both ends know
  s = accept_raw(l, now, true, why);
  REQUIRE(s);
  CHECK(std::string(SSL_get_version(now.ssl)) == "TLSv1.3");
}

TEST_CASE("a frame longer than kMaxFrame is refused on both sides", "[link]") {
  std::signal(SIGPIPE, SIG_IGN);
  TempDir d;
  Listener l("127.0.0.1", 0, self_signed(d, "target"));
  SECTION("a header announcing 2^31 bytes from a hostile peer") {
    RawTls raw;
    std::string why;
    std::unique_ptr<Channel> s = accept_raw(l, raw, true, why);
    REQUIRE(s);
    REQUIRE(raw.write(header(7, 0x80000000u) + "xyz"));
    uint8_t type = 0;
    std::string payload = "untouched";
    auto t0 = std::chrono::steady_clock::now();
    CHECK_FALSE(s->recv(type, payload, 2000, why));
    CHECK(ms_since(t0) < 1000);   // refused at once, not after reading (or waiting for) 2 GB
    CHECK(why == "the peer announced a frame of 2147483648 bytes (the limit is 16777216)");
    CHECK(payload == "untouched");
    CHECK(s->bytes_received() == 5);
    // The channel is now unusable: the same answer, without reading further.
    CHECK_FALSE(s->recv(type, payload, 2000, why));
    CHECK(why == "the peer announced a frame of 2147483648 bytes (the limit is 16777216)");
    CHECK_FALSE(s->send(1, "x", why));
  }
  SECTION("send refuses kMaxFrame + 1 bytes and the channel goes on; kMaxFrame passes") {
    std::string client_why;
    bool sent_max = false, refused = false;
    std::string refused_why;
    std::thread client([&] {
      std::unique_ptr<Channel> c = connect("127.0.0.1", l.port(), {}, 5000, client_why);
      if (!c) return;
      refused = !c->send(1, std::string(Channel::kMaxFrame + 1, 'x'), refused_why);
      sent_max = c->send(2, std::string(Channel::kMaxFrame, 'y'), client_why);   // still usable
      uint8_t t;
      std::string p;
      c->recv(t, p, 5000, client_why);   // until the server has read it
    });
    std::string why;
    std::unique_ptr<Channel> s = l.accept(5000, why);
    REQUIRE(s);
    uint8_t type = 0;
    std::string payload;
    CHECK(s->recv(type, payload, 10000, why));
    CHECK(type == 2);
    CHECK(payload.size() == Channel::kMaxFrame);
    CHECK(payload.find_first_not_of('y') == std::string::npos);
    s->send(0, "", why);
    client.join();
    CHECK(refused);
    CHECK(refused_why == "a frame of 16777217 bytes is longer than the limit (16777216)");
    CHECK(sent_max);
  }
}

TEST_CASE("shutdown from another thread unblocks recv, and the peer sees the close", "[link]") {
  TempDir d;
  Listener l("127.0.0.1", 0, self_signed(d, "target"));
  Pair p = connect_pair(l, {});
  REQUIRE(p.server);
  REQUIRE(p.client);
  bool got = true;
  std::string why;
  double took = 0;
  std::thread blocked([&] {
    uint8_t type;
    std::string payload;
    auto t0 = std::chrono::steady_clock::now();
    got = p.server->recv(type, payload, -1, why);
    took = ms_since(t0);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  p.server->shutdown();
  blocked.join();
  CHECK_FALSE(got);
  CHECK(why == "connection shut down");
  CHECK(took >= 150);
  CHECK(took < 2000);
  CHECK_FALSE(p.server->send(1, "late", why));
  CHECK(why == "connection shut down");
  p.server->shutdown();   // twice is harmless
  // The client's recv ends too, with the peer's close.
  uint8_t type;
  std::string payload, cwhy;
  auto t0 = std::chrono::steady_clock::now();
  CHECK_FALSE(p.client->recv(type, payload, 3000, cwhy));
  CHECK(ms_since(t0) < 2000);
  CHECK(cwhy == "the peer closed the connection");
  // A send blocked on a full socket (the peer never reads) ends with shutdown too.
  Pair q = connect_pair(l, {});
  REQUIRE(q.client);
  REQUIRE(q.server);
  bool sent_all = true;
  std::string swhy;
  std::thread writer([&] {
    std::string chunk(1 << 20, 'z');
    for (int i = 0; i < 64 && sent_all; ++i) sent_all = q.client->send(1, chunk, swhy);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  q.client->shutdown();
  writer.join();
  CHECK_FALSE(sent_all);
  CHECK(swhy == "connection shut down");
  // And with a send timeout, without shutdown.
  Pair r = connect_pair(l, {});
  REQUIRE(r.client);
  std::string chunk(1 << 20, 'z');
  bool ok = true;
  t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 64 && ok; ++i) ok = r.client->send(1, chunk, swhy, 300);
  CHECK_FALSE(ok);
  CHECK(swhy == "timeout");
  CHECK(ms_since(t0) < 3000);
  CHECK_FALSE(r.client->send(1, "x", swhy));   // half a frame went out: unusable
}

TEST_CASE("one thread sends while another receives on the same channel", "[link]") {
  TempDir d;
  Listener l("127.0.0.1", 0, self_signed(d, "target"));
  Pair p = connect_pair(l, {});
  REQUIRE(p.server);
  REQUIRE(p.client);
  const int kFrames = 200;
  const std::string block(64 << 10, 'm');
  // Both ends send kFrames blocks while each receives the other's: full duplex, 4 threads.
  int received[2] = {0, 0};
  bool sent[2] = {true, true};
  auto run = [&](Channel& c, int side) {
    std::thread tx([&] {
      std::string w;
      for (int i = 0; i < kFrames && sent[side]; ++i) sent[side] = c.send(uint8_t(i), block, w, 10000);
    });
    std::string w;
    uint8_t type;
    std::string payload;
    for (int i = 0; i < kFrames; ++i)
      if (c.recv(type, payload, 10000, w) && type == uint8_t(i) && payload == block) ++received[side];
    tx.join();
  };
  std::thread a([&] { run(*p.server, 0); });
  std::thread b([&] { run(*p.client, 1); });
  a.join();
  b.join();
  CHECK(sent[0]);
  CHECK(sent[1]);
  CHECK(received[0] == kFrames);
  CHECK(received[1] == kFrames);
}

TEST_CASE("the listener: timeouts, stalled and junk clients, close, bad addresses", "[link]") {
  std::signal(SIGPIPE, SIG_IGN);
  TempDir d;
  TlsIdentity id = self_signed(d, "target");
  Listener l("127.0.0.1", 0, id);
  std::string why;
  auto t0 = std::chrono::steady_clock::now();
  CHECK(l.accept(300, why) == nullptr);
  CHECK(why == "timeout");
  CHECK(ms_since(t0) >= 280);
  CHECK(ms_since(t0) < 1500);
  CHECK(l.accept(0, why) == nullptr);
  CHECK(why == "timeout");

  // A client that connects and never starts TLS holds accept() only for the handshake timeout.
  l.set_handshake_timeout(300);
  {
    RawTls silent;
    t0 = std::chrono::steady_clock::now();
    CHECK(accept_raw(l, silent, false, why, -1) == nullptr);
    CHECK(why == "TLS handshake with 127.0.0.1: timeout");
    CHECK(ms_since(t0) < 1500);
  }
  // Junk instead of a ClientHello: refused, and the listener goes on.
  {
    RawTls junk;
    std::thread t([&] {
      junk.connect(l.port(), false);
      junk.write("GET / HTTP/1.0\r\n\r\n" + std::string(70000, '\xff'));
    });
    CHECK(l.accept(2000, why) == nullptr);
    t.join();
    CHECK(why.find("TLS handshake with 127.0.0.1: ") == 0);
    CHECK(why != "TLS handshake with 127.0.0.1: timeout");
  }
  {
    RawTls gone;   // connects and goes away at once
    std::thread t([&] {
      gone.connect(l.port(), false);
      ::close(gone.fd);
      gone.fd = -1;
    });
    t.join();
    CHECK(l.accept(2000, why) == nullptr);
    CHECK(why == "TLS handshake with 127.0.0.1: the peer closed the connection");
  }
  l.set_handshake_timeout(Listener::kHandshakeMs);
  Pair ok = connect_pair(l, {});
  CHECK(ok.server);
  CHECK(ok.client);

  // close() from another thread ends an accept() that waits forever, and every later one.
  bool returned = false;
  std::string closed_why;
  std::thread waiter([&] {
    returned = l.accept(-1, closed_why) == nullptr;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  t0 = std::chrono::steady_clock::now();
  l.close();
  waiter.join();
  CHECK(ms_since(t0) < 1000);
  CHECK(returned);
  CHECK(closed_why == "listener closed");
  CHECK(l.accept(1000, why) == nullptr);
  CHECK(why == "listener closed");

  // What the constructor refuses, each with one clear line.
  auto refused = [&](const std::string& addr, uint16_t port, const TlsIdentity& tid) -> std::string {
    try {
      Listener bad(addr, port, tid);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  };
  Listener taken("127.0.0.1", 0, id);
  CHECK(refused("127.0.0.1", taken.port(), id) ==
        "cannot listen for migrations on 127.0.0.1:" + std::to_string(taken.port()) + ": Address already in use");
  CHECK(refused("999.0.0.1", 8101, id) ==
        "cannot listen for migrations on 999.0.0.1:8101: 999.0.0.1 is not a numeric IPv4 address (nor localhost)");
  CHECK(refused("host2", 8101, id).find("is not a numeric IPv4 address") != std::string::npos);
  CHECK(refused("127.0.0.1", 0, {}) == "cannot listen for migrations on 127.0.0.1:0: a listener needs a certificate and its key");
  CHECK(refused("127.0.0.1", 0, {d / "none.pem", id.key_file, ""}) ==
        "cannot listen for migrations on 127.0.0.1:0: cannot read certificate " + d / "none.pem" + ": No such file or directory");
  TlsIdentity other = self_signed(d, "other");
  CHECK(refused("127.0.0.1", 0, {id.cert_file, other.key_file, ""}) ==
        "cannot listen for migrations on 127.0.0.1:0: the key " + other.key_file + " does not belong to the certificate " +
            id.cert_file);
  CHECK(refused("127.0.0.1", 0, {id.cert_file, id.key_file, d / "no-ca.pem"}).find("cannot read CA certificate") !=
        std::string::npos);
}

TEST_CASE("connect fails fast and says why", "[link]") {
  std::string why;
  auto t0 = std::chrono::steady_clock::now();
  uint16_t port = free_port();
  CHECK(connect("127.0.0.1", port, {}, 5000, why) == nullptr);
  CHECK(why == "connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused");
  CHECK(ms_since(t0) < 1000);
  CHECK(connect("no-such-host.invalid", 8101, {}, 2000, why) == nullptr);
  CHECK(why.find("connect to no-such-host.invalid:8101: ") == 0);
  // A listener that never accepts: the TCP connect succeeds (backlog), the handshake times out.
  TempDir d;
  Listener l("127.0.0.1", 0, self_signed(d, "target"));
  t0 = std::chrono::steady_clock::now();
  CHECK(connect("127.0.0.1", l.port(), {}, 300, why) == nullptr);
  CHECK(why == "TLS handshake with 127.0.0.1:" + std::to_string(l.port()) + ": timeout");
  CHECK(ms_since(t0) >= 280);
  CHECK(ms_since(t0) < 1500);
  CHECK(connect("127.0.0.1", l.port(), {d / "none.pem", d / "none.key", ""}, 300, why) == nullptr);
  CHECK(why == "cannot read certificate " + d / "none.pem" + ": No such file or directory");
}

TEST_CASE("certificate mode: only certificates from the CA get through", "[link]") {
  std::signal(SIGPIPE, SIG_IGN);
  TempDir d;
  REQUIRE(make_ca(d / "ca.pem", d / "ca.key", "vfsim migration CA") == "");
  CHECK(mode_of(d / "ca.pem") == 0600);
  CHECK(mode_of(d / "ca.key") == 0600);
  CHECK(make_ca(d / "ca.pem", d / "ca2.key", "again") == d / "ca.pem" + " already exists: it is not replaced (remove it first)");
  REQUIRE(issue_cert(d / "ca.pem", d / "ca.key", d / "host1.pem", d / "host1.key", "host1") == "");
  REQUIRE(issue_cert(d / "ca.pem", d / "ca.key", d / "host2.pem", d / "host2.key", "host2") == "");
  CHECK(mode_of(d / "host2.pem") == 0600);
  CHECK(mode_of(d / "host2.key") == 0600);
  CHECK(issue_cert(d / "ca.pem", d / "ca.key", d / "host2.pem", d / "x.key", "host2") ==
        d / "host2.pem" + " already exists: it is not replaced (remove it first)");
  CHECK(issue_cert(d / "host1.pem", d / "host1.key", d / "y.pem", d / "y.key", "y") ==
        d / "host1.pem" + " is not a CA certificate (make one with make_ca)");
  CHECK(issue_cert(d / "ca.pem", d / "host1.key", d / "y.pem", d / "y.key", "y") ==
        "the key " + d / "host1.key" + " does not belong to the CA certificate " + d / "ca.pem");
  // Another CA, and a certificate of the same name from it.
  REQUIRE(make_ca(d / "evil-ca.pem", d / "evil-ca.key", "vfsim migration CA") == "");
  REQUIRE(issue_cert(d / "evil-ca.pem", d / "evil-ca.key", d / "mallory.pem", d / "mallory.key", "host2") == "");

  const TlsIdentity target{d / "host1.pem", d / "host1.key", d / "ca.pem"};
  const TlsIdentity source{d / "host2.pem", d / "host2.key", d / "ca.pem"};
  Listener l("127.0.0.1", 0, target);

  SECTION("both ends from the CA: each knows the other's name") {
    Pair p = connect_pair(l, source);
    INFO(p.server_why << " / " << p.client_why);
    REQUIRE(p.server);
    REQUIRE(p.client);
    CHECK(p.server->peer_name() == "host2");
    CHECK(p.client->peer_name() == "host1");
    std::string why;
    REQUIRE(p.client->send(5, "hello", why));
    uint8_t type;
    std::string payload;
    REQUIRE(p.server->recv(type, payload, 2000, why));
    CHECK(payload == "hello");
  }
  SECTION("a source without a certificate is refused") {
    Pair p = connect_pair(l, {"", "", d / "ca.pem"}, true);
    CHECK(p.server == nullptr);
    CHECK(p.server_why.find("TLS handshake with 127.0.0.1: ") == 0);
    CHECK(p.server_why.find("certificate") != std::string::npos);
    CHECK((p.client == nullptr || !p.probe_ok));
    INFO(p.client_why << " / " << p.probe_why);
    CHECK((!p.client_why.empty() || !p.probe_why.empty()));
  }
  SECTION("a source with a certificate from another CA is refused") {
    Pair p = connect_pair(l, {d / "mallory.pem", d / "mallory.key", d / "ca.pem"}, true);
    CHECK(p.server == nullptr);
    CHECK(p.server_why.find("certificate verify failed") != std::string::npos);
    CHECK((p.client == nullptr || !p.probe_ok));
  }
  SECTION("a source without the CA's certificate: TLS alone does not let it in") {
    Pair p = connect_pair(l, {d / "host2.pem", d / "host2.key", ""}, false);
    // It verifies nothing about the target, but presents a good certificate: accepted, and
    // the target still knows who it is; the source sees no name (it verified nothing).
    REQUIRE(p.server);
    CHECK(p.server->peer_name() == "host2");
    REQUIRE(p.client);
    CHECK(p.client->peer_name() == "");
  }
  SECTION("a target whose certificate is not from the CA is refused by the source") {
    TlsIdentity rogue = self_signed(d, "host1-rogue");
    Listener r("127.0.0.1", 0, {rogue.cert_file, rogue.key_file, ""});
    Pair p = connect_pair(r, source);
    CHECK(p.client == nullptr);
    CHECK(p.client_why.find("TLS handshake with 127.0.0.1:" + std::to_string(r.port()) + ": ") == 0);
    CHECK(p.client_why.find("certificate verify failed") != std::string::npos);
    CHECK(p.server == nullptr);
  }
}

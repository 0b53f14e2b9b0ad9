// The link two ldmds migrate a domain over: one TLS (1.2 or later) connection carrying framed
// messages. Frames are type (u8), payload length (u32, big-endian), payload; the migration
// protocol on top decides what the types mean.
//
// Used from worker threads: every call blocks, each with a deadline; the ldmd main loop never
// calls it. The peer is untrusted until authenticated: nothing it sends can make this layer
// allocate more than kMaxFrame or crash, and a stalled peer costs at most a timeout.
//
// Certificates: without a CA (password mode) the client verifies nothing about the server, so
// the password is safe from eavesdroppers but not from an active man in the middle; with
// TlsIdentity::ca_file (certificate mode, ldm migrate-domain -c) both ends must present a
// certificate signed by that CA (docs/migration.md).
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

struct ssl_st;       // OpenSSL's SSL
struct ssl_ctx_st;   // OpenSSL's SSL_CTX

namespace vfsim::ldm::link {

// TLS identity of one ldmd and whom it trusts.
struct TlsIdentity {
  std::string cert_file, key_file;   // PEM; this ldmd's certificate and key
  std::string ca_file;               // PEM; when set, the peer must present a certificate signed by it (certificate mode)
};

// One TLS connection. One thread may send while another receives (each OpenSSL call is made
// under a lock, the waits are not); two threads must not both send or both receive. shutdown()
// may be called from any thread at any time.
class Channel {
 public:
  static constexpr size_t kMaxFrame = 16 << 20;   // largest payload
  // Sends one frame; false with `why` on error or when the peer closed. timeout_ms < 0: no
  // limit (shutdown() still ends it). A send that fails or times out part-way leaves the
  // channel unusable (the peer would see half a frame): every later call fails.
  bool send(uint8_t type, const std::string& payload, std::string& why, int timeout_ms = -1);
  // Waits at most timeout_ms (< 0: forever) for a whole frame. On timeout returns false with
  // why == "timeout" and keeps what arrived of a frame for the next call. A frame announcing
  // more than kMaxFrame bytes is an error (nothing is allocated for it); any error other than
  // a timeout leaves the channel unusable.
  bool recv(uint8_t& type, std::string& payload, int timeout_ms, std::string& why);
  // Sends a TLS close if it can without waiting, then shuts the socket down: a send or recv
  // blocked in another thread returns false ("connection shut down"), and so does every later one.
  void shutdown();
  // The peer certificate's subject CN when the peer presented a verified certificate, else "".
  std::string peer_name() const { return peer_name_; }
  // The peer's numeric address, without the port (for the auth::Throttle key).
  std::string peer_address() const { return peer_address_; }
  // Frame bytes (headers and payloads) through the TLS layer, i.e. TLS application data;
  // the records' own overhead is not counted.
  uint64_t bytes_sent() const { return sent_; }
  uint64_t bytes_received() const { return received_; }
  ~Channel();
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

 private:
  friend struct Handshake;
  Channel(int fd, ssl_st* ssl, std::string peer_address);
  // Reads up to n bytes into p (one OpenSSL read, waiting as needed); 0 with why on error or timeout.
  size_t read_some(char* p, size_t n, int64_t deadline_ms, std::string& why);
  bool usable(std::string& why) const;
  bool fail(std::string& why);   // marks the channel unusable (why becomes "connection shut down" after shutdown())

  int fd_;
  ssl_st* ssl_;
  std::string peer_name_, peer_address_;
  mutable std::mutex mu_;   // around each OpenSSL call on ssl_
  std::atomic<bool> shut_{false}, broken_{false};
  std::string broken_why_;   // under mu_
  std::atomic<uint64_t> sent_{0}, received_{0};
  // A frame being received (kept across a timeout).
  unsigned char head_[5] = {};
  size_t head_got_ = 0, body_got_ = 0;
  std::string body_;
};

// Source side. host/port: where the target listens (a name or a numeric address). Verifies
// nothing about the server's certificate unless id.ca_file is set (then it must chain to it;
// the caller may also compare peer_name() with the host it meant); with id.cert_file set,
// presents it as client certificate. timeout_ms bounds the TCP connect and the handshake
// together (< 0: no limit); a host name is resolved before (getaddrinfo, not bounded by it).
// nullptr and why on failure ("connect to HOST:PORT: Connection refused", "TLS handshake
// with HOST:PORT: ...").
std::unique_ptr<Channel> connect(const std::string& host, uint16_t port, const TlsIdentity& id, int timeout_ms,
                                 std::string& why);

class Listener {
 public:
  // The longest an accepted client may take over its TLS handshake (set_handshake_timeout).
  static constexpr int kHandshakeMs = 10000;
  // Binds addr:port (numeric IPv4 or "localhost"), listens. Throws std::runtime_error with a
  // clear message if it cannot (bad address, port in use, certificate or key that do not load).
  // id.cert_file and id.key_file are required.
  Listener(const std::string& addr, uint16_t port, const TlsIdentity& id);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  int fd() const { return fd_; }          // for poll()
  uint16_t port() const { return port_; }   // the bound port (useful when 0 was asked)
  // Waits at most timeout_ms (< 0: forever; 0 after poll() said fd() is readable) for a
  // connection ("timeout" when none came), then runs the TLS handshake within the handshake
  // timeout, so a client that stalls cannot hold the listener for longer. When id.ca_file is
  // set, a client certificate chaining to it is required. nullptr with why on failure (the
  // connection is then closed). One thread at a time.
  std::unique_ptr<Channel> accept(int timeout_ms, std::string& why);
  void set_handshake_timeout(int ms) { handshake_ms_ = ms; }
  // Makes a blocked accept() return (why "listener closed"), and every later one.
  void close();

 private:
  int fd_ = -1, wake_[2] = {-1, -1};
  uint16_t port_ = 0;
  int handshake_ms_ = kHandshakeMs;
  ssl_ctx_st* ctx_ = nullptr;
  void release();
  std::atomic<bool> closed_{false};
};

// Makes a self-signed certificate + key (EC P-256, 10 years, CN = cn) at these paths when they
// do not exist yet; files mode 0600, written atomically. When both exist they must load and
// match. "" or why not.
std::string ensure_self_signed(const std::string& cert_file, const std::string& key_file, const std::string& cn);
// Certificate mode: a CA (self-signed, CA:true, 10 years), and a certificate for CN signed by
// that CA (usable as server and as client certificate). Existing files are never overwritten.
// "" or why not.
std::string make_ca(const std::string& ca_cert, const std::string& ca_key, const std::string& cn);
std::string issue_cert(const std::string& ca_cert, const std::string& ca_key, const std::string& cert_file,
                       const std::string& key_file, const std::string& cn);

}  // namespace vfsim::ldm::link

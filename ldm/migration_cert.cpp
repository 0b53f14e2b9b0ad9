// The certificates of the migration link (declared in migration_link.h): a self-signed one for
// password mode, and a small CA with the certificates it issues for certificate mode.
#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "ldm/migration_link.h"
#include "ldm/openssl_errors.h"

namespace vfsim::ldm::link {

namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Free>;
using Cert = std::unique_ptr<X509, Free>;

constexpr long kTenYearsDays = 3653;

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

// Writes data to path through a fresh temporary file in the same directory, then renames it:
// a reader never sees half a key, and the file is 0600 from its first byte.
std::string write_private(const std::string& path, const std::string& data) {
  unsigned char r[6];
  char tag[16] = "0";
  if (RAND_bytes(r, sizeof r) == 1)
    std::snprintf(tag, sizeof tag, "%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5]);
  std::string tmp = path + ".tmp-" + std::to_string(::getpid()) + "-" + tag;
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return "cannot create " + tmp + ": " + std::strerror(errno);
  std::string why;
  if (::fchmod(fd, 0600) != 0) why = std::strerror(errno);   // (whatever the umask)
  for (size_t done = 0; why.empty() && done < data.size();) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) why = std::strerror(errno);
    else done += size_t(n);
  }
  if (why.empty() && ::fsync(fd) != 0) why = std::strerror(errno);
  if (::close(fd) != 0 && why.empty()) why = std::strerror(errno);
  if (why.empty() && ::rename(tmp.c_str(), path.c_str()) != 0) why = std::strerror(errno);
  if (why.empty()) return "";
  ::unlink(tmp.c_str());
  return "cannot write " + path + ": " + why;
}

template <class Write>
std::string pem(Write write) {
  std::unique_ptr<BIO, Free> bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1) return "";
  char* p = nullptr;
  long n = BIO_get_mem_data(bio.get(), &p);
  return std::string(p, size_t(n));
}

// Key first: a certificate without its key is of no use, the reverse would be refused.
std::string write_pair(const std::string& cert_file, const std::string& key_file, X509* cert, EVP_PKEY* key) {
  std::string k = pem([&](BIO* b) { return PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr); });
  std::string c = pem([&](BIO* b) { return PEM_write_bio_X509(b, cert); });
  if (k.empty() || c.empty()) return "cannot encode the certificate: " + openssl_errors();
  std::string why = write_private(key_file, k);
  OPENSSL_cleanse(&k[0], k.size());
  return !why.empty() ? why : write_private(cert_file, c);
}

Key load_key(const std::string& path, std::string& why) {
  std::unique_ptr<BIO, Free> bio(BIO_new_file(path.c_str(), "r"));
  Key key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) why = "cannot load the key " + path + ": " + (bio ? openssl_errors() : std::strerror(errno));
  return key;
}

Cert load_cert(const std::string& path, std::string& why) {
  std::unique_ptr<BIO, Free> bio(BIO_new_file(path.c_str(), "r"));
  Cert cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) why = "cannot load the certificate " + path + ": " + (bio ? openssl_errors() : std::strerror(errno));
  return cert;
}

bool add_ext(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  std::unique_ptr<X509_EXTENSION, Free> ext(X509V3_EXT_nconf_nid(nullptr, ctx, nid, value));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

// A certificate for `key` with subject CN=cn, valid 10 years, signed by issuer_key (issuer:
// the issuer's certificate, or nullptr for a self-signed one).
Cert make_cert(EVP_PKEY* key, const std::string& cn, bool ca, X509* issuer, EVP_PKEY* issuer_key, std::string& why) {
  Cert cert(X509_new());
  unsigned char serial[16];
  std::unique_ptr<BIGNUM, Free> bn;
  bool ok = cert && RAND_bytes(serial, sizeof serial) == 1;
  if (ok) {
    serial[0] &= 0x7f;   // positive, as RFC 5280 wants
    bn.reset(BN_bin2bn(serial, sizeof serial, nullptr));
  }
  X509_NAME* name = cert ? X509_get_subject_name(cert.get()) : nullptr;
  ok = ok && bn && X509_set_version(cert.get(), 2) == 1 &&
       BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())) &&
       X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) &&   // a host clock a little behind still accepts it
       X509_time_adj_ex(X509_getm_notAfter(cert.get()), kTenYearsDays, 0, nullptr) &&
       X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
                                  reinterpret_cast<const unsigned char*>(cn.c_str()), int(cn.size()), -1, 0) == 1 &&
       X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name) == 1 &&
       X509_set_pubkey(cert.get(), key) == 1;
  if (ok) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
    // Every ldmd is a TLS server to sources and a client to targets: one certificate for both.
    ok = add_ext(cert.get(), &ctx, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE") &&
         add_ext(cert.get(), &ctx, NID_key_usage, ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature") &&
         (ca || add_ext(cert.get(), &ctx, NID_ext_key_usage, "serverAuth,clientAuth")) &&
         add_ext(cert.get(), &ctx, NID_subject_key_identifier, "hash") &&
         add_ext(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always") &&
         X509_sign(cert.get(), issuer_key, EVP_sha256()) > 0;
  }
  if (!ok) {
    why = "cannot make the certificate for " + cn + ": " + openssl_errors();
    return nullptr;
  }
  return cert;
}

Key new_key(std::string& why) {
  Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) why = "cannot make a key: " + openssl_errors();
  return key;
}

// Refuses an empty CN or one a certificate cannot hold sensibly.
bool check_cn(const std::string& cn, std::string& why) {
  bool ok = !cn.empty() && cn.size() <= 64;
  for (char c : cn) ok = ok && static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
  if (!ok) why = "a certificate's name (CN) is 1 to 64 printable characters: '" + cn + "' is not";
  return ok;
}

std::string refuse_existing(std::initializer_list<const std::string*> files) {
  for (const std::string* f : files)
    if (exists(*f)) return *f + " already exists: it is not replaced (remove it first)";
  return "";
}

}  // namespace

std::string ensure_self_signed(const std::string& cert_file, const std::string& key_file, const std::string& cn) {
  ERR_clear_error();
  std::string why;
  bool have_cert = exists(cert_file), have_key = exists(key_file);
  if (have_cert && have_key) {
    Cert cert = load_cert(cert_file, why);
    Key key = cert ? load_key(key_file, why) : nullptr;
    if (!key) return why;
    if (X509_check_private_key(cert.get(), key.get()) != 1) {
      ERR_clear_error();
      return "the key " + key_file + " does not belong to the certificate " + cert_file;
    }
    return "";
  }
  // Half a pair is not guessed at: the other half may matter to someone.
  if (have_cert || have_key)
    return (have_cert ? cert_file : key_file) + " exists but " + (have_cert ? key_file : cert_file) +
           " does not: remove it, or put back the other";
  if (!check_cn(cn, why)) return why;
  Key key = new_key(why);
  Cert cert = key ? make_cert(key.get(), cn, false, nullptr, key.get(), why) : nullptr;
  return cert ? write_pair(cert_file, key_file, cert.get(), key.get()) : why;
}

std::string make_ca(const std::string& ca_cert, const std::string& ca_key, const std::string& cn) {
  ERR_clear_error();
  std::string why = refuse_existing({&ca_cert, &ca_key});
  if (!why.empty() || !check_cn(cn, why)) return why;
  Key key = new_key(why);
  Cert cert = key ? make_cert(key.get(), cn, true, nullptr, key.get(), why) : nullptr;
  return cert ? write_pair(ca_cert, ca_key, cert.get(), key.get()) : why;
}

std::string issue_cert(const std::string& ca_cert, const std::string& ca_key, const std::string& cert_file,
                       const std::string& key_file, const std::string& cn) {
  ERR_clear_error();
  std::string why = refuse_existing({&cert_file, &key_file});
  if (!why.empty() || !check_cn(cn, why)) return why;
  Cert ca = load_cert(ca_cert, why);
  Key ca_k = ca ? load_key(ca_key, why) : nullptr;
  if (!ca_k) return why;
  if (X509_check_private_key(ca.get(), ca_k.get()) != 1) {
    ERR_clear_error();
    return "the key " + ca_key + " does not belong to the CA certificate " + ca_cert;
  }
  if (X509_check_ca(ca.get()) < 1) return ca_cert + " is not a CA certificate (make one with make_ca)";
  Key key = new_key(why);
  Cert cert = key ? make_cert(key.get(), cn, false, ca.get(), ca_k.get(), why) : nullptr;
  return cert ? write_pair(cert_file, key_file, cert.get(), key.get()) : why;
}

}  // namespace vfsim::ldm::link

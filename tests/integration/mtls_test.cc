// Mutual TLS and API keys bound to a client certificate, with the real `ndc` binary and server on
// each backend (issue 7, item 1): the server speaks only TLS when given a certificate; with a
// client CA it verifies client certificates; a key created with `ndc key create --cert` (or
// `--cert-sha256`) is accepted only on a connection that presented that very certificate, while
// unbound keys keep working with or without one. Certificates are made here with OpenSSL (a CA,
// the server, two clients it signed and one self-signed stranger); the client is OpenSSL too.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "store/testing/test_database.h"
#include "test_support.h"

namespace ndc::testing {
namespace {

using nlohmann::json;

struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertFree {
  void operator()(X509* c) const { X509_free(c); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;
using CertPtr = std::unique_ptr<X509, CertFree>;

// A certificate with its key, and both as PEM text.
struct Identity {
  KeyPtr key;
  CertPtr cert;
  std::string cert_pem, key_pem;
  std::string sha256;  // hex SHA-256 of the DER certificate, computed by OpenSSL
};

void AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  ASSERT_NE(ext, nullptr) << "extension " << value;
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

enum class Kind { kCa, kServer, kClient };

// A P-256 certificate for `cn`, signed by `issuer` (self-signed when null).
Identity Make(const std::string& cn, Kind kind, const Identity* issuer, long serial) {
  Identity id;
  id.key.reset(EVP_EC_gen("P-256"));
  EXPECT_NE(id.key, nullptr);
  id.cert.reset(X509_new());
  X509* x = id.cert.get();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_set_pubkey(x, id.key.get());
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                             0);
  X509* issuer_cert = issuer ? issuer->cert.get() : x;
  X509_set_issuer_name(x, X509_get_subject_name(issuer_cert));
  AddExtension(x, issuer_cert, NID_subject_key_identifier, "hash");
  if (kind == Kind::kCa) {
    AddExtension(x, issuer_cert, NID_basic_constraints, "critical,CA:TRUE");
    AddExtension(x, issuer_cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    AddExtension(x, issuer_cert, NID_basic_constraints, "critical,CA:FALSE");
    AddExtension(x, issuer_cert, NID_key_usage, "critical,digitalSignature");
    AddExtension(x, issuer_cert, NID_ext_key_usage, kind == Kind::kServer ? "serverAuth" : "clientAuth");
    if (kind == Kind::kServer) AddExtension(x, issuer_cert, NID_subject_alt_name, "IP:127.0.0.1");
  }
  EXPECT_GT(X509_sign(x, issuer ? issuer->key.get() : id.key.get(), EVP_sha256()), 0);

  auto pem = [](auto write) {
    BIO* bio = BIO_new(BIO_s_mem());
    write(bio);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<size_t>(n));
    BIO_free(bio);
    return out;
  };
  id.cert_pem = pem([&](BIO* b) { PEM_write_bio_X509(b, x); });
  id.key_pem = pem([&](BIO* b) { PEM_write_bio_PrivateKey(b, id.key.get(), nullptr, nullptr, 0, nullptr, nullptr); });
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(x, EVP_sha256(), md, &len);
  static const char* kHex = "0123456789abcdef";
  for (unsigned int i = 0; i < len; ++i) {
    id.sha256.push_back(kHex[md[i] >> 4]);
    id.sha256.push_back(kHex[md[i] & 15]);
  }
  return id;
}

struct Reply {
  bool handshake = false;  // the TLS handshake completed on the client's side
  int status = 0;          // 0: no HTTP response came back
  std::string body;
};

// Sends `request` (raw HTTP/1.1) over TLS, verifying the server against `ca`, presenting
// `client` (if any). Reads until the server closes.
Reply HttpsSend(int port, const std::string& request, const Identity& ca, const Identity* client) {
  Reply reply;
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), ca.cert.get());
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  X509_VERIFY_PARAM_set1_ip_asc(SSL_CTX_get0_param(ctx), "127.0.0.1");
  if (client != nullptr) {
    SSL_CTX_use_certificate(ctx, client->cert.get());
    SSL_CTX_use_PrivateKey(ctx, client->key.get());
  }
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  SSL* ssl = SSL_new(ctx);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) == 1) {
      reply.handshake = true;
      std::string in;
      if (SSL_write(ssl, request.data(), static_cast<int>(request.size())) > 0) {
        char buf[4096];
        int n;
        while ((n = SSL_read(ssl, buf, sizeof(buf))) > 0) in.append(buf, static_cast<size_t>(n));
      }
      if (in.rfind("HTTP/1.1 ", 0) == 0) {
        reply.status = std::atoi(in.c_str() + 9);
        size_t body = in.find("\r\n\r\n");
        if (body != std::string::npos) reply.body = in.substr(body + 4);
      }
    }
  }
  ERR_clear_error();
  SSL_free(ssl);
  close(fd);
  SSL_CTX_free(ctx);
  return reply;
}

// GET `target` over TLS with `token` (Connection: close), as HttpsSend.
Reply HttpsGet(int port, const std::string& target, const std::string& token, const Identity& ca,
               const Identity* client) {
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!token.empty()) request += "Authorization: Bearer " + token + "\r\n";
  return HttpsSend(port, request + "\r\n", ca, client);
}

class MutualTlsTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    ca_ = Make("NDC test client CA", Kind::kCa, nullptr, 1);
    server_id_ = Make("127.0.0.1", Kind::kServer, &ca_, 2);
    alice_ = Make("agency client A", Kind::kClient, &ca_, 3);
    bob_ = Make("agency client B", Kind::kClient, &ca_, 4);
    stranger_ = Make("agency client A", Kind::kClient, nullptr, 5);  // same name, not signed by the CA
    Write("ca.pem", ca_.cert_pem);
    Write("server.pem", server_id_.cert_pem);
    Write("server.key", server_id_.key_pem);
    std::filesystem::permissions(File("server.key"), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace);
    Write("alice.pem", alice_.cert_pem);

    hub_ = dir_.path() + "/hub";
    std::string error;
    op_ = InitTestHub(GetParam(), hub_, &pg_, &error);
    ASSERT_FALSE(op_.empty()) << error;
    bound_ = Key({"--cert", File("alice.pem")});
    // The fingerprint as `openssl x509 -fingerprint -sha256` prints it: upper case with colons.
    std::string colons;
    for (size_t i = 0; i < bob_.sha256.size(); i += 2) {
      if (i) colons += ':';
      colons += static_cast<char>(std::toupper(bob_.sha256[i]));
      colons += static_cast<char>(std::toupper(bob_.sha256[i + 1]));
    }
    bound_bob_ = Key({"--cert-sha256", colons});
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{"--data", hub_, "--threads", "2"}, TlsEnv());
    ASSERT_TRUE(server_->started()) << server_->output();
  }

  std::map<std::string, std::string> TlsEnv() {
    return {{"NDC_SERVER_TLS_CERT", File("server.pem")},
            {"NDC_SERVER_TLS_KEY", File("server.key")},
            {"NDC_SERVER_TLS_CLIENT_CA", File("ca.pem")},
            {"NDC_SERVER_REQUEST_TIMEOUT_SECONDS", "5"}};
  }

  std::string File(const std::string& name) const { return dir_.path() + "/" + name; }
  void Write(const std::string& name, const std::string& text) { std::ofstream(File(name)) << text; }

  // An operator key created by the CLI with `extra` flags; "" (and a failure) if it was refused.
  std::string Key(std::vector<std::string> extra) {
    std::vector<std::string> args = {"key", "create", "--data", hub_, "--role", "operator", "--name", "bound", "-q"};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult r = RunNdc(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Trim(r.out);
  }

  Reply Get(const std::string& token, const Identity* client) {
    return HttpsGet(server_->port(), "/v1/keys", token, ca_, client);
  }

  TempDir dir_;
  Identity ca_, server_id_, alice_, bob_, stranger_;
  std::string hub_, op_, bound_, bound_bob_;
  std::unique_ptr<store::TestDatabase> pg_;  // destroyed after the server
  std::unique_ptr<ServerProcess> server_;
};

TEST_P(MutualTlsTest, BoundKeyNeedsItsCertificate) {
  Reply ok = Get(bound_, &alice_);
  ASSERT_TRUE(ok.handshake);
  EXPECT_EQ(ok.status, 200) << ok.body;
  // The key list shows which keys are bound, and to what.
  json keys = json::parse(ok.body);
  int bound = 0;
  for (const json& k : keys["keys"]) {
    if (k.contains("cert_sha256")) {
      ++bound;
      EXPECT_TRUE(k["cert_sha256"] == alice_.sha256 || k["cert_sha256"] == bob_.sha256) << k.dump();
    }
  }
  EXPECT_EQ(bound, 2) << ok.body;

  Reply without = Get(bound_, nullptr);
  ASSERT_TRUE(without.handshake);
  EXPECT_EQ(without.status, 401) << without.body;
  EXPECT_NE(without.body.find("mutual TLS"), std::string::npos) << without.body;

  Reply other = Get(bound_, &bob_);  // a valid certificate of the same CA, but not this key's
  EXPECT_EQ(other.status, 401) << other.body;
  EXPECT_NE(other.body.find("another client certificate"), std::string::npos) << other.body;

  // The key bound by fingerprint (written with colons, upper case) works with its certificate.
  EXPECT_EQ(Get(bound_bob_, &bob_).status, 200);
  EXPECT_EQ(Get(bound_bob_, &alice_).status, 401);
}

TEST_P(MutualTlsTest, UnboundKeysWorkWithOrWithoutACertificate) {
  EXPECT_EQ(Get(op_, nullptr).status, 200);
  EXPECT_EQ(Get(op_, &alice_).status, 200);
  EXPECT_EQ(Get("", &alice_).status, 401);  // a certificate alone is no credential
}

TEST_P(MutualTlsTest, UntrustedCertificateAndPlainHttpGetNoAnswer) {
  // Signed by no CA the server trusts: the handshake fails, so no request is ever answered.
  Reply stranger = Get(bound_, &stranger_);
  EXPECT_EQ(stranger.status, 0) << stranger.body;
  // Plain HTTP on the TLS port gets no HTTP answer either.
  HttpConnection plain(server_->port());
  HttpResponse r = plain.Request("GET", "/v1/keys", "", {{"Authorization", "Bearer " + op_}});
  EXPECT_EQ(r.status, 0);
  // And the server still serves.
  EXPECT_EQ(Get(op_, nullptr).status, 200);
}

// On the TLS port too a connection that sends nothing holds its slot only
// server.header_timeout_seconds (1 here): the handshake and the first header share that deadline.
TEST_P(MutualTlsTest, ASilentConnectionIsClosedAfterTheHeaderTimeout) {
  std::map<std::string, std::string> env = TlsEnv();
  env["NDC_SERVER_HEADER_TIMEOUT_SECONDS"] = "1";  // server.request_timeout_seconds is 5 here
  ServerProcess strict({"--data", hub_, "--threads", "2"}, env);
  ASSERT_TRUE(strict.started()) << strict.output();
  HttpConnection silent(strict.port());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(ClosedWithin(silent.fd(), std::chrono::milliseconds(6000)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(3500));
}

// A JSON body that stops coming on the TLS port is answered 408 once server.request_timeout_seconds
// (2 here) has passed, as on plain HTTP (HostileTest.ContentLengthMismatchIsRefused), and the half
// request is not applied.
TEST_P(MutualTlsTest, AStalledBodyIsAnswered408) {
  std::map<std::string, std::string> env = TlsEnv();
  env["NDC_SERVER_REQUEST_TIMEOUT_SECONDS"] = "2";
  ServerProcess strict({"--data", hub_, "--threads", "2"}, env);
  ASSERT_TRUE(strict.started()) << strict.output();
  const std::string body = R"({"name": "stalled", "role": "auditor"})";
  const std::string request = "POST /v1/keys HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + op_ +
                              "\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n" + body;
  const auto sent = std::chrono::steady_clock::now();
  Reply stalled = HttpsSend(strict.port(), request, ca_, nullptr);
  ASSERT_TRUE(stalled.handshake);
  EXPECT_EQ(stalled.status, 408) << stalled.body;
  EXPECT_NE(stalled.body.find("DEADLINE_EXCEEDED"), std::string::npos) << stalled.body;
  EXPECT_GE(std::chrono::steady_clock::now() - sent, std::chrono::milliseconds(1900));
  Reply keys = HttpsGet(strict.port(), "/v1/keys", op_, ca_, nullptr);
  ASSERT_EQ(keys.status, 200) << keys.body;
  EXPECT_EQ(keys.body.find("stalled"), std::string::npos) << "the half-read request was applied";
}

TEST_P(MutualTlsTest, BadCertificateInputIsRefusedClearly) {
  Write("not-a-cert.pem", "hello\n");
  std::vector<std::string> base = {"key", "create", "--data", hub_, "--role", "operator", "--name", "x", "-q"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return RunNdc(args);
  };
  CommandResult bad_pem = with({"--cert", File("not-a-cert.pem")});
  EXPECT_NE(bad_pem.exit_code, 0);
  EXPECT_NE(bad_pem.err.find("no PEM certificate"), std::string::npos) << bad_pem.err;
  CommandResult missing = with({"--cert", File("missing.pem")});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("cannot read"), std::string::npos) << missing.err;
  CommandResult short_hex = with({"--cert-sha256", "abcd"});
  EXPECT_NE(short_hex.exit_code, 0);
  EXPECT_NE(short_hex.err.find("64 hex digits"), std::string::npos) << short_hex.err;

  // A server given a key file that does not exist refuses to start, naming the setting and file.
  std::map<std::string, std::string> env = TlsEnv();
  env["NDC_SERVER_TLS_KEY"] = File("missing.key");
  ServerProcess broken({"--data", hub_, "--threads", "1"}, env);
  EXPECT_FALSE(broken.started());
  EXPECT_EQ(broken.WaitExit(20000) != 0, true);
  EXPECT_NE(broken.output().find("server.tls_key"), std::string::npos) << broken.output();

  // Nor with a key file every user can read: it names the file, its mode and the fix.
  Write("open.key", server_id_.key_pem);
  std::filesystem::permissions(File("open.key"), std::filesystem::perms::others_read, std::filesystem::perm_options::add);
  env["NDC_SERVER_TLS_KEY"] = File("open.key");
  ServerProcess open({"--data", hub_, "--threads", "1"}, env);
  EXPECT_FALSE(open.started());
  EXPECT_NE(open.WaitExit(20000), 0);
  EXPECT_NE(open.output().find("chmod 640"), std::string::npos) << open.output();
}

#ifdef NDC_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, MutualTlsTest, ::testing::Values(store::Backend::kPostgres));
#else
INSTANTIATE_TEST_SUITE_P(Sqlite, MutualTlsTest, ::testing::Values(store::Backend::kSqlite));
#endif

}  // namespace
}  // namespace ndc::testing

#include "ingest/internal/row_hash.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace ndc::ingest {
namespace {

void AppendTagged(char tag, std::string_view bytes, std::string* out) {
  out->push_back(tag);
  const uint64_t n = bytes.size();
  out->append(reinterpret_cast<const char*>(&n), sizeof n);
  out->append(bytes);
}

// SHA-256 of `bytes` with the algorithm fetched once and a context kept per thread. OpenSSL 3's
// one-shot SHA256() (behind common/crypto.h's Sha256) fetches the algorithm on every call — a
// lock and reference counting that cost more than hashing a 300-byte row itself, and a first
// load hashes every row (docs/design/ingest.md, "First load").
void Sha256Into(std::string_view bytes, unsigned char (&digest)[EVP_MAX_MD_SIZE]) {
  static EVP_MD* const sha256 = [] {
    EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (md == nullptr) std::abort();  // an OpenSSL without SHA-256 cannot run NDC at all
    return md;
  }();
  struct Context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Context context;
  unsigned int size = 0;
  if (context.ctx == nullptr || EVP_DigestInit_ex2(context.ctx, sha256, nullptr) != 1 ||
      EVP_DigestUpdate(context.ctx, bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(context.ctx, digest, &size) != 1) {
    std::abort();  // only allocation failure inside OpenSSL gets here
  }
}

}  // namespace

int64_t RowHash(std::span<const store::Value> values) {
  thread_local std::string buf;
  buf.clear();
  for (const store::Value& v : values) {
    if (store::IsNull(v)) {
      buf.push_back('n');
    } else if (const auto* i = std::get_if<int64_t>(&v)) {
      AppendTagged('i', std::string_view(reinterpret_cast<const char*>(i), sizeof *i), &buf);
    } else if (const auto* d = std::get_if<double>(&v)) {
      AppendTagged('d', std::string_view(reinterpret_cast<const char*>(d), sizeof *d), &buf);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      AppendTagged('s', *s, &buf);
    } else {
      AppendTagged('b', std::get<store::Blob>(v).bytes, &buf);
    }
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  Sha256Into(buf, digest);
  int64_t h = 0;
  std::memcpy(&h, digest, sizeof h);
  return h;
}

}  // namespace ndc::ingest

#include "audit/merkle/hash.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <cstring>
#include <initializer_list>

#include "common/crypto.h"

namespace ndc::merkle {
namespace {

Hash FromDigest(const std::string& digest) {
  Hash h;
  std::memcpy(h.data(), digest.data(), kHashSize);
  return h;
}

// SHA-256 over the concatenation of `parts`, with the algorithm fetched once per process and a
// context per thread. OpenSSL 3's one-shot SHA256() fetches the algorithm on every call (a
// lock, a reference count and a pthread_once): for a 300-byte entry that doubled the time of
// the hash itself, and the committer hashes every entry and every node
// (docs/design/audit-log.md, "Group commit").
Hash Sha256Of(std::initializer_list<std::string_view> parts) {
  static EVP_MD* const md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    // Only a broken OpenSSL installation lacks SHA-256; nothing in the log can work then.
    if (fetched == nullptr) std::abort();
    return fetched;
  }();
  struct Context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Context context;
  Hash h;
  unsigned int len = 0;
  if (context.ctx == nullptr || EVP_DigestInit_ex2(context.ctx, md, nullptr) != 1) std::abort();
  for (std::string_view part : parts) {
    if (EVP_DigestUpdate(context.ctx, part.data(), part.size()) != 1) std::abort();
  }
  if (EVP_DigestFinal_ex(context.ctx, h.data(), &len) != 1 || len != kHashSize) std::abort();
  return h;
}

}  // namespace

Hash HashLeaf(std::string_view data) { return Sha256Of({std::string_view("\x00", 1), data}); }

Hash HashChildren(const Hash& left, const Hash& right) {
  char buf[1 + 2 * kHashSize];
  buf[0] = '\x01';
  std::memcpy(buf + 1, left.data(), kHashSize);
  std::memcpy(buf + 1 + kHashSize, right.data(), kHashSize);
  return Sha256Of({std::string_view(buf, sizeof(buf))});
}

Hash EmptyRoot() { return FromDigest(Sha256("")); }

std::string HashBytes(const Hash& h) { return std::string(reinterpret_cast<const char*>(h.data()), h.size()); }

Result<Hash> HashFromBytes(std::string_view bytes) {
  if (bytes.size() != kHashSize) {
    return InvalidArgumentError("a hash is 32 bytes, got " + std::to_string(bytes.size()));
  }
  Hash h;
  std::memcpy(h.data(), bytes.data(), kHashSize);
  return h;
}

std::string HashHex(const Hash& h) { return HexEncode(HashBytes(h)); }

}  // namespace ndc::merkle

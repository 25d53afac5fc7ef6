#include "audit/merkle/hash.h"

#include <cstring>
#include <initializer_list>

#include "common/crypto.h"

namespace ndc::merkle {
namespace {

// SHA-256 over the concatenation of `parts` (common/crypto.h: no per-call lookup or allocation;
// the committer hashes every entry and every node, docs/design/audit-log.md, "Group commit").
Hash Sha256Of(std::initializer_list<std::string_view> parts) {
  Hash h;
  ndc::Sha256Of(parts, std::span<uint8_t, kHashSize>(h.data(), kHashSize));
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

Hash EmptyRoot() { return Sha256Of({}); }

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

#include "audit/merkle/hash.h"

#include <cstring>

#include "common/crypto.h"

namespace ndc::merkle {
namespace {

Hash FromDigest(const std::string& digest) {
  Hash h;
  std::memcpy(h.data(), digest.data(), kHashSize);
  return h;
}

}  // namespace

Hash HashLeaf(std::string_view data) {
  std::string buf;
  buf.reserve(data.size() + 1);
  buf.push_back('\x00');
  buf.append(data);
  return FromDigest(Sha256(buf));
}

Hash HashChildren(const Hash& left, const Hash& right) {
  char buf[1 + 2 * kHashSize];
  buf[0] = '\x01';
  std::memcpy(buf + 1, left.data(), kHashSize);
  std::memcpy(buf + 1 + kHashSize, right.data(), kHashSize);
  return FromDigest(Sha256(std::string_view(buf, sizeof(buf))));
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

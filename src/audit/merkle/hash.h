// RFC 6962 hashing for Merkle trees: SHA-256 with domain separation between leaves and interior
// nodes (leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left || right)), so a leaf can never
// be passed off as a node. docs/design/audit-log.md, "The tree". Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ndc::merkle {

inline constexpr size_t kHashSize = 32;
using Hash = std::array<uint8_t, kHashSize>;

// SHA-256(0x00 || data).
Hash HashLeaf(std::string_view data);
// SHA-256(0x01 || left || right).
Hash HashChildren(const Hash& left, const Hash& right);
// The root of the empty tree: SHA-256 of no bytes.
Hash EmptyRoot();

// The 32 bytes of a hash as a string (for storage and base64).
std::string HashBytes(const Hash& h);
// A hash from exactly 32 bytes; kInvalidArgument otherwise.
Result<Hash> HashFromBytes(std::string_view bytes);
// Lower-case hex, 64 characters.
std::string HashHex(const Hash& h);

}  // namespace ndc::merkle

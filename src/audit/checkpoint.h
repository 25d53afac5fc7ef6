// Checkpoints: the log's signed statement "the tree of N entries has root R", in the C2SP
// tlog-checkpoint format, signed as a C2SP signed note with Ed25519:
//
//   <origin>\n<tree size, decimal>\n<base64 root hash>\n\n— <key name> <base64(key id || signature)>\n
//
// The signature covers the body (the three lines, with their newlines). The key name is the
// origin; the key id is the first 4 bytes of SHA-256(key name || 0x0A || 0x01 || public key)
// (0x01: the Ed25519 signature type). docs/design/audit-log.md, "Checkpoints". Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "audit/merkle/hash.h"
#include "common/result.h"

namespace ndc::audit {

struct Checkpoint {
  std::string origin;  // the log's name, e.g. "ndc.hub/3f2a9c0d1e4b5a69"
  uint64_t size = 0;
  merkle::Hash root{};
  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// An Ed25519 key pair as libsodium makes it (secret 64 bytes: seed || public key).
struct SigningKey {
  std::string secret_key;
  std::string public_key;
};

// The three body lines, each ending in '\n'.
std::string CheckpointBody(const Checkpoint& c);
// Parses a body (exactly three lines; origin without spaces or '+'; size without leading zeros;
// a 32-byte root). kInvalidArgument otherwise.
Result<Checkpoint> ParseCheckpointBody(std::string_view body);

// 4-byte key id of the Ed25519 key `public_key` named `name`.
std::string NoteKeyId(std::string_view name, std::string_view public_key);

// The signed note for `c`, signed by `key` under the name c.origin. kInvalidArgument for a bad
// key or origin.
Result<std::string> SignCheckpoint(const Checkpoint& c, const SigningKey& key);

// Parses a signed checkpoint and verifies the signature line named after its origin with
// `public_key` (other signers' lines are ignored). kDataLoss if the note is malformed, has no
// signature by this key, or the signature does not verify.
Result<Checkpoint> OpenCheckpoint(std::string_view note, std::string_view public_key);

}  // namespace ndc::audit

// The canonical byte encoding of an audit entry — the bytes the Merkle tree's leaf hash covers
// (leaf = SHA-256(0x00 || EncodeEntry(e))). Byte layout in docs/design/audit-log.md, "Entry
// encoding": a version byte, then every field in a fixed order, integers big-endian, texts as a
// 4-byte length and UTF-8 bytes.
//
// Canonical: DecodeEntry accepts exactly the outputs of EncodeEntry (any other byte string —
// truncated, trailing bytes, a decision byte other than 0/1, a different version — is kDataLoss),
// so EncodeEntry(DecodeEntry(b)) == b for every accepted b. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "audit/entry.h"
#include "common/result.h"

namespace ndc::audit {

inline constexpr uint8_t kEntryFormatVersion = 1;

// Validates (ValidateEntry, plus a non-empty id) and encodes. kInvalidArgument if invalid.
Result<std::string> EncodeEntry(const Entry& e);

// The log's ids ("aud_" + 16 + 8 hex digits) all have this length, so an entry can be encoded
// before its position is known — with index 0 and a placeholder id of this length — and the
// index and id written into the bytes later (by the committer, under the head lock).
inline constexpr size_t kEntryIdSize = 28;
// Writes `index` and `id` into `bytes`, an encoding whose id is kEntryIdSize bytes; the result is
// the encoding of the same entry with that index and id. kInvalidArgument (and `bytes` unchanged)
// if `bytes` is too short, its id length is not kEntryIdSize, or `id` is not kEntryIdSize bytes.
Status PatchEntryPosition(std::string* bytes, uint64_t index, std::string_view id);
// kDataLoss if `bytes` is not an encoding EncodeEntry produces.
Result<Entry> DecodeEntry(std::string_view bytes);

}  // namespace ndc::audit

#include "audit/checkpoint.h"

#include <fmt/format.h>

#include "common/crypto.h"

namespace ndc::audit {
namespace {

constexpr std::string_view kSignaturePrefix = "\xe2\x80\x94 ";  // U+2014 EM DASH, then a space
constexpr char kEd25519Type = 0x01;

bool ValidOrigin(std::string_view o) {
  if (o.empty()) return false;
  for (char c : o) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '+') return false;
  }
  return true;
}

}  // namespace

std::string CheckpointBody(const Checkpoint& c) {
  return fmt::format("{}\n{}\n{}\n", c.origin, c.size, Base64Encode(merkle::HashBytes(c.root)));
}

Result<Checkpoint> ParseCheckpointBody(std::string_view body) {
  auto bad = [](std::string_view what) { return InvalidArgumentError(fmt::format("checkpoint body: {}", what)); };
  if (body.empty() || body.back() != '\n') return bad("must end with a newline");
  std::string_view lines[3];
  std::string_view rest = body;
  for (auto& line : lines) {
    size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) return bad("fewer than three lines");
    line = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
  }
  if (!rest.empty()) return bad("more than three lines");
  Checkpoint c;
  if (!ValidOrigin(lines[0])) return bad("origin is empty or has spaces, control characters or '+'");
  c.origin = std::string(lines[0]);
  if (lines[1].empty() || lines[1].size() > 20 || (lines[1].size() > 1 && lines[1][0] == '0')) return bad("bad tree size");
  for (char ch : lines[1]) {
    if (ch < '0' || ch > '9') return bad("bad tree size");
    uint64_t next = c.size * 10 + static_cast<uint64_t>(ch - '0');
    if (next / 10 != c.size) return bad("tree size overflows");
    c.size = next;
  }
  auto root = Base64Decode(lines[2]);
  if (!root.ok() || Base64Encode(*root) != lines[2]) return bad("root is not canonical base64");
  auto h = merkle::HashFromBytes(*root);
  if (!h.ok()) return bad("root is not 32 bytes");
  c.root = *h;
  return c;
}

std::string NoteKeyId(std::string_view name, std::string_view public_key) {
  std::string data(name);
  data.push_back('\n');
  data.push_back(kEd25519Type);
  data.append(public_key);
  return Sha256(data).substr(0, 4);
}

Result<std::string> SignCheckpoint(const Checkpoint& c, const SigningKey& key) {
  if (!ValidOrigin(c.origin)) return InvalidArgumentError("checkpoint origin '" + c.origin + "' is not a valid key name");
  if (key.public_key.size() != 32) return InvalidArgumentError("Ed25519 public key must be 32 bytes");
  std::string body = CheckpointBody(c);
  ASSIGN_OR_RETURN(std::string sig, Ed25519Sign(key.secret_key, body));
  return fmt::format("{}\n{}{} {}\n", body, kSignaturePrefix, c.origin,
                     Base64Encode(NoteKeyId(c.origin, key.public_key) + sig));
}

Result<Checkpoint> OpenCheckpoint(std::string_view note, std::string_view public_key) {
  auto bad = [](std::string_view what) { return DataLossError(fmt::format("checkpoint does not verify: {}", what)); };
  if (public_key.size() != 32) return InvalidArgumentError("Ed25519 public key must be 32 bytes");
  size_t split = note.find("\n\n");
  if (split == std::string_view::npos) return bad("no blank line before the signatures");
  std::string_view body = note.substr(0, split + 1);
  std::string_view sigs = note.substr(split + 2);
  auto parsed = ParseCheckpointBody(body);
  if (!parsed.ok()) return bad(parsed.status().message());
  const std::string key_id = NoteKeyId(parsed->origin, public_key);
  if (sigs.empty() || sigs.back() != '\n') return bad("signature lines must end with a newline");
  bool verified = false;
  while (!sigs.empty()) {
    size_t nl = sigs.find('\n');
    std::string_view line = sigs.substr(0, nl);
    sigs.remove_prefix(nl + 1);
    if (line.substr(0, kSignaturePrefix.size()) != kSignaturePrefix) return bad("malformed signature line");
    line.remove_prefix(kSignaturePrefix.size());
    size_t space = line.find(' ');
    if (space == std::string_view::npos) return bad("malformed signature line");
    std::string_view name = line.substr(0, space);
    auto blob = Base64Decode(line.substr(space + 1));
    if (!blob.ok() || blob->size() < 5) return bad("malformed signature");
    if (name != parsed->origin || blob->substr(0, 4) != key_id) continue;  // another signer
    if (blob->size() != 4 + 64 || !Ed25519Verify(public_key, body, blob->substr(4))) {
      return bad(fmt::format("the signature by '{}' is invalid for tree size {}", name, parsed->size));
    }
    verified = true;
  }
  if (!verified) return bad(fmt::format("no signature by key '{}' with id {}", parsed->origin, HexEncode(key_id)));
  return *parsed;
}

}  // namespace ndc::audit

// Crypto helpers: hashing, encoding, constant-time comparison, randomness and Ed25519 keys.
// Thin wrappers over OpenSSL (SHA-256) and libsodium (random, Ed25519), so the rest of NDC
// never touches those APIs directly. All functions are thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"

namespace ndc {

// 32-byte SHA-256 digest of `data`, as raw bytes.
std::string Sha256(std::string_view data);
// SHA-256 of the concatenation of `parts`, written to `out`. Made for short inputs hashed often
// (an API key's secret, an audit entry, a Merkle node, a loaded row): no EVP fetch, context
// allocation or cleanse per call, which OpenSSL 3's one-shot SHA256() and EVP digests cost.
void Sha256Of(std::initializer_list<std::string_view> parts, std::span<uint8_t, 32> out);

std::string HexEncode(std::string_view bytes);                 // lower case
// The value of a hex digit (either case), or -1.
constexpr int HexDigitValue(char c) {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}
Result<std::string> HexDecode(std::string_view hex);            // kInvalidArgument on bad input
std::string Base64Encode(std::string_view bytes);               // RFC 4648 standard alphabet, padded
Result<std::string> Base64Decode(std::string_view b64);
std::string Base64UrlEncode(std::string_view bytes);            // RFC 4648 §5, no padding

// True iff a == b, in time that depends only on the lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Source of randomness, injectable so tests are deterministic.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual void Fill(std::span<uint8_t> out) = 0;
  std::string Bytes(size_t n);
  uint64_t Uint64();
};
// Cryptographically secure (libsodium randombytes). Never null; lives forever.
RandomSource* SystemRandom();
// Deterministic stream from a seed (ChaCha20 via libsodium); for tests and data generation.
// Not thread-safe.
class SeededRandom : public RandomSource {
 public:
  explicit SeededRandom(uint64_t seed);
  void Fill(std::span<uint8_t> out) override;

 private:
  uint8_t seed_[32];
  uint64_t counter_ = 0;
};

// Ed25519 key pair (libsodium crypto_sign). Secret key is 64 bytes, public key 32.
struct Ed25519KeyPair {
  std::string public_key;
  std::string secret_key;
};
Ed25519KeyPair GenerateEd25519(RandomSource* random);
// 64-byte signature; kInvalidArgument if the secret key is not 64 bytes.
Result<std::string> Ed25519Sign(std::string_view secret_key, std::string_view message);
bool Ed25519Verify(std::string_view public_key, std::string_view message, std::string_view signature);

}  // namespace ndc

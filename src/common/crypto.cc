#include "common/crypto.h"

// SHA256_Init and friends are deprecated in OpenSSL 3 in favour of EVP, not removed (see Sha256Of).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <sodium.h>

#include <cstdlib>
#include <cstring>

namespace ndc {
namespace {

struct SodiumInit {
  SodiumInit() {
    if (sodium_init() < 0) {
      // libsodium cannot fail here on Linux with /dev/urandom or getrandom(); abort rather than
      // hand out predictable keys.
      std::abort();
    }
  }
};
void EnsureSodium() { static SodiumInit init; }

class SodiumRandom : public RandomSource {
 public:
  void Fill(std::span<uint8_t> out) override {
    EnsureSodium();
    randombytes_buf(out.data(), out.size());
  }
};

constexpr char kHex[] = "0123456789abcdef";

}  // namespace

void Sha256Of(std::initializer_list<std::string_view> parts, std::span<uint8_t, 32> out) {
  // OpenSSL's SHA256_* calls, not EVP: in OpenSSL 3 every EVP digest allocates, cleanses and
  // frees a context, which a load pays per row (its row hashes); the compression underneath is
  // the same code (with the CPU's SHA instructions where there are some).
  SHA256_CTX ctx;
  if (SHA256_Init(&ctx) != 1) std::abort();
  for (std::string_view part : parts) {
    if (SHA256_Update(&ctx, part.data(), part.size()) != 1) std::abort();
  }
  if (SHA256_Final(out.data(), &ctx) != 1) std::abort();
}

std::string Sha256(std::string_view data) {
  std::string out(32, '\0');
  Sha256Of({data}, std::span<uint8_t, 32>(reinterpret_cast<uint8_t*>(out.data()), 32));
  return out;
}

std::string HexEncode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

Result<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return InvalidArgumentError("hex string has odd length " + std::to_string(hex.size()));
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = HexDigitValue(hex[i]), lo = HexDigitValue(hex[i + 1]);
    if (hi < 0 || lo < 0) return InvalidArgumentError("invalid hex digit at position " + std::to_string(hi < 0 ? i : i + 1));
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

Result<std::string> Base64Decode(std::string_view b64) {
  EnsureSodium();
  std::string out(b64.size() * 3 / 4 + 3, '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), b64.data(), b64.size(), nullptr,
                        &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return InvalidArgumentError("invalid base64");
  }
  out.resize(len);
  return out;
}

std::string Base64UrlEncode(std::string_view bytes) {
  EnsureSodium();
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string RandomSource::Bytes(size_t n) {
  std::string out(n, '\0');
  Fill(std::span<uint8_t>(reinterpret_cast<uint8_t*>(out.data()), n));
  return out;
}

uint64_t RandomSource::Uint64() {
  uint64_t v = 0;
  Fill(std::span<uint8_t>(reinterpret_cast<uint8_t*>(&v), sizeof(v)));
  return v;
}

RandomSource* SystemRandom() {
  static SodiumRandom* r = new SodiumRandom();
  return r;
}

SeededRandom::SeededRandom(uint64_t seed) {
  std::memset(seed_, 0, sizeof(seed_));
  std::memcpy(seed_, &seed, sizeof(seed));
}

void SeededRandom::Fill(std::span<uint8_t> out) {
  EnsureSodium();
  // Derive a fresh block per call from (seed, counter) so the stream does not depend on how
  // callers split their requests only through the counter, which is deterministic.
  uint8_t block_seed[randombytes_SEEDBYTES];
  std::memcpy(block_seed, seed_, sizeof(block_seed));
  uint64_t c = counter_++;
  for (int i = 0; i < 8; ++i) block_seed[24 + i] ^= static_cast<uint8_t>(c >> (8 * i));
  randombytes_buf_deterministic(out.data(), out.size(), block_seed);
}

Ed25519KeyPair GenerateEd25519(RandomSource* random) {
  EnsureSodium();
  std::string seed = random->Bytes(crypto_sign_SEEDBYTES);
  Ed25519KeyPair kp;
  kp.public_key.resize(crypto_sign_PUBLICKEYBYTES);
  kp.secret_key.resize(crypto_sign_SECRETKEYBYTES);
  crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(kp.public_key.data()),
                           reinterpret_cast<unsigned char*>(kp.secret_key.data()),
                           reinterpret_cast<const unsigned char*>(seed.data()));
  sodium_memzero(seed.data(), seed.size());
  return kp;
}

Result<std::string> Ed25519Sign(std::string_view secret_key, std::string_view message) {
  EnsureSodium();
  std::string sig(crypto_sign_BYTES, '\0');
  if (secret_key.size() != crypto_sign_SECRETKEYBYTES) {
    return InvalidArgumentError("Ed25519 secret key must be 64 bytes, got " + std::to_string(secret_key.size()));
  }
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       reinterpret_cast<const unsigned char*>(secret_key.data()));
  return sig;
}

bool Ed25519Verify(std::string_view public_key, std::string_view message, std::string_view signature) {
  EnsureSodium();
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES) return false;
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                     reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                     reinterpret_cast<const unsigned char*>(public_key.data())) == 0;
}

}  // namespace ndc

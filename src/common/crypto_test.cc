#include "common/crypto.h"

#include <gtest/gtest.h>

namespace ndc {
namespace {

TEST(Crypto, Sha256OfEmptyIsKnownVector) {
  EXPECT_EQ(HexEncode(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexEncode(Sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, HexRoundTripAndErrors) {
  EXPECT_EQ(*HexDecode("00ff10"), std::string("\x00\xff\x10", 3));
  EXPECT_EQ(HexDecode("abc").status().message(), "hex string has odd length 3");
  EXPECT_EQ(HexDecode("0g").status().message(), "invalid hex digit at position 1");
}

TEST(Crypto, Base64RoundTrip) {
  std::string bytes("\x00\x01\xfe\xff hello", 10);
  EXPECT_EQ(*Base64Decode(Base64Encode(bytes)), bytes);
  EXPECT_EQ(Base64Encode("hi"), "aGk=");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64Decode("!!").status().code(), StatusCode::kInvalidArgument);
}

TEST(Crypto, ConstantTimeEqualsComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

TEST(Crypto, SeededRandomIsDeterministicAndSeedSensitive) {
  SeededRandom a(42), b(42), c(43);
  std::string x = a.Bytes(32);
  EXPECT_EQ(x, b.Bytes(32));
  EXPECT_NE(x, c.Bytes(32));
  EXPECT_NE(x, a.Bytes(32));  // the stream moves on
}

TEST(Crypto, Ed25519SignVerifyAndRejectTampering) {
  SeededRandom r(7);
  Ed25519KeyPair kp = GenerateEd25519(&r);
  ASSERT_EQ(kp.public_key.size(), 32u);
  Result<std::string> sig = Ed25519Sign(kp.secret_key, "checkpoint");
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(Ed25519Verify(kp.public_key, "checkpoint", *sig));
  EXPECT_FALSE(Ed25519Verify(kp.public_key, "checkpoinT", *sig));
  EXPECT_EQ(Ed25519Sign("short", "m").status().message(), "Ed25519 secret key must be 64 bytes, got 5");
}

}  // namespace
}  // namespace ndc

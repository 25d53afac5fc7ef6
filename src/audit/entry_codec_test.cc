// The entry encoding at the byte level: the exact layout, canonical round trips, and every
// malformed input refused with kDataLoss.
#include <gtest/gtest.h>

#include "audit/entry_codec.h"
#include "common/crypto.h"

namespace ndc::audit {
namespace {

Entry Sample() {
  Entry e;
  e.index = 7;
  e.id = "aud_000102030405060708090a0b";
  e.time_micros = 1767225600000000;
  e.actor = {"k1", "vss", "agency"};
  e.action = "person.read";
  e.subject = {"p42", "insurance", "r9"};
  e.fields = {"name", "dob"};
  e.purpose = "benefit check";
  e.legal_basis = "Decree 13/2023";
  e.consent_ref = "";
  e.decision = Decision::kAllowed;
  e.request_id = "req-1";
  return e;
}

TEST(EntryCodec, ExactBytesOfASmallEntry) {
  Entry e;
  e.id = "a";
  e.time_micros = 1;
  e.action = "x";
  auto bytes = EncodeEntry(e);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  // version | index | id | time | client agency role | action | person dataset record | 0 fields |
  // purpose legal consent | decision | reason | request id
  EXPECT_EQ(HexEncode(*bytes),
            "01" "0000000000000000" "0000000161" "0000000000000001" "00000000" "00000000" "00000000"
            "0000000178" "00000000" "00000000" "00000000" "00000000" "00000000" "00000000" "00000000" "01"
            "00000000" "00000000");
}

TEST(EntryCodec, RoundTripIsCanonical) {
  auto bytes = EncodeEntry(Sample());
  ASSERT_TRUE(bytes.ok());
  auto back = DecodeEntry(*bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, Sample());
  EXPECT_EQ(*EncodeEntry(*back), *bytes);
}

TEST(EntryCodec, EveryTruncationIsDataLoss) {
  std::string bytes = *EncodeEntry(Sample());
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_EQ(DecodeEntry(bytes.substr(0, n)).status().code(), StatusCode::kDataLoss) << n;
  }
}

TEST(EntryCodec, TrailingBytesAreDataLoss) {
  EXPECT_EQ(DecodeEntry(*EncodeEntry(Sample()) + "x").status().code(), StatusCode::kDataLoss);
}

TEST(EntryCodec, UnknownVersionIsDataLoss) {
  std::string bytes = *EncodeEntry(Sample());
  bytes[0] = 2;
  EXPECT_EQ(DecodeEntry(bytes).status().code(), StatusCode::kDataLoss);
}

TEST(EntryCodec, DecisionByteOtherThanZeroOrOneIsDataLoss) {
  Entry e = Sample();
  e.reason = "r";
  std::string bytes = *EncodeEntry(e);
  // The decision byte sits before reason ("r": 4-byte length + 1) and request id (4 + 5).
  size_t at = bytes.size() - (4 + 1) - (4 + 5) - 1;
  ASSERT_EQ(bytes[at], 1);
  bytes[at] = 2;
  EXPECT_EQ(DecodeEntry(bytes).status().code(), StatusCode::kDataLoss);
}

TEST(EntryCodec, InvalidUtf8InStoredTextIsDataLoss) {
  Entry e = Sample();
  e.purpose = "abc";
  std::string bytes = *EncodeEntry(e);
  size_t at = bytes.find("abc");
  bytes[at] = '\xff';
  EXPECT_EQ(DecodeEntry(bytes).status().code(), StatusCode::kDataLoss);
}

TEST(EntryCodec, PatchedPositionEqualsEncodingWithThatIndexAndId) {
  Entry placeholder = Sample();
  placeholder.index = 0;
  placeholder.id = std::string(kEntryIdSize, '0');
  std::string bytes = *EncodeEntry(placeholder);
  const std::string id = "aud_00000000000f4240deadbeef";
  ASSERT_TRUE(PatchEntryPosition(&bytes, 1000000, id).ok());
  Entry expected = Sample();
  expected.index = 1000000;
  expected.id = id;
  EXPECT_EQ(bytes, *EncodeEntry(expected));
}

TEST(EntryCodec, PatchRefusesAnotherIdLengthAndLeavesBytesAlone) {
  const std::string original = *EncodeEntry(Sample());  // its id is 28 bytes
  std::string bytes = original;
  EXPECT_EQ(PatchEntryPosition(&bytes, 1, "aud_short").code(), StatusCode::kInvalidArgument);
  Entry e = Sample();
  e.id = "aud_1";
  std::string short_id = *EncodeEntry(e);
  EXPECT_EQ(PatchEntryPosition(&short_id, 1, Sample().id).code(), StatusCode::kInvalidArgument);
  std::string truncated = original.substr(0, 20);
  EXPECT_EQ(PatchEntryPosition(&truncated, 1, Sample().id).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bytes, original);
}

TEST(EntryValidation, DenialNeedsReason) {
  Entry e = Sample();
  e.decision = Decision::kDenied;
  EXPECT_EQ(ValidateEntry(e).code(), StatusCode::kInvalidArgument);
  e.reason = "no agreement";
  EXPECT_TRUE(ValidateEntry(e).ok());
}

TEST(EntryValidation, BadActionAndControlCharactersAreRefused) {
  Entry e = Sample();
  e.action = "Person Read";
  EXPECT_EQ(ValidateEntry(e).code(), StatusCode::kInvalidArgument);
  e = Sample();
  e.purpose = "line\nbreak";
  EXPECT_EQ(ValidateEntry(e).code(), StatusCode::kInvalidArgument);
  e = Sample();
  e.fields.assign(kMaxEntryFields + 1, "f");
  EXPECT_EQ(ValidateEntry(e).code(), StatusCode::kInvalidArgument);
  e = Sample();
  e.reason = std::string(kMaxEntryText + 1, 'a');
  EXPECT_EQ(ValidateEntry(e).code(), StatusCode::kInvalidArgument);
}

TEST(EntryValidation, VietnameseTextIsFine) {
  Entry e = Sample();
  e.purpose = "Kiểm tra chế độ bảo hiểm xã hội";
  EXPECT_TRUE(ValidateEntry(e).ok());
}

}  // namespace
}  // namespace ndc::audit

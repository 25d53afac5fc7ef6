// Checkpoints as C2SP signed notes: exact text, key id, verification and every forgery refused.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>

#include "audit/checkpoint.h"
#include "audit/signing_key.h"
#include "common/crypto.h"

namespace ndc::audit {
namespace {

SigningKey Key(uint64_t seed) {
  SeededRandom random(seed);
  auto kp = GenerateEd25519(&random);
  return SigningKey{kp.secret_key, kp.public_key};
}

Checkpoint Sample() { return Checkpoint{"ndc.audit/abc", 12, merkle::HashLeaf("x")}; }

TEST(Checkpoint, BodyIsThreeLines) {
  Checkpoint c{"example.com/log", 5, merkle::EmptyRoot()};
  EXPECT_EQ(CheckpointBody(c), "example.com/log\n5\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n");
}

TEST(Checkpoint, SignedNoteHasOneEmDashSignatureLine) {
  SigningKey k = Key(1);
  auto note = SignCheckpoint(Sample(), k);
  ASSERT_TRUE(note.ok());
  std::string body = CheckpointBody(Sample());
  ASSERT_EQ(note->substr(0, body.size() + 1), body + "\n");
  std::string line = note->substr(body.size() + 1);
  EXPECT_EQ(line.substr(0, 4), "\xe2\x80\x94 ");
  EXPECT_EQ(line.substr(4, 14), "ndc.audit/abc ");
  auto blob = Base64Decode(line.substr(18, line.size() - 19));
  ASSERT_TRUE(blob.ok());
  ASSERT_EQ(blob->size(), 68u);
  EXPECT_EQ(blob->substr(0, 4), NoteKeyId("ndc.audit/abc", k.public_key));
  EXPECT_TRUE(Ed25519Verify(k.public_key, body, blob->substr(4)));
}

TEST(Checkpoint, KeyIdIsSha256OfNameNewlineTypeAndKey) {
  std::string pub(32, '\x07');
  EXPECT_EQ(NoteKeyId("n", pub), Sha256(std::string("n\n\x01", 3) + pub).substr(0, 4));
}

TEST(Checkpoint, OpenReturnsTheSignedCheckpoint) {
  SigningKey k = Key(2);
  auto opened = OpenCheckpoint(*SignCheckpoint(Sample(), k), k.public_key);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, Sample());
}

TEST(Checkpoint, ChangedSizeOrRootIsDataLoss) {
  SigningKey k = Key(3);
  std::string note = *SignCheckpoint(Sample(), k);
  std::string bigger = note;
  bigger.replace(bigger.find("\n12\n"), 4, "\n13\n");
  EXPECT_EQ(OpenCheckpoint(bigger, k.public_key).status().code(), StatusCode::kDataLoss);
  std::string other_root = note;
  char& c = other_root[note.find("\n12\n") + 4 + 5];
  c = c == 'A' ? 'B' : 'A';
  EXPECT_EQ(OpenCheckpoint(other_root, k.public_key).status().code(), StatusCode::kDataLoss);
}

TEST(Checkpoint, OtherKeyIsDataLoss) {
  std::string note = *SignCheckpoint(Sample(), Key(4));
  EXPECT_EQ(OpenCheckpoint(note, Key(5).public_key).status().code(), StatusCode::kDataLoss);
}

TEST(Checkpoint, ForeignSignatureLinesAreIgnored) {
  SigningKey k = Key(6);
  std::string note = *SignCheckpoint(Sample(), k);
  std::string with_witness = note + "\xe2\x80\x94 witness.example " + Base64Encode(std::string(68, 'w')) + "\n";
  EXPECT_TRUE(OpenCheckpoint(with_witness, k.public_key).ok());
}

TEST(Checkpoint, MalformedNotesAreDataLoss) {
  SigningKey k = Key(7);
  EXPECT_EQ(OpenCheckpoint("ndc\n1\n", k.public_key).status().code(), StatusCode::kDataLoss);
  std::string body = CheckpointBody(Sample());
  EXPECT_EQ(OpenCheckpoint(body + "\n", k.public_key).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(OpenCheckpoint(body + "\n-- x y\n", k.public_key).status().code(), StatusCode::kDataLoss);
}

TEST(Checkpoint, BodyParserRefusesNonCanonicalSizes) {
  EXPECT_EQ(ParseCheckpointBody("o\n012\nAAAA\n").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseCheckpointBody("o\n1\n" + Base64Encode(std::string(31, 'a')) + "\n").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseCheckpointBody("o o\n1\n" + Base64Encode(std::string(32, 'a')) + "\n").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(ParseCheckpointBody("o\n0\n" + Base64Encode(std::string(32, 'a')) + "\n").ok());
}

TEST(SigningKey, LoadsWhatInitWrites) {
  SigningKey k = Key(8);
  std::string path = ::testing::TempDir() + "/signing.key";
  std::ofstream(path) << Base64Encode(k.secret_key) << "\n";
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  auto loaded = LoadSigningKey(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->public_key, k.public_key);
  EXPECT_EQ(LoadSigningKey(path + ".missing").status().code(), StatusCode::kNotFound);
  std::ofstream(path) << Base64Encode(std::string(64, 'x')) << "\n";
  EXPECT_EQ(LoadSigningKey(path).status().code(), StatusCode::kInvalidArgument);
}

// A key others can read is refused with what to do, whatever else is right about it.
TEST(SigningKey, RefusesAKeyOpenToTheGroupOrOthers) {
  SigningKey k = Key(9);
  std::string path = ::testing::TempDir() + "/open-signing.key";
  std::ofstream(path) << Base64Encode(k.secret_key) << "\n";
  for (mode_t mode : {0644, 0640, 0604, 0660, 0606}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    auto loaded = LoadSigningKey(path);
    EXPECT_EQ(loaded.status().code(), StatusCode::kFailedPrecondition) << std::oct << mode;
    EXPECT_NE(loaded.status().message().find("chmod 600"), std::string::npos) << loaded.status().ToString();
  }
  for (mode_t mode : {0600, 0400}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    EXPECT_TRUE(LoadSigningKey(path).ok()) << std::oct << mode;
  }
}

}  // namespace
}  // namespace ndc::audit

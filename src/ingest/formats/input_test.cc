#include "ingest/formats/input.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <fstream>

#include "common/crypto.h"
#include "ingest/formats/testing/test_sources.h"

namespace ndc::ingest {
namespace {

// One gzip member of `data`, made with zlib.
std::string Gzip(std::string_view data) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// Everything `source` returns, read `n` bytes at a time.
Result<std::string> ReadAll(ByteSource& source, size_t n = 4096) {
  std::string out, buf(n, '\0');
  for (;;) {
    ASSIGN_OR_RETURN(size_t got, source.Read(buf.data(), n));
    if (got == 0) return out;
    out.append(buf.data(), got);
  }
}

std::string SomeText() {
  std::string s;
  for (int i = 0; i < 5000; ++i) s += "dòng " + std::to_string(i) + ",Nguyễn Văn A,1990-01-01\n";
  return s;
}

std::string TempFile(const std::string& name, const std::string& content) {
  std::string path = ::testing::TempDir() + "/ingest_formats_" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TEST(MemorySource, ReturnsItsBytesThenZero) {
  auto s = MemorySource("hello");
  char buf[3];
  EXPECT_EQ(*s->Read(buf, 3), 3u);
  EXPECT_EQ(*s->Read(buf, 3), 2u);
  EXPECT_EQ(*s->Read(buf, 3), 0u);
  EXPECT_EQ(s->consumed(), 5);
  EXPECT_EQ(s->total(), 5);
}

TEST(FileSource, ReadsAFileAndKnowsItsSize) {
  auto s = OpenFileSource(TempFile("plain.csv", "a,b\n1,2\n"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->total(), 8);
  EXPECT_EQ(*ReadAll(**s), "a,b\n1,2\n");
  EXPECT_EQ((*s)->consumed(), 8);
}

TEST(FileSource, MissingFileIsNotFound) {
  auto s = OpenFileSource("/nonexistent/x.csv");
  EXPECT_EQ(s.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(s.status().message(), "cannot open '/nonexistent/x.csv': No such file or directory");
}

TEST(FileSource, DirectoryIsInvalidArgument) {
  EXPECT_EQ(OpenFileSource(::testing::TempDir()).status().code(), StatusCode::kInvalidArgument);
}

TEST(FileSource, UnreadableFileIsPermissionDenied) {
  std::string path = TempFile("secret.csv", "x");
  ASSERT_EQ(chmod(path.c_str(), 0), 0);
  if (geteuid() != 0) {
    EXPECT_EQ(OpenFileSource(path).status().code(), StatusCode::kPermissionDenied);
    return;
  }
  // Root reads any file: check from a child that has given up root (user nobody).
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(2);
    _exit(OpenFileSource(path).status().code() == StatusCode::kPermissionDenied ? 0 : 1);
  }
  int wstatus = 0;
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  ASSERT_TRUE(WIFEXITED(wstatus));
  EXPECT_EQ(WEXITSTATUS(wstatus), 0) << "2: could not drop privileges; 1: not kPermissionDenied";
}

TEST(GzipSource, DecompressesInAnyReadSize) {
  std::string text = SomeText();
  std::string gz = Gzip(text);
  for (size_t chunk : {1, 7, 4096, 1 << 20}) {
    auto s = GzipSource(testing::Chunked(gz, chunk));
    EXPECT_EQ(*ReadAll(*s, chunk), text) << chunk;
    EXPECT_EQ(s->consumed(), static_cast<int64_t>(gz.size()));  // compressed bytes
  }
}

TEST(GzipSource, ConcatenatedMembersAreOneStream) {
  auto s = GzipSource(MemorySource(Gzip("first\n") + Gzip("") + Gzip("second\n")));
  EXPECT_EQ(*ReadAll(*s), "first\nsecond\n");
}

TEST(GzipSource, TruncatedInputIsInvalidArgument) {
  std::string gz = Gzip(SomeText());
  auto s = GzipSource(MemorySource(gz.substr(0, gz.size() - 4)));  // the size trailer is missing
  EXPECT_EQ(ReadAll(*s).status(),
            InvalidArgumentError("gzip: truncated input at byte " + std::to_string(gz.size() - 4)));
  for (size_t cut : {0ul, 1ul, 5ul, gz.size() / 2}) {
    auto t = GzipSource(MemorySource(gz.substr(0, cut)));
    EXPECT_EQ(ReadAll(*t).status().code(), StatusCode::kInvalidArgument) << cut;
  }
}

TEST(GzipSource, CorruptDataNamesTheByte) {
  std::string gz = Gzip("some text that compresses\n");
  gz[2] = 7;  // compression method: only 8 (deflate) exists; zlib has read 4 bytes when it sees that
  auto s = GzipSource(MemorySource(gz));
  EXPECT_EQ(ReadAll(*s).status(),
            InvalidArgumentError("gzip: corrupt data at byte 4 (unknown compression method)"));
}

TEST(GzipSource, WrongChecksumIsCorrupt) {
  std::string gz = Gzip("checked text\n");
  gz[gz.size() - 6] ^= 1;  // CRC-32
  auto s = GzipSource(MemorySource(gz));
  EXPECT_EQ(ReadAll(*s).status().message().substr(0, 27), "gzip: corrupt data at byte ");
}

TEST(GzipSource, TrailingGarbageIsCorrupt) {
  auto s = GzipSource(MemorySource(Gzip("x\n") + "not gzip"));
  EXPECT_EQ(ReadAll(*s).status().code(), StatusCode::kInvalidArgument);
}

TEST(GzipSource, ACompressionBombIsRefusedPastItsFreeBytes) {
  const std::string bomb(4 << 20, 'a');  // ~4,000 times smaller compressed
  const std::string gz = Gzip(bomb);
  auto s = GzipSource(MemorySource(gz), GzipLimits{1 << 20, 200});
  Result<std::string> all = ReadAll(*s);
  ASSERT_EQ(all.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(all.status().message().find("compression bomb"), std::string::npos) << all.status().ToString();
  // The same bytes within the free allowance, and ordinary text of any size, pass.
  EXPECT_EQ(*ReadAll(*GzipSource(MemorySource(gz), GzipLimits{8 << 20, 200})), bomb);
  std::string text;
  while (text.size() < (2 << 20)) text += SomeText();
  EXPECT_EQ(*ReadAll(*GzipSource(MemorySource(Gzip(text)), GzipLimits{1 << 20, 200})), text);
}

// With the default limits a bomb is refused within its first few MiB of output, and an ordinary
// file of any size passes.
TEST(GzipSource, TheDefaultLimitsRefuseABombEarly) {
  const std::string gz = Gzip(std::string(64 << 20, '1'));
  Result<std::string> all = ReadAll(*GzipSource(MemorySource(gz)));
  ASSERT_EQ(all.status().code(), StatusCode::kInvalidArgument);
  // "gzip: N compressed bytes gave M bytes, ...": M is the output when it was refused.
  const std::string& m = all.status().message();
  const size_t gave = m.find(" bytes gave ");
  ASSERT_NE(gave, std::string::npos) << m;
  const int64_t produced = std::stoll(m.substr(gave + 12));
  EXPECT_GT(produced, int64_t{4} << 20);
  EXPECT_LT(produced, int64_t{5} << 20) << m;
  std::string text;
  while (text.size() < (12 << 20)) text += SomeText();
  EXPECT_EQ(*ReadAll(*GzipSource(MemorySource(Gzip(text)))), text);
}

TEST(AutoDecompress, RecognizesGzipByItsMagic) {
  std::string gz = Gzip("a,b\n");
  auto s = AutoDecompress(testing::Chunked(gz, 1));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*ReadAll(**s), "a,b\n");
}

TEST(AutoDecompress, PassesOtherInputThrough) {
  for (std::string in : {"", "x", "\x1f",
                         "\x1f"
                         "a rest",
                         "plain,csv\n"}) {
    auto s = AutoDecompress(testing::Chunked(in, 1));
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(*ReadAll(**s), in);
  }
}

TEST(AutoDecompress, SourceErrorIsReturned) {
  auto s = AutoDecompress(std::make_unique<testing::FailingSource>("", UnavailableError("gone")));
  EXPECT_EQ(s.status(), UnavailableError("gone"));
}

TEST(HashingSource, DigestIsSha256OfWhatPassedThrough) {
  HashingSource empty(MemorySource(""));
  EXPECT_EQ(*ReadAll(empty), "");
  EXPECT_EQ(empty.digest(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  HashingSource abc(testing::Chunked("abc", 1));
  EXPECT_EQ(*ReadAll(abc), "abc");
  EXPECT_EQ(abc.digest(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(HashingSource, OverGzipHashesTheDecompressedBytes) {
  std::string text = SomeText();
  HashingSource s(GzipSource(MemorySource(Gzip(text))));
  EXPECT_EQ(*ReadAll(s, 1000), text);
  EXPECT_EQ(s.digest(), HexEncode(Sha256(text)));
  EXPECT_EQ(s.digest(), s.digest());  // stable after the end
}

}  // namespace
}  // namespace ndc::ingest

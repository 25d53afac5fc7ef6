#include "api/body_spool.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace ndc::api {
namespace {

namespace fs = std::filesystem;

class BodySpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/ndc-spool-XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    base_ = templ;
    dir_ = base_ + "/spool";
  }
  void TearDown() override { fs::remove_all(base_); }
  std::string base_, dir_;
};

TEST_F(BodySpoolTest, CreatesTheDirectoryPrivateAndFilesInIt) {
  ASSERT_EQ(*PrepareSpoolDir(dir_), 0);
  EXPECT_EQ(fs::status(dir_).permissions(), fs::perms::owner_all);
  auto f = CreateSpoolFile(dir_);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(write(f->fd, "abc", 3), 3);
  close(f->fd);
  EXPECT_EQ(fs::path(f->path).parent_path(), dir_);
  EXPECT_EQ(fs::file_size(f->path), 3u);
  EXPECT_EQ(fs::status(f->path).permissions(), fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(BodySpoolTest, RemovesOnlyFilesOfProcessesThatAreGone) {
  ASSERT_TRUE(PrepareSpoolDir(dir_).ok());
  auto mine = CreateSpoolFile(dir_);
  ASSERT_TRUE(mine.ok());
  close(mine->fd);
  // pid 1 is alive; pid 2^22 + 1 is above Linux's pid_max, so no process has it.
  for (const char* name : {"upload-1-aaaaaa", "upload-4194305-bbbbbb", "notes.txt"})
    std::ofstream(dir_ + "/" + name);
  EXPECT_EQ(*PrepareSpoolDir(dir_), 1);
  EXPECT_TRUE(fs::exists(mine->path));
  EXPECT_TRUE(fs::exists(dir_ + "/upload-1-aaaaaa"));
  EXPECT_FALSE(fs::exists(dir_ + "/upload-4194305-bbbbbb"));
  EXPECT_TRUE(fs::exists(dir_ + "/notes.txt"));
}

TEST_F(BodySpoolTest, MissingDirectoryIsAnError) {
  EXPECT_EQ(CreateSpoolFile(dir_ + "/absent").status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace ndc::api

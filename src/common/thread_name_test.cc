#include "common/thread_name.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <string>
#include <thread>

namespace ndc {
namespace {

std::string NameOfThisThread() {
  char name[64] = {};
  EXPECT_EQ(pthread_getname_np(pthread_self(), name, sizeof name), 0);
  return name;
}

TEST(ThreadNameTest, NamesTheCallingThreadOnly) {
  const std::string before = NameOfThisThread();
  std::string seen;
  std::thread t([&] {
    SetThreadName("ndc-test");
    seen = NameOfThisThread();
  });
  t.join();
  EXPECT_EQ(seen, "ndc-test");
  EXPECT_EQ(NameOfThisThread(), before);
}

TEST(ThreadNameTest, CutsLongNamesToWhatLinuxKeeps) {
  std::string seen;
  std::thread t([&] {
    SetThreadName("ndc-a-name-longer-than-fifteen-bytes");
    seen = NameOfThisThread();
  });
  t.join();
  EXPECT_EQ(seen, "ndc-a-name-long");  // 15 bytes: a longer name would be refused, not cut, by the kernel
}

}  // namespace
}  // namespace ndc

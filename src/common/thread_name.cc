#include "common/thread_name.h"

#include <pthread.h>

#include <string>

namespace ndc {

void SetThreadName(std::string_view name) {
  constexpr size_t kMaxName = 15;  // the kernel's TASK_COMM_LEN, less the terminating NUL
  const std::string cut(name.substr(0, kMaxName));
  (void)pthread_setname_np(pthread_self(), cut.c_str());
}

}  // namespace ndc

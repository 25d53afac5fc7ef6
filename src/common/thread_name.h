// Names the calling thread, so that `top -H`, `ps -L`, gdb and perf show what each of an ndc
// process's threads is (an HTTP worker, the audit committer, a checkpointer) instead of
// "ndc" for every one. Linux keeps at most 15 bytes of a name: longer names are cut there.
// Best effort: a failure is ignored (the name is only ever shown, never used). Thread-safe.
#pragma once

#include <string_view>

namespace ndc {

void SetThreadName(std::string_view name);

}  // namespace ndc

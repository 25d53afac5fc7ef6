// ndc version
#include <iostream>

#include "api/service.h"
#include "cli/commands.h"

namespace ndc::cli {

void RegisterVersion(CLI::App* app, int* exit_code) {
  auto* cmd = app->add_subcommand("version", "Print the version of this binary");
  cmd->callback([=] {
    std::cout << "ndc " << api::NdcVersion() << "\n";
    *exit_code = 0;
  });
}

}  // namespace ndc::cli

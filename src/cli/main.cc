// ndc: the one binary of the National Data Center platform.
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "api/service.h"
#include "cli/commands.h"
#include "common/log.h"

int main(int argc, char** argv) {
  CLI::App app{
      "NDC — National Data Center platform: integrate agency datasets, link them into a person\n"
      "repository, share data under the law, audit every access, analyse without exposing anyone.\n\n"
      "Start here:  ndc init --data DIR   then   ndc serve --data DIR\n"
      "Every subcommand has --help. Configuration: flags > NDC_* environment > <data>/ndc.toml."};
  app.name("ndc");
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every subcommand");
  int exit_code = 0;
  ndc::cli::RegisterInit(&app, &exit_code);
  ndc::cli::RegisterServe(&app, &exit_code);
  ndc::cli::RegisterAgency(&app, &exit_code);
  ndc::cli::RegisterAgreement(&app, &exit_code);
  ndc::cli::RegisterDataset(&app, &exit_code);
  ndc::cli::RegisterIngest(&app, &exit_code);
  ndc::cli::RegisterBatch(&app, &exit_code);
  ndc::cli::RegisterRecord(&app, &exit_code);
  ndc::cli::RegisterEvents(&app, &exit_code);
  ndc::cli::RegisterConnector(&app, &exit_code);
  ndc::cli::RegisterKey(&app, &exit_code);
  ndc::cli::RegisterAudit(&app, &exit_code);
  ndc::cli::RegisterBackup(&app, &exit_code);
  ndc::cli::RegisterDatagen(&app, &exit_code);
  ndc::cli::RegisterLink(&app, &exit_code);
  ndc::cli::RegisterPerson(&app, &exit_code);
  ndc::cli::RegisterVersion(&app, &exit_code);
  app.set_version_flag("--version", "ndc " + std::string(ndc::api::NdcVersion()));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help, --help-all, --version; but `ndc backup --help`, a word that is no command, says so
    // (it printed the top-level help and exited 0, as if `backup` existed).
    if (e.get_exit_code() == 0 && !ndc::cli::NamesUnknownCommand(app)) return app.exit(e);
    if (e.get_exit_code() == 0) return ndc::cli::ReportUsageError(app, CLI::RequiredError("A subcommand"));
    return ndc::cli::ReportUsageError(app, e);
  } catch (const std::exception& e) {  // a bug: say so plainly instead of aborting
    std::cerr << "ndc: internal error: " << e.what() << "\n";
    return 1;
  }
  return exit_code;
}

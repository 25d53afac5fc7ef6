// The `ndc` subcommands. Each Register* adds one subcommand (with its own --help) to the app and
// sets its callback; callbacks store their exit code in *exit_code. docs/cli.md documents them.
#pragma once

#include <memory>
#include <vector>

#include <CLI/CLI.hpp>

namespace ndc::cli {

// The state a subcommand's options write into. CLI11 keeps pointers to it until the process
// ends, so it is owned here (and freed at exit, which keeps leak checkers quiet).
template <typename T>
T* NewCommandState() {
  static std::vector<std::unique_ptr<T>> states;
  states.push_back(std::make_unique<T>());
  return states.back().get();
}

void RegisterInit(CLI::App* app, int* exit_code);
void RegisterServe(CLI::App* app, int* exit_code);
void RegisterAgency(CLI::App* app, int* exit_code);
void RegisterAgreement(CLI::App* app, int* exit_code);
void RegisterDataset(CLI::App* app, int* exit_code);
void RegisterKey(CLI::App* app, int* exit_code);
void RegisterVersion(CLI::App* app, int* exit_code);
void RegisterAudit(CLI::App* app, int* exit_code);
void RegisterBackup(CLI::App* app, int* exit_code);
void RegisterDatagen(CLI::App* app, int* exit_code);
void RegisterIngest(CLI::App* app, int* exit_code);
void RegisterBatch(CLI::App* app, int* exit_code);
void RegisterRecord(CLI::App* app, int* exit_code);
void RegisterEvents(CLI::App* app, int* exit_code);
void RegisterConnector(CLI::App* app, int* exit_code);
// Creates the `link` group (`ndc link files`); hub-mode subcommands fetch it with app->get_subcommand("link").
void RegisterLink(CLI::App* app, int* exit_code);
// `ndc link run|config`, `ndc person`, `ndc review`, `ndc discrepancies` (cmd_person.cc); after RegisterLink.
void RegisterPerson(CLI::App* app, int* exit_code);

// A parse error of the command line (an unknown flag or command, a missing or invalid value):
// prints `ndc: error: <what>; see `<command> --help` [INVALID_ARGUMENT]` — naming an unknown
// command and listing the valid ones — and returns exit code 2 (docs/cli.md, "Exit codes").
int ReportUsageError(CLI::App& app, const CLI::ParseError& error);
// After --help: whether the words before it name a command that does not exist (`ndc backup
// --help`), which then deserves ReportUsageError's answer rather than the help of its parent.
bool NamesUnknownCommand(CLI::App& app);

}  // namespace ndc::cli

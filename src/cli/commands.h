// The `ndc` subcommands. Each Register* adds one subcommand (with its own --help) to the app and
// sets its callback; callbacks store their exit code in *exit_code. docs/cli.md documents them.
#pragma once

#include <CLI/CLI.hpp>

namespace ndc::cli {

void RegisterInit(CLI::App* app, int* exit_code);
void RegisterServe(CLI::App* app, int* exit_code);
void RegisterAgency(CLI::App* app, int* exit_code);
void RegisterDataset(CLI::App* app, int* exit_code);
void RegisterKey(CLI::App* app, int* exit_code);
void RegisterVersion(CLI::App* app, int* exit_code);

}  // namespace ndc::cli

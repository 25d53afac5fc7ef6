// ReportUsageError: what `ndc` says when its command line cannot be parsed.
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.h"

namespace ndc::cli {

int ReportUsageError(CLI::App& app, const CLI::ParseError& error) {
  // The deepest command the words named before the error.
  CLI::App* at = &app;
  while (!at->get_subcommands().empty()) at = at->get_subcommands().front();
  std::string path;
  for (const CLI::App* a = at; a != nullptr; a = a->get_parent()) {
    path = path.empty() ? a->get_name() : a->get_name() + " " + path;
  }
  std::string what = error.what();
  std::vector<CLI::App*> commands = at->get_subcommands([](CLI::App*) { return true; });
  if (!commands.empty() && at->get_subcommands().empty() && at->get_require_subcommand_min() > 0) {
    // CLI11 says "A subcommand is required" also for a mistyped one: name the word, list the rest.
    std::vector<std::string> names;
    for (const CLI::App* c : commands) names.push_back(c->get_name());
    std::vector<std::string> rest = at->remaining();
    if (rest.empty() || rest.front().empty()) {
      what = fmt::format("`{}` needs a command", path);
    } else if (rest.front()[0] == '-') {
      what = fmt::format("'{}' is not an option of `{}` (options go after the command)", rest.front(), path);
    } else {
      what = fmt::format("'{}' is not a command of `{}`", rest.front(), path);
    }
    what += fmt::format("; the commands are: {}", fmt::join(names, ", "));
  }
  std::cerr << fmt::format("ndc: error: {}; see `{} --help` [INVALID_ARGUMENT]\n", what, path);
  return 2;
}

}  // namespace ndc::cli

// ReportUsageError: what `ndc` says when its command line cannot be parsed.
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.h"

namespace ndc::cli {

bool NamesUnknownCommand(CLI::App& app) {
  CLI::App* at = &app;
  while (!at->get_subcommands().empty()) at = at->get_subcommands().front();
  if (at->get_subcommands([](CLI::App*) { return true; }).empty() || at->get_require_subcommand_min() == 0) {
    return false;
  }
  const std::vector<std::string> rest = at->remaining();
  return !rest.empty() && !rest.front().empty() && rest.front()[0] != '-';
}

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
  if (at != &app && what.starts_with("The following argument")) {
    // `ndc --data x dataset list`: the command's options were given before its name, where CLI11
    // leaves them over as "not expected" words although the command has them.
    const std::string listed = what.substr(what.find(": ") == std::string::npos ? what.size() : what.find(": ") + 2);
    std::vector<std::string> words;
    for (size_t i = 0; i < listed.size();) {
      const size_t space = std::min(listed.find(' ', i), listed.size());
      words.push_back(listed.substr(i, space - i));
      i = space + 1;
    }
    for (const std::string& word : words) {
      if (word.size() < 2 || word[0] != '-') continue;
      const std::string name = word.substr(0, word.find('='));
      if (at->get_option_no_throw(name) != nullptr) {
        what = fmt::format("'{}' is an option of `{}` and goes after the command's name: `{} {} ...`", name, path,
                           path, name);
        break;
      }
    }
  }
  std::cerr << fmt::format("ndc: error: {}; see `{} --help` [INVALID_ARGUMENT]\n", what, path);
  return 2;
}

}  // namespace ndc::cli

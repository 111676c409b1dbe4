#pragma once
/// CLI11 definitions of `consume` and `publish` (kept apart from parse.cpp).
#include <CLI/CLI.hpp>

#include "biosense/cli/invocation.hpp"

namespace biosense::cli {

/// Raw strings that need checking after CLI11 has parsed them.
struct PublishFlags {
  std::string ids;
};

CLI::App* add_consume(CLI::App& app, ConsumeOptions& o);
CLI::App* add_publish(CLI::App& app, PublishOptions& o, PublishFlags& flags);
/// Fills o.ids from flags; throws CLI::ValidationError for bad values.
void finish_publish(PublishOptions& o, const PublishFlags& flags);

}  // namespace biosense::cli

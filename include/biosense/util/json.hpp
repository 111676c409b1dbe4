#pragma once
/// Minimal JSON output helpers: enough for our own flat records, no parser.
#include <string>
#include <string_view>

namespace biosense::json {

/// `s` as a quoted JSON string, with control characters and quotes escaped
/// and invalid UTF-8 bytes replaced by U+FFFD.
std::string quote(std::string_view s);

/// A finite double with up to `digits` decimals; NaN/inf become null.
std::string number(double value, int digits = 6);

}  // namespace biosense::json

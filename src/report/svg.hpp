#pragma once
/// Charts as inline SVG text (no script, no external reference, no xmlns:
/// inline SVG in HTML5 needs none). Each function returns exactly one
/// <svg> element sized by its viewBox, so it scales to the page and prints.
#include <string>
#include <utility>
#include <vector>

namespace biosense::report::svg {

/// Text safe inside an HTML/SVG element or a quoted attribute.
std::string escape(const std::string& text);

struct Series {
  std::string label;
  std::string color;           ///< CSS colour, e.g. "#2e7d32"
  std::vector<double> values;  ///< one per x label
};

/// Vertical bars, one per x label, each stacked from the series in order.
/// Labels left empty are not shown; with none empty, some are picked.
std::string stacked_bars(const std::vector<std::string>& x_labels, const std::vector<Series>& series,
                         const std::string& y_title);

/// Horizontal bars of values in [0, 100] (percent), one per label, with the
/// value printed at the end of the bar; `colors` one per bar.
std::string percent_bars(const std::vector<std::string>& labels, const std::vector<double>& values,
                         const std::vector<std::string>& colors);

/// A step line: values[i] holds from xs[i] until xs[i + 1]; xs ascending
/// (e.g. seconds) and placed to scale, as are the labelled `ticks`.
std::string step_line(const std::vector<double>& xs, const std::vector<double>& values,
                      const std::vector<std::pair<double, std::string>>& ticks, const std::string& y_title,
                      const std::string& color);

/// A legend as an HTML list of colour swatches (outside the SVG).
std::string legend(const std::vector<Series>& series);

}  // namespace biosense::report::svg

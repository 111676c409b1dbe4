#include "svg.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace biosense::report::svg {
namespace {

constexpr double kWidth = 900, kHeight = 280;
constexpr double kLeft = 60, kRight = 40, kTop = 12, kBottom = 48;
constexpr double kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;
constexpr int kYTicks = 4;
constexpr std::size_t kMaxXLabels = 8;

/// The smallest 1, 2 or 5 x 10^k at or above `v`; at least kYTicks, so
/// small counts get whole-number ticks.
double nice_ceiling(double v) {
  if (v <= kYTicks) return kYTicks;
  const double magnitude = std::pow(10.0, std::floor(std::log10(v)));
  for (double step : {1.0, 2.0, 5.0, 10.0})
    if (step * magnitude >= v) return step * magnitude;
  return 10 * magnitude;
}

std::string number(double v) { return v == std::floor(v) ? fmt::format("{:.0f}", v) : fmt::format("{:.1f}", v); }

std::string open_svg(const std::string& label, double height = kHeight) {
  return fmt::format(R"(<svg viewBox="0 0 {} {}" role="img" aria-label="{}" class="chart">)", kWidth, height,
                     escape(label));
}

/// Horizontal grid lines and their values, from 0 to `top`.
std::string y_axis(double top, const std::string& title) {
  std::string out;
  for (int i = 0; i <= kYTicks; ++i) {
    const double value = top * i / kYTicks, y = kTop + kPlotH - kPlotH * i / kYTicks;
    out += fmt::format(R"(<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" class="grid"/>)", kLeft, y, kLeft + kPlotW, y);
    out += fmt::format(R"(<text x="{}" y="{:.1f}" class="tick" text-anchor="end">{}</text>)", kLeft - 6, y + 4,
                       number(value));
  }
  out += fmt::format(
      R"svg(<text x="14" y="{:.1f}" class="axis" transform="rotate(-90 14 {:.1f})" text-anchor="middle">{}</text>)svg",
      kTop + kPlotH / 2, kTop + kPlotH / 2, escape(title));
  return out;
}

/// Labels under slots of width `slot`: every non-empty one when the caller
/// blanked some (it chose which to show), else at most kMaxXLabels, evenly
/// spread.
std::string x_labels(const std::vector<std::string>& labels, double slot) {
  std::string out;
  const bool chosen = std::any_of(labels.begin(), labels.end(), [](const std::string& l) { return l.empty(); });
  const std::size_t every = chosen ? 1 : std::max<std::size_t>(1, (labels.size() + kMaxXLabels - 1) / kMaxXLabels);
  for (std::size_t i = 0; i < labels.size(); i += every) {
    if (labels[i].empty()) continue;
    out += fmt::format(R"(<text x="{:.1f}" y="{}" class="tick" text-anchor="middle">{}</text>)",
                       kLeft + slot * (static_cast<double>(i) + 0.5), kTop + kPlotH + 18, escape(labels[i]));
  }
  return out;
}

std::string no_data(double height = kHeight) {
  return fmt::format(R"(<text x="{}" y="{}" class="empty" text-anchor="middle">no data in this window</text>)",
                     kWidth / 2, height / 2);
}

}  // namespace

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string stacked_bars(const std::vector<std::string>& labels, const std::vector<Series>& series,
                         const std::string& y_title) {
  std::string out = open_svg(y_title);
  if (labels.empty()) return out + no_data() + "</svg>";
  std::vector<double> totals(labels.size(), 0);
  for (const auto& s : series)
    for (std::size_t i = 0; i < labels.size() && i < s.values.size(); ++i) totals[i] += s.values[i];
  const double top = nice_ceiling(*std::max_element(totals.begin(), totals.end()));
  const double slot = kPlotW / static_cast<double>(labels.size());
  out += y_axis(top, y_title);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    double base = 0;
    for (const auto& s : series) {
      const double v = i < s.values.size() ? s.values[i] : 0;
      if (v <= 0) continue;
      const double h = kPlotH * v / top, y = kTop + kPlotH - kPlotH * (base + v) / top;
      out += fmt::format(
          R"(<rect x="{:.2f}" y="{:.2f}" width="{:.2f}" height="{:.2f}" fill="{}"><title>{} {}: {}</title></rect>)",
          kLeft + slot * static_cast<double>(i) + slot * 0.1, y, slot * 0.8, h, s.color, escape(labels[i]),
          escape(s.label), number(v));
      base += v;
    }
  }
  return out + x_labels(labels, slot) + "</svg>";
}

std::string percent_bars(const std::vector<std::string>& labels, const std::vector<double>& values,
                         const std::vector<std::string>& colors) {
  constexpr double kRow = 22, kLabelW = 220;
  const double height = std::max(60.0, kTop + kRow * static_cast<double>(labels.size()) + 28);
  std::string out = open_svg("success rate per agent, percent", height);
  if (labels.empty()) return out + no_data(height) + "</svg>";
  const double plot_w = kWidth - kLabelW - 70, bottom = kTop + kRow * static_cast<double>(labels.size());
  for (int pct = 0; pct <= 100; pct += 25) {
    const double x = kLabelW + plot_w * pct / 100.0;
    out += fmt::format(R"(<line x1="{:.1f}" y1="{}" x2="{:.1f}" y2="{}" class="grid"/>)", x, kTop, x, bottom);
    out += fmt::format(R"(<text x="{:.1f}" y="{}" class="tick" text-anchor="middle">{}%</text>)", x, bottom + 16, pct);
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double y = kTop + kRow * static_cast<double>(i), w = plot_w * std::clamp(values[i], 0.0, 100.0) / 100.0;
    out += fmt::format(R"(<text x="{}" y="{:.1f}" class="label" text-anchor="end">{}</text>)", kLabelW - 8,
                       y + kRow * 0.68, escape(labels[i]));
    out += fmt::format(R"(<rect x="{}" y="{:.1f}" width="{:.2f}" height="{:.1f}" fill="{}"/>)", kLabelW, y + 3, w,
                       kRow - 6, colors[i]);
    out += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" class="value">{:.1f}%</text>)", kLabelW + w + 6, y + kRow * 0.68,
                       values[i]);
  }
  return out + "</svg>";
}

std::string step_line(const std::vector<double>& xs, const std::vector<double>& values,
                      const std::vector<std::pair<double, std::string>>& ticks, const std::string& y_title,
                      const std::string& color) {
  std::string out = open_svg(y_title);
  if (xs.empty()) return out + no_data() + "</svg>";
  const double top = nice_ceiling(*std::max_element(values.begin(), values.end()));
  const double first = xs.front(), span = xs.back() > first ? xs.back() - first : 1.0;
  out += y_axis(top, y_title);
  const auto x = [&](double at) { return kLeft + kPlotW * (at - first) / span; };
  const auto y = [&](double v) { return kTop + kPlotH - kPlotH * v / top; };
  std::string path = fmt::format("M{:.2f},{:.2f}", x(xs[0]), y(values[0]));
  for (std::size_t i = 1; i < values.size(); ++i) path += fmt::format(" H{:.2f} V{:.2f}", x(xs[i]), y(values[i]));
  if (values.size() == 1) path += fmt::format(" H{:.2f}", kLeft + kPlotW);
  out += fmt::format(R"(<path d="{} V{:.2f} H{:.2f} Z" fill="{}" fill-opacity="0.15" stroke="none"/>)", path, y(0),
                     x(xs[0]), color);
  out += fmt::format(R"(<path d="{}" fill="none" stroke="{}" stroke-width="2"/>)", path, color);
  for (const auto& [at, label] : ticks) {
    if (at < first || at > first + span) continue;
    out += fmt::format(R"(<line x1="{0:.1f}" y1="{1}" x2="{0:.1f}" y2="{2}" class="grid"/>)", x(at), kTop + kPlotH,
                       kTop + kPlotH + 4);
    out += fmt::format(R"(<text x="{:.1f}" y="{}" class="tick" text-anchor="middle">{}</text>)", x(at),
                       kTop + kPlotH + 18, escape(label));
  }
  return out + "</svg>";
}

std::string legend(const std::vector<Series>& series) {
  std::string out = R"(<ul class="legend">)";
  for (const auto& s : series)
    out += fmt::format(R"(<li><span class="swatch" style="background:{}"></span>{}</li>)", s.color, escape(s.label));
  return out + "</ul>";
}

}  // namespace biosense::report::svg

// Title text rules of Python's textwrap and HyperSpy's plot_images (label='auto').
#include <algorithm>
#include <string>
#include <vector>

#include "hyperchunk/plot/plot.h"

namespace hyperchunk::plot {
namespace {

// textwrap's whitespace: each such character counts as one space.
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }
// [^\d\W] of textwrap's pattern: letters and '_' (bytes of non-ASCII characters count as letters).
bool IsLetter(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Length in characters (code points) of UTF-8 text, as Python counts it.
size_t CharCount(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) { return !IsContinuation(c); }));
}

// Byte offset of character `chars` (or the size when the text is shorter).
size_t ByteOffset(const std::string& text, size_t chars) {
  size_t offset = 0;
  for (size_t seen = 0; offset < text.size(); ++offset) {
    if (!IsContinuation(text[offset])) {
      if (seen == chars) return offset;
      ++seen;
    }
  }
  return offset;
}

// textwrap's "hyphenated word" rule: a word may break after the '-' at `pos` when two letters (or
// letter-hyphen-letter) come before it and a letter, an optional '-', and a letter follow.
bool BreaksAfterHyphen(const std::string& s, size_t pos) {
  auto at = [&](size_t i) { return i < s.size() ? s[i] : ' '; };
  const bool before = (pos >= 2 && IsLetter(s[pos - 2]) && IsLetter(s[pos - 1])) ||
                      (pos >= 3 && IsLetter(s[pos - 3]) && s[pos - 2] == '-' && IsLetter(s[pos - 1]));
  const bool after = IsLetter(at(pos + 1)) && (IsLetter(at(pos + 2)) || (at(pos + 2) == '-' && IsLetter(at(pos + 3))));
  return before && after;
}

// Whitespace runs and words, words split after their breakable hyphens.
std::vector<std::string> Chunks(const std::string& text) {
  std::vector<std::string> chunks;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = pos + 1;
    if (IsSpace(text[pos])) {
      while (end < text.size() && IsSpace(text[end])) ++end;
      chunks.emplace_back(end - pos, ' ');
    } else {
      while (end < text.size() && !IsSpace(text[end]) &&
             !(text[end - 1] == '-' && end - 1 > pos && BreaksAfterHyphen(text, end - 1)))
        ++end;
      chunks.push_back(text.substr(pos, end - pos));
    }
    pos = end;
  }
  return chunks;
}

bool IsBlank(const std::string& chunk) { return !chunk.empty() && IsSpace(chunk.front()); }

std::string Strip(const std::string& text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && IsSpace(text[begin])) ++begin;
  while (end > begin && IsSpace(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

}  // namespace

std::vector<std::string> WrapText(const std::string& text, size_t width) {
  width = std::max<size_t>(width, 1);
  std::vector<std::string> chunks = Chunks(text);
  std::reverse(chunks.begin(), chunks.end());  // the next chunk is at the back, as in textwrap
  std::vector<std::string> lines;
  while (!chunks.empty()) {
    std::vector<std::string> line;
    size_t length = 0;
    if (IsBlank(chunks.back()) && !lines.empty()) chunks.pop_back();
    while (!chunks.empty() && length + CharCount(chunks.back()) <= width) {
      length += CharCount(chunks.back());
      line.push_back(std::move(chunks.back()));
      chunks.pop_back();
    }
    if (!chunks.empty() && CharCount(chunks.back()) > width) {
      // A word longer than a line: break it where the line ends, or after a hyphen before that.
      std::string& word = chunks.back();
      const size_t room = width > length ? width - length : 1;
      size_t end = ByteOffset(word, room);
      const size_t hyphen = word.rfind('-', end == 0 ? 0 : end - 1);
      if (hyphen != std::string::npos && hyphen > 0 && hyphen < end && word.find_first_not_of('-') < hyphen)
        end = hyphen + 1;
      line.push_back(word.substr(0, end));
      word.erase(0, end);
      if (word.empty()) chunks.pop_back();
    }
    if (!line.empty() && IsBlank(line.back())) line.pop_back();
    if (!line.empty()) {
      std::string joined;
      for (const std::string& piece : line) joined += piece;
      lines.push_back(std::move(joined));
    }
  }
  return lines;
}

SharedTitles SplitSharedTitles(const std::vector<std::string>& titles) {
  SharedTitles result;
  if (titles.empty()) return result;
  const std::string& first = titles.front();
  const size_t length = CharCount(first);
  // For each title, how many beginnings of the first title (1..length characters) it contains.
  size_t div_num = length + 1;
  bool all_match = true;
  for (const std::string& title : titles) {
    size_t count = 1;
    for (size_t chars = 1; chars <= length; ++chars)
      if (title.find(first.substr(0, ByteOffset(first, chars))) != std::string::npos) ++count;
    all_match = all_match && count == length + 1;
    div_num = std::min(div_num, count);
  }
  std::string basename = all_match ? first : first.substr(0, ByteOffset(first, div_num - 1));
  if (all_match) div_num = length;
  if (div_num > 1) {
    basename = Strip(basename);
    if (basename.size() > 1 && basename.back() == '(') basename.pop_back();
  }
  const double namefrac = length > 0 ? static_cast<double>(CharCount(basename)) / static_cast<double>(length) : 0;
  const bool shared = namefrac > 0.4;
  if (shared) result.suptitle = basename;
  for (const std::string& title : titles) {
    if (all_match) {
      result.labels.emplace_back();
    } else if (shared) {
      result.labels.push_back(title.substr(std::min(title.size(), ByteOffset(title, div_num - 1))));
    } else {
      result.labels.push_back(title);
    }
  }
  return result;
}

}  // namespace hyperchunk::plot

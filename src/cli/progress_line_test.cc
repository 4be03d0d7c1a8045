// Tests of the terminal progress bar (include/hyperchunk/exec/progress.h). They live with the
// command, its only user so far.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "hyperchunk/exec/progress.h"

namespace hyperchunk {
namespace {

using internal::FormatProgressLine;
using internal::ProgressState;

ProgressState State(int64_t done, int64_t total, int64_t bytes, double seconds, bool finished = false) {
  ProgressState state;
  state.done_tasks = done;
  state.total_tasks = total;
  state.done_bytes = bytes;
  state.elapsed_seconds = seconds;
  state.finished = finished;
  return state;
}

TEST(ProgressLineTest, BarPercentElapsedRateEta) {
  const std::string line = FormatProgressLine(State(21, 100, int64_t{1} << 30, 2.0), 0);
  EXPECT_EQ(line.substr(0, 42), "[########                                ]");
  EXPECT_NE(line.find("|  21% | 2.00 s elapsed | 512.00 MiB/s | ETA 7.52 s"), std::string::npos) << line;
}

TEST(ProgressLineTest, FinishedShowsFullBarAndNoEta) {
  const std::string line = FormatProgressLine(State(9, 9, 0, 0.1023, true), 0);
  EXPECT_EQ(line, "[########################################] | 100% | 102.30 ms elapsed");
}

TEST(ProgressLineTest, FitsNarrowTerminals) {
  const ProgressState state = State(50, 100, int64_t{1} << 30, 3.0);
  for (int columns : {100, 79, 70, 60, 40}) {
    const std::string line = FormatProgressLine(state, columns);
    EXPECT_LE(static_cast<int>(line.size()), std::max(columns, 10 + 2 + 23)) << line;
    EXPECT_NE(line.find("50%"), std::string::npos) << line;
  }
  EXPECT_EQ(FormatProgressLine(state, 79).find("ETA"), std::string::npos);
}

TEST(ProgressLineTest, NoTasksIsZeroPercentUntilFinished) {
  EXPECT_NE(FormatProgressLine(State(0, 0, 0, 1.0), 0).find("   0%"), std::string::npos);
  EXPECT_NE(FormatProgressLine(State(0, 0, 0, 1.0, true), 0).find(" 100%"), std::string::npos);
}

std::string ReadStream(std::FILE* stream) {
  std::fflush(stream);
  std::rewind(stream);
  std::string text;
  for (int c = std::fgetc(stream); c != EOF; c = std::fgetc(stream)) text.push_back(static_cast<char>(c));
  return text;
}

TEST(TerminalProgressTest, ShortWorkDrawsNothing) {
  std::FILE* stream = std::tmpfile();
  ASSERT_NE(stream, nullptr);
  {
    auto progress = MakeTerminalProgress(stream, /*force=*/true);
    progress->Start("quick", 10, 100);
    progress->Update(10, 100);
    progress->Finish(true);
  }
  EXPECT_EQ(ReadStream(stream), "");
  std::fclose(stream);
}

TEST(TerminalProgressTest, NotATerminalDrawsNothingUnlessForced) {
  std::FILE* stream = std::tmpfile();
  ASSERT_NE(stream, nullptr);
  auto progress = MakeTerminalProgress(stream, /*force=*/false);
  progress->Start("slow", 10, 100);
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  progress->Finish(true);
  EXPECT_EQ(ReadStream(stream), "");
  std::fclose(stream);
}

TEST(TerminalProgressTest, LongWorkRedrawsThenEndsTheLine) {
  std::FILE* stream = std::tmpfile();
  ASSERT_NE(stream, nullptr);
  auto progress = MakeTerminalProgress(stream, /*force=*/true);
  progress->Start("slow", 4, 4000);
  for (int task = 1; task <= 4; ++task) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    progress->Update(task, task * 1000);
  }
  progress->Finish(true);
  const std::string text = ReadStream(stream);
  EXPECT_GE(std::count(text.begin(), text.end(), '\r'), 3) << text;
  EXPECT_EQ(text.back(), '\n');
  const std::string last = text.substr(text.rfind('\r') + 1);
  EXPECT_EQ(last.rfind("[########################################] | 100% | ", 0), 0u) << last;
  EXPECT_EQ(last.find("ETA"), std::string::npos);
  std::fclose(stream);
}

TEST(TerminalProgressTest, DestroyedWithoutFinishIsSafe) {
  std::FILE* stream = std::tmpfile();
  ASSERT_NE(stream, nullptr);
  {
    auto progress = MakeTerminalProgress(stream, /*force=*/true);
    progress->Start("abandoned", 10, 0);
    progress->Update(3, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(650));
    progress->Start("again", 10, 0);  // a new computation ends the previous bar
    progress->Update(1, 0);
  }
  const std::string text = ReadStream(stream);
  EXPECT_EQ(text.back(), '\n');
  std::fclose(stream);
}

}  // namespace
}  // namespace hyperchunk

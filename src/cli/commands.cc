// The registry of commands: one line per command.
#include "command.h"

namespace hyperchunk::cli {

std::unique_ptr<Command> MakeDemoCommand();
std::unique_ptr<Command> MakeInfoCommand();
std::unique_ptr<Command> MakeReduceCommand();

std::span<const CommandInfo> AllCommands() {
  static const CommandInfo kCommands[] = {
      {"info", "what a .hspy file holds: signal, chunks, axes, metadata (reads no data)", &MakeInfoCommand},
      {"reduce", "sum, mean, max, min, std, var, argmax or argmin over axes of a .hspy file", &MakeReduceCommand},
      {"demo", "the tutorial end to end on a generated dataset", &MakeDemoCommand},
  };
  return kCommands;
}

}  // namespace hyperchunk::cli

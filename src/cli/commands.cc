// The registry of commands: one line per command.
#include "command.h"

namespace hyperchunk::cli {

std::unique_ptr<Command> MakeDemoCommand();

std::span<const CommandInfo> AllCommands() {
  static const CommandInfo kCommands[] = {
      {"demo", "the tutorial end to end on a generated dataset", &MakeDemoCommand},
  };
  return kCommands;
}

}  // namespace hyperchunk::cli

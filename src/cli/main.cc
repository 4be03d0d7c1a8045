#include "app.h"

int main(int argc, char** argv) { return hyperchunk::cli::RunCli(argc, argv); }

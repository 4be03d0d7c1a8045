# Interface targets carrying hyperchunk's warning and sanitizer flags; linked by our own targets only.
add_library(hc_warnings INTERFACE)
target_compile_options(hc_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                             -Wold-style-cast -Wcast-align -Woverloaded-virtual
                                             -Wimplicit-fallthrough)
# GCC 12 reports false -Wrestrict overlaps inside std::string concatenation at -O2 (GCC bug 105329).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(hc_warnings INTERFACE -Wno-restrict)
endif()
if(HC_WERROR)
  target_compile_options(hc_warnings INTERFACE -Werror)
endif()

add_library(hc_sanitizers INTERFACE)
if(HC_SANITIZE)
  target_compile_options(hc_sanitizers INTERFACE -fsanitize=${HC_SANITIZE} -fno-omit-frame-pointer -g)
  target_link_options(hc_sanitizers INTERFACE -fsanitize=${HC_SANITIZE})
  if(HC_SANITIZE MATCHES "undefined")
    target_compile_options(hc_sanitizers INTERFACE -fno-sanitize-recover=undefined)
  endif()
endif()

add_library(hc_arch INTERFACE)
if(HC_NATIVE)
  target_compile_options(hc_arch INTERFACE -march=native)
endif()

# One INTERFACE target carries the project's warning, tuning and sanitizer
# flags; every biosense target links it, so no target can forget them.
add_library(biosense_options INTERFACE)
target_compile_options(biosense_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual)
if(BIOSENSE_WERROR)
  target_compile_options(biosense_options INTERFACE -Werror)
endif()
if(BIOSENSE_NATIVE)
  target_compile_options(biosense_options INTERFACE -march=native)
endif()
if(BIOSENSE_SANITIZE)
  target_compile_options(biosense_options INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
    # UBSan's vptr check needs typeinfo that Debian's libsoci does not export
    # for its internal classes (ref_counted_statement): the link fails without this.
    -fno-sanitize=vptr)
  target_link_options(biosense_options INTERFACE -fsanitize=address,undefined)
endif()

# Runs at `cmake --install` time: copies the dlib weights listed in
# models/SHA256SUMS from the machine's models folder into
# <prefix>/share/biosense/models, verifying each SHA-256. Optional: a missing
# folder or file is a warning (install them later with scripts/fetch_models.sh
# and BIOSENSE_MODELS_DIR=<prefix>/share/biosense/models); a checksum mismatch
# is an error.
#
# Folder: $BIOSENSE_MODELS_DIR, else $HOME/.cache/biosense/models (where
# scripts/setup.sh puts them). Variables set by install(CODE): SUMS_FILE.
if(DEFINED ENV{BIOSENSE_MODELS_DIR} AND NOT "$ENV{BIOSENSE_MODELS_DIR}" STREQUAL "")
  set(_from "$ENV{BIOSENSE_MODELS_DIR}")
else()
  set(_from "$ENV{HOME}/.cache/biosense/models")
endif()
set(_dest "${CMAKE_INSTALL_PREFIX}/share/biosense/models")
file(STRINGS "${SUMS_FILE}" _lines)
foreach(_line IN LISTS _lines)
  if(NOT _line MATCHES "^([0-9a-f]+)[ \t]+\\*?(.+)$")
    continue()
  endif()
  set(_sum "${CMAKE_MATCH_1}")
  set(_name "${CMAKE_MATCH_2}")
  if(NOT EXISTS "${_from}/${_name}")
    message(WARNING "biosense: model ${_name} not found in ${_from}: not installed "
                    "(run scripts/fetch_models.sh with BIOSENSE_MODELS_DIR=${_dest})")
    continue()
  endif()
  file(SHA256 "${_from}/${_name}" _actual)
  if(NOT _actual STREQUAL _sum)
    message(FATAL_ERROR "biosense: ${_from}/${_name} has SHA-256 ${_actual}, expected ${_sum}")
  endif()
  file(INSTALL "${_from}/${_name}" DESTINATION "${_dest}")
endforeach()
file(INSTALL "${SUMS_FILE}" DESTINATION "${_dest}")

# Every dependency comes from Debian's packages (scripts/setup.sh installs them).
find_package(Threads REQUIRED)
find_package(dlib REQUIRED)            # dlib::dlib links BLAS/LAPACK (OpenBLAS via alternatives)
find_package(fmt REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(GIFLIB_PC QUIET libgif)
find_library(GIF_LIBRARY NAMES gif REQUIRED)
find_package(JPEG REQUIRED)
find_package(PNG REQUIRED)
find_package(nlohmann_json 3 REQUIRED)  # reads calibration files

# dlib's headers would otherwise warn under our flags: treat them as system headers.
get_target_property(_dlib_inc dlib::dlib INTERFACE_INCLUDE_DIRECTORIES)
set_target_properties(dlib::dlib PROPERTIES INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${_dlib_inc}")

# SOCI ships no CMake config on Debian: find the core and the two backends.
find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
find_library(SOCI_CORE_LIBRARY soci_core REQUIRED)
find_library(SOCI_SQLITE_LIBRARY soci_sqlite3 REQUIRED)
find_library(SOCI_MYSQL_LIBRARY soci_mysql REQUIRED)
find_path(MYSQL_INCLUDE_DIR mysql.h PATH_SUFFIXES mariadb mysql REQUIRED)
find_library(MYSQL_LIBRARY NAMES mariadb mysqlclient REQUIRED)
find_library(SQLITE3_LIBRARY sqlite3 REQUIRED)
add_library(soci_all INTERFACE)
target_include_directories(soci_all SYSTEM INTERFACE ${SOCI_INCLUDE_DIR} ${MYSQL_INCLUDE_DIR})
target_link_libraries(soci_all INTERFACE
  ${SOCI_SQLITE_LIBRARY} ${SOCI_MYSQL_LIBRARY} ${SOCI_CORE_LIBRARY}
  ${MYSQL_LIBRARY} ${SQLITE3_LIBRARY} ${CMAKE_DL_LIBS})

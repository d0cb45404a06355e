# Spherekit SDK: compiler, sysroot, flags and the target API set (included by
# AzureSphereToolchain.cmake, which sets AZURE_SPHERE_SDK_PATH).
#
# Sysroots/<set>/ holds include/wasm32-wasi and lib/wasm32-wasi (links to Debian's wasi-libc,
# so that clang's --sysroot sees nothing else) and usr/include (this SDK's headers, searched
# before wasi-libc's) and usr/src/applibs (the C sources of the applibs library).

if(NOT CMAKE_GENERATOR MATCHES "^Ninja")
    message(FATAL_ERROR "Cannot configure with the \"${CMAKE_GENERATOR}\" generator: the Azure Sphere toolchain needs Ninja. Pass -G Ninja (the samples' CMakePresets.json do).")
endif()

# --- Target API set -------------------------------------------------------------------------
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES AZURE_SPHERE_TARGET_API_SET)
if(NOT DEFINED AZURE_SPHERE_TARGET_API_SET OR "${AZURE_SPHERE_TARGET_API_SET}" STREQUAL "")
    if(DEFINED ENV{AzureSphereTargetApiSet} AND NOT "$ENV{AzureSphereTargetApiSet}" STREQUAL "")
        set(AZURE_SPHERE_TARGET_API_SET "$ENV{AzureSphereTargetApiSet}")
    endif()
endif()

set(_azsphere_sysroots "${AZURE_SPHERE_SDK_PATH}/Sysroots")
file(GLOB _azsphere_entries RELATIVE "${_azsphere_sysroots}" "${_azsphere_sysroots}/*")
set(_azsphere_numeric "")
set(_azsphere_beta "")
foreach(_azsphere_entry IN LISTS _azsphere_entries)
    if(IS_DIRECTORY "${_azsphere_sysroots}/${_azsphere_entry}")
        if(_azsphere_entry MATCHES "^[0-9]+$")
            list(APPEND _azsphere_numeric "${_azsphere_entry}")
        elseif(_azsphere_entry MATCHES "^[0-9]+\\+Beta[0-9]+$")
            list(APPEND _azsphere_beta "${_azsphere_entry}")
        endif()
    endif()
endforeach()
list(SORT _azsphere_numeric COMPARE NATURAL)
list(SORT _azsphere_beta COMPARE NATURAL)
set(AZURE_SPHERE_API_SETS ${_azsphere_numeric} ${_azsphere_beta})
string(REPLACE ";" ", " _azsphere_valid "${AZURE_SPHERE_API_SETS}")
if(_azsphere_numeric)
    string(APPEND _azsphere_valid ", latest-lts")
endif()
if(_azsphere_beta)
    string(APPEND _azsphere_valid ", latest-beta")
endif()

if(NOT AZURE_SPHERE_API_SETS)
    message(FATAL_ERROR "Cannot use the SDK \"${AZURE_SPHERE_SDK_PATH}\": it has no Sysroots/<set> folder. Run \"sphere sdk path\" and point AzureSphereDefaultSDKDir at the folder it prints.")
endif()
if(NOT DEFINED AZURE_SPHERE_TARGET_API_SET OR "${AZURE_SPHERE_TARGET_API_SET}" STREQUAL "")
    message(FATAL_ERROR "Cannot configure without a target API set: AZURE_SPHERE_TARGET_API_SET is not set. Pass -DAZURE_SPHERE_TARGET_API_SET=<set> or set the AzureSphereTargetApiSet environment variable; valid sets: ${_azsphere_valid}.")
endif()

if(AZURE_SPHERE_TARGET_API_SET STREQUAL "latest-lts")
    if(NOT _azsphere_numeric)
        message(FATAL_ERROR "Cannot use target API set \"latest-lts\": the SDK has no numbered set. Valid sets: ${_azsphere_valid}.")
    endif()
    list(GET _azsphere_numeric -1 AZURE_SPHERE_TARGET_API_SET_RESOLVED)
elseif(AZURE_SPHERE_TARGET_API_SET STREQUAL "latest-beta")
    if(NOT _azsphere_beta)
        message(FATAL_ERROR "Cannot use target API set \"latest-beta\": the SDK has no beta set. Valid sets: ${_azsphere_valid}.")
    endif()
    list(GET _azsphere_beta -1 AZURE_SPHERE_TARGET_API_SET_RESOLVED)
else()
    list(FIND AZURE_SPHERE_API_SETS "${AZURE_SPHERE_TARGET_API_SET}" _azsphere_index)
    if(_azsphere_index LESS 0)
        message(FATAL_ERROR "Cannot use target API set \"${AZURE_SPHERE_TARGET_API_SET}\": the SDK has no such set. Valid sets: ${_azsphere_valid}.")
    endif()
    set(AZURE_SPHERE_TARGET_API_SET_RESOLVED "${AZURE_SPHERE_TARGET_API_SET}")
endif()
set(AZURE_SPHERE_API_SET_DIR "${_azsphere_sysroots}/${AZURE_SPHERE_TARGET_API_SET_RESOLVED}")

# --- Compiler -------------------------------------------------------------------------------
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR wasm32)
set(CMAKE_CROSSCOMPILING TRUE)

if(NOT CMAKE_C_COMPILER)
    find_program(AZURE_SPHERE_CLANG NAMES clang clang-14 clang-15 clang-16 clang-17 clang-18 clang-19)
    if(NOT AZURE_SPHERE_CLANG)
        message(FATAL_ERROR "Cannot find clang on PATH: it compiles apps to WebAssembly. Install the Debian packages clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32 (\"sphere sdk check\" lists what is missing).")
    endif()
    set(CMAKE_C_COMPILER "${AZURE_SPHERE_CLANG}")
endif()
set(CMAKE_C_COMPILER_TARGET wasm32-wasi)
set(CMAKE_SYSROOT "${AZURE_SPHERE_API_SET_DIR}")
set(CMAKE_EXECUTABLE_SUFFIX ".out")
set(CMAKE_EXECUTABLE_SUFFIX_C ".out")

# This SDK's headers (applibs, the POSIX pieces wasi-libc lacks) come before wasi-libc's.
set(CMAKE_C_STANDARD_INCLUDE_DIRECTORIES "${AZURE_SPHERE_API_SET_DIR}/usr/include")

# No absolute paths in the output: the same sources give the same module on any machine.
set(_azsphere_maps "-ffile-prefix-map=${AZURE_SPHERE_SDK_PATH}=/azsphere-sdk")
if(CMAKE_SOURCE_DIR)
    string(APPEND _azsphere_maps " -ffile-prefix-map=${CMAKE_SOURCE_DIR}=.")
endif()

set(CMAKE_C_FLAGS_INIT "-std=c11 -D_POSIX_C_SOURCE -Wall -Werror=implicit-function-declaration -ffunction-sections -fdata-sections ${_azsphere_maps}")
# Cache entries, not *_INIT values: CMake appends its own defaults (-O3 for Release) to those.
# A value given with -D on the command line still wins.
set(CMAKE_C_FLAGS_DEBUG "-O0 -g" CACHE STRING "C flags of Debug builds")
set(CMAKE_C_FLAGS_RELEASE "-O2 -DNDEBUG" CACHE STRING "C flags of Release builds")
set(CMAKE_C_FLAGS_RELWITHDEBINFO "-O2 -g -DNDEBUG" CACHE STRING "C flags of RelWithDebInfo builds")
set(CMAKE_C_FLAGS_MINSIZEREL "-Os -DNDEBUG" CACHE STRING "C flags of MinSizeRel builds")

# A command-model module (_start) that imports its memory (the device sets its size and cap) and
# exports its function table (so the device can run a signal handler); the stack comes first so
# that an overflow traps instead of overwriting data. Undefined symbols stay errors.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-mexec-model=command -Wl,--import-memory -Wl,--export-table -Wl,--stack-first -Wl,--gc-sections")
# Optimised builds drop the debug sections (wasi-libc's included) and keep the name section, so
# traps still name functions.
set(CMAKE_EXE_LINKER_FLAGS_RELEASE "-Wl,--strip-debug" CACHE STRING "Linker flags of Release builds")
set(CMAKE_EXE_LINKER_FLAGS_MINSIZEREL "-Wl,--strip-debug" CACHE STRING "Linker flags of MinSizeRel builds")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

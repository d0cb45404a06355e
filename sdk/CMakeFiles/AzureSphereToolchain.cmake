# Spherekit SDK: the CMake toolchain file that samples' CMakePresets.json name
# ($env{AzureSphereDefaultSDKDir}/CMakeFiles/AzureSphereToolchain.cmake).
#
# It builds high-level apps as WebAssembly modules (clang --target=wasm32-wasi against Debian's
# wasi-libc and this SDK's applibs), and after project() provides the SDK's library targets
# (applibs, gcc_s, c, tlsutils) and CMake functions (azsphere_target_hardware_definition,
# azsphere_target_add_image_package, azsphere_configure_tools, azsphere_configure_api).
#
# CMake reads a toolchain file several times (each enabled language, each try_compile): this file
# only sets variables, so that is harmless.

cmake_minimum_required(VERSION 3.20)

get_filename_component(AZURE_SPHERE_SDK_PATH "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)

include("${CMAKE_CURRENT_LIST_DIR}/AzureSphereToolchainBase.cmake")

# Library targets and functions, once project() has enabled C (see AzureSphereInternal.cmake).
set(CMAKE_PROJECT_INCLUDE "${CMAKE_CURRENT_LIST_DIR}/AzureSphereInternal.cmake")

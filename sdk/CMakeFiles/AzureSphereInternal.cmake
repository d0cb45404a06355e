# Spherekit SDK: run at the end of every project() (CMAKE_PROJECT_INCLUDE, set by the toolchain).
# Defines the library targets apps link (target_link_libraries(app applibs gcc_s c)) and loads
# the SDK's CMake functions.
#
#   applibs   the SDK's C library (applibs wrappers, EventLoop, timerfd, signals), compiled here
#             from Sysroots/<set>/usr/src/applibs with the app's own flags; an OBJECT library, so
#             linking it needs no archiver and unused functions are dropped by the linker
#   tlsutils  device authentication helpers (part of applibs here)
#   curl      curl's easy interface (part of applibs here)
#   gcc_s     nothing: the compiler's builtins library is linked by clang itself
#   c         wasi-libc; left to "-lc"

if(CMAKE_PROJECT_NAME STREQUAL "CMAKE_TRY_COMPILE")
    return()
endif()

include("${CMAKE_CURRENT_LIST_DIR}/AzureSphere.cmake")

if(NOT TARGET applibs)
    if(NOT CMAKE_C_COMPILER_LOADED)
        enable_language(C)
    endif()
    message(STATUS "Azure Sphere target API set: ${AZURE_SPHERE_TARGET_API_SET_RESOLVED} (${AZURE_SPHERE_API_SET_DIR})")
    file(GLOB _azsphere_applibs_sources "${AZURE_SPHERE_API_SET_DIR}/usr/src/applibs/*.c")
    if(NOT _azsphere_applibs_sources)
        message(FATAL_ERROR "Cannot build applibs: \"${AZURE_SPHERE_API_SET_DIR}/usr/src/applibs\" has no C sources. Run \"sphere sdk path\" again to write a complete SDK.")
    endif()
    list(SORT _azsphere_applibs_sources)
    add_library(applibs OBJECT ${_azsphere_applibs_sources})
    target_include_directories(applibs PRIVATE "${AZURE_SPHERE_API_SET_DIR}/usr/src/applibs")
    # wasi-libc's malloc grows the heap through sbrk; the SDK's wrapper tells the device when the
    # memory cap stops it (memory.c).
    target_link_options(applibs INTERFACE "-Wl,--wrap=sbrk")
endif()
if(NOT TARGET tlsutils)
    add_library(tlsutils INTERFACE)
    target_link_libraries(tlsutils INTERFACE applibs)
endif()
if(NOT TARGET curl)
    # curl's easy interface (curl.c, part of applibs here): transfers are the emulator's.
    add_library(curl INTERFACE)
    target_link_libraries(curl INTERFACE applibs)
endif()
if(NOT TARGET gcc_s)
    add_library(gcc_s INTERFACE)
endif()

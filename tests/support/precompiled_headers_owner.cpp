// Gives the tests' precompiled-header targets (tests/CMakeLists.txt) a file to build.

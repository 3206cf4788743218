# Runs the node:test suite in E2E_DIR with NODE; called by the e2e_clients CTest test.
# Fails with a clear message instead of skipping when a prerequisite is missing.
#   cmake -DNODE=/usr/bin/node -DE2E_DIR=tests/e2e -P run_e2e.cmake   (GATEHOUSE_BIN in the environment)
if(NOT NODE OR NOT EXISTS "${NODE}")
  message(FATAL_ERROR "e2e_clients: Node.js (>= 18) was not found at configure time. "
    "Install it (scripts/deps.sh does) and re-run cmake.")
endif()
set(_bin "$ENV{GATEHOUSE_BIN}")
if(_bin STREQUAL "" OR NOT EXISTS "${_bin}" OR IS_DIRECTORY "${_bin}")
  message(FATAL_ERROR "e2e_clients: GATEHOUSE_BIN='${_bin}' is not an existing file. "
    "Build the 'gatehouse' target first.")
endif()
foreach(pkg openai @langchain/openai @langchain/core portkey-ai)
  if(NOT EXISTS "${E2E_DIR}/node_modules/${pkg}/package.json")
    message(FATAL_ERROR "e2e_clients: ${E2E_DIR}/node_modules/${pkg} is missing. "
      "Run `npm ci` in ${E2E_DIR} before ctest (the project's test script does this).")
  endif()
endforeach()

execute_process(
  COMMAND "${NODE}" --test --test-reporter=spec
  WORKING_DIRECTORY "${E2E_DIR}"
  RESULT_VARIABLE rv)
if(NOT rv EQUAL 0)
  message(FATAL_ERROR "e2e_clients: node --test failed (${rv})")
endif()

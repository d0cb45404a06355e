/**
 * emulator/runtime/ public face: apps that run (architecture decision 6). A WebAssembly `bin/app`
 * runs in its own worker thread under node:wasi with the applibs host calls of host-table.ts,
 * each checked against the app's manifest; the manager starts, stops and restarts runs and keeps
 * the apps' log; the clock is real or virtual.
 */
export { AppRuntime, STOP_GRACE_MS, RESTART_BACKOFF_MS, RESTART_RESET_MS, DEFAULT_APP_MEMORY_KB, type RuntimeOptions, type BoardSink } from './manager';
export { RuntimeClock, type ClockMode } from './clock';
export { type AppSpec, type ExitInfo } from './process';
export { type AppCapabilities } from './protocol';
export { readAppLog, appLogPath, MAX_APP_LOG_BYTES, type AppLogLine } from './applog';
export { HOST_TABLE } from './host-table';
export { E as WASI_ERRNO } from './errno';
export { wasmImports, type WasmImport } from './wasm-info';
export { appCapabilities, isWasm, runnableApp, type RunnableApp } from './app-image';
export { parseHostMap } from './net-broker';

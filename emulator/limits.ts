/**
 * The emulated device's fixed facts and limits (documented in emulator/README.md): what OS it
 * pretends to run, how much flash and certificate space it has, and how much the HTTPS server
 * accepts from one client. test/emulator/limits.test.ts checks the documented values.
 */

/** The OS release the emulator reports (GET /osversion) and the ABI set it provides (GET /abi_versions). */
export const OS_VERSION = '23.05';
/** ApplicationRuntime 16 is the API set of that release (also the `--target-api-set` default of `image pack`). */
export const ABI_VERSIONS = { SecureWorldRuntime: 2, OSRuntime: 3, ApplicationRuntime: 16 } as const;

/** Flash for customer images (installed plus staged), in bytes. */
export const CUSTOMER_FLASH_BYTES = 64 * 1024 * 1024;
/** The largest package PUT /update/stage accepts; larger bodies are refused before they are read. */
export const MAX_IMAGE_BYTES = 32 * 1024 * 1024;
/** The largest JSON request body. */
export const MAX_JSON_BYTES = 64 * 1024;
/** Bytes of PEM the certificate store holds (GET /certstore/space reports what is left). */
export const CERT_STORE_BYTES = 24 * 1024;
/** MutableStorage SizeKB an application may ask for. */
export const MAX_MUTABLE_STORAGE_KB = 64;
/** Configured Wi-Fi networks. */
export const MAX_WIFI_NETWORKS = 37;

/** Uploads (PUT /update/stage bodies) received at the same time; more answer "device busy". */
export const MAX_CONCURRENT_UPLOADS = 2;
/** Open TLS connections; more are refused at accept. */
export const MAX_CONNECTIONS = 64;
/** A client must send its request headers within this many ms (slow-loris guard). */
export const HEADERS_TIMEOUT_MS = 10_000;
/** A whole request, body included, must arrive within this many ms. */
export const REQUEST_TIMEOUT_MS = 120_000;
/** An idle keep-alive connection is closed after this many ms. */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** A connection on which nothing moves for this many ms is closed (also covers a stalled TLS handshake). */
export const SOCKET_IDLE_TIMEOUT_MS = 30_000;
/** Requests served on one keep-alive connection. */
export const MAX_REQUESTS_PER_SOCKET = 1000;

/** Diagnostic log and error-report entries kept (oldest dropped first). */
export const MAX_LOG_ENTRIES = 512;
export const MAX_TELEMETRY_ENTRIES = 128;

/** Debug ports reported by `startDebug` (the ones Microsoft's docs show). */
export const DEBUG_PORTS = { gdbPort: 2345, outPort: 2342 } as const;
/** Real-time cores that can each run one real-time app. */
export const REAL_TIME_CORES = 2;

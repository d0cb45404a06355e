/**
 * What an app's worker and the emulator's main thread say to each other about the network. The
 * worker never touches a socket itself (it blocks synchronously while the app runs); it asks the
 * main thread (net-broker.ts), which holds the real node:net / node:https connections, and reads
 * the answers from its inbox (net-host.ts). Addresses are IPv4 text; socket ids are the app's fds.
 */

/** Worker → main. */
export type NetRequest =
  | { op: 'resolve'; id: number; name: string }
  | { op: 'connect'; sock: number; address: string; port: number }
  | { op: 'send'; sock: number; data: Uint8Array }
  | { op: 'shutdown'; sock: number }
  | { op: 'close'; sock: number }
  | { op: 'listen'; sock: number; address: string; port: number; backlog: number }
  | { op: 'curl'; id: number; transfer: CurlTransfer };

/** One curl_easy_perform, as the host carries it out. */
export interface CurlTransfer {
  url: string;
  /** PEM text of CURLOPT_CAINFO (the only roots trusted); undefined: none given. */
  ca?: string;
  /** PEM texts of CURLOPT_SSLCERT / CURLOPT_SSLKEY (a client certificate). */
  cert?: string;
  key?: string;
  userAgent?: string;
  /** Present the device certificate with the device identity key (DeviceAuth_CurlSslFunc); the broker holds both, the app neither. */
  deviceAuth?: boolean;
  follow: boolean;
  maxRedirects: number;
  verifyPeer: boolean;
  verifyHost: boolean;
  /** Whole-transfer limit in real ms (0: none). */
  timeoutMs: number;
  connectTimeoutMs: number;
  /** Names and addresses a redirect may go to (the manifest's AllowedConnections and what they resolved to). */
  allowedNames: string[];
  allowedAddresses: string[];
}

export interface CurlOutcome {
  /** A libcurl CURLcode. */
  code: number;
  /** Why, in a few words (the emulator's log line). */
  detail: string;
  status: number;
  /** The final response's status line and header lines, each ending "\r\n", then "\r\n". */
  header: Uint8Array;
  body: Uint8Array;
  effectiveUrl: string;
  /** A redirect went to a host the manifest does not allow. */
  deniedHost?: string;
}

/** Main → worker (through the inbox). */
export type NetEvent =
  | { t: 'netr'; id: number; addresses?: string[]; eai?: number; curl?: CurlOutcome }
  | { t: 'sock'; sock: number; ev: 'connected' | 'listening'; localPort: number }
  | { t: 'sock'; sock: number; ev: 'data'; data: Uint8Array }
  | { t: 'sock'; sock: number; ev: 'end' }
  | { t: 'sock'; sock: number; ev: 'error'; errno: number }
  | { t: 'sock'; sock: number; ev: 'accepted'; child: number; address: string; port: number };

/** getaddrinfo's error codes as the SDK's netdb.h numbers them (musl's values). */
export const EAI = { NONAME: -2, AGAIN: -3, FAIL: -4, FAMILY: -6, SERVICE: -8, MEMORY: -10, SYSTEM: -11 } as const;

/** libcurl's CURLcode numbers (the ones the emulator reports). */
export const CURLE = {
  OK: 0, UNSUPPORTED_PROTOCOL: 1, URL_MALFORMAT: 3, COULDNT_RESOLVE_HOST: 6, COULDNT_CONNECT: 7,
  WEIRD_SERVER_REPLY: 8, WRITE_ERROR: 23, OUT_OF_MEMORY: 27, OPERATION_TIMEDOUT: 28, SSL_CONNECT_ERROR: 35,
  ABORTED_BY_CALLBACK: 42, BAD_FUNCTION_ARGUMENT: 43, TOO_MANY_REDIRECTS: 47, GOT_NOTHING: 52, SEND_ERROR: 55,
  RECV_ERROR: 56, SSL_CERTPROBLEM: 58, PEER_FAILED_VERIFICATION: 60, SSL_CACERT_BADFILE: 77,
} as const;

/** One request's body and its answer, as the device API's handlers (routes.ts and the rooms beside it) see them. */

export type RequestBody =
  | { kind: 'none' }
  | { kind: 'json'; value: Record<string, unknown> }
  | { kind: 'binary'; bytes: Buffer };

export interface Reply {
  status: number;
  json?: unknown;
  binary?: Buffer;
  /** Runs once the answer has been sent (a restart). */
  after?: () => void;
}

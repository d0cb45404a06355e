/**
 * The project's small error taxonomy. Library code throws these (or built-ins for misuse);
 * only cli/ turns them into a message line and an exit code.
 *
 * Message grammar: `Cannot <action> <thing> "<value>": <why>. <what to do>`
 */

/** Exit codes, documented in the README. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, NOT_FOUND: 3 } as const;

export interface ErrorDetails {
  /** Stable machine-readable code, e.g. `TRUNCATED`, `MANIFEST_INVALID`. */
  code?: string;
  /** File or folder the error is about. */
  path?: string;
  /** Byte offset inside a file, where it applies. */
  offset?: number;
  /** JSON pointer inside a document, where it applies. */
  pointer?: string;
  cause?: unknown;
}

/** Base of every domain error; `exitCode` is what the CLI exits with. */
export class SphereError extends Error {
  readonly exitCode: number = EXIT.FAILED;
  readonly code: string;
  readonly path: string | undefined;
  readonly offset: number | undefined;
  readonly pointer: string | undefined;
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = details.code ?? 'FAILED';
    this.path = details.path;
    this.offset = details.offset;
    this.pointer = details.pointer;
  }
}

/** The user asked for something malformed (bad flag value, missing argument). Exit 2. */
export class UsageError extends SphereError {
  override readonly exitCode: number = EXIT.USAGE;
}

/** Input that exists but is wrong: a corrupt package, an invalid manifest, a bad signature. Exit 1. */
export class ValidationError extends SphereError {}

/** A package or folder whose bytes break the format. Exit 1. */
export class FormatError extends ValidationError {}

/** A file, folder, device or component that is not there. Exit 3. */
export class NotFoundError extends SphereError {
  override readonly exitCode: number = EXIT.NOT_FOUND;
}

/** The device answered with an error (carries the device's packed numeric code). Exit 1. */
export class DeviceError extends SphereError {
  readonly deviceCode: number | undefined;
  constructor(message: string, details: ErrorDetails & { deviceCode?: number } = {}) {
    super(message, details);
    this.deviceCode = details.deviceCode;
  }
}

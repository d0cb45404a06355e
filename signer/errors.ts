/**
 * Errors thrown by the signer. signer/ imports nothing else of the project, so it carries its
 * own class; it has the same shape (`code`, `exitCode`, `path`) as image-builder/errors.ts so
 * the CLI treats both alike.
 */
export class SignerError extends Error {
  readonly code: string;
  readonly exitCode: number;
  readonly path: string | undefined;
  constructor(message: string, details: { code?: string; exitCode?: number; path?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'SignerError';
    this.code = details.code ?? 'SIGNER_FAILED';
    this.exitCode = details.exitCode ?? 1;
    this.path = details.path;
  }
}

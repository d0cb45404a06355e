/**
 * The shape of one row of the applibs host table (host-table.ts, with the socket and curl rows of
 * net-table.ts): the import it serves, the manifest gate checked on every call, and what it does.
 */
import type { AppHost } from './host';
import type { AppCapabilities } from './protocol';

/** The manifest check of a call: undefined when allowed, else the resource and the manifest field that would allow it. */
export type Gate = (c: AppCapabilities, args: number[]) => [resource: string, field: string] | undefined;

export interface HostRow {
  /** Import name in the "applibs" module. */
  name: string;
  /** The applibs function (or POSIX call) it serves, for logs. */
  call: string;
  gate?: Gate;
  run: (h: AppHost, ...args: number[]) => number;
}

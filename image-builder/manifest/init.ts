/**
 * A new, valid `app_manifest.json` (spec app-manifest.md §2, §7 examples): every required field,
 * a fresh `ComponentId`, no capabilities yet.
 */
import { randomUUID } from 'node:crypto';
import type { ApplicationType } from './schema';

export interface CreateManifestOptions {
  name: string;
  applicationType?: ApplicationType;
  /** Defaults to a new random GUID. */
  componentId?: string;
  /** Injected randomness for tests (default `crypto.randomUUID`). */
  randomUUID?: () => string;
}

/** The manifest text, 2-space indented, ending with a newline. */
export function createManifest(options: CreateManifestOptions): string {
  if (typeof options.name !== 'string') throw new TypeError('createManifest: name must be a string');
  const type = options.applicationType ?? 'Default';
  const id = options.componentId ?? (options.randomUUID ?? randomUUID)();
  const manifest: Record<string, unknown> = {
    SchemaVersion: 1,
    Name: options.name,
    ComponentId: id,
    EntryPoint: '/bin/app',
  };
  // Real-time apps take no command line (the samples' RTApps omit it).
  if (type === 'Default') manifest['CmdArgs'] = [];
  manifest['Capabilities'] = {};
  manifest['ApplicationType'] = type;
  manifest['MallocVersion'] = 2;
  return JSON.stringify(manifest, null, 2) + '\n';
}

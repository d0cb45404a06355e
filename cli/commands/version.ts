/**
 * `sphere show-version` (azsphere's `show-version` / `show-sdk-version`): the version of this
 * tool and of the SDK inside it, and the API sets (target application runtime versions) the SDK
 * serves, so a build can pick a `--target-api-set` the SDK has.
 */
import type { CommandDef } from '../command';

declare const __SPHERE_VERSION__: string;
const VERSION = typeof __SPHERE_VERSION__ === 'string' ? __SPHERE_VERSION__ : '0.0.0-dev';

export const commands: CommandDef[] = [
  {
    group: '', name: 'show-version', description: 'Show the versions of sphere and its SDK, and the API sets the SDK serves',
    examples: ['sphere show-version', 'sphere show-version --query "apiSets[-1]" -o tsv'],
    async action() {
      const s = await import('../sdk/index');
      const manifest = s.readSdkManifest(await s.sdkFiles());
      const apiSets = [...manifest.apiSets].map(String);
      const data = { 'Azure Sphere SDK': VERSION, sphere: VERSION, apiSets };
      return { data, text: `sphere ${VERSION}\nSDK ${VERSION}: API sets ${apiSets.join(', ')} (pass one to --target-api-set)\n` };
    },
  },
];

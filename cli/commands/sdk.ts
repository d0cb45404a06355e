/**
 * `sphere sdk path | check` and `sphere app build`: the SDK C developers build against (written
 * out on first use from the copy inside the executable), the host tools a build needs, and a
 * build of an app project with CMake (README "Building apps").
 */
import type { CommandContext, CommandDef } from '../command';
import { optString } from '../command';
import { NotFoundError } from '../../image-builder/errors';

declare const __SPHERE_VERSION__: string;
const VERSION = typeof __SPHERE_VERSION__ === 'string' ? __SPHERE_VERSION__ : '0.0.0-dev';

/** Writes the SDK when missing (recording this executable for CMake) and returns its folder. */
async function sdkFolder(ctx: CommandContext) {
  const s = await import('../sdk/index');
  const plan = s.planSdk(await s.sdkFiles(), VERSION);
  return s.ensureSdk(plan, s.sdkHome(ctx.env), s.selfCommand());
}

export const commands: CommandDef[] = [
  {
    group: 'sdk', name: 'path', description: 'Write the SDK (headers, libraries, CMake toolchain) on first use and print its folder',
    examples: ['AzureSphereDefaultSDKDir=$(sphere sdk path) cmake --preset ARM-Debug'],
    async action(ctx) {
      const { path, created, plan } = await sdkFolder(ctx);
      const data = { path, created, version: VERSION, apiSets: plan.manifest.apiSets, toolchainFile: `${path}/CMakeFiles/AzureSphereToolchain.cmake` };
      return { data, text: `${path}\n` };
    },
  },
  {
    group: 'sdk', name: 'check', description: 'List the host tools app builds need (clang, wasm-ld, wasi-libc, builtins, cmake, ninja) and the Debian packages that provide them',
    async action(ctx) {
      const s = await import('../sdk/index');
      const manifest = s.readSdkManifest(await s.sdkFiles());
      const tools = s.checkTools({ env: ctx.env, wasiLibc: manifest.wasiLibc });
      const missing = tools.filter((t) => !t.present);
      const data = { ok: missing.length === 0, tools, missingPackages: [...new Set(missing.map((t) => t.package))] };
      const width = Math.max(...tools.map((t) => t.name.length));
      const lines = tools.map((t) => `${t.present ? 'ok     ' : 'missing'}  ${t.name.padEnd(width)}  ${t.present ? `${t.path}${t.version ? ` (${t.version})` : ''}` : `${t.detail}; Debian package ${t.package}`}`);
      if (missing.length) lines.push('', `Install the missing tools: apt-get install ${data.missingPackages.join(' ')}`);
      return { data, text: lines.join('\n') + '\n', exitCode: missing.length ? 1 : 0 };
    },
  },
  {
    group: 'app', name: 'build <project>', description: 'Build an app\'s CMake project with the SDK into an .imagepackage',
    options: [
      { flags: '--destination <file>', description: 'Also copy the package here' },
      { flags: '--preset <name>', description: 'CMake configure preset (default ARM-Debug)' },
      { flags: '--target-api-set <set>', description: 'Target API set, e.g. 16 (default: the preset\'s, latest-lts)' },
    ],
    examples: ['sphere app build samples/hello --destination hello.imagepackage'],
    async action(ctx, project) {
      const s = await import('../sdk/index');
      const files = await s.sdkFiles();
      const manifest = s.readSdkManifest(files);
      const missing = s.checkTools({ env: ctx.env, wasiLibc: manifest.wasiLibc }).find((t) => !t.present);
      if (missing) {
        throw new NotFoundError(`Cannot build project "${project}": ${missing.name} (${missing.purpose}) is missing: ${missing.detail}. Install the Debian package ${missing.package} (apt-get install ${missing.package}).`, { code: 'TOOL_MISSING' });
      }
      const plan = s.planSdk(files, VERSION);
      const sdk = s.ensureSdk(plan, s.sdkHome(ctx.env), s.selfCommand());
      const o: import('../sdk/index').BuildOptions = { projectDir: project!, cwd: ctx.cwd, sdkDir: sdk.path, tool: s.selfCommand(), env: ctx.env, output: 2 };
      const preset = optString(ctx, 'preset'); if (preset) o.preset = preset;
      const api = optString(ctx, 'targetApiSet'); if (api) o.targetApiSet = api;
      const dest = optString(ctx, 'destination'); if (dest) o.destination = dest;
      const r = s.buildApp(o);
      return { data: r, text: `${r.destination ?? r.package}\n` };
    },
  },
];

/**
 * `sphere app build`: configures and builds a CMake project with the SDK's toolchain, as a
 * developer would by hand (`AzureSphereDefaultSDKDir=<sdk> cmake --preset ARM-Debug && cmake
 * --build out/ARM-Debug`), then finds the `<project>.imagepackage` the build packed. A project
 * without CMakePresets.json is configured with the same settings the samples' presets hold.
 */
import { spawnSync, type StdioOptions } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { NotFoundError, UsageError, ValidationError } from '../../image-builder/errors';

export interface BuildOptions {
  projectDir: string;
  /** Folder that relative paths are taken from (default: the process's). */
  cwd?: string;
  sdkDir: string;
  /** The sphere command the build packs with (SPHERE_TOOL). */
  tool: readonly string[];
  preset?: string;
  targetApiSet?: string;
  destination?: string;
  env?: NodeJS.ProcessEnv;
  /** Where cmake's own output goes: 'pipe' keeps it (returned in errors' cause), or an fd. */
  output?: 'pipe' | number;
  cmake?: string;
}

export interface BuildResult {
  project: string;
  projectDir: string;
  preset: string;
  buildDir: string;
  package: string;
  destination: string | null;
  targetApiSet: string | null;
  sdk: string;
}

interface Preset { name?: string; inherits?: string | string[]; binaryDir?: string; generator?: string; hidden?: boolean }

/** The binary folder a configure preset names, following `inherits`; undefined when it names none. */
export function presetBinaryDir(presetsJson: string, preset: string, sourceDir: string, env: NodeJS.ProcessEnv): { found: boolean; binaryDir?: string; names: string[] } {
  let doc: { configurePresets?: Preset[] };
  try {
    doc = JSON.parse(presetsJson) as { configurePresets?: Preset[] };
  } catch {
    throw new ValidationError(`Cannot read "${join(sourceDir, 'CMakePresets.json')}": it is not JSON. Fix the file.`, { code: 'BAD_PRESETS' });
  }
  const all = Array.isArray(doc.configurePresets) ? doc.configurePresets : [];
  const byName = new Map(all.filter((p) => typeof p.name === 'string').map((p) => [p.name!, p]));
  const names = all.filter((p) => !p.hidden && typeof p.name === 'string').map((p) => p.name!);
  if (!byName.has(preset)) return { found: false, names };
  const seen = new Set<string>();
  const find = (name: string): string | undefined => {
    if (seen.has(name)) return undefined;
    seen.add(name);
    const p = byName.get(name);
    if (!p) return undefined;
    if (typeof p.binaryDir === 'string') return p.binaryDir;
    for (const parent of typeof p.inherits === 'string' ? [p.inherits] : p.inherits ?? []) {
      const d = find(parent);
      if (d !== undefined) return d;
    }
    return undefined;
  };
  const raw = find(preset);
  if (raw === undefined) return { found: true, names };
  const expanded = raw
    .replace(/\$\{sourceDir\}/g, sourceDir)
    .replace(/\$\{sourceParentDir\}/g, dirname(sourceDir))
    .replace(/\$\{sourceDirName\}/g, basename(sourceDir))
    .replace(/\$\{presetName\}/g, preset)
    .replace(/\$\{dollar\}/g, '$')
    .replace(/\$env\{([^}]*)\}/g, (_m, k: string) => env[k] ?? '');
  return { found: true, binaryDir: resolve(sourceDir, expanded), names };
}

function runCmake(cmake: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, output: 'pipe' | number): { status: number; text: string } {
  const stdio: StdioOptions = output === 'pipe' ? ['ignore', 'pipe', 'pipe'] : ['ignore', output, output];
  const r = spawnSync(cmake, args, { cwd, env, stdio, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new NotFoundError(`Cannot run cmake "${cmake}": ${r.error.message}. Install the Debian package cmake.`, { code: 'TOOL_MISSING' });
  return { status: r.status ?? 1, text: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function cacheValue(buildDir: string, name: string): string | undefined {
  try {
    const m = new RegExp(`^${name}:[A-Z]+=(.*)$`, 'm').exec(readFileSync(join(buildDir, 'CMakeCache.txt'), 'utf8'));
    return m?.[1];
  } catch {
    return undefined;
  }
}

function lastLines(text: string, n = 20): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

export function buildApp(o: BuildOptions): BuildResult {
  const cwd = o.cwd ?? process.cwd();
  const projectDir = resolve(cwd, o.projectDir);
  const shown = o.projectDir;
  if (!existsSync(join(projectDir, 'CMakeLists.txt'))) {
    throw new NotFoundError(`Cannot build project "${shown}": it has no CMakeLists.txt. Give the folder of an app's CMake project.`, { code: 'PROJECT_NOT_FOUND', path: shown });
  }
  const preset = o.preset ?? 'ARM-Debug';
  const cmake = o.cmake ?? 'cmake';
  const output = o.output ?? 'pipe';
  const env: NodeJS.ProcessEnv = {
    ...(o.env ?? process.env),
    AzureSphereDefaultSDKDir: o.sdkDir,
    SPHERE_TOOL: o.tool.map((a) => (/[\s"'\\$]/.test(a) ? `"${a.replace(/["\\$]/g, (c) => `\\${c}`)}"` : a)).join(' '),
  };
  if (o.tool.length === 1) env['SPHERE_TOOL'] = o.tool[0];
  const apiArgs = o.targetApiSet === undefined ? [] : [`-DAZURE_SPHERE_TARGET_API_SET=${o.targetApiSet}`];

  const presetsFile = join(projectDir, 'CMakePresets.json');
  let buildDir: string;
  let configureArgs: string[];
  if (existsSync(presetsFile)) {
    const found = presetBinaryDir(readFileSync(presetsFile, 'utf8'), preset, projectDir, env);
    if (!found.found) throw new UsageError(`Cannot use preset "${preset}": ${presetsFile} has ${found.names.length ? found.names.map((n) => `"${n}"`).join(', ') : 'no configure presets'}. Pass --preset with one of them.`, { code: 'BAD_PRESET' });
    buildDir = found.binaryDir ?? join(projectDir, 'out', preset);
    configureArgs = ['--preset', preset, ...(found.binaryDir === undefined ? ['-B', buildDir] : []), ...apiArgs];
  } else {
    buildDir = join(projectDir, 'out', preset);
    const type = /release/i.test(preset) ? 'Release' : 'Debug';
    configureArgs = ['-S', projectDir, '-B', buildDir, '-G', 'Ninja', `-DCMAKE_BUILD_TYPE=${type}`,
      `-DCMAKE_TOOLCHAIN_FILE=${join(o.sdkDir, 'CMakeFiles', 'AzureSphereToolchain.cmake')}`,
      `-DAZURE_SPHERE_TARGET_API_SET=${o.targetApiSet ?? 'latest-lts'}`];
  }

  const configured = runCmake(cmake, configureArgs, projectDir, env, output);
  if (configured.status !== 0) {
    throw new ValidationError(`Cannot configure project "${shown}": cmake exited with code ${configured.status}. ${output === 'pipe' ? `Its last lines:\n${lastLines(configured.text)}` : 'See its output above.'}`, { code: 'CONFIGURE_FAILED', path: shown });
  }
  const built = runCmake(cmake, ['--build', buildDir], projectDir, env, output);
  if (built.status !== 0) {
    throw new ValidationError(`Cannot build project "${shown}": cmake --build exited with code ${built.status}. ${output === 'pipe' ? `Its last lines:\n${lastLines(built.text)}` : 'See the compiler output above.'}`, { code: 'BUILD_FAILED', path: shown });
  }
  const project = cacheValue(buildDir, 'CMAKE_PROJECT_NAME');
  const pkg = project === undefined ? undefined : join(buildDir, `${project}.imagepackage`);
  if (pkg === undefined || !existsSync(pkg) || !statSync(pkg).isFile()) {
    throw new NotFoundError(`Cannot find the image package of project "${shown}" in "${buildDir}": the build made none. Call azsphere_target_add_image_package in CMakeLists.txt.`, { code: 'PACKAGE_NOT_BUILT', path: buildDir });
  }
  let destination: string | null = null;
  if (o.destination !== undefined) {
    destination = resolve(cwd, o.destination);
    const tmp = `${destination}.${process.pid}.tmp`;
    try {
      copyFileSync(pkg, tmp);
      renameSync(tmp, destination);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw new NotFoundError(`Cannot write package "${o.destination}": ${(e as Error).message}. Check that its folder exists and is writable.`, { code: 'DESTINATION_UNWRITABLE', path: o.destination });
    }
  }
  return {
    project: project!, projectDir, preset, buildDir, package: pkg, destination,
    targetApiSet: cacheValue(buildDir, 'AZURE_SPHERE_TARGET_API_SET') ?? null, sdk: o.sdkDir,
  };
}

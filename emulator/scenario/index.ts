/**
 * emulator/scenario/ public face: scenario tests for CI (`sphere emulator test`). Each scenario
 * runs on a fresh emulated device of its own (a temporary state folder, the virtual clock,
 * appDevelopment, the given trust), a client of the same board controls `sphere emulator io` uses.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Device } from '../device';
import type { BoardDescription } from '../board/index';
import { parseScenario, type Scenario } from './parse';
import { runScenario, type ScenarioResult } from './run';

export { parseScenario, ScenarioError, duration, type Scenario, type Step } from './parse';
export { junitXml, DEFAULT_WAIT_MS, type ScenarioResult, type StepResult } from './run';

/** appDevelopment: SDK-signed packages install, as on a development board. */
const APP_DEVELOPMENT = 11;

export interface ScenarioRunOptions {
  /** Deployed before each scenario's steps. */
  packagePath?: string;
  /** Wall-clock bound of each scenario, ms. */
  timeoutMs: number;
  /** PEM certificates the device trusts (the development CA). */
  trust?: string[];
  board?: BoardDescription;
}

/** Reads and checks every file first (nothing runs when one is wrong), then runs each on its own device. */
export function loadScenarios(files: readonly string[]): Scenario[] {
  return files.map((f) => parseScenario(readFileSync(f, 'utf8'), f));
}

export async function runScenarios(scenarios: readonly Scenario[], o: ScenarioRunOptions, onResult: (r: ScenarioResult) => void = () => {}): Promise<ScenarioResult[]> {
  const out: ScenarioResult[] = [];
  for (const s of scenarios) {
    const dir = mkdtempSync(join(tmpdir(), 'sphere-scenario-'));
    const device = Device.open({ stateDir: join(dir, 'state'), capabilities: [APP_DEVELOPMENT], trust: o.trust ?? [], clock: 'virtual', ...(o.board ? { board: o.board } : {}) });
    try {
      const steps = o.packagePath ? [{ kind: 'deploy' as const, package: o.packagePath, line: 0 }, ...s.steps] : s.steps;
      const r = await runScenario({ ...s, steps }, { device, timeoutMs: o.timeoutMs, readPackage: (p) => readFileSync(resolve(dirname(s.file), p)) });
      out.push(r);
      onResult(r);
    } finally {
      await device.runtime.killAll('scenario done');
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

/**
 * `sideload deploy` and `sideload delete` (spec/device-rest-api.md §4.2): check the package
 * locally before the device is asked anything, read what the device has, plan (deploy-plan.ts),
 * then stage, install and confirm — the image must be listed and the app must reach the state the
 * plan expects, or the deploy fails loudly. Progress is reported through callbacks, never printed.
 */
import { DeviceError, IMAGE_TYPE_APPLICATIONS, IMAGE_TYPE_BOARD_CONFIG, NotFoundError, ValidationError, type SignatureChecker } from '../image-builder/index';
import { codePair, optional } from './errors';
import { DEVICE_ERROR } from './protocol/index';
import { SDK_TEST_CERT } from '../signer/index';
import { checkPackage, factsNeeded, planDeploy, type DeployPlan, type DeployStep, type DeviceFacts, type LocalCheck, type PackageFacts, type PlanOptions } from './deploy-plan';
import { uptimeBefore, waitForRestart } from './lifecycle';
import type { DeviceApi } from './device-api';
import type { AppState, ComponentList } from './protocol/index';

export interface DeployOptions extends PlanOptions {
  /** The package's path, for messages. */
  file: string;
  bytes: Uint8Array;
  /** Local trust store check (the dev CA, the SDK Test entry, `--trust` certificates). */
  checker: SignatureChecker;
  /** The result of `checkPackage` when the caller already ran it (it hashes the whole package). */
  local?: LocalCheck;
  /** `GET /images` already under way (the caller asked while it checked the package). */
  images?: Promise<ComponentList>;
  /** The device's uptime (s), read before the install at `at` (same clock as `now`), likewise. */
  uptime?: Promise<{ uptime: number; at: number }>;
  onProgress?: (sent: number, total: number) => void;
  onStep?: (step: DeployStep | { kind: 'restart-wait' }) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface DeployResult {
  plan: DeployPlan;
  installed: boolean;
  appState?: AppState;
  /** The device restarted to apply the image (board configurations). */
  restarted: boolean;
  ms: { stage: number; install: number; confirm: number; total: number };
}

/**
 * Reads what the plan needs (all of it unless `need` says less — see `factsNeeded`); calls the
 * device's API version does not have are left out.
 */
export async function readDeviceFacts(api: DeviceApi, need: { capabilities: boolean; abi: boolean } = { capabilities: true, abi: true }, pending?: Promise<ComponentList>): Promise<DeviceFacts> {
  const images = await (pending ?? api.images());
  const facts: DeviceFacts = { images };
  const caps = need.capabilities ? await optional(() => api.capabilities()) : undefined;
  if (caps) facts.capabilities = caps.device_capabilities;
  const abi = need.abi ? await optional(() => api.abiVersions()) : undefined;
  if (abi) facts.abi = abi;
  return facts;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Checks, plans and (unless skipped) runs a deployment. Throws on refusal or failure. */
export async function deploy(api: DeviceApi, o: DeployOptions): Promise<DeployResult> {
  const now = o.now ?? Date.now;
  const t0 = now();
  const local = o.local ?? checkPackage(o.bytes, { file: o.file, checker: o.checker });
  if (!local.ok) throw new ValidationError(local.refusal.message, { code: local.refusal.code, path: o.file });
  const plan = planDeploy(local, await readDeviceFacts(api, factsNeeded(local.facts), o.images), o);
  if (plan.action === 'refuse') {
    const E = plan.refusal.code === 'NOT_DEVELOPMENT_DEVICE' || plan.refusal.code === 'ABI_UNSUPPORTED' ? DeviceError : ValidationError;
    throw new E(plan.refusal.message, { code: plan.refusal.code, path: o.file });
  }
  const result: DeployResult = { plan, installed: false, restarted: false, ms: { stage: 0, install: 0, confirm: 0, total: 0 } };
  if (plan.action === 'skip') { result.ms.total = now() - t0; return result; }
  await runSteps(api, plan.steps, o, result, now);
  result.installed = true;
  result.ms.total = now() - t0;
  return result;
}

async function runSteps(api: DeviceApi, steps: DeployStep[], o: DeployOptions, result: DeployResult, now: () => number): Promise<void> {
  const sleep = o.sleep ?? realSleep;
  const label = api.client.label;
  for (const step of steps) {
    o.onStep?.(step);
    const t = now();
    if (step.kind === 'stage') {
      try {
        await api.stage(o.bytes, o.onProgress);
      } catch (e) {
        throw result.plan.package ? untrustedSigner(e, result.plan.package, label) : e;
      }
      result.ms.stage = now() - t;
    } else if (step.kind === 'install') {
      // Only a board configuration makes the device restart; its wait needs the uptime before
      // (an application's install may still say it restarts, so its uptime is read too — or taken
      // from the caller, who may have asked while it checked the package).
      const before = step.restarts ? await uptimeBefore(api, { now, sleep }) : await (o.uptime ?? api.status().then((x) => ({ uptime: x.uptime, at: now() })));
      const r = await api.install(step.appControlMode);
      if (r.restartingSystem) {
        o.onStep?.({ kind: 'restart-wait' });
        await waitForRestart(api, { before, now, sleep });
        result.restarted = true;
      }
      result.ms.install = now() - t;
    } else if (step.kind === 'confirm-listed') {
      const images = await api.images();
      if (!isListed(images, step.componentId, step.imageId)) {
        throw new DeviceError(`Cannot confirm the deployment of "${o.file}" on ${label}: after the install the device does not list image ${step.imageId} of component ${step.componentId}. Run "sphere device image list-installed" to see what it kept, then deploy again.`, { code: 'DEPLOY_NOT_LISTED' });
      }
      result.ms.confirm += now() - t;
    } else {
      result.appState = await waitForAppState(api, step.componentId, step.state, { now, sleep, file: o.file });
      result.ms.confirm += now() - t;
    }
  }
}

/**
 * A device that refuses the package's signer: enabling development helps only for the SDK Test
 * certificate, so any other signer gets the fix that works — the emulator's keystore
 * (`--trust`, kept in its state) or a signer the device already trusts.
 */
export function untrustedSigner(e: unknown, p: PackageFacts, label: string): unknown {
  if (!(e instanceof DeviceError) || e.code !== 'IMAGE_NOT_TRUSTED' || p.thumbprint === SDK_TEST_CERT.thumbprint) return e;
  const who = `${p.signer ? `"${p.signer}" ` : ''}(thumbprint ${p.thumbprint})`;
  const emulator = /^emulator "([^"]*)"/.exec(label);
  const fix = emulator
    ? `Restart the emulator trusting that certificate ("sphere emulator stop${emulator[1] === 'default' ? '' : ` --name ${emulator[1]}`}", then "sphere emulator start${emulator[1] === 'default' ? '' : ` --name ${emulator[1]}`} --detach --trust <signer cert.pem>"), or sign the package with your development CA ("sphere image pack" uses it by default), which emulators trust`
    : 'A board trusts only images signed through Microsoft\'s Security Service, or by the SDK Test certificate once development is enabled: pack it with the Azure Sphere SDK, or deploy to an emulator';
  return new DeviceError(`Cannot deploy package "${p.file}" on ${label}: the device does not trust its signer ${who}, and enabling development would not change that (device error ${codePair(DEVICE_ERROR.IMAGE_NOT_TRUSTED.code)}). ${fix}.`, { code: 'IMAGE_NOT_TRUSTED', path: p.file, cause: e, ...(e.deviceCode === undefined ? {} : { deviceCode: e.deviceCode }) });
}

export function isListed(images: ComponentList, componentId: string, imageId: string): boolean {
  const c = images.components.find((x) => x.uid.toLowerCase() === componentId);
  return Boolean(c?.images.some((i) => i.uid.toLowerCase() === imageId));
}

async function waitForAppState(api: DeviceApi, componentId: string, want: AppState, o: { now: () => number; sleep: (ms: number) => Promise<void>; file: string }): Promise<AppState> {
  const deadline = o.now() + api.client.timeouts.appStateWaitMs;
  let state: AppState;
  for (;;) {
    state = (await api.appStatus(componentId)).state;
    if (state === want || o.now() >= deadline) break;
    // An app that has stopped on its own after an Auto install will not start by waiting.
    if (want === 'running' && state !== 'stopped' && state !== 'notPresent') break;
    await o.sleep(api.client.timeouts.pollMs);
  }
  if (state !== want) {
    const why = want === 'running' ? 'the app did not start or exited at once' : 'the app was started although --manual-start was given';
    throw new DeviceError(`Cannot confirm the deployment of "${o.file}" on ${api.client.label}: app ${componentId} is "${state}" where "${want}" was expected (${why}). Check it with "sphere device app show-status" and its log in "sphere device get-support-data".`, { code: 'DEPLOY_APP_STATE' });
  }
  return state;
}

export interface DeleteResult {
  deleted: Array<{ componentId: string; name: string; imageType: number }>;
  kept: string[];
  restartingSystem: boolean;
}

/**
 * `sideload delete`: one component (which must be installed), or every application and board
 * configuration except `except`. The device answers `{}` for an unknown ID, so presence is checked first.
 */
export async function deleteSideloaded(api: DeviceApi, o: { componentId?: string; except?: string[] } = {}): Promise<DeleteResult> {
  const images = await api.images();
  const sideloadable = images.components.filter((c) => c.image_type === IMAGE_TYPE_APPLICATIONS || c.image_type === IMAGE_TYPE_BOARD_CONFIG);
  const except = new Set((o.except ?? []).map((x) => x.toLowerCase()));
  let targets = sideloadable;
  if (o.componentId !== undefined) {
    const id = o.componentId.toLowerCase();
    targets = sideloadable.filter((c) => c.uid.toLowerCase() === id);
    if (targets.length === 0) {
      throw new NotFoundError(`Cannot delete component "${o.componentId}" on ${api.client.label}: it is not installed. List the installed apps with "sphere device image list-installed".`, { code: 'COMPONENT_NOT_PRESENT' });
    }
  }
  const out: DeleteResult = { deleted: [], kept: [], restartingSystem: false };
  for (const c of targets) {
    if (except.has(c.uid.toLowerCase())) { out.kept.push(c.uid.toLowerCase()); continue; }
    const r = await api.removeComponent(c.uid);
    if (r.restartingSystem) out.restartingSystem = true;
    out.deleted.push({ componentId: c.uid.toLowerCase(), name: c.name, imageType: c.image_type });
  }
  return out;
}

/**
 * The emulated device's core, free of HTTP: flash state, identity, authorization from capabilities
 * (spec/device-rest-api.md §2), secure boot at every start and restart, sideloading (§4.2) and the
 * application state machine (§4.3). Every operation is synchronous, so concurrent HTTP requests
 * see each change whole; every change of flash goes through `mutate`, which commits a new index
 * before the live state is replaced.
 */
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { IMAGE_TYPE_BOARD_CONFIG } from '../image-builder/index';
import type { TrustStore } from '../signer/index';
import { DEVICE_CAPABILITY, REST_API_VERSION, type AppState, type SetAppStatusBody } from '../sideload/protocol/index';
import { Flash } from './flash';
import { Diagnostics } from './diag';
import { fault } from './fault';
import { loadOrCreateIdentity, type Identity } from './service/index';
import { OS_COMPONENTS, bootCheck, buildKeystore, inspectPackage } from './images';
import { measureBoot, sameMeasuredBoot } from './service/measured-boot';
import { deviceCertificate, deviceCertificateDue, deviceCertificateHeld, deviceTlsCredentials } from './attest';
import { ABI_VERSIONS, CUSTOMER_FLASH_BYTES, DEBUG_PORTS, OS_VERSION, REAL_TIME_CORES } from './limits';
import { loadOrCreateIdentityCertificate, loadOrCreateManufacturerRoot, loadOrCreateSecurityService, type SecurityServiceCert } from './service/index';
import { blankState, cloneState, parseState, referencedBlobs, type DeviceState, type ImageRecord, type MeasuredBoot } from './state';
import { GpioBoard, partsOf, wiringOf, type BoardDescription } from './board/index';
import { UpdateNotices } from './updates';
import { AppRuntime, RuntimeClock, runnableApp, type AppSpec, type ClockMode, type ExitInfo } from './runtime/index';

export interface NetFacts { ready: boolean; interfaces: Record<string, number>; deviceAuthReady: boolean }

export interface DeviceOptions {
  stateDir: string;
  /** Capabilities to store (replacing the stored set); left out, the stored set stays. */
  capabilities?: number[];
  /** PEM certificates to add to the secure-boot keystore (kept in flash). */
  trust?: string[];
  /** Clock in ms (tests). */
  now?: () => number;
  /** The apps' clock: real time, or virtual time that moves only while every app waits. */
  clock?: ClockMode;
  /** What an app may allocate beyond its starting memory, in KiB. */
  appMemoryKB?: number;
  /** The board's parts and wiring (default: the MT3620 RDB as the samples wire it). */
  board?: BoardDescription;
  /** Names apps resolve to these IPv4 addresses before DNS (`emulator start --host-map`). */
  hostMap?: Readonly<Record<string, string>>;
  /** The installation's manufacturer folder (service/manufacturer.ts); default `<state>/manufacturer`, a root of this device alone. */
  manufacturerDir?: string;
}

export interface RecoveryResult {
  deviceId: string;
  /** Customer images (installed or staged) the recovery removed. */
  removedImages: number;
  /** The boot the device made afterwards. */
  bootCount: number;
}

export interface AppRun {
  state: 'running' | 'debugging';
  pid: number;
  startedAt: number;
  realTimeCore?: number;
  peakBytes: number;
  /** True when its code runs (a WebAssembly bin/app); an ARM binary's lifecycle is only simulated. */
  executed: boolean;
}

/** How an app's last run ended, and what the device does about it. */
export interface AppEnd extends ExitInfo { restartInMs?: number }

export class Device {
  readonly stateDir: string;
  readonly flash: Flash;
  readonly identity: Identity;
  /** The certificate of this emulator's simulated Security Service (service/security-service.ts). */
  readonly securityService: SecurityServiceCert;
  readonly #manufacturerDir: string;
  #identityMaterial: { root: string; cert: string } | undefined;
  readonly diag: Diagnostics;
  readonly now: () => number;
  state: DeviceState;
  keystore: TrustStore;
  bootedAt = 0;
  /** Why an installed image may not run, by component ID (secure-boot failures). */
  readonly bootFailures = new Map<string, string>();
  readonly apps = new Map<string, AppRun>();
  readonly board: GpioBoard;
  readonly clock: RuntimeClock;
  readonly runtime: AppRuntime;
  /** Update notifications to apps (updates.ts). */
  readonly updates: UpdateNotices;
  /** Why each app's last run ended (runtime facts, not kept in flash). */
  readonly lastEnd = new Map<string, AppEnd>();
  /** Why an app could not start (its module does not load), by component ID. */
  readonly startFailures = new Map<string, string>();
  /** Called for a reboot or power-down an app asked for (run.ts does it, after the answer). */
  onPowerRequest: (state: 'reboot' | 'powerdown', residencySeconds: number) => void = () => {};
  /** The address the servicing interface reports (the listen address). */
  serviceAddress = '192.168.35.2';
  /** The REST-API-Version this device reports and behaves as (api/api-version.ts); a run-time setting, not kept in flash. */
  apiVersion: string = REST_API_VERSION;
  requestsServed = 0;
  #nextPid = 100;

  private constructor(o: DeviceOptions) {
    this.stateDir = o.stateDir;
    this.now = o.now ?? Date.now;
    this.identity = loadOrCreateIdentity(o.stateDir);
    this.securityService = loadOrCreateSecurityService(o.stateDir, this.identity.deviceId);
    this.#manufacturerDir = o.manufacturerDir ?? join(o.stateDir, 'manufacturer');
    this.flash = new Flash(o.stateDir);
    this.diag = new Diagnostics(this.flash, this.now);
    const raw = this.flash.readIndex();
    this.state = raw === undefined ? blankState() : parseState(raw);
    this.keystore = buildKeystore(this.state, this.securityService.certPem);
    this.board = o.board ? new GpioBoard(partsOf(o.board), wiringOf(o.board), o.board.adc) : new GpioBoard();
    this.clock = new RuntimeClock(o.clock ?? 'real');
    this.runtime = new AppRuntime({
      stateDir: o.stateDir, clock: this.clock, board: this.board, osVersion: OS_VERSION,
      ...(o.appMemoryKB === undefined ? {} : { appMemoryKB: o.appMemoryKB }),
      ...(o.hostMap === undefined ? {} : { hostMap: o.hostMap }),
      onEnded: (c, info, restartInMs) => this.#runEnded(c, info, restartInMs),
      onRestart: (c) => { try { this.startApp(c, false, { restart: true }); } catch { /* recorded by startApp */ } },
      onPower: (state, residency) => this.onPowerRequest(state, residency),
      onSysEvent: (c, op, _event, minutes) => this.updates.deferral(c, op, minutes),
      onUartTx: (isu, data) => this.onUartTx(isu, data),
    });
    this.runtime.net.deviceCredentials = () => deviceTlsCredentials(this);
    this.board.onInput = (g, v) => this.runtime.setInput(g, v);
    this.board.onMotion = (m) => this.runtime.setMotion(m);
    this.board.onAdc = (a) => this.runtime.setAdc(a);
    this.updates = new UpdateNotices(this.runtime, this.diag);
  }

  /** Opens (or creates) the device in a state folder and boots it. */
  static open(o: DeviceOptions): Device {
    const d = new Device(o);
    const fresh = d.state.generation === 0;
    const trust = (o.trust ?? []).map((p) => p.trim() + '\n').filter((p) => !d.state.trusted.includes(p));
    const caps = o.capabilities === undefined ? undefined : [...new Set(o.capabilities)].sort((a, b) => a - b);
    const capsChanged = caps !== undefined && caps.join(',') !== d.state.capabilities.join(',');
    if (fresh || trust.length || capsChanged) {
      d.mutate((s) => {
        s.trusted.push(...trust);
        if (caps) s.capabilities = caps;
      });
    }
    d.boot();
    return d;
  }

  /** The manufacturer root and this device's identity certificate, made on first use (run.ts asks at start, so an emulator has them from its creation). */
  #identityPems(): { root: string; cert: string } {
    if (!this.#identityMaterial) {
      const root = loadOrCreateManufacturerRoot(this.#manufacturerDir);
      this.#identityMaterial = { root: root.certPem, cert: loadOrCreateIdentityCertificate(this.stateDir, this.identity, root) };
    }
    return this.#identityMaterial;
  }

  /** The installation's manufacturer root (PEM). */
  get manufacturerRootPem(): string { return this.#identityPems().root; }

  /** This device's identity certificate (PEM), issued by the manufacturer root. */
  get identityCertPem(): string { return this.#identityPems().cert; }

  get deviceId(): string {
    return this.identity.deviceId;
  }

  /** Seconds since the last boot. */
  get uptime(): number {
    return Math.floor((this.now() - this.bootedAt) / 1000);
  }

  hasCapability(n: number): boolean {
    return this.state.capabilities.includes(n);
  }

  /** `IsRESTAllowed`: a device still in manufacturing, or one with appDevelopment or fieldServicing. */
  isRestAllowed(): boolean {
    return this.state.manufacturingState !== 'DeviceComplete' || this.hasCapability(DEVICE_CAPABILITY.appDevelopment) || this.hasCapability(DEVICE_CAPABILITY.fieldServicing);
  }

  isAppDevelopmentAllowed(): boolean {
    return this.hasCapability(DEVICE_CAPABILITY.appDevelopment);
  }

  /** Applies `change` to a copy of the state, commits it to flash, then makes it live. */
  mutate<T>(change: (draft: DeviceState) => T): T {
    const draft = cloneState(this.state);
    const out = change(draft);
    draft.generation = this.state.generation + 1;
    this.flash.commitIndex(draft);
    this.state = draft;
    this.keystore = buildKeystore(draft, this.securityService.certPem);
    this.#netChanged();
    return out;
  }

  /** Attests to the Security Service for a device certificate; apps learn the new readiness. */
  #authenticate(): void {
    try { deviceCertificate(this); } catch (e) { this.diag.record('device-auth', `attestation to the Security Service failed: ${(e as Error).message}`, true); }
    this.#netChanged();
  }

  /** What runs now, measured (service/measured-boot.ts). */
  #measurement(): MeasuredBoot {
    return measureBoot({ os: OS_COMPONENTS, osVersion: OS_VERSION, images: Object.values(this.state.images), failed: this.bootFailures });
  }

  /** Secure boot: verify every installed image against the keystore, start the apps set to auto-start. */
  boot(): void {
    void this.runtime.killAll('device restarting');
    this.apps.clear();
    this.bootFailures.clear();
    this.startFailures.clear();
    this.lastEnd.clear();
    this.clock.reboot();
    this.board.releaseAll();
    // Secure boot judges every installed image first, so that the boot's one commit also records what it measured.
    for (const rec of Object.values(this.state.images)) {
      let bytes: Buffer | undefined;
      try { bytes = this.flash.readBlob(rec.blob); } catch { bytes = undefined; }
      const why = bootCheck(bytes, rec, this.keystore);
      if (why !== undefined) this.bootFailures.set(rec.componentId, why);
    }
    const measured = this.#measurement();
    const changed = !sameMeasuredBoot(this.state.measuredBoot, measured);
    this.mutate((s) => { s.bootCount++; s.restartRequired = false; if (changed) s.measuredBoot = measured; });
    this.diag.boot = this.state.bootCount;
    const gc = this.flash.collectGarbage(referencedBlobs(this.state));
    if (gc.blobs || gc.temporaries) this.diag.record('flash-cleanup', `removed ${gc.blobs} unreferenced image(s) and ${gc.temporaries} temporary file(s)`);
    for (const [cid, why] of this.bootFailures) {
      const rec = this.state.images[cid]!;
      this.diag.record('secure-boot-failure', `component ${cid} image ${rec.imageId} "${rec.name}" not run: ${why}`, true);
    }
    if (changed) this.diag.record('measured-boot', `${measured.log.length} measurement(s), digest ${measured.digest}`);
    // A device holding a device certificate due for renewal attests again after boot, off the
    // boot path (once the boot's work is done). A first certificate is fetched when something
    // needs it: an app with DeviceAuthentication, or a client asking for it (attest.ts).
    if (deviceCertificateDue(this) && deviceCertificateHeld(this)) setImmediate(() => this.#authenticate());
    this.bootedAt = this.now();
    this.diag.record('boot', `boot ${this.state.bootCount}: ${Object.keys(this.state.images).length} image(s), ${this.bootFailures.size} failed verification`);
    const auto = Object.values(this.state.images)
      .filter((r) => r.app && this.state.apps[r.componentId]?.autoStart && !this.bootFailures.has(r.componentId))
      .sort((a, b) => (b.seq ?? 0) - (a.seq ?? 0));
    let highLevelStarted = false;
    for (const r of auto) {
      if (r.app!.highLevel) {
        if (highLevelStarted) continue;
        highLevelStarted = true;
      }
      try { this.startApp(r.componentId, false); } catch { /* recorded by startApp */ }
    }
  }

  /** Where what an app writes to a bridged UART goes (run.ts connects the board's UART bridges). */
  onUartTx: (isu: number, data: Uint8Array) => void = () => {};

  /** The TCP port that streams a debug-mode app's output (debug-output.ts), where one is served. */
  debugOutPort: number | undefined;

  /** Powered down (an app's ForceSystemPowerDown): nothing runs until the residency ends, then the device boots. */
  poweredDown = false;

  powerDown(residencySeconds: number): void {
    void this.runtime.killAll('system power-down');
    this.apps.clear();
    this.poweredDown = true;
    this.diag.record('power-down', `powered down for up to ${residencySeconds} s at an app's request`);
    this.clock.setTimer(residencySeconds * 1000, () => {
      this.poweredDown = false;
      this.diag.record('restart', 'woke from power-down');
      this.boot();
    });
  }

  /** POST /restart: everything stops, uptime restarts, secure boot runs again. */
  restart(): void {
    this.diag.record('restart', 'restart requested');
    this.boot();
  }

  // ---- images ------------------------------------------------------------------------------

  usedFlash(state = this.state): number {
    return [...Object.values(state.images), ...Object.values(state.staged)].reduce((n, r) => n + r.size, 0);
  }

  /** PUT /update/stage: verify fully, store durably, then record it as staged (replacing a staged image of the same component). */
  stage(bytes: Uint8Array): ImageRecord {
    const info = inspectPackage(bytes, this.keystore, this.now(), { deviceId: this.deviceId, securityService: this.securityService.thumbprint });
    delete info.entryPoint;
    const floor = this.state.securityVersions[info.componentId];
    const version = info.securityVersion ?? 0;
    if (floor !== undefined && version < floor) {
      this.diag.record('rollback-refused', `component ${info.componentId} image ${info.imageId}: security version ${version} is lower than ${floor}, the highest installed`);
      fault('IMAGE_NOT_STAGED', `rollback refused: security version ${version} of component ${info.componentId} is lower than ${floor}, the highest installed; pack it with --security-version ${floor} or higher`);
    }
    const replaced = this.state.staged[info.componentId]?.size ?? 0;
    if (this.usedFlash() - replaced + bytes.length > CUSTOMER_FLASH_BYTES) fault('INSUFFICIENT_SPACE', `${bytes.length} bytes do not fit`);
    const blob = this.flash.putBlob(bytes);
    const rec: ImageRecord = { ...info, blob };
    this.mutate((s) => { s.staged[rec.componentId] = rec; });
    this.diag.record('stage', `staged ${rec.componentId} image ${rec.imageId} "${rec.name}" (${rec.size} bytes)`);
    this.updates.staged(rec.app !== undefined);
    return rec;
  }

  /**
   * POST /update/install: all staged images become installed in one commit; apps restart per
   * `appControlMode`. A board configuration or a capability image makes the device restart (the
   * caller runs it once the answer is sent), so secure boot judges every image under the new keystore.
   */
  install(mode: 'Auto' | 'Manual'): { restartingSystem: boolean } {
    const staged = Object.values(this.state.staged);
    if (staged.length === 0) return { restartingSystem: false };
    const boardConfig = staged.some((r) => r.imageType === IMAGE_TYPE_BOARD_CONFIG);
    const grant = staged.find((r) => r.grants !== undefined)?.grants;
    this.updates.installing();
    for (const r of staged) this.#stopRun(r.componentId, 'replaced by install');
    this.mutate((s) => {
      if (grant) s.capabilities = grant;
      for (const r of staged) {
        if (r.grants !== undefined) continue;
        s.images[r.componentId] = { ...r, seq: s.generation + 1 };
        if (r.securityVersion !== undefined) s.securityVersions[r.componentId] = Math.max(s.securityVersions[r.componentId] ?? 0, r.securityVersion);
        if (r.app) s.apps[r.componentId] = { autoStart: mode !== 'Manual' };
        else delete s.apps[r.componentId];
      }
      s.staged = {};
      if (boardConfig) s.restartRequired = true;
      // What runs changes in the same commit: the new images are verified, earlier failures of their components gone.
      const failed = new Set([...this.bootFailures.keys()].filter((c) => !staged.some((r) => r.componentId === c)));
      s.measuredBoot = measureBoot({ os: OS_COMPONENTS, osVersion: OS_VERSION, images: Object.values(s.images), failed });
    });
    for (const r of staged) this.bootFailures.delete(r.componentId);
    this.flash.collectGarbage(referencedBlobs(this.state));
    if (grant) this.diag.record('capabilities', `capabilities set to [${grant.join(',')}] by a capability image`);
    this.diag.record('install', `installed ${staged.map((r) => `${r.componentId} image ${r.imageId}`).join(', ')} (${mode})`);
    if (mode !== 'Manual' && !grant) {
      // The newest high-level app wins: at most one runs.
      const apps = staged.filter((r) => r.app).sort((a, b) => Number(a.app!.highLevel) - Number(b.app!.highLevel));
      for (const r of apps) {
        try { this.startApp(r.componentId, false, { replaceHighLevel: true }); } catch { /* recorded */ }
      }
    }
    return { restartingSystem: boardConfig || grant !== undefined };
  }

  /** DELETE /app/image/{id}: removes the installed and staged image of a component; unknown IDs are not an error. */
  remove(componentId: string): { restartingSystem: boolean } {
    const rec = this.state.images[componentId] ?? this.state.staged[componentId];
    if (!rec) return { restartingSystem: false };
    this.#stopRun(componentId, 'image deleted');
    const boardConfig = this.state.images[componentId]?.imageType === IMAGE_TYPE_BOARD_CONFIG;
    this.mutate((s) => {
      delete s.images[componentId];
      delete s.staged[componentId];
      delete s.apps[componentId];
      if (boardConfig) s.restartRequired = true;
      const failed = new Set([...this.bootFailures.keys()].filter((c) => c !== componentId));
      s.measuredBoot = measureBoot({ os: OS_COMPONENTS, osVersion: OS_VERSION, images: Object.values(s.images), failed });
    });
    this.bootFailures.delete(componentId);
    rmSync(this.storageDir(componentId), { recursive: true, force: true });
    this.flash.collectGarbage(referencedBlobs(this.state));
    this.diag.record('delete', `deleted ${componentId} "${rec.name}"`);
    return { restartingSystem: boardConfig };
  }

  /**
   * Recovery (spec/device-rest-api.md §7, what a board's recovery UART does): the base OS image set
   * is written again and what the customer put on the device goes — applications, board
   * configurations, staged images, app storage, capabilities, certificates, Wi-Fi and network
   * settings. The identity key (so the device ID), the Security Service key, the manufacturing
   * state (e-fuses on a board) and the keystore certificates the emulator was told to trust
   * (`--trust`, the development CA) stay. One index commit, then the device boots.
   */
  recover(): RecoveryResult {
    for (const c of [...this.apps.keys()]) this.#stopRun(c, 'recovery');
    const removedImages = new Set([...Object.keys(this.state.images), ...Object.keys(this.state.staged)]).size;
    this.diag.record('recovery', `recovery: base OS image set written again, ${removedImages} customer image(s), app storage and settings erased`, true);
    this.mutate((s) => {
      // The anti-rollback record stays too: recovery must not open a way back to an old, weaker version.
      const keep = { manufacturingState: s.manufacturingState, trusted: [...s.trusted], bootCount: s.bootCount, securityVersions: { ...s.securityVersions } };
      Object.assign(s, blankState(), keep);
    });
    rmSync(join(this.stateDir, 'storage'), { recursive: true, force: true });
    this.flash.collectGarbage(referencedBlobs(this.state));
    this.boot();
    return { deviceId: this.deviceId, removedImages, bootCount: this.state.bootCount };
  }

  // ---- applications ------------------------------------------------------------------------

  storageDir(componentId: string): string {
    return join(this.stateDir, 'storage', componentId);
  }

  appState(componentId: string): AppState {
    const rec = this.state.images[componentId];
    if (!rec?.app) return 'notPresent';
    return this.apps.get(componentId)?.state ?? 'stopped';
  }

  /** `start` / `startDebug`: notPresent → 409; a second high-level app → 409 busy unless replacing. */
  startApp(componentId: string, debug: boolean, o: { replaceHighLevel?: boolean; restart?: boolean } = {}): SetAppStatusBody {
    const rec = this.state.images[componentId];
    if (!rec?.app) fault('APP_NOT_PRESENT');
    const failed = this.bootFailures.get(componentId);
    if (failed !== undefined) fault('APP_EXEC_FAILED', failed);
    if (rec.app.runtimeVersion !== undefined && rec.app.runtimeVersion > ABI_VERSIONS.ApplicationRuntime) {
      this.diag.record('app-start-failure', `${componentId} needs ApplicationRuntime ${rec.app.runtimeVersion}, the device has ${ABI_VERSIONS.ApplicationRuntime}`, true);
      fault('APP_EXEC_FAILED', `the app needs ApplicationRuntime ${rec.app.runtimeVersion}`);
    }
    if (debug && !this.isAppDevelopmentAllowed()) fault('DEBUG_SERVER_MISSING');
    const want = debug ? 'debugging' : 'running';
    const current = this.apps.get(componentId);
    if (current?.state === want) return this.#runBody(componentId, current);
    if (current) this.#stopRun(componentId, `restarting as ${want}`);
    let realTimeCore: number | undefined;
    if (rec.app.highLevel) {
      const other = [...this.apps.keys()].find((c) => this.state.images[c]?.app?.highLevel);
      if (other !== undefined) {
        if (!o.replaceHighLevel) fault('RESOURCE_BUSY', `high-level app ${other} is running; stop it first`);
        this.#stopRun(other, `replaced by ${componentId}`);
      }
    } else {
      const used = new Set([...this.apps.values()].map((r) => r.realTimeCore));
      realTimeCore = [...Array(REAL_TIME_CORES).keys()].find((c) => !used.has(c));
      if (realTimeCore === undefined) fault('RESOURCE_BUSY', 'every real-time core runs an app');
    }
    const spec = this.#appSpec(rec, debug);
    const run: AppRun = { state: want, pid: this.#nextPid++, startedAt: this.now(), peakBytes: 0, executed: spec !== undefined, ...(realTimeCore === undefined ? {} : { realTimeCore }) };
    this.apps.set(componentId, run);
    this.startFailures.delete(componentId);
    if (spec) {
      this.diag.record('app-start', `${componentId} "${rec.name}" ${want} (pid ${run.pid}, WebAssembly)`);
      void this.runtime.start(spec, { restart: o.restart === true });
    } else {
      this.diag.record('app-start', `${componentId} "${rec.name}" ${want} (pid ${run.pid}, simulated: bin/app is not WebAssembly, so its code is not executed)`);
      this.runtime.note(componentId, `"${rec.name}" ${want}: simulated — bin/app is not WebAssembly (e.g. an ARM binary from Microsoft's SDK), so its code is not executed`);
    }
    return this.#runBody(componentId, run);
  }

  /** What the runtime needs to run an installed app, or undefined when its bin/app is not WebAssembly. */
  #appSpec(rec: ImageRecord, debug: boolean): AppSpec | undefined {
    let bytes: Uint8Array;
    try { bytes = this.flash.readBlob(rec.blob); } catch { return undefined; }
    const app = runnableApp(bytes);
    if (!app) return undefined;
    // Only an app with DeviceAuthentication sees the device certificate (fetched first, so it also counts as ready).
    const cert = app.capabilities.deviceAuthentication ? deviceCertificate(this) : undefined;
    const { ready, interfaces, deviceAuthReady } = this.netFacts();
    return {
      ...app, componentId: rec.componentId, name: rec.name, debug,
      storageFile: join(this.storageDir(rec.componentId), 'mutable'),
      networkingReady: ready, interfaces, deviceAuthReady,
      ...(cert ? { deviceAuthCert: new Uint8Array(Buffer.from(cert.certPem, 'utf8')) } : {}),
    };
  }

  /**
   * What an app learns of the network (Networking_InterfaceConnectionStatus bits per interface,
   * whether any can carry traffic). The REST API's network handlers know it; whoever serves them
   * sets this (run.ts), so the core does not reach into api/.
   */
  netFacts: () => NetFacts = () => ({ ready: false, interfaces: {}, deviceAuthReady: false });

  #lastNet = '';
  /** Tells running apps when the network facts change (after any commit, or a new source). */
  netChanged(): void {
    this.#netChanged();
  }

  #netChanged(): void {
    if (!this.runtime?.procs.size) return;
    const f = this.netFacts();
    const key = JSON.stringify(f);
    if (key === this.#lastNet) return;
    this.#lastNet = key;
    this.runtime.netFacts(f);
  }

  /** A run ended on its own or was stopped: the app is stopped, an abnormal end goes into the error-report data. */
  #runEnded(componentId: string, info: ExitInfo, restartInMs: number | undefined): void {
    const rec = this.state.images[componentId];
    const end: AppEnd = { ...info, ...(restartInMs === undefined ? {} : { restartInMs }) };
    this.lastEnd.set(componentId, end);
    if (info.reason === 'stopped') return;
    if (this.runtime.running(componentId) === undefined) this.apps.delete(componentId);
    if (info.reason === 'load') {
      this.startFailures.set(componentId, info.detail);
      this.diag.record('app-start-failure', `${componentId} "${rec?.name ?? ''}" cannot start: ${info.detail}`, true);
      return;
    }
    const abnormal = !(info.reason === 'exit' && info.code === 0);
    const what = info.reason === 'exit' ? `exit code ${info.code}` : info.detail;
    const memory = info.memoryCapReached ? ', memory cap reached' : '';
    this.diag.record(abnormal ? 'app-crash' : 'app-exit', `${componentId} "${rec?.name ?? ''}" ended: ${what}${memory} at ${new Date(this.clock.wallMs()).toISOString()}`, abnormal);
  }

  stopApp(componentId: string): SetAppStatusBody {
    const rec = this.state.images[componentId];
    if (!rec?.app) fault('APP_NOT_PRESENT');
    this.#stopRun(componentId, 'stop requested');
    return { state: 'stopped' };
  }

  /** Simulated memory use of a running app: a base plus its image size, in whole pages. */
  appMemory(componentId: string): number {
    const rec = this.state.images[componentId];
    const bytes = 65536 + (rec ? rec.uncompressedSize : 0) / 4;
    return Math.ceil(bytes / 4096) * 4096;
  }

  #runBody(componentId: string, run: AppRun): SetAppStatusBody {
    const body: SetAppStatusBody = { state: run.state };
    if (run.realTimeCore !== undefined) body.realTimeCore = run.realTimeCore;
    if (run.state === 'debugging') { body.gdbPort = DEBUG_PORTS.gdbPort; body.outPort = this.debugOutPort ?? DEBUG_PORTS.outPort; }
    void componentId;
    return body;
  }

  #stopRun(componentId: string, why: string): void {
    const run = this.apps.get(componentId);
    void this.runtime.stop(componentId, why);
    if (!run) return;
    this.apps.delete(componentId);
    this.diag.record('app-stop', `${componentId} stopped (${why})`);
  }
}

/**
 * Finding devices and choosing one (spec/device-rest-api.md §1; spec/azsphere-cli.md §2.2
 * "Multiple devices"). Candidates are the running emulators (handed in by the caller, which reads
 * the emulator registry) and boards that accept connections at the service addresses
 * 192.168.35.2–254 — probed only when this host has an address in that subnet. `--device`
 * names an emulator, an IP address (optionally `:port`) or a device ID (or a unique prefix of one);
 * with several devices and no `--device`, the choice is refused, never guessed. Then, from the
 * chosen device to a ready client: the CA to pin (the flag overrides; an emulator brings its own;
 * a board needs one configured — sideload/README.md "Which CA is pinned"), the keep-alive HTTPS
 * transport, the REST client and the typed API.
 */
import { Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { NotFoundError, UsageError } from '../image-builder/errors';
import { DeviceClient, type DeviceClientOptions } from './client';
import { DeviceApi } from './device-api';
import { DEFAULT_DEVICE_PORT, DEVICE_ADDRESS_RANGE } from './protocol/index';
import { DEVICE_CA_ENV, DEVICE_CA_FILE, type PinnedCa, type Timeouts } from './settings';
import { httpsTransport, type Transport } from './transport';

export interface EmulatorRef {
  name: string;
  host: string;
  port: number;
  ca?: PinnedCa;
  /** Known without asking the device (from the registry), if at all. */
  deviceId?: string;
  stateDir?: string;
}

/** A device to talk to: a running emulator, or a board (then `name` is its address). */
export interface DeviceCandidate extends EmulatorRef {
  kind: 'emulator' | 'board';
}

export function describeCandidate(c: DeviceCandidate): string {
  return c.kind === 'emulator' ? `emulator "${c.name}"` : `board ${formatAddress(c.host, c.port)}`;
}

export function formatAddress(host: string, port: number): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return port === DEFAULT_DEVICE_PORT ? h : `${h}:${port}`;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** `192.168.35.2`, `127.0.0.1:8443`, `[::1]:8443` or `localhost:8443`; undefined for anything else. */
export function parseAddress(text: string): { host: string; port: number } | undefined {
  const v6 = /^\[([0-9a-fA-F:]+)\](?::(\d{1,5}))?$/.exec(text);
  if (v6) return { host: v6[1]!, port: v6[2] ? Number(v6[2]) : DEFAULT_DEVICE_PORT };
  const m = /^([^:]+)(?::(\d{1,5}))?$/.exec(text);
  if (!m) return undefined;
  const host = m[1]!;
  if (!IPV4.test(host) && !(host === 'localhost' && m[2])) return undefined;
  const port = m[2] ? Number(m[2]) : DEFAULT_DEVICE_PORT;
  return port > 0 && port < 65536 ? { host, port } : undefined;
}

/** Board addresses worth probing: the service range, when a local interface sits in 192.168.35.0/24. */
export function serviceAddresses(ifaces: ReturnType<typeof networkInterfaces> = networkInterfaces()): string[] {
  const prefix = DEVICE_ADDRESS_RANGE.first.split('.').slice(0, 3).join('.') + '.';
  const own = Object.values(ifaces).flat().filter((i) => i && i.family === 'IPv4' && i.address.startsWith(prefix)).map((i) => i!.address);
  if (own.length === 0) return [];
  const first = Number(DEVICE_ADDRESS_RANGE.first.split('.')[3]);
  const last = Number(DEVICE_ADDRESS_RANGE.last.split('.')[3]);
  const out: string[] = [];
  for (let n = first; n <= last; n++) if (!own.includes(prefix + n)) out.push(prefix + n);
  return out;
}

/** Whether something accepts a TCP connection at host:port within `timeoutMs`. */
export function probeTcp(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => { s.destroy(); resolve(ok); };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
    s.connect(port, host);
  });
}

export interface DiscoverOptions {
  emulators: EmulatorRef[];
  /** Addresses (`host` or `host:port`) where a board may answer. */
  boardAddresses: string[];
  boardCa?: PinnedCa;
  probe?: (host: string, port: number, timeoutMs: number) => Promise<boolean>;
  probeMs?: number;
}

/** Every reachable device: the emulators first (in registry order), then the boards that answered. */
export async function discoverDevices(o: DiscoverOptions): Promise<DeviceCandidate[]> {
  const out: DeviceCandidate[] = o.emulators.map(({ deviceId, ...e }) => ({ kind: 'emulator', ...e, ...(deviceId ? { deviceId: deviceId.toUpperCase() } : {}) }));
  const probe = o.probe ?? probeTcp;
  const taken = new Set(out.map((c) => `${c.host}:${c.port}`));
  const boards = o.boardAddresses.map(parseAddress).filter((a): a is { host: string; port: number } => a !== undefined && !taken.has(`${a.host}:${a.port}`));
  const alive = await Promise.all(boards.map((b) => probe(b.host, b.port, o.probeMs ?? 800)));
  boards.forEach((b, i) => {
    if (!alive[i]) return;
    const c: DeviceCandidate = { kind: 'board', name: formatAddress(b.host, b.port), host: b.host, port: b.port };
    if (o.boardCa) c.ca = o.boardCa;
    out.push(c);
  });
  return out;
}

const NO_DEVICE = 'Start an emulator ("sphere emulator start --detach") or attach a board; "sphere device list-attached" shows what sphere finds';

/**
 * Picks the device `selector` names among `candidates`. `deviceIdOf` asks a candidate for its ID
 * (only called when the selector looks like a device ID).
 */
export async function selectDevice(candidates: DeviceCandidate[], selector: string | undefined, o: { deviceIdOf?: (c: DeviceCandidate) => Promise<string | undefined>; boardCa?: PinnedCa } = {}): Promise<DeviceCandidate> {
  if (selector === undefined || selector === '') {
    if (candidates.length === 1) return candidates[0]!;
    if (candidates.length === 0) throw new NotFoundError(`Cannot find a device: no emulator is running and no board answers at ${DEVICE_ADDRESS_RANGE.first}-${DEVICE_ADDRESS_RANGE.last.split('.')[3]}. ${NO_DEVICE}.`, { code: 'NO_DEVICE' });
    const names = candidates.map((c) => (c.kind === 'emulator' ? `${c.name} (${formatAddress(c.host, c.port)})` : c.name)).join(', ');
    throw new UsageError(`Cannot choose a device: ${candidates.length} are attached (${names}). Pass --device <name|IP|device ID>.`, { code: 'AMBIGUOUS_DEVICE' });
  }
  const byName = candidates.find((c) => c.kind === 'emulator' && c.name === selector);
  if (byName) return byName;
  const addr = parseAddress(selector);
  if (addr) {
    const explicitPort = /:\d+$/.test(selector);
    const hit = candidates.find((c) => c.host === addr.host && (!explicitPort || c.port === addr.port)) ?? candidates.find((c) => c.host === addr.host && c.port === addr.port);
    if (hit) return hit;
    const board: DeviceCandidate = { kind: 'board', name: formatAddress(addr.host, addr.port), host: addr.host, port: addr.port };
    if (o.boardCa) board.ca = o.boardCa;
    return board;
  }
  if (/^[0-9a-fA-F]{8,128}$/.test(selector)) {
    const want = selector.toUpperCase();
    const ids = await Promise.all(candidates.map(async (c) => c.deviceId ?? (o.deviceIdOf ? (await o.deviceIdOf(c).catch(() => undefined))?.toUpperCase() : undefined)));
    const hits = candidates.filter((_, i) => ids[i]?.startsWith(want));
    if (hits.length === 1) return { ...hits[0]!, deviceId: ids[candidates.indexOf(hits[0]!)]! };
    if (hits.length > 1) throw new UsageError(`Cannot choose a device: ${hits.length} devices have an ID starting with "${selector}". Give more of the device ID.`, { code: 'AMBIGUOUS_DEVICE' });
    throw new NotFoundError(`Cannot find device "${selector}": no attached device has that ID. ${NO_DEVICE}.`, { code: 'DEVICE_NOT_FOUND' });
  }
  throw new NotFoundError(`Cannot find device "${selector}": no running emulator has that name, and it is neither an IP address nor a device ID. ${NO_DEVICE}.`, { code: 'DEVICE_NOT_FOUND' });
}

export interface ConnectOptions {
  /** `--device-ca`: pinned instead of whatever the device would bring. */
  caOverride?: PinnedCa;
  timeouts?: Partial<Timeouts>;
  onBusy?: DeviceClientOptions['onBusy'];
  /** Tests: a transport instead of HTTPS. */
  transport?: (c: DeviceCandidate, ca: PinnedCa) => Transport;
}

export function caFor(c: DeviceCandidate, override?: PinnedCa): PinnedCa {
  const ca = override ?? c.ca;
  if (ca) return ca;
  if (c.kind === 'emulator') throw new UsageError(`Cannot connect to ${describeCandidate(c)}: its device CA is unknown. Pass it with --device-ca ("sphere emulator ca-cert --name ${c.name}" prints it).`, { code: 'NO_DEVICE_CA' });
  throw new UsageError(`Cannot connect to ${describeCandidate(c)}: no device CA is pinned for boards. Pass the device's CA certificate with --device-ca <file.pem>, set ${DEVICE_CA_ENV}, or save it as ~/.config/sphere/${DEVICE_CA_FILE}.`, { code: 'NO_DEVICE_CA' });
}

export function connectDevice(c: DeviceCandidate, o: ConnectOptions = {}): DeviceApi {
  const ca = caFor(c, o.caOverride);
  const t = o.timeouts ?? {};
  const transport = o.transport ? o.transport(c, ca) : httpsTransport({ host: c.host, port: c.port, caPem: ca.pem, connectTimeoutMs: t.connectMs ?? 5_000 });
  const opts: DeviceClientOptions = { transport, label: describeCandidate(c), caSource: ca.source, timeouts: t };
  if (o.onBusy) opts.onBusy = o.onBusy;
  return new DeviceApi(new DeviceClient(opts));
}

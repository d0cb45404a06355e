/**
 * From a chosen device to a ready client: pick the CA to pin (the flag overrides; an emulator
 * brings its own; a board needs one configured — sideload/README.md "Which CA is pinned"), open
 * the keep-alive HTTPS transport and wrap it in the REST client and the typed API.
 */
import { UsageError } from '../image-builder/errors';
import { DeviceClient, type DeviceClientOptions } from './client';
import { DeviceApi } from './device-api';
import { describeCandidate, type DeviceCandidate } from './discovery';
import { DEVICE_CA_ENV, DEVICE_CA_FILE, type PinnedCa, type Timeouts } from './settings';
import { httpsTransport, type Transport } from './transport';

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

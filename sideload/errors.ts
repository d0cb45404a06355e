/**
 * Turning what the device says (or fails to say) into one line: the contract's message for the
 * device error code, the code as `category.id`, and what to do (spec/device-rest-api.md §3).
 * Grammar: `Cannot <action> on <device>: <why> (device error <c>.<i>). <what to do>.`
 */
import { DeviceError, EXIT, SphereError, type ErrorDetails } from '../image-builder/errors';
import { deviceErrorByCode, HTTP_ERROR_TEXT, unpackErrorCode, type DeviceErrorName } from './protocol/index';
import type { TransportError } from './transport';

/** A device error about something that is not there (an app, a certificate, a network): exit 3. */
export class DeviceNotFoundError extends DeviceError {
  override readonly exitCode: number = EXIT.NOT_FOUND;
}

/** No device answers at all (nothing listening, no route): exit 3, like any missing resource. */
export class DeviceUnreachableError extends DeviceError {
  override readonly exitCode: number = EXIT.NOT_FOUND;
}

const DEV_MODE = 'Enable development on the device ("sphere device enable-development"; an emulator started with "--capabilities appDevelopment" has it)';
const RETRY_LATER = 'Wait a moment and run the command again';
const FIX_MANIFEST = 'Fix app_manifest.json ("sphere manifest check") and pack the app again';

/** What to do, per named error. */
const HINT: Partial<Record<DeviceErrorName, string>> = {
  PERMISSION_DENIED: DEV_MODE,
  APP_OPERATION_NOT_PERMITTED: DEV_MODE,
  IMAGE_NOT_TRUSTED: `Sign the package with a certificate the device trusts (an emulator trusts your development CA and any "sphere emulator start --trust <cert.pem>"); for a package signed by the SDK Test certificate, ${DEV_MODE.charAt(0).toLowerCase()}${DEV_MODE.slice(1)}`,
  DEBUG_SERVER_MISSING: DEV_MODE,
  APP_EXEC_FAILED: 'Check that the package holds the file its manifest names as EntryPoint ("sphere image show <file>" lists its files), then rebuild the application and deploy it again',
  APP_NOT_PRESENT: 'Check the component ID with "sphere device image list-installed", or deploy the app first',
  APP_ALREADY_EXISTS: 'Deploy with --force, or delete the app first ("sphere device sideload delete --component-id <id>")',
  ALREADY_DEPLOYED: 'Nothing to do, or deploy with --force',
  REBOOT_REQUIRED: 'Restart the device ("sphere device restart") and run the command again',
  DEVICE_BUSY: RETRY_LATER,
  OTA_IN_PROGRESS: RETRY_LATER,
  WIFI_INITIALIZING: RETRY_LATER,
  RESOURCE_BUSY: RETRY_LATER,
  MANIFEST_INVALID_JSON: FIX_MANIFEST,
  MANIFEST_SCHEMA_VERSION: FIX_MANIFEST,
  MANIFEST_MISSING: FIX_MANIFEST,
  MANIFEST_STORAGE_TOO_LARGE: FIX_MANIFEST,
  MANIFEST_PIN_CONFLICT: FIX_MANIFEST,
  GPIO_NOT_DEFINED: FIX_MANIFEST,
  GPIO_IN_USE: 'Stop or delete the app that holds the GPIO ("sphere device app show-status")',
  PERIPHERAL_IN_USE: 'Stop or delete the app that holds the peripheral ("sphere device app show-status")',
  APP_PINS_IN_USE: 'Stop or delete the app that holds the pins ("sphere device app show-status")',
  INSUFFICIENT_SPACE: 'Delete apps you no longer need ("sphere device sideload delete --component-id <id>")',
  IMAGE_NOT_STAGED: 'Check the package with "sphere image verify" and pack it again',
  INVALID_COMPONENT_ID: 'Pack the image again with a valid ComponentId',
  CERT_NOT_FOUND: 'List the stored certificates with "sphere device certificate list"',
  CERT_STORE_FULL: 'Delete a certificate first ("sphere device certificate delete")',
  WIFI_NETWORK_NOT_FOUND: 'List the configured networks with "sphere device wifi list"',
  WIFI_NETWORK_EXISTS: 'Use "sphere device wifi list" to find it, or forget it first',
  INVALID_URI: 'Check the name or identifier you passed ("sphere device network list-interfaces" lists the interfaces); the device may also run an older OS that lacks the call',
  WIFI_INTERFACE_DISABLED: 'Enable the Wi-Fi interface with "sphere device network enable --interface wlan0"',
  CONTENT_TOO_LARGE: 'Send less: the device takes request bodies of at most 64 KiB',
  INTERNAL_ERROR: 'Restart the device ("sphere device restart") and try again',
};

const NOT_FOUND_NAMES = new Set<DeviceErrorName>(['APP_NOT_PRESENT', 'CERT_NOT_FOUND', 'WIFI_NETWORK_NOT_FOUND', 'INVALID_URI']);

const STATUS_HINT: Record<number, string> = {
  400: 'Check the values you passed',
  403: DEV_MODE,
  404: 'The device may run an older OS; update it',
  409: RETRY_LATER,
  412: 'The device may run an older OS; update it',
  415: 'Update sphere or the device OS',
  500: 'Restart the device ("sphere device restart") and try again',
};

function sentence(s: string): string {
  return s.trim().replace(/[.\s]+$/, '');
}

/** `category.id` of a packed code, e.g. 14680076 → `14.12`. */
export function codePair(code: number): string {
  const { category, id } = unpackErrorCode(code);
  return `${category}.${id}`;
}

/** The error for an HTTP error answer; `code` is the `{"error": n}` value when the body had one. */
export function errorFromAnswer(o: { action: string; device: string; status: number; code?: number; endpoint: string }): DeviceError {
  const details: ErrorDetails & { deviceCode?: number } = { code: 'DEVICE_ERROR' };
  if (o.code === undefined) {
    const why = HTTP_ERROR_TEXT[o.status] ?? `The device answered with the unexpected HTTP status ${o.status}.`;
    return new DeviceError(`Cannot ${o.action} on ${o.device}: ${sentence(why)} (HTTP ${o.status}, no error code). ${STATUS_HINT[o.status] ?? 'Try again; if it persists, collect "sphere device get-support-data"'}.`, { ...details, code: `HTTP_${o.status}` });
  }
  details.deviceCode = o.code;
  const known = deviceErrorByCode(o.code);
  const { categoryName } = unpackErrorCode(o.code);
  const pair = codePair(o.code);
  if (known) {
    details.code = known.name;
    // A code the device sends with several statuses (10485761: 400 for a value, 415 for a media type) takes the status's hint.
    const hint = HINT[known.name] ?? STATUS_HINT[o.status] ?? STATUS_HINT[known.status] ?? 'Try again';
    const msg = `Cannot ${o.action} on ${o.device}: ${sentence(known.message)} (device error ${pair}). ${hint}.`;
    return NOT_FOUND_NAMES.has(known.name) ? new DeviceNotFoundError(msg, details) : new DeviceError(msg, details);
  }
  const why = sentence(HTTP_ERROR_TEXT[o.status] ?? 'The device refused the request');
  const msg = `Cannot ${o.action} on ${o.device}: ${why} (device error ${pair}${categoryName ? `, ${categoryName}` : ''}). ${STATUS_HINT[o.status] ?? 'Try again'}.`;
  return o.status === 404 ? new DeviceNotFoundError(msg, details) : new DeviceError(msg, details);
}

/** The error for a request that got no HTTP answer. */
export function errorFromTransport(e: TransportError, o: { action: string; device: string; address: string; caSource: string; upload: boolean; timeoutMs: number }): DeviceError {
  const at = `${o.device}`;
  const lost = o.upload ? 'The package may not have arrived; nothing is installed until a deploy completes, so run the command again' : 'Run the command again';
  switch (e.failure) {
    case 'refused':
      return new DeviceUnreachableError(`Cannot ${o.action} on ${at}: nothing accepts connections at ${o.address}. Check that the emulator is running or the board is attached ("sphere device list-attached").`, { code: 'DEVICE_UNREACHABLE', cause: e });
    case 'unreachable':
      return new DeviceUnreachableError(`Cannot ${o.action} on ${at}: there is no route to ${o.address}. Check the USB connection and the service interface ("sphere device list-attached").`, { code: 'DEVICE_UNREACHABLE', cause: e });
    case 'timeout':
      return new DeviceError(`Cannot ${o.action} on ${at}: the device did not answer within ${Math.round(o.timeoutMs / 1000)} s. Check the connection, or raise SPHERE_DEVICE_TIMEOUT (seconds) for a slow link.`, { code: 'DEVICE_TIMEOUT', cause: e });
    case 'reset':
      return new DeviceError(`Cannot ${o.action} on ${at}: the connection closed before the device answered. ${lost}.`, { code: 'DEVICE_CONNECTION_LOST', cause: e });
    case 'tls-untrusted':
      return new DeviceError(`Cannot ${o.action} on ${at}: its TLS certificate does not chain to the pinned device CA ${o.caSource}. Pin the device's own CA with --device-ca, SPHERE_DEVICE_CA or ~/.config/sphere/device-ca.pem ("sphere emulator ca-cert" prints an emulator's).`, { code: 'DEVICE_CA_MISMATCH', cause: e });
    case 'tls-name':
      return new DeviceError(`Cannot ${o.action} on ${at}: its TLS certificate is not issued for *.devices.sphere.azure.local. Check that ${o.address} is an Azure Sphere device.`, { code: 'DEVICE_NAME_MISMATCH', cause: e });
    case 'tls-other':
      return new DeviceError(`Cannot ${o.action} on ${at}: the TLS handshake failed (${e.message}). Check that ${o.address} is an Azure Sphere device.`, { code: 'DEVICE_TLS_FAILED', cause: e });
    case 'too-large':
      return new DeviceError(`Cannot ${o.action} on ${at}: the answer is larger than sphere accepts (${e.message}). Report it.`, { code: 'DEVICE_ANSWER_TOO_LARGE', cause: e });
    default:
      return new DeviceError(`Cannot ${o.action} on ${at}: ${e.message}. ${lost}.`, { code: 'DEVICE_IO_FAILED', cause: e });
  }
}

/** The call's result, or undefined when the device's API version lacks the endpoint. */
export async function optional<T>(f: () => Promise<T>): Promise<T | undefined> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof SphereError && e.code === 'UNSUPPORTED_API_VERSION') return undefined;
    throw e;
  }
}

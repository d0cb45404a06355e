/**
 * The REST-API-Version history of spec/device_rest_api.yaml ("[Version History]" comment) as data:
 * every version the spec names, and the request and response details that changed inside an
 * endpoint's life (whole endpoints carry their own `since` in paths.ts). A client uses it to speak
 * to an older device; the emulator uses it to behave like one (`sphere emulator start
 * --rest-api-version`). test/emulator/protocol.test.ts checks each entry against the YAML's text.
 */
import { compareApiVersions } from './paths';

/** Every version in the spec's history, oldest first. */
export const API_VERSION_HISTORY = ['1.2.0', '2.0.0', '3.0.0', '3.1.0', '4.0.0', '4.1.0', '4.2.0', '4.3.0', '4.4.0', '4.5.0', '4.6.0'] as const;

/** Details newer than the endpoint they belong to, by the version that brought them. */
export const API_FEATURE_SINCE = {
  /** 4.0.0 "Locked interface down with a capability check": before it, no call needed a capability. */
  capabilityCheck: '4.0.0',
  /** 4.2.0 "Added 415 error code for incompatible media type": before it, such requests got 400. */
  unsupportedMediaType415: '4.2.0',
  /** 4.2.0 changed POST /restart's content type from application/json to text/plain. */
  restartTextPlain: '4.2.0',
  /** 4.3.0 introduced `hardwareAddress` in GET /net/interfaces and /net/interfaces/{name}. */
  interfaceHardwareAddress: '4.3.0',
  /** 4.4.0 added `restartingSystem` to DELETE /app/image/{id}. */
  removeComponentRestartingSystem: '4.4.0',
  /** 4.6.0 added `enablePowerSavings` (PATCH /wifi/interface) and `powerSavingsState` (GET /wifi/interface). */
  wifiPowerSavings: '4.6.0',
} as const;
export type ApiFeature = keyof typeof API_FEATURE_SINCE;

/** Whether a device reporting `version` has `feature`. */
export function hasApiFeature(version: string, feature: ApiFeature): boolean {
  return compareApiVersions(version, API_FEATURE_SINCE[feature]) >= 0;
}

/** `MAJOR.MINOR.PATCH` (the header's form); `MAJOR.MINOR` is read as `.0`. */
export function isApiVersion(text: string): boolean {
  return /^\d{1,3}\.\d{1,3}(\.\d{1,3})?$/.test(text);
}

/**
 * An emulator that behaves as an older device (`sphere emulator start --rest-api-version <v>`):
 * it reports `<v>` in `REST-API-Version` and, following the spec's version history
 * (sideload/protocol/versions.ts, paths.ts `since`), answers calls newer than `<v>` as unknown
 * paths, leaves out response fields added later, refuses request fields it would not know, needs
 * no capability before 4.0.0 and answers media-type errors with 400 before 4.2.0.
 */
import { UsageError } from '../../image-builder/index';
import {
  API_VERSION_HISTORY, REST_API_VERSION, compareApiVersions, hasApiFeature, isApiVersion, type Endpoint,
} from '../../sideload/protocol/index';
import { fault } from '../fault';
import type { Reply, RequestBody } from './exchange';

/**
 * The oldest version the emulator can be: image sideloading (PUT /update/stage, POST /update/install)
 * as it works today arrived in 3.0.0; older devices used calls the spec has since removed.
 */
export const OLDEST_EMULATED_API_VERSION = '3.0.0';

/** Checks a `--rest-api-version` value; returns it as MAJOR.MINOR.PATCH. */
export function checkEmulatedApiVersion(text: string): string {
  const v = text.trim();
  const full = isApiVersion(v) ? (v.split('.').length === 2 ? `${v}.0` : v) : undefined;
  if (full === undefined || compareApiVersions(full, OLDEST_EMULATED_API_VERSION) < 0 || compareApiVersions(full, REST_API_VERSION) > 0) {
    const known = API_VERSION_HISTORY.filter((x) => compareApiVersions(x, OLDEST_EMULATED_API_VERSION) >= 0).join(', ');
    throw new UsageError(`Cannot emulate REST API version "${text}": the emulator can be ${OLDEST_EMULATED_API_VERSION} to ${REST_API_VERSION} (the spec's versions: ${known}). Fix --rest-api-version.`, { code: 'BAD_API_VERSION' });
  }
  return full;
}

/** Whether a device of `version` has the endpoint at all. */
export function endpointExists(ep: Endpoint, version: string): boolean {
  return compareApiVersions(ep.since, version) <= 0;
}

/** Request fields an older device does not know: refused as an invalid argument. */
export function checkRequestForVersion(ep: Endpoint, body: RequestBody, version: string): void {
  if (ep.id === 'changeWifiInterfaceStatus' && body.kind === 'json' && 'enablePowerSavings' in body.value && !hasApiFeature(version, 'wifiPowerSavings')) {
    fault('INVALID_ARGUMENT', `enablePowerSavings needs REST API 4.6.0; this device is ${version}`);
  }
}

function without<T extends Record<string, unknown>>(o: T, key: string): T {
  const { [key]: _dropped, ...rest } = o;
  void _dropped;
  return rest as T;
}

/** Removes from a successful answer what `version` did not yet return. */
export function shapeReplyForVersion(ep: Endpoint, reply: Reply, version: string): Reply {
  if (reply.status >= 300 || reply.json === undefined || reply.json === null || typeof reply.json !== 'object') return reply;
  const json = reply.json as Record<string, unknown>;
  switch (ep.id) {
    case 'removeComponent':
      return hasApiFeature(version, 'removeComponentRestartingSystem') ? reply : { ...reply, json: {} };
    case 'getWifiInterfaceState':
      return hasApiFeature(version, 'wifiPowerSavings') ? reply : { ...reply, json: without(json, 'powerSavingsState') };
    case 'getNetworkInterfaceStatus':
      return hasApiFeature(version, 'interfaceHardwareAddress') ? reply : { ...reply, json: without(json, 'hardwareAddress') };
    case 'getAllNetworkInterfaceStatus': {
      if (hasApiFeature(version, 'interfaceHardwareAddress')) return reply;
      const list = Array.isArray(json['interfaces']) ? (json['interfaces'] as Array<Record<string, unknown>>) : [];
      return { ...reply, json: { ...json, interfaces: list.map((i) => without(i, 'hardwareAddress')) } };
    }
    default:
      return reply;
  }
}

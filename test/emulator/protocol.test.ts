/**
 * Locks the wire contract in sideload/protocol against the spec itself: the endpoint table
 * against device_rest_api.yaml (read by PyYAML), error codes and messages against the table of
 * spec/device-rest-api.md §3, the version header against the YAML's version history.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import {
  API_FEATURE_SINCE, API_VERSION_HISTORY, CAPABILITY_IMAGE, DEVICE_CAPABILITY, DEVICE_ERROR, DEVICE_ERROR_ALIASES, ENDPOINTS, ERROR_CATEGORY, FIELD_LIMIT, IMAGE_VERIFICATION,
  REST_API_VERSION, certIdentifierProblem, compareApiVersions, hasApiFeature,
  describeDeviceError, deviceErrorByCode, endpointPath, isComponentId, isHardwareAddress, matchRoute, packErrorCode, parseNetworkId, unpackErrorCode,
} from '../../sideload/protocol/index';
import { HANDLED_OPERATIONS } from '../../emulator/index';
import { SPEC_YAML } from './helpers';

const SPEC_MD = resolve('../shared/spec/device-rest-api.md');

/** The spec files come from ../shared; a clone without it skips the checks against them, saying so. */
function noSpec(): boolean {
  if (existsSync(SPEC_YAML) && existsSync(SPEC_MD)) return false;
  console.log(`  (skipped: ${SPEC_YAML} is not there — a clone without ../shared; CI has it)`);
  return true;
}

function yamlOperations(): Array<{ method: string; path: string; id: string; authorizer: string }> {
  const py = `import yaml, json, sys
d = yaml.safe_load(open(sys.argv[1]))
out = []
for p, v in d['paths'].items():
    for m, op in v.items():
        if m in ('parameters', 'x-azsphere-authorizer'): continue
        out.append({'method': m.upper(), 'path': p, 'id': op['operationId'], 'authorizer': op.get('x-azsphere-authorizer', v.get('x-azsphere-authorizer', d['x-global']['x-azsphere-authorizer']))})
print(json.dumps(out))`;
  return JSON.parse(execFileSync('python3', ['-c', py, SPEC_YAML], { encoding: 'utf8' })) as Array<{ method: string; path: string; id: string; authorizer: string }>;
}

const paths = suite('protocol paths');
paths('lists exactly the operations of device_rest_api.yaml, with their authorizers', () => {
  if (noSpec()) return;
  const spec = yamlOperations();
  assert.is(spec.length, 42);
  const mine = ENDPOINTS.map((e) => ({ method: e.method, path: e.path, id: e.id, authorizer: e.authorizer }));
  const key = (x: { id: string }) => x.id;
  assert.equal([...mine].sort((a, b) => key(a).localeCompare(key(b))), [...spec].sort((a, b) => key(a).localeCompare(key(b))));
});
paths('the emulator handles every operation', () => {
  assert.equal([...HANDLED_OPERATIONS].sort(), ENDPOINTS.map((e) => e.id).sort());
});
paths('reports the newest version of the spec history', () => {
  if (noSpec()) return;
  const versions = [...readFileSync(SPEC_YAML, 'utf8').matchAll(/^#\s+(\d+\.\d+\.\d+)\s*$/gm)].map((m) => m[1]!);
  assert.ok(versions.length >= 10);
  const newest = versions.sort(compareApiVersions).at(-1);
  assert.is(REST_API_VERSION, newest);
  assert.is(REST_API_VERSION, '4.6.0');
});
paths('the version history is the YAML\'s, and each in-endpoint change sits under the version that names it', () => {
  if (noSpec()) return;
  const yaml = readFileSync(SPEC_YAML, 'utf8');
  const history = yaml.slice(yaml.indexOf('[Version History]'), yaml.indexOf('openapi:'));
  const blocks = new Map([...history.matchAll(/^#\s+(\d+\.\d+\.\d+)\s*\n((?:#(?!\s+\d+\.\d+\.\d+\s*$).*\n)*)/gm)].map((m) => [m[1]!, m[2]!]));
  assert.equal([...API_VERSION_HISTORY], [...blocks.keys()]);
  const says: Record<keyof typeof API_FEATURE_SINCE, RegExp> = {
    capabilityCheck: /capability check/, unsupportedMediaType415: /415/, restartTextPlain: /POST \/restart.*text\/plain/,
    interfaceHardwareAddress: /hardwareAddress/, removeComponentRestartingSystem: /restartingSystem/, wifiPowerSavings: /enablePowerSavings/,
  };
  for (const [feature, version] of Object.entries(API_FEATURE_SINCE)) {
    assert.match(blocks.get(version) ?? '', says[feature as keyof typeof says], `${feature} under ${version}`);
  }
  assert.ok(hasApiFeature('4.6.0', 'wifiPowerSavings'));
  assert.not.ok(hasApiFeature('4.5.0', 'wifiPowerSavings'));
  assert.ok(hasApiFeature('4.10.0', 'wifiPowerSavings'), 'numeric, not textual, order');
  // Each endpoint's `since` is a version of the history (or the first one).
  for (const e of ENDPOINTS) assert.ok(e.since === '1.0.0' || (API_VERSION_HISTORY as readonly string[]).includes(e.since), `${e.id} since ${e.since}`);
});
paths('matches and builds paths', () => {
  const m = matchRoute('PATCH', '/app/status/1689d8b2-c835-2e27-27ad-e894d6d15fa9');
  assert.is(m.kind, 'ok');
  if (m.kind === 'ok') { assert.is(m.endpoint.id, 'setAppStatus'); assert.equal(m.params, { componentId: '1689d8b2-c835-2e27-27ad-e894d6d15fa9' }); }
  assert.is(matchRoute('POST', '/status').kind, 'method-not-allowed');
  assert.is(matchRoute('GET', '/nope').kind, 'not-found');
  assert.is(matchRoute('GET', '/certstore/certs/a%2Fb').kind, 'ok');
  assert.is(endpointPath('getCertInformation', { identifier: 'a b' }), '/certstore/certs/a%20b');
  assert.throws(() => endpointPath('getAppStatus'), /componentId/);
});

/**
 * Device codes beyond the spec note's §3 excerpt, with their meaning in the public device API
 * clients' code tables (Azure/azure-sphere-tools, Manufacturing/src/CSharp/Nuget/Package
 * ErrorHandling.cs): 10485761 "possible invalid parameter entry", 13631506 "Wi-Fi interface is
 * disabled", 15728644 "the content provided is too large".
 */
const CLIENT_TABLE_ONLY = new Set([10485761, 13631506, 15728644]);

/** [code, HTTP status] per name, written out by hand. */
const LOCKED_TABLE: Record<string, [number, number]> = {
  PERMISSION_DENIED: [13, 403],
  APP_EXEC_FAILED: [1048591, 409], APP_OPERATION_NOT_PERMITTED: [1048596, 403], APP_PINS_IN_USE: [1048601, 409],
  MANIFEST_INVALID_JSON: [2097153, 400], MANIFEST_SCHEMA_VERSION: [2097169, 400], MANIFEST_MISSING: [2097177, 400], MANIFEST_STORAGE_TOO_LARGE: [2097186, 400], MANIFEST_PIN_CONFLICT: [2097187, 400],
  APP_ALREADY_EXISTS: [3145729, 409], REBOOT_REQUIRED: [3145735, 409], DEBUG_SERVER_MISSING: [3145738, 409],
  ALREADY_DEPLOYED: [4194306, 409],
  GPIO_NOT_DEFINED: [5242883, 409], GPIO_IN_USE: [5242884, 409], PERIPHERAL_IN_USE: [5242888, 409],
  IMAGE_NOT_TRUSTED: [7340047, 400], IMAGE_NOT_STAGED: [7340050, 400], OTA_IN_PROGRESS: [7340071, 409], INVALID_COMPONENT_ID: [7340079, 400],
  INVALID_ARGUMENT: [10485761, 400], DEVICE_BUSY: [10485765, 409], RESOURCE_BUSY: [10485765, 409], CONFIG_NAME_TOO_LONG: [10485776, 400],
  WIFI_NETWORK_EXISTS: [13631490, 400], WIFI_NETWORK_NOT_FOUND: [13631491, 404], WIFI_INITIALIZING: [13631505, 409], WIFI_INTERFACE_DISABLED: [13631506, 500], WIFI_PSK_TOO_SHORT: [13631513, 400],
  APP_NOT_PRESENT: [14680076, 409], INSUFFICIENT_SPACE: [14680082, 400],
  INTERNAL_ERROR: [15728641, 500], INVALID_URI: [15728642, 404], CONTENT_TOO_LARGE: [15728644, 400],
  INVALID_HARDWARE_ADDRESS: [31457286, 400],
  CERT_INVALID_IDENTIFIER: [38797314, 400], CERT_IDENTIFIER_TOO_LONG: [38797316, 400], CERT_NOT_FOUND: [38797319, 404], CERT_STORE_FULL: [38797323, 400],
  CERT_ROOT_WITH_KEY: [38797329, 400], CERT_ROOT_WITH_PASSWORD: [38797331, 400], CERT_KEY_MISMATCH: [38797332, 400],
};

const errors = suite('protocol errors');
errors('every catalogue code and its meaning is the spec table\'s', () => {
  if (noSpec()) return;
  const md = readFileSync(SPEC_MD, 'utf8');
  const table = new Map([...md.matchAll(/^\s*\| (\d+)(?: \/ (\d+))? \| (.+?) \|$/gm)].flatMap((m) => {
    const text = m[3]!;
    return m[2] ? [[Number(m[1]), text], [Number(m[2]), text]] as const : [[Number(m[1]), text]] as const;
  }));
  assert.ok(table.size >= 30, `parsed ${table.size} rows`);
  for (const [name, d] of Object.entries(DEVICE_ERROR)) {
    if (d.source !== 'catalogue') continue;
    if (d.code === 38797329 || d.code === 38797331) { assert.match(md, String(d.code)); continue; } // named in the prose under §4.4
    if (CLIENT_TABLE_ONLY.has(d.code)) continue;
    const spec = table.get(d.code);
    assert.ok(spec !== undefined, `${name} (${d.code}) is not in the spec table`);
    const head = spec!.split('…')[0]!.replace(/\(…\)|\.\s*$/g, '').trim();
    if (d.code === 13631490 || d.code === 13631491) continue; // one row for both
    assert.ok(d.message.startsWith(head.slice(0, 30)), `${name}: "${d.message}" vs spec "${spec}"`);
  }
  for (const code of [13, 1048596, 7340047, 7340050, 7340079, 10485765, 10485776, 13631513, 14680076, 14680082, 15728642, 31457286, 38797314, 38797316, 38797319, 38797323, 38797332]) {
    assert.ok(Object.values(DEVICE_ERROR).some((d) => d.code === code), `the contract names ${code}`);
  }
});
errors('packs (category << 20) | id as the spec\'s worked examples', () => {
  assert.is(packErrorCode(ERROR_CATEGORY.AppManifestError, 1), 2097153);
  assert.is(packErrorCode(ERROR_CATEGORY.RestAppError, 12), 14680076);
  assert.is(packErrorCode(ERROR_CATEGORY.RestError, 5), 10485765);
  assert.is(packErrorCode(ERROR_CATEGORY.ImageUpdateError, 15), 7340047);
  assert.equal(unpackErrorCode(7340047), { category: 7, id: 15, categoryName: 'ImageUpdateError' });
  assert.is(describeDeviceError(1048591), DEVICE_ERROR.APP_EXEC_FAILED.message);
  assert.is(describeDeviceError(1048591 - 4), 'Device error 1.11');
  assert.throws(() => packErrorCode(1, 1 << 20), RangeError);
});
errors('the codes the emulator answers keep their HTTP statuses', () => {
  assert.is(DEVICE_ERROR.APP_NOT_PRESENT.status, 409);
  assert.is(DEVICE_ERROR.PERMISSION_DENIED.status, 403);
  assert.is(DEVICE_ERROR.IMAGE_NOT_TRUSTED.status, 400);
  assert.is(DEVICE_ERROR.CERT_NOT_FOUND.status, 404);
  assert.is(DEVICE_ERROR.DEVICE_BUSY.status, 409);
});
errors('the whole table, locked: every name, code and status (no errno-style codes but 13)', () => {
  const got = Object.fromEntries(Object.entries(DEVICE_ERROR).map(([k, d]) => [k, [d.code, d.status]]));
  assert.equal(got, LOCKED_TABLE);
  for (const errno of [2, 5, 16, 17, 19, 22, 90, 95]) assert.not.ok(Object.values(DEVICE_ERROR).some((d) => d.code === errno), `no errno ${errno}`);
  assert.equal(Object.entries(DEVICE_ERROR).filter(([, d]) => d.source === 'emulator').map(([k]) => k), ['INTERNAL_ERROR'], 'only the emulator\'s own failure has no published code');
  // Each code reads back as one name: aliases are declared.
  const names = new Map<number, string[]>();
  for (const [k, d] of Object.entries(DEVICE_ERROR)) names.set(d.code, [...(names.get(d.code) ?? []), k]);
  for (const [code, list] of names) if (list.length > 1) assert.equal(list.slice(1).map((n) => DEVICE_ERROR_ALIASES[n as keyof typeof DEVICE_ERROR_ALIASES]), list.slice(1).map(() => list[0]), `${code}`);
  assert.is(deviceErrorByCode(10485765)!.name, 'DEVICE_BUSY');
});

const rules = suite('protocol rules');
rules('values from the spec', () => {
  assert.equal(DEVICE_CAPABILITY, { appDevelopment: 11, enableRFTestMode: 12, fieldServicing: 13 });
  assert.is(FIELD_LIMIT.certIdentifierMax, 16);
  assert.is(FIELD_LIMIT.ssidMax, 32);
  assert.is(FIELD_LIMIT.pskMin, 8);
  assert.is(FIELD_LIMIT.pskMax, 63);
  assert.is(FIELD_LIMIT.certPemMax, 8192);
  assert.is(FIELD_LIMIT.certPasswordMax, 256);
  assert.is(FIELD_LIMIT.wifiConfigNameMax, 16);
  assert.is(FIELD_LIMIT.clientIdentityMax, 254);
  assert.is(FIELD_LIMIT.networkAddressMax, 255);
  assert.is(FIELD_LIMIT.proxyCredentialMax, 63);
});
rules('Spherekit conventions on the wire: capability images and per-image verification fields', () => {
  if (noSpec()) return;
  assert.equal(CAPABILITY_IMAGE, { imageType: 20, format: 'sphere-capabilities-v1', componentId: '5f3c0a11-7e2b-4c9d-9a61-0d4e8b2f6c13' });
  assert.ok(isComponentId(CAPABILITY_IMAGE.componentId));
  assert.equal(IMAGE_VERIFICATION, { field: 'verification_status', detailField: 'verification_detail', verified: 'verified', failed: 'failed' });
  const yaml = readFileSync(SPEC_YAML, 'utf8');
  assert.not.match(yaml, /verification_status|verification_detail/, 'added fields, not spec ones');
});
rules('validators', () => {
  assert.ok(isComponentId('96b15265-111a-4889-9137-2A4BD62470A0'));
  assert.not.ok(isComponentId('96b15265111a48899137-2a4bd62470a0'));
  assert.not.ok(isComponentId('96b15265-111a-4889-9137-2a4bd62470a0x'));
  assert.is(certIdentifierProblem('ok.name-1_2'), undefined);
  assert.is(certIdentifierProblem('a'.repeat(17)), 'CERT_IDENTIFIER_TOO_LONG');
  assert.is(certIdentifierProblem('bad/id'), 'CERT_INVALID_IDENTIFIER');
  assert.is(certIdentifierProblem(''), 'CERT_INVALID_IDENTIFIER');
  assert.ok(isHardwareAddress('a1:b2:c3:4d:e5:6f'));
  assert.not.ok(isHardwareAddress('a1-b2-c3-4d-e5-6f'));
  assert.is(parseNetworkId('12'), 12);
  assert.is(parseNetworkId('-1'), undefined);
  assert.is(parseNetworkId('99999999999'), undefined);
});

paths.run();
errors.run();
rules.run();


/**
 * Checks of the `Capabilities` object (spec app-manifest.md §3, §4 rules 7–10): each capability's
 * value type, which app types may use it, network hosts and ports, partner app IDs, device
 * authentication, mutable storage and power controls. Peripheral lists are in peripherals.ts.
 */
import { manifestError, APP_MANIFEST_ERROR as E } from './codes';
import { GUID, guidProblem, suggest, ZERO_GUID, type CheckContext } from './context';
import { kindName, quote, sourceOf } from './diagnostics';
import { escapePointerToken, member, type JsonNode, type JsonObject } from './json';
import { checkPeripherals, PeripheralEntry } from './peripherals';
import {
  CAPABILITIES,
  capabilitySpec,
  MAX_ALLOWED_CONNECTIONS,
  PORT_RANGE,
  POWER_CONTROLS,
  RESERVED_CAPABILITIES,
  STORAGE_SIZE_KB,
  type CapabilitySpec,
} from './schema';

const _NAMES = CAPABILITIES.map((c) => c.name);

export function checkCapabilities(caps: JsonObject, ctx: CheckContext): void {
  const peripherals: PeripheralEntry[] = [];
  for (const m of caps.members) {
    const pointer = `/Capabilities/${escapePointerToken(m.key)}`;
    const spec = capabilitySpec(m.key);
    if (spec === undefined) {
      if (RESERVED_CAPABILITIES.includes(m.key))
        ctx.out.add('CAPABILITY_RESERVED', pointer, m.keyStart, () => `Cannot request capability ${quote(m.key)}: only system components may hold it, and devices refuse app manifests that ask for it. Remove it.`, manifestError(E.DisallowedCapability));
      else {
        const near = suggest(m.key, _NAMES);
        ctx.out.add('CAPABILITY_UNKNOWN', pointer, m.keyStart, () => `Cannot interpret capability ${quote(m.key)}: it is not a known capability, so it is kept but grants nothing. ${near === undefined ? 'Check the spelling against the documented capabilities, or remove it.' : `Did you mean "${near}"?`}`);
      }
      continue;
    }
    const v = m.value;
    if (!spec.appTypes.includes(ctx.appType) && _requestsSomething(v)) {
      const kind = ctx.appType === 'Default' ? 'high-level' : 'real-time';
      const other = ctx.appType === 'Default' ? 'real-time (RealTimeCapable)' : 'high-level (Default)';
      ctx.out.add('CAPABILITY_APP_TYPE', pointer, m.keyStart, () => `Cannot request ${spec.name} in a ${kind} app: only ${other} apps may use it. Remove it, or move the feature to a ${other.split(' ')[0]} app.`);
    }
    switch (spec.kind) {
      case 'boolean':
        if (v.kind !== 'boolean') _typeError(spec, v, pointer, 'true or false', ctx);
        break;
      case 'peripherals':
        if (v.kind !== 'array') _typeError(spec, v, pointer, 'an array', ctx);
        else v.items.forEach((item, index) => peripherals.push(new PeripheralEntry(spec, index, item, pointer)));
        break;
      case 'hosts':
        if (v.kind !== 'array') _typeError(spec, v, pointer, 'an array of host names', ctx);
        else _hosts(spec, v.items, pointer, v.start, ctx);
        break;
      case 'tcp-ports':
      case 'udp-ports':
        if (v.kind !== 'array') _typeError(spec, v, pointer, 'an array of port numbers', ctx);
        else _ports(spec, v.items, pointer, ctx);
        break;
      case 'app-connections':
        if (v.kind !== 'array') _typeError(spec, v, pointer, 'an array of component IDs', ctx);
        else _appConnections(spec, v.items, pointer, ctx);
        break;
      case 'device-auth':
        if (v.kind !== 'string') _typeError(spec, v, pointer, 'a GUID string', ctx);
        else _deviceAuth(v.value, v, pointer, ctx);
        break;
      case 'storage':
        if (v.kind !== 'object') _typeError(spec, v, pointer, 'an object like { "SizeKB": 8 }', ctx);
        else _storage(v, pointer, ctx);
        break;
      case 'power-controls':
        if (v.kind !== 'array') _typeError(spec, v, pointer, 'an array', ctx);
        else _powerControls(v.items, pointer, v.start, ctx);
        break;
    }
  }
  checkPeripherals(peripherals, ctx);
}

/** `false` and `[]` request nothing, so they are harmless in an app type that cannot use them. */
function _requestsSomething(v: JsonNode): boolean {
  return !((v.kind === 'boolean' && !v.value) || (v.kind === 'array' && v.items.length === 0));
}

function _typeError(spec: CapabilitySpec, v: JsonNode, pointer: string, expected: string, ctx: CheckContext): void {
  let fix = 'Fix the value.';
  if (spec.kind === 'boolean') fix = v.kind === 'string' && /^(true|false)$/i.test(v.value) ? `Remove the quotes: "${spec.name}": ${v.value.toLowerCase()}.` : `Write "${spec.name}": true.`;
  else if (expected.startsWith('an array')) fix = v.kind === 'string' || v.kind === 'number' ? `Put the value in brackets: "${spec.name}": [ ${ctx.text.slice(v.start, v.end)} ].` : `Write it as a list: "${spec.name}": [ ... ].`;
  else if (spec.kind === 'storage') fix = 'Write "MutableStorage": { "SizeKB": 8 }.';
  else if (spec.kind === 'device-auth') fix = 'Write your tenant or catalog ID as a quoted GUID.';
  ctx.out.add('CAPABILITY_TYPE', pointer, v.start, () => `Cannot read ${spec.name} ${quote(sourceOf(v, ctx.text))}: expected ${expected}, got ${kindName(v)}. ${fix}`, manifestError(spec.parseError));
}

function _itemType(spec: CapabilitySpec, item: JsonNode, pointer: string, expected: string, ctx: CheckContext, id = spec.parseError): void {
  ctx.out.add('ITEM_TYPE', pointer, item.start, () => `Cannot read ${spec.name} entry ${quote(sourceOf(item, ctx.text))}: expected ${expected}, got ${kindName(item)}. ${item.kind === 'string' ? 'Remove the quotes.' : 'Fix the entry.'}`, manifestError(id));
}

function _duplicate(spec: CapabilitySpec, item: JsonNode, pointer: string, first: number, ctx: CheckContext): void {
  ctx.out.add('DUPLICATE_ENTRY', pointer, item.start, () => `Cannot list ${quote(sourceOf(item, ctx.text))} twice in ${spec.name}: entry ${first} already has it. Remove this one.`);
}

// ---- AllowedConnections -------------------------------------------------------------------------

const _LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Why `host` is not an allowed connection (host name, IPv4 address or `*.domain`), or undefined. */
export function hostProblem(host: string): string | undefined {
  if (host === '') return 'it is empty';
  if (/^\s|\s$/.test(host)) return 'it has leading or trailing spaces';
  if (host.includes('://')) return 'it is a URL; only the host name is allowed';
  if (host.includes('/')) return 'it contains a path; only the host name is allowed';
  if (host.includes(':')) return 'it contains ":" (a port or an IPv6 address); only host names and IPv4 addresses are allowed';
  if (/^[0-9.]+$/.test(host)) {
    const parts = host.split('.');
    if (parts.length !== 4 || parts.some((p) => !/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255)) return 'it is not a valid IPv4 address (four numbers 0–255 without leading zeros)';
    return undefined;
  }
  let name = host;
  if (host.startsWith('*.')) {
    name = host.slice(2);
    if (!name.includes('.')) return 'a wildcard must cover a domain with at least two labels, like *.example.com';
  }
  if (name.includes('*')) return 'a wildcard is allowed only as the whole first label, like *.example.com';
  if (name.length > 253) return 'it is longer than 253 characters';
  if (name.endsWith('.')) return 'it ends with a dot';
  for (const label of name.split('.')) {
    if (label === '') return 'it has an empty label (two dots in a row)';
    if (label.length > 63) return `the label ${quote(label, 20)} is longer than 63 characters`;
    if (!_LABEL.test(label)) return `the label ${quote(label, 20)} may hold only letters, digits and inner hyphens`;
  }
  return undefined;
}

function _hosts(spec: CapabilitySpec, items: JsonNode[], pointer: string, arrayStart: number, ctx: CheckContext): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const p = `${pointer}/${i}`;
    if (item.kind !== 'string') return _itemType(spec, item, p, 'a host name string', ctx);
    const why = hostProblem(item.value);
    if (why !== undefined && hostProblem(item.value.replace(/_/g, 'u')) === undefined) {
      // Underscores are not valid in host names, yet the SDK packs them (seen in a real SDK-built
      // package with a placeholder host), so this is a warning, not an error.
      ctx.out.add('HOST_UNDERSCORE', p, item.start, () => `Cannot resolve host ${quote(item.value)} reliably: "_" is not valid in a DNS host name. Use the exact name the app resolves; a placeholder left in a sample will never connect.`);
    } else if (why !== undefined) {
      ctx.out.add('HOST_INVALID', p, item.start, () => `Cannot allow connections to ${quote(item.value)}: ${why}. Write the exact host name the app resolves, e.g. "global.azure-devices-provisioning.net".`, manifestError(E.ConnectionsParseError));
      return;
    }
    const key = item.value.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) _duplicate(spec, item, p, first, ctx);
    else seen.set(key, i);
  });
  if (items.length > MAX_ALLOWED_CONNECTIONS)
    ctx.out.add('HOSTS_TOO_MANY', pointer, arrayStart, () => `Cannot allow ${items.length} connections: AllowedConnections holds at most ${MAX_ALLOWED_CONNECTIONS} entries. Use wildcards such as *.example.com or fewer hosts.`, manifestError(E.ConnectionsParseError));
}

// ---- Server ports -------------------------------------------------------------------------------

function _ports(spec: CapabilitySpec, items: JsonNode[], pointer: string, ctx: CheckContext): void {
  const invalid = spec.kind === 'tcp-ports' ? E.TcpPortsInvalid : E.UdpPortsInvalid;
  const seen = new Map<number, number>();
  items.forEach((item, i) => {
    const p = `${pointer}/${i}`;
    if (item.kind !== 'number' || !Number.isInteger(item.value)) return _itemType(spec, item, p, 'an integer port number', ctx);
    if (item.value < PORT_RANGE.min || item.value > PORT_RANGE.max) {
      ctx.out.add('PORT_INVALID', p, item.start, () => `Cannot listen on port ${sourceOf(item, ctx.text)}: ports are ${PORT_RANGE.min}–${PORT_RANGE.max}. Use a port in that range.`, manifestError(invalid));
      return;
    }
    const first = seen.get(item.value);
    if (first !== undefined) _duplicate(spec, item, p, first, ctx);
    else seen.set(item.value, i);
  });
}

// ---- AllowedApplicationConnections --------------------------------------------------------------

function _appConnections(spec: CapabilitySpec, items: JsonNode[], pointer: string, ctx: CheckContext): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const p = `${pointer}/${i}`;
    if (item.kind !== 'string') return _itemType(spec, item, p, 'a component ID string', ctx);
    if (!GUID.test(item.value)) {
      ctx.out.add('APP_CONNECTION_INVALID', p, item.start, () => `Cannot allow connections with ${quote(item.value)}: ${guidProblem(item.value)}; partner apps are named by their ComponentId GUID. Copy the partner's ComponentId from its app_manifest.json.`, manifestError(E.AllowedApplicationConnectionsParseError));
      return;
    }
    const key = item.value.toLowerCase();
    if (key === ctx.componentId)
      ctx.out.add('APP_CONNECTION_SELF', p, item.start, () => `Cannot connect the app to itself: ${quote(item.value)} is its own ComponentId. List the partner app's ComponentId instead.`);
    const first = seen.get(key);
    if (first !== undefined) _duplicate(spec, item, p, first, ctx);
    else seen.set(key, i);
  });
}

// ---- DeviceAuthentication -----------------------------------------------------------------------

function _deviceAuth(id: string, v: JsonNode, pointer: string, ctx: CheckContext): void {
  if (!GUID.test(id)) {
    const tooLong = id.length > 36 && GUID.test(id.slice(0, 36));
    ctx.out.add('DEVICE_AUTH_INVALID', pointer, v.start, () => `Cannot authenticate with tenant ${quote(id)}: ${guidProblem(id)}. Use your tenant or catalog ID, a GUID like 00000000-0000-0000-0000-000000000000.`, manifestError(tooLong ? E.DeviceAuthTenantIdTooLong : E.DeviceAuthTenantIdParseError));
    return;
  }
  if (id === ZERO_GUID)
    ctx.out.add('DEVICE_AUTH_PLACEHOLDER', pointer, v.start, () => `Cannot authenticate with tenant ${quote(id)}: it is the samples' all-zero placeholder, so device authentication will fail at run time. Replace it with your tenant or catalog ID.`);
}

// ---- MutableStorage -----------------------------------------------------------------------------

function _storage(obj: JsonObject, pointer: string, ctx: CheckContext): void {
  const size = member(obj, 'SizeKB');
  for (const m of obj.members)
    if (m.key !== 'SizeKB')
      ctx.out.add('FIELD_UNKNOWN', `${pointer}/${escapePointerToken(m.key)}`, m.keyStart, () => `Cannot interpret MutableStorage field ${quote(m.key)}: only "SizeKB" is defined, so it is kept but ignored. Remove it.`);
  if (size === undefined) {
    ctx.out.add('STORAGE_SIZE_MISSING', `${pointer}/SizeKB`, obj.start, () => `Cannot reserve mutable storage without a size: "SizeKB" is required. Add "SizeKB": 8 (1–${STORAGE_SIZE_KB.max}).`, manifestError(E.MutableStorageMissingSize));
    return;
  }
  const v = size.value;
  const p = `${pointer}/SizeKB`;
  if (v.kind !== 'number' || !Number.isInteger(v.value)) {
    ctx.out.add('FIELD_TYPE', p, v.start, () => `Cannot read SizeKB ${quote(sourceOf(v, ctx.text))}: expected an integer number of KiB, got ${kindName(v)}. ${v.kind === 'string' ? 'Remove the quotes.' : 'Use a whole number.'}`, manifestError(E.MutableStorageParseError));
    return;
  }
  if (v.value < STORAGE_SIZE_KB.min || v.value > STORAGE_SIZE_KB.max)
    ctx.out.add('STORAGE_SIZE_RANGE', p, v.start, () => `Cannot reserve ${sourceOf(v, ctx.text)} KiB of mutable storage: SizeKB must be ${STORAGE_SIZE_KB.min}–${STORAGE_SIZE_KB.max}. Use a size in that range.`, manifestError(v.value > STORAGE_SIZE_KB.max ? E.MutableStorageTooLarge : E.MutableStorageParseError));
}

// ---- PowerControls ------------------------------------------------------------------------------

function _powerControls(items: JsonNode[], pointer: string, arrayStart: number, ctx: CheckContext): void {
  const spec = capabilitySpec('PowerControls') as CapabilitySpec;
  if (items.length === 0) {
    ctx.out.add('POWER_CONTROLS_EMPTY', pointer, arrayStart, () => `Cannot accept an empty PowerControls list: devices refuse it. List what the app needs (${POWER_CONTROLS.join(', ')}) or remove the capability.`, manifestError(E.PowerControlsEmpty));
    return;
  }
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const p = `${pointer}/${i}`;
    if (item.kind !== 'string') return _itemType(spec, item, p, 'a string', ctx, E.PowerControlsInvalidEntry);
    if (!POWER_CONTROLS.includes(item.value)) {
      const near = suggest(item.value, POWER_CONTROLS);
      ctx.out.add('POWER_CONTROL_UNKNOWN', p, item.start, () => `Cannot grant power control ${quote(item.value)}: the allowed values are ${POWER_CONTROLS.join(', ')}. ${near === undefined ? 'Use one of them.' : `Did you mean "${near}"?`}`, manifestError(E.PowerControlsInvalidEntry));
      return;
    }
    const first = seen.get(item.value);
    if (first !== undefined)
      ctx.out.add('POWER_CONTROLS_DUPLICATE', p, item.start, () => `Cannot list ${quote(item.value)} twice in PowerControls: entry ${first} already has it, and devices refuse duplicates. Remove this one.`, manifestError(E.PowerControlsMalformed));
    else seen.set(item.value, i);
  });
}

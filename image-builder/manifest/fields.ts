/**
 * Checks of the top-level fields of `app_manifest.json` (spec app-manifest.md §2, §4 rules 2–3):
 * required fields per app type, their JSON types, `SchemaVersion`, `Name` length, `ComponentId`
 * syntax, `EntryPoint`, `CmdArgs`, `ApplicationType`, policy fields and unknown keys.
 */
import { manifestError, deviceErrorText, DEVICE_CATEGORY, IMAGE_UPDATE_ERROR, APP_MANIFEST_ERROR as E } from './codes';
import { GUID, guidProblem, suggest, type CheckContext } from './context';
import { kindName, quote, sourceOf } from './diagnostics';
import { escapePointerToken, type JsonNode, type JsonObject } from './json';
import { APPLICATION_TYPES, MANIFEST_FIELDS, NAME_STORED_BYTES, POLICY_FIELDS, SCHEMA_VERSION, type ApplicationType, type FieldSpec } from './schema';

const _FIELD_NAMES = MANIFEST_FIELDS.map((f) => f.name);
const _FIELDS = new Map(MANIFEST_FIELDS.map((f) => [f.name, f]));
const _COMPONENT_ID_ERROR = deviceErrorText(DEVICE_CATEGORY.ImageUpdateError, IMAGE_UPDATE_ERROR.InvalidComponentId);

/** The app type the other rules apply to: the declared one when valid, else `Default`. */
export function applicationTypeOf(root: JsonObject): ApplicationType | undefined {
  for (const m of root.members)
    if (m.key === 'ApplicationType' && m.value.kind === 'string' && (APPLICATION_TYPES as readonly string[]).includes(m.value.value))
      return m.value.value as ApplicationType;
  return undefined;
}

/** Checks every top-level member and reports missing required fields. Returns the Capabilities object. */
export function checkFields(root: JsonObject, ctx: CheckContext): JsonObject | undefined {
  const seen = new Set<string>();
  let capabilities: JsonObject | undefined;
  for (const m of root.members) {
    const spec = _FIELDS.get(m.key);
    const pointer = '/' + escapePointerToken(m.key);
    if (spec === undefined) {
      _unknown(m.key, m.keyStart, pointer, ctx);
      continue;
    }
    seen.add(m.key);
    const v = m.value;
    if (!_typeOk(spec, v)) {
      _typeError(spec, v, pointer, ctx);
      continue;
    }
    switch (spec.name) {
      case 'SchemaVersion':
        if ((v as { value: number }).value !== SCHEMA_VERSION)
          ctx.out.add('SCHEMA_VERSION_UNSUPPORTED', pointer, v.start, () => `Cannot use SchemaVersion ${quote(sourceOf(v, ctx.text))}: the only version devices accept is ${SCHEMA_VERSION}. Set "SchemaVersion": ${SCHEMA_VERSION}.`, manifestError(E.IncompatibleSchemaVersion));
        break;
      case 'Name':
        _name((v as { value: string }).value, v, pointer, ctx);
        break;
      case 'ComponentId': {
        const id = (v as { value: string }).value;
        if (!GUID.test(id))
          ctx.out.add('COMPONENT_ID_INVALID', pointer, v.start, () => `Cannot use ComponentId ${quote(id)}: ${guidProblem(id)}; a component ID is a GUID like 1689d8b2-c835-2e27-27ad-e894d6d15fa9. Use a new GUID (sphere manifest init makes one).`, _COMPONENT_ID_ERROR);
        break;
      }
      case 'EntryPoint':
        _entryPoint((v as { value: string }).value, v, pointer, ctx);
        break;
      case 'CmdArgs':
        (v as { items: JsonNode[] }).items.forEach((item, i) => {
          if (item.kind !== 'string')
            ctx.out.add('ITEM_TYPE', `${pointer}/${i}`, item.start, () => `Cannot pass ${quote(sourceOf(item, ctx.text))} as a command-line argument: expected a string, got ${kindName(item)}. Quote it.`, manifestError(E.CmdArgParseError));
        });
        break;
      case 'Capabilities':
        capabilities = v as JsonObject;
        break;
      case 'ApplicationType': {
        const t = (v as { value: string }).value;
        if (!(APPLICATION_TYPES as readonly string[]).includes(t)) {
          const near = suggest(t, APPLICATION_TYPES);
          ctx.out.add('APPLICATION_TYPE_UNKNOWN', pointer, v.start, () => `Cannot use ApplicationType ${quote(t)}: devices know only "Default" (high-level app) and "RealTimeCapable" (real-time app). ${near === undefined ? 'Use one of them.' : `Did you mean "${near}"?`}`, manifestError(E.BadAppType));
        }
        break;
      }
      case 'TargetApplicationRuntimeVersion':
      case 'MallocVersion': {
        const n = (v as { value: number }).value;
        if (n < 1)
          ctx.out.add('VALUE_OUT_OF_RANGE', pointer, v.start, () => `Cannot use ${spec.name} ${n}: it must be 1 or more. Use ${spec.example}, or remove the field.`, spec.typeError === undefined ? undefined : manifestError(spec.typeError));
        break;
      }
      case 'TargetBetaApis':
        ctx.out.add('TARGET_BETA_APIS', pointer, v.start, () => `Cannot promise stability for Beta API set ${quote((v as { value: string }).value)}: this app targets Beta APIs that may change or be removed in a future OS. Target a released API set for production.`);
        break;
    }
  }
  if (ctx.snippet) {
    ctx.out.add('MANIFEST_SNIPPET', '', root.start, () => 'Cannot pack a capabilities snippet: it holds only "Capabilities" (its capabilities were checked). Merge it into a complete app manifest (sphere manifest init writes one) before packing.');
    return capabilities;
  }
  for (const spec of MANIFEST_FIELDS) {
    if (seen.has(spec.name) || !spec.requiredFor.includes(ctx.appType)) continue;
    const forType = spec.requiredFor.length === 1 ? ` for a ${ctx.appType === 'Default' ? 'high-level' : 'real-time'} app` : '';
    ctx.out.add('FIELD_MISSING', '/' + spec.name, root.start, () => `Cannot accept a manifest without "${spec.name}": the field is required${forType}. Add "${spec.name}": ${spec.example}.`, spec.missingError === undefined ? undefined : manifestError(spec.missingError));
  }
  return capabilities;
}

function _typeOk(spec: FieldSpec, v: JsonNode): boolean {
  switch (spec.type) {
    case 'integer': return v.kind === 'number' && Number.isInteger(v.value);
    case 'string':
    case 'guid': return v.kind === 'string';
    case 'string-array': return v.kind === 'array';
    case 'object': return v.kind === 'object';
  }
}

const _TYPE_TEXT: Record<FieldSpec['type'], string> = {
  integer: 'an integer',
  string: 'a string',
  guid: 'a GUID string',
  'string-array': 'an array of strings',
  object: 'an object',
};

function _typeError(spec: FieldSpec, v: JsonNode, pointer: string, ctx: CheckContext): void {
  let fix = `Write it like "${spec.name}": ${spec.example}.`;
  if (spec.type === 'integer' && v.kind === 'string' && /^-?\d+$/.test(v.value)) fix = `Remove the quotes: "${spec.name}": ${v.value}.`;
  const device = spec.name === 'ComponentId' ? _COMPONENT_ID_ERROR : spec.typeError === undefined ? undefined : manifestError(spec.typeError);
  ctx.out.add('FIELD_TYPE', pointer, v.start, () => `Cannot read ${spec.name} ${quote(sourceOf(v, ctx.text))}: expected ${_TYPE_TEXT[spec.type]}, got ${kindName(v)}. ${fix}`, device);
}

function _name(name: string, v: JsonNode, pointer: string, ctx: CheckContext): void {
  if (name.trim() === '') {
    ctx.out.add('NAME_EMPTY', pointer, v.start, () => `Cannot use an empty Name: devices and the cloud identify the app by it. Give the app a name.`);
    return;
  }
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > NAME_STORED_BYTES) {
    const kept = Buffer.from(name, 'utf8').subarray(0, NAME_STORED_BYTES).toString('utf8').replace(/\uFFFD+$/, '');
    ctx.out.add('NAME_TRUNCATED', pointer, v.start, () => `Cannot store Name ${quote(name)} whole: it is ${bytes} bytes and the image package keeps ${NAME_STORED_BYTES}, so tools will show ${quote(kept)}. Shorten it to ${NAME_STORED_BYTES} bytes or fewer.`);
  }
}

function _entryPoint(path: string, v: JsonNode, pointer: string, ctx: CheckContext): void {
  let why: string | undefined;
  if (path === '') why = 'it is empty';
  else if (path.includes('\0')) why = 'it contains a NUL character';
  else if (path.includes('\\')) why = 'it uses backslashes; package paths use "/"';
  else if (path.endsWith('/')) why = 'it names a folder, not a file';
  else if (path.split('/').some((s) => s === '.' || s === '..')) why = 'it contains "." or ".." segments';
  if (why !== undefined)
    ctx.out.add('ENTRY_POINT_INVALID', pointer, v.start, () => `Cannot use EntryPoint ${quote(path)}: ${why}. Name the executable inside the package, e.g. "/bin/app".`, manifestError(E.BadEntryPoint));
}

function _unknown(key: string, offset: number, pointer: string, ctx: CheckContext): void {
  const norm = key.toLowerCase().replace(/[\s_]/g, '');
  if (POLICY_FIELDS.includes(norm)) {
    ctx.out.add('POLICY_FIELD', pointer, offset, () => `Cannot include ${quote(key)}: it is a device policy field, and devices refuse app manifests that set one. Remove it.`, manifestError(E.ErrorParsingPolicyCapabilities));
    return;
  }
  const near = suggest(key, _FIELD_NAMES);
  ctx.out.add('FIELD_UNKNOWN', pointer, offset, () => `Cannot interpret top-level field ${quote(key)}: it is not part of the manifest schema, so it is kept but ignored. ${near === undefined ? 'Move it under "Capabilities" if it is a capability, or remove it.' : `Did you mean "${near}"?`}`);
}

/**
 * `sphere device certificate add|list|show|delete|show-quota` (spec/azsphere-cli.md §9; REST
 * /certstore) and `sphere device manufacturing-state show|update` (§7; REST
 * /device/manufacturing_state).
 */
import { resolve } from 'node:path';
import type { CommandContext, CommandDef } from '../command';
import { optString } from '../command';
import { UsageError } from '../../image-builder/errors';
import { deviceOptions, fields, withDevice } from './device-context';

/** The device writes certificate dates in UTC without a zone (`2026-12-03T14:26:30`); people read them with the `Z`. */
const utc = (t: string) => (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$/.test(t) ? `${t}Z` : t);

const certOption = { flags: '-c, --certificate <id>', description: 'Certificate identifier (1-16 characters: letters, digits, . - _)' };

async function certId(ctx: CommandContext): Promise<string> {
  const id = optString(ctx, 'certificate');
  if (!id) throw new UsageError('Cannot use the certificate store: no certificate identifier given. Pass --certificate <id>.', { code: 'NO_CERT_ID' });
  const s = await import('../../sideload/index');
  return s.checkCertId(id);
}

async function pemFile(ctx: CommandContext, flag: string, what: string, limit: number): Promise<string> {
  const { readText } = await import('../signing');
  const path = optString(ctx, flag)!;
  const text = readText(resolve(ctx.cwd, path), what);
  if (!text.includes('-----BEGIN')) throw new UsageError(`Cannot add ${what} "${path}": it is not PEM. Give a PEM file ("-----BEGIN …").`, { code: 'NOT_PEM', path });
  if (text.length > limit) throw new UsageError(`Cannot add ${what} "${path}": it has ${text.length} characters and the device takes at most ${limit}. Give a smaller file.`, { code: 'PEM_TOO_LARGE', path });
  return text;
}

export const commands: CommandDef[] = [
  {
    group: 'device certificate', name: 'add', description: 'Add a root CA or client certificate to the device',
    options: [
      ...deviceOptions, certOption,
      { flags: '-t, --cert-type <type>', description: 'rootca or client' },
      { flags: '-p, --public-key-file <file>', description: 'The certificate (PEM)' },
      { flags: '--private-key-file <file>', description: 'The client certificate\'s private key (PEM)' },
      { flags: '--private-key-password <password>', description: 'Password of an encrypted private key' },
    ],
    async action(ctx) {
      const s = await import('../../sideload/index');
      const id = await certId(ctx);
      const type = (optString(ctx, 'certType') ?? '').toLowerCase();
      if (type !== 'rootca' && type !== 'client') throw new UsageError(`Cannot add certificate "${id}": --cert-type is "${optString(ctx, 'certType') ?? ''}", expected rootca or client.`, { code: 'BAD_CERT_TYPE' });
      if (!optString(ctx, 'publicKeyFile')) throw new UsageError(`Cannot add certificate "${id}": no certificate file given. Pass --public-key-file <file.pem>.`, { code: 'NO_CERT_FILE' });
      const hasKey = optString(ctx, 'privateKeyFile') !== undefined;
      if (type === 'rootca' && (hasKey || optString(ctx, 'privateKeyPassword') !== undefined)) throw new UsageError(`Cannot add root CA certificate "${id}": a root CA carries no private key or password. Drop --private-key-file/--private-key-password.`, { code: 'ROOT_WITH_KEY' });
      if (type === 'client' && !hasKey) throw new UsageError(`Cannot add client certificate "${id}": it needs its private key. Pass --private-key-file <key.pem>.`, { code: 'NO_PRIVATE_KEY' });
      const body: import('../../sideload/index').AddCertRequest = { certType: type === 'rootca' ? 'RootCA' : 'Client', publicCert: await pemFile(ctx, 'publicKeyFile', 'certificate', s.FIELD_LIMIT.certPemMax) };
      if (hasKey) body.privateKey = await pemFile(ctx, 'privateKeyFile', 'private key', s.FIELD_LIMIT.certPemMax);
      const pw = optString(ctx, 'privateKeyPassword'); if (pw !== undefined) body.password = pw;
      return withDevice(ctx, async (api) => {
        await api.addCert(id, body);
        const info = await api.cert(id);
        return { data: info, text: `Added certificate "${id}" (${body.certType}).\n` + fields([['Subject', info.subjectName], ['Issuer', info.issuerName], ['Not before', utc(info.notBefore)], ['Not after', utc(info.notAfter)]]) };
      });
    },
  },
  {
    group: 'device certificate', name: 'list', description: 'List the certificate identifiers on the device',
    options: deviceOptions,
    action: (ctx) => withDevice(ctx, async (api) => {
      const ids = (await api.certIds()).identifiers;
      return { data: ids, text: ids.length ? ids.join('\n') + '\n' : 'No certificates are stored.\n', table: { columns: ['id'], rows: ids.map((id) => ({ id })) } };
    }),
  },
  {
    group: 'device certificate', name: 'show', description: 'Show a certificate\'s subject, issuer and validity',
    options: [...deviceOptions, certOption],
    async action(ctx) {
      const id = await certId(ctx);
      return withDevice(ctx, async (api) => {
        const c = await api.cert(id);
        return { data: c, text: fields([['Id', c.id], ['Subject', c.subjectName], ['Issuer', c.issuerName], ['Not before', utc(c.notBefore)], ['Not after', utc(c.notAfter)]]) };
      });
    },
  },
  {
    group: 'device certificate', name: 'delete', description: 'Delete a certificate from the device',
    options: [...deviceOptions, certOption],
    async action(ctx) {
      const id = await certId(ctx);
      return withDevice(ctx, async (api) => {
        await api.removeCert(id);
        return { data: { id, deleted: true }, text: `Deleted certificate "${id}".\n` };
      });
    },
  },
  {
    group: 'device certificate', name: 'show-quota', description: 'Show the free space of the certificate store',
    options: deviceOptions,
    action: (ctx) => withDevice(ctx, async (api) => {
      const bytes = Number((await api.certSpace()).AvailableSpace);
      return { data: { availableSpace: bytes }, text: `Available space: ${bytes} bytes\n` };
    }),
  },
  {
    group: 'device manufacturing-state', name: 'show', description: 'Show the manufacturing state',
    options: deviceOptions,
    action: (ctx) => withDevice(ctx, async (api) => {
      const m = await api.manufacturingState();
      return { data: m, text: `Manufacturing state: ${m.manufacturingState}\n` };
    }),
  },
  {
    group: 'device manufacturing-state', name: 'update', description: 'Advance the manufacturing state (permanent and irreversible)',
    options: [...deviceOptions, { flags: '--state <state>', description: 'Module1Complete or DeviceComplete' }],
    async action(ctx) {
      const s = await import('../../sideload/index');
      const state = optString(ctx, 'state') ?? '';
      if (!(s.ENUMS.settableManufacturingState as readonly string[]).includes(state)) throw new UsageError(`Cannot set the manufacturing state "${state}": expected ${s.ENUMS.settableManufacturingState.join(' or ')}. Pass --state.`, { code: 'BAD_STATE' });
      return withDevice(ctx, async (api) => {
        ctx.ui.warn('manufacturing state changes are permanent and irreversible.');
        await api.setManufacturingState(state as 'Module1Complete' | 'DeviceComplete');
        const m = await api.manufacturingState();
        return { data: m, text: `Manufacturing state: ${m.manufacturingState}\n` };
      });
    },
  },
];

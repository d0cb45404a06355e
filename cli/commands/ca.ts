/**
 * `sphere ca …`: the development certificate authority that signs images by default, the
 * code-signing certificates it issues (for a new key, a token key or an air-gapped key) and
 * their revocation.
 */
import type { CommandContext, CommandDef } from '../command';
import { optBool, optString } from '../command';
import { UsageError } from '../../image-builder/errors';

async function dirOf(ctx: CommandContext): Promise<string> {
  const { caDir } = await import('../signing');
  return caDir({ caDir: optString(ctx, 'dir') }, ctx.env);
}

function certData(dir: string, c: import('../../signer/index').CertificateInfo) {
  return { dir, subject: c.subject, issuer: c.issuer, serial: c.serialNumber, notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString(), thumbprint: c.thumbprint };
}

const dirOption = { flags: '--dir <dir>', description: 'CA folder (default: $SPHERE_CA_DIR, else $XDG_CONFIG_HOME/sphere/ca, else ~/.config/sphere/ca)' };

export const commands: CommandDef[] = [
  {
    group: 'ca', name: 'init', description: 'Create the development CA (P-256 key and self-signed certificate)',
    options: [dirOption, { flags: '--force', description: 'Replace an existing CA' }, { flags: '--common-name <cn>', description: 'Subject common name of the CA certificate' },
      { flags: '--pkcs11 <uri>', description: 'Keep the CA key in a PKCS#11 token: the key the URI names (RFC 7512) signs the CA certificate and everything the CA issues' }],
    async action(ctx) {
      const s = await import('../../signer/index');
      const dir = await dirOf(ctx);
      const cn = optString(ctx, 'commonName');
      const uri = optString(ctx, 'pkcs11');
      const common = { dir, force: optBool(ctx, 'force'), ...(cn ? { commonName: cn } : {}) };
      const info = uri ? await s.initTokenCa({ ...common, uri, env: ctx.env }) : await s.initDevCa(common);
      const data = { ...certData(dir, info.certificate), keyPath: info.keyPath, certPath: info.certPath, keySource: uri ? 'pkcs11' : 'file' };
      return { data, text: `Created development CA in ${dir}\n  certificate ${info.certPath}\n  key         ${uri ? `in the PKCS#11 token (${info.keyPath})` : `${info.keyPath} (mode 0600)`}\n  thumbprint  ${info.certificate.thumbprint}\n` };
    },
  },
  {
    group: 'ca', name: 'show', description: 'Show the development CA: subject, validity and thumbprint',
    options: [dirOption],
    async action(ctx) {
      const s = await import('../../signer/index');
      const dir = await dirOf(ctx);
      const ca = await s.loadCaKey(dir, ctx.env);
      const data = { ...certData(dir, ca.certificate), certPath: ca.certPath, keySource: ca.kind };
      return { data, text: `Development CA in ${dir}\n  subject     ${data.subject}\n  valid       ${data.notBefore} to ${data.notAfter}\n  thumbprint  ${data.thumbprint}\n` };
    },
  },
  {
    group: 'ca', name: 'issue <name>', description: 'Issue a P-256 code-signing certificate from the development CA',
    options: [
      dirOption,
      { flags: '--days <n>', description: 'Validity in days (default: until the CA expires)' },
      { flags: '--pkcs11 <uri>', description: 'Certify the key a PKCS#11 token holds (RFC 7512 URI with module-path and pin-source)' },
      { flags: '--public-key <pub.pem>', description: 'Certify this public key (a key held elsewhere, e.g. an air-gapped signer)' },
      { flags: '--destination <cert.pem>', description: 'Also write the certificate here (it is always recorded in the CA folder as <name>.pem)' },
    ],
    examples: ['sphere ca issue release-2026 --pkcs11 "pkcs11:token=rel;object=signkey?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:pin.txt"'],
    async action(ctx, name) {
      const s = await import('../../signer/index');
      const { readText } = await import('../signing');
      const { writeFileAtomic } = await import('../../image-builder/index');
      const dir = await dirOf(ctx);
      const uri = optString(ctx, 'pkcs11');
      const pub = optString(ctx, 'publicKey');
      if (uri && pub) throw new UsageError('Cannot issue a certificate for both --pkcs11 and --public-key: give one key.', { code: 'TWO_KEYS' });
      const daysText = optString(ctx, 'days');
      if (daysText !== undefined && !/^\d+$/.test(daysText)) throw new UsageError(`Cannot issue certificate "${name}": --days "${daysText}" is not a whole number of days. Give e.g. --days 365.`, { code: 'BAD_DAYS' });
      const destination = optString(ctx, 'destination');
      // Everything that can fail before the CA records anything: the CA, the key, the destination's folder.
      await s.loadCaKey(dir, ctx.env);
      const publicKey = uri ? await s.pkcs11PublicKey({ uri: s.parsePkcs11Uri(uri), env: ctx.env }) : pub ? s.publicPointFromPem(readText(pub, 'public key')) : undefined;
      const issued = await s.issueToCa({ dir, env: ctx.env, name: name!, ...(publicKey ? { publicKey } : {}), ...(daysText === undefined ? {} : { days: Number(daysText) }) });
      if (destination) writeFileAtomic(destination, new TextEncoder().encode(issued.certPem));
      const c = issued.certificate;
      const data = { name: issued.name, certPath: issued.certPath, destination: destination ?? null, keyPath: issued.keyPath ?? null, keySource: uri ? 'pkcs11' : pub ? 'public-key' : 'file', subject: c.subject, issuer: c.issuer, serial: c.serialNumber, notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString(), thumbprint: c.thumbprint };
      const key = issued.keyPath ? `  key         ${issued.keyPath} (mode 0600)\n` : `  key         ${uri ? 'in the PKCS#11 token' : 'held elsewhere'}\n`;
      return { data, text: `Issued code-signing certificate "${issued.name}"\n  certificate ${destination ?? issued.certPath}\n${key}  valid       ${data.notBefore} to ${data.notAfter}\n  thumbprint  ${c.thumbprint}\n` };
    },
  },
  {
    group: 'ca', name: 'list', description: 'List the code-signing certificates the development CA issued, with their revocation state',
    options: [dirOption],
    async action(ctx) {
      const s = await import('../../signer/index');
      const dir = await dirOf(ctx);
      await s.loadCaKey(dir, ctx.env);
      const rows = (await s.listIssued(dir)).map((i) => ({ name: i.name, thumbprint: i.certificate.thumbprint, subject: i.certificate.subject, notAfter: i.certificate.notAfter.toISOString(), key: i.keyPath ? 'file' : 'external', revoked: i.revoked, certPath: i.certPath }));
      const text = rows.length === 0 ? `No certificates issued by the CA in ${dir}\n` : rows.map((r) => `${r.thumbprint}  ${r.revoked ? 'REVOKED' : 'valid  '}  ${r.name}  (until ${r.notAfter}, key ${r.key})\n`).join('');
      return { data: rows, text };
    },
  },
  {
    group: 'ca', name: 'revoke <thumbprint>', description: 'Revoke a certificate the development CA issued: image verify then refuses packages it signed',
    options: [dirOption],
    async action(ctx, thumbprint) {
      const s = await import('../../signer/index');
      const dir = await dirOf(ctx);
      const r = await s.revokeInCa(dir, thumbprint!);
      const data = { name: r.name, thumbprint: r.certificate.thumbprint, subject: r.certificate.subject, revoked: true };
      return { data, text: `Revoked "${r.name}" (${r.certificate.thumbprint}); image verify now refuses packages it signed.\n` };
    },
  },
];

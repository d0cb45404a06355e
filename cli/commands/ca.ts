/** `sphere ca …`: the development certificate authority that signs images by default. */
import type { CommandContext, CommandDef } from '../command';
import { optBool, optString } from '../command';

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
    options: [dirOption, { flags: '--force', description: 'Replace an existing CA' }, { flags: '--common-name <cn>', description: 'Subject common name of the CA certificate' }],
    async action(ctx) {
      const s = await import('../../signer/index');
      const dir = await dirOf(ctx);
      const cn = optString(ctx, 'commonName');
      const info = await s.initDevCa({ dir, force: optBool(ctx, 'force'), ...(cn ? { commonName: cn } : {}) });
      const data = { ...certData(dir, info.certificate), keyPath: info.keyPath, certPath: info.certPath };
      return { data, text: `Created development CA in ${dir}\n  certificate ${info.certPath}\n  key         ${info.keyPath} (mode 0600)\n  thumbprint  ${info.certificate.thumbprint}\n` };
    },
  },
  {
    group: 'ca', name: 'show', description: 'Show the development CA: subject, validity and thumbprint',
    options: [dirOption],
    async action(ctx) {
      const s = await import('../../signer/index');
      const dir = await dirOf(ctx);
      const ca = await s.loadDevCa(dir);
      const data = { ...certData(dir, ca.certificate), certPath: ca.certPath };
      return { data, text: `Development CA in ${dir}\n  subject     ${data.subject}\n  valid       ${data.notBefore} to ${data.notAfter}\n  thumbprint  ${data.thumbprint}\n` };
    },
  },
];

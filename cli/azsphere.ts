/**
 * `azsphere` compatibility (spec/azsphere-cli.md §3–§14, documented in docs/azsphere-compat.md):
 * when the binary runs as `azsphere` or as `sphere azsphere …`, the CLIv2 command names and
 * flags — and the classic spellings of the renames table (§14) — are rewritten into the native
 * argv, so existing Makefiles and CI steps call the same functions. Pure: argv in, argv out.
 */
import { UsageError } from '../image-builder/errors';

/** How one azsphere flag becomes a sphere flag. */
type FlagRule =
  | { to: string; kind: 'value' | 'bool' | 'multi' }
  | { kind: 'positional' }
  | { kind: 'drop'; takesValue: boolean };

export interface AzCommand {
  /** azsphere command words. */
  az: string;
  /** sphere command words. */
  to: string;
  flags?: Record<string, FlagRule>;
}

const v = (to: string): FlagRule => ({ to, kind: 'value' });
const b = (to: string): FlagRule => ({ to, kind: 'bool' });
const many = (to: string): FlagRule => ({ to, kind: 'multi' });
const POS: FlagRule = { kind: 'positional' };

const PACK_APP: Record<string, FlagRule> = {
  '--package-directory': POS, '--destination': v('--destination'), '--output-file': v('--destination'), '-of': v('--destination'),
  '--application-manifest': v('--manifest'), '-a': v('--manifest'), '--executables': many('--executables'),
  '--hardware-definitions': many('--hardware-definitions'), '--hardware-definition-directory': many('--hardware-definitions'),
  '--target-definition-filename': v('--target-definition'), '--target-api-set': v('--target-api-set'),
};
const CLASSIC_PACK_APP: Record<string, FlagRule> = { '--input': POS, '--output': v('--destination'), '-o': v('--destination'), '--sysroot': v('--target-api-set'), ...PACK_APP };
const COMPONENT = { '--component-id': v('--component-id'), '-i': v('--component-id') };
const DEPLOY = { '--image-package': v('--image-package'), '-p': v('--image-package'), '--manual-start': b('--manual-start'), '-m': b('--manual-start'), '--force': b('--force') };
const CERT = { '--certificate': v('--certificate'), '-c': v('--certificate'), '--cert-type': v('--cert-type'), '-t': v('--cert-type'), '--public-key-file': v('--public-key-file'), '-p': v('--public-key-file'), '--private-key-file': v('--private-key-file'), '--private-key-password': v('--private-key-password') };
const WIFI_ID = { '--id': v('--id'), '-i': v('--id') };
/** az's cloud scoping flags, meaningless for the emulator's local Security Service. */
const AZ_SCOPE: Record<string, FlagRule> = { '--resource-group': { kind: 'drop', takesValue: true }, '-g': { kind: 'drop', takesValue: true }, '--catalog': { kind: 'drop', takesValue: true }, '-c': { kind: 'drop', takesValue: true } };
const ENABLE_DEV = { ...AZ_SCOPE, '--enable-rt-core-debugging': b('--enable-rt-core-debugging'), '-r': b('--enable-rt-core-debugging'), '--device-group': v('--device-group') };
const ENABLE_CLOUD = { ...AZ_SCOPE, '--device-group': v('--device-group'), '--product': { kind: 'drop', takesValue: true } as FlagRule };
const PROXY = { '--address': v('--address'), '-a': v('--address'), '--port': v('--port'), '-r': v('--port'), '--authentication': v('--authentication'), '--username': v('--username'), '--password': v('--password'), '--no-proxy-addresses': many('--bypass-addresses'), '--enable': { kind: 'drop', takesValue: false } as FlagRule, '--disable': b('--disable') };

/** Every mapped command; the longest matching `az` wins. */
export const AZ_COMMANDS: readonly AzCommand[] = [
  { az: 'image-package pack-application', to: 'image pack', flags: PACK_APP },
  { az: 'image package-application', to: 'image pack', flags: CLASSIC_PACK_APP },
  { az: 'image-package pack-board-config', to: 'image pack-board-config', flags: { '--preset': v('--preset'), '--destination': v('--destination'), '--output-file': v('--destination'), '-of': v('--destination') } },
  { az: 'image-package show', to: 'image show', flags: { '--image-package': POS, '-p': POS } },
  { az: 'device sideload deploy', to: 'device sideload deploy', flags: DEPLOY },
  { az: 'device sideload delete', to: 'device sideload delete', flags: { ...COMPONENT, '--except-component-ids': many('--except-component-ids'), '-e': many('--except-component-ids') } },
  { az: 'device sideload start', to: 'device app start', flags: COMPONENT },
  { az: 'device sideload stop', to: 'device app stop', flags: COMPONENT },
  { az: 'device prep-sideload', to: 'device enable-development', flags: ENABLE_DEV },
  { az: 'device enable-development', to: 'device enable-development', flags: ENABLE_DEV },
  { az: 'device enable-cloud-test', to: 'device enable-cloud-test', flags: ENABLE_CLOUD },
  { az: 'device list-attached', to: 'device list-attached' },
  { az: 'device rescan-attached', to: 'device list-attached' },
  { az: 'device app start', to: 'device app start', flags: { ...COMPONENT, '--debug-mode': b('--debug-mode'), '--debug': b('--debug-mode') } },
  { az: 'device app stop', to: 'device app stop', flags: COMPONENT },
  { az: 'device app show-status', to: 'device app show-status', flags: COMPONENT },
  { az: 'device app show-quota', to: 'device app show-quota', flags: COMPONENT },
  { az: 'device app show-memory-stats', to: 'device app show-memory-stats' },
  { az: 'device image list-installed', to: 'device image list-installed', flags: { '--full': b('--all'), '--all': b('--all') } },
  { az: 'device certificate add', to: 'device certificate add', flags: CERT },
  { az: 'device certificate show', to: 'device certificate show', flags: CERT },
  { az: 'device certificate delete', to: 'device certificate delete', flags: CERT },
  { az: 'device wifi add', to: 'device wifi add', flags: { '--ssid': v('--ssid'), '-s': v('--ssid'), '--client-cert-id': v('--client-cert-id'), '--client-id': v('--client-id'), '--root-ca-cert-id': v('--root-ca-cert-id'), '--config-name': v('--config-name'), '--targeted-scan': b('--targeted-scan') } },
  ...['show', 'enable', 'disable', 'forget'].map((w) => ({ az: `device wifi ${w}`, to: `device wifi ${w}`, flags: WIFI_ID })),
  { az: 'device network proxy apply', to: 'device network proxy apply', flags: PROXY },
  { az: 'device manufacturing-state update', to: 'device manufacturing-state update', flags: { '--state': v('--state') } },
  { az: 'get-support-data', to: 'device get-support-data', flags: { '--destination': v('--destination'), '--output-file': v('--destination'), '-of': v('--destination') } },
  { az: 'hardware-definition generate-header', to: 'hwdef generate-header', flags: { '--hardware-definition-file': POS } },
  { az: 'hardware-definition test-header', to: 'hwdef test-header', flags: { '--hardware-definition-file': POS } },
  { az: 'show-version', to: 'show-version' },
  { az: 'show-sdk-version', to: 'show-version' },
];

/** Spellings valid on every command: the renames table (§14) and the CLIv2 device flag. */
const COMMON: Record<string, FlagRule> = {
  '--componentid': v('--component-id'), '--imagepackage': v('--image-package'), '--manualstart': b('--manual-start'),
  '--deviceid': v('--device'), '--device': v('--device'), '-d': v('--device'),
  '--query': v('--query'),
  '--enablertcoredebugging': b('--enable-rt-core-debugging'),
  '--verbose': b('--verbose'), '--only-show-errors': b('--only-show-errors'), '--debug': b('--debug'),
};

/** Commands that talk to the cloud Security Service, which sphere does not. */
const CLOUD = ['tenant', 'login', 'logout', 'product', 'device-group', 'deployment', 'ca-certificate', 'role', 'register-user', 'catalog',
  'image add', 'image list', 'image show', 'image download', 'device claim', 'device list', 'device show', 'device update', 'device assign',
  'device unassign', 'device show-count', 'device image list-targeted', 'device capability download', 'device capability select',
  'device capability apply', 'device capability update'];

const OUTPUT_ALIAS: Record<string, string> = { jsonc: 'json', yamlc: 'yaml' };

function commandWords(args: string[]): string[] {
  const words: string[] = [];
  for (const a of args) { if (a.startsWith('-')) break; words.push(a); }
  return words;
}

/**
 * Rewrites the sphere commands named in a message (`"sphere device app start ..."`) as the
 * azsphere commands that do the same, for users who invoked azsphere; commands azsphere has no
 * equivalent for (the emulator, the CA) stay as sphere commands, which is what they must run.
 */
export function azsphereHints(message: string): string {
  return message.replace(/"sphere ((?:[a-z][a-z0-9-]*)(?: [a-z][a-z0-9-]*)*)/g, (whole, words: string) => {
    const candidates = AZ_COMMANDS.filter((c) => words === c.to || words.startsWith(c.to + ' '));
    const best = candidates.sort((x, y) => y.to.length - x.to.length || Number(y.az === y.to) - Number(x.az === x.to))[0];
    if (best) return `"azsphere ${best.az}${words.slice(best.to.length)}`;
    const group = words.split(' ')[0]!;
    if (AZ_COMMANDS.some((c) => c.az.startsWith(group + ' ')) && /^(device|image)$/.test(group) && words.split(' ').length === 1) return `"azsphere ${words}`;
    return whole;
  });
}

/** Rewrites azsphere argv (without the program name) into sphere argv. Throws UsageError for what sphere cannot do. */
export function mapAzsphereArgs(args: string[]): string[] {
  if (args.length === 0) return args;
  const words = commandWords(args);
  const phrase = words.join(' ');
  const cloud = CLOUD.find((c) => phrase === c || phrase.startsWith(c + ' '));
  if (cloud) throw new UsageError(`Cannot run "azsphere ${phrase}": it needs the Azure Sphere Security Service, which sphere does not talk to. See docs/azsphere-compat.md for the commands sphere maps.`, { code: 'AZSPHERE_CLOUD_COMMAND' });
  const cmd = AZ_COMMANDS.filter((c) => phrase === c.az || phrase.startsWith(c.az + ' ')).sort((x, y) => y.az.length - x.az.length)[0];
  const used = cmd ? cmd.az.split(' ').length : words.length;
  const head = cmd ? cmd.to.split(' ') : words;
  const positional: string[] = [];
  const out: string[] = [];
  const rest = args.slice(used);
  for (let i = 0; i < rest.length; i++) {
    const tok = rest[i]!;
    if (!tok.startsWith('-') || tok === '-' || /^-\d/.test(tok)) { positional.push(tok); continue; }
    const eq = tok.startsWith('--') ? tok.indexOf('=') : -1;
    const flag = eq > 0 ? tok.slice(0, eq) : tok;
    const inline = eq > 0 ? tok.slice(eq + 1) : undefined;
    const take = (): string => {
      if (inline !== undefined) return inline;
      const next = rest[i + 1];
      if (next === undefined) throw new UsageError(`Cannot read azsphere flag "${flag}": it needs a value.`, { code: 'AZSPHERE_FLAG_VALUE' });
      i++;
      return next;
    };
    if (flag === '--output' || flag === '-o' || flag === '--out') {
      if (!cmd?.flags?.[flag]) { const f = take(); out.push('--output', OUTPUT_ALIAS[f] ?? f); continue; }
    }
    const rule = cmd?.flags?.[flag] ?? COMMON[flag];
    if (!rule) {
      // Not ours to know: keep it and, azsphere having no positional arguments, the value after it.
      out.push(tok);
      if (inline === undefined && rest[i + 1] !== undefined && !rest[i + 1]!.startsWith('-')) out.push(rest[++i]!);
      continue;
    }
    switch (rule.kind) {
      case 'positional': positional.push(take()); break;
      case 'drop': if (rule.takesValue) take(); break;
      case 'bool': out.push(rule.to); break;
      case 'value': out.push(rule.to, take()); break;
      case 'multi': {
        const values = inline !== undefined ? [inline] : [];
        while (inline === undefined && rest[i + 1] !== undefined && !rest[i + 1]!.startsWith('-')) values.push(rest[++i]!);
        if (values.length === 0) throw new UsageError(`Cannot read azsphere flag "${flag}": it needs at least one value.`, { code: 'AZSPHERE_FLAG_VALUE' });
        for (const x of values) out.push(rule.to, x);
        break;
      }
    }
  }
  return [...head, ...positional, ...out];
}

/**
 * The command table: every group's description and every command definition, and `sphere
 * completion`, whose script is built from this table (cli/completion.ts).
 */
import type { CommandDef } from '../command';
import { UsageError } from '../../image-builder/errors';
import { commands as image } from './image';
import { commands as ca } from './ca';
import { commands as imageRelease } from './image-release';
import { commands as emulator } from './emulator';
import { commands as emulatorView } from './emulator-view';
import { commands as manifest } from './manifest';
import { commands as hwdef } from './hwdef';
import { commands as device, DEVICE_GROUPS } from './device';
import { commands as sdk } from './sdk';
import { commands as config } from './config';
import { commands as version } from './version';
import { commands as doctor } from './doctor';
import { commands as attestation } from './attestation';

export const GROUPS: Record<string, string> = {
  ca: 'Development certificate authority: signs images, issues and revokes signing certificates',
  image: 'Pack, show, verify, sign, compare and extract application image packages',
  manifest: 'Check and create app_manifest.json files',
  hwdef: 'Hardware definition files and their C headers',
  emulator: 'Run the bundled emulated device (device REST API over HTTPS)',
  'emulator io': 'The emulated board\'s inputs and outputs: show GPIOs, LEDs and buttons, press buttons, drive GPIOs',
  sdk: 'The SDK for building apps in C: its folder for CMake, and the host tools it needs',
  app: 'Build apps from their C sources with the SDK',
  attestation: 'Check attestation reports of devices offline (signature, chain, nonce, measured boot)',
  config: 'Default device, output format and CA folder (a settings file and environment variables)',
  ...DEVICE_GROUPS,
};

const completion: CommandDef[] = [
  {
    group: '', name: 'completion <shell>', description: 'Print a shell completion script (bash, zsh or fish) for every command and option',
    output: false,
    examples: ['source <(sphere completion bash)', 'sphere completion zsh > "${fpath[1]}/_sphere"', 'sphere completion fish > ~/.config/fish/completions/sphere.fish'],
    async action(_ctx, shell) {
      const c = await import('../completion');
      if (!(c.SHELLS as readonly string[]).includes(shell!)) throw new UsageError(`Cannot write completion for shell "${shell}": expected bash, zsh or fish.`, { code: 'BAD_SHELL' });
      return { data: null, text: c.completionScript(shell as 'bash', c.completionTree(COMMANDS, GROUPS)) };
    },
  },
];

export const COMMANDS: CommandDef[] = [...image, ...imageRelease, ...ca, ...manifest, ...hwdef, ...emulator, ...emulatorView, ...device, ...sdk, ...config, ...version, ...completion, ...doctor, ...attestation];

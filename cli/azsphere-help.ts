/**
 * Help as azsphere lays it out, when sphere runs as `azsphere`: `azsphere --help` and the help of
 * a group (`azsphere image-package --help`) list a "Group" heading, then "Subgroups:" and
 * "Commands:" as `name : description` rows, built from the mapped commands (cli/azsphere.ts) and
 * the descriptions of the sphere commands they run. A full command's help is sphere's own.
 */
import { AZ_COMMANDS } from './azsphere';
import type { CommandDef } from './command';

/** Descriptions of azsphere's groups, in this project's words. */
const GROUPS: Record<string, string> = {
  device: 'Work with an attached device or an emulator',
  'device app': 'Start, stop and inspect the applications on a device',
  'device sideload': 'Install and remove application images during development',
  'device image': 'The images installed on a device',
  'device certificate': 'The certificates stored on a device',
  'device wifi': 'The Wi-Fi networks a device knows',
  'device network': 'A device\'s network settings',
  'device network proxy': 'A device\'s network proxy',
  'device manufacturing-state': 'A device\'s manufacturing state',
  'hardware-definition': 'Hardware definition files and the C headers made from them',
  'image-package': 'Create and inspect image packages',
  image: 'Image packages, classic command names',
};

function rows(entries: Array<[string, string]>): string {
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `    ${k.padEnd(width)} : ${v.replace(/\.?$/, '.')}`).join('\n');
}

/** The help text for the group `words` ([] for the top), or undefined when `words` is a full command or unknown. */
export function azsphereHelp(words: string[], commands: readonly CommandDef[], version: string): string | undefined {
  const prefix = words.join(' ');
  if (AZ_COMMANDS.some((c) => c.az === prefix)) return undefined;
  const under = AZ_COMMANDS.filter((c) => prefix === '' || c.az.startsWith(prefix + ' '));
  if (under.length === 0) return undefined;
  const subgroups = new Map<string, string>();
  const leaves = new Map<string, string>();
  for (const c of under) {
    const rest = c.az.split(' ').slice(words.length);
    if (rest.length > 1) {
      const g = [...words, rest[0]!].join(' ');
      subgroups.set(rest[0]!, GROUPS[g] ?? `${rest[0]} commands`);
    } else {
      const [group, name] = c.to.includes(' ') ? [c.to.slice(0, c.to.lastIndexOf(' ')), c.to.slice(c.to.lastIndexOf(' ') + 1)] : ['', c.to];
      const def = commands.find((d) => d.group === group && d.name.split(' ')[0] === name);
      if (!leaves.has(rest[0]!)) leaves.set(rest[0]!, def?.description ?? `Runs "sphere ${c.to}"`);
    }
  }
  const title = prefix === '' ? `    azsphere : Azure Sphere device and image commands, served by sphere ${version}` : `    azsphere ${prefix} : ${(GROUPS[prefix] ?? `${prefix} commands`).replace(/\.?$/, '.')}`;
  const parts = ['', 'Group', title];
  if (subgroups.size) parts.push('', 'Subgroups:', rows([...subgroups].sort(([a], [b]) => a.localeCompare(b))));
  if (leaves.size) parts.push('', 'Commands:', rows([...leaves].sort(([a], [b]) => a.localeCompare(b))));
  parts.push('', `For a command's parameters: azsphere ${prefix ? prefix + ' ' : ''}<command> --help. Commands outside this list (emulator, ca, doctor, ...) are sphere's own: run "sphere --help".`, '');
  return parts.join('\n');
}

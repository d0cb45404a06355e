/** `sphere completion bash|zsh|fish`: prints a completion script built from the command table (cli/completion.ts). */
import type { CommandDef } from '../command';
import { UsageError } from '../../image-builder/errors';

export const commands: CommandDef[] = [
  {
    group: '', name: 'completion <shell>', description: 'Print a shell completion script (bash, zsh or fish) for every command and option',
    output: false,
    examples: ['source <(sphere completion bash)', 'sphere completion zsh > "${fpath[1]}/_sphere"', 'sphere completion fish > ~/.config/fish/completions/sphere.fish'],
    async action(_ctx, shell) {
      const c = await import('../completion');
      if (!(c.SHELLS as readonly string[]).includes(shell!)) throw new UsageError(`Cannot write completion for shell "${shell}": expected bash, zsh or fish.`, { code: 'BAD_SHELL' });
      const { COMMANDS, GROUPS } = await import('./index');
      return { data: null, text: c.completionScript(shell as 'bash', c.completionTree(COMMANDS, GROUPS)) };
    },
  },
];

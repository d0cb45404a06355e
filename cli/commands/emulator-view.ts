/**
 * `sphere emulator view`: the running emulator's live board page. The first call asks the
 * emulator (over its control channel) to serve the page, on 127.0.0.1 and a free port unless
 * --listen says otherwise; every call prints the page's URL with its token, and --open hands the
 * URL to the desktop's browser (xdg-open).
 */
import { homedir } from 'node:os';
import type { CommandDef } from '../command';
import { optBool, optString } from '../command';
import { NotFoundError, UsageError } from '../../image-builder/errors';

const emulatorLib = () => import('../../emulator/index');

/** Starts xdg-open on the URL; resolves to why it could not, or undefined. */
async function openInBrowser(url: string): Promise<string | undefined> {
  // Loaded here, not at the top: every command builds the command table that holds this file.
  const { spawn } = await import('../node-lazy');
  return new Promise((resolve) => {
    const child = spawn('xdg-open', [url], { stdio: 'ignore', detached: true });
    child.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ENOENT' ? 'xdg-open is not installed' : e.message));
    child.once('spawn', () => { child.unref(); resolve(undefined); });
  });
}

export const commands: CommandDef[] = [
  {
    group: 'emulator', name: 'view', description: 'Print the URL of the emulator\'s live board page (LEDs, buttons, knob, UARTs, app log and states); --open opens it',
    options: [
      { flags: '--name <name>', description: 'Emulator name (default "default")' },
      { flags: '--open', description: 'Also open the page in the desktop\'s browser (xdg-open)' },
      { flags: '--listen <host:port>', description: 'Where the page listens (default 127.0.0.1 and a free port); another address lets other machines connect, still only with the token' },
    ],
    examples: ['sphere emulator view --open', 'sphere emulator view --name b', 'sphere emulator view --listen 0.0.0.0:8090'],
    async action(ctx) {
      const emu = await emulatorLib();
      const name = emu.checkName(optString(ctx, 'name') ?? emu.DEFAULT_NAME);
      const e = new emu.Registry(emu.runtimeDir(ctx.env, homedir())).get(name);
      if (!e) throw new NotFoundError(`Cannot show the board of emulator "${name}": it is not running. Start it with "sphere emulator start --name ${name} --detach".`, { code: 'EMULATOR_NOT_RUNNING' });
      const listenText = optString(ctx, 'listen');
      const listen = listenText === undefined ? undefined : emu.parseListen(listenText);
      let r: { url: string; host: string; port: number };
      try {
        r = await emu.controlRequest(e.control ?? emu.controlSocketPath(e.stateDir), 'view.open', listen ?? {}) as typeof r;
      } catch (err) {
        if (err instanceof emu.ControlError && !err.unreachable) {
          if (/unknown request/.test(err.message)) throw new UsageError(`Cannot show the board of emulator "${name}": it runs an older sphere without the board page. Restart it ("sphere emulator stop --name ${name}", then start).`, { code: 'VIEW_UNSUPPORTED' });
          throw new UsageError(`Cannot serve the board page of emulator "${name}" on "${listenText ?? '127.0.0.1'}": ${err.message}. Choose another --listen address or port.`, { code: 'CANNOT_LISTEN' });
        }
        throw new NotFoundError(`Cannot reach the control channel of emulator "${name}": ${(err as Error).message}. Check that it runs ("sphere emulator status").`, { code: 'CONTROL_UNREACHABLE' });
      }
      if (!/^(127\.|::1$|localhost$)/.test(r.host)) ctx.ui.warn(`the board page listens on ${r.host}:${r.port}: other machines can reach it (each request still needs the token in the URL)`);
      if (optBool(ctx, 'open')) {
        const why = await openInBrowser(r.url);
        if (why) ctx.ui.warn(`cannot open a browser (${why}); open the URL yourself`);
      }
      return { data: { name, url: r.url, host: r.host, port: r.port }, text: `${r.url}\n` };
    },
  },
];

/**
 * `sphere device sideload deploy|delete` and `sphere device image list-installed`
 * (spec/azsphere-cli.md §4, §6). Deploy checks the package locally before anything is sent,
 * skips an image the device already has (unless --force), draws progress on a terminal's stderr
 * only, and confirms the result on the device.
 */
import type { CommandContext, CommandDef } from '../command';
import { optBool, optList, optString } from '../command';
import { UsageError, ValidationError } from '../../image-builder/errors';
import { startPackageRead } from '../files';
import { deviceOptions, withDevice, imagesText, openDevice, uploadProgress } from './device-context';

function packageArg(ctx: CommandContext, positional: string | undefined): string {
  const given = positional ?? optString(ctx, 'imagePackage');
  if (!given) throw new UsageError('Cannot deploy: no package given. Pass the .imagepackage file (sphere device sideload deploy <file>).', { code: 'NO_PACKAGE' });
  return given;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
const settle = <T>(p: Promise<T>): Promise<Settled<T>> => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));

export const commands: CommandDef[] = [
  {
    group: 'device sideload', name: 'deploy [package]', description: 'Check, upload and install an image package, then confirm it runs',
    options: [
      ...deviceOptions,
      { flags: '-p, --image-package <file>', description: 'The .imagepackage (or give it as the argument)' },
      { flags: '-m, --manual-start', description: 'Leave the app stopped after install (to start it under a debugger)' },
      { flags: '--force', description: 'Upload even when the device already has this image ID' },
      { flags: '--trust <cert.pem>', description: 'Also trust this signer when checking the package locally (repeatable)', type: [String] },
      { flags: '--ca-dir <dir>', description: 'Development CA folder trusted locally (default: $SPHERE_CA_DIR, else ~/.config/sphere/ca)' },
      { flags: '--dry-run', description: 'Check and plan only: print what would be done' },
    ],
    examples: ['sphere device sideload deploy hello.imagepackage', 'sphere device sideload deploy -p hello.imagepackage --manual-start -d emu1'],
    async action(ctx, positional) {
      const file = packageArg(ctx, positional);
      // The package is read on the thread pool while the libraries load (a missing file stops the
      // command here, before anything else is done), and its signed bytes are hashed once they are in.
      const reading = startPackageRead(file, ctx.cwd);
      const read = settle(reading.done);
      const sideload = await import('../../sideload/index');
      const dryRun = optBool(ctx, 'dryRun');
      // The device is found, connected and asked for its image list and uptime while the rest loads
      // and the package is checked: a deploy waits for the slower of the two, not for both. A
      // package refused locally is still reported first, and only those two reads have then
      // reached the device.
      const opening = settle(openDevice(ctx).then((d) => {
        // One after the other on the one connection; awaited by the deploy, so a failure here
        // must not go unhandled meanwhile.
        const images = d.api.images();
        const uptime = dryRun ? undefined : images.then(() => d.api.status()).then((x) => ({ uptime: x.uptime, at: Date.now() }));
        images.catch(() => {});
        uptime?.catch(() => {});
        return { ...d, images, uptime };
      }));
      // Each step below is long enough to hold up the connection: between them, the device's
      // lookup runs on to the connection attempt, and the handshake and the reads make progress.
      const turn = () => new Promise((r) => setImmediate(r));
      await turn();
      const s = await sideload.deployment();
      await turn();
      const signing = await import('../signing');
      const checker = signing.localChecker(ctx, { prefix: signing.hashWhileReading(reading) });
      await turn();
      const abandon = (e: unknown): never => {
        void opening.then((d) => { if (d.ok) d.value.api.client.close(); });
        throw e;
      };
      const got = await read;
      if (!got.ok) abandon(got.error);
      const bytes = reading.bytes;
      const local = await s.checkPackageAsync(bytes, { file, checker }).catch(abandon);
      if (!local.ok) abandon(new ValidationError(local.refusal.message, { code: local.refusal.code, path: file }));
      const manualStart = optBool(ctx, 'manualStart');
      const force = optBool(ctx, 'force');
      const device = await opening;
      if (!device.ok) throw device.error;
      const { api, images, uptime } = device.value;
      try {
        if (dryRun) {
          const plan = s.planDeploy(local, await s.readDeviceFacts(api, undefined, images), { force, manualStart });
          const text = plan.action === 'refuse' ? `Would refuse: ${plan.refusal.message}\n` : plan.action === 'skip' ? `Would skip: ${plan.reason}.\n` : `Would ${plan.steps.map((x) => x.kind).join(', then ')}.\n`;
          return { data: { dryRun: true, ...plan }, text, exitCode: plan.action === 'refuse' ? 1 : 0 };
        }
        const onProgress = uploadProgress(ctx.ui);
        const r = await s.deploy(api, {
          file, bytes, checker, local, force, manualStart, images, ...(uptime ? { uptime } : {}), ...(onProgress ? { onProgress } : {}),
          onStep: (step) => { if (step.kind !== 'stage') ctx.ui.progressEnd(); if (step.kind === 'restart-wait') ctx.ui.note('The device restarts to apply the image…'); },
        }).catch(async (e: unknown) => { throw await (await import('./attestation')).explainRefusedStage(api, bytes, file, e); });
        ctx.ui.progressEnd();
        const p = r.plan.package!;
        const data = { file, componentId: p.componentId, imageId: p.imageId, name: p.name, imageType: p.imageType, action: r.installed ? 'installed' : 'skipped', appState: r.appState ?? null, restarted: r.restarted, reason: r.plan.action === 'skip' ? r.plan.reason : null, size: p.size, ms: r.ms };
        if (!r.installed) return { data, text: `Skipped: ${data.reason}. Pass --force to deploy it again.\n` };
        const tail = r.appState === 'stopped'
          ? `The application was not automatically started. Use "sphere device app start --component-id ${p.componentId}" to start it.\n`
          : r.appState ? `${p.componentId}: App state: ${r.appState}\n` : '';
        return { data, text: `Image package "${file}" has been deployed to ${api.client.label}.\n${tail}` };
      } finally {
        api.client.close();
      }
    },
  },
  {
    group: 'device sideload', name: 'delete', description: 'Delete one application (--component-id) or every sideloaded image',
    options: [
      ...deviceOptions,
      { flags: '-i, --component-id <id>', description: 'The component to delete (default: every application and board configuration)' },
      { flags: '-e, --except-component-ids <id>', description: 'Keep these components when deleting all (repeatable)', type: [String] },
    ],
    action: (ctx) => withDevice(ctx, async (api) => {
      const s = await import('../../sideload/index');
      const d = await s.deployment();
      const id = optString(ctx, 'componentId');
      const o: { componentId?: string; except?: string[] } = { except: optList(ctx, 'exceptComponentIds').flatMap((x) => x.split(/[\s,]+/)).filter(Boolean) };
      if (id !== undefined) o.componentId = s.checkComponentId(id);
      const r = await d.deleteSideloaded(api, o);
      const text = r.deleted.length === 0 ? 'No sideloaded images to delete.\n' : r.deleted.map((d) => `Deleted ${d.componentId} (${d.name})`).join('\n') + '\n' + (r.restartingSystem ? 'The device restarts to apply the change.\n' : '');
      return { data: r, text };
    }),
  },
  {
    group: 'device image', name: 'list-installed', description: 'List the images installed on the device (applications; --all for every image)',
    options: [...deviceOptions, { flags: '--all', description: 'Also list OS and board configuration images' }, { flags: '--full', description: 'Same as --all (older azsphere spelling)' }],
    action: (ctx) => withDevice(ctx, async (api) => {
      const s = await import('../../sideload/index');
      const list = s.imageEntries(await api.images(), { all: optBool(ctx, 'all') || optBool(ctx, 'full') });
      const text = list.length ? `Installed images:\n${imagesText(list, { verification: 'reported' })}` : 'No installed images.\n';
      return { data: list, text, table: { columns: ['name', 'componentId', 'imageId', 'imageTypeName', 'verification'], rows: list as unknown as Record<string, unknown>[] } };
    }),
  },
];

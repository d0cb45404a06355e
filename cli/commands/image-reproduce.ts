/**
 * `sphere image verify <pkg> --reproduce <approot>`: the signature check of `image verify`, then a
 * rebuild from the approot with the settings the package records; exit 0 only when the package
 * verifies and the rebuild is identical.
 */
import type { CommandContext } from '../command';
import { optList } from '../command';
import { readPackageFile } from '../files';
import { verifyText } from './image-text';

export async function verifyReproduce(ctx: CommandContext, file: string, approot: string) {
  const ib = await import('../../image-builder/index');
  const { localChecker } = await import('../signing');
  const bytes = readPackageFile(file);
  const verdict = ib.verifyPackage(bytes, localChecker(ctx));
  const hw = optList(ctx, 'hardwareDefinitions');
  const r = await ib.reproducePackage(ib.readPackage(bytes), { approot, ...(hw.length ? { hardwareDefinitionDirs: hw } : {}) });
  const signature = verdict.ok
    ? { valid: true, signer: verdict.signer, thumbprint: verdict.thumbprint, layers: verdict.layers }
    : { valid: false, reason: verdict.reason, message: verdict.message, thumbprint: verdict.thumbprint ?? null, layers: verdict.layers };
  const data = { file, approot, ...signature, reproduced: r };
  const line = r.identical ? `${file}: identical to a rebuild of ${approot}\n` : `${file}: NOT_REPRODUCED: ${r.detail} (rebuilt from ${approot})\n`;
  return { data, text: verifyText(verdict, file) + line, exitCode: verdict.ok && r.identical ? 0 : 1 };
}

/** Checks a package layer against the built-in Azure Sphere SDK Test entry alone (for `image show`). */
import type { PackageView } from '../../image-builder/index';
import { TrustStore, verifyImageSignature } from '../../signer/index';

let store: TrustStore | undefined;

export function sdkTestChecker(view: PackageView): boolean {
  store ??= new TrustStore();
  const sg = view.metadata.signature;
  if (!sg || view.split.signature.length !== 64) return false;
  return verifyImageSignature(store, sg.thumbprint, view.split.signed, view.split.signature).ok;
}

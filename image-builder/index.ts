/** Public face of image-builder: package reading, verification, packing, extraction, formats. */
export * from './errors';
export * from './format';
export { guidFromBytes, guidToBytes, isGuid, normalizeGuid, randomGuid } from './guid';
export { splitPackage, decodeSections, buildMetadata, isoSeconds, type Metadata, type RawSection, type SplitPackage } from './metadata';
export { readAsxipfs, layoutAsxipfs, type AsxipfsView, type AsxipfsInode, type FsNode } from './asxipfs';
export { readPackage, describePackage, listFiles, manifestText, type PackageView } from './package';
export { verifyPackageFile } from './verify-file';
export { writePackageFile } from './pack-file';
export { HELPER_MIN_BYTES } from './io-helper';
export { verifyPackage, verifyPackageAsync, type Verdict, type VerifyReason, type SignatureChecker, type SignatureCheck, type LayerVerdict } from './verify';
export { planApplicationPackage, planBoardConfigPackage, buildPackage, writeFileAtomic, type PackOptions, type PackPlan, type PackageSigner, type BoardConfigOptions } from './pack';
export { parseApiSet } from './manifest-rewrite';
export { extractToFolder, extractToTar, type ExtractedEntry } from './extract';
export { decodeLzmaAlone } from './lzma';
export * from './manifest/index';
export { capabilitySummary, placeholderSigner, resignPackage, signingRequest, withSignature, SIGNING_ALGORITHM, type SigningRequest } from './resign';
export { diffPackages, failReasons, FAIL_ON, type PackageDiff, type FileChange, type FieldChange } from './diff';
export { reproducePackage, type ReproduceOptions, type ReproduceResult } from './reproduce';

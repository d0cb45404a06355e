/**
 * The image types a device reports in `GET /images` (`image_type`): the same numbers a package's
 * Identity section carries (spec/imagepackage.md §2.4); a test locks this table to image-builder's.
 * Kept in the contract so the device commands name images without loading the package reader.
 */
export const COMPONENT_TYPE: Readonly<Record<number, string>> = {
  0: 'Invalid', 1: 'OneBL', 2: 'PlutonRuntime', 3: 'WifiFirmware', 4: 'SecurityMonitor', 5: 'NormalWorldLoader',
  6: 'NormalWorldDTB', 7: 'NormalWorldKernel', 8: 'RootFs', 9: 'Services', 10: 'Applications', 13: 'FirmwareConfig',
  16: 'BootManifest', 17: 'NormalWorldFileSystem', 19: 'TrustedKeystore', 20: 'Policy', 21: 'CustomerBoardConfig',
  22: 'UpdateCertStore', 23: 'BaseSystemUpdateManifest', 24: 'FirmwareUpdateManifest', 25: 'CustomerUpdateManifest',
  26: 'RecoveryManifest', 27: 'ManifestSet', 28: 'Other',
};
/** Applications: what `sideload deploy` installs and `sideload delete` removes. */
export const COMPONENT_TYPE_APPLICATION = 10;
/** Board configurations: sideloadable too; installing one restarts the device. */
export const COMPONENT_TYPE_BOARD_CONFIG = 21;

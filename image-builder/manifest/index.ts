/**
 * Public face of the app manifest model: validation (`checkManifest`), hardware definitions
 * (`resolveHardwareDefinition`, header generation), diagnostics formatting and new manifests.
 * Spec: app-manifest.md.
 */
export { checkManifest, MAX_MANIFEST_BYTES, type CheckManifestOptions, type ManifestCheck } from './check';
export { formatDiagnostic, MAX_DIAGNOSTICS, type Diagnostic } from './diagnostics';
export { CODES, APP_MANIFEST_ERROR, DEVICE_CATEGORY, type DiagnosticCode, type Severity } from './codes';
export { resolveHardwareDefinition, MAX_HWDEF_FILES, type HardwareDefinition, type HardwareDefinitionOptions } from './hwdef';
export { parseHardwareDefinitionFile, HWDEF_METADATA_TYPE, type HwFile, type HwImport, type HwPeripheral } from './hwdef-file';
export { generateHeader, headerFileName, compareHeader, type HeaderComparison } from './header';
export { createManifest, type CreateManifestOptions } from './init';
export { CAPABILITIES, MANIFEST_FIELDS, APPLICATION_TYPES, type ApplicationType, type CapabilitySpec } from './schema';

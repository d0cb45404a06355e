/**
 * emulator/service/ public face: what the platform's Security Service and the device's root of
 * trust give an emulated device — its identity key and device CA (identity.ts), and the simulated
 * Security Service that signs capability images for it (security-service.ts).
 */
export { loadOrCreateIdentity, loadOrCreateTls, readDeviceCa, deviceIdOf, type Identity, type TlsMaterial } from './identity';
export {
  DEVICE_GROUPS, SECURITY_SERVICE_FILES, assignDeviceGroup, checkDeviceGroup, issueCapabilityImage, loadOrCreateSecurityService, readDeviceRecord,
  type DeviceRecord, type IssuedImage, type IssueOptions, type SecurityServiceCert,
} from './security-service';
export {
  MANUFACTURER_FILES, loadOrCreateIdentityCertificate, loadOrCreateManufacturerRoot, manufacturerDir, type ManufacturerRoot,
} from './manufacturer';

/**
 * Request and response bodies of the device REST API (spec/device_rest_api.yaml `components` and
 * each path's schema; spec/device-rest-api.md §4). Field names are the wire names.
 */

export type AppState = 'running' | 'notPresent' | 'stopped' | 'debugging';
export type AppTrigger = 'start' | 'startDebug' | 'stop';
export type SecurityState = 'TEST' | 'BLANK' | 'SECURE' | 'EOL' | 'UNKNOWN';
export type ManufacturingState = 'Blank' | 'Module1Complete' | 'DeviceComplete' | 'Unknown';
export type WifiConfigState = 'unknown' | 'enabled' | 'disabled' | 'temp-disabled';
export type WifiConnectionState = 'unknown' | 'disconnected' | 'connected';
export type WifiSecurityState = 'unknown' | 'open' | 'psk' | 'eaptls';
export type WifiPowerSavingsState = 'unknown' | 'enabled' | 'disabled';
export type WpaState = 'DISCONNECTED' | 'INTERFACE_DISABLED' | 'INACTIVE' | 'SCANNING' | 'AUTHENTICATING' | 'ASSOCIATING' | 'ASSOCIATED' | '4WAY_HANDSHAKE' | 'GROUP_HANDSHAKE' | 'COMPLETED';
export type WifiConnectionError = 'NetworkNotFound' | 'WrongKey' | 'NoPskIncluded' | 'AuthenticationFailed' | 'ConnectionFailed' | 'SecurityTypeMismatch' | 'NetworkFrequencyNotAllowed' | 'NetworkNotEssPbssMbss' | 'NetworkNotSupported' | 'NetworkNonWpa';
export type IpAssignment = 'static' | 'dynamic';

export interface ErrorBody { error: number }
export type EmptyBody = Record<string, never>;
export interface SystemRestartBody { restartingSystem: boolean }

export interface StatusBody { uptime: number }
export interface OsVersionBody { osversion: string }
export interface AbiVersionSet { SecureWorldRuntime: number; OSRuntime: number; ApplicationRuntime: number }
export interface SecurityStateBody { securityState: SecurityState; deviceIdentifier: string; deviceIdentityPublicKey?: string }
export interface CapabilitiesBody { device_capabilities: number[] }
export interface ManufacturingStateBody { manufacturingState: ManufacturingState }
export interface SetManufacturingStateRequest { manufacturingState: 'Module1Complete' | 'DeviceComplete' }

export interface ImageDetails {
  uid: string;
  length_in_bytes: number;
  uncompressed_length_in_bytes: number;
  replica_type: number;
  /** Not in the spec: the secure-boot verdict on this image (rules.ts `IMAGE_VERIFICATION`), where the device reports one. */
  verification_status?: 'verified' | 'failed';
  /** Why it failed, e.g. `CORRUPT: the image bytes changed in flash`. */
  verification_detail?: string;
}
export interface ComponentDetails {
  uid: string;
  image_type: number;
  is_update_staged: boolean;
  does_image_type_require_restart: boolean;
  name: string;
  images: ImageDetails[];
}
export interface ComponentList {
  has_staged_updates: boolean;
  is_ota_update_in_progress: boolean;
  restart_required: boolean;
  components: ComponentDetails[];
}
export interface InstallRequest { appControlMode?: 'Auto' | 'Manual' }

export interface AppStatusBody { state: AppState }
export interface SetAppStatusRequest { trigger: AppTrigger }
export interface SetAppStatusBody { state: AppState; realTimeCore?: number; gdbPort?: number; outPort?: number }
export interface QuotaInfo { UsageKB: number; LimitKB: number }
export interface MemoryStatsBody {
  memoryStats: { currentMemoryUsageInBytes: number; userModeMemoryUsageInBytes: number; peakUserModeMemoryUsageInBytes: number };
  apps: Array<{ componentId: string; processes: Array<{ pid: number; heapUsageByCaller: Array<{ name: string; usageInBytes: number }> }> }>;
}

export interface CertIdentifierList { identifiers: string[] }
export interface CertInfo { id: string; notBefore: string; notAfter: string; subjectName: string; issuerName: string }
export interface AddCertRequest { certType: 'Client' | 'RootCA'; publicCert: string; privateKey?: string; password?: string }
export interface CertSpaceBody { AvailableSpace: string }

export interface NetStatusBody { deviceAuthenticationIsReady: boolean; networkTimeSync: 'complete' | 'incomplete' | 'disabled'; proxy: 'disabled' | 'enabled' | 'resolvingProxyName' | 'ready' }
export interface NetworkInterfaceDetails {
  interfaceName: string;
  interfaceUp: boolean;
  connectedToNetwork: boolean;
  /** Not reported for the service interface (azspheresvc) and loopback (lo). */
  ipAssignment?: IpAssignment;
  ipAcquired: boolean;
  ipAddresses: string[];
  connectedToInternet: boolean;
  /** Not reported for azspheresvc and lo, nor by devices before REST API 4.3.0. */
  hardwareAddress?: string;
}
export interface NetInterfacesBody { interfaces: NetworkInterfaceDetails[] }
export interface PatchInterfaceRequest { interfaceUp?: boolean; hardwareAddress?: string }
export interface NetworkProxy {
  enabled: boolean;
  address: string;
  port: number;
  noProxyAddresses: string[];
  authenticationType: 'anonymous' | 'basic';
  username?: string;
}
export interface NetworkProxyRequest extends NetworkProxy { password?: string }
export interface FirewallRule {
  sourceIP?: string; sourceMask?: string; destinationIP?: string; destinationMask?: string; uid?: number;
  action: 'drop' | 'accept'; interfaceInName?: string; interfaceOutName?: string; state?: 'none' | 'established' | 'related';
  tcpMask?: string[]; tcpCmp?: string[]; tcpInv?: boolean; protocol?: 'any' | 'icmp' | 'igmp' | 'tcp' | 'udp';
  sourcePortRange?: { min: number; max: number }; destinationPortRange?: { min: number; max: number }; packets?: number; bytes?: number;
}
export interface FirewallRuleset { hook: 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING'; isValid: boolean; rules: FirewallRule[] }
export interface FirewallRulesetsBody { rulesets: FirewallRuleset[] }

export interface WifiNetworkRequest {
  ssid: string;
  securityState: 'open' | 'psk' | 'eaptls';
  configName?: string;
  configState?: WifiConfigState;
  targetedScan?: boolean;
  psk?: string;
  clientIdentity?: string;
  clientCertStoreIdentifier?: string;
  rootCaCertStoreIdentifier?: string;
}
/** A configured network as the device answers it, in its key order (no PSK, client identity or root CA). */
export interface WifiNetworkConfig {
  ssid: string;
  configState: WifiConfigState;
  connectionState: WifiConnectionState;
  id: number;
  securityState: WifiSecurityState;
  targetedScan: boolean;
  configName?: string;
  clientCertStoreIdentifier?: string;
}
export interface WifiNetworksBody { values: WifiNetworkConfig[] }
export interface PatchWifiNetworkRequest { configState?: WifiConfigState; psk?: string }
export interface WifiInterfaceBody {
  ssid?: string; configName?: string; configState?: WifiConfigState; connectionState: WifiConnectionState;
  securityState?: WifiSecurityState; mode: 'station'; key_mgmt?: 'UNKNOWN' | 'NONE' | 'WPA2-PSK' | 'WPA-EAP';
  wpa_state: WpaState; address: string; freq?: number; ip_address?: string; id?: number; powerSavingsState: WifiPowerSavingsState;
}
export interface PatchWifiInterfaceRequest { reloadConfig?: boolean; enablePowerSavings?: boolean }
export interface WifiScanBody { values: Array<{ bssid: string; freq: number; securityState: WifiSecurityState; signal_level: number; ssid: string }> }
export interface WifiFailureLog {
  timestamp: string; networkId: number; ssid: string; configState: WifiConfigState; connectionState: WifiConnectionState;
  error: WifiConnectionError; certInfo?: { certSubject: string; certDepth: number; certError: string };
}
export interface WifiFailureLogsBody { values: WifiFailureLog[] }

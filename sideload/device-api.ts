/**
 * One typed method per endpoint of the device REST API (spec/device_rest_api.yaml; the endpoint
 * table in sideload/protocol/paths.ts), each naming its action for error messages. Arguments a
 * device would refuse for their syntax (component IDs, certificate identifiers, network IDs) are
 * refused here first, as usage errors.
 */
import { UsageError } from '../image-builder/errors';
import { certIdentifierProblem, DEVICE_ERROR, isComponentId, type AbiVersionSet, type AddCertRequest, type AppStatusBody, type CapabilitiesBody, type CertIdentifierList, type CertInfo, type CertSpaceBody, type ComponentList, type FirewallRulesetsBody, type InstallRequest, type ManufacturingStateBody, type MemoryStatsBody, type NetInterfacesBody, type NetStatusBody, type NetworkInterfaceDetails, type NetworkProxy, type NetworkProxyRequest, type OsVersionBody, type PatchInterfaceRequest, type PatchWifiInterfaceRequest, type PatchWifiNetworkRequest, type QuotaInfo, type SecurityStateBody, type SetAppStatusBody, type AppTrigger, type StatusBody, type SystemRestartBody, type WifiFailureLogsBody, type WifiInterfaceBody, type WifiNetworkConfig, type WifiNetworkRequest, type WifiNetworksBody, type WifiScanBody } from './protocol/index';
import type { CallOptions, DeviceClient } from './client';

export function checkComponentId(id: string): string {
  if (!isComponentId(id)) throw new UsageError(`Cannot use component ID "${id}": expected a GUID like 0f149356-2cb8-4aa4-9608-f41e060d82c5. Find it with "sphere device image list-installed".`, { code: 'BAD_COMPONENT_ID' });
  return id.toLowerCase();
}

export function checkCertId(id: string): string {
  const p = certIdentifierProblem(id);
  if (p) throw new UsageError(`Cannot use certificate identifier "${id}": ${DEVICE_ERROR[p].message.replace(/\.$/, '')}.`, { code: p });
  return id;
}

export function checkNetworkId(id: string | number): number {
  const n = typeof id === 'number' ? id : /^\d{1,10}$/.test(id) ? Number(id) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) throw new UsageError(`Cannot use Wi-Fi network ID "${id}": expected a number from "sphere device wifi list".`, { code: 'BAD_NETWORK_ID' });
  return n;
}

export class DeviceApi {
  constructor(readonly client: DeviceClient) {}

  #get<T>(id: string, action: string, o: Partial<CallOptions> = {}): Promise<T> {
    return this.client.json<T>(id, { action, ...o });
  }

  // Device state (spec §4.1)
  status(): Promise<StatusBody> { return this.#get('getDeviceStatus', 'read the device status', { ungated: true }); }
  osVersion(): Promise<OsVersionBody> { return this.#get('getOsVersion', 'read the OS version'); }
  securityState(): Promise<SecurityStateBody> { return this.#get('getDeviceSecurityState', 'read the security state'); }
  capabilities(): Promise<CapabilitiesBody> { return this.#get('getDeviceCapabilities', 'read the device capabilities'); }
  manufacturingState(): Promise<ManufacturingStateBody> { return this.#get('getDeviceManufacturingState', 'read the manufacturing state'); }
  async setManufacturingState(state: 'Module1Complete' | 'DeviceComplete'): Promise<unknown> {
    return this.#get('setDeviceManufacturingState', `set the manufacturing state to "${state}"`, { body: { manufacturingState: state } });
  }
  abiVersions(): Promise<AbiVersionSet> { return this.#get('getAbiVersions', 'read the ABI versions'); }
  restart(): Promise<SystemRestartBody> { return this.#get('restartDevice', 'restart the device'); }

  // Images and sideloading (§4.2)
  images(): Promise<ComponentList> { return this.#get('getImages', 'list the installed images'); }
  stage(pkg: Uint8Array, onProgress?: (sent: number, total: number) => void): Promise<unknown> {
    const o: Partial<CallOptions> = { body: pkg };
    if (onProgress) o.onProgress = onProgress;
    return this.#get('stageImage', 'upload the image package', o);
  }
  install(mode: 'Auto' | 'Manual'): Promise<Partial<SystemRestartBody>> {
    const body: InstallRequest = { appControlMode: mode };
    return this.#get('installStagedImages', 'install the staged image', { body });
  }
  async removeComponent(componentId: string): Promise<Partial<SystemRestartBody>> {
    const id = checkComponentId(componentId);
    return this.#get('removeComponent', `delete component "${id}"`, { params: { componentId: id } });
  }

  // Applications (§4.3)
  async appStatus(componentId: string): Promise<AppStatusBody> {
    const id = checkComponentId(componentId);
    return this.#get('getAppStatus', `read the status of app "${id}"`, { params: { componentId: id } });
  }
  async setAppStatus(componentId: string, trigger: AppTrigger): Promise<SetAppStatusBody> {
    const id = checkComponentId(componentId);
    const verb = trigger === 'stop' ? 'stop' : trigger === 'startDebug' ? 'start (debug mode)' : 'start';
    return this.#get('setAppStatus', `${verb} app "${id}"`, { params: { componentId: id }, body: { trigger } });
  }
  async appQuota(componentId: string): Promise<QuotaInfo> {
    const id = checkComponentId(componentId);
    return this.#get('getAppQuota', `read the storage quota of app "${id}"`, { params: { componentId: id } });
  }
  memoryStats(): Promise<MemoryStatsBody> { return this.#get('getMemoryStats', 'read the memory statistics'); }

  // Certificate store (§4.4)
  certIds(): Promise<CertIdentifierList> { return this.#get('getCertIdentifiers', 'list the certificates'); }
  async cert(id: string): Promise<CertInfo> { return this.#get('getCertInformation', `show certificate "${id}"`, { params: { identifier: checkCertId(id) } }); }
  async addCert(id: string, body: AddCertRequest): Promise<unknown> { return this.#get('addCert', `add certificate "${id}"`, { params: { identifier: checkCertId(id) }, body }); }
  async removeCert(id: string): Promise<unknown> { return this.#get('removeCert', `delete certificate "${id}"`, { params: { identifier: checkCertId(id) } }); }
  certSpace(): Promise<CertSpaceBody> { return this.#get('getCertAvailableSpace', 'read the certificate store space'); }

  // Networking (§4.5)
  netStatus(): Promise<NetStatusBody> { return this.#get('getNetworkStatus', 'read the network status'); }
  interfaces(): Promise<NetInterfacesBody> { return this.#get('getAllNetworkInterfaceStatus', 'list the network interfaces'); }
  iface(name: string): Promise<NetworkInterfaceDetails> { return this.#get('getNetworkInterfaceStatus', `read interface "${name}"`, { params: { networkInterfaceName: name } }); }
  patchInterface(name: string, body: PatchInterfaceRequest): Promise<unknown> {
    const what = body.interfaceUp === undefined ? 'update' : body.interfaceUp ? 'enable' : 'disable';
    return this.#get('setNetworkInterfaceAttributes', `${what} interface "${name}"`, { params: { networkInterfaceName: name }, body });
  }
  firewallRules(): Promise<FirewallRulesetsBody> { return this.#get('getAllNetworkFirewallRulesets', 'list the firewall rules'); }
  /** The proxy settings, or undefined when none is configured (the device answers `{}`). */
  async proxy(): Promise<NetworkProxy | undefined> {
    const p = await this.#get<Partial<NetworkProxy>>('getNetProxy', 'read the proxy settings');
    return typeof p.address === 'string' ? { ...p, noProxyAddresses: p.noProxyAddresses ?? [] } as NetworkProxy : undefined;
  }
  setProxy(body: NetworkProxyRequest): Promise<unknown> { return this.#get('configNetworkProxy', 'apply the proxy settings', { body }); }
  deleteProxy(): Promise<unknown> { return this.#get('deleteNetworkProxy', 'delete the proxy settings'); }

  // Wi-Fi (§4.6)
  wifiNetworks(): Promise<WifiNetworksBody> { return this.#get('getConfiguredWifiNetworks', 'list the Wi-Fi networks'); }
  async wifiNetwork(id: string | number): Promise<WifiNetworkConfig> { const n = checkNetworkId(id); return this.#get('getConfiguredWifiNetwork', `show Wi-Fi network ${n}`, { params: { wifiNetworkId: n } }); }
  addWifi(body: WifiNetworkRequest): Promise<WifiNetworkConfig> { return this.#get('addConfiguredWifiNetwork', `add Wi-Fi network "${body.ssid}"`, { body }); }
  async patchWifi(id: string | number, body: PatchWifiNetworkRequest): Promise<WifiNetworkConfig> {
    const n = checkNetworkId(id);
    const verb = body.configState === 'enabled' ? 'enable' : body.configState === 'disabled' ? 'disable' : 'change';
    return this.#get('changeConfiguredWifiNetwork', `${verb} Wi-Fi network ${n}`, { params: { wifiNetworkId: n }, body });
  }
  async forgetWifi(id: string | number): Promise<unknown> { const n = checkNetworkId(id); return this.#get('removeConfiguredWifiNetwork', `forget Wi-Fi network ${n}`, { params: { wifiNetworkId: n } }); }
  wifiInterface(): Promise<WifiInterfaceBody> { return this.#get('getWifiInterfaceState', 'read the Wi-Fi status'); }
  patchWifiInterface(body: PatchWifiInterfaceRequest): Promise<unknown> { return this.#get('changeWifiInterfaceStatus', body.reloadConfig ? 'reload the Wi-Fi configuration' : 'change the Wi-Fi interface', { body }); }
  wifiScan(): Promise<WifiScanBody> { return this.#get('getWifiScanResults', 'scan for Wi-Fi networks'); }
  wifiDiagnostics(): Promise<WifiFailureLogsBody> { return this.#get('getAllNetworkConnectionFailureLogs', 'read the Wi-Fi diagnostics'); }

  // Diagnostics (§4.7)
  log(): Promise<Buffer> { return this.client.binary('getLog', { action: 'read the device log' }); }
  telemetry(): Promise<Buffer> { return this.client.binary('getErrorReportData', { action: 'read the error reports' }); }
  clearTelemetry(): Promise<unknown> { return this.#get('clearErrorReportData', 'clear the error reports'); }
}

/**
 * `sphere doctor`: the checks of what a user needs, each with what to do when it is missing —
 * the host toolchain `app build` uses (cli/sdk/tools.ts, as `sphere sdk check`), the link to a
 * board on Linux (an interface in 192.168.35.0/24, the board's service network, and a route that
 * reaches 192.168.35.2 through it), the development CA that signs packages, the device CA pinned
 * for boards, and the running emulators and whether each answers its device API. Pure over an
 * injectable world (interfaces, the routing table, the probes), so each rule is plain to test.
 */
import type { networkInterfaces } from 'node:os';

export type CheckStatus = 'ok' | 'warning' | 'error';

export interface Check {
  area: 'toolchain' | 'board link' | 'development CA' | 'device CA' | 'emulators';
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to do, when the status is not ok. */
  fix: string | null;
}

export interface DoctorWorld {
  platform: NodeJS.Platform;
  interfaces: ReturnType<typeof networkInterfaces>;
  /** Text of /proc/net/route (Linux), or undefined when unreadable. */
  routes: string | undefined;
  tools: Array<{ name: string; present: boolean; path: string | null; detail: string | null; package: string }>;
  devCa: { dir: string; present: boolean };
  deviceCa: { source: string; present: boolean; problem?: string };
  /** Running emulators and the outcome of asking each for its status. */
  emulators: Array<{ name: string; address: string; answer: { ok: true; ms: number } | { ok: false; error: string } }>;
}

const BOARD_NET = [192, 168, 35, 0];
const BOARD = [192, 168, 35, 2];

/** /proc/net/route holds addresses as little-endian hex; the routes that reach `ip`, most specific first. */
export function routesTo(routes: string, ip: number[]): Array<{ iface: string; prefix: number }> {
  const target = ((ip[0]! << 24) | (ip[1]! << 16) | (ip[2]! << 8) | ip[3]!) >>> 0;
  const le = (hex: string) => { const n = parseInt(hex, 16); return (((n & 0xff) << 24) | (((n >> 8) & 0xff) << 16) | (((n >> 16) & 0xff) << 8) | ((n >>> 24) & 0xff)) >>> 0; };
  const out: Array<{ iface: string; prefix: number }> = [];
  for (const line of routes.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const dest = le(f[1]!), mask = le(f[7]!);
    if (((target & mask) >>> 0) === dest) out.push({ iface: f[0]!, prefix: mask.toString(2).replace(/0/g, '').length });
  }
  return out.sort((a, b) => b.prefix - a.prefix);
}

function boardLink(w: DoctorWorld): Check[] {
  const prefix = BOARD_NET.slice(0, 3).join('.') + '.';
  const own = Object.entries(w.interfaces).flatMap(([name, list]) => (list ?? []).filter((i) => i.family === 'IPv4' && i.address.startsWith(prefix)).map((i) => ({ name, address: i.address })));
  const checks: Check[] = [];
  if (own.length === 0) {
    checks.push({ area: 'board link', name: 'service interface', status: 'warning', detail: 'no network interface has an address in 192.168.35.0/24, so no attached board can be reached (emulators do not need one)',
      fix: w.platform === 'linux' ? 'Attach the board and bring up its interface (the Azure Sphere SDK\'s azsphere_connect.sh gives it 192.168.35.1/24), e.g. "sudo ip addr add 192.168.35.1/24 dev sl0 && sudo ip link set sl0 up"' : 'Attach the board and install its USB driver so its interface gets 192.168.35.1' });
  } else {
    checks.push({ area: 'board link', name: 'service interface', status: 'ok', detail: own.map((o) => `${o.name} ${o.address}`).join(', '), fix: null });
  }
  if (w.platform !== 'linux' || own.length === 0) return checks;
  if (w.routes === undefined) {
    checks.push({ area: 'board link', name: 'route to 192.168.35.2', status: 'warning', detail: 'the routing table (/proc/net/route) cannot be read', fix: 'Check with "ip route get 192.168.35.2"' });
    return checks;
  }
  const best = routesTo(w.routes, BOARD)[0];
  const ownNames = new Set(own.map((o) => o.name));
  if (best && best.prefix > 0 && (ownNames.size === 0 || ownNames.has(best.iface))) {
    checks.push({ area: 'board link', name: 'route to 192.168.35.2', status: 'ok', detail: `via ${best.iface} (/${best.prefix})`, fix: null });
  } else {
    const why = best ? (best.prefix === 0 ? 'only the default route matches, so traffic to the board would leave through the gateway' : `the route goes through ${best.iface}, not the service interface`) : 'no route matches';
    checks.push({ area: 'board link', name: 'route to 192.168.35.2', status: 'warning', detail: why, fix: 'Add the service network\'s route on the board\'s interface: "sudo ip route add 192.168.35.0/24 dev <interface>"' });
  }
  return checks;
}

export function diagnose(w: DoctorWorld): Check[] {
  const checks: Check[] = [];
  for (const t of w.tools) {
    checks.push(t.present
      ? { area: 'toolchain', name: t.name, status: 'ok', detail: t.path ?? 'found', fix: null }
      : { area: 'toolchain', name: t.name, status: 'error', detail: `${t.detail ?? 'missing'} (needed by "sphere app build")`, fix: `apt-get install ${t.package}` });
  }
  checks.push(...boardLink(w));
  checks.push(w.devCa.present
    ? { area: 'development CA', name: 'signing CA', status: 'ok', detail: w.devCa.dir, fix: null }
    : { area: 'development CA', name: 'signing CA', status: 'warning', detail: `no CA in ${w.devCa.dir}, so "image pack" cannot sign`, fix: 'Run "sphere ca init" (or pass --ca-dir / set ca-dir with "sphere config set ca-dir <dir>")' });
  checks.push(w.deviceCa.present
    ? { area: 'device CA', name: 'board TLS CA', status: 'ok', detail: w.deviceCa.source, fix: null }
    : { area: 'device CA', name: 'board TLS CA', status: 'warning', detail: w.deviceCa.problem ?? 'no device CA is pinned for boards (emulators bring their own)', fix: 'Save the board\'s CA certificate as ~/.config/sphere/device-ca.pem, set SPHERE_DEVICE_CA, or pass --device-ca to device commands' });
  if (w.emulators.length === 0) {
    checks.push({ area: 'emulators', name: 'running', status: 'ok', detail: 'none running', fix: null });
  }
  for (const e of w.emulators) {
    checks.push(e.answer.ok
      ? { area: 'emulators', name: e.name, status: 'ok', detail: `answers at ${e.address} (${e.answer.ms} ms)`, fix: null }
      : { area: 'emulators', name: e.name, status: 'error', detail: `registered at ${e.address} but does not answer: ${e.answer.error}`, fix: `Restart it: "sphere emulator stop --name ${e.name}" then "sphere emulator start --detach --name ${e.name}"; "sphere emulator logs --name ${e.name}" shows why` });
  }
  return checks;
}

/** 1 when a check failed (something a command needs is broken or missing), else 0. */
export function doctorExitCode(checks: Check[]): number {
  return checks.some((c) => c.status === 'error') ? 1 : 0;
}

export function doctorText(checks: Check[]): string {
  const mark: Record<CheckStatus, string> = { ok: 'ok     ', warning: 'warning', error: 'error  ' };
  const width = Math.max(...checks.map((c) => `${c.area}: ${c.name}`.length));
  const lines = checks.map((c) => `${mark[c.status]}  ${`${c.area}: ${c.name}`.padEnd(width)}  ${c.detail}${c.fix ? `\n${' '.repeat(9 + width + 2)}→ ${c.fix}` : ''}`);
  const errors = checks.filter((c) => c.status === 'error').length, warnings = checks.filter((c) => c.status === 'warning').length;
  return `${lines.join('\n')}\n\n${errors} error(s), ${warnings} warning(s).\n`;
}

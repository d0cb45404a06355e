/** cli/doctor.ts's rules over a given world: the routing table as the kernel writes it, and each check's verdict. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { diagnose, doctorExitCode, routesTo, type DoctorWorld } from '../../cli/doctor';

// /proc/net/route: addresses are little-endian hex (192.168.35.0 is 0023A8C0, /24 is 00FFFFFF).
const ROUTES = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t0100A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
eth0\t0000A8C0\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
sl0\t0023A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
`;

const world = (over: Partial<DoctorWorld> = {}): DoctorWorld => ({
  platform: 'linux', routes: ROUTES, tools: [], emulators: [],
  interfaces: { sl0: [{ address: '192.168.35.1', netmask: '255.255.255.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: false, cidr: '192.168.35.1/24' }] },
  devCa: { dir: '/ca', present: true }, deviceCa: { source: '/d.pem', present: true }, ...over,
});

const t = suite('doctor rules');
t('routesTo reads the kernel table: the most specific route first, the default last', () => {
  assert.equal(routesTo(ROUTES, [192, 168, 35, 2]), [{ iface: 'sl0', prefix: 24 }, { iface: 'eth0', prefix: 16 }, { iface: 'eth0', prefix: 0 }]);
  assert.equal(routesTo(ROUTES, [10, 0, 0, 1]), [{ iface: 'eth0', prefix: 0 }]);
});
t('a board link through the service interface is ok; only a default route is a warning with the ip route to add', () => {
  const ok = diagnose(world()).filter((c) => c.area === 'board link');
  assert.equal(ok.map((c) => c.status), ['ok', 'ok']);
  const bad = diagnose(world({ routes: ROUTES.split('\n').filter((l) => !l.startsWith('sl0') && !l.includes('0000FFFF')).join('\n') })).find((c) => c.name === 'route to 192.168.35.2')!;
  assert.is(bad.status, 'warning');
  assert.match(bad.fix!, /ip route add 192\.168\.35\.0\/24 dev/);
});
t('a missing tool or an emulator that does not answer fails (exit 1); warnings alone do not', () => {
  assert.is(doctorExitCode(diagnose(world({ devCa: { dir: '/ca', present: false } }))), 0);
  assert.is(doctorExitCode(diagnose(world({ tools: [{ name: 'clang', present: false, path: null, detail: 'not on PATH', package: 'clang-14' }] }))), 1);
  const emu = diagnose(world({ emulators: [{ name: 'e', address: '127.0.0.1:1', answer: { ok: false, error: 'timeout' } }] })).find((c) => c.area === 'emulators')!;
  assert.is(emu.status, 'error');
});
t.run();

/**
 * Apps' networking, the parts without a running app: the manifest fields the firewall reads,
 * `--host-map` entries, and the one-line refusal of a bad entry by the built binary.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { appCapabilities } from '../../emulator/runtime/app-image';
import { parseHostMap } from '../../emulator/runtime/net-broker';
import { sphere } from '../helpers';

const test = suite('apps\' networking: manifest fields and the host map');

test('reads AllowedConnections (names and addresses) and AllowedTcpServerPorts', () => {
  const c = appCapabilities({ Capabilities: { AllowedConnections: ['api.example.com', '192.168.1.20', 7], AllowedTcpServerPorts: [8080, 'x', 1.5] } });
  assert.equal(c.allowedConnections, ['api.example.com', '192.168.1.20']);
  assert.equal(c.allowedTcpServerPorts, [8080]);
});

test('maps names (case-insensitively) to IPv4 addresses and refuses anything else', () => {
  assert.equal(parseHostMap(['API.example.com=127.0.0.1', 'b.test=10.0.0.2']), { 'api.example.com': '127.0.0.1', 'b.test': '10.0.0.2' });
  assert.throws(() => parseHostMap(['nohost']), /Cannot use --host-map "nohost": expected name=IPv4-address/);
  assert.throws(() => parseHostMap(['a.test=::1']), /expected name=IPv4-address/);
  assert.throws(() => parseHostMap(['a.test=300.1.1.1']), /expected name=IPv4-address/);
});

test('emulator start refuses a bad --host-map in one line, before starting', () => {
  const r = sphere(['emulator', 'start', '--detach', '--name', 'hostmap-bad', '--host-map', 'a.test=nowhere']);
  assert.is(r.code, 2, r.stderr);
  assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /Cannot use --host-map "a.test=nowhere": expected name=IPv4-address, e.g. api.example.com=127.0.0.1\./);
});

test.run();

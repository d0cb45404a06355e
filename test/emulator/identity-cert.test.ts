/**
 * Device identity and measured boot in the device core (emulator/service/manufacturer.ts,
 * measured-boot.ts): a device made before identity certificates existed keeps its ID and gets a
 * certificate from the installation's root (checked by OpenSSL); the certificate stays across
 * opens and is re-issued for a new root; the running digest is the SHA-256 chain of the log,
 * recomputed here, and follows the installed package's bytes.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Device } from '../../emulator/index';
import { loadOrCreateIdentity } from '../../emulator/service/index';
import { tempDir } from '../helpers';
import { FIXTURE, fixtureBytes } from './helpers';

const chain = (hashes: string[]) => hashes.reduce((d, h) => createHash('sha256').update(d).update(Buffer.from(h, 'hex')).digest(), Buffer.alloc(32)).toString('hex');
const openssl = (args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const s = suite('device identity certificate and measured boot');
s('an existing device keeps its ID and gets an identity certificate from the installation root', () => {
  const t = tempDir();
  try {
    const state = join(t.dir, 'dev'), maker = join(t.dir, 'maker');
    const old = loadOrCreateIdentity(state).deviceId; // a state folder from before: only the identity key
    const d = Device.open({ stateDir: state, manufacturerDir: maker });
    assert.is(d.deviceId, old);
    void d.identityCertPem; // made on first use (an emulator start asks at once)
    const cert = join(state, 'identity.pem'), root = join(maker, 'root.pem');
    assert.match(openssl(['verify', '-CAfile', root, cert]), /: OK/);
    assert.ok(openssl(['x509', '-in', cert, '-noout', '-subject']).includes(`CN = ${old}`));
    const first = readFileSync(cert, 'utf8');
    assert.is(Device.open({ stateDir: state, manufacturerDir: maker }).identityCertPem, first, 'kept across opens');
    // A device of another installation: the same root for every device of one.
    const other = Device.open({ stateDir: join(t.dir, 'dev2'), manufacturerDir: maker });
    assert.is(other.manufacturerRootPem, d.manufacturerRootPem);
    assert.is.not(other.deviceId, d.deviceId);
    rmSync(maker, { recursive: true });
    const again = Device.open({ stateDir: state, manufacturerDir: maker });
    assert.is(again.deviceId, old);
    assert.is.not(again.identityCertPem, first, 're-issued by the new root');
    assert.match(openssl(['verify', '-CAfile', root, cert]), /: OK/);
  } finally { t.done(); }
});
s('the digest is the chain of the log, follows the installed package and stays over restarts', () => {
  const t = tempDir();
  try {
    const d = Device.open({ stateDir: join(t.dir, 'dev'), manufacturerDir: join(t.dir, 'maker'), capabilities: [11] });
    const base = d.state.measuredBoot!;
    assert.is(base.digest, chain(base.log.map((m) => m.sha256)));
    const bytes = fixtureBytes(FIXTURE.anvil.file);
    d.stage(bytes);
    assert.is(d.state.measuredBoot!.digest, base.digest, 'staging runs nothing new');
    d.install('Auto');
    const own = createHash('sha256').update(bytes).digest('hex');
    const m = d.state.measuredBoot!;
    assert.equal(m.log.at(-1), { componentId: FIXTURE.anvil.cid, imageId: m.log.at(-1)!.imageId, imageType: 10, sha256: own });
    assert.is(m.digest, chain([...base.log.map((x) => x.sha256), own]));
    const generation = d.state.generation;
    d.restart();
    assert.is(d.state.measuredBoot!.digest, m.digest);
    assert.is(d.state.generation, generation + 1, 'a restart commits only its boot count, not a new measurement');
    d.remove(FIXTURE.anvil.cid);
    assert.is(d.state.measuredBoot!.digest, base.digest);
  } finally { t.done(); }
});
s.run();

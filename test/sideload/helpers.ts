/**
 * Helpers for the sideload suites: a scripted transport, certificates made by OpenSSL (not by the
 * code under test), a small HTTPS device double for transport tests, and app packages signed by a
 * development CA — optionally with their embedded manifest rewritten after validation, to make the
 * bad packages `image pack` itself refuses to write.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { buildPackage, planApplicationPackage } from '../../image-builder/index';
import { fileSigner, initDevCa, loadDevCa } from '../../signer/index';
import type { Transport, TransportRequest, TransportResponse } from '../../sideload/index';

export type Script = (r: TransportRequest, n: number) => TransportResponse | Error | Promise<TransportResponse | Error>;

/** A transport answering from a script; records every request. */
export function scripted(script: Script): Transport & { calls: TransportRequest[]; closed: boolean } {
  const t = {
    address: '10.0.0.9:443', calls: [] as TransportRequest[], closed: false,
    async request(r: TransportRequest) {
      t.calls.push(r);
      const a = await script(r, t.calls.length);
      if (a instanceof Error) throw a;
      return a;
    },
    close() { t.closed = true; },
  };
  return t;
}

export function answer(status: number, body: unknown = {}, headers: Record<string, string> = {}): TransportResponse {
  return { status, headers: { 'rest-api-version': '4.6.0', ...headers }, body: Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body)) };
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

export interface Pki { caPem: string; caPath: string; certPem: string; keyPem: string }

/** A P-256 CA and a server certificate it issues for `san` (e.g. `DNS:*.devices.sphere.azure.local`), made by OpenSSL. */
export function opensslPki(dir: string, name: string, san: string): Pki {
  mkdirSync(dir, { recursive: true });
  const p = (x: string) => `${name}-${x}`;
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', p('ca.key'), '-out', p('ca.pem'), '-subj', `/CN=${name} test device CA`, '-days', '2', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'], dir);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=device'], dir);
  writeFileSync(join(dir, p('ext.cnf')), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`);
  openssl(['x509', '-req', '-in', p('server.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p('server.pem'), '-days', '2', '-extfile', p('ext.cnf')], dir);
  const read = (x: string) => readFileSync(join(dir, p(x)), 'utf8');
  return { caPem: read('ca.pem'), caPath: join(dir, p('ca.pem')), certPem: read('server.pem'), keyPem: read('server.key') };
}

/** An HTTPS server with the given certificate on a free loopback port. */
export async function httpsDouble(pki: Pki, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; port: number; connections: () => number; close: () => Promise<void> }> {
  const server = createServer({ cert: pki.certPem, key: pki.keyPem }, handler);
  let connections = 0;
  server.on('secureConnection', () => { connections++; });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  return { server, port, connections: () => connections, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

export const APP_CID = '6c1a2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

/**
 * A development CA under `dir/<caName>` and an app package it signs. The manifest is written here;
 * `patchManifest` swaps the embedded manifest bytes after `image pack` validated them (same length).
 */
export async function appPackage(dir: string, o: { caName?: string; componentId?: string; extraBytes?: number; runtime?: number; patchManifest?: (text: string) => string; gpio?: number[] } = {}): Promise<{ bytes: Uint8Array; caDir: string; caPem: string; componentId: string }> {
  const caDir = join(dir, o.caName ?? 'ca');
  try { await loadDevCa(caDir); } catch { await initDevCa({ dir: caDir }); }
  const ca = await loadDevCa(caDir);
  const approot = join(dir, `approot-${Math.random().toString(36).slice(2)}`);
  mkdirSync(join(approot, 'bin'), { recursive: true });
  const componentId = o.componentId ?? APP_CID;
  writeFileSync(join(approot, 'app_manifest.json'), JSON.stringify({
    SchemaVersion: 1, Name: 'SideloadTest', ComponentId: componentId, EntryPoint: '/bin/app', CmdArgs: [],
    Capabilities: { Gpio: o.gpio ?? [8] }, ApplicationType: 'Default', TargetApplicationRuntimeVersion: o.runtime ?? 16,
  }, null, 2));
  const body = Buffer.alloc(512 + (o.extraBytes ?? 0));
  for (let i = 0; i < body.length; i++) body[i] = (i * 131 + (i >> 7)) & 0xff;
  writeFileSync(join(approot, 'bin', 'app'), body);
  const plan = planApplicationPackage({ approot, buildTime: 1700000000 });
  if (o.patchManifest) {
    const node = plan.layout!.nodes.find((n) => n.path === '/app_manifest.json')!.node as unknown as { source: { bytes: Uint8Array } };
    const text = Buffer.from(node.source.bytes).toString('utf8');
    const patched = Buffer.from(o.patchManifest(text), 'utf8');
    if (patched.length !== node.source.bytes.length) throw new Error('a manifest patch must keep the length');
    node.source = { bytes: patched };
  }
  const bytes = await buildPackage(plan, fileSigner({ keyPem: ca.keyPem, certPem: ca.certPem }));
  return { bytes, caDir, caPem: ca.certPem, componentId };
}

/** A root CA → intermediate CA → server chain (the server sends leaf and intermediate), made by OpenSSL. */
export function opensslChain(dir: string): Pki {
  mkdirSync(dir, { recursive: true });
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'root.key', '-out', 'root.pem', '-subj', '/CN=chain root', '-days', '2', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'], dir);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'int.key', '-out', 'int.csr', '-subj', '/CN=chain intermediate'], dir);
  writeFileSync(join(dir, 'int.cnf'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n');
  openssl(['x509', '-req', '-in', 'int.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-out', 'int.pem', '-days', '2', '-extfile', 'int.cnf'], dir);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=device'], dir);
  writeFileSync(join(dir, 'leaf.cnf'), 'subjectAltName=DNS:*.devices.sphere.azure.local\n');
  openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'int.pem', '-CAkey', 'int.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '2', '-extfile', 'leaf.cnf'], dir);
  const read = (x: string) => readFileSync(join(dir, x), 'utf8');
  return { caPem: read('root.pem'), caPath: join(dir, 'root.pem'), certPem: read('leaf.pem') + read('int.pem'), keyPem: read('leaf.key') };
}

/** A server certificate of `pki`'s CA whose validity ended in 2020 (openssl ca with explicit dates). */
export function opensslExpired(dir: string, pki: Pki, name: string): Pki {
  const caDir = join(dir, `${name}-ca`);
  mkdirSync(caDir, { recursive: true });
  writeFileSync(join(caDir, 'ca.pem'), pki.caPem);
  writeFileSync(join(caDir, 'index.txt'), '');
  writeFileSync(join(caDir, 'serial'), '1000\n');
  writeFileSync(join(caDir, 'ca.cnf'), '[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=p\ncopy_extensions=copy\n[p]\ncommonName=supplied\n');
  writeFileSync(join(caDir, 'ext.cnf'), 'subjectAltName=DNS:*.devices.sphere.azure.local\n');
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'old.key', '-out', 'old.csr', '-subj', '/CN=old device'], caDir);
  const caKey = pki.caPath.replace(/ca\.pem$/, 'ca.key');
  openssl(['ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', caKey, '-in', 'old.csr', '-out', 'old.pem', '-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-extfile', 'ext.cnf', '-notext'], caDir);
  return { ...pki, certPem: readFileSync(join(caDir, 'old.pem'), 'utf8'), keyPem: readFileSync(join(caDir, 'old.key'), 'utf8') };
}

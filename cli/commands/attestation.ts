/**
 * Remote attestation (emulator/README.md "Attestation"): `sphere device attest` asks a device for a
 * signed report of what it runs, `sphere attestation verify` checks one offline, and
 * `sphere device certificate show-device` prints the device certificate the Security Service gave.
 * Real boards do not serve the emulator's extension paths: those commands say so in one line (exit 3).
 */
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { CommandContext, CommandDef } from '../command';
import { optList, optString } from '../command';
import { UsageError } from '../../image-builder/errors';
import { deviceOptions, fields, withDevice } from './device-context';

/** Hex options as strings: the parser would read an all-digit nonce as a number and drop its leading zeros. */
const hexOption = (flags: string, description: string) => ({ flags, description, type: [String] });

async function nonceOf(ctx: CommandContext, required: boolean): Promise<Uint8Array> {
  const a = await import('../../attestation/index');
  const text = optString(ctx, 'nonce');
  if (text === undefined) {
    if (required) throw new UsageError('Cannot verify the report: no nonce given. Pass --nonce with the hex nonce the report was asked for.', { code: 'NO_NONCE' });
    return new Uint8Array(randomBytes(a.NONCE_DEFAULT_BYTES));
  }
  const bytes = /^([0-9a-fA-F]{2})+$/.test(text) ? Buffer.from(text, 'hex') : undefined;
  if (!bytes || bytes.length < a.NONCE_MIN_BYTES || bytes.length > a.NONCE_MAX_BYTES) {
    throw new UsageError(`Cannot use --nonce "${text.slice(0, 40)}": expected ${a.NONCE_MIN_BYTES} to ${a.NONCE_MAX_BYTES} bytes as hex (${a.NONCE_MIN_BYTES * 2}-${a.NONCE_MAX_BYTES * 2} hex digits).`, { code: 'BAD_NONCE' });
  }
  return new Uint8Array(bytes);
}

function expectImages(ctx: CommandContext): Array<{ id: string; sha256?: string }> {
  return optList(ctx, 'expectImage').map((t) => {
    const m = /^([0-9a-fA-F-]{36})(?::([0-9a-fA-F]{64}))?$/.exec(t.trim());
    if (!m) throw new UsageError(`Cannot use --expect-image "${t}": expected a component or image ID, optionally followed by ":" and the package's SHA-256 (64 hex digits).`, { code: 'BAD_EXPECT_IMAGE' });
    return m[2] ? { id: m[1]!.toLowerCase(), sha256: m[2].toLowerCase() } : { id: m[1]!.toLowerCase() };
  });
}

function wholeNumber(ctx: CommandContext, name: string, flag: string): number | undefined {
  const t = optString(ctx, name);
  if (t === undefined) return undefined;
  if (!/^\d{1,10}$/.test(t.trim()) || Number(t) > 0xffffffff) throw new UsageError(`Cannot use ${flag} "${t}": expected a whole number.`, { code: 'BAD_NUMBER' });
  return Number(t);
}

async function trustedRoots(ctx: CommandContext): Promise<string[]> {
  const { readText } = await import('../signing');
  const files = optList(ctx, 'trust');
  if (files.length) {
    return files.map((f) => {
      const pem = readText(resolve(ctx.cwd, f), 'trusted root');
      if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`Cannot trust "${f}": it holds no PEM certificate. Give the root from "sphere emulator root-cert".`, { code: 'NO_CERTIFICATE', path: f });
      return pem;
    });
  }
  const { manufacturerDir, MANUFACTURER_FILES } = await import('../../emulator/service/index');
  const own = resolve(manufacturerDir(ctx.env, homedir()), MANUFACTURER_FILES.cert);
  if (!existsSync(own)) throw new UsageError('Cannot verify the report: no trusted root. Pass --trust <root.pem> (an emulator installation\'s root: "sphere emulator root-cert > root.pem").', { code: 'NO_TRUST' });
  return [readFileSync(own, 'utf8')];
}

/**
 * A device refuses a rolled-back package with its generic "could not be staged" error; an emulated
 * device also says, on its extension path, which security version it holds for the component, so
 * the refusal can name the cause. Returns the error to throw.
 */
export async function explainRefusedStage(api: import('../../sideload/index').DeviceApi, bytes: Uint8Array, file: string, e: unknown): Promise<unknown> {
  const { DeviceError } = await import('../../image-builder/errors');
  if (!(e instanceof DeviceError) || e.code !== 'IMAGE_NOT_STAGED') return e;
  try {
    const ib = await import('../../image-builder/index');
    const s = await import('../../sideload/index');
    const m = ib.readPackage(bytes).metadata;
    const cid = m.identity?.componentId;
    const state = await s.extensionCall<{ securityVersions?: Record<string, number> }>(api.client, { method: 'GET', path: s.EXTENSION.securityState, action: 'read the security state' });
    const floor = cid === undefined ? undefined : state?.securityVersions?.[cid];
    const have = m.revocation?.securityVersion ?? 0;
    if (floor === undefined || have >= floor) return e;
    return new DeviceError(`Cannot deploy "${file}": the device refuses a rollback: its security version ${have} is lower than ${floor}, the highest installed for component ${cid}. Pack it with --security-version ${floor} or higher.`, { code: 'ROLLBACK_REFUSED', ...(e.deviceCode === undefined ? {} : { deviceCode: e.deviceCode }) });
  } catch {
    return e;
  }
}

interface SecurityStateAnswer {
  measuredBootDigest: string | null;
  lastAttestation: { at: string; verdict: string; message?: string } | null;
  deviceCertificate: { subject: string; notBefore: string; notAfter: string } | null;
  identityCertificate: { subject: string; issuer: string; notAfter: string };
  images: Array<{ componentId: string; name: string; trust: string; securityVersion: number | null; highestSecurityVersion: number | null; measurement: string | null }>;
  securityVersions: Record<string, number>;
  update: { staged: Array<{ componentId: string; securityVersion: number | null }>; restartRequired: boolean };
}

/** The attestation part of `device show-security-state`: the emulator's extension answer, or null (and one line) for a real board. */
export async function attestationSection(api: import('../../sideload/index').DeviceApi): Promise<{ data: SecurityStateAnswer | null; text: string }> {
  const s = await import('../../sideload/index');
  const x = await s.extensionCall<SecurityStateAnswer>(api.client, { method: 'GET', path: s.EXTENSION.securityState, action: 'read the security state' });
  if (!x) return { data: null, text: 'Attestation:     not provided by this device (a real board has no measured-boot report, attestation or device certificate here)\n' };
  const last = x.lastAttestation;
  const rows = fields([
    ['Measured-boot digest', x.measuredBootDigest],
    ['Last attestation', last ? `${last.at} ${last.verdict}${last.message ? ` (${last.message})` : ''}` : 'never'],
    ['Device certificate', x.deviceCertificate ? `${x.deviceCertificate.subject.replace(/CN=([0-9A-F]{16})[0-9A-F]+/, 'CN=$1…')}, expires ${x.deviceCertificate.notAfter}` : 'none'],
    ['Identity certificate', `issued by ${x.identityCertificate.issuer}`],
  ]);
  const images = x.images.map((i) => `  ${i.componentId} "${i.name}"\n    trust ${i.trust}\n    security version ${i.securityVersion ?? 'none'} (highest installed ${i.highestSecurityVersion ?? 'none'})\n    measurement ${i.measurement ?? 'not measured'}\n`).join('');
  return { data: x, text: rows + `Measured images:\n${images || '  none\n'}` };
}

export const commands: CommandDef[] = [
  {
    group: 'device', name: 'attest', description: 'Ask the device for an attestation report (a signed JWT of what it booted) bound to a nonce; emulated devices only',
    options: [
      ...deviceOptions,
      hexOption('--nonce <hex>', 'The verifier\'s nonce, 8-64 bytes as hex (default: 32 random bytes, printed)'),
      { flags: '--destination <file>', description: 'Write the report to this file (default: stdout)' },
    ],
    examples: ['sphere device attest --destination report.jwt', 'sphere device attest --nonce 00112233445566778899aabbccddeeff > report.jwt'],
    async action(ctx) {
      const nonce = Buffer.from(await nonceOf(ctx, false)).toString('hex');
      const destination = optString(ctx, 'destination');
      const s = await import('../../sideload/index');
      const report = await withDevice(ctx, (api) => s.requestAttestation(api.client, nonce));
      if (destination) {
        const { writeFileAtomic } = await import('../../image-builder/index');
        writeFileAtomic(resolve(ctx.cwd, destination), Buffer.from(report + '\n'));
        return { data: { destination, nonce }, text: `Wrote the attestation report to ${destination}\n  nonce ${nonce}\n` };
      }
      if (optString(ctx, 'output') !== 'json') ctx.ui.note(`nonce ${nonce}`);
      return { data: { nonce, report }, text: report + '\n' };
    },
  },
  {
    group: 'attestation', name: 'verify <report>', description: 'Check an attestation report offline: signature, chain to the trusted root, nonce, freshness, measured-boot digest and expectations; exit 0 only when it holds',
    options: [
      hexOption('--nonce <hex>', 'The nonce the report was asked for (required)'),
      { flags: '--trust <root.pem>', description: 'Trusted manufacturer root (repeatable; default: this installation\'s, "sphere emulator root-cert")', type: [String] },
      { flags: '--max-age <seconds>', description: 'Oldest report accepted, in seconds since it was issued (default 300)' },
      hexOption('--expect-digest <hex>', 'The measured-boot digest the device must report'),
      { flags: '--expect-image <id[:sha256]>', description: 'A component or image ID the device must run, optionally with its package SHA-256 (repeatable)', type: [String] },
      { flags: '--min-security-version <n>', description: 'Lowest security version accepted for the expected images (else for every app and board configuration)' },
    ],
    examples: ['sphere attestation verify report.jwt --nonce 00112233445566778899aabbccddeeff --trust root.pem --max-age 60'],
    async action(ctx, file) {
      const a = await import('../../attestation/index');
      const { readText } = await import('../signing');
      const nonce = await nonceOf(ctx, true);
      const o: import('../../attestation/index').VerifyOptions = { nonce, trust: await trustedRoots(ctx) };
      const maxAge = wholeNumber(ctx, 'maxAge', '--max-age'); if (maxAge !== undefined) o.maxAgeSeconds = maxAge;
      const min = wholeNumber(ctx, 'minSecurityVersion', '--min-security-version'); if (min !== undefined) o.minSecurityVersion = min;
      const digest = optString(ctx, 'expectDigest');
      if (digest !== undefined) {
        if (!/^[0-9a-fA-F]{64}$/.test(digest)) throw new UsageError(`Cannot use --expect-digest "${digest.slice(0, 80)}": expected a SHA-256 as 64 hex digits.`, { code: 'BAD_DIGEST' });
        o.expectDigest = digest.toLowerCase();
      }
      const images = expectImages(ctx); if (images.length) o.expectImages = images;
      const text = file === '-' ? readFileSync(0, 'utf8') : readText(resolve(ctx.cwd, file!), 'attestation report');
      const v = a.verifyReport(text, o);
      if (v.ok) {
        const data = { holds: true, deviceId: v.deviceId, issuedAt: new Date(v.issuedAt * 1000).toISOString(), ageSeconds: v.ageSeconds, bootDigest: v.bootDigest, measurements: v.measurements, claims: v.claims };
        return { data, text: `HOLDS: attestation report of device ${v.deviceId.slice(0, 16)}…\n` + fields([['Issued', `${data.issuedAt} (${v.ageSeconds} s ago)`], ['Boot digest', v.bootDigest], ['Measurements', v.measurements.length]]) };
      }
      const data = { holds: false, reason: v.reason, message: v.message, ...(v.facts ? { deviceId: v.facts.deviceId, bootDigest: v.facts.bootDigest } : {}) };
      return { data, text: `FAILS: ${v.reason}: ${v.message.replace(/^its /, 'the report\'s ').replace(/^it /, 'the report ')}.\n`, exitCode: 1 };
    },
  },
  {
    group: 'device certificate', name: 'show-device', description: 'Show the device certificate the Security Service issued after attestation (subject, validity, PEM); emulated devices only',
    options: deviceOptions,
    async action(ctx) {
      const s = await import('../../sideload/index');
      const c = await withDevice(ctx, async (api) => {
        const r = await s.extensionCall<import('../../sideload/index').DeviceCertificateAnswer>(api.client, { method: 'GET', path: s.EXTENSION.deviceCertificate, action: 'read the device certificate' });
        if (r === undefined) throw s.notProvided(api.client, 'the device certificate');
        return r;
      });
      const last = c.lastAttestation;
      return {
        data: c,
        text: fields([['Subject', c.subject], ['Not before', c.notBefore], ['Not after', c.notAfter], ['Last attestation', last ? `${last.at} ${last.verdict}` : null]]) + c.certPem,
      };
    },
  },
];

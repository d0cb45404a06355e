/** Human text for `image show` and `image verify` (the data itself comes from image-builder). */
import type { PackageView, Verdict } from '../../image-builder/index';
import { ABI_TYPE, COMPRESSION_TYPE, IMAGE_TYPE, SIGNING_TYPE } from '../../image-builder/format';

const pad = (label: string) => `    ${(label + ':').padEnd(24)}`;

/** ISO 8601 in UTC to the second, as every date in human output is written. */
function iso(unix: number): string {
  const d = new Date(unix * 1000);
  return Number.isNaN(d.getTime()) ? String(unix) : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function sections(view: PackageView, indent = ''): string[] {
  const m = view.metadata;
  const out: string[] = [];
  const add = (title: string, rows: Array<[string, unknown]>) => {
    out.push(`${indent}  Section: ${title}`);
    for (const [k, v] of rows) out.push(indent + pad(k) + String(v));
  };
  if (m.identity) add('Identity', [['Image Type', IMAGE_TYPE[m.identity.imageType] ?? m.identity.imageType], ['Component UID', m.identity.componentId], ['Image UID', m.identity.imageId]]);
  if (m.signature) add('Signature', [['Signing Type', SIGNING_TYPE[m.signature.signingType] ?? m.signature.signingType], ['Cert Thumbprint', m.signature.thumbprint]]);
  if (m.debug) add('Debug', [['Name', m.debug.name], ['Built On (UTC)', iso(m.debug.buildTime)]]);
  if (m.temporaryImage) add('Temporary Image', [['Remove image at boot', (m.temporaryImage.flags & 1) !== 0 ? 'True' : 'False'], ['Under development', (m.temporaryImage.flags & 2) !== 0 ? 'True' : 'False']]);
  if (m.abiDepends) add('ABI Depends', m.abiDepends.map((e) => ['Depends', `${ABI_TYPE[e.type] ?? e.type}@${e.version}`]));
  if (m.abiProvides) add('ABI Provides', m.abiProvides.map((e) => ['Provides', `${ABI_TYPE[e.type] ?? e.type}@${e.version}`]));
  if (m.compression) add('Compression', [['Type', COMPRESSION_TYPE[m.compression.compressionType] ?? m.compression.compressionType], ['Uncompressed size', `${m.compression.uncompressedSize.toLocaleString('en-US')} bytes`]]);
  if (m.revocation) add('Revocation', [['Security Version', m.revocation.securityVersion]]);
  if (m.requiredFlashOffset) add('Required Offset', [['Offset', '0x' + m.requiredFlashOffset.offset.toString(16)]]);
  if (m.imagePolicy) add('Image Policy', [['Allow invalidation from Normal World', (m.imagePolicy.flags & 1) !== 0 ? 'True' : 'False'], ['Allow sideloading from Normal World', (m.imagePolicy.flags & 2) !== 0 ? 'True' : 'False']]);
  return out;
}

export function showText(view: PackageView, data: Record<string, unknown>, file: string): string {
  const lines = [`Image package ${file} (${view.bytes.length} bytes, sha256 ${String(data['sha256'])})`, ...sections(view)];
  if (view.inner) {
    lines.push(`  Inner package (LZMA, ${view.inner.bytes.length} bytes):`, ...sections(view.inner, '  '));
  }
  lines.push(`  Payload: ${view.payloadKind}`);
  if (view.boardConfig) for (const [k, v] of Object.entries(view.boardConfig)) lines.push(`    ${(k + ':').padEnd(24)}${v}`);
  const files = data['files'] as Array<{ path: string; type: string; mode: string; size: number; sha256?: string }>;
  if (files.length) {
    lines.push('  Files:');
    for (const f of files) lines.push(`    ${f.mode.padStart(7)} ${String(f.size).padStart(9)}  ${f.sha256 ?? '-'.padEnd(64)}  ${f.path}`);
  }
  if (data['manifest'] !== undefined) lines.push('  Manifest:', ...JSON.stringify(data['manifest'], null, 2).split('\n').map((l) => '    ' + l));
  return lines.join('\n') + '\n';
}

export function verifyText(v: Verdict, file: string): string {
  const chain = v.layers[0]?.chain;
  const links = chain && chain.length > 1 ? chain.map((l, i) => `  ${i === 0 ? 'signer ' : 'issuer '} ${l.name} (${l.thumbprint})${l.trusted ? ' trusted' : ''}\n`).join('') : '';
  if (v.ok) return `${file}: valid, signed by "${v.signer}" (${v.thumbprint})\n${links}`;
  return `${file}: ${v.reason}: ${v.message}${v.thumbprint ? ` [thumbprint ${v.thumbprint}]` : ''}\n`;
}

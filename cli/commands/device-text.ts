/**
 * Human text for device results, in the layouts scripts already parse (spec/azsphere-cli.md §6:
 * the arrow list of `image list-installed`; §5 `<id>: App state: <state>`), and the upload
 * progress line (bytes, rate, ETA) drawn on stderr by the UI on a terminal only.
 */
import type { ImageEntry } from '../../sideload/index';
import type { Ui } from '../ui';

/** ` --> Name` blocks; empty string for no images. */
export function imagesText(images: ImageEntry[], o: { verification?: boolean } = {}): string {
  return images.map((i) => {
    const rows = [
      ` --> ${i.name || '(unnamed)'}`,
      `   --> Image type:   ${i.imageTypeName}`,
      `   --> Component ID: ${i.componentId}`,
      `   --> Image ID:     ${i.imageId || '(staged, not installed)'}`,
    ];
    if (o.verification) rows.push(`   --> Verification: ${i.verification}`);
    return rows.join('\n') + '\n';
  }).join('');
}

export function appStateLine(componentId: string, state: string): string {
  return `${componentId}: App state: ${state}`;
}

function size(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MiB` : `${Math.round(n / 1024)} KiB`;
}

/** A progress callback for uploads: `Uploading 1.2 MiB/4.0 MiB, 3.1 MiB/s, ETA 1 s`. Silent when not interactive. */
export function uploadProgress(ui: Ui, now: () => number = Date.now): (sent: number, total: number) => void {
  if (!ui.interactive) return () => {};
  const start = now();
  let last = 0;
  return (sent, total) => {
    const t = now();
    if (sent < total && t - last < 100) return;
    last = t;
    const secs = Math.max(0.001, (t - start) / 1000);
    const rate = sent / secs;
    const eta = rate > 0 ? Math.ceil((total - sent) / rate) : 0;
    ui.progress(`Uploading ${size(sent)}/${size(total)}, ${size(rate)}/s, ETA ${eta} s`, sent, total);
  };
}

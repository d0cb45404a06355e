/**
 * Update notifications to apps (spec/applibs.md §2.16, SysEvent): staging an image tells every
 * app registered for UpdateReadyForInstall that an update is pending; an app's deferral or
 * resume is broadcast back as Deferred or Pending; installing sends Final. A sideloaded install is
 * not held back by a deferral (sideloading is a development path); the device log says so.
 */
import type { Diagnostics } from './diag';
import type { AppRuntime } from './runtime/index';

/** SysEvent values, and the deferral the emulator offers. */
export const SYSEVENT = { updateReadyForInstall: 0x01, pending: 1, final: 2, deferred: 3, updateApp: 1, updateSystem: 2, maxDeferralMinutes: 1440 } as const;

export class UpdateNotices {
  readonly #runtime: AppRuntime;
  readonly #diag: Diagnostics;
  /** The update waiting to be installed, as apps were told of it. */
  #update: { updateType: number; deferredBy: string | undefined } | undefined;

  constructor(runtime: AppRuntime, diag: Diagnostics) {
    this.#runtime = runtime;
    this.#diag = diag;
  }

  staged(isApp: boolean): void {
    this.#update = { updateType: isApp ? SYSEVENT.updateApp : SYSEVENT.updateSystem, deferredBy: undefined };
    this.#send(SYSEVENT.pending, SYSEVENT.maxDeferralMinutes);
  }

  installing(): void {
    if (!this.#update) return;
    this.#send(SYSEVENT.final, 0);
    if (this.#update.deferredBy) this.#diag.record('update-deferral', `install proceeds although ${this.#update.deferredBy} deferred it (a sideloaded install is not held back)`);
    this.#update = undefined;
  }

  /** An app deferred (or resumed) the pending update: every registered app hears the new status. */
  deferral(componentId: string, op: 'defer' | 'resume', minutes: number): void {
    if (!this.#update) return;
    this.#update.deferredBy = op === 'defer' ? componentId : undefined;
    this.#diag.record('update-deferral', op === 'defer' ? `${componentId} deferred the pending update by ${Math.min(minutes, SYSEVENT.maxDeferralMinutes)} min` : `${componentId} resumed the pending update`);
    this.#send(op === 'defer' ? SYSEVENT.deferred : SYSEVENT.pending, SYSEVENT.maxDeferralMinutes);
  }

  #send(status: number, maxDeferral: number): void {
    this.#runtime.sysEvent({ event: SYSEVENT.updateReadyForInstall, status, maxDeferral, updateType: this.#update!.updateType });
  }
}

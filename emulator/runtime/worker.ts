/**
 * The entry of an app's worker thread: checks the module (valid WebAssembly, only imports the
 * runtime provides, a `_start`), gives it a linear memory capped at the app's allowance (the
 * SDK's modules import theirs), and runs it under node:wasi with the host's calls. However it ends
 * — exit code, trap, signal, or a module that cannot load — one `exit` message says so.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { WASI } from 'node:wasi';
import { AppHost, AppSignalled } from './host';
import { HOST_TABLE, applibsImports } from './host-table';
import { wasiImports } from './wasi';
import { netWasiImports } from './net-table';
import { wasmImports } from './wasm-info';
import type { WorkerInit, WorkerMessage } from './protocol';

const PAGE = 65536;

class LoadError extends Error {}

function run(init: WorkerInit & { inbox?: import('node:worker_threads').MessagePort }): void {
  const post = (m: WorkerMessage) => parentPort!.postMessage(m);
  const host = new AppHost(init, post);
  host.inbox = init.inbox;
  const end = (m: Omit<Extract<WorkerMessage, { t: 'exit' }>, 't' | 'memoryCapReached'>) => {
    try { host.flushGpio(); host.flushStdio(); } catch { /* memory may be gone */ }
    post({ t: 'exit', ...m, memoryCapReached: host.memoryCapReached });
  };
  let instance: WebAssembly.Instance;
  let wasi: WASI;
  try {
    let module: WebAssembly.Module;
    try { module = new WebAssembly.Module(init.wasm); } catch (e) {
      throw new LoadError(`bin/app is not a valid WebAssembly module (${(e as Error).message.replace(/^WebAssembly\.Module\(\): /, '')})`);
    }
    wasi = new WASI({ version: 'preview1', args: ['/bin/app', ...init.args], env: {}, returnOnExit: true, preopens: {} });
    const base = (wasi.getImportObject() as Record<string, Record<string, unknown>>)['wasi_snapshot_preview1']!;
    const known = new Set(HOST_TABLE.map((r) => r.name));
    const imports = wasmImports(init.wasm);
    let memory: WebAssembly.Memory | undefined;
    for (const i of imports) {
      if (i.module === 'wasi_snapshot_preview1' && i.kind === 'function' && i.name in base) continue;
      if (i.module === 'applibs' && i.kind === 'function' && known.has(i.name)) continue;
      if (i.module === 'env' && i.name === 'memory' && i.kind === 'memory') {
        // The allowance is what the app may allocate beyond what it starts with (its data and stack).
        const min = i.minPages ?? 1;
        const max = Math.min(min + Math.ceil(init.memoryCap / PAGE), i.maxPages ?? 65536);
        memory = new WebAssembly.Memory({ initial: min, maximum: max });
        host.memoryMax = max * PAGE;
        continue;
      }
      throw new LoadError(`bin/app imports ${i.module}.${i.name} (${i.kind}), which this runtime does not provide`);
    }
    const exportNames = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
    if (!exportNames.has('_start')) throw new LoadError('bin/app has no _start export (link it as a command, -mexec-model=command)');
    const importObject: WebAssembly.Imports = { wasi_snapshot_preview1: { ...wasiImports(host, base), ...netWasiImports(host, base) }, applibs: applibsImports(host) };
    if (memory) importObject['env'] = { memory };
    try { instance = new WebAssembly.Instance(module, importObject); } catch (e) {
      throw new LoadError(`bin/app cannot be instantiated (${(e as Error).message.replace(/^WebAssembly\.Instance\(\): /, '')})`);
    }
    const exported = instance.exports['memory'];
    // A module without memory cannot pass WASI a pointer; WASI still wants one to start.
    host.memory = memory ?? (exported instanceof WebAssembly.Memory ? exported : new WebAssembly.Memory({ initial: 1, maximum: 1 }));
    const table = instance.exports['__indirect_function_table'];
    if (table instanceof WebAssembly.Table) host.table = table;
  } catch (e) {
    end({ code: -1, reason: 'load', detail: e instanceof LoadError ? e.message : `bin/app cannot be loaded: ${(e as Error).message}` });
    return;
  }
  post({ t: 'started' });
  try {
    const code = wasi.start({ exports: { memory: host.memory, _start: instance.exports['_start'] } } as unknown as WebAssembly.Instance);
    end({ code: code ?? 0, reason: 'exit', detail: `exit code ${code ?? 0}` });
  } catch (e) {
    if (e instanceof AppSignalled) end({ code: 128 + e.signal, reason: 'signal', detail: `ended by SIGTERM (no handler)` });
    else if (e instanceof WebAssembly.RuntimeError) end({ code: -1, reason: 'trap', detail: `trap: ${e.message}` });
    else if (e instanceof RangeError && /call stack/i.test(e.message)) end({ code: -1, reason: 'trap', detail: 'trap: call stack exhausted' });
    else end({ code: -1, reason: 'trap', detail: `trap: ${(e as Error).message ?? String(e)}` });
  }
}

if (parentPort && workerData && (workerData as { sphereApp?: boolean }).sphereApp) run(workerData as WorkerInit);

/**
 * node:worker_threads behind a dynamic `import('./worker-lazy')`, so that only the commands that
 * start a helper thread load it (the bundle keeps no dynamic import of a `node:` module).
 */
export { Worker } from 'node:worker_threads';

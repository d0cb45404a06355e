/**
 * Node modules that only a few commands use, behind a dynamic `import('./node-lazy')` so that the
 * command table, which every command builds, does not load them (node:child_process and node:http
 * pull in the whole network and stream stack, several milliseconds at each start). The bundle
 * keeps no dynamic import of a `node:` module, so they are re-exported from here.
 */
export { spawn } from 'node:child_process';
export { request } from 'node:http';

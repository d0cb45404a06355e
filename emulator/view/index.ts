/**
 * emulator/view/ public face: the live board page a running emulator serves
 * (`sphere emulator view`): its HTTP server with the token and origin checks, and the state it shows.
 */
export { startView, type ViewOptions, type ViewServer } from './server';
export { layoutOf, snapshotOf, type BoardLayout } from './snapshot';
export { loadOrCreateViewToken, viewTokenPath, checkToken } from './token';

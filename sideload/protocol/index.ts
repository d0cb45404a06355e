/**
 * The device wire contract (spec/device_rest_api.yaml, spec/device-rest-api.md): endpoints and
 * transport facts, request/response bodies, value rules, error codes with their messages, and the
 * API version history. Shared by the HTTPS client in sideload/ and the device emulator; holds no I/O.
 */
export * from './errors';
export * from './paths';
export * from './rules';
export * from './registry';
export * from './versions';
export type * from './types';

/** The limits emulator/README.md documents are the ones the code enforces. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { LIMITS } from '../../emulator/index';

const readme = readFileSync('emulator/README.md', 'utf8');
const MiB = 1024 * 1024;

test('README limits match the constants', () => {
  const row = (label: string) => readme.split('\n').find((l) => l.startsWith(`| ${label}`)) ?? '';
  assert.match(row('image package'), `${LIMITS.MAX_IMAGE_BYTES / MiB} MiB`);
  assert.match(row('flash for customer images'), `${LIMITS.CUSTOMER_FLASH_BYTES / MiB} MiB`);
  assert.match(row('JSON request body'), `${LIMITS.MAX_JSON_BYTES / 1024} KiB`);
  assert.match(row('uploads received at once'), `| ${LIMITS.MAX_CONCURRENT_UPLOADS};`);
  assert.match(row('open connections'), `| ${LIMITS.MAX_CONNECTIONS};`);
  assert.match(row('request headers'), `${LIMITS.HEADERS_TIMEOUT_MS / 1000} s`);
  assert.match(row('whole request'), `${LIMITS.REQUEST_TIMEOUT_MS / 1000} s`);
  assert.match(row('idle connection'), `${LIMITS.SOCKET_IDLE_TIMEOUT_MS / 1000} s (keep-alive ${LIMITS.KEEP_ALIVE_TIMEOUT_MS / 1000} s)`);
  assert.match(row('certificate store'), `${LIMITS.CERT_STORE_BYTES / 1024} KiB`);
  assert.match(row('MutableStorage'), `${LIMITS.MAX_MUTABLE_STORAGE_KB} KiB`);
  assert.match(row('Wi-Fi networks'), `${LIMITS.MAX_WIFI_NETWORKS}`);
  assert.match(readme, `osversion\` ${LIMITS.OS_VERSION}`);
  assert.match(readme, `ApplicationRuntime: ${LIMITS.ABI_VERSIONS.ApplicationRuntime}}`);
});

test.run();

/**
 * End-to-end: the live board page (`sphere emulator view`) of a real emulator. Its guards, with
 * plain node:http: the token file's mode, 403 without the token or with a wrong one, a foreign
 * Origin or Host refused even with the token. Then in a real browser (playwright-core driving
 * Debian's chromium, never a downloaded one), with Microsoft's samples built unchanged on the real
 * clock: LED 1 toggles on the page as GPIO_HighLevelApp blinks it; holding button A on the page
 * slows the blink (125 ms to 250 ms); UART_HighLevelApp's message shows in the ISU0 console when
 * button A is pressed on the page, and a line typed into the console reaches the app, which logs
 * it (seen in the page's log); a test app's PWM duty shows as a dimmer LED 1 and moving the knob
 * on the page changes the ADC sample the app logs. The browser part skips, saying why, without chromium, ../shared
 * or the C toolchain. With BOARD_PAGE_SCREENSHOT=<file.png> it also saves a screenshot.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { BIN } from '../helpers';
import { lab, type Lab } from '../sideload/e2e-helpers';
import { appLog, deploy, ioShow, until } from './app-helpers';
import { buildTestApp } from '../sdk/helpers';

const CHROMIUM = '/usr/bin/chromium';
const SAMPLES = resolve('../shared/fixtures/samples');
const TOOLS = ['clang', 'wasm-ld', 'cmake', 'ninja'];
const missingTools = TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
const skipBrowser = !existsSync(CHROMIUM) ? `${CHROMIUM} is not installed (.ci/run installs Debian's chromium)`
  : !existsSync(SAMPLES) ? `${SAMPLES} is not there (a clone without ../shared)`
    : missingTools.length ? `${missingTools.join(', ')} not installed (.ci/run installs them)` : '';
const EMU = 'board';

let l: Lab;
let url = '';
let port = 0;
let token = '';

/** What the test's functions use of the page's globals (they run in the browser; this project compiles without the DOM's types). */
interface InPage {
  ledTimes: number[];
  document: { getElementById(id: string): { getAttribute(name: string): string | null } };
  MutationObserver: new (f: () => void) => { observe(target: unknown, o: { attributes: boolean; attributeFilter: string[] }): void };
}

interface Answer { status: number; body: string }

/** One request to the page server with node:http, headers exactly as given (Host included). */
function call(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { Host: `127.0.0.1:${port}`, ...headers }, agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}
const press = (headers: Record<string, string>) => call('POST', '/api/button', { 'Content-Type': 'application/json', ...headers }, JSON.stringify({ button: 'b', pressed: false }));

const test = suite('the live board page');
test.before(() => {
  l = lab('sphere-board-page-');
  l.start(EMU, ['--capabilities', 'appDevelopment']);
  const r = l.run(['emulator', 'view', '--name', EMU, '-o', 'json']);
  assert.is(r.code, 0, r.stderr);
  const v = JSON.parse(r.stdout) as { url: string; port: number };
  url = v.url;
  port = v.port;
  token = new URL(url).searchParams.get('token') ?? '';
});
test.after(() => l.done());

test('view prints a 127.0.0.1 URL with the token kept in the state folder (mode 0600); a second call gives the same page', () => {
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
  const file = join(l.entry(EMU)!.stateDir, 'view-token');
  assert.is(readFileSync(file, 'utf8').trim(), token);
  assert.is(statSync(file).mode & 0o777, 0o600);
  const again = l.run(['emulator', 'view', '--name', EMU]);
  assert.is(again.code, 0, again.stderr);
  assert.is(again.stdout, `${url}\n`);
});

test('a state-changing request without the token, or with a wrong one, gets 403 and changes nothing', async () => {
  const none = await press({});
  assert.is(none.status, 403, none.body);
  assert.match(none.body, /needs the page token/);
  const wrong = await press({ 'X-Sphere-Token': token.replace(/.$/, (c) => (c === '0' ? '1' : '0')) });
  assert.is(wrong.status, 403);
  assert.is((await call('GET', '/events', {})).status, 403, 'the live state needs the token too');
  const ok = await press({ 'X-Sphere-Token': token });
  assert.is(ok.status, 200, ok.body);
  assert.is(ioShow(l, EMU).parts['b']?.pressed, false);
});

test('another site is refused even with the token: a foreign Origin, a DNS name in Host', async () => {
  const foreign = await press({ 'X-Sphere-Token': token, Origin: 'http://attacker.example' });
  assert.is(foreign.status, 403, foreign.body);
  assert.match(foreign.body, /another site/);
  const rebound = await call('GET', `/state?token=${token}`, { Host: `attacker.example:${port}` });
  assert.is(rebound.status, 403, rebound.body);
  const same = await press({ 'X-Sphere-Token': token, Origin: `http://127.0.0.1:${port}` });
  assert.is(same.status, 200, same.body);
});

test('a bad --listen address is one line, and view of an emulator that does not run says how to start it', () => {
  const bad = l.run(['emulator', 'view', '--name', EMU, '--listen', '203.0.113.9:1']);
  assert.is(bad.code, 2, bad.stderr);
  assert.match(bad.stderr.trim(), /^error: Cannot serve the board page of emulator "board" on "203\.0\.113\.9:1": no network interface has the address 203\.0\.113\.9\. Choose another --listen address or port\.$/);
  const none = l.run(['emulator', 'view', '--name', 'nothing']);
  assert.is(none.code, 3, none.stderr);
  assert.match(none.stderr, /Cannot show the board of emulator "nothing": it is not running/);
});

// ---- in a real browser, with the samples -------------------------------------------------

let scratch = '';
let sdk = '';
function buildSample(dir: string, project: string): string {
  const env = { ...l.env, AzureSphereDefaultSDKDir: sdk, SPHERE_TOOL: join(l.dir, 'bin', 'sphere'), PATH: process.env['PATH'] ?? '' };
  const cwd = join(scratch, dir);
  for (const args of [['--preset', 'ARM-Debug'], ['--build', 'out/ARM-Debug']]) {
    const r = spawnSync('cmake', args, { cwd, env, encoding: 'utf8', timeout: 180_000 });
    assert.is(r.status, 0, `cmake ${args.join(' ')} in ${dir}: ${r.stdout}\n${r.stderr}`);
  }
  return join(cwd, 'out', 'ARM-Debug', `${project}.imagepackage`);
}

test('in chromium: LED 1 blinks on the page, holding button A slows it, the UART console shows the message and sends a line, PWM dims LED 1, the knob reaches the app', async () => {
  if (skipBrowser) { console.log(`  (skipped: ${skipBrowser})`); return; }
  mkdirSync(join(l.dir, 'bin'));
  copyFileSync(BIN, join(l.dir, 'bin', 'sphere'));
  const p = spawnSync(join(l.dir, 'bin', 'sphere'), ['sdk', 'path'], { cwd: l.dir, env: { ...l.env, XDG_CACHE_HOME: join(l.dir, 'cache'), PATH: process.env['PATH'] ?? '' }, encoding: 'utf8' });
  assert.is(p.status, 0, p.stderr);
  sdk = p.stdout.trim();
  scratch = join(l.dir, 'samples');
  for (const d of ['Samples/GPIO', 'Samples/UART', 'HardwareDefinitions']) cpSync(join(SAMPLES, d), join(scratch, d), { recursive: true });
  const gpioPkg = buildSample('Samples/GPIO/GPIO_HighLevelApp', 'GPIO_HighLevelApp');
  const uartPkg = buildSample('Samples/UART/UART_HighLevelApp', 'UART_HighLevelApp');
  const pwmPkg = buildTestApp('pwm-adc', join(l.dir, 'apps'), l.env).package;

  const { chromium } = await import('playwright-core');
  const profile = join(l.dir, 'chromium-profile');
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1100, height: 720 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = browser.pages()[0] ?? await browser.newPage();
    const offsite: string[] = [];
    page.on('request', (r) => { if (!r.url().startsWith(`http://127.0.0.1:${port}/`)) offsite.push(r.url()); });
    deploy(l, gpioPkg, EMU);
    await page.goto(url);
    await page.locator('#led-led1[data-red]').waitFor();
    assert.is(await page.locator('#conn').textContent({ timeout: 5000 }), 'live');
    // Every change of LED 1's red as the page shows it, timed in the page.
    await page.evaluate(() => {
      const w = globalThis as unknown as InPage;
      w.ledTimes = [];
      new w.MutationObserver(() => w.ledTimes.push(performance.now())).observe(w.document.getElementById('led-led1'), { attributes: true, attributeFilter: ['data-red'] });
    });
    const times = () => page.evaluate(() => (globalThis as unknown as InPage).ledTimes);
    const toggles = (n: number) => page.waitForFunction((k) => (globalThis as unknown as InPage).ledTimes.length >= k, n, { timeout: 10_000 });
    const pressed = (v: boolean) => page.waitForFunction((x) => (globalThis as unknown as InPage).document.getElementById('button-a').getAttribute('aria-pressed') === String(x), v, { timeout: 5000 });
    const median = (t: number[]) => { const g = t.slice(1).map((x, i) => x - t[i]!).sort((a, b) => a - b); return g[Math.floor(g.length / 2)]!; };
    await toggles(9);
    const before = median(await times());
    assert.ok(before > 80 && before < 200, `LED 1 toggles every ${before} ms on the page (the sample: 125 ms)`);
    assert.match(await page.locator('#apps tbody').textContent() ?? '', /GPIO_HighLevelApp\s*running/);

    const box = (await page.locator('#button-a').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await pressed(true);
    await page.mouse.up();
    await pressed(false);
    await page.evaluate(() => { (globalThis as unknown as InPage).ledTimes = []; });
    await toggles(7);
    const after = median(await times());
    assert.ok(after > 1.6 * before && after < 400, `after button A the LED toggles every ${after} ms (before: ${before} ms; the sample: 250 ms)`);

    deploy(l, uartPkg, EMU);
    const cid = (JSON.parse(readFileSync(join(scratch, 'Samples/UART/UART_HighLevelApp/app_manifest.json'), 'utf8')) as { ComponentId: string }).ComponentId;
    await until('the UART sample to open its button', () => ioShow(l, EMU).gpio['12']?.direction === 'input', 15_000);
    await page.mouse.down();
    await page.waitForTimeout(150);
    await page.mouse.up();
    await page.locator('#uart-ISU0 .out', { hasText: 'Hello world!' }).waitFor({ timeout: 5000 });
    await page.locator('#log', { hasText: "UART received 13 bytes: 'Hello world!" }).waitFor({ timeout: 5000 });
    await page.locator('#uart-ISU0 input[type=text]').fill('ping from the page');
    await page.locator('#uart-ISU0 input[type=text]').press('Enter');
    await page.locator('#log', { hasText: "UART received 19 bytes: 'ping from the page" }).waitFor({ timeout: 5000 });
    assert.ok(appLog(l, EMU, cid).some((t) => t.startsWith("UART received 19 bytes: 'ping from the page")), 'the app itself logged the line');
    assert.match(await page.locator('#security').textContent() ?? '', /App development\s*enabled/);

    // A test app that dims LED 1 red with PWM (a quarter lit) and logs each new potentiometer sample.
    deploy(l, pwmPkg, EMU);
    const led = page.locator('#led-led1');
    await page.locator('#led-led1[data-red="1"]').waitFor({ timeout: 10_000 });
    assert.is(await led.getAttribute('data-color'), 'rgb(155,55,55)', 'a quarter of full brightness, drawn dimmer than full red');
    await page.locator('#log', { hasText: 'pwm-adc: sample 2048 = 1.250 V' }).waitFor({ timeout: 10_000 });
    await page.locator('#adc-potentiometer').fill('3000');
    await page.locator('#log', { hasText: 'pwm-adc: sample 3000 = 1.832 V' }).waitFor({ timeout: 5000 });
    assert.is((ioShow(l, EMU) as unknown as { parts: Record<string, { sample?: number }> }).parts['potentiometer']?.sample, 3000);
    assert.equal(offsite, [], 'the page fetched nothing from elsewhere');
    const shot = process.env['BOARD_PAGE_SCREENSHOT'];
    if (shot) await page.screenshot({ path: resolve(shot), fullPage: true });
  } finally {
    await browser.close();
  }
});

test.run();

/*
 * The board page: draws the board the emulator runs (from its "layout" event) as inline SVG,
 * then follows its server-sent events: "state" (LEDs, buttons, apps, security), "log" (one app
 * log line), "backlog" (the recent log at connect) and "uart" (bytes an app wrote). Pressing a
 * button, moving a knob or sending a UART line posts JSON with the page token.
 */
'use strict';
(() => {
  const token = new URLSearchParams(location.search).get('token') || '';
  const SVG = 'http://www.w3.org/2000/svg';
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs = {}, parent) => {
    const e = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'text') e.textContent = v; else e.setAttribute(k, String(v));
    }
    if (parent) parent.appendChild(e);
    return e;
  };
  const problem = (text) => { const p = $('problem'); p.textContent = text; p.hidden = !text; };

  async function post(action, body) {
    try {
      const r = await fetch(`/api/${action}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Sphere-Token': token }, body: JSON.stringify(body) });
      if (!r.ok) problem(await r.text()); else problem('');
    } catch (e) { problem(`Cannot reach the emulator: ${e.message}`); }
  }

  // ---- drawing ---------------------------------------------------------------------------
  /** LEDs named <group>_red/_green/_blue are one RGB LED; any other name is a one-colour LED. */
  function ledGroups(leds) {
    const groups = new Map();
    for (const l of leds) {
      const m = /^(.*)_(red|green|blue)$/.exec(l.name);
      const g = m ? m[1] : l.name;
      if (!groups.has(g)) groups.set(g, {});
      groups.get(g)[m ? m[2] : 'on'] = l.name;
    }
    return groups;
  }

  let groups = new Map();
  let layout;

  function drawBoard(lay) {
    layout = lay;
    $('title').textContent = lay.name;
    document.title = `${lay.name} — Spherekit board`;
    groups = ledGroups(lay.leds);
    const cols = Math.max(groups.size, lay.buttons.length, 2);
    const W = Math.max(480, cols * 96 + 60), H = 300;
    const host = $('board');
    host.textContent = '';
    const svg = el('svg:svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': lay.name }, host);
    const defs = el('svg:defs', {}, svg);
    const f = el('svg:filter', { id: 'glow', x: '-100%', y: '-100%', width: '300%', height: '300%' }, defs);
    el('svg:feGaussianBlur', { stdDeviation: 7 }, f);
    el('svg:rect', { class: 'pcb', x: 4, y: 4, width: W - 8, height: H - 8, rx: 18 }, svg);
    for (const [x, y] of [[22, 22], [W - 22, 22], [22, H - 22], [W - 22, H - 22]]) el('svg:circle', { cx: x, cy: y, r: 7, fill: '#c9b26b' }, svg);
    el('svg:text', { class: 'pcb-label', x: 40, y: 32 }, svg).textContent = lay.name;
    const step = (W - 60) / Math.max(groups.size, 1);
    let i = 0;
    for (const [name, channels] of groups) {
      const cx = 30 + step * (i++ + 0.5), cy = 105;
      const g = el('svg:g', { id: `led-${name}`, 'data-lit': '0', 'data-color': 'off' }, svg);
      for (const c of ['red', 'green', 'blue', 'on']) if (channels[c]) g.setAttribute(`data-${c}`, '0');
      el('svg:circle', { class: 'led-glow', cx, cy, r: 24, filter: 'url(#glow)' }, g);
      el('svg:rect', { x: cx - 14, y: cy - 14, width: 28, height: 28, rx: 4, fill: '#e8e8e8' }, g);
      el('svg:circle', { class: 'led-body', cx, cy, r: 10, fill: '#3a3a3a' }, g);
      el('svg:text', { class: 'part-label', x: cx, y: cy + 36 }, g).textContent = name.replace(/_/g, ' ');
    }
    const bstep = (W - 60) / Math.max(lay.buttons.length, 1);
    lay.buttons.forEach((b, j) => {
      const cx = 30 + bstep * (j + 0.5), cy = 215;
      el('svg:rect', { x: cx - 30, y: cy - 30, width: 60, height: 60, rx: 6, fill: '#c7c9cc' }, svg);
      const cap = el('svg:circle', { id: `button-${b.name}`, class: 'button-cap', cx, cy, r: 21, role: 'button', tabindex: 0, 'aria-label': `Button ${b.name.toUpperCase()}`, 'aria-pressed': 'false' }, svg);
      el('svg:text', { class: 'part-label', x: cx, y: cy + 48 }, svg).textContent = `button ${b.name.toUpperCase()}`;
      let down = false;
      const press = (pressed) => { if (down === pressed) return; down = pressed; post('button', { button: b.name, pressed }); };
      cap.addEventListener('pointerdown', (e) => { cap.setPointerCapture(e.pointerId); press(true); });
      cap.addEventListener('pointerup', () => press(false));
      cap.addEventListener('pointercancel', () => press(false));
      cap.addEventListener('keydown', (e) => { if ((e.key === ' ' || e.key === 'Enter') && !e.repeat) { e.preventDefault(); press(true); } });
      cap.addEventListener('keyup', (e) => { if (e.key === ' ' || e.key === 'Enter') press(false); });
    });
    drawKnobs(lay);
    drawUarts(lay);
  }

  function drawKnobs(lay) {
    const box = $('knobs');
    box.textContent = '';
    for (const a of lay.analog) {
      const label = el('label', {}, box);
      el('span', { text: `${a.name} (ADC channel ${a.channel})` }, label);
      const input = el('input', { type: 'range', min: 0, max: 4095, step: 1, id: `adc-${a.name}`, 'aria-label': a.name }, label);
      const out = el('output', { id: `adc-${a.name}-value` }, label);
      input.addEventListener('input', () => { out.textContent = input.value; });
      input.addEventListener('change', () => post('adc', { channel: a.channel, value: Number(input.value) }));
    }
  }

  function drawUarts(lay) {
    const box = $('uarts');
    box.textContent = '';
    for (const u of lay.uarts) {
      const div = el('div', { class: 'uart', id: `uart-${u}` }, box);
      el('h2', { text: `UART ${u}` }, div);
      el('pre', { class: 'out', 'aria-live': 'polite' }, div);
      const form = el('form', {}, div);
      const input = el('input', { type: 'text', placeholder: `a line to send to ${u}`, 'aria-label': `Send to ${u}` }, form);
      el('button', { type: 'submit', text: 'Send' }, form);
      form.addEventListener('submit', (e) => { e.preventDefault(); post('uart', { uart: u, text: input.value + '\n' }); input.value = ''; });
    }
  }

  // ---- live state --------------------------------------------------------------------------
  const level = (p) => (p && p.lit ? (p.brightness === undefined ? 1 : p.brightness) : 0);

  function showState(s) {
    for (const [name, channels] of groups) {
      const g = $(`led-${name}`);
      if (!g) continue;
      const v = {};
      for (const c of ['red', 'green', 'blue', 'on']) if (channels[c]) { v[c] = level(s.parts[channels[c]]); g.setAttribute(`data-${c}`, v[c] > 0 ? '1' : '0'); }
      // Drawn by perceived brightness (square root of the lit share), so a PWM-dimmed LED still shows.
      const shade = (x) => Math.sqrt(x || 0);
      const r = shade(v.on !== undefined ? v.on : v.red), gr = v.on !== undefined ? shade(v.on) * 0.85 : shade(v.green), b = v.on !== undefined ? 0 : shade(v.blue);
      const lit = Math.max(r, gr, b);
      const color = lit > 0 ? `rgb(${Math.round(55 + 200 * r)},${Math.round(55 + 200 * gr)},${Math.round(55 + 200 * b)})` : '#3a3a3a';
      g.setAttribute('data-lit', lit > 0 ? '1' : '0');
      g.setAttribute('data-color', lit > 0 ? color : 'off');
      g.querySelector('.led-body').setAttribute('fill', color);
      const glow = g.querySelector('.led-glow');
      glow.setAttribute('fill', color);
      glow.style.opacity = String(Math.min(1, lit));
    }
    for (const b of (layout ? layout.buttons : [])) {
      const cap = $(`button-${b.name}`);
      const p = s.parts[b.name];
      if (cap && p) { cap.classList.toggle('pressed', !!p.pressed); cap.setAttribute('aria-pressed', String(!!p.pressed)); }
    }
    for (const a of (layout ? layout.analog : [])) {
      const input = $(`adc-${a.name}`), p = s.parts[a.name];
      if (input && p && document.activeElement !== input) { input.value = String(p.sample); $(`adc-${a.name}-value`).textContent = String(p.sample); }
    }
    const tbody = $('apps').tBodies[0];
    tbody.textContent = '';
    if (!s.apps.length) el('td', { colspan: 3, text: 'No app installed.' }, el('tr', {}, tbody));
    for (const a of s.apps) {
      const tr = el('tr', { 'data-component': a.componentId }, tbody);
      el('td', { text: a.name || a.componentId, title: a.componentId }, tr);
      el('td', { class: `state-${a.state}`, text: a.state + (a.startFailure ? ` (${a.startFailure})` : '') }, tr);
      el('td', { text: String(a.restarts) }, tr);
    }
    const sec = s.security, dl = $('security');
    dl.textContent = '';
    const row = (k, v) => { el('dt', { text: k }, dl); el('dd', { text: v }, dl); };
    row('Manufacturing state', sec.manufacturingState);
    row('Capabilities', sec.capabilities.length ? sec.capabilities.join(', ') : 'none');
    row('App development', sec.appDevelopment ? 'enabled' : 'disabled');
    row('Secure boot', sec.secureBootRefused.length ? sec.secureBootRefused.map((f) => `refused ${f.componentId}: ${f.why}`).join('; ') : 'every installed image verified');
    if (sec.poweredDown) row('Power', 'powered down');
    $('clock').textContent = `${s.clock.mode} clock, ${(s.clock.nowMs / 1000).toFixed(1)} s since boot`;
    document.body.dataset.seq = String(s.seq);
  }

  const MAX_LOG = 500;
  function addLog(l) {
    const log = $('log');
    const line = el('span', { class: l.source }, log);
    line.textContent = `+${(l.clock / 1000).toFixed(3)}s ${l.app.slice(0, 8)} ${l.source === 'emulator' ? '[emulator] ' : ''}${l.text.endsWith('\n') ? l.text : l.text + '\n'}`;
    while (log.childNodes.length > MAX_LOG) log.removeChild(log.firstChild);
    log.scrollTop = log.scrollHeight;
  }

  function addUart(u) {
    const pre = document.querySelector(`#uart-${u.uart} .out`);
    if (!pre) return;
    pre.textContent = (pre.textContent + u.text).slice(-8000);
    pre.scrollTop = pre.scrollHeight;
  }

  if (!token) { problem('This page needs its token: open the URL that "sphere emulator view" prints.'); return; }
  const es = new EventSource(`/events?token=${encodeURIComponent(token)}`);
  const conn = $('conn');
  es.addEventListener('open', () => { conn.textContent = 'live'; conn.classList.remove('off'); });
  es.addEventListener('error', () => { conn.textContent = 'disconnected (retrying)'; conn.classList.add('off'); });
  es.addEventListener('layout', (e) => drawBoard(JSON.parse(e.data)));
  es.addEventListener('state', (e) => showState(JSON.parse(e.data)));
  es.addEventListener('backlog', (e) => { $('log').textContent = ''; for (const l of JSON.parse(e.data)) addLog(l); });
  es.addEventListener('log', (e) => addLog(JSON.parse(e.data)));
  es.addEventListener('uart', (e) => addUart(JSON.parse(e.data)));
})();

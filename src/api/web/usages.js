// meterd page, usage section: today's consumption split by usage (NILM, /api/v1/usages): one bar
// per category with its energy, share and confidence, and the categories' average power stacked
// over the day. Hidden when the daemon runs no NILM (404 nilm_disabled). Steps the API does not
// return (gaps) are left blank, never drawn as zero. Times are the box's local time (the API's
// utc_offset_s), not the browser's; the day is 23 or 25 h on a daylight-saving change. After a
// failed refresh the figures are cleared rather than left looking current.
'use strict';
(function () {
  const REFRESH_MS = 60 * 1000;  // NILM steps close every 10 min
  const DAY_MS = 24 * 3600 * 1000;
  const NAMES = {
    lighting: 'Lighting', it: 'IT', heat_cold_production: 'Heat/cold production',
    heating_elements: 'Heating elements', ventilation: 'Ventilation',
    hvac_auxiliaries: 'HVAC auxiliaries', other: 'Other / unexplained',
  };
  const COLORS = {
    lighting: '#e8b92f', it: '#4e79a7', heat_cold_production: '#e15759', heating_elements: '#f28e2b',
    ventilation: '#76b7b2', hvac_auxiliaries: '#59a14f', other: '#a0a4aa',
  };
  const ns = 'http://www.w3.org/2000/svg';

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function kwh(wh) { return (wh / 1000).toFixed(wh >= 100000 ? 0 : 2) + ' kWh'; }
  function pct(x) { return x === null ? '–' : (100 * x).toFixed(1) + ' %'; }

  // Today's usages, or null when NILM is off; throws on any other failure (a reply that is not
  // JSON, from a proxy say, by its HTTP status).
  async function fetchUsages() {
    const token = sessionStorage.getItem('meterd-token');
    const res = await fetch('/api/v1/usages', { headers: token ? { Authorization: 'Bearer ' + token } : {} });
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (res.status === 404 && body && body.error === 'nilm_disabled') return null;
    if (!res.ok || body === null) {
      throw new Error(body && body.error ? body.error + ': ' + body.detail : 'HTTP ' + res.status);
    }
    return body;
  }

  // "HH:MM" of `ms` on the box's clock (offset in s).
  function localTime(ms, offsetS) { return new Date(ms + offsetS * 1000).toISOString().slice(11, 16); }
  function localDate(ms, offsetS) { return new Date(ms + offsetS * 1000).toISOString().slice(0, 10); }

  function drawBars(u) {
    const box = document.getElementById('usage-bars');
    box.replaceChildren();
    const t = u.totals;
    for (const c of u.categories) {
      const v = t.usages[c];
      const row = el('div', {
        class: 'usage-row' + (v.confidence !== null && v.confidence < 0.5 ? ' low' : ''), 'data-usage': c,
        'data-energy-wh': String(v.energy_wh), 'data-share': v.share === null ? '' : String(v.share),
        'data-confidence': v.confidence === null ? '' : String(v.confidence),
      });
      const name = el('span', { class: 'name' }, NAMES[c] || c);
      const bar = el('span', { class: 'bar' });
      const fill = el('i');
      fill.style.width = (v.share === null ? 0 : 100 * v.share).toFixed(1) + '%';
      fill.style.background = COLORS[c];
      bar.append(fill);
      const figures = el('span', { class: 'figures' }, kwh(v.energy_wh) + ' · ' + pct(v.share));
      const conf = el('span', { class: 'muted conf' },
                      v.confidence === null ? 'confidence –' : 'confidence ' + Math.round(100 * v.confidence) + ' %');
      row.append(name, bar, figures, conf);
      box.append(row);
    }
    const covered = t.covered_s >= 3600 ? (t.covered_s / 3600).toFixed(1) + ' h' : Math.round(t.covered_s / 60) + ' min';
    document.getElementById('usage-note').textContent = 'total ' + kwh(t.energy_wh) + ' over ' + covered + ' measured' +
      (t.skipped_steps ? ' · ' + t.skipped_steps + (t.skipped_steps > 1 ? ' steps' : ' step') + ' without usable data' : '');
    document.getElementById('usage-bars').setAttribute('data-total-wh', String(t.energy_wh));
  }

  // The categories' average power stacked, as steps (each NILM step is an average over it);
  // a run of contiguous steps is one closed shape, a gap breaks it.
  function drawStack(u) {
    const svg = document.getElementById('usage-chart');
    const W = 800, H = 260, pad = 6;
    // Local midnight to the next (the API's day_end): 23 or 25 h on a clock-change day.
    const from = Date.parse(u.from);
    const to = Date.parse(u.day_end);
    const steps = u.steps.filter(s => s.total.power_w !== null);
    let max = 0;
    for (const s of steps) max = Math.max(max, s.total.power_w);
    if (max <= 0) max = 1;
    const x = t => ((t - from) / (to - from) * W).toFixed(1);
    const y = w => (H - pad - (H - 2 * pad) * w / max).toFixed(1);
    svg.replaceChildren();
    for (let g = 1; g < 4; g++) {
      const grid = document.createElementNS(ns, 'line');
      const gy = H - pad - (H - 2 * pad) * g / 4;
      grid.setAttribute('x1', 0); grid.setAttribute('x2', W); grid.setAttribute('y1', gy); grid.setAttribute('y2', gy);
      grid.setAttribute('stroke', '#e6e9ed'); svg.append(grid);
    }
    // Runs of contiguous steps.
    const runs = [];
    for (const s of steps) {
      const last = runs.length ? runs[runs.length - 1] : null;
      if (last && last[last.length - 1].end === s.start) last.push(s); else runs.push([s]);
    }
    const base = steps.map(() => 0);
    const legend = document.getElementById('usage-legend');
    legend.replaceChildren();
    for (const c of u.categories) {
      let d = '', i = 0;
      for (const run of runs) {
        const top = [], bottom = [];
        for (const s of run) {
          const lo = base[i], hi = lo + (s.usages[c].power_w || 0);
          const x0 = x(Date.parse(s.start)), x1 = x(Date.parse(s.end));
          top.push(x0 + ',' + y(hi), x1 + ',' + y(hi));
          bottom.unshift(x1 + ',' + y(lo), x0 + ',' + y(lo));
          base[i++] = hi;
        }
        d += 'M' + top.join('L') + 'L' + bottom.join('L') + 'Z';
      }
      const last = steps.length ? steps[steps.length - 1].usages[c].power_w : null;
      const path = document.createElementNS(ns, 'path');
      path.setAttribute('d', d);
      path.setAttribute('fill', COLORS[c]); path.setAttribute('fill-opacity', '0.85');
      path.setAttribute('data-usage', c); path.setAttribute('data-steps', String(steps.length));
      path.setAttribute('data-last-w', last === null ? '' : String(last));
      svg.append(path);
      const item = el('span', {}, NAMES[c] || c);
      const box = el('i'); box.style.background = COLORS[c]; item.prepend(box);
      legend.append(item);
    }
    svg.setAttribute('data-runs', String(runs.length));
    svg.setAttribute('data-day-h', String((to - from) / 3600000));
    // The local date at midday: a clock change moves it by an hour or two at most.
    document.getElementById('usage-from').textContent = localDate(from + DAY_MS / 2, u.utc_offset_s) + ' 00:00';
    document.getElementById('usage-to').textContent = '24:00 (box time, UTC' +
      (u.utc_offset_s < 0 ? '−' : '+') + localTime(Math.abs(u.utc_offset_s) * 1000, 0) + ')';
    document.getElementById('usage-max').textContent = 'max ' + (max >= 10000 ? (max / 1000).toFixed(2) + ' kW' : max.toFixed(0) + ' W');
  }

  async function refresh() {
    const section = document.getElementById('usages');
    try {
      const u = await fetchUsages();
      section.hidden = u === null;
      if (u === null) return;
      drawBars(u);
      drawStack(u);
    } catch (err) {
      section.hidden = false;
      for (const id of ['usage-bars', 'usage-chart', 'usage-legend']) document.getElementById(id).replaceChildren();
      for (const id of ['usage-max', 'usage-from', 'usage-to']) document.getElementById(id).textContent = '';
      document.getElementById('usage-bars').removeAttribute('data-total-wh');
      document.getElementById('usage-note').textContent = 'error: ' + err.message;
      console.error('meterd page, usages: ' + err.message);
    }
  }
  refresh();
  setInterval(refresh, REFRESH_MS);
})();

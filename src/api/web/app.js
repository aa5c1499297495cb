// meterd page: meters, live active power of the last hour, the day's energy, storage, uplink.
// Everything comes from /api/v1 (docs/openapi.yaml); a bearer token may be given as #token=...
'use strict';
(function () {
  const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];
  const REFRESH_MS = 5000;
  const HOUR_MS = 3600 * 1000;
  const tokenMatch = /token=([^&]+)/.exec(location.hash);
  if (tokenMatch) sessionStorage.setItem('meterd-token', decodeURIComponent(tokenMatch[1]));
  const token = sessionStorage.getItem('meterd-token');

  async function api(path) {
    const headers = token ? { Authorization: 'Bearer ' + token } : {};
    const res = await fetch('/api/v1/' + path, { headers: headers });
    const body = await res.json();
    if (!res.ok) throw new Error(body.error + ': ' + body.detail);
    return body;
  }
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fmt(v, unit) {
    if (v === null || v === undefined) return '–';
    const a = Math.abs(v);
    if (unit === 'W' && a >= 10000) return (v / 1000).toFixed(2) + ' kW';
    if (unit === 'Wh' && a >= 10000) return (v / 1000).toFixed(2) + ' kWh';
    return (a >= 100 ? v.toFixed(0) : v.toFixed(2)) + ' ' + unit;
  }
  // The first of the codes `cs` the meter reports, on its lowest channel (B group): the total
  // (B = 0) if present, else CT1.
  function pick(values, ...cs) {
    for (const c of cs) {
      const re = new RegExp('^1-(\\d+):' + c + '$');
      const found = values.filter(v => re.test(v.obis));
      found.sort((x, y) => Number(re.exec(x.obis)[1]) - Number(re.exec(y.obis)[1]));
      if (found.length) return found[0];
    }
    return undefined;
  }
  // Active power: the signed net total 16.7.0 where the meter has it (B-Smart), else import 1.7.0.
  const kPowerCodes = ['16.7.0', '1.7.0'];
  function dl(id, rows) {
    const d = document.getElementById(id);
    d.replaceChildren();
    for (const [k, v] of rows) { d.append(el('dt', {}, k), el('dd', {}, v)); }
  }
  function bytes(n) {
    if (n >= 1 << 30) return (n / (1 << 30)).toFixed(2) + ' GiB';
    if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1) + ' MiB';
    return (n / 1024).toFixed(0) + ' KiB';
  }

  function card(meter, latest, energy, i) {
    const c = el('div', { class: 'card', 'data-meter': meter.id });
    const h = el('h3', {}, meter.id);
    h.append(el('span', { class: 'badge ' + (meter.online ? 'on' : 'off') }, meter.online ? 'online' : 'offline'));
    c.append(h);
    c.append(el('div', { class: 'muted' }, meter.protocol + ' on ' + meter.bus + (meter.serial_number ? ' · serial ' + meter.serial_number : '')));
    const p = latest && pick(latest.values, ...kPowerCodes);
    const power = el('p', { class: 'big' + (p && p.stale ? ' stale' : ''), 'data-power': p ? String(p.value) : '' },
                     p ? fmt(p.value, p.unit) : 'no value');
    power.style.color = COLORS[i % COLORS.length];
    c.append(power);
    if (p) c.append(el('div', { class: 'muted' }, p.obis + ' · ' + p.quality + (p.stale ? ' · STALE, ' + Math.round(p.age_s) + ' s old' : ' · ' + p.age_s.toFixed(1) + ' s ago')));
    c.append(el('div', { 'data-energy': energy === null ? '' : String(energy) }, 'Energy today: ' + (energy === null ? '–' : fmt(energy, 'Wh'))));
    const s = meter.stats;
    c.append(el('div', { class: 'muted' }, 'polls ' + s.polls_ok + ' ok / ' + s.polls_failed + ' failed' + (s.latency_median_ms !== null ? ' · ' + s.latency_median_ms.toFixed(0) + ' ms' : '')));
    return c;
  }

  async function dayEnergy(id, latest) {
    const e = latest && pick(latest.values, '1.8.0');
    if (!e) return null;
    const now = new Date();
    const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate());
    const q = 'obis=' + encodeURIComponent(e.obis) + '&from=' + midnight.toISOString() + '&to=' + now.toISOString() + '&step=1d&aggregate=';
    const [lo, hi] = await Promise.all([api('meters/' + encodeURIComponent(id) + '/series?' + q + 'min'), api('meters/' + encodeURIComponent(id) + '/series?' + q + 'max')]);
    if (!lo.points.length || !hi.points.length) return null;
    return hi.points[0][1] - lo.points[0][1];
  }

  function drawChart(series, from, to) {
    const svg = document.getElementById('chart');
    const W = 800, H = 260, pad = 6;
    let max = 0;
    for (const s of series) for (const p of s.points) if (p[1] !== null && p[1] > max) max = p[1];
    if (max <= 0) max = 1;
    const ns = 'http://www.w3.org/2000/svg';
    svg.replaceChildren();
    for (let g = 1; g < 4; g++) {
      const grid = document.createElementNS(ns, 'line');
      const y = H - pad - (H - 2 * pad) * g / 4;
      grid.setAttribute('x1', 0); grid.setAttribute('x2', W); grid.setAttribute('y1', y); grid.setAttribute('y2', y);
      grid.setAttribute('stroke', '#e6e9ed'); svg.append(grid);
    }
    const legend = document.getElementById('legend');
    legend.replaceChildren();
    series.forEach((s, i) => {
      const color = COLORS[i % COLORS.length];
      const pts = s.points.filter(p => p[1] !== null).map(p => {
        const x = (Date.parse(p[0]) - from) / (to - from) * W;
        const y = H - pad - (H - 2 * pad) * p[1] / max;
        return x.toFixed(1) + ',' + y.toFixed(1);
      });
      const line = document.createElementNS(ns, 'polyline');
      line.setAttribute('points', pts.join(' '));
      line.setAttribute('fill', 'none'); line.setAttribute('stroke', color);
      line.setAttribute('stroke-width', '2'); line.setAttribute('vector-effect', 'non-scaling-stroke');
      line.setAttribute('data-meter', s.meter); line.setAttribute('data-points', String(pts.length));
      svg.append(line);
      const item = el('span', {}, s.meter + ' (' + s.obis + ')');
      const box = el('i'); box.style.background = color; item.prepend(box);
      legend.append(item);
    });
    document.getElementById('chart-from').textContent = new Date(from).toLocaleTimeString();
    document.getElementById('chart-to').textContent = new Date(to).toLocaleTimeString();
    document.getElementById('chart-max').textContent = 'max ' + fmt(max, 'W');
  }

  async function refresh() {
    try {
      const [meters, health] = await Promise.all([api('meters'), api('health')]);
      const latest = await Promise.all(meters.meters.map(m => api('meters/' + encodeURIComponent(m.id) + '/latest')));
      const energy = await Promise.all(meters.meters.map((m, i) => dayEnergy(m.id, latest[i])));
      const box = document.getElementById('meters');
      box.replaceChildren(...meters.meters.map((m, i) => card(m, latest[i], energy[i], i)));
      const to = Date.now(), from = to - HOUR_MS;
      const range = '&from=' + new Date(from).toISOString() + '&to=' + new Date(to).toISOString() + '&step=10s&aggregate=avg';
      const series = await Promise.all(meters.meters.map(async (m, i) => {
        const p = pick(latest[i].values, ...kPowerCodes);
        if (!p) return { meter: m.id, obis: '–', points: [] };
        const s = await api('meters/' + encodeURIComponent(m.id) + '/series?obis=' + encodeURIComponent(p.obis) + range);
        return { meter: m.id, obis: p.obis, points: s.points };
      }));
      drawChart(series, from, to);
      const [st, up] = await Promise.all([api('storage'), api('uplink')]);
      dl('storage', st.available ? [['size', bytes(st.size_bytes) + (st.quota_bytes ? ' of ' + bytes(st.quota_bytes) : '')],
        ['chunks', String(st.chunks)], ['not uploaded', String(st.chunks_pending_upload)],
        ['oldest data', st.oldest || '–'], ['free disk', bytes(st.free_bytes)]] : [['state', 'no store']]);
      dl('uplink', up.enabled ? [['state', up.connected ? 'connected' : 'not connected'], ['backlog', up.backlog_chunks + ' chunks'],
        ['last acknowledgement', up.last_success || '–'], ['last error', up.last_error || 'none']] : [['state', 'not configured']]);
      document.getElementById('status').textContent = 'updated ' + new Date(health.time).toLocaleTimeString() + ' · meterd ' + health.version;
    } catch (err) {
      document.getElementById('status').textContent = 'error: ' + err.message;
      console.error('meterd page: ' + err.message);
    }
  }
  refresh();
  setInterval(refresh, REFRESH_MS);
})();

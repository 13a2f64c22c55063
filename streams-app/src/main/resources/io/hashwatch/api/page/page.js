// hashwatch's live page: reads the API (docs/api.md) and its live events, nothing else. No framework, no build step.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  let network = params.get('network');
  const LOCALE = 'en-US';
  const NBSP = '\u00a0';

  // ---- formatting: units on every figure, nulls shown as what they mean ----
  const usd0 = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
  const usd2 = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const int = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
  const ok = (v) => v !== null && v !== undefined && Number.isFinite(Number(v));
  const UNITS = [['EH/s', 1e18], ['PH/s', 1e15], ['TH/s', 1e12], ['GH/s', 1e9], ['MH/s', 1e6], ['kH/s', 1e3], ['H/s', 1]];
  function hashrate(hps) {
    if (!ok(hps)) return 'not enough blocks yet';
    const [unit, div] = UNITS.find(([, d]) => hps >= d) || UNITS[UNITS.length - 1];
    return sig3(hps / div) + NBSP + unit;
  }
  function hashrateIn(hps, unit, div) { return ok(hps) ? sig3(hps / div) + NBSP + unit : '–'; }
  function sig3(x) { return Number(x.toPrecision(3)).toLocaleString(LOCALE, { maximumSignificantDigits: 3 }); }
  function usd(v, digits) { return ok(v) ? (digits === 0 ? usd0 : usd2).format(v) : 'no price yet'; }
  function pct(ratio, digits = 1) {
    if (!ok(ratio)) return '–';
    return new Intl.NumberFormat(LOCALE, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits,
      signDisplay: 'exceptZero' }).format(ratio);
  }
  function share(ratio) {
    return ok(ratio) ? new Intl.NumberFormat(LOCALE, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(ratio) : '–';
  }
  function difficulty(d) {
    if (!ok(d)) return '–';
    const units = [['T', 1e12], ['G', 1e9], ['M', 1e6], ['k', 1e3]];
    const [u, div] = units.find(([, x]) => d >= x) || ['', 1];
    return sig3(d / div) + NBSP + u;
  }
  function btc(v) { return ok(v) ? Number(v).toLocaleString(LOCALE, { maximumSignificantDigits: 4 }) + NBSP + 'BTC' : '–'; }
  function iso(sec) { return new Date(sec * 1000).toISOString().replace('.000Z', 'Z').replace('T', ' '); }
  function ago(sec) {
    const s = Math.round(Date.now() / 1000 - sec);
    const future = s < 0;
    const a = Math.abs(s);
    let t;
    if (a < 60) t = a + ' s';
    else if (a < 3600) t = Math.round(a / 60) + ' min';
    else if (a < 172800) t = Math.round(a / 3600) + ' h';
    else if (a < 86400 * 730) t = Math.round(a / 86400) + ' days';
    else t = Math.round(a / (86400 * 365.25)) + ' years';
    return future ? 'in ' + t : t + ' ago';
  }
  /** A relative time with the absolute one on hover (and to screen readers through datetime). */
  function timeEl(sec) {
    const el = document.createElement('time');
    el.dateTime = new Date(sec * 1000).toISOString();
    el.title = iso(sec);
    el.dataset.sec = sec;
    el.textContent = ago(sec);
    return el;
  }
  function setTime(id, sec) { const dd = $(id); dd.replaceChildren(ok(sec) ? timeEl(sec) : '–'); }
  function text(id, t, value) {
    const el = $(id);
    el.textContent = t;
    if (value !== undefined) el.dataset.value = ok(value) ? value : '';
  }
  function td(content, cls) {
    const c = document.createElement('td');
    if (content instanceof Node) c.append(content); else c.textContent = content;
    if (cls) c.className = cls;
    return c;
  }
  function row(cells) { const r = document.createElement('tr'); r.append(...cells); return r; }
  function emptyRow(cols, message) { const c = td(message, 'muted'); c.colSpan = cols; return row([c]); }

  // ---- the API ----
  async function api(path) {
    const url = path + (path.includes('?') ? '&' : '?') + 'network=' + encodeURIComponent(network);
    const r = await fetch(url, { cache: 'no-store' });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) { const e = new Error(body.error || ('HTTP ' + r.status)); e.status = r.status; throw e; }
    return body;
  }

  // ---- charts: plain SVG, the latest value in words as the text alternative ----
  const SVG = 'http://www.w3.org/2000/svg';
  function svgEl(name, attrs) {
    const e = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    return e;
  }
  // Drawn at the box's own width (one SVG unit a CSS pixel), so the axis text keeps its size on a phone; the last
  // arguments of each chart are kept to draw it again when the width changes.
  const charts = new Map();
  /**
   * series: [{ points: [[x, y|null]], color, dash, label }], band: [[x, lo, hi]] or null; yFmt formats a y tick.
   */
  function lineChart(id, series, band, yFmt, xFmt, alt) {
    charts.set(id, [series, band, yFmt, xFmt, alt]);
    const box = $(id);
    const W = Math.max(280, Math.round(box.clientWidth) || 600), H = 190, L = 62, R = 8, T = 8, B = 24;
    const all = series.flatMap((s) => s.points.filter((p) => ok(p[1])));
    const lows = band ? band.filter((b) => ok(b[1])).map((b) => b[1]) : [];
    const highs = band ? band.filter((b) => ok(b[2])).map((b) => b[2]) : [];
    if (all.length < 2) { box.replaceChildren(); return false; }
    const xs = all.map((p) => p[0]);
    const ys = all.map((p) => p[1]).concat(lows, highs);
    let x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
    if (x1 === x0) x1 = x0 + 1;
    const pad = (y1 - y0) * 0.08 || Math.abs(y1) * 0.05 || 1;
    y0 -= pad; y1 += pad;
    const sx = (x) => L + (x - x0) / (x1 - x0) * (W - L - R);
    const sy = (y) => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);
    const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': alt });
    for (let i = 0; i <= 3; i++) {
      const y = y0 + (y1 - y0) * i / 3;
      svg.append(svgEl('line', { x1: L, x2: W - R, y1: sy(y), y2: sy(y), class: 'grid-line' }));
      const t = svgEl('text', { x: L - 4, y: sy(y) + 3, 'text-anchor': 'end', class: 'axis' });
      t.textContent = yFmt(y);
      svg.append(t);
    }
    [x0, x1].forEach((x, i) => {
      const t = svgEl('text', { x: sx(x), y: H - 6, 'text-anchor': i ? 'end' : 'start', class: 'axis' });
      t.textContent = xFmt(x);
      svg.append(t);
    });
    if (band) {
      const b = band.filter((p) => ok(p[1]) && ok(p[2]));
      if (b.length > 1) {
        const d = b.map((p, i) => (i ? 'L' : 'M') + sx(p[0]).toFixed(1) + ',' + sy(p[2]).toFixed(1)).join('')
          + b.slice().reverse().map((p) => 'L' + sx(p[0]).toFixed(1) + ',' + sy(p[1]).toFixed(1)).join('') + 'Z';
        svg.append(svgEl('path', { d, fill: '#c9d8ee', stroke: 'none' }));
      }
    }
    for (const s of series) {
      let d = '', pen = false;
      for (const p of s.points) {
        if (!ok(p[1])) { pen = false; continue; }
        d += (pen ? 'L' : 'M') + sx(p[0]).toFixed(1) + ',' + sy(p[1]).toFixed(1);
        pen = true;
      }
      const attrs = { d, fill: 'none', stroke: s.color, 'stroke-width': 1.8 };
      if (s.dash) attrs['stroke-dasharray'] = '5 3';
      svg.append(svgEl('path', attrs));
    }
    box.replaceChildren(svg);
    return true;
  }
  let resized = null;
  window.addEventListener('resize', () => {
    clearTimeout(resized);
    resized = setTimeout(() => charts.forEach((args, id) => lineChart(id, ...args)), 100);
  });
  /** At most n points, evenly picked, the last one always kept. */
  function thin(list, n) {
    if (list.length <= n) return list;
    const step = list.length / n;
    const out = [];
    for (let i = 0; i < n - 1; i++) out.push(list[Math.floor(i * step)]);
    out.push(list[list.length - 1]);
    return out;
  }

  // ---- sections ----
  let heldFrom = null; // the lowest height the API holds: from the status, else learnt from a 400
  let hrSeries = null; // the last tip's series: a refresh between blocks (a price update) reads it again for nothing
  /** The hashrate records over the whole history held, about 300 of them, the tip's last. */
  async function hashrateSeries(tip) {
    const key = network + ':' + tip.hash;
    if (hrSeries && hrSeries.key === key) return hrSeries.records;
    const read = async (from) => {
      const every = Math.max(1, Math.ceil((tip.height - from + 1) / 300));
      return (await api(`/api/v1/hashwatch/hashrate?from=${from}&to=${tip.height}&every=${every}`)).hashrate;
    };
    let records;
    try {
      records = await read(heldFrom !== null ? heldFrom : Math.max(0, tip.height - 2015));
    } catch (e) {
      const m = /starts at height (\d+)/.exec(e.message);
      if (!(e.status === 400 && m && Number(m[1]) <= tip.height)) throw e;
      heldFrom = Number(m[1]);
      records = await read(heldFrom);
    }
    hrSeries = { key, records };
    return records;
  }

  function renderHeader(status, tip, poolRecord) {
    text('tip-height', ok(tip.height) ? int.format(tip.height) : 'no block yet', tip.height);
    $('tip-height').title = tip.hash || '';
    setTime('tip-age', tip.time);
    const pool = poolRecord && poolRecord.height === tip.height ? (poolRecord.pool_name || 'Unknown') : '–';
    text('tip-pool', pool);
    const list = $('sources');
    list.replaceChildren();
    const warnings = [];
    for (const s of status.sources || []) {
      const li = document.createElement('li');
      const name = s.source || s.name || Object.entries(s).filter(([k]) => typeof s[k] === 'string').map(([, v]) => v).join(' ');
      const known = typeof s.up === 'boolean';
      li.className = known ? (s.up ? 'up' : 'down') : '';
      const age = ok(s.last_message_age_seconds) ? ', last message ' + ago(Date.now() / 1000 - s.last_message_age_seconds) : ', no message yet';
      li.textContent = `${name} ${known ? (s.up ? 'up' : 'down') : ''}${age}`;
      list.append(li);
      if (s.up === false) warnings.push(`source ${name} is down`);
      if (ok(s.backfill_remaining_blocks) && s.backfill_remaining_blocks > 0) {
        warnings.push(`history still loading: ${int.format(s.backfill_remaining_blocks)} blocks left (${name})`);
      }
    }
    const banner = $('banner');
    banner.textContent = warnings.length ? warnings.join('; ') + '. Figures may be incomplete.' : '';
    banner.hidden = warnings.length === 0;
  }

  function renderHashrate(records) {
    const last = records[records.length - 1];
    text('hr-7d', hashrate(last.hashrate_7d_hps), last.hashrate_7d_hps);
    text('hr-7d-band', ok(last.hashrate_7d_lower_hps) ? hashrate(last.hashrate_7d_lower_hps) + ' – ' + hashrate(last.hashrate_7d_upper_hps) : '–');
    text('hr-3d', hashrate(last.hashrate_3d_hps), last.hashrate_3d_hps);
    text('hr-1d', hashrate(last.hashrate_1d_hps), last.hashrate_1d_hps);
    // Full 7-day windows only: the first week held has wide bands over few blocks, which would set the scale.
    const full = records.filter((r) => r.window_7d_full);
    const pts = thin(full.length >= 2 ? full : records, 300);
    const top = Math.max(...pts.map((r) => r.hashrate_7d_upper_hps || r.hashrate_7d_hps || 0));
    const [unit, div] = UNITS.find(([, d]) => top >= d) || UNITS[UNITS.length - 1];
    const alt = `7-day hashrate over the history held, full 7-day windows from height ${int.format(pts[0].height)} to ${int.format(last.height)}: latest ${hashrate(last.hashrate_7d_hps)}`
      + (ok(last.hashrate_7d_lower_hps) ? `, 95% band ${hashrate(last.hashrate_7d_lower_hps)} to ${hashrate(last.hashrate_7d_upper_hps)}` : '');
    const drawn = lineChart('hr-chart', [{ points: pts.map((r) => [r.time, r.hashrate_7d_hps]), color: '#1f4e8c' }],
      pts.map((r) => [r.time, r.hashrate_7d_lower_hps, r.hashrate_7d_upper_hps]),
      (y) => hashrateIn(y, unit, div), (x) => iso(x).slice(0, 10), alt);
    $('hr-caption').textContent = drawn ? alt + '. Shaded: the 95% band.' : '7-day hashrate: not enough blocks held for a chart yet.';
  }

  function renderDifficulty(d, block, adjustments) {
    text('diff-now', difficulty(block.difficulty), block.difficulty);
    text('diff-progress', `${share(d.progress)} (${int.format(d.blocks_in_epoch)} of 2,016 blocks, ${int.format(d.blocks_remaining)} left)`, d.progress);
    $('diff-bar').value = ok(d.progress) ? d.progress * 100 : 0;
    text('diff-change', ok(d.projected_change) ? pct(d.projected_change, 2) : 'not known: the epoch began before the history held', d.projected_change);
    const dd = $('diff-date');
    dd.replaceChildren(`block ${int.format(d.next_retarget_height)}, `);
    if (ok(d.projected_retarget_time)) {
      // From the tip's time, which is what the projection is made at (a replay's tip is not now).
      const days = (d.projected_retarget_time - d.time) / 86400;
      dd.append(`about ${days.toFixed(1)} days after the tip (`, timeEl(d.projected_retarget_time), ')');
    } else {
      dd.append('date not known yet');
    }
    // The forecast's band, once the difficulty record carries it.
    const hasForecast = ok(d.forecast_change_p05) && ok(d.forecast_change_p95);
    $('diff-forecast-row').hidden = !hasForecast;
    if (hasForecast) {
      let t = `${pct(d.forecast_change_p05, 1)} to ${pct(d.forecast_change_p95, 1)}`;
      if (ok(d.forecast_change_p50)) t += `, median ${pct(d.forecast_change_p50, 1)}`;
      if (ok(d.forecast_probability_decrease)) t += `; chance of a decrease ${share(d.forecast_probability_decrease)}`;
      text('diff-forecast', t);
    }
    const body = $('adjustments');
    body.replaceChildren();
    for (const [time, height, diff, adj] of adjustments.slice(0, 10)) {
      const change = adj - 1;
      body.append(row([td(int.format(height)), td(timeEl(time)), td(difficulty(diff), 'num'),
        td(pct(change, 2), 'num ' + (change < 0 ? 'neg' : 'pos'))]));
    }
    if (!adjustments.length) body.append(emptyRow(4, 'no adjustment in the history held yet'));
  }

  /**
   * Hashprice over the history held: each day's mean (miner-days), in USD and in BTC, with fees and subsidy only (the
   * mean less the day's fee share).
   */
  function hashpriceByDay(days) {
    const x = (d) => Date.parse(d.day + 'T00:00:00Z') / 1000;
    const t = (d) => d.totals || {};
    const subsidyOnly = (d, v) => (ok(v) && ok(t(d).fee_share) ? v * (1 - t(d).fee_share) : null);
    for (const [id, field, fmt, axis, unit] of [
      ['hp-chart', 'mean_hashprice_usd_per_ph_day', (v) => usd(v, 2), (y) => usd(y, 0), 'USD'],
      ['hp-btc-chart', 'mean_hashprice_btc_per_ph_day', btc, (y) => Number(y.toPrecision(3)) + NBSP + 'BTC', 'BTC']]) {
      const withValue = days.filter((d) => ok(t(d)[field]));
      const caption = $(id.replace('chart', 'caption'));
      if (!withValue.length) {
        $(id).replaceChildren();
        caption.textContent = unit === 'USD' ? 'Hashprice in USD by day: no price yet.' : 'Hashprice in BTC by day: no day held yet.';
        continue;
      }
      const latest = withValue[withValue.length - 1];
      const bare = subsidyOnly(latest, t(latest)[field]);
      const alt = `Hashprice in ${unit} per PH/s per day, each day's mean over the history held, ${days[0].day} to ${days[days.length - 1].day}: `
        + `latest (${latest.day}) ${fmt(t(latest)[field])} with fees, ${ok(bare) ? fmt(bare) + ' subsidy only' : 'subsidy only not known (the day\'s fees are not)'}`;
      const drawn = lineChart(id, [
        { points: days.map((d) => [x(d), t(d)[field]]), color: '#1f4e8c' },
        { points: days.map((d) => [x(d), subsidyOnly(d, t(d)[field])]), color: '#8a4b00', dash: true }], null,
      axis, (v) => iso(v).slice(0, 10), alt);
      caption.textContent = drawn ? alt + '. Solid: with fees; dashed: subsidy only.' : alt + ' (one day: no chart yet).';
    }
  }

  function renderEconomics(e, days) {
    const hp = e.hashprice, econ = e.economics, ref = e.reference_price;
    hashpriceByDay(days);
    if (!hp || !econ) {
      text('hp-usd', 'no hashprice yet'); text('hp-btc', '–'); text('hp-nofees', '–'); text('price', 'no price yet');
      $('profiles').replaceChildren(emptyRow(7, 'no economics yet'));
      return;
    }
    const noFees = (r, v) => (r.fees_included && ok(r.fees_sat_avg_144) && ok(v)
      ? v * r.subsidy_sat / (r.subsidy_sat + r.fees_sat_avg_144) : v);
    text('hp-usd', ok(hp.hashprice_usd_per_ph_day) ? usd(hp.hashprice_usd_per_ph_day, 2) + ' per PH/s per day' : 'no price yet', hp.hashprice_usd_per_ph_day);
    text('hp-btc', btc(hp.hashprice_btc_per_ph_day) + ' per PH/s per day', hp.hashprice_btc_per_ph_day);
    text('hp-nofees', hp.fees_included
      ? (ok(hp.hashprice_usd_per_ph_day) ? usd(noFees(hp, hp.hashprice_usd_per_ph_day), 2) + ', ' : '') + btc(noFees(hp, hp.hashprice_btc_per_ph_day)) + ' (subsidy only)'
      : 'fees not known: the figures above are subsidy only');
    if (ok(hp.price_usd)) {
      text('price', usd(hp.price_usd, 0), hp.price_usd);
      $('price').append(' (', timeEl(hp.price_time_ms / 1000), ')');
    } else {
      text('price', 'no price yet');
    }
    $('price-exchanges').textContent = ref && ok(ref.price)
      ? `Latest reference price ${usd(ref.price, 2)} for the minute of ${iso(ref.minute_start_ms / 1000)}, the median of ${(ref.exchanges || []).join(', ') || 'no exchange'}`
        + ((ref.excluded_outliers || []).length ? `; left out as outliers: ${ref.excluded_outliers.join(', ')}` : '')
        + ((ref.excluded_stale || []).length ? `; stale: ${ref.excluded_stale.join(', ')}` : '') + '.'
      : 'No reference price from any exchange yet.';


    const body = $('profiles');
    body.replaceChildren();
    const halving = econ.next_halving;
    for (const [name, p] of Object.entries(econ.profiles || {})) {
      const after = halving && halving.margin_usd_per_ph_day ? halving.margin_usd_per_ph_day[name] : null;
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = name;
      const set = ((e.settings || {}).profiles || {})[name];
      if (set) th.title = `${set.efficiency_joules_per_th} J/TH at ${usd2.format(set.power_price_usd_per_kwh)} per kWh`;
      const gap = td(ok(hp.price_usd) ? pct(p.gap, 1) : 'no price yet', 'num ' + (p.gap < 0 ? 'neg' : 'pos'));
      gap.dataset.value = ok(p.gap) ? p.gap : '';
      body.append(row([th, td(usd(p.all_in_cost_per_btc_usd, 0), 'num'), gap,
        td(ok(p.breakeven_power_price_usd_per_kwh) ? usd(p.breakeven_power_price_usd_per_kwh, 2) + ' per kWh' : 'no price yet', 'num'),
        td(ok(after) ? usd(after, 2) + ' per PH/s per day' : (ok(hp.price_usd) ? '–' : 'no price yet'), 'num ' + (after < 0 ? 'neg' : '')),
        td(ok(p.mining_revenue_usd_per_mw_day) ? usd(p.mining_revenue_usd_per_mw_day, 0) + ' per MW per day' : 'no price yet', 'num'),
        td(e.settings ? usd(e.settings.hosting_revenue_usd_per_mw_day, 0) + ' per MW per day' : '–', 'num')]));
    }
    if (!Object.keys(econ.profiles || {}).length) body.append(emptyRow(7, 'no cost profile configured'));
    const h = $('halving');
    h.replaceChildren();
    if (halving) {
      h.append(`Next halving in ${int.format(halving.blocks_left)} blocks`);
      if (ok(halving.estimated_time)) {
        h.append(` (about ${int.format((halving.estimated_time - econ.time) / 86400)} days after the tip, `,
          timeEl(halving.estimated_time), ')');
      }
      h.append(`: hashprice then ${ok(halving.hashprice_usd_per_ph_day) ? usd(halving.hashprice_usd_per_ph_day, 2) + ' per PH/s per day' : btc(halving.hashprice_btc_per_ph_day) + ' per PH/s per day'} if difficulty and fees stayed.`);
    }
  }

  function renderPools(record) {
    const w = record && (record.windows || []).find((x) => x.window_blocks === 1008);
    const body = $('pool-rows');
    body.replaceChildren();
    if (!w) {
      ['pool-top', 'pool-hhi', 'pool-nakamoto', 'pool-unknown'].forEach((id) => text(id, '–'));
      body.append(emptyRow(4, 'no pool attribution yet'));
      return;
    }
    const top = (w.pools || []).find((p) => p.slug === w.top_pool_slug);
    text('pool-top', ok(w.top_share) ? `${share(w.top_share)} (${top ? top.name : w.top_pool_slug})` : '–', w.top_share);
    text('pool-hhi', ok(w.hhi) ? w.hhi.toFixed(3) : '–', w.hhi);
    text('pool-nakamoto', ok(w.nakamoto_coefficient) ? `${w.nakamoto_coefficient} pools` : 'none: the identified pools hold half or less', w.nakamoto_coefficient);
    text('pool-unknown', ok(w.unknown_share) ? `${share(w.unknown_share)} (${int.format(w.unknown_blocks)} blocks)` : '–', w.unknown_share);
    $('pool-caption').textContent = `Shares of the last ${int.format(w.blocks)} blocks (${int.format(w.with_coinbase)} with a coinbase)`
      + (w.full ? '' : ': fewer than a week held');
    const pools = (w.pools || []).filter((p) => p.blocks > 0);
    const max = Math.max(...pools.map((p) => p.share), 0.0001);
    for (const p of pools.slice(0, 15)) {
      const bar = document.createElement('div');
      bar.className = 'bar';
      bar.style.width = (p.share / max * 100).toFixed(1) + '%';
      const cell = td(bar);
      cell.prepend(share(p.share) + ' ');
      cell.setAttribute('aria-label', share(p.share));
      body.append(row([td(p.name), td(int.format(p.blocks), 'num'), cell,
        td(ok(p.luck) ? p.luck.toFixed(2) + '×' : '–', 'num')]));
    }
    if (pools.length > 15) body.append(emptyRow(4, `and ${pools.length - 15} more pools`));
    const dry = $('drought-rows');
    dry.replaceChildren();
    const droughts = (record && record.droughts) || [];
    if (droughts.length === 0) dry.append(emptyRow(4, 'no pool with 2% or more of the last 1,008 blocks'));
    for (const d of droughts) {
      const named = (w.pools || []).find((p) => p.slug === d.slug);
      const odds = d.probability < 0.001 ? d.probability.toExponential(1) : share(d.probability);
      dry.append(row([td(named ? named.name : d.slug), td(int.format(d.blocks_since_last), 'num'),
        td(share(d.share), 'num'), td(odds, 'num')]));
    }
  }

  function renderStress(days) {
    const withRibbon = days.filter((d) => d.indicators && typeof d.indicators.capitulation === 'boolean');
    if (!withRibbon.length) {
      text('ribbon', `not enough history yet (needs 60 days; ${int.format(days.length)} held)`);
      text('ribbon-days', '–');
    } else {
      const last = withRibbon[withRibbon.length - 1];
      const state = last.indicators.capitulation;
      text('ribbon', state ? 'capitulation: 30-day hashrate below 60-day' : 'recovered: 30-day hashrate above 60-day');
      $('ribbon').className = state ? 'neg' : 'pos';
      let i = withRibbon.length - 1;
      while (i > 0 && withRibbon[i - 1].indicators.capitulation === state) i--;
      const n = withRibbon.length - 1 - i;
      text('ribbon-days', i === 0 ? `more than ${int.format(n)} days (no change in the days held)` : `${int.format(n)} days (since ${withRibbon[i].day})`);
    }
    const puell = days.filter((d) => d.indicators && ok(d.indicators.puell_multiple));
    text('puell', puell.length ? puell[puell.length - 1].indicators.puell_multiple.toFixed(2) + ' (issuance / its 365-day mean)'
      : 'not enough priced history yet (needs 365 days)');
    const body = $('signals');
    body.replaceChildren();
    const signals = [];
    for (let i = days.length - 1; i >= 0 && signals.length < 10; i--) {
      for (const s of days[i].signals || []) signals.push([days[i].day, s]);
    }
    for (const [day, s] of signals.slice(0, 10)) body.append(row([td(day), td(s.replace(/_/g, ' '))]));
    if (!signals.length) body.append(emptyRow(2, 'no signal in the days held'));
  }

  function renderAlerts(alerts) {
    const body = $('alert-rows');
    body.replaceChildren();
    for (const a of alerts) {
      const since = Date.parse(a.status === 'resolved' && a.ends_at ? a.ends_at : a.starts_at) / 1000;
      body.append(row([td(a.status, a.status === 'firing' ? 'firing' : 'resolved'), td(a.alertname), td(a.severity || '–'),
        td((a.annotations && a.annotations.summary) || ''), td(ok(since) ? timeEl(since) : '–')]));
    }
    if (!alerts.length) body.append(emptyRow(5, 'no alert received'));
  }

  function sectionError(id, e) {
    const s = $(id);
    s.hidden = false;
    let p = s.querySelector('.section-error');
    if (!p) { p = document.createElement('p'); p.className = 'section-error neg'; s.querySelector('h2').after(p); }
    p.textContent = 'Not available: ' + e.message;
  }
  function sectionOk(id) {
    const s = $(id);
    s.hidden = false;
    const p = s.querySelector('.section-error');
    if (p) p.remove();
  }

  async function section(id, load, render) {
    // Shown before it is drawn: a hidden section's charts would read a width of 0.
    try { const data = await load(); sectionOk(id); render(data); } catch (e) { sectionError(id, e); }
  }

  async function refresh() {
    const status = await fetch('/api/v1/hashwatch/status', { cache: 'no-store' }).then((r) => {
      if (!r.ok) throw new Error('status HTTP ' + r.status);
      return r.json();
    });
    const watched = Object.entries(status.networks || {}).filter(([, v]) => v.tip).map(([k]) => k);
    if (!network || !watched.includes(network)) network = watched.includes('mainnet') ? 'mainnet' : watched[0] || network;
    const nav = $('networks');
    nav.replaceChildren();
    if (watched.length > 1) {
      for (const n of watched) {
        const a = document.createElement('a');
        a.href = '?network=' + n;
        a.textContent = n;
        if (n === network) a.setAttribute('aria-current', 'page');
        nav.append(a);
      }
    } else if (watched.length === 1) nav.textContent = watched[0];
    if (!watched.length) {
      $('loading').textContent = 'No network has a block yet: waiting for the first headers.';
      $('loading').hidden = false;
      renderHeader(status, { height: null, time: null }, null);
      return;
    }
    const tip = status.networks[network].tip;
    if (ok(status.networks[network].first_height)) heldFrom = status.networks[network].first_height;
    $('loading').hidden = true;
    let poolRecord = null;
    // The days held (400 at most, as the history): the miner-stress section's and the hashprice charts'.
    const daysFrom = new Date((tip.time - 400 * 86400) * 1000).toISOString().slice(0, 10);
    const days = api('/api/v1/hashwatch/miner-days?from=' + daysFrom);
    days.catch(() => {}); // each section that reads it shows its failure
    const tasks = [
      section('network', async () => [await hashrateSeries(tip), await api('/api/v1/hashwatch/difficulty'),
        await api('/api/v1/mining/difficulty-adjustments/all')], ([hr, d, adj]) => { renderHashrate(hr); renderDifficulty(d.difficulty, d.block, adj); }),
      section('economics', async () => [await api('/api/v1/hashwatch/economics'), (await days).miner_days],
        ([e, m]) => renderEconomics(e, m)),
      section('pools', () => api('/api/v1/hashwatch/pool-shares'), (p) => { poolRecord = p.tip; renderPools(p.pools); }),
      section('stress', () => days, (m) => renderStress(m.miner_days)),
      section('alerts', () => api('/api/v1/hashwatch/alerts'), (a) => renderAlerts(a.alerts)),
    ];
    await Promise.all(tasks);
    lastPool = poolRecord;
    renderHeader(status, tip, poolRecord);
    document.body.dataset.network = network;
    document.body.dataset.height = tip.height;
  }

  // Sources change without an event: the header reads the status again every few seconds.
  let lastPool = null;
  async function refreshHeader() {
    if (running || !network) return;
    try {
      const status = await fetch('/api/v1/hashwatch/status', { cache: 'no-store' }).then((r) => (r.ok ? r.json() : null));
      const net = status && status.networks && status.networks[network];
      if (net && net.tip && !running) renderHeader(status, net.tip, lastPool);
    } catch (e) { /* the event stream's state says it */ }
  }

  // ---- live: refresh from the API on events, at most one refresh at a time ----
  let running = false, again = false, timer = null;
  function schedule(delay = 250) {
    if (timer) return;
    timer = setTimeout(async () => {
      timer = null;
      if (running) { again = true; return; }
      running = true;
      try { await refresh(); } catch (e) { $('loading').hidden = false; $('loading').textContent = 'The API does not answer: ' + e.message; }
      running = false;
      if (again) { again = false; schedule(); }
    }, delay);
  }

  function connState(live, message) {
    const c = $('conn');
    c.textContent = message;
    c.className = 'conn ' + (live ? 'live' : 'down');
    document.body.dataset.connection = live ? 'live' : 'disconnected';
  }

  let source = null;
  function connect() {
    source = new EventSource('/api/v1/events');
    source.onopen = () => { connState(true, 'live'); schedule(0); };
    source.onerror = () => {
      connState(false, 'disconnected: reconnecting…');
      // A refused or failed answer closes an EventSource for good: open a new one.
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 3000);
    };
    const onEvent = (ev) => {
      try {
        const d = JSON.parse(ev.data);
        if (d.network && d.network !== network) return;
      } catch (e) { /* a removal or another shape: refresh anyway */ }
      schedule();
    };
    ['block', 'difficulty-adjustment', 'hashprice', 'pools', 'signal', 'alert', 'pool-windows']
      .forEach((t) => source.addEventListener(t, onEvent));
    source.addEventListener('reset', () => schedule(0));
  }

  // Relative times age while nothing arrives.
  setInterval(() => document.querySelectorAll('time[data-sec]').forEach((t) => { t.textContent = ago(Number(t.dataset.sec)); }), 15000);
  setInterval(refreshHeader, 5000);
  connState(false, 'connecting…');
  schedule(0);
  connect();
})();

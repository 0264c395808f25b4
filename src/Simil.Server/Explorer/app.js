// Simil explorer: one page over simil serve's own API (no other origin is contacted).
'use strict';

const $ = (selector) => document.querySelector(selector);
const state = { collection: null, charts: {} };
const palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];
const measures = ['dot', 'cosine', 'l2sq'];
const meaning = {
  dot: 'Σ aᵢbᵢ: direction and length together; longer vectors score higher.',
  cosine: 'The angle only: 1 same direction, 0 unrelated, −1 opposite; lengths do not count.',
  l2sq: 'Squared straight-line distance: 0 for identical vectors; counts differences in length.',
  l2: 'Straight-line distance (the square root of l2sq).',
  l1: 'Sum of absolute differences, coordinate by coordinate.',
  'cosine-distance': '1 − cosine: 0 same direction, 2 opposite.',
  'neg-dot': '−dot: the dot product turned into a distance (lower is closer), as some indexes want it.',
};

function showError(message) {
  const e = $('#error');
  e.textContent = message || '';
  e.hidden = !message;
}

async function api(path, body) {
  const response = await fetch(path, body === undefined
    ? { headers: { accept: 'application/json' } }
    : { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(data?.detail ?? `${response.status} ${response.statusText}`);
  return data;
}

function run(task) {
  showError('');
  document.body.classList.add('busy');
  return task().catch((e) => showError(e.message)).finally(() => document.body.classList.remove('busy'));
}

const format = (x, digits = 4) => (x === null || x === undefined ? '—' : Number(x).toPrecision(digits));
const name = () => encodeURIComponent(state.collection);

function showView() {
  const view = (location.hash || '#rankings').slice(1);
  document.querySelectorAll('.view').forEach((v) => v.classList.toggle('active', v.id === view));
  document.querySelectorAll('nav a').forEach((a) => a.classList.toggle('active', a.dataset.view === view));
}

async function loadCollections() {
  const [version, list] = await Promise.all([api('/'), api('/api/collections')]);
  $('#version').textContent = version.simil_version;
  const select = $('#collection');
  select.replaceChildren(...list.collections.map((c) => new Option(c.name, c.name)));
  const wanted = new URLSearchParams(location.search).get('collection');
  if (wanted && list.collections.some((c) => c.name === wanted)) select.value = wanted;
  await chooseCollection(list.collections);
}

async function chooseCollection(list) {
  state.collection = $('#collection').value;
  const info = (list ?? (await api('/api/collections')).collections).find((c) => c.name === state.collection);
  if (!info) return;
  $('#collection-info').textContent = `${info.live.toLocaleString('en')} rows × ${info.dimensions} · ${info.metric}${info.model ? ' · ' + info.model : ''}`;
  const sample = await api(`/api/collections/${name()}/map`, { limit: Math.max(2, Math.min(200, info.live)) }).catch(() => null);
  for (const id of ['#colour-field', '#advice-label']) {
    $(id).replaceChildren(new Option(id === '#colour-field' ? '(nothing)' : '(none)', ''), ...(sample?.fields ?? []).map((f) => new Option(f, f)));
  }
}

function rankItem(row, measure) {
  const li = document.createElement('li');
  li.dataset.id = row.key;
  li.dataset.score = row.scores[measure];
  li.className = row.moves ? 'moves' : '';
  const others = measures.filter((m) => m !== measure).map((m) => `${m} ${row[m] || '—'}`).join(' · ');
  li.innerHTML = '<span class="score"></span><span class="key"></span><span class="length"></span><span class="move"></span><span class="text"></span>';
  li.querySelector('.score').textContent = format(row.scores[measure], 6);
  li.querySelector('.key').textContent = row.key;
  li.querySelector('.length').textContent = `‖v‖ ${format(row.length, 3)}`;
  li.querySelector('.move').textContent = row.moves ? `⇄ ${others}` : '';
  li.querySelector('.text').textContent = row.text ?? '';
  li.title = row.text ?? row.key;
  li.addEventListener('mouseenter', () => document.querySelectorAll(`.list li`).forEach((x) => x.classList.toggle('highlight', x.dataset.id === row.key)));
  return li;
}

async function rank(event) {
  event?.preventDefault();
  const query = $('#query').value.trim();
  if (!query) return;
  const k = Number($('#k').value);
  const result = await api(`/api/collections/${name()}/explain`, { query, k });
  for (const m of measures) {
    const rows = result.rows.filter((r) => r[m] > 0).sort((a, b) => a[m] - b[m]);
    $(`#list-${m} ol`).replaceChildren(...rows.map((r) => rankItem(r, m)));
  }
  $('#query-info').textContent = `Query length ‖q‖ = ${format(result.query_length, 4)} · ${result.rows.filter((r) => r.moves).length} of ${result.rows.length} rows move between the lists.`;
  $('#notes').replaceChildren(...result.notes.map((n) => Object.assign(document.createElement('li'), { textContent: n })));
  document.body.dataset.ranked = 'yes';
}

function groups(points, field) {
  if (!field) return [['rows', points]];
  const byValue = new Map();
  for (const p of points) {
    const key = p.value === undefined || p.value === null ? '(none)' : typeof p.value === 'string' ? p.value : JSON.stringify(p.value);
    if (!byValue.has(key)) byValue.set(key, []);
    byValue.get(key).push(p);
  }
  const sorted = [...byValue.entries()].sort((a, b) => b[1].length - a[1].length);
  const top = sorted.slice(0, palette.length - 1);
  const rest = sorted.slice(palette.length - 1).flatMap(([, ps]) => ps);
  return rest.length ? [...top, ['(other values)', rest]] : top;
}

async function draw(event) {
  event?.preventDefault();
  const projection = document.querySelector('input[name=projection]:checked').value;
  const field = $('#colour-field').value || null;
  const query = $('#map-query').value.trim() || null;
  const limit = Number($('#map-limit').value);
  const map = await api(`/api/collections/${name()}/map`, { limit, field, query, k: 10, vectors: projection === 'umap' });
  let xy = map.points.map((p) => [p.x, p.y]);
  let queryXY = map.query ? [map.query.x, map.query.y] : null;
  let method = `PCA by Simil: the two axes explain ${(100 * map.explained[0]).toFixed(1)} % and ${(100 * map.explained[1]).toFixed(1)} % of the variance`;
  if (projection === 'umap') {
    let seed = 42;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const umap = new UMAP.UMAP({ nComponents: 2, nNeighbors: Math.min(15, map.points.length - 1), minDist: 0.1, random });
    xy = umap.fit(map.points.map((p) => p.vector));
    // UMAP has no exact place for a point it was not fitted on: the query is drawn at the centre of its neighbours.
    const near = xy.filter((_, i) => map.points[i].neighbour);
    queryXY = map.query && near.length ? [near.reduce((a, p) => a + p[0], 0) / near.length, near.reduce((a, p) => a + p[1], 0) / near.length] : null;
    method = `UMAP in this page (umap-js, 15 neighbours, seed 42)${queryXY ? '; the query is drawn at the centre of its neighbours' : ''}`;
  }
  map.points.forEach((p, i) => { p.px = xy[i][0]; p.py = xy[i][1]; });
  const datasets = groups(map.points, field).map(([label, ps], i) => ({
    label, data: ps.map((p) => ({ x: p.px, y: p.py, point: p })), backgroundColor: palette[i % palette.length] + 'b0', pointRadius: 3, pointHoverRadius: 6,
  }));
  const neighbours = map.points.filter((p) => p.neighbour);
  if (neighbours.length) datasets.push({ label: 'the query\'s neighbours', data: neighbours.map((p) => ({ x: p.px, y: p.py, point: p })), pointRadius: 8, borderColor: '#111', borderWidth: 2, backgroundColor: 'rgba(0,0,0,0)' });
  if (queryXY) datasets.push({ label: 'the query', data: [{ x: queryXY[0], y: queryXY[1], point: map.query }], pointStyle: 'star', pointRadius: 14, borderColor: '#dc2626', borderWidth: 3 });
  state.charts.map?.destroy();
  state.charts.map = new Chart($('#map-canvas'), {
    type: 'scatter',
    data: { datasets },
    options: {
      animation: false, maintainAspectRatio: false,
      plugins: {
        legend: { position: 'right' },
        tooltip: { callbacks: { label: (c) => { const p = c.raw.point; return `${p.id}${p.text ? ': ' + p.text : ''}${p.value !== undefined && p.value !== null ? ' · ' + JSON.stringify(p.value) : ''} · ‖v‖ ${format(p.length, 3)}`; } } },
      },
      scales: { x: { title: { display: true, text: projection === 'umap' ? 'UMAP 1' : 'PC 1' } }, y: { title: { display: true, text: projection === 'umap' ? 'UMAP 2' : 'PC 2' } } },
    },
  });
  $('#map-info').textContent = `${map.points.length.toLocaleString('en')} of ${map.live.toLocaleString('en')} rows (a fixed sample${neighbours.length ? ' plus the query\'s ' + neighbours.length + ' nearest by ' + map.metric : ''}) · ${method}.`;
  document.body.dataset.mapped = projection;
}

function input(text) {
  const t = text.trim();
  if (t.startsWith('[')) return JSON.parse(t);
  return t;
}

async function compare(event) {
  event?.preventDefault();
  const result = await api('/api/compare', { a: input($('#compare-a').value), b: input($('#compare-b').value) });
  $('#compare-table tbody').replaceChildren(...Object.entries(result.measures).map(([m, v]) => {
    const tr = document.createElement('tr');
    tr.dataset.measure = m;
    tr.innerHTML = '<td></td><td class="number"></td><td></td>';
    tr.cells[0].textContent = m;
    tr.cells[1].textContent = format(v, 7);
    tr.cells[2].textContent = meaning[m] ?? '';
    return tr;
  }));
  $('#compare-lengths').textContent = `${result.dimensions} dimensions${result.model ? ' · ' + result.model : ''} · ‖a‖ = ${format(result.length_a, 5)}, ‖b‖ = ${format(result.length_b, 5)}`;
  $('#compare-notes').replaceChildren(...result.notes.map((n) => Object.assign(document.createElement('li'), { textContent: n })));
}

async function advise(event) {
  event?.preventDefault();
  const label = $('#advice-label').value || null;
  const result = await api(`/api/collections/${name()}/advise`, { sample: Number($('#advice-sample').value), label_field: label });
  const a = result.advice;
  $('#advice-verdict').textContent = `Use ${a.compute_as_dot ? 'cosine, computed as the dot product' : a.recommended} (confidence: ${a.confidence})`;
  $('#advice-reasons').replaceChildren(...a.reasons.map((r) => Object.assign(document.createElement('li'), { textContent: r })));
  const figures = [
    ['rows measured', `${a.sample.toLocaleString('en')} of ${a.rows.toLocaleString('en')} (seed ${a.seed})`],
    ['length min / median / max', `${format(a.norms.min)} / ${format(a.norms.median)} / ${format(a.norms.max)}`],
    ['length coefficient of variation', format(a.norms.cv, 3)],
    ['unit length', a.norms.unit ? 'yes' : 'no'],
    ...a.agreement.map((g) => [`${g.a} vs ${g.b}: top-10 overlap, Kendall τ`, `${(100 * g.overlap).toFixed(0)} %, ${format(g.kendall_tau, 2)}`]),
    ['length vs. being a neighbour: r under dot / cosine', `${format(a.hubs.dot, 2)} / ${format(a.hubs.cosine, 2)}`],
    ...Object.entries(a.knn_accuracy ?? {}).map(([m, v]) => [`10-NN accuracy under ${m}`, `${(100 * v).toFixed(1)} %`]),
  ];
  $('#advice-figures tbody').replaceChildren(...figures.map(([k, v]) => {
    const tr = document.createElement('tr');
    tr.innerHTML = '<td></td><td class="number"></td>';
    tr.cells[0].textContent = k;
    tr.cells[1].textContent = v;
    return tr;
  }));
  const bins = result.lengths.counts.length, width = (result.lengths.max - result.lengths.min) / bins;
  state.charts.lengths?.destroy();
  state.charts.lengths = new Chart($('#advice-lengths'), {
    type: 'bar',
    data: { labels: result.lengths.counts.map((_, i) => format(result.lengths.min + (i + 0.5) * width, 3)), datasets: [{ label: 'rows by length ‖v‖', data: result.lengths.counts, backgroundColor: '#2563eb' }] },
    options: { animation: false, maintainAspectRatio: false, plugins: { title: { display: true, text: 'Vector lengths' } } },
  });
  state.charts.agreement?.destroy();
  state.charts.agreement = new Chart($('#advice-agreement'), {
    type: 'bar',
    data: {
      labels: a.agreement.map((g) => `${g.a} vs ${g.b}`),
      datasets: [{ label: 'top-10 overlap', data: a.agreement.map((g) => g.overlap), backgroundColor: '#16a34a' }, { label: 'Kendall τ', data: a.agreement.map((g) => g.kendall_tau), backgroundColor: '#9333ea' }],
    },
    options: { animation: false, maintainAspectRatio: false, scales: { y: { min: -1, max: 1 } }, plugins: { title: { display: true, text: 'How far the measures agree' } } },
  });
  document.body.dataset.advised = 'yes';
}

window.addEventListener('hashchange', showView);
$('#query-form').addEventListener('submit', (e) => run(() => rank(e)));
$('#map-form').addEventListener('submit', (e) => run(() => draw(e)));
$('#compare-form').addEventListener('submit', (e) => run(() => compare(e)));
$('#advice-form').addEventListener('submit', (e) => run(() => advise(e)));
$('#collection').addEventListener('change', () => run(() => chooseCollection()));
showView();
run(loadCollections).then(() => { document.body.dataset.ready = 'yes'; });

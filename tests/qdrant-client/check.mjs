// Drives `simil serve` with Qdrant's official JavaScript client (@qdrant/js-client-rest) and checks
// every answer against values computed here in float64 and against Simil's own API on the same
// collection. Usage: node check.mjs http://127.0.0.1:PORT   (exit 0: every check passed)
import assert from 'node:assert/strict';
import { QdrantClient } from '@qdrant/js-client-rest';

const url = process.argv[2];
const warnings = [];
const warn = console.warn;
console.warn = (...args) => { warnings.push(args.join(' ')); warn(...args); };
const client = new QdrantClient({ url });
const checks = [];
const check = (name) => checks.push(name);

const uuid = (i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const cities = ['Lisboa', 'Porto', 'Recife'];
// 40 points in 6 dimensions: integer ids 1..30, UUIDs for 31..40; duplicates and a long vector included.
const points = [];
for (let i = 1; i <= 40; i++) {
  const v = Array.from({ length: 6 }, (_, d) => Math.round(Math.sin(i * 1.7 + d * 0.9) * 1000) / 1000);
  if (i === 7) v.fill(0.5);            // ties with 8
  if (i === 8) v.fill(0.5);
  if (i === 12) v.forEach((x, d) => (v[d] = x * 40)); // a long vector: dot pulls it forward
  points.push({
    id: i <= 30 ? i : uuid(i),
    vector: v,
    payload: { city: cities[i % 3], price: i * 10, tags: i % 2 ? ['odd', 'x'] : ['even'], nested: { level: i % 4 } },
  });
}
const f32 = (x) => Math.fround(x);
const dot = (a, b) => a.reduce((s, x, i) => s + f32(x) * f32(b[i]), 0);
const norm = (a) => Math.sqrt(dot(a, a));
const cosine = (a, b) => dot(a, b) / (norm(a) * norm(b));
const euclid = (a, b) => Math.sqrt(a.reduce((s, x, i) => s + (f32(x) - f32(b[i])) ** 2, 0));
const near = (a, b, what) => assert.ok(Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
const key = (id) => (typeof id === 'number' ? id : String(id));

async function expectError(promise, status, text, what) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.status, status, `${what}: status ${e.status} (${e.message})`);
    const message = JSON.stringify(e.data ?? e.message);
    assert.ok(message.includes(text), `${what}: '${message}' does not name '${text}'`);
    return;
  }
  assert.fail(`${what}: no error`);
}

// Version: the client's own check, and GET / as JSON.
const version = await client.versionInfo();
assert.equal(version.version.split('.').slice(0, 2).join('.'), '1.18');
check('version');

assert.equal(await client.createCollection('docs', { vectors: { size: 6, distance: 'Cosine' } }), true);
assert.equal((await client.collectionExists('docs')).exists, true);
assert.equal((await client.collectionExists('nothing')).exists, false);
assert.ok((await client.getCollections()).collections.some((c) => c.name === 'docs'));
await expectError(client.createCollection('docs', { vectors: { size: 6, distance: 'Cosine' } }), 409, 'already exists', 'create twice');
check('create, exists, list, conflict');

// Upsert: points with integer and UUID ids, then a batch.
const first = await client.upsert('docs', { wait: true, points: points.slice(0, 25) });
assert.equal(first.status, 'completed');
await client.upsert('docs', { wait: true, batch: { ids: points.slice(25).map((p) => p.id), vectors: points.slice(25).map((p) => p.vector), payloads: points.slice(25).map((p) => p.payload) } });
const info = await client.getCollection('docs');
assert.equal(info.points_count, 40);
assert.equal(info.config.params.vectors.size, 6);
assert.equal(info.config.params.vectors.distance, 'Cosine');
check('upsert points and batch, collection info');

// Retrieve: payloads and vectors as written (float32), missing ids left out, in the order asked.
const got = await client.retrieve('docs', { ids: [uuid(33), 3, 999], with_vector: true });
assert.deepEqual(got.map((p) => p.id), [uuid(33), 3]);
assert.deepEqual(got[1].payload, points[2].payload);
got[1].vector.forEach((x, d) => assert.equal(f32(x), f32(points[2].vector[d]))); // float32 values, written shortest
check('retrieve');

// Search: order and scores against float64 cosine; with the API's own answer.
const q = [0.3, -0.2, 0.9, 0.1, 0.4, -0.5];
const expected = points.map((p) => ({ id: p.id, score: cosine(p.vector, q) })).sort((a, b) => b.score - a.score);
const hits = await client.search('docs', { vector: q, limit: 5, with_payload: true });
hits.forEach((h, i) => near(h.score, expected[i].score, `search score ${i}`));
assert.deepEqual(hits.map((h) => h.id), expected.slice(0, 5).map((e) => e.id));
assert.deepEqual(hits[0].payload, points.find((p) => p.id === hits[0].id).payload);
const api = await (await fetch(`${url}/api/collections/docs/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vector: q, k: 5 }) })).json();
assert.deepEqual(api.results.map((r) => String(r.id)), hits.map((h) => String(h.id)));
api.results.forEach((r, i) => assert.equal(r.score, hits[i].score));
const paged = await client.search('docs', { vector: q, limit: 3, offset: 2 });
assert.deepEqual(paged.map((h) => h.id), expected.slice(2, 5).map((e) => e.id));
const above = await client.search('docs', { vector: q, limit: 40, score_threshold: 0.5 });
assert.deepEqual(above.map((h) => h.id), expected.filter((e) => e.score >= 0.5).map((e) => e.id));
const exact = await client.search('docs', { vector: q, limit: 5, params: { exact: true, hnsw_ef: 64 } });
assert.deepEqual(exact.map((h) => h.id), hits.map((h) => h.id));
check('search: order, scores, offset, score_threshold, params, same as Simil API');

// Filters: must / should / must_not with match value, any, except, range, nested keys; checked by brute force.
const filters = [
  [{ must: [{ key: 'city', match: { value: 'Porto' } }] }, (p) => p.payload.city === 'Porto'],
  [{ must: [{ key: 'price', range: { gte: 100, lt: 250 } }] }, (p) => p.payload.price >= 100 && p.payload.price < 250],
  [{ should: [{ key: 'city', match: { value: 'Recife' } }, { key: 'price', range: { lte: 50 } }] }, (p) => p.payload.city === 'Recife' || p.payload.price <= 50],
  [{ must_not: [{ key: 'tags', match: { value: 'odd' } }] }, (p) => !p.payload.tags.includes('odd')],
  [{ must: [{ key: 'city', match: { any: ['Lisboa', 'Recife'] } }], must_not: [{ key: 'price', range: { gt: 300 } }] }, (p) => ['Lisboa', 'Recife'].includes(p.payload.city) && !(p.payload.price > 300)],
  [{ must: [{ key: 'city', match: { except: ['Lisboa'] } }, { key: 'nested.level', match: { value: 2 } }] }, (p) => p.payload.city !== 'Lisboa' && p.payload.nested.level === 2],
  [{ must: [{ should: [{ key: 'nested.level', match: { value: 0 } }, { key: 'nested.level', match: { value: 3 } }] }, { key: 'tags', match: { value: 'even' } }] }, (p) => [0, 3].includes(p.payload.nested.level) && p.payload.tags.includes('even')],
];
for (const [filter, keep] of filters) {
  const allowed = expected.filter((e) => keep(points.find((p) => p.id === e.id)));
  const found = await client.search('docs', { vector: q, limit: 5, filter });
  assert.deepEqual(found.map((h) => h.id), allowed.slice(0, 5).map((e) => e.id), JSON.stringify(filter));
  const counted = await client.count('docs', { filter, exact: true });
  assert.equal(counted.count, allowed.length, `count ${JSON.stringify(filter)}`);
  const queried = await client.query('docs', { query: q, limit: 5, filter });
  assert.deepEqual(queried.points.map((h) => h.id), found.map((h) => h.id));
}
assert.equal((await client.count('docs')).count, 40);
check(`filters (${filters.length}): search, count and query agree with brute force`);

// Query: a vector or {nearest}.
const nearest = await client.query('docs', { query: { nearest: q }, limit: 3, with_payload: false });
assert.deepEqual(nearest.points.map((h) => h.id), expected.slice(0, 3).map((e) => e.id));
check('query nearest');

// Scroll: every point once, integers in order then UUIDs, pages linked by next_page_offset; with a filter.
const seen = [];
let offset;
do {
  const page = await client.scroll('docs', { limit: 7, offset, with_payload: true });
  seen.push(...page.points.map((p) => p.id));
  offset = page.next_page_offset;
} while (offset !== null && offset !== undefined);
assert.deepEqual(seen, points.map((p) => p.id));
const porto = await client.scroll('docs', { limit: 100, filter: { must: [{ key: 'city', match: { value: 'Porto' } }] } });
assert.deepEqual(porto.points.map((p) => p.id), points.filter((p) => p.payload.city === 'Porto').map((p) => p.id));
assert.equal(porto.next_page_offset, null);
check('scroll');

// Upsert replaces a point whole; delete by ids and by filter.
await client.upsert('docs', { points: [{ id: 3, vector: q, payload: { city: 'Braga', price: 1 } }] });
const replaced = await client.retrieve('docs', { ids: [3] });
assert.deepEqual(replaced[0].payload, { city: 'Braga', price: 1 });
assert.equal((await client.search('docs', { vector: q, limit: 1 }))[0].id, 3);
await client.delete('docs', { points: [1, 2, uuid(40)] });
await client.delete('docs', { filter: { must: [{ key: 'city', match: { value: 'Recife' } }] } });
const left = points.filter((p) => ![1, 2, uuid(40)].includes(p.id)).filter((p) => (p.id === 3 ? true : p.payload.city !== 'Recife'));
assert.equal((await client.count('docs')).count, left.length);
check('replace, delete by ids and by filter');

// Euclid: Qdrant's Euclidean distance, nearest first; Dot.
await client.createCollection('places', { vectors: { size: 6, distance: 'Euclid' }, hnsw_config: { m: 0 } });
await client.upsert('places', { points: points.map((p) => ({ id: p.id, vector: p.vector })) });
const byDistance = points.map((p) => ({ id: p.id, score: euclid(p.vector, q) })).sort((a, b) => a.score - b.score);
const euclidHits = await client.search('places', { vector: q, limit: 4 });
euclidHits.forEach((h, i) => near(h.score, byDistance[i].score, `euclid ${i}`));
assert.deepEqual(euclidHits.map((h) => h.id), byDistance.slice(0, 4).map((e) => e.id));
await client.createCollection('scores', { vectors: { size: 6, distance: 'Dot' } });
await client.upsert('scores', { points: points.map((p) => ({ id: p.id, vector: p.vector })) });
const byDot = points.map((p) => ({ id: p.id, score: dot(p.vector, q) })).sort((a, b) => b.score - a.score);
const dotHits = await client.search('scores', { vector: q, limit: 3 });
assert.deepEqual(dotHits.map((h) => h.id), byDot.slice(0, 3).map((e) => e.id));
check('Euclid and Dot');

// What is not supported is refused by name; unknown collections and points are 404.
await expectError(client.search('docs', { vector: { name: 'image', vector: q }, limit: 3 }), 400, 'named', 'named vector');
await expectError(client.createCollection('sparse', { vectors: { size: 6, distance: 'Cosine' }, sparse_vectors: { text: {} } }), 400, 'sparse_vectors', 'sparse vectors');
await expectError(client.createCollection('manhattan', { vectors: { size: 6, distance: 'Manhattan' } }), 400, 'Manhattan', 'Manhattan');
await expectError(client.search('docs', { vector: q, limit: 3, filter: { must: [{ key: 'city', match: { text: 'Port' } }] } }), 400, 'full-text', 'text match');
await expectError(client.search('docs', { vector: q, limit: 3, filter: { must: [{ has_id: [1] }] } }), 400, 'has_id', 'has_id');
await expectError(client.query('docs', { query: { recommend: { positive: [3] } } }), 400, 'recommend', 'recommend query');
await expectError(client.search('docs', { vector: [1, 2], limit: 3 }), 400, 'dimensions', 'wrong dimensions');
await expectError(client.upsert('docs', { points: [{ id: 'not-a-uuid', vector: q }] }), 400, 'not a point id', 'bad id');
await expectError(client.search('nothing', { vector: q, limit: 3 }), 404, 'nothing', 'unknown collection');
await expectError(client.api().getPoint({ collection_name: 'docs', id: 999 }), 404, '999', 'unknown point');
await expectError(client.recommend('docs', { positive: [3], limit: 3 }), 404, 'no endpoint', 'recommend endpoint');
check('refusals');

assert.equal(await client.deleteCollection('places'), true);
assert.equal(await client.deleteCollection('scores'), true);
assert.equal((await client.collectionExists('places')).exists, false);
check('delete collection');

assert.deepEqual(warnings, [], 'the client warned');
console.log(JSON.stringify({ checks }));

// LangChain's Qdrant integration (@langchain/qdrant, which brings its own @qdrant/js-client-rest)
// against simil serve, with simil's /api/embed as its embeddings: a store made from texts, scored
// search, a payload filter, a retriever, a delete by filter. Usage: node langchain.mjs URL (exit 0: passed).
import assert from 'node:assert/strict';
import { QdrantVectorStore } from '@langchain/qdrant';
import { Embeddings } from '@langchain/core/embeddings';

class SimilEmbeddings extends Embeddings {
  constructor(url) { super({}); this.url = url; }
  async embedDocuments(texts) {
    const r = await fetch(`${this.url}/api/embed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ texts }) });
    assert.equal(r.status, 200);
    return (await r.json()).vectors;
  }
  async embedQuery(text) { return (await this.embedDocuments([text]))[0]; }
}

const url = process.argv[2];
const texts = ['The cat sat on the warm windowsill.', 'Heavy rain and strong wind all night.', 'The king and the queen in the palace.', 'A storm at sea sank the boat.'];
const kinds = ['animal', 'weather', 'royal', 'weather'];
const store = await QdrantVectorStore.fromTexts(texts, kinds.map((kind) => ({ kind })), new SimilEmbeddings(url), { url, collectionName: 'langchain' });

const scored = await store.similaritySearchWithScore('rain and wind', 2);
assert.equal(scored[0][0].pageContent, texts[1]);
assert.deepEqual(scored[0][0].metadata, { kind: 'weather' });
assert.ok(scored[0][1] > scored[1][1] && scored[0][1] <= 1);
const weather = await store.similaritySearch('a palace', 4, { must: [{ key: 'metadata.kind', match: { value: 'weather' } }] });
assert.deepEqual(weather.map((d) => d.pageContent).sort(), [texts[1], texts[3]].sort());
assert.deepEqual((await store.asRetriever({ k: 1 }).invoke('a monarch')).map((d) => d.pageContent), [texts[2]]);
await store.delete({ filter: { must: [{ key: 'metadata.kind', match: { value: 'royal' } }] } });
const left = (await store.similaritySearch('a monarch', 4)).map((d) => d.pageContent);
assert.equal(left.length, 3);
assert.ok(!left.includes(texts[2]));
console.log(JSON.stringify({ langchain: 'passed', scored: scored.map(([d, s]) => [d.pageContent, s]) }));

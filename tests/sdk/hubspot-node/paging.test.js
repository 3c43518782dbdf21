'use strict';
// The SDK's `getAll` helper on contacts, companies and deals, against a server of its own so
// that every record it lists was made here. `getAll` re-sends its `limit` on every page and
// stops when `paging.next.after` is missing; a recording proxy in front of crmd shows the
// pages it asked for.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startCrmd, hubspotClient } = require('./support/crmd');
const { startRecorder } = require('./support/recorder');
const { marker } = require('./support/sdk');

const CONTACTS = 130;
const COMPANIES = 105;
const DEALS = 45;

let crmd;
let recorder;
let hs;
const created = { contacts: [], companies: [], deals: [] };

/** Creates `count` records of `api` by batches of 100 and returns their ids in order. */
async function createMany(api, count, inputFor) {
  const ids = [];
  for (let start = 0; start < count; start += 100) {
    const inputs = [];
    for (let n = start; n < Math.min(count, start + 100); n += 1) inputs.push(inputFor(n));
    const response = await api.batchApi.create({ inputs });
    ids.push(...response.results.map((record) => record.id));
  }
  return ids;
}

/** The query of each GET the client sent to `path` since `mark`. */
function pagesSince(mark, path) {
  return recorder.requests
    .slice(mark)
    .filter((request) => request.method === 'GET' && request.url.pathname === path)
    .map((request) => Object.fromEntries(request.url.searchParams));
}

before(async () => {
  crmd = await startCrmd('paging');
  recorder = await startRecorder(crmd.baseUrl);
  hs = hubspotClient(recorder.baseUrl, crmd.defaultKey);
  const tag = marker();
  created.contacts = await createMany(hs.crm.contacts, CONTACTS, (n) => ({
    properties: { email: `p${n}.${tag}@paging.example`, firstname: `P${n}` },
    associations: [],
  }));
  created.companies = await createMany(hs.crm.companies, COMPANIES, (n) => ({
    properties: { name: `Company ${n}` },
    associations: [],
  }));
  created.deals = await createMany(hs.crm.deals, DEALS, (n) => ({
    properties: { dealname: `Deal ${n}`, amount: String(1000 + n) },
    associations: [{
      to: { id: created.companies[n] },
      types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 341 }],
    }],
  }));
});

after(async () => {
  await recorder?.close();
  await crmd?.finish();
});

test('the records were created in input order with ascending ids', () => {
  for (const ids of Object.values(created)) {
    const numbers = ids.map(Number);
    assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b));
  }
  assert.equal(created.contacts.length, CONTACTS);
  assert.equal(created.companies.length, COMPANIES);
  assert.equal(created.deals.length, DEALS);
});

test('contacts getAll() with its default limit of 100 reads two pages', async () => {
  const mark = recorder.requests.length;
  const everyone = await hs.crm.contacts.getAll();
  assert.deepEqual(everyone.map((record) => record.id), created.contacts);
  assert.ok(everyone.every((record) => record.properties.email.endsWith('@paging.example')));
  const pages = pagesSince(mark, '/crm/v3/objects/contacts');
  assert.deepEqual(pages.map((query) => query.limit), ['100', '100']);
  assert.equal(pages[0].after, undefined);
  // `after` is a record id: past the first page's last record, up to the next one.
  assert.match(pages[1].after, /^[0-9]+$/);
  assert.ok(Number(pages[1].after) > Number(created.contacts[99]));
  assert.ok(Number(pages[1].after) <= Number(created.contacts[100]));
});

test('companies getAll(25) reads five pages', async () => {
  const mark = recorder.requests.length;
  const companies = await hs.crm.companies.getAll(25, undefined, ['name']);
  assert.deepEqual(companies.map((record) => record.id), created.companies);
  assert.deepEqual(companies.map((record) => record.properties.name), created.companies.map((_, n) => `Company ${n}`));
  assert.equal(pagesSince(mark, '/crm/v3/objects/companies').length, 5);
});

test('deals getAll(10) with associations reads five pages and embeds each company', async () => {
  const mark = recorder.requests.length;
  const deals = await hs.crm.deals.getAll(10, undefined, ['dealname', 'amount'], undefined, ['companies']);
  assert.deepEqual(deals.map((record) => record.id), created.deals);
  deals.forEach((deal, n) => {
    assert.equal(deal.properties.amount, String(1000 + n));
    assert.deepEqual(
      [...new Set(deal.associations.companies.results.map((item) => item.id))],
      [created.companies[n]],
    );
  });
  const pages = pagesSince(mark, '/crm/v3/objects/deals');
  assert.equal(pages.length, 5);
  assert.ok(pages.every((query) => query.limit === '10' && query.associations === 'companies'));
});

test('a getAll limit above 100 is clamped, not refused, on every page', async () => {
  const mark = recorder.requests.length;
  const everyone = await hs.crm.contacts.getAll(500);
  assert.deepEqual(everyone.map((record) => record.id), created.contacts);
  const pages = pagesSince(mark, '/crm/v3/objects/contacts');
  assert.deepEqual(pages.map((query) => query.limit), ['500', '500'], 'served 100 per page');
});

test('getAll with propertiesWithHistory is served 50 per page', async () => {
  const mark = recorder.requests.length;
  const everyone = await hs.crm.contacts.getAll(100, undefined, ['email'], ['email']);
  assert.deepEqual(everyone.map((record) => record.id), created.contacts);
  for (const record of everyone) {
    const history = record.propertiesWithHistory.email;
    assert.equal(history.length, 1);
    assert.equal(history[0].value, record.properties.email);
    assert.ok(history[0].timestamp instanceof Date);
  }
  assert.equal(pagesSince(mark, '/crm/v3/objects/contacts').length, 3);
});

test('getAll starts after a given cursor, and lists the archived records with archived=true', async () => {
  const tail = await hs.crm.companies.getAll(50, created.companies[100]);
  assert.deepEqual(tail.map((record) => record.id), created.companies.slice(100));

  const gone = created.companies.slice(50, 53);
  await hs.crm.companies.batchApi.archive({ inputs: gone.map((id) => ({ id })) });
  const archived = await hs.crm.companies.getAll(2, undefined, ['name'], undefined, undefined, true);
  assert.deepEqual(archived.map((record) => record.id), gone);
  assert.ok(archived.every((record) => record.archived === true && record.archivedAt instanceof Date));
  const live = await hs.crm.companies.getAll();
  assert.equal(live.length, COMPANIES - gone.length);
  assert.ok(!live.some((record) => gone.includes(record.id)));
});

'use strict';
// The search API (searchApi.doSearch) through HubSpot's official Node SDK: filterGroups and
// operators, query, sorts in the forms the SDK types allow, paging to the end with `after`,
// and total.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const models = require('@hubspot/api-client/lib/codegen/crm/contacts');
const { startCrmd } = require('./support/crmd');
const { apiError, assertDate, marker } = require('./support/sdk');

const { FilterOperatorEnum: Op } = models;

let crmd;
let hs;
// Five contacts sharing a last name no other record has, with their ids by first name.
let lastName;
const ids = {};
const FIRST_NAMES = ['Ada', 'Bea', 'Cy', 'Dot', 'Eve'];

before(async () => {
  crmd = await startCrmd('search');
  hs = crmd.client();
  lastName = `Zed${marker()}`;
  const response = await hs.crm.contacts.batchApi.create({
    inputs: FIRST_NAMES.map((firstName, n) => ({
      properties: {
        firstname: firstName,
        lastname: lastName,
        email: `${firstName.toLowerCase()}.${lastName}@search.example`,
        jobtitle: n % 2 === 0 ? 'Engineer' : '',
      },
      associations: [],
    })),
  });
  for (const record of response.results) ids[record.properties.firstname] = record.id;
});

after(async () => {
  await crmd?.finish();
});

const byLastName = () => ({ propertyName: 'lastname', operator: Op.Eq, value: lastName.toUpperCase() });

async function search(request, api = hs.crm.contacts.searchApi) {
  const response = await api.doSearch(request);
  assert.equal(response.constructor.name, 'CollectionResponseWithTotalSimplePublicObjectForwardPaging');
  return response;
}

function firstNames(response) {
  return response.results.map((record) => record.properties.firstname);
}

test('pages to the end with after, sorted, with the exact total on every page', async () => {
  const seen = [];
  const afters = [];
  let after;
  for (;;) {
    const page = await search({
      filterGroups: [{ filters: [byLastName()] }],
      sorts: ['-firstname'],
      properties: ['firstname'],
      limit: 2,
      after,
    });
    assert.equal(page.total, 5);
    assert.ok(page.results.length <= 2);
    for (const record of page.results) {
      assert.deepEqual(Object.keys(record.properties).sort(), ['createdate', 'firstname', 'hs_object_id', 'lastmodifieddate']);
      assertDate(record.createdAt);
      assertDate(record.updatedAt);
      assert.equal(record.archived, false);
    }
    seen.push(...firstNames(page));
    if (page.paging === undefined) break;
    after = page.paging.next.after;
    assert.equal(typeof after, 'string');
    afters.push(after);
  }
  assert.deepEqual(seen, ['Eve', 'Dot', 'Cy', 'Bea', 'Ada']);
  assert.deepEqual(afters, ['2', '4']);
});

test('sorts in object form, as a JSON string, and ascending by default', async () => {
  const request = (sorts) => ({ filterGroups: [{ filters: [byLastName()] }], sorts, properties: ['firstname'], limit: 10 });
  const json = await search(request([JSON.stringify({ propertyName: 'firstname', direction: 'DESCENDING' })]));
  assert.deepEqual(firstNames(json), ['Eve', 'Dot', 'Cy', 'Bea', 'Ada']);
  const objects = await search(request([{ propertyName: 'hs_object_id', direction: 'DESCENDING' }]));
  assert.deepEqual(firstNames(objects), [...FIRST_NAMES].reverse());
  const bare = await search(request(['firstname']));
  assert.deepEqual(firstNames(bare), FIRST_NAMES);
  const unsorted = await search(request(undefined));
  assert.deepEqual(unsorted.results.map((record) => record.id), FIRST_NAMES.map((name) => ids[name]), 'hs_object_id order');
});

test('filter groups are OR-ed and the filters of a group AND-ed', async () => {
  const found = await search({
    filterGroups: [
      { filters: [byLastName(), { propertyName: 'firstname', operator: Op.In, values: ['ada', 'BEA'] }] },
      { filters: [byLastName(), { propertyName: 'email', operator: Op.ContainsToken, value: 'eve*' }] },
    ],
    properties: ['firstname'],
  });
  assert.equal(found.total, 3);
  assert.deepEqual(firstNames(found).sort(), ['Ada', 'Bea', 'Eve']);
  assert.equal(found.paging, undefined);
});

test('each operator matches what it should', async () => {
  const cases = [
    [{ propertyName: 'firstname', operator: Op.Neq, value: 'dot' }, ['Ada', 'Bea', 'Cy', 'Eve']],
    [{ propertyName: 'firstname', operator: Op.NotIn, values: ['Ada', 'Cy'] }, ['Bea', 'Dot', 'Eve']],
    [{ propertyName: 'firstname', operator: Op.Lt, value: 'Cy' }, ['Ada', 'Bea']],
    [{ propertyName: 'firstname', operator: Op.Lte, value: 'Cy' }, ['Ada', 'Bea', 'Cy']],
    [{ propertyName: 'firstname', operator: Op.Gt, value: 'Cy' }, ['Dot', 'Eve']],
    [{ propertyName: 'hs_object_id', operator: Op.Gte, value: ids.Dot }, ['Dot', 'Eve']],
    [{ propertyName: 'hs_object_id', operator: Op.Between, value: ids.Bea, highValue: ids.Dot }, ['Bea', 'Cy', 'Dot']],
    [{ propertyName: 'jobtitle', operator: Op.HasProperty }, ['Ada', 'Cy', 'Eve']],
    [{ propertyName: 'jobtitle', operator: Op.NotHasProperty }, ['Bea', 'Dot']],
    [{ propertyName: 'email', operator: Op.ContainsToken, value: 'cy' }, ['Cy']],
    [{ propertyName: 'email', operator: Op.NotContainsToken, value: 'cy' }, ['Ada', 'Bea', 'Dot', 'Eve']],
    [{ propertyName: 'createdate', operator: Op.Lte, value: String(Date.now() + 60_000) }, FIRST_NAMES],
  ];
  for (const [filter, expected] of cases) {
    const found = await search({ filterGroups: [{ filters: [byLastName(), filter] }], properties: ['firstname'], sorts: ['firstname'] });
    assert.deepEqual(firstNames(found), expected, `${filter.propertyName} ${filter.operator}`);
    assert.equal(found.total, expected.length);
  }
});

test('query matches searchable properties by word prefix', async () => {
  const found = await search({ query: `${lastName.slice(0, 8)} cy`, limit: 10 });
  assert.deepEqual(found.results.map((record) => record.id), [ids.Cy]);
  assert.equal(found.total, 1);
  assert.equal(found.paging, undefined);
  assert.deepEqual(Object.keys(found.results[0].properties).sort(), [
    'createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname',
  ]);
  const none = await search({ query: `${lastName} nobody` });
  assert.deepEqual([none.total, none.results], [0, []]);
});

test('numbers, dates and checkboxes compare by value on deals and a custom type', async () => {
  const tag = marker();
  const company = await hs.crm.companies.basicApi.create({ properties: { name: `Search ${tag}` } });
  for (const amount of ['900', '12000.5', '150000']) {
    await hs.crm.deals.basicApi.create({
      properties: { dealname: `${tag} ${amount}`, amount },
      associations: [{ to: { id: company.id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 341 }] }],
    });
  }
  const deals = await search({
    filterGroups: [{ filters: [
      { propertyName: 'dealname', operator: Op.ContainsToken, value: tag },
      { propertyName: 'amount', operator: Op.Gt, value: '1000' },
    ] }],
    sorts: ['-amount'],
    properties: ['amount'],
  }, hs.crm.deals.searchApi);
  assert.deepEqual(deals.results.map((record) => record.properties.amount), ['150000', '12000.5'], 'numeric, not lexical');

  const byCompany = await search({
    filterGroups: [{ filters: [{ propertyName: 'associations.company', operator: Op.Eq, value: company.id }] }],
  }, hs.crm.deals.searchApi);
  assert.equal(byCompany.total, 3);

  const cars = [
    { model: `${tag} A`, year: '1925', electric: 'false', first_registered: '1990-01-01' },
    { model: `${tag} B`, year: '2012', electric: 'true', first_registered: '2012-06-01' },
    { model: `${tag} C`, year: '2020', electric: 'true', first_registered: '2021-03-15' },
  ];
  for (const properties of cars) await hs.crm.objects.basicApi.create('cars', { properties });
  const found = await hs.crm.objects.searchApi.doSearch('2-1', {
    filterGroups: [{ filters: [
      { propertyName: 'model', operator: Op.ContainsToken, value: tag },
      { propertyName: 'year', operator: Op.Between, value: '2000', highValue: '2020' },
      { propertyName: 'electric', operator: Op.Eq, value: 'true' },
      { propertyName: 'first_registered', operator: Op.Gte, value: String(Date.UTC(2012, 5, 1)) },
    ] }],
    sorts: [JSON.stringify({ propertyName: 'first_registered', direction: 'DESCENDING' })],
    properties: ['model', 'first_registered'],
  });
  assert.deepEqual(found.results.map((record) => record.properties.model), [`${tag} C`, `${tag} B`]);
  assert.deepEqual(found.results.map((record) => record.properties.first_registered), ['2021-03-15', '2012-06-01']);
  assert.deepEqual(Object.keys(found.results[0].properties).sort(), [
    'first_registered', 'hs_createdate', 'hs_lastmodifieddate', 'hs_object_id', 'model',
  ]);
});

test('archived records leave the results', async () => {
  const extra = await hs.crm.contacts.basicApi.create({ properties: { firstname: 'Fay', lastname: lastName } });
  const before = await search({ filterGroups: [{ filters: [byLastName()] }] });
  assert.equal(before.total, 6);
  await hs.crm.contacts.basicApi.archive(extra.id);
  const afterArchive = await search({ filterGroups: [{ filters: [byLastName()] }], limit: 10 });
  assert.equal(afterArchive.total, 5);
  assert.ok(!afterArchive.results.some((record) => record.id === extra.id));
});

test('a bad search is a 400 naming what is wrong', async () => {
  const unknown = await apiError(
    hs.crm.contacts.searchApi.doSearch({ filterGroups: [{ filters: [{ propertyName: 'shoe_size', operator: Op.Eq, value: '9' }] }] }),
    400,
  );
  assert.equal(unknown.body.category, 'VALIDATION_ERROR');
  assert.match(JSON.stringify(unknown.body), /shoe_size/);

  const badNumber = await apiError(
    hs.crm.deals.searchApi.doSearch({ filterGroups: [{ filters: [{ propertyName: 'amount', operator: Op.Gt, value: 'lots' }] }] }),
    400,
  );
  assert.match(JSON.stringify(badNumber.body), /amount/);

  // 1,000 is the bound of crmd's default (`relaxed`) limits profile; HubSpot's is 200.
  const tooLarge = await apiError(hs.crm.contacts.searchApi.doSearch({ limit: 1001 }), 400);
  assert.match(tooLarge.body.message, /limit/);
});

test('sorts by a multi-valued property by its first value', async () => {
  // crmd stores `email` as a list of addresses; HubSpot sorts by the primary one.
  const descending = await search({ sorts: ['-email'], filterGroups: [{ filters: [byLastName()] }] });
  assert.deepEqual(firstNames(descending), [...FIRST_NAMES].reverse());
  const ascending = await search({ sorts: ['email'], filterGroups: [{ filters: [byLastName()] }] });
  assert.deepEqual(firstNames(ascending), FIRST_NAMES);
});

/**
 * Subscribe messages in the local cloud (docs/reference/wx-subscribe-message.md): grants recorded per
 * user and template, one grant spent per send, 43101 without one, the documented field checks (40003,
 * 40037, 41030, 47003 per keyword type), and the list of sends.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useCloud } from '../helpers/cloud';

const appJson = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'appjson-')), 'app.json');
fs.writeFileSync(appJson, JSON.stringify({ pages: ['pages/index/index'], subpackages: [{ root: 'pages-order', pages: ['detail/index'] }] }));
const cloud = useCloud({ appJson });

const send = (params: Record<string, unknown>) => cloud.wx().openapi.subscribeMessage.send(params as never);
const grant = (openid: string, results: Record<string, string>) => cloud.local('POST', '/openapi/subscriptions', { openid, results });
const shipped = { character_string1: { value: 'O20261203ABC' }, thing2: { value: '羊毛围巾 等2件' }, time3: { value: '2026年12月3日 10:30' } };

beforeEach(async () => {
  await cloud.local('DELETE', '/openapi/subscriptions');
});

test('each accept allows one send; the next is refused with 43101 and nothing is delivered', async () => {
  await expect(send({ touser: 'oA', templateId: 'TPL_SHIP', data: shipped })).rejects.toMatchObject({ errCode: 43101 });
  await grant('oA', { TPL_SHIP: 'accept', TPL_REFUND: 'reject' });
  await grant('oA', { TPL_SHIP: 'accept' });
  expect((await cloud.local('GET', '/openapi/subscriptions?openid=oA')).json.grants).toEqual([expect.objectContaining({ openid: 'oA', templateId: 'TPL_SHIP', remaining: 2, granted: 2 })]);

  const first = await send({ touser: 'oA', templateId: 'TPL_SHIP', page: 'pages-order/detail/index?id=O1', miniprogramState: 'developer', data: shipped });
  expect(first).toMatchObject({ errCode: 0, msgid: expect.any(Number) });
  await send({ touser: 'oA', templateId: 'TPL_SHIP', data: shipped });
  await expect(send({ touser: 'oA', templateId: 'TPL_SHIP', data: shipped })).rejects.toMatchObject({ errCode: 43101 });
  // A rejected template never granted anything; another user's grant is not this user's.
  await expect(send({ touser: 'oA', templateId: 'TPL_REFUND', data: shipped })).rejects.toMatchObject({ errCode: 43101 });
  await grant('oB', { TPL_SHIP: 'accept' });
  await expect(send({ touser: 'oA', templateId: 'TPL_SHIP', data: shipped })).rejects.toMatchObject({ errCode: 43101 });

  const { json } = await cloud.local('GET', '/openapi/messages?touser=oA');
  expect(json.messages.map((m: any) => m.errcode)).toEqual([43101, 0, 0, 43101, 43101, 43101]);
  expect(json.messages[1]).toMatchObject({ msgid: first.msgid, templateId: 'TPL_SHIP', page: 'pages-order/detail/index?id=O1', miniprogramState: 'developer', data: shipped });
});

test('concurrent sends never share one grant', async () => {
  await grant('oC', { TPL_SHIP: 'accept' });
  const results = await Promise.allSettled(Array.from({ length: 8 }, () => send({ touser: 'oC', templateId: 'TPL_SHIP', data: shipped })));
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
});

test.each([
  ['a thing over 20 characters', { thing2: { value: '一二三四五六七八九十一二三四五六七八九十一' } }, 47003],
  ['a character_string with Chinese', { character_string1: { value: '订单O1' } }, 47003],
  ['a character_string over 32', { character_string1: { value: 'A'.repeat(33) } }, 47003],
  ['a time without a clock', { time3: { value: '2026年12月3日' } }, 47003],
  ['an amount with letters', { amount4: { value: '12.5 yuan' } }, 47003],
  ['a phrase over 5 characters', { phrase5: { value: '已经全部发货了' } }, 47003],
  ['an empty value', { thing2: { value: '  ' } }, 47003],
  ['a key that is no keyword type', { remark: { value: 'x' } }, 47003],
  ['no data', {}, 47003],
])('refuses %s (%i) before spending a grant', async (_name, data, errcode) => {
  await grant('oD', { TPL_SHIP: 'accept' });
  await expect(send({ touser: 'oD', templateId: 'TPL_SHIP', data })).rejects.toMatchObject({ errCode: errcode });
  expect((await cloud.local('GET', '/openapi/subscriptions?openid=oD')).json.grants[0].remaining).toBe(1);
});

test('values within the rules pass: thing of 20, amount, date and time ranges, number, phrase', async () => {
  await grant('oE', { TPL_ALL: 'accept' });
  const data = {
    thing1: { value: '一二三四五六七八九十一二三四五六七八九十' },
    amount2: { value: '¥128.50' },
    time3: { value: '2026-12-03 10:30 ~ 2026-12-04 10:30' },
    date4: { value: '2026年12月3日' },
    number5: { value: 2 },
    phrase6: { value: '已退款' },
    character_string7: { value: 'O20261203-AB_1' },
  };
  await expect(send({ touser: 'oE', templateId: 'TPL_ALL', data })).resolves.toMatchObject({ errCode: 0 });
});

test.each([
  ['an empty touser', { touser: '', templateId: 'T' }, 40003],
  ['a bad template id', { touser: 'oF', templateId: 'has space' }, 40037],
  ['a page not in app.json', { touser: 'oF', templateId: 'T', page: 'pages/nope/index' }, 41030],
  ['a bad miniprogram_state', { touser: 'oF', templateId: 'T', miniprogramState: 'beta' }, 47003],
])('refuses %s with %i', async (_name, params, errcode) => {
  await expect(send({ ...params, data: shipped })).rejects.toMatchObject({ errCode: errcode });
});

test('the subscriptions route refuses a malformed report', async () => {
  const r = await cloud.local('POST', '/openapi/subscriptions', { openid: 'bad id!', results: { T: 'accept' } });
  expect(r.status).toBe(400);
});

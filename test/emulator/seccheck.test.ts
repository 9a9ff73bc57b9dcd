/**
 * security.msgSecCheck (version 2) on the local cloud through the real wx-server-sdk: WeChat's documented
 * request checks and errcodes, verdicts from the configurable block list, and its control API.
 */
import { useCloud } from '../helpers/cloud';

const cloud = useCloud({});
const check = (params: Record<string, unknown>) => cloud.wx().openapi.security.msgSecCheck(params);
const base = { openid: 'oSEC_1', scene: 2, version: 2 };

afterEach(async () => {
  await cloud.local('DELETE', '/openapi/seccheck');
});

test('ordinary text passes with label 100', async () => {
  const r = await check({ ...base, content: '请周末送货，谢谢' });
  expect(r).toMatchObject({ errCode: 0, result: { suggest: 'pass', label: 100 } });
  expect(r.errMsg).toContain('msgSecCheck:ok');
  expect(Array.isArray(r.detail)).toBe(true);
});

test('a phrase on the default list is risky with its label, however it is spaced or cased', async () => {
  const r = await check({ ...base, content: '有需要 代开 发票 的联系我' });
  expect(r).toMatchObject({ errCode: 0, result: { suggest: 'risky', label: 20006 } });
  const review = await check({ ...base, content: '这句话待人工复核' });
  expect(review.result).toEqual({ suggest: 'review', label: 21000 });
  const inNickname = await check({ ...base, content: '你好', nickname: '刷单返利小王' });
  expect(inNickname.result).toEqual({ suggest: 'risky', label: 20008 });
});

test('the block list is replaced, read back and reset through the control API', async () => {
  const put = await cloud.local('PUT', '/openapi/seccheck', { words: [{ text: 'Spam', label: 10001 }, { text: '再看看', label: 21000, suggest: 'review' }] });
  expect(put.status).toBe(200);
  expect((await cloud.local('GET', '/openapi/seccheck')).json.words).toEqual([{ text: 'Spam', label: 10001 }, { text: '再看看', label: 21000, suggest: 'review' }]);
  expect((await check({ ...base, content: 'buy SPAM now' })).result).toEqual({ suggest: 'risky', label: 10001 });
  expect((await check({ ...base, content: '代开发票' })).result).toEqual({ suggest: 'pass', label: 100 });
  await cloud.local('DELETE', '/openapi/seccheck');
  expect((await check({ ...base, content: '代开发票' })).result.suggest).toBe('risky');
});

test.each([
  ['no words array', { list: [] }],
  ['an empty phrase', { words: [{ text: ' ', label: 20006 }] }],
  ['a label WeChat does not use', { words: [{ text: 'x', label: 12345 }] }],
  ['label 100 (that is "normal")', { words: [{ text: 'x', label: 100 }] }],
  ['an unknown suggest', { words: [{ text: 'x', label: 20006, suggest: 'block' }] }],
])('a block list with %s is refused and the old one stays', async (_name, body) => {
  const r = await cloud.local('PUT', '/openapi/seccheck', body);
  expect(r.status).toBe(400);
  expect(r.json.error.code).toBe('INVALID_PARAM');
  expect((await check({ ...base, content: '代开发票' })).result.suggest).toBe('risky');
});

test.each([
  ['version 1 (retired)', { ...base, version: 1, content: 'x' }, 47001],
  ['no version', { openid: 'oSEC_1', scene: 2, content: 'x' }, 47001],
  ['no openid', { scene: 2, version: 2, content: 'x' }, 40003],
  ['a malformed openid', { ...base, openid: 'not an openid!', content: 'x' }, 40003],
  ['scene 5', { ...base, scene: 5, content: 'x' }, 40129],
  ['no scene', { openid: 'oSEC_1', version: 2, content: 'x' }, 40129],
  ['empty content', { ...base, content: '' }, 44002],
  ['content that is not text', { ...base, content: 42 }, 47001],
  ['content over 2500 characters', { ...base, content: '好'.repeat(2501) }, 47001],
])('refuses %s with WeChat errcode', async (_name, params, errcode) => {
  await expect(check(params)).rejects.toMatchObject({ errCode: errcode, errMsg: expect.stringContaining('msgSecCheck:fail') });
});

test('2500 characters exactly is accepted', async () => {
  expect((await check({ ...base, content: '好'.repeat(2500) })).result.suggest).toBe('pass');
});

test('every call is in the outbox', async () => {
  await check({ ...base, content: '留个记录' });
  const { json } = await cloud.local('GET', '/openapi/outbox');
  expect(json.outbox.some((e: any) => e.apiName === 'security.msgSecCheck' && e.params.content === '留个记录' && e.result === 'ok')).toBe(true);
});

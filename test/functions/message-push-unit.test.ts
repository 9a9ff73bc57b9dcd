/** How a function tells WeChat's message push from other events and callers (pure, no emulator). */
import { mayBeMessagePush, platformEvent } from '../../server/handler';

test('a message push is recognised by MsgType event and its Event name; an action never is one', () => {
  expect(platformEvent({ MsgType: 'event', Event: 'wxa_media_check', trace_id: 't' })).toEqual({ kind: 'push', name: 'wxa_media_check' });
  expect(platformEvent({ action: 'get', MsgType: 'event', Event: 'wxa_media_check' })).toBeNull();
  expect(platformEvent({ MsgType: 'text', Content: 'hi' })).toBeNull();
  expect(platformEvent({ MsgType: 'event', Event: 42 })).toBeNull();
});

test('a push is refused only from where it certainly is not: a mini program user or another function', () => {
  for (const source of ['wx_client', 'wx_devtools', 'wx_localdebug', 'wx_crawler', 'wx_unknown,scf', 'wx_client,scf']) expect([source, mayBeMessagePush(source)]).toEqual([source, false]);
  for (const source of ['wx_unknown', 'wx_http', '', undefined, 'other']) expect([source, mayBeMessagePush(source)]).toEqual([source, true]);
});

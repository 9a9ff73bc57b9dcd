import fc from 'fast-check';
import { base62, decodeScene, encodeScene, SCENE_ALLOWED, SCENE_MAX_LENGTH, sceneFromQrUrl } from '../../miniprogram/domain/scene-codec';

const keyArb = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,3}$/);
const valueArb = fc.stringMatching(/^[0-9A-Za-z!#$'()*+,/:;?@\-._~]{1,12}$/);
const paramsArb = fc.dictionary(keyArb, valueArb, { minKeys: 1, maxKeys: 4 });

describe('QR scene codec', () => {
  test('encodes short parameters and decodes them back', () => {
    const encoded = encodeScene({ s: 'k7Hx2Q9a', c: 'poster' });
    expect(encoded).toEqual({ ok: true, value: 's=k7Hx2Q9a&c=poster' });
    expect(decodeScene('s=k7Hx2Q9a&c=poster')).toEqual({ ok: true, value: { s: 'k7Hx2Q9a', c: 'poster' } });
  });

  test('property: whatever encodes fits WeChat rules and round-trips, also URL-encoded as onLoad sees it', () => {
    fc.assert(
      fc.property(paramsArb, (params) => {
        const encoded = encodeScene(params);
        if (!encoded.ok) return encoded.error.includes('at most 32');
        const scene = encoded.value;
        expect(scene.length).toBeLessThanOrEqual(SCENE_MAX_LENGTH);
        expect(SCENE_ALLOWED.test(scene)).toBe(true);
        expect(decodeScene(scene)).toEqual({ ok: true, value: params });
        expect(decodeScene(encodeURIComponent(scene))).toEqual({ ok: true, value: params });
        return true;
      }),
    );
  });

  test('property: decoding never throws and only accepts valid scenes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.anything()), (raw) => {
        const result = decodeScene(raw);
        if (result.ok) {
          const again = encodeScene(result.value);
          expect(again.ok).toBe(true);
        }
        return true;
      }),
    );
  });

  test('refuses what WeChat refuses', () => {
    expect(encodeScene({}).ok).toBe(false);
    expect(encodeScene({ p: 'a'.repeat(31) }).ok).toBe(false); // 33 characters
    expect(encodeScene({ p: 'a'.repeat(30) }).ok).toBe(true); // exactly 32
    expect(encodeScene({ p: '中文' }).ok).toBe(false);
    expect(encodeScene({ p: '50%' }).ok).toBe(false);
    expect(encodeScene({ p: 'a&b' }).ok).toBe(false);
    expect(encodeScene({ '1p': 'a' }).ok).toBe(false);
    expect(encodeScene({ p: '' }).ok).toBe(false);
  });

  test('rejects broken scene codes with a reason', () => {
    for (const raw of ['', 'x', '=a', 'a=', 'a=1&a=2', 'a=1&&b=2', 'a=%E4%B8%AD', '%E0%A4%A', 'a=b c', 'a'.repeat(33), 'p='.padEnd(120, 'z'), null, 42]) {
      const result = decodeScene(raw);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.length).toBeGreaterThan(0);
    }
  });

  test('plain QR links (scenes 1011-1013) carry the scene in the URL', () => {
    const q = encodeURIComponent('https://shop.example.com/qr?scene=s%3Dk7Hx2Q9a');
    expect(sceneFromQrUrl(q)).toEqual({ ok: true, value: 's=k7Hx2Q9a' });
    expect(sceneFromQrUrl(encodeURIComponent('https://shop.example.com/s/s=abc'))).toEqual({ ok: true, value: 's=abc' });
    expect(sceneFromQrUrl(encodeURIComponent('https://shop.example.com/other')).ok).toBe(false);
    expect(sceneFromQrUrl('%E0%A4%A').ok).toBe(false);
    expect(sceneFromQrUrl('').ok).toBe(false);
    expect(sceneFromQrUrl(encodeURIComponent('https://x/qr?scene=a%3D%25')).ok).toBe(false);
  });

  test('base62 ids are scene-safe and of the asked length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 32 }), (bytes) => {
        const id = base62(bytes, 10);
        return id.length === 10 && /^[0-9A-Za-z]+$/.test(id);
      }),
    );
    expect(() => base62([1, 2], 8)).toThrow(RangeError);
  });
});

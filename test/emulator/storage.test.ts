/**
 * Cloud storage through wx-server-sdk and @cloudbase/node-sdk: upload, temp URL (served by the
 * emulator with the uploaded bytes), download (the encodeURI trap), delete.
 */
import { useCloud } from '../helpers/cloud';

const cloud = useCloud();

test('upload → fileID; getTempFileURL serves exactly the uploaded bytes over HTTP', async () => {
  const wx = cloud.wx();
  const bytes = Buffer.from([0, 1, 2, 250, 255, 10, 13]);
  const up = await wx.uploadFile({ cloudPath: 'qrcodes/p1.bin', fileContent: bytes });
  expect(up.errMsg).toBe('uploadFile:ok');
  expect(up.fileID).toMatch(new RegExp(`^cloud://${cloud.envId}\\.[^/]+/qrcodes/p1\\.bin$`));
  const t = await wx.getTempFileURL({ fileList: [up.fileID] });
  expect(t.fileList[0]).toMatchObject({ fileID: up.fileID, status: 0 });
  const res = await fetch(encodeURI(t.fileList[0].tempFileURL));
  expect(res.status).toBe(200);
  expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
});

test('downloadFile round-trips a path with spaces, + , % and non-ASCII (encodeURI trap)', async () => {
  const wx = cloud.wx();
  const cloudPath = '测试 dir/a b+c%.png';
  const content = Buffer.from('hello 世界');
  const up = await wx.uploadFile({ cloudPath, fileContent: content });
  const down = await wx.downloadFile({ fileID: up.fileID });
  expect(Buffer.from(down.fileContent).toString()).toBe('hello 世界');
});

test('missing files: per-file STORAGE_FILE_NONEXIST in getTempFileURL, download fails', async () => {
  const wx = cloud.wx();
  const up = await wx.uploadFile({ cloudPath: 'x/exists.txt', fileContent: Buffer.from('x') });
  const missing = up.fileID.replace('exists.txt', 'missing.txt');
  const t = await wx.getTempFileURL({ fileList: [up.fileID, missing] });
  expect(t.fileList[0].status).toBe(0);
  expect(t.fileList[1].status).toBe(-503003);
  await expect(wx.downloadFile({ fileID: missing })).rejects.toBeTruthy();
});

test('deleteFile removes the file; a second delete reports it missing', async () => {
  const wx = cloud.wx();
  const up = await wx.uploadFile({ cloudPath: 'del/me.txt', fileContent: Buffer.from('bye') });
  const d = await wx.deleteFile({ fileList: [up.fileID] });
  expect(d.fileList[0]).toMatchObject({ fileID: up.fileID, status: 0 });
  const t = await wx.getTempFileURL({ fileList: [up.fileID] });
  expect(t.fileList[0].status).toBe(-503003);
  const again = await wx.deleteFile({ fileList: [up.fileID] });
  expect(again.fileList[0].status).not.toBe(0);
});

test('@cloudbase/node-sdk upload + download + overwrite', async () => {
  const app = cloud.node();
  const up = await app.uploadFile({ cloudPath: 'node/file.txt', fileContent: Buffer.from('v1') });
  await app.uploadFile({ cloudPath: 'node/file.txt', fileContent: Buffer.from('v2') });
  const down = await app.downloadFile({ fileID: up.fileID });
  expect(Buffer.from(down.fileContent).toString()).toBe('v2');
});

test('local viewers get a stored file by its fileID (what <image src="cloud://..."> shows)', async () => {
  const up = await cloud.wx().uploadFile({ cloudPath: 'demo/cover.png', fileContent: Buffer.from('png-bytes') });
  const ok = await fetch(`${cloud.url}/_emulator/v1/storage/file?fileID=${encodeURIComponent(up.fileID)}`);
  expect(ok.status).toBe(200);
  expect(Buffer.from(await ok.arrayBuffer()).toString()).toBe('png-bytes');
  const missing = await fetch(`${cloud.url}/_emulator/v1/storage/file?fileID=${encodeURIComponent(up.fileID.replace('cover', 'nope'))}`);
  expect(missing.status).toBe(404);
  expect((await fetch(`${cloud.url}/_emulator/v1/storage/file?fileID=not-a-file-id`)).status).toBe(404);
});

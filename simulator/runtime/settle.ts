// "Reply only after everything settled": the stand-in tracks in-flight asynchronous work that a
// user action can start (navigation, wx.cloud, wx.request, payment confirmation) and the protocol
// layer awaits it, so tests never need sleeps. Pending native dialogs (modal, action sheet) are NOT
// tracked: they wait for Tool.native / a mock, exactly like DevTools.
const pending = new Set<Promise<unknown>>();

export function track<T>(p: Promise<T>): Promise<T> {
  const entry = p.then(
    () => undefined,
    () => undefined,
  );
  pending.add(entry);
  void entry.then(() => pending.delete(entry));
  return p;
}

const macrotask = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Waits for tracked work (bounded by `maxMs`) and for the microtask/macrotask queues to drain. */
export async function settle(maxMs = 10000): Promise<void> {
  const deadline = Date.now() + maxMs;
  await macrotask();
  while (pending.size && Date.now() < deadline) {
    const timer = new Promise<void>((r) => setTimeout(r, Math.max(1, deadline - Date.now())).unref());
    await Promise.race([Promise.all([...pending]), timer]);
    await macrotask();
  }
  await macrotask();
}

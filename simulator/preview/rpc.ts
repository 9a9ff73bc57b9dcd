// Minimal client of the automator protocol that the preview server uses to drive the simulator.
import WebSocket from 'ws';

/** JSON frames with ids over the automator WebSocket. */
export class Rpc {
  private seq = 0;
  private pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  constructor(private readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw)) as { id?: string; result?: unknown; error?: { message: string } };
      const p = msg.id ? this.pending.get(msg.id) : undefined;
      if (!p || !msg.id) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(msg.error.message));
      else p.resolve(msg.result);
    });
    // The simulator process may die first (Ctrl+C reaches the whole process group): fail what is pending
    // instead of waiting forever, so shutting down the preview never hangs.
    ws.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('simulator connection closed'));
      this.pending.clear();
    });
  }
  static async connect(url: string, deadline: number): Promise<Rpc> {
    for (;;) {
      try {
        const ws = new WebSocket(url);
        await new Promise<void>((resolve, reject) => {
          ws.once('open', () => resolve());
          ws.once('error', reject);
        });
        return new Rpc(ws);
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
  call<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    if (this.ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error('simulator connection closed'));
    const id = `p${++this.seq}`;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
  }
  close(): void {
    this.ws.close();
  }
}

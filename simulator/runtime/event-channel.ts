// navigateTo's EventChannel: the opener passes `events` listeners and receives `res.eventChannel`;
// the opened page gets the other end from this.getOpenerEventChannel().
type Fn = (...args: unknown[]) => void;

export class EventChannel {
  private listeners = new Map<string, { fn: Fn; once: boolean }[]>();
  peer: EventChannel | undefined;

  emit(name: string, ...args: unknown[]): void {
    const list = this.peer?.listeners.get(name) ?? [];
    for (const l of [...list]) {
      if (l.once) this.peer?.off(name, l.fn);
      l.fn(...args);
    }
  }
  on(name: string, fn: Fn): void {
    const list = this.listeners.get(name) ?? [];
    list.push({ fn, once: false });
    this.listeners.set(name, list);
  }
  once(name: string, fn: Fn): void {
    const list = this.listeners.get(name) ?? [];
    list.push({ fn, once: true });
    this.listeners.set(name, list);
  }
  off(name: string, fn?: Fn): void {
    if (!fn) this.listeners.delete(name);
    else this.listeners.set(name, (this.listeners.get(name) ?? []).filter((l) => l.fn !== fn));
  }

  /** Serialises like the base library's object over the automator protocol: no own data. */
  toJSON(): Record<string, never> {
    return {};
  }

  /** [opener side with `events` registered, opened page side] */
  static pair(events: Record<string, unknown> | undefined): [EventChannel, EventChannel] {
    const opener = new EventChannel();
    const page = new EventChannel();
    opener.peer = page;
    page.peer = opener;
    for (const [name, fn] of Object.entries(events ?? {})) if (typeof fn === 'function') opener.on(name, fn as Fn);
    return [opener, page];
  }
}

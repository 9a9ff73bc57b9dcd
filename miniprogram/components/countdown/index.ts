import { formatCountdown } from '../../utils/time';

/** Interval handles per component instance, kept out of `data` (a handle is not view data). */
const timers = new WeakMap<object, ReturnType<typeof setInterval>>();

/**
 * Time left until `expireAt` (ms), ticking at 1 Hz in its own component so the page does not
 * setData every second. Emits `expire` once when it reaches zero.
 */
Component({
  options: { pureDataPattern: /^_/ },
  properties: {
    expireAt: { type: Number, value: 0 },
    prefix: { type: String, value: '剩余' },
  },
  data: { text: '', _fired: false },
  observers: {
    expireAt() {
      this.setData({ _fired: false });
      this.start();
    },
  },
  lifetimes: {
    detached() {
      this.stop();
    },
  },
  pageLifetimes: {
    show() {
      this.start();
    },
    hide() {
      this.stop();
    },
  },
  methods: {
    start() {
      this.stop();
      this.tick();
      if (this.data.expireAt > Date.now()) timers.set(this, setInterval(() => this.tick(), 1000));
    },
    stop() {
      const timer = timers.get(this);
      if (timer !== undefined) clearInterval(timer);
      timers.delete(this);
    },
    tick() {
      const left = this.data.expireAt - Date.now();
      if (left <= 0) {
        this.stop();
        this.setData({ text: formatCountdown(0) });
        if (!this.data._fired && this.data.expireAt > 0) {
          this.setData({ _fired: true });
          this.triggerEvent('expire', {});
        }
        return;
      }
      this.setData({ text: formatCountdown(left) });
    },
  },
});

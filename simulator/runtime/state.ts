// Process-wide simulator state that outlives one app run (cold start): per-user storage, the
// simulated user, the native-chrome state that tests inspect, and the launch/enter options.
export interface EnterOptions {
  path: string;
  query: Record<string, string>;
  scene: number;
  shareTicket?: string;
  referrerInfo?: { appId?: string; extraData?: unknown };
  apiCategory?: string;
}

export interface PendingDialog<T> { kind: string; options: Record<string, unknown>; resolve: (v: T) => void; reject: (reason: string) => void }

export interface NativeState {
  toast?: { title: string; icon?: string; visible: boolean };
  loading?: { title: string; visible: boolean };
  modal?: PendingDialog<{ confirm: boolean; cancel: boolean; content?: string }>;
  actionSheet?: PendingDialog<{ tapIndex: number }>;
  payment?: PendingDialog<'pay' | 'fail'>;
  navigationBar: { title?: string; frontColor?: string; backgroundColor?: string; loading: boolean };
  /** wx.setNavigationBarTitle per page (webviewId): a title belongs to the page that set it */
  pageTitles: Record<number, string>;
  tabBar: { badges: Record<number, string>; redDots: Record<number, boolean>; hidden: boolean };
  shareMenu: { shown: boolean; withShareTicket?: boolean; menus?: string[] };
  lastShare?: { from: string; result: unknown };
  /** pull-down-refresh indicator: set by a pull (or wx.startPullDownRefresh), cleared by wx.stopPullDownRefresh */
  pullDownRefreshing: boolean;
  history: { api: string; options: unknown }[];
}

/** wx.getNetworkType's answers for a phone that is online. */
export const CONNECTIONS = ['wifi', '2g', '3g', '4g', '5g', 'unknown'] as const;
export type Connection = (typeof CONNECTIONS)[number];

export const DEFAULT_OPENID = 'o_sim_user_1';

export class SimState {
  openid: string;
  /** storage per openid: a different simulated user sees a different wx storage */
  private storages = new Map<string, Map<string, { data: unknown; type: string }>>();
  launchOptions: EnterOptions = { path: '', query: {}, scene: 1001 };
  enterOptions: EnterOptions = { path: '', query: {}, scene: 1001 };
  native: NativeState = SimState.freshNative();
  cloudUrl: string | undefined;
  cloudEnv: string | undefined;
  appid = 'touristappid';
  /** auto-answer policy for modals: undefined = stay pending until Tool.native */
  autoModal: 'confirm' | 'cancel' | undefined;
  /** wx.requestPayment: 'confirm' pays at once, 'cancel' fails, 'pending' waits for the payment sheet */
  paymentPolicy: 'confirm' | 'cancel' | 'pending' = 'confirm';
  /** the phone's network switch: offline fails requests and cloud calls like a phone without signal */
  offline = false;
  /** the connection while online, as wx.getNetworkType names it; preloadRule `network: "wifi"` waits for 'wifi' */
  connection: Connection = 'wifi';
  /** users (openids) who agreed to the privacy guide; a new user has not */
  privacyAgreed = new Set<string>();
  /** ids of `open-type="agreePrivacyAuthorization"` buttons the user tapped */
  privacyButtons = new Set<string>();
  /** WeChat's own privacy popup (no onNeedPrivacyAuthorization listener): how the headless user answers it */
  privacyPopupAnswer: 'agree' | 'disagree' = 'agree';
  /** wx.openBusinessView('weappOrderConfirm'): what the confirm-receipt component answers */
  orderConfirmAnswer: 'success' | 'cancel' | 'fail' = 'success';
  /** wx.requestSubscribeMessage: what the user answers per template id (`*`: any other template) */
  subscribeAnswers: Record<string, 'accept' | 'reject' | 'ban'> = { '*': 'accept' };
  /** set by the current app run's wx: delivers wx.onNetworkStatusChange when the switch flips or the connection changes */
  onNetworkChange: (() => void) | undefined;

  constructor(opts: { openid?: string; cloudUrl?: string; autoModal?: 'confirm' | 'cancel' }) {
    this.openid = opts.openid ?? DEFAULT_OPENID;
    this.cloudUrl = opts.cloudUrl;
    this.autoModal = opts.autoModal;
  }

  /** What wx.getNetworkType answers: 'none' while offline, else the connection. */
  networkType(): Connection | 'none' {
    return this.offline ? 'none' : this.connection;
  }

  static freshNative(): NativeState {
    return {
      navigationBar: { loading: false },
      pageTitles: {},
      tabBar: { badges: {}, redDots: {}, hidden: false },
      shareMenu: { shown: false },
      pullDownRefreshing: false,
      history: [],
    };
  }

  storage(): Map<string, { data: unknown; type: string }> {
    let s = this.storages.get(this.openid);
    if (!s) {
      s = new Map();
      this.storages.set(this.openid, s);
    }
    return s;
  }
}

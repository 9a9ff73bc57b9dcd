/**
 * The ONE place that names the cloud environment the mini program talks to.
 *
 * - Real WeChat / DevTools: set CLOUD_ENV_ID to your CloudBase environment id (console → 环境 ID).
 * - Headless simulator: it implements `wx.cloud` itself and routes every call to the local emulator,
 *   whatever id is set here, so pages and services never need to know where they run.
 *
 * Kept as a plain constant (no build-time substitution) because DevTools compiles this file as-is.
 */
export const CLOUD_ENV_ID = 'storefront-dev';

/** Client-side time limit for one cloud call; past it the caller sees UNAVAILABLE and may retry. */
export const CALL_TIMEOUT_MS = 15000;

/**
 * Carriers a merchant may ship with: codes from WeChat's delivery company list (物流助手
 * getAllDelivery `delivery_id`), so a shipment can later be reported to WeChat as it is. The source
 * and how to refresh the list: docs/reference/wechat-delivery-companies.md.
 */
export const CARRIERS: Readonly<Record<string, string>> = {
  SF: '顺丰速运',
  ZTO: '中通快递',
  YTO: '圆通速递',
  STO: '申通快递',
  YUNDA: '韵达快递',
  EMS: '中国邮政速递物流',
  JD: '京东物流',
  DB: '德邦快递',
  BEST: '百世快递',
  ZJS: '宅急送',
};

export function isCarrier(code: unknown): code is string {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(CARRIERS, code);
}

/** Tracking numbers: letters, digits and -, 4 to 40 characters. */
export const TRACKING_NO = /^[A-Za-z0-9-]{4,40}$/;

/**
 * Where a campaign's page lives (printed on posters, pasted into Official Account articles). Apart from
 * the campaign rules (campaigns.ts) so navigation and the campaign page do not load the rules.
 */

/** The campaign page (subpackage `pages-campaign`). */
export const CAMPAIGN_PAGE = 'pages-campaign/index';

/** The path (with its `?id=`) to paste into an Official Account article or menu. */
export function campaignPagePath(id: string): string {
  return `${CAMPAIGN_PAGE}?id=${encodeURIComponent(id)}`;
}
